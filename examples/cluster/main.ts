// A production workload cluster on Cluster API (v1beta2, kubeadm), synthesized for the management cluster: three
// control-plane machines with stacked etcd behind an internal AWS network load balancer, three zones, two worker
// pools scaled by the cluster-autoscaler, health checks, and an API server hardened to the CIS benchmark with
// Secrets encrypted by a KMS v2 plugin. The upgrade runbook is written next to the manifests.
//
// The cluster lives in its own chart (the namespace of the cluster objects in the management cluster). What the
// platform applies inside the new cluster (the admission floors, and team access for the first team's namespace) goes
// into charts of their own, next to it: the cluster's GitOps bootstrap syncs them.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  AdmissionPodKind, ApiServerAccess, AwsClusterProvider, EncryptionConfigSecret, ExternalSecretRef, KubernetesApiServer, PriorityClasses,
  ProductionAdmissionPolicies, ProductionCluster, ProductionNamespace, Profile, SecretStoreReference, Synth, TeamRole, TeamSubject,
} from '@platform/cdk8s-production';

const app = new App();

const clusters = new Chart(app, 'cluster', { namespace: 'clusters-prod' });
Profile.use(clusters, Profile.PROD);

// The EncryptionConfiguration holds key material: External Secrets writes it from Vault into a versioned Secret
// (rotating keys means a new "-v2" Secret, which rolls the control plane one machine at a time). Store the text of
// `cluster.encryptionConfiguration()` in Vault with the keys filled in.
const encryption = new ExternalSecretRef(clusters, 'EncryptionConfig', {
  secretName: 'prod-eu1-encryption-v1',
  store: SecretStoreReference.clusterNamed('platform-vault'),
  data: { 'encryption-config.yaml': { key: 'clusters/prod-eu1/encryption-config', version: '1' } },
});

const cluster = new ProductionCluster(clusters, 'ProdEu1', {
  name: 'prod-eu1',
  provider: new AwsClusterProvider({ region: 'eu-west-1', controlPlaneInstanceType: 'm6i.xlarge' }),
  version: 'v1.33.4',
  previousVersion: 'v1.32.7',
  controlPlaneReplicas: 3,
  failureDomains: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  // Only the VPC and the operators' VPN reach the API server.
  apiServerAccess: ApiServerAccess.internalOnly(['10.0.0.0/16', '10.200.0.0/22']),
  podCidrs: ['10.244.0.0/16'],
  serviceCidrs: ['10.96.0.0/12'],
  encryption: {
    secret: EncryptionConfigSecret.fromExternalSecret(encryption),
    kms: { name: 'aws-encryption-provider', endpoint: 'unix:///var/run/kmsplugin/socket.sock' },
  },
  pools: [
    { name: 'general', machineType: 'm6i.2xlarge', minPerZone: 2, maxPerZone: 10 },
    { name: 'memory', machineType: 'r6i.2xlarge', minPerZone: 1, maxPerZone: 4, labels: { 'platform.example.com/workload': 'memory' } },
  ],
});

// Inside the workload cluster: the floors the API server enforces again for whatever does not come from this library
// (kubectl apply by hand, a chart someone else installs), as ValidatingAdmissionPolicies of the cluster's version.
const platform = new Chart(app, 'prod-eu1-platform');
Profile.use(platform, Profile.PROD);
new PriorityClasses(platform, 'PriorityClasses');
const floors = new ProductionAdmissionPolicies(platform, 'AdmissionFloors', {
  allowedRegistries: ['registry.example.com'],
  kubernetesVersion: '1.33',
  podKinds: [...AdmissionPodKind.builtIns(), AdmissionPodKind.ARGO_ROLLOUT],
});

// The first team's namespace: under the floors, read and debugged by people, applied only by the GitOps controller.
const team = new Chart(app, 'prod-eu1-shop');
Profile.use(team, Profile.PROD);
const shop = new ProductionNamespace(team, 'Shop', {
  name: 'shop',
  // The control plane's addresses in the VPC, for apps that call the API.
  apiServer: KubernetesApiServer.endpoints(['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'], { port: 6443 }),
});
floors.enforceIn(shop);
shop.grantTeam('shop', TeamRole.VIEWER, [TeamSubject.group('shop-stakeholders')]);
shop.grantTeam('shop', TeamRole.DEVELOPER, [TeamSubject.group('shop-developers')]);
shop.grantTeam('gitops', TeamRole.DEPLOYER, [TeamSubject.serviceAccount('argocd-application-controller', 'argocd')]);

// The runbook documents the upgrade this very configuration stands for; it is rewritten on every synth.
fs.mkdirSync(app.outdir, { recursive: true });
fs.writeFileSync(path.join(app.outdir, 'UPGRADE-RUNBOOK.md'), cluster.runbook());

Synth.app(app);
