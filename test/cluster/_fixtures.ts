import { Chart, Testing } from 'cdk8s';
import {
  ApiServerAccess, AwsClusterProvider, EncryptionConfigSecret, Profile, ProductionCluster, ProductionClusterProps, VsphereClusterProvider,
} from '../../lib';

/** The props of a valid 3-zone production cluster on AWS, with `overrides` on top. */
export function awsProps(overrides: Partial<ProductionClusterProps> = {}): ProductionClusterProps {
  return {
    name: 'prod-eu1',
    provider: new AwsClusterProvider({ region: 'eu-west-1' }),
    version: 'v1.33.4',
    failureDomains: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    apiServerAccess: ApiServerAccess.internalOnly(['10.0.0.0/16']),
    encryption: {
      secret: EncryptionConfigSecret.externalSecretNamed('prod-eu1-encryption-v1'),
      kms: { name: 'aws-kms', endpoint: 'unix:///var/run/kmsplugin/socket.sock' },
      localKeyNames: ['key_2026_01'],
    },
    pools: [{ name: 'general', minPerZone: 2, maxPerZone: 10 }, { name: 'memory', machineType: 'r6i.2xlarge', maxPerZone: 5 }],
    ...overrides,
  };
}

/** A vSphere provider with kube-vip. */
export function vsphere(vip = '10.10.0.10'): VsphereClusterProvider {
  return new VsphereClusterProvider({
    server: 'vcenter.example.com',
    thumbprint: Array(20).fill('AB').join(':'),
    controlPlaneVip: vip,
    nodeNetworkCidr: '10.10.0.0/16',
    datacenter: 'dc1', datastore: 'ds1', network: 'k8s-nodes', vmTemplate: 'ubuntu-2404-kube-v1.33.4',
  });
}

/** A prod chart in namespace `clusters-prod`. */
export function clusterChart(): Chart {
  const chart = Testing.chart();
  (chart as any).namespace = undefined;
  Profile.use(chart, Profile.PROD);
  return chart;
}

/** Synthesizes a cluster from props; returns the construct and the manifests. */
export function synthCluster(props: ProductionClusterProps): { cluster: ProductionCluster; manifests: any[] } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'clusters-prod' });
  Profile.use(chart, Profile.PROD);
  const cluster = new ProductionCluster(chart, 'Cluster', props);
  return { cluster, manifests: Testing.synth(chart) };
}

/** The kinds whose CRDs are not in imports/schemas/crds.json (provider objects and the KubeadmControlPlaneTemplate). */
export const UNVALIDATED_KINDS = ['AWSCluster', 'AWSClusterTemplate', 'AWSMachineTemplate', 'VSphereCluster', 'VSphereClusterTemplate',
  'VSphereMachineTemplate', 'KubeadmControlPlaneTemplate'];
