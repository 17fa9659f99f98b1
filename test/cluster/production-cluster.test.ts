import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { awsProps, synthCluster, UNVALIDATED_KINDS, vsphere } from './_fixtures';
import {
  ApiServerAccess, EncryptionConfigSecret, ExternalSecretRef, PodSecurityLevel, Profile, ProductionCluster, SecretStoreReference, TlsVersion,
} from '../../lib';
import { ofKind, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const argsOf = (list: { name: string; value: string }[]) => Object.fromEntries(list.map((a) => [a.name, a.value]));
const checked = (manifests: any[]) => manifests.filter((m) => !UNVALIDATED_KINDS.includes(m.kind));

describe('ProductionCluster defaults (raw mode, AWS)', () => {
  // GIVEN a 3-zone cluster with two pools and only the required props
  const { manifests, cluster } = synthCluster(awsProps());
  const kcp = one(manifests, 'KubeadmControlPlane');
  const cc = kcp.spec.kubeadmConfigSpec.clusterConfiguration;
  const api = argsOf(cc.apiServer.extraArgs);

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('every Cluster API object is valid against its v1beta2 CRD schema; only the provider objects are unchecked', () => {
    expectValidManifests(checked(manifests));
    expect([...new Set(manifests.filter((m) => UNVALIDATED_KINDS.includes(m.kind)).map((m) => m.kind))].sort()).toEqual(['AWSCluster', 'AWSMachineTemplate']);
    expect(new Set(manifests.map((m) => m.apiVersion))).toEqual(new Set([
      'cluster.x-k8s.io/v1beta2', 'controlplane.cluster.x-k8s.io/v1beta2', 'bootstrap.cluster.x-k8s.io/v1beta2', 'infrastructure.cluster.x-k8s.io/v1beta2',
    ]));
  });

  test('the control plane: 3 machines, one at a time with surge, certificates rotated 21 days before expiry, remediation and deletion bounded', () => {
    expect(kcp.spec.replicas).toBe(3);
    expect(kcp.spec.version).toBe('v1.33.4');
    expect(kcp.spec.rollout).toEqual({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, before: { certificatesExpiryDays: 21 } });
    expect(kcp.spec.remediation).toEqual({ maxRetry: 5, retryPeriodSeconds: 300, minHealthyPeriodSeconds: 3600 });
    expect(kcp.spec.machineTemplate.spec.deletion).toEqual({ nodeDrainTimeoutSeconds: 600, nodeVolumeDetachTimeoutSeconds: 300, nodeDeletionTimeoutSeconds: 10 });
    expect(kcp.spec.machineTemplate.spec.taints).toBeUndefined();
    expect(cc.certificateValidityPeriodDays).toBe(365);
  });

  test('etcd is local with its data dir, an 8 GiB quota and strong ciphers; no auto-TLS', () => {
    expect(cc.etcd.local.dataDir).toBe('/var/lib/etcd');
    const etcd = argsOf(cc.etcd.local.extraArgs);
    expect(etcd['quota-backend-bytes']).toBe(String(8 * 1024 ** 3));
    expect(etcd['cipher-suites'].split(',').every((c: string) => c.startsWith('TLS_ECDHE_') && c.includes('GCM'))).toBe(true);
    expect(etcd['auto-tls']).toBeUndefined();
    expect(etcd['peer-auto-tls']).toBeUndefined();
  });

  test('API server flags follow the CIS benchmark', () => {
    expect(api).toEqual(expect.objectContaining({
      'profiling': 'false',
      'audit-policy-file': '/etc/kubernetes/hardening/audit-policy.yaml',
      'audit-log-path': '/var/log/kubernetes/audit/audit.log',
      'audit-log-maxage': '30',
      'audit-log-maxbackup': '10',
      'audit-log-maxsize': '100',
      'encryption-provider-config': '/etc/kubernetes/hardening/encryption-config.yaml',
      'admission-control-config-file': '/etc/kubernetes/hardening/admission-config.yaml',
      'authentication-config': '/etc/kubernetes/hardening/authentication-config.yaml',
      'tls-min-version': 'VersionTLS12',
      'service-account-extend-token-expiration': 'false',
      'request-timeout': '60s',
    }));
    expect(api['enable-admission-plugins'].split(',')).toEqual(['NodeRestriction', 'DenyServiceExternalIPs']);
    expect(api['tls-cipher-suites'].split(',')).toHaveLength(6);
    for (const forbidden of ['authorization-mode', 'anonymous-auth', 'insecure-port', 'insecure-bind-address', 'feature-gates']) {
      expect(api[forbidden]).toBeUndefined();
    }
    expect(argsOf(cc.controllerManager.extraArgs)).toEqual({ 'profiling': 'false', 'bind-address': '127.0.0.1', 'terminated-pod-gc-threshold': '1000' });
    expect(argsOf(cc.scheduler.extraArgs)).toEqual({ 'profiling': 'false', 'bind-address': '127.0.0.1' });
    expect(cluster.apiServerArgs).toEqual(cc.apiServer.extraArgs);
  });

  test('the hardening files are root-only, mounted read-only, and the encryption config comes from the versioned Secret', () => {
    const files = kcp.spec.kubeadmConfigSpec.files;
    const enc = files.find((f: any) => f.path.endsWith('encryption-config.yaml'));
    expect(enc).toEqual({ path: '/etc/kubernetes/hardening/encryption-config.yaml', owner: 'root:root', permissions: '0600',
      contentFrom: { secret: { name: 'prod-eu1-encryption-v1', key: 'encryption-config.yaml' } } });
    for (const f of files.filter((x: any) => x.path.startsWith('/etc/kubernetes/hardening/'))) {
      expect([f.owner, f.permissions]).toEqual(['root:root', '0600']);
    }
    expect(cc.apiServer.extraVolumes).toEqual([
      { name: 'hardening', hostPath: '/etc/kubernetes/hardening', mountPath: '/etc/kubernetes/hardening', readOnly: true, pathType: 'DirectoryOrCreate' },
      { name: 'audit-log', hostPath: '/var/log/kubernetes/audit', mountPath: '/var/log/kubernetes/audit', readOnly: false, pathType: 'DirectoryOrCreate' },
    ]);
    const fileText = (suffix: string) => parse(files.find((f: any) => f.path.endsWith(suffix)).content);
    expect(fileText('admission-config.yaml').plugins[0].configuration.defaults).toEqual({
      'enforce': 'baseline', 'enforce-version': 'latest', 'audit': 'restricted', 'audit-version': 'latest', 'warn': 'restricted', 'warn-version': 'latest',
    });
    expect(fileText('admission-config.yaml').plugins[0].configuration.exemptions.namespaces).toEqual(['kube-system']);
    const authn = fileText('authentication-config.yaml');
    expect(authn.apiVersion).toBe('apiserver.config.k8s.io/v1beta1');
    expect(authn.anonymous.conditions.map((c: any) => c.path)).toEqual(['/livez', '/readyz', '/healthz', '/api/v1/namespaces/kube-public/configmaps/cluster-info']);
    const audit = fileText('audit-policy.yaml');
    expect(audit.rules.find((r: any) => r.resources?.some((g: any) => g.resources?.includes('secrets'))).level).toBe('Metadata');
    expect(audit.rules[audit.rules.length - 1]).toEqual({ level: 'Metadata' });
  });

  test('kubelets are hardened on control-plane and worker nodes alike', () => {
    const expected = { 'anonymous-auth': 'false', 'authorization-mode': 'Webhook', 'read-only-port': '0', 'protect-kernel-defaults': 'true',
      'rotate-server-certificates': 'true', 'cloud-provider': 'external', 'event-qps': '5' };
    expect(argsOf(kcp.spec.kubeadmConfigSpec.initConfiguration.nodeRegistration.kubeletExtraArgs)).toEqual(expected);
    expect(argsOf(kcp.spec.kubeadmConfigSpec.joinConfiguration.nodeRegistration.kubeletExtraArgs)).toEqual(expected);
    for (const kct of ofKind(manifests, 'KubeadmConfigTemplate')) {
      expect(argsOf(kct.spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs)).toEqual(expected);
      expect(kct.spec.template.spec.preKubeadmCommands).toEqual(['sysctl --system']);
      expect(kct.spec.template.spec.files[0].content).toContain('kernel.panic_on_oops=1');
    }
  });

  test('the Cluster carries the networks and points at the control plane and the provider', () => {
    const c = one(manifests, 'Cluster');
    expect(c.spec.clusterNetwork).toEqual({ apiServerPort: 6443, pods: { cidrBlocks: ['10.244.0.0/16'] }, services: { cidrBlocks: ['10.96.0.0/12'] }, serviceDomain: 'cluster.local' });
    expect(c.spec.controlPlaneRef).toEqual({ apiGroup: 'controlplane.cluster.x-k8s.io', kind: 'KubeadmControlPlane', name: 'prod-eu1-control-plane' });
    expect(c.spec.infrastructureRef).toEqual({ apiGroup: 'infrastructure.cluster.x-k8s.io', kind: 'AWSCluster', name: 'prod-eu1' });
    expect(c.spec.controlPlaneEndpoint).toBeUndefined();
  });

  test('one MachineDeployment per pool and zone, autoscaled by annotations, surging one node and never losing one', () => {
    const mds = ofKind(manifests, 'MachineDeployment');
    expect(mds.map((m) => [m.metadata.name, m.spec.template.spec.failureDomain])).toEqual([
      ['prod-eu1-general-eu-west-1a', 'eu-west-1a'], ['prod-eu1-general-eu-west-1b', 'eu-west-1b'], ['prod-eu1-general-eu-west-1c', 'eu-west-1c'],
      ['prod-eu1-memory-eu-west-1a', 'eu-west-1a'], ['prod-eu1-memory-eu-west-1b', 'eu-west-1b'], ['prod-eu1-memory-eu-west-1c', 'eu-west-1c'],
    ]);
    for (const md of mds) {
      expect(md.spec.replicas).toBeUndefined();
      expect(md.spec.rollout.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      expect(md.spec.remediation).toEqual({ maxInFlight: 1 });
      expect(md.spec.template.spec.version).toBe('v1.33.4');
      expect(md.spec.template.spec.minReadySeconds).toBe(60);
      expect(md.spec.template.spec.deletion).toEqual({ nodeDrainTimeoutSeconds: 0, nodeVolumeDetachTimeoutSeconds: 600, nodeDeletionTimeoutSeconds: 10 });
      expect(md.spec.selector.matchLabels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'prod-eu1', 'cluster.x-k8s.io/deployment-name': md.metadata.name });
      expect(md.spec.template.metadata.labels).toEqual(expect.objectContaining(md.spec.selector.matchLabels));
    }
    expect(mds[0].metadata.annotations).toEqual(expect.objectContaining({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '2', 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '10' }));
    expect(mds[3].metadata.annotations).toEqual(expect.objectContaining({
      'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size': '1', 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size': '5' }));
  });

  test('health checks: the control plane and each pool, with selectors that cannot overlap', () => {
    const mhcs = ofKind(manifests, 'MachineHealthCheck');
    expect(mhcs.map((m) => m.spec.selector)).toEqual([
      { matchLabels: { 'cluster.x-k8s.io/control-plane': '' } },
      { matchLabels: { 'platform.example.com/pool': 'general' }, matchExpressions: [{ key: 'cluster.x-k8s.io/control-plane', operator: 'DoesNotExist' }] },
      { matchLabels: { 'platform.example.com/pool': 'memory' }, matchExpressions: [{ key: 'cluster.x-k8s.io/control-plane', operator: 'DoesNotExist' }] },
    ]);
    expect(mhcs[0].spec.checks).toEqual({ nodeStartupTimeoutSeconds: 1200, unhealthyNodeConditions: [
      { type: 'Ready', status: 'Unknown', timeoutSeconds: 300 }, { type: 'Ready', status: 'False', timeoutSeconds: 300 }] });
    expect(mhcs[0].spec.remediation).toEqual({ triggerIf: { unhealthyLessThanOrEqualTo: '100%' } });
    expect(mhcs[1].spec.checks.unhealthyMachineConditions).toEqual([{ type: 'NodeReady', status: 'Unknown', timeoutSeconds: 1800 }]);
    expect(mhcs[1].spec.checks.nodeStartupTimeoutSeconds).toBe(600);
    expect(mhcs[1].spec.remediation).toEqual({ triggerIf: { unhealthyLessThanOrEqualTo: '40%' } });
    // Every worker machine is selected by exactly its own pool's health check, and no control-plane machine by a pool's.
    const selects = (mhc: any, labels: any) => Object.entries(mhc.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)
      && (mhc.spec.selector.matchExpressions ?? []).every((e: any) => !(e.key in labels));
    for (const md of ofKind(manifests, 'MachineDeployment')) {
      expect(mhcs.filter((m) => selects(m, md.spec.template.metadata.labels)).map((m) => m.metadata.name)).toEqual([`prod-eu1-${md.metadata.labels['platform.example.com/pool']}`]);
    }
  });

  test('the AWS load balancer is internal and admits only the allowed CIDRs on the API port; machines require IMDSv2', () => {
    const aws = one(manifests, 'AWSCluster');
    expect(aws.spec.controlPlaneLoadBalancer).toEqual({ scheme: 'internal', loadBalancerType: 'nlb', healthCheckProtocol: 'HTTPS',
      ingressRules: [{ description: 'Kubernetes API server', protocol: 'tcp', fromPort: 6443, toPort: 6443, cidrBlocks: ['10.0.0.0/16'] }] });
    for (const mt of ofKind(manifests, 'AWSMachineTemplate')) {
      expect(mt.spec.template.spec.instanceMetadataOptions.httpTokens).toBe('required');
      expect(mt.spec.template.spec.rootVolume.encrypted).toBe(true);
      expect(mt.metadata.labels['cluster.x-k8s.io/cluster-name']).toBe('prod-eu1');
    }
    expect(kcp.spec.machineTemplate.spec.infrastructureRef.name).toBe(ofKind(manifests, 'AWSMachineTemplate')[0].metadata.name);
  });

  test('the runbook backs up first, then the control plane, then each pool', () => {
    const text = cluster.runbook();
    const at = (s: string) => text.indexOf(s);
    expect(at('etcdctl')).toBeGreaterThan(0);
    expect(at('prod-eu1-encryption-v1')).toBeGreaterThan(at('etcdctl'));
    expect(at('## 2. Control plane')).toBeGreaterThan(at('## 1. Back up first'));
    expect(at('pool `general`')).toBeGreaterThan(at('## 3. Pools, one at a time'));
    expect(at('pool `memory`')).toBeGreaterThan(at('pool `general`'));
    expect(synthCluster(awsProps()).cluster.runbook()).toBe(text);
  });

  test('the EncryptionConfiguration lists KMS v2 first and identity last', () => {
    const enc = parse(cluster.encryptionConfiguration());
    expect(enc.kind).toBe('EncryptionConfiguration');
    expect(enc.resources[0].resources).toEqual(['secrets']);
    expect(enc.resources[0].providers.map((p: any) => Object.keys(p)[0])).toEqual(['kms', 'secretbox', 'identity']);
    expect(enc.resources[0].providers[0].kms).toEqual({ apiVersion: 'v2', name: 'aws-kms', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '3s' });
    expect(enc.resources[0].providers[1].secretbox.keys).toEqual([{ name: 'key_2026_01', secret: '{{ .key_2026_01 }}' }]);
  });

  test('public properties hold the objects as ApiObjects', () => {
    expect(cluster.cluster).toBeInstanceOf(ApiObject);
    expect(cluster.controlPlane.kind).toBe('KubeadmControlPlane');
    expect(cluster.machineDeployments).toHaveLength(6);
    expect(cluster.healthChecks).toHaveLength(3);
    expect(cluster.poolNames).toEqual(['general', 'memory']);
  });
});

describe('ProductionCluster options', () => {
  test('5 control-plane machines, custom CIDRs, etcd, audit and Pod Security settings', () => {
    const { manifests } = synthCluster(awsProps({
      controlPlaneReplicas: 5, podCidrs: ['192.168.0.0/16'], serviceCidrs: ['172.20.0.0/16'],
      etcd: { dataDir: '/var/lib/etcd-data', quota: Size.gibibytes(4) },
      apiServer: { audit: { maxAge: Duration.days(90), maxBackups: 20, maxSize: Size.mebibytes(200) },
        podSecurity: { enforce: PodSecurityLevel.RESTRICTED, exemptNamespaces: ['kube-system', 'tigera-operator'] },
        tlsMinVersion: TlsVersion.TLS13, admissionPlugins: ['EventRateLimit', 'AlwaysPullImages'], extraArgs: [{ name: 'event-ttl', value: '2h' }] },
      certificatesExpiryDays: 30, remediation: { maxRetry: 3 },
    }));
    expectValidManifests(checked(manifests));
    const kcp = one(manifests, 'KubeadmControlPlane');
    const cc = kcp.spec.kubeadmConfigSpec.clusterConfiguration;
    const api = argsOf(cc.apiServer.extraArgs);
    expect(kcp.spec.replicas).toBe(5);
    expect(kcp.spec.rollout.before.certificatesExpiryDays).toBe(30);
    expect(kcp.spec.remediation.maxRetry).toBe(3);
    expect(cc.etcd.local.dataDir).toBe('/var/lib/etcd-data');
    expect(argsOf(cc.etcd.local.extraArgs)['quota-backend-bytes']).toBe(String(4 * 1024 ** 3));
    expect([api['audit-log-maxage'], api['audit-log-maxbackup'], api['audit-log-maxsize']]).toEqual(['90', '20', '200']);
    expect(api['tls-min-version']).toBe('VersionTLS13');
    expect(api['tls-cipher-suites']).toBeUndefined();
    expect(api['enable-admission-plugins']).toBe('NodeRestriction,EventRateLimit,AlwaysPullImages');
    expect(api['event-ttl']).toBe('2h');
    const admission = parse(kcp.spec.kubeadmConfigSpec.files.find((f: any) => f.path.endsWith('admission-config.yaml')).content);
    expect(admission.plugins[0].configuration.defaults.enforce).toBe('restricted');
    expect(admission.plugins[0].configuration.exemptions.namespaces).toEqual(['kube-system', 'tigera-operator']);
    expect(one(manifests, 'Cluster').spec.clusterNetwork.pods.cidrBlocks).toEqual(['192.168.0.0/16']);
  });

  test('NodeRestriction stays first even when the user lists it', () => {
    const { cluster } = synthCluster(awsProps({ apiServer: { admissionPlugins: ['EventRateLimit', 'NodeRestriction'] } }));
    expect(argsOf(cluster.apiServerArgs)['enable-admission-plugins']).toBe('NodeRestriction,EventRateLimit');
  });

  test('the AuthenticationConfiguration version follows the Kubernetes minor; 1.31 turns the alpha gate on', () => {
    const authnOf = (version: string) => {
      const { manifests } = synthCluster(awsProps({ version }));
      const kcp = one(manifests, 'KubeadmControlPlane');
      return [parse(kcp.spec.kubeadmConfigSpec.files.find((f: any) => f.path.endsWith('authentication-config.yaml')).content).apiVersion,
        argsOf(kcp.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs)['feature-gates']];
    };
    expect(authnOf('v1.31.2')).toEqual(['apiserver.config.k8s.io/v1alpha1', 'AnonymousAuthConfigurableEndpoints=true']);
    expect(authnOf('v1.32.0')).toEqual(['apiserver.config.k8s.io/v1beta1', undefined]);
    expect(authnOf('v1.34.1')).toEqual(['apiserver.config.k8s.io/v1', undefined]);
  });

  test('a public endpoint restricted to CIDRs makes an internet-facing load balancer with those sources only', () => {
    const { manifests } = synthCluster(awsProps({ apiServerAccess: ApiServerAccess.fromCidrs(['203.0.113.0/24', '2001:db8::/48']) }));
    expect(one(manifests, 'AWSCluster').spec.controlPlaneLoadBalancer).toEqual(expect.objectContaining({ scheme: 'internet-facing',
      ingressRules: [{ description: 'Kubernetes API server', protocol: 'tcp', fromPort: 6443, toPort: 6443, cidrBlocks: ['203.0.113.0/24'], ipv6CidrBlocks: ['2001:db8::/48'] }] }));
  });

  test('pools staged behind the control plane during an upgrade', () => {
    const { manifests } = synthCluster(awsProps({ version: 'v1.34.1', previousVersion: 'v1.33.4',
      pools: [{ name: 'general' }, { name: 'batch', version: 'v1.33.4' }] }));
    expect(ofKind(manifests, 'MachineDeployment').map((m) => m.spec.template.spec.version)).toEqual([
      'v1.34.1', 'v1.34.1', 'v1.34.1', 'v1.33.4', 'v1.33.4', 'v1.33.4']);
  });

  test('pools with their own zones and health check thresholds', () => {
    const { manifests } = synthCluster(awsProps({ pools: [
      { name: 'general', maxUnhealthyPercent: 33 },
      { name: 'gpu', failureDomains: ['eu-west-1a'], unhealthyRange: '[0-1]', labels: { 'example.com/accelerator': 'gpu' } },
    ] }));
    expectValidManifests(checked(manifests));
    const mhcs = ofKind(manifests, 'MachineHealthCheck');
    expect(mhcs[1].spec.remediation.triggerIf).toEqual({ unhealthyLessThanOrEqualTo: '33%' });
    expect(mhcs[2].spec.remediation.triggerIf).toEqual({ unhealthyInRange: '[0-1]' });
    const gpu = ofKind(manifests, 'MachineDeployment').filter((m) => m.metadata.name.includes('gpu'));
    expect(gpu.map((m) => m.spec.template.spec.failureDomain)).toEqual(['eu-west-1a']);
    expect(gpu[0].spec.template.metadata.labels['example.com/accelerator']).toBe('gpu');
  });

  test('a changed template gets a new name, so the machines roll; an unchanged one keeps its name', () => {
    const name = (props: any) => one(synthCluster(props).manifests, 'KubeadmConfigTemplate').metadata.name;
    const base = awsProps({ pools: [{ name: 'general' }] });
    expect(name(base)).toBe(name(awsProps({ pools: [{ name: 'general' }] })));
    expect(name(awsProps({ pools: [{ name: 'general', kubeletExtraArgs: [{ name: 'max-pods', value: '60' }] }] }))).not.toBe(name(base));
    expect(name(base)).toMatch(/^prod-eu1-general-[0-9a-f]{8}$/);
  });

  test('the encryption Secret can come from an ExternalSecretRef of the app, whose keys are checked', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'clusters-prod' });
    Profile.use(chart, Profile.PROD);
    const ref = new ExternalSecretRef(chart, 'Keys', {
      secretName: 'prod-eu1-encryption-v2', store: SecretStoreReference.clusterNamed('vault'),
      data: { 'encryption-config.yaml': { key: 'clusters/prod-eu1/encryption-config' } },
    });
    new ProductionCluster(chart, 'Cluster', awsProps({ encryption: { secret: EncryptionConfigSecret.fromExternalSecret(ref), localKeyNames: ['k1'] } }));
    const kcp = one(Testing.synth(chart), 'KubeadmControlPlane');
    expect(kcp.spec.kubeadmConfigSpec.files[0].contentFrom.secret).toEqual({ name: 'prod-eu1-encryption-v2', key: 'encryption-config.yaml' });
    expect(ofKind(Testing.synth(chart), 'Secret')).toEqual([]);
  });
});

describe('ProductionCluster on vSphere with kube-vip', () => {
  const { manifests } = synthCluster(awsProps({ provider: vsphere(), apiServerAccess: ApiServerAccess.internalOnly(), pools: [{ name: 'general' }] }));
  const kcp = one(manifests, 'KubeadmControlPlane');

  test('the VIP is the endpoint of the VSphereCluster and kube-vip runs as a static pod', () => {
    expectValidManifests(checked(manifests));
    expect(one(manifests, 'VSphereCluster').spec.controlPlaneEndpoint).toEqual({ host: '10.10.0.10', port: 6443 });
    const file = kcp.spec.kubeadmConfigSpec.files.find((f: any) => f.path === '/etc/kubernetes/manifests/kube-vip.yaml');
    const pod = parse(file.content);
    expect(pod.kind).toBe('Pod');
    expect(pod.spec.hostNetwork).toBe(true);
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toEqual(expect.objectContaining({ address: '10.10.0.10', port: '6443', cp_enable: 'true', vip_arp: 'true', vip_leaderelection: 'true', svc_enable: 'false' }));
    expect(pod.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] });
    expect(file.content.length).toBeLessThanOrEqual(10240);
  });

  test('from Kubernetes 1.29 kube-vip uses super-admin.conf during kubeadm init only', () => {
    expect(kcp.spec.kubeadmConfigSpec.preKubeadmCommands).toEqual(['sysctl --system',
      "if [ -f /run/kubeadm/kubeadm.yaml ]; then sed -i 's#path: /etc/kubernetes/admin.conf#path: /etc/kubernetes/super-admin.conf#' /etc/kubernetes/manifests/kube-vip.yaml; fi"]);
    expect(kcp.spec.kubeadmConfigSpec.postKubeadmCommands).toEqual([
      "if [ -f /run/kubeadm/kubeadm.yaml ]; then sed -i 's#path: /etc/kubernetes/super-admin.conf#path: /etc/kubernetes/admin.conf#' /etc/kubernetes/manifests/kube-vip.yaml; fi"]);
  });

  test('machine templates use the named sizes', () => {
    const mts = ofKind(manifests, 'VSphereMachineTemplate');
    expect(mts.map((m) => m.spec.template.spec.numCPUs)).toEqual([4, 4]);
    expect(mts[0].spec.template.spec.template).toBe('ubuntu-2404-kube-v1.33.4');
  });
});

