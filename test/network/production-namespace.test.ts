import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NetworkPeer } from '../../lib/workload/network-peer';
import { ProductionApp } from '../../lib/app/production-app';
import { Warnings } from '../../lib/warnings';
import { KubernetesApiServer } from '../../lib/network/kubernetes-api-server';
import { PodSecurityLevel, ProductionNamespace } from '../../lib/network/production-namespace';
import { IngressController, ProductionIngress, TlsCertificate, CertManagerIssuer } from '../../lib/network/production-ingress';
import { Profile } from '../../lib/profile';
import { expectValidManifests } from '../helpers/schema';

function chartFor(profile: Profile): Chart {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  return chart;
}
const byKind = (m: any[], kind: string, name?: string) => m.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const managed = { 'app.kubernetes.io/managed-by': 'cdk8s-production' };
const stamped = { 'production.platform.io/profile': 'prod' };

describe('ProductionNamespace defaults', () => {
  // GIVEN a prod chart WHEN a namespace is added
  const chart = chartFor(Profile.PROD);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  const m = Testing.synth(chart);

  test('the Namespace carries Pod Security Admission labels at restricted, pinned to v1.28', () => {
    expect(byKind(m, 'Namespace')).toEqual({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: {
        name: 'shop',
        labels: {
          ...managed,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'v1.28',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'v1.28',
        },
        annotations: stamped,
      },
      spec: {},
    });
  });

  test('a namespace-wide default deny for ingress and egress', () => {
    expect(byKind(m, 'NetworkPolicy', 'default-deny')).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'shop', labels: managed, annotations: stamped },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  });

  test('DNS egress to kube-system kube-dns over UDP and TCP 53', () => {
    expect(byKind(m, 'NetworkPolicy', 'allow-dns')).toEqual({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: 'allow-dns', namespace: 'shop', labels: managed, annotations: stamped },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
        }],
      },
    });
  });

  test('a ResourceQuota and a LimitRange sized for prod', () => {
    expect(byKind(m, 'ResourceQuota')).toEqual({
      apiVersion: 'v1', kind: 'ResourceQuota',
      metadata: { name: 'quota', namespace: 'shop', labels: managed, annotations: stamped },
      spec: {
        hard: {
          'requests.cpu': '32', 'limits.cpu': '64', 'requests.memory': '65536Mi', 'limits.memory': '131072Mi',
          'pods': 300, 'persistentvolumeclaims': 50,
        },
      },
    });
    expect(byKind(m, 'LimitRange')).toEqual({
      apiVersion: 'v1', kind: 'LimitRange',
      metadata: { name: 'limits', namespace: 'shop', labels: managed, annotations: stamped },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '2048Mi' },
          default: { 'cpu': '1', 'memory': '1024Mi', 'ephemeral-storage': '4096Mi' },
        }],
      },
    });
  });

  test('every object is a public property and valid against the schema', () => {
    expect(ns.namespaceObject.name).toBe('shop');
    expect(ns.defaultDenyPolicy.name).toBe('default-deny');
    expect(ns.dnsPolicy.name).toBe('allow-dns');
    expect(ns.resourceQuota.name).toBe('quota');
    expect(ns.limitRange.name).toBe('limits');
    expect(m).toHaveLength(5);
    expectValidManifests(m);
  });
});

