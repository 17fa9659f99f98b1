import { App, Chart } from 'cdk8s';
import {
  ClusterDefaultDeny, Cni, PriorityClasses, ProductionApp, IngressController, ProductionIngress, ProductionJob, ProductionNamespace, ProductionWorker, Profile,
} from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor } from '../helpers/manifests';

const APP = { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' };

describe('an id that collides with a child the library created names both, not cdk8s\'s bare "There is already a Construct"', () => {
  test.each(['DefaultDeny', 'AllowDns', 'Quota', 'Limits', 'Resource'])('ClusterDefaultDeny with id %s inside a ProductionNamespace', (id) => {
    const ns = new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop' });
    expect(errorOf(() => new ClusterDefaultDeny(ns, id, { cni: Cni.CILIUM }))).toMatch(new RegExp(
      `^ClusterDefaultDeny 'test/Shop/${id}' has 1 invalid prop:\\n  - 'id' \\("${id}"\\) is already used in 'test/Shop' by \\w+ 'test/Shop/${id}', which the library created there\\. Fix: give the ClusterDefaultDeny another id$`));
  });

  test.each([
    ['ProductionApp', (ns: ProductionNamespace) => new ProductionApp(ns, 'Quota', APP)],
    ['ProductionWorker', (ns: ProductionNamespace) => new ProductionWorker(ns, 'Quota', { image: APP.image })],
    ['ProductionJob', (ns: ProductionNamespace) => new ProductionJob(ns, 'Quota', { image: APP.image })],
    ['ProductionIngress', (ns: ProductionNamespace) => new ProductionIngress(ns, 'Quota', { controller: IngressController.NGINX })],
  ] as const)('%s with the id of the namespace\'s ResourceQuota', (kind, make) => {
    const ns = new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop' });
    expect(errorOf(() => make(ns))).toMatch(new RegExp(`^${kind} 'test/Shop/Quota' has 1 invalid prop:\\n  - 'id' \\("Quota"\\) is already used in 'test/Shop' by KubeResourceQuota`));
  });

  test('two user constructs with one id: the message names the first, without blaming the library', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(chart, 'Web', APP);
    const message = errorOf(() => new ProductionWorker(chart, 'Web', { image: APP.image }));
    expect(message).toMatch(/'id' \("Web"\) is already used in 'test' by ProductionApp 'test\/Web'\. Fix: give the ProductionWorker another id/);
    expect(message).not.toMatch(/library created/);
  });

  test('PriorityClasses twice in one chart', () => {
    const chart = chartFor(Profile.PROD);
    new PriorityClasses(chart, 'PriorityClasses');
    expect(errorOf(() => new PriorityClasses(chart, 'PriorityClasses'))).toMatch(/'id' \("PriorityClasses"\) is already used in 'test' by PriorityClasses/);
  });
});

describe('a name derived from an id that is not a DNS label says to set \'name\' or change the id', () => {
  test.each([
    ['ProductionApp', (c: Chart) => new ProductionApp(c, 'Web_App', APP)],
    ['ProductionWorker', (c: Chart) => new ProductionWorker(c, 'Consumer_1', { image: APP.image })],
    ['ProductionNamespace', (c: Chart) => new ProductionNamespace(c, 'Shop_NS')],
    ['ClusterDefaultDeny', (c: Chart) => new ClusterDefaultDeny(c, 'Deny_All', { cni: Cni.CALICO })],
  ] as const)('%s', (_kind, make) => {
    const message = errorOf(() => make(chartFor(Profile.PROD)));
    expect(message).toMatch(/'name' \(not set\) is not set, and the name derived from the construct path \("test-[a-z0-9_]+-[0-9a-f]{8}"\) is not a DNS-1[0-9]{3} label/);
    expect(message).toMatch(/Fix: set 'name' \(.*\), or change the construct id/);
  });

  test('a chart id that starts with a digit, for a Service name that must start with a letter', () => {
    const chart = new Chart(new App(), '9shop');
    expect(errorOf(() => new ProductionApp(chart, 'Web', APP))).toMatch(/derived from the construct path \("9shop-web-[0-9a-f]{8}"\) is not a DNS-1035 label .*it names the Service.*Fix: set 'name'/);
  });

  test('an explicit name keeps the plain message', () => {
    expect(errorOf(() => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, name: 'Web_App' }))).toMatch(/'name' \("Web_App"\) is not a DNS-1035 label/);
  });
});