describe('ProductionCluster in topology mode', () => {
  const { manifests, cluster } = synthCluster(awsProps({ topology: true }));

  test('emits a ClusterClass and a Cluster with a topology, valid against the CRDs', () => {
    expectValidManifests(checked(manifests));
    expect(ofKind(manifests, 'KubeadmControlPlane')).toEqual([]);
    expect(ofKind(manifests, 'MachineDeployment')).toEqual([]);
    expect(ofKind(manifests, 'MachineHealthCheck')).toEqual([]);
    expect(ofKind(manifests, 'AWSCluster')).toEqual([]);
    expect(cluster.clusterClass).toBeDefined();
  });

  test('the topology runs one version, 3 control-plane machines, and one autoscaled MachineDeployment per pool and zone', () => {
    const c = one(manifests, 'Cluster');
    expect(c.metadata.annotations['topology.cluster.x-k8s.io/upgrade-concurrency']).toBe('1');
    expect(c.spec.topology.classRef).toEqual({ name: one(manifests, 'ClusterClass').metadata.name });
    expect(c.spec.topology.version).toBe('v1.33.4');
    expect(c.spec.topology.controlPlane).toEqual({ replicas: 3 });
    const mds = c.spec.topology.workers.machineDeployments;
    expect(mds.map((m: any) => m.name)).toEqual(['general-eu-west-1a', 'general-eu-west-1b', 'general-eu-west-1c', 'memory-eu-west-1a', 'memory-eu-west-1b', 'memory-eu-west-1c']);
    for (const md of mds) {
      expect(md.replicas).toBeUndefined();
      expect(md.metadata.annotations['cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size']).toMatch(/^\d+$/);
    }
  });

  test('the class carries the same hardening, rollout and health checks', () => {
    const cc = one(manifests, 'ClusterClass');
    const kcpt = one(manifests, 'KubeadmControlPlaneTemplate');
    expect(cc.spec.controlPlane.templateRef).toEqual({ apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'KubeadmControlPlaneTemplate', name: kcpt.metadata.name });
    expect(cc.spec.infrastructure.templateRef.kind).toBe('AWSClusterTemplate');
    expect(argsOf(kcpt.spec.template.spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs)['enable-admission-plugins']).toContain('NodeRestriction');
    expect(kcpt.spec.template.spec.rollout).toEqual({ before: { certificatesExpiryDays: 21 }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } });
    expect(cc.spec.controlPlane.healthCheck.remediation.triggerIf.unhealthyLessThanOrEqualTo).toBe('100%');
    for (const md of cc.spec.workers.machineDeployments) {
      expect(md.rollout.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
      expect(md.healthCheck.remediation).toEqual({ maxInFlight: 1, triggerIf: { unhealthyLessThanOrEqualTo: '40%' } });
    }
  });
});

describe('ProductionCluster profiles and escape hatches', () => {
  test('fewer than three zones is a warning in dev, not an error', () => {
    const chart = new Chart(Testing.app(), 'dev', { namespace: 'clusters-dev' });
    Profile.use(chart, Profile.DEV);
    const c = new ProductionCluster(chart, 'Cluster', awsProps({ failureDomains: ['eu-west-1a'], pools: [{ name: 'general', maxPerZone: 2 }] }));
    expect(ofKind(Testing.synth(chart), 'MachineDeployment')).toHaveLength(1);
    expect(c.node.metadata.map((m) => String(m.data)).join('\n')).toContain('fewer than 3 distinct failure domains');
  });

  test('the objects can be patched and found by id', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'clusters-prod' });
    Profile.use(chart, Profile.PROD);
    const c = new ProductionCluster(chart, 'Cluster', awsProps());
    ApiObject.of(c.controlPlane).addJsonPatch(JsonPatch.add('/spec/kubeadmConfigSpec/verbosity', 2));
    expect(c.node.findChild('ControlPlane')).toBe(c.controlPlane);
    expect(one(Testing.synth(chart), 'KubeadmControlPlane').spec.kubeadmConfigSpec.verbosity).toBe(2);
  });
});