describe('ProductionNamespace options', () => {
  test('dev quota is smaller; quota, container defaults and DNS labels are overridable', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionNamespace(chart, 'Ns', {
      name: 'dev-ns',
      quota: { pods: 20, requestsCpu: kplus.Cpu.units(2) },
      containerDefaults: { memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) } },
      dnsNamespace: 'dns', dnsPodLabels: { 'app.kubernetes.io/name': 'coredns' },
    });
    const m = Testing.synth(chart);
    expect(byKind(m, 'ResourceQuota').spec.hard).toEqual({
      'requests.cpu': '2', 'limits.cpu': '8', 'requests.memory': '8192Mi', 'limits.memory': '16384Mi', 'pods': 20, 'persistentvolumeclaims': 10,
    });
    expect(byKind(m, 'LimitRange').spec.limits[0]).toEqual({
      type: 'Container',
      defaultRequest: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '1024Mi' },
      default: { 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '2048Mi' },
    });
    expect(byKind(m, 'NetworkPolicy', 'allow-dns').spec.egress[0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'coredns' } } },
    ]);
  });

  test('dev may relax audit and warn without a reason', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionNamespace(chart, 'Ns', { name: 'n', podSecurityAudit: PodSecurityLevel.BASELINE, podSecurityWarn: PodSecurityLevel.BASELINE });
    const labels = byKind(Testing.synth(chart), 'Namespace').metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(labels['pod-security.kubernetes.io/audit']).toBe('baseline');
    expect(labels['pod-security.kubernetes.io/warn']).toBe('baseline');
    expect(Warnings.collect(chart)).toEqual([]);
  });

  test('dev relaxing enforce without a reason is a warning', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionNamespace(chart, 'Ns', { name: 'n', podSecurityEnforce: PodSecurityLevel.BASELINE });
    expect(Warnings.collect(chart)).toEqual([
      "test/Ns: 'podSecurityEnforce' (\"baseline\") relaxes the enforced Pod Security level below 'restricted' without 'podSecurityReason'. Fix: keep PodSecurityLevel.RESTRICTED, or give 'podSecurityReason'",
    ]);
  });

  test('prod may relax enforce with a written reason, which is recorded', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionNamespace(chart, 'Ns', {
      name: 'n', podSecurityEnforce: PodSecurityLevel.BASELINE, podSecurityAudit: PodSecurityLevel.BASELINE,
      podSecurityWarn: PodSecurityLevel.RESTRICTED, podSecurityReason: 'the CSI node plugin needs hostPath',
    });
    const ns = byKind(Testing.synth(chart), 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.annotations).toEqual({ 'production.platform.io/pod-security-reason': 'the CSI node plugin needs hostPath', ...stamped });
  });

  test('ProductionApps and ProductionIngresses inside land in the namespace without repeating it', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Ns', { name: 'team-a' });
    const app = new ProductionApp(ns, 'Web', { image: 'r/web:1.0', port: 8080, healthPath: '/healthz' });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('le')) }] });
    ingress.addRoute('a.example.com', '/', app);
    expect(app.namespaceName).toBe('team-a');
    expect(ingress.namespaceName).toBe('team-a');
    const namespaced = Testing.synth(chart).filter((o) => o.kind !== 'Namespace');
    expect(namespaced.map((o) => o.metadata.namespace)).toEqual(namespaced.map(() => 'team-a'));
  });

  test('allowedIngressNamespaces admits listed namespaces', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Ns', { name: 'team-a', allowedIngressNamespaces: ['monitoring'] });
    const app = new ProductionApp(ns, 'Web', { image: 'r/web:1.0', port: 8080, healthPath: '/healthz' });
    expect(() => app.allowFrom(NetworkPeer.inNamespace('monitoring'), { ports: [8080] })).not.toThrow();
    expect(() => app.allowFrom(NetworkPeer.pods({ role: 'client' }))).not.toThrow();
    expect(() => app.allowFrom(NetworkPeer.cidr('10.0.0.0/8'))).not.toThrow();
  });
});

