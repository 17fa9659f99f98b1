import { Duration, Size } from 'cdk8s';
import { awsProps, synthCluster, vsphere } from './_fixtures';
import { ApiServerAccess, AwsClusterProvider, EncryptionConfigSecret, PodSecurityLevel, ProductionClusterProps } from '../../lib';
import { errorOf } from '../helpers/errors';

// Each case: a description, the props that are wrong, and fragments the one error must contain (the prop as written,
// the bad value, what is wrong). Every message also names the construct path.
const cases: [string, Partial<ProductionClusterProps>, string[]][] = [
  ['an even control plane', { controlPlaneReplicas: 4 }, ["'controlPlaneReplicas' (4)", 'is not 3 or 5', 'odd number']],
  ['a control plane too small for a quorum', { controlPlaneReplicas: 1 }, ["'controlPlaneReplicas' (1)", 'at least 3']],
  ['a control plane of 7', { controlPlaneReplicas: 7 }, ["'controlPlaneReplicas' (7)", 'use 3']],
  ['overlapping pod and service CIDRs', { podCidrs: ['10.96.0.0/16'], serviceCidrs: ['10.96.0.0/12'] },
    ["'serviceCidrs[0]' (\"10.96.0.0/12\") overlaps podCidrs[0] (10.96.0.0/16)"]],
  ['a service range inside the pod range', { podCidrs: ['10.0.0.0/8'], serviceCidrs: ['10.96.0.0/12'] }, ["'serviceCidrs[0]'", 'overlaps podCidrs[0]']],
  ['a CIDR that is not one', { podCidrs: ['10.244.0.0/33'] }, ["'podCidrs[0]' (\"10.244.0.0/33\") is not a CIDR"]],
  ['two pod ranges of one family', { podCidrs: ['10.244.0.0/16', '10.245.0.0/16'] }, ["'podCidrs'", 'two ranges of the same family']],
  ['a pool newer than the control plane', { pools: [{ name: 'general', version: 'v1.34.0' }] },
    ["'pools[0].version' (\"v1.34.0\") is newer than the control plane (v1.33.4)"]],
  ['a skipped minor', { version: 'v1.35.0', previousVersion: 'v1.33.4', pools: [{ name: 'general', version: 'v1.33.4' }] },
    ["'version' (\"v1.35.0\") skips 1 minor(s) after 'previousVersion' (v1.33.4)", 'upgrade to v1.34.x first']],
  ['a downgrade', { version: 'v1.33.0', previousVersion: 'v1.33.4' }, ["'version' (\"v1.33.0\") is older than 'previousVersion'", 'does not support downgrades']],
  ['too many minors of kubelet skew', { version: 'v1.35.0', previousVersion: 'v1.34.2', pools: [{ name: 'general', version: 'v1.31.0' }] },
    ["'pools[0].version' (\"v1.31.0\") is 4 minors older than the control plane (v1.35.0)", 'at most 3 minors older']],
  ['a version without the v', { version: '1.33.4' }, ["'version' (\"1.33.4\") is not a Kubernetes version", 'leading \'v\'']],
  ['a version Cluster API v1.14 does not support', { version: 'v1.28.3' }, ["'version' (\"v1.28.3\") is outside the Kubernetes minors", 'v1.31']],
  ['an invalid cluster name', { name: 'Prod_EU' }, ["'name' (\"Prod_EU\") is not a DNS-1123 label"]],
  ['a cluster name that leaves no room for derived names', { name: 'a'.repeat(41) }, ["'name'", 'at most 40 characters']],
  ['fewer than three zones', { failureDomains: ['eu-west-1a', 'eu-west-1b'] }, ["'failureDomains'", 'fewer than 3 distinct failure domains']],
  ['a zone listed twice', { failureDomains: ['eu-west-1a', 'eu-west-1b', 'eu-west-1a'] }, ["'failureDomains'", 'lists eu-west-1a more than once']],
  ['a zone name unusable in object names', { failureDomains: ['eu-west-1a', 'eu-west-1b', 'EU West 1c'] }, ["'failureDomains[2]' (\"EU West 1c\")", 'not a failure-domain name']],
  ['an empty pool zone list', { pools: [{ name: 'general', failureDomains: [] }] }, ["'pools[0].failureDomains' ([]) is empty"]],
  ['no pools', { pools: [] }, ["'pools' ([]) is empty"]],
  ['two pools of one name', { pools: [{ name: 'general' }, { name: 'general' }] }, ["'pools[1].name' (\"general\") is the name of an earlier pool"]],
  ['autoscaler bounds upside down', { pools: [{ name: 'general', minPerZone: 5, maxPerZone: 2 }] }, ["'pools[0].maxPerZone' (2)", "at least 'minPerZone' (5)"]],
  ['health check selectors that overlap', { pools: [
    { name: 'general', labels: { 'example.com/tier': 'app' }, healthCheckSelector: { 'example.com/tier': 'app' } },
    { name: 'batch', labels: { 'example.com/tier': 'app' }, healthCheckSelector: { 'example.com/tier': 'app' } }] },
  ["'pools[1].healthCheckSelector' ({\"example.com/tier\":\"app\"}) overlaps the health check of pool 'general'"]],
  ['a health check selector that misses its pool', { pools: [{ name: 'general', healthCheckSelector: { 'example.com/tier': 'app' } }] },
    ["'pools[0].healthCheckSelector'", "does not select the pool's machines"]],
  ['a pool label that would confuse the health checks', { pools: [{ name: 'general', labels: { 'cluster.x-k8s.io/control-plane': '' } }] },
    ["'pools[0].labels' (\"cluster.x-k8s.io/control-plane\")", 'a label the library or Cluster API sets']],
  ['a health check selector in topology mode', { topology: true, pools: [{ name: 'general', healthCheckSelector: { 'platform.example.com/pool': 'general' } }] },
    ["'pools[0].healthCheckSelector'", 'is not used in topology mode']],
  ['pool versions in topology mode', { topology: true, pools: [{ name: 'general', version: 'v1.32.0' }] }, ["'pools[].version'", 'topology mode runs every machine at the one version']],
  ['an unhealthy range that is not one', { pools: [{ name: 'general', unhealthyRange: '0-2' }] }, ["'pools[0].unhealthyRange' (\"0-2\")", 'is not a range']],
  ['duplicate API server argument names', { apiServer: { extraArgs: [{ name: 'event-ttl', value: '1h' }, { name: 'event-ttl', value: '2h' }] } },
    ["'apiServer.extraArgs' (\"event-ttl\") names a flag more than once", 'extraArgs names must be unique']],
  ['anonymous auth on', { apiServer: { extraArgs: [{ name: 'anonymous-auth', value: 'true' }] } }, ["'apiServer.extraArgs[0]' (\"anonymous-auth=true\") weakens kube-apiserver"]],
  ['the insecure port', { apiServer: { extraArgs: [{ name: 'insecure-port', value: '8080' }] } }, ["'apiServer.extraArgs[0]' (\"insecure-port=8080\") weakens kube-apiserver", 'without TLS']],
  ['always-allow authorization', { apiServer: { extraArgs: [{ name: 'authorization-mode', value: 'AlwaysAllow' }] } }, ["\"authorization-mode=AlwaysAllow\") weakens kube-apiserver"]],
  ['profiling on', { apiServer: { extraArgs: [{ name: 'profiling', value: 'true' }] } }, ["\"profiling=true\") weakens kube-apiserver", 'CIS 1.2.15']],
  ['NodeRestriction disabled', { apiServer: { extraArgs: [{ name: 'disable-admission-plugins', value: 'NodeRestriction' }] } }, ['disables NodeRestriction']],
  ['a flag the library owns', { apiServer: { extraArgs: [{ name: 'audit-log-maxage', value: '7' }] } }, ["\"audit-log-maxage=7\") is set by the library", "set 'apiServer.audit.maxAge'"]],
  ['etcd auto-TLS', { etcd: { extraArgs: [{ name: 'auto-tls', value: 'true' }] } }, ["'etcd.extraArgs[0]' (\"auto-tls=true\") weakens etcd"]],
  ['the kubelet read-only port', { pools: [{ name: 'general', kubeletExtraArgs: [{ name: 'read-only-port', value: '10255' }] }] },
    ["'pools[0].kubeletExtraArgs[0]' (\"read-only-port=10255\") weakens kubelet"]],
  ['an audit retention below CIS', { apiServer: { audit: { maxAge: Duration.days(7), maxSize: Size.mebibytes(10) } } },
    ["'apiServer.audit.maxAge' (\"7 days\")", "'apiServer.audit.maxSize' (\"10 MiB\")"]],
  ['a weak cipher suite', { apiServer: { tlsCipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] } }, ["'apiServer.tlsCipherSuites'", 'are not ECDHE suites']],
  ['Pod Security switched off', { apiServer: { podSecurity: { enforce: PodSecurityLevel.PRIVILEGED } } }, ["'apiServer.podSecurity.enforce' (\"privileged\")"]],
  ['an unversioned encryption Secret', { encryption: { secret: EncryptionConfigSecret.sealedSecretNamed('prod-eu1-encryption'), localKeyNames: ['k1'] } },
    ["'encryption.secret' (\"prod-eu1-encryption\")", 'ending in a version']],
  ['encryption with only identity', { encryption: { secret: EncryptionConfigSecret.externalSecretNamed('enc-v1') } }, ["'encryption'", 'encrypts nothing']],
  ['a KMS endpoint that is not a socket', { encryption: { secret: EncryptionConfigSecret.externalSecretNamed('enc-v1'), kms: { name: 'kms', endpoint: 'http://kms:8080' } } },
    ["'encryption.kms.endpoint' (\"http://kms:8080\") is not a unix socket endpoint"]],
  ['an EncryptionConfiguration over the kubeadm file size', { encryption: { secret: EncryptionConfigSecret.externalSecretNamed('enc-v1'),
    localKeyNames: Array.from({ length: 260 }, (_, i) => `key_number_${i}`) } }, ["'encryption' (\"", 'longer than the 10240 characters a kubeadm file may hold']],
  ['a Pod Security exemption list over the kubeadm file size', { apiServer: { podSecurity: { exemptNamespaces: Array.from({ length: 400 }, (_, i) => `team-namespace-${i}`) } } },
    ["'file /etc/kubernetes/hardening/admission-config.yaml'", 'longer than the 10240 characters']],
  ['certificate rotation later than validity', { certificatesExpiryDays: 400 }, ["'certificatesExpiryDays' (400) is not less than 'certificateValidityDays' (365)"]],
  ['certificate rotation too close to expiry', { certificatesExpiryDays: 3 }, ["'certificatesExpiryDays' (3)", 'at least 7']],
  ['an etcd quota above 8 GiB', { etcd: { quota: Size.gibibytes(16) } }, ["'etcd.quota' (16)", '8 GiB']],
  ['a public API server open to the world', { apiServerAccess: ApiServerAccess.fromCidrs(['0.0.0.0/0']) }, ["'apiServerAccess' (\"0.0.0.0/0\") allows every address"]],
  ['a public API server with no CIDRs', { apiServerAccess: ApiServerAccess.fromCidrs([]) }, ["'apiServerAccess'", 'without naming who may reach it']],
  ['an invalid AWS region', { provider: new AwsClusterProvider({ region: 'Ireland' }) }, ["'provider.region' (\"Ireland\") is not an AWS region"]],
  ['an unknown instance type', { pools: [{ name: 'general', machineType: 'large' }] }, ["'pools[0].machineType' (\"large\") is not a machine type of the aws provider"]],
  ['a kube-vip VIP that is not an IP', { provider: vsphere('10.10.0'), apiServerAccess: ApiServerAccess.internalOnly() }, ["'provider.controlPlaneVip' (\"10.10.0\") is not an IP address"]],
  ['a kube-vip VIP outside the node network', { provider: vsphere('192.168.1.10'), apiServerAccess: ApiServerAccess.internalOnly() }, ["'provider.controlPlaneVip' (\"192.168.1.10\") is outside the node network"]],
  ['a kube-vip VIP inside the pod range', { provider: vsphere('10.10.0.10'), apiServerAccess: ApiServerAccess.internalOnly(), podCidrs: ['10.10.0.0/24'] },
    ["'provider.controlPlaneVip' (\"10.10.0.10\") is inside the cluster's pod or service range 10.10.0.0/24"]],
  ['a public endpoint on kube-vip', { provider: vsphere(), apiServerAccess: ApiServerAccess.fromCidrs(['203.0.113.0/24']) }, ["'apiServerAccess'", 'kube-vip']],
];

describe('ProductionCluster refuses bad input with one clear error', () => {
  test('there are at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  test.each(cases)('throws for %s', (_what, overrides, fragments) => {
    const message = errorOf(() => synthCluster(awsProps(overrides)));
    expect(message).toMatch(/^ProductionCluster 'test\/Cluster' has \d+ invalid props?:/);
    for (const f of fragments) {
      expect(message).toContain(f);
    }
    expect(message).toContain('Fix: ');
  });

  test('reports every problem of one cluster in one error', () => {
    const message = errorOf(() => synthCluster(awsProps({ controlPlaneReplicas: 2, podCidrs: ['10.96.0.0/12'], pools: [{ name: 'general', version: 'v1.34.0' }] })));
    expect(message).toContain('has 3 invalid props');
  });
});