describe('static factories report their problems where their value is used, with that construct\'s path', () => {
  const { NetworkPeer } = require('../../lib');
  const web = () => new ProductionApp(chartFor(Profile.PROD), 'Web', APP);
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['an IPv6 address with two "::"', () => web().connectsTo(NetworkPeer.cidr('fe80::1::2/64'), { ports: [443] }),
      /'connectsTo\(NetworkPeer\.cidr\)\.cidr' \("fe80::1::2\/64"\) is not a CIDR/],
    ['":/0"', () => web().connectsTo(NetworkPeer.cidr(':/0'), { ports: [443] }), /'connectsTo\(NetworkPeer\.cidr\)\.cidr' \(":\/0"\) is not a CIDR/],
    ['a prefix with a leading zero', () => web().connectsTo(NetworkPeer.cidr('10.0.0.0/08'), { ports: [443] }), /is not a CIDR/],
    ['an except outside its CIDR', () => web().connectsTo(NetworkPeer.cidr('10.0.0.0/16', { exceptCidrs: ['10.1.0.0/24'] }), { ports: [443] }),
      /'connectsTo\(NetworkPeer\.cidr\).exceptCidrs\[0\]' \("10\.1\.0\.0\/24"\) is not a strict subset of 'cidr' \(10\.0\.0\.0\/16\), which the API server requires/],
    ['an except as wide as its CIDR', () => web().connectsTo(NetworkPeer.cidr('10.0.0.0/16', { exceptCidrs: ['10.0.0.0/16'] }), { ports: [443] }),
      /is not a strict subset of 'cidr'/],
    ['an except of another family', () => web().connectsTo(NetworkPeer.cidr('10.0.0.0/16', { exceptCidrs: ['fd00::/64'] }), { ports: [443] }),
      /is not a strict subset of 'cidr'/],
    ['an invalid namespace name', () => web().allowFrom(NetworkPeer.inNamespace('Monitoring')), /'allowFrom\(NetworkPeer\.inNamespace\)\.name' \("Monitoring"\) is not a namespace name/],
    ['an invalid pod label', () => web().allowFrom(NetworkPeer.pods({ app: 'a b' })), /'allowFrom\(NetworkPeer\.pods\)\.podLabels\.app' \("a b"\) is not a valid label value/],
    ['an empty pod selector', () => web().allowFrom(NetworkPeer.pods({})), /'allowFrom\(NetworkPeer\.pods\)\.podLabels' \(\{\}\) is empty, which selects every pod/],
    ['a rule option of the wrong type', () => web().addIngressRule(NetworkPeer.inNamespace('monitoring'), { ports: ['9090'] } as any),
      /'addIngressRule\.ports\[0\]' \("9090"\) is a string, not a number/],
  ];
  test.each(cases)('%s', (_title, fn, expected) => {
    const message = errorOf(fn);
    expect(message).toMatch(/^ProductionApp 'test\/Web' has 1 invalid prop:/);
    expect(message).toMatch(expected);
  });

  test('a valid IPv6 block with an except inside it is accepted', () => {
    const app = web();
    expect(() => app.connectsTo(NetworkPeer.cidr('fd00::/48', { exceptCidrs: ['fd00:0:0:1::/64'] }), { ports: [443] })).not.toThrow();
  });
});

describe('references and paths the API server would refuse', () => {
  const kplus = require('cdk8s-plus-28');
  const { TlsCertificate, CertManagerIssuer } = require('../../lib');
  const appWith = (extra: (c: Chart) => object) => {
    const chart = chartFor(Profile.PROD);
    return () => new ProductionApp(chart, 'Web', { ...APP, ...extra(chart) });
  };
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['an empty ConfigMap name', appWith((c) => ({ configFiles: [{ configMap: kplus.ConfigMap.fromConfigMapName(c, 'C', ''), mountPath: '/etc/web' }] })),
      /'configFiles\[0\]\.configMap' \(""\) does not have a valid ConfigMap name/],
    ['a pull secret name with an underscore', appWith((c) => ({ imagePullSecrets: [kplus.Secret.fromSecretName(c, 'S', 'registry_creds')] })),
      /'imagePullSecrets\[0\]' \("registry_creds"\) does not have a valid Secret name/],
    ['an env secret reference with an uppercase name', appWith((c) => ({ env: { DB_URL: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(c, 'S', 'DB'), key: 'url' }) } })),
      /'env\.DB_URL' \("DB"\) does not have a valid Secret name/],
    ['a volume name that is not a DNS label', appWith((c) => ({ volumeMounts: [{ volume: kplus.Volume.fromEmptyDir(c, 'V', 'Data'), path: '/data' }] })),
      /'volumeMounts\[0\]\.volume' \("Data"\) is not a valid volume name/],
  ];
  test.each(cases)('%s', (_title, fn, expected) => {
    expect(errorOf(fn)).toMatch(expected);
  });

  test.each(['//x', '/a//b', '/a/./b', '/a/../b', '/a/..', '/a/.', '/a%2Fb', '/a%2fb'])('the ingress path %s', (path) => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const web = new ProductionApp(ns, 'Web', APP);
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) }] });
    expect(errorOf(() => ingress.addRoute('shop.example.com', path, web))).toMatch(/'addRoute\.path' \(".*"\) (contains|ends with) '.*', which the API server refuses for Prefix and Exact paths/);
  });

  test('ordinary paths pass', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const web = new ProductionApp(ns, 'Web', APP);
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) }] });
    for (const path of ['/', '/api', '/api/v1/', '/a.b/c..d', '/.well-known/acme']) {
      expect(() => ingress.addRoute('shop.example.com', path, web)).not.toThrow();
    }
  });
});