describe('ProductionNamespace errors', () => {
  test('throws when prod relaxes enforce without a reason', () => {
    const chart = chartFor(Profile.PROD);
    expect(() => new ProductionNamespace(chart, 'Ns', { name: 'n', podSecurityEnforce: PodSecurityLevel.PRIVILEGED })).toThrow(
      "ProductionNamespace 'test/Ns' has 1 invalid prop:\n  - 'podSecurityEnforce' (\"privileged\") relaxes the enforced Pod Security level below 'restricted' without 'podSecurityReason', which is not allowed in prod. Fix: keep PodSecurityLevel.RESTRICTED, or give 'podSecurityReason'");
  });

  test('throws when staging relaxes audit without a reason', () => {
    const chart = chartFor(Profile.STAGING);
    expect(() => new ProductionNamespace(chart, 'Ns', { name: 'n', podSecurityAudit: PodSecurityLevel.BASELINE })).toThrow(
      "'podSecurityAudit' (\"baseline\") relaxes Pod Security below 'restricted' without 'podSecurityReason', which only dev may do");
  });

  test('throws for a bad name and an unpinned version, all in one error', () => {
    const chart = chartFor(Profile.DEV);
    expect(() => new ProductionNamespace(chart, 'Ns', {
      name: 'Team_A', podSecurityVersion: 'latest',
    })).toThrow(new RegExp([
      "ProductionNamespace 'test/Ns' has 2 invalid props:",
      "  - 'name' \\(\"Team_A\"\\) is not a DNS-1123 label",
      "  - 'podSecurityVersion' \\(\"latest\"\\) is not a pinned Kubernetes minor version",
    ].join('.*\\n'), 's'));
  });

  test('throws when quota requests exceed limits', () => {
    const chart = chartFor(Profile.PROD);
    expect(() => new ProductionNamespace(chart, 'Ns', { name: 'n', quota: { requestsCpu: kplus.Cpu.units(100) } })).toThrow(
      "'quota.requestsCpu' (\"100\") is above 'quota.limitsCpu' (64). Fix: lower the requests or raise the limits");
  });

  test('throws for a ProductionNamespace inside another', () => {
    const chart = chartFor(Profile.PROD);
    const outer = new ProductionNamespace(chart, 'Outer', { name: 'outer' });
    expect(() => new ProductionNamespace(outer, 'Inner', { name: 'inner' })).toThrow(
      "ProductionNamespace 'test/Outer/Inner' has 1 invalid prop:\n  - 'scope' (\"outer\") is inside another ProductionNamespace; namespaces do not nest. Fix: create the ProductionNamespace directly in a chart");
  });

  test('throws when an app inside sets a different namespace', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Ns', { name: 'team-a' });
    expect(() => new ProductionApp(ns, 'Web', { image: 'r/web:1.0', port: 8080, healthPath: '/healthz', namespaceName: 'team-b' })).toThrow(
      "'namespaceName' (\"team-b\") conflicts with the enclosing ProductionNamespace \"team-a\". Fix: remove 'namespaceName' (apps inside a ProductionNamespace land in it), or create the app outside the ProductionNamespace");
  });

  test('throws for an allow from an app in a namespace that the destination namespace does not admit', () => {
    const chart = chartFor(Profile.PROD);
    const a = new ProductionNamespace(chart, 'A', { name: 'team-a', allowedIngressNamespaces: ['ingress-nginx'] });
    const b = new ProductionNamespace(chart, 'B', { name: 'team-b' });
    const api = new ProductionApp(a, 'Api', { image: 'r/api:1.0', port: 9090, healthPath: '/healthz' });
    const client = new ProductionApp(b, 'Client', { image: 'r/client:1.0', port: 8080, healthPath: '/healthz' });
    expect(() => api.allowFrom(client)).toThrow(
      "ProductionApp 'test/A/Api' has 1 invalid prop:\n  - 'allowFrom' (\"ProductionApp test/B/Client\") comes from namespace \"team-b\", which the ProductionNamespace \"team-a\" does not admit ('allowedIngressNamespaces': [\"ingress-nginx\"]). Fix: add \"team-b\" to 'allowedIngressNamespaces' of the ProductionNamespace, or remove the allow");
    expect(() => client.connectsTo(api)).toThrow(/does not admit/);
  });

  test('throws when an ingress controller namespace is not admitted', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Ns', { name: 'internal', allowedIngressNamespaces: [] });
    const app = new ProductionApp(ns, 'Web', { image: 'r/web:1.0', port: 8080, healthPath: '/healthz' });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('le')) }] });
    expect(() => ingress.addRoute('internal.example.com', '/', app)).toThrow(
      "'allowFrom' (\"namespace ingress-nginx pods {\\\"app.kubernetes.io/name\\\":\\\"ingress-nginx\\\"}\") comes from namespace \"ingress-nginx\", which the ProductionNamespace \"internal\" does not admit ('allowedIngressNamespaces': [])");
  });

  test('throws in prod for an app that mounts a token in a namespace without apiServer', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Ns', { name: 'ops' });
    expect(() => new ProductionApp(ns, 'Operator', { image: 'r/op:1.0', port: 8080, healthPath: '/healthz', serviceAccountToken: true })).toThrow(
      "'serviceAccountToken' (true) mounts a token, but the ProductionNamespace \"ops\" has no 'apiServer', so the default deny blocks every API call, which is not allowed in prod. Fix: set 'apiServer' on the ProductionNamespace (KubernetesApiServer.endpoints([...]))");
  });

  test('KubernetesApiServer.endpoints problems are thrown where the server is used: open-world and malformed CIDRs and bad ports', () => {
    const server = KubernetesApiServer.endpoints(['0.0.0.0/0', '10.0.0.1'], { port: 70000 });
    expect(() => new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop', apiServer: server })).toThrow(
      "ProductionNamespace 'test/Shop' has 3 invalid props:\n"
      + "  - 'apiServer(KubernetesApiServer.endpoints).cidrs[0]' (\"0.0.0.0/0\") opens the API server port to every address. Fix: give the API server endpoint addresses\n"
      + "  - 'apiServer(KubernetesApiServer.endpoints).cidrs[1]' (\"10.0.0.1\") is not a CIDR. Fix: write it as address/prefix, e.g. \"10.0.0.10/32\"\n"
      + "  - 'apiServer(KubernetesApiServer.endpoints).port' (70000) is not a port number. Fix: use an integer from 1 to 65535");
    expect(() => KubernetesApiServer.use(chartFor(Profile.PROD), server)).toThrow(/^KubernetesApiServer\.use 'test' has 3 invalid props/);
  });
});
