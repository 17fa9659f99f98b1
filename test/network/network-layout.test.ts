import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NetworkPeer } from '../../lib/workload/network-peer';
import { ProductionApp } from '../../lib/app/production-app';
import { PolicyEndpoint, Reachability } from '../../lib/network/may-reach';
import { CertManagerIssuer, IngressController, ProductionIngress, TlsCertificate } from '../../lib/network/production-ingress';
import { ProductionNamespace } from '../../lib/network/production-namespace';
import { KubernetesApiServer } from '../../lib/network/kubernetes-api-server';
import { Profile } from '../../lib/profile';
import { checkManifests } from '../../lib/rules/engine';
import { expectValidManifests } from '../helpers/schema';

/** The layout of the example: a namespace, web and api, web calling api, an ingress with TLS to web. */
function layout(profile: Profile = Profile.PROD) {
  const chart = new Chart(Testing.app(), 'shop');
  Profile.use(chart, profile);
  const shop = new ProductionNamespace(chart, 'Shop', {
    name: 'shop',
    allowedIngressNamespaces: ['ingress-nginx'],
    apiServer: KubernetesApiServer.endpoints(['172.20.0.10/32'], { port: 6443 }),
  });
  const api = new ProductionApp(shop, 'Api', { image: 'registry.example.com/shop/api:2.3.1', port: 9090, additionalPorts: [{ name: 'metrics', port: 9100 }], healthPath: '/healthz' });
  const web = new ProductionApp(shop, 'Web', { image: 'registry.example.com/shop/web:1.4.2', port: 8080, healthPath: '/healthz' });
  web.connectsTo(api);
  const ingress = new ProductionIngress(shop, 'Ingress', { controller: IngressController.NGINX,
    tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt-prod')) }],
  });
  ingress.addRoute('shop.example.com', '/', web);
  return { chart, shop, api, web, ingress, manifests: Testing.synth(chart) };
}

const podOf = (app: ProductionApp): PolicyEndpoint => ({ namespaceName: app.namespaceName, labels: app.podSelector });
const controller: PolicyEndpoint = { namespaceName: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
const dns: PolicyEndpoint = { namespaceName: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
const stranger: PolicyEndpoint = { namespaceName: 'elsewhere', labels: { app: 'random' } };
const sameNamespaceStranger: PolicyEndpoint = { namespaceName: 'shop', labels: { app: 'random' } };
const internet: PolicyEndpoint = { ip: '93.184.216.34' };

describe('network layout: namespace, web -> api, ingress -> web', () => {
  const { web, api, manifests } = layout();
  const W = podOf(web);
  const A = podOf(api);

  test('every synthesized object is valid against the Kubernetes 1.28 and CRD schemas', () => {
    expectValidManifests(manifests);
  });

  test('every pod is selected by a NetworkPolicy of its own, with both policy types', () => {
    const pods = manifests.filter((o) => o.kind === 'Deployment').map((d) => ({ ns: d.metadata.namespace, labels: d.spec.template.metadata.labels }));
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      const selecting = manifests.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === pod.ns
        && Object.entries(o.spec.podSelector.matchLabels ?? {}).length > 0
        && Object.entries(o.spec.podSelector.matchLabels).every(([k, v]) => pod.labels[k] === v));
      expect(selecting).toHaveLength(1);
      expect(selecting[0].spec.policyTypes).toEqual(['Ingress', 'Egress']);
    }
  });

  test('DNS works by policy, over UDP and TCP 53, for every pod of the namespace', () => {
    for (const pod of [W, A, sameNamespaceStranger]) {
      expect(Reachability.mayReach(manifests, pod, dns, 53, kplus.Protocol.UDP)).toBe(true);
      expect(Reachability.mayReach(manifests, pod, dns, 53, kplus.Protocol.TCP)).toBe(true);
      expect(Reachability.mayReach(manifests, pod, dns, 80)).toBe(false);
      expect(Reachability.mayReach(manifests, pod, { namespaceName: 'kube-system', labels: { app: 'other' } }, 53, kplus.Protocol.UDP)).toBe(false);
    }
  });

  test('the ingress controller reaches web on its port, and nothing else', () => {
    expect(Reachability.mayReach(manifests, controller, W, 8080)).toBe(true);
    expect(Reachability.mayReach(manifests, controller, W, 8081)).toBe(false);
    expect(Reachability.mayReach(manifests, controller, A, 9090)).toBe(false);
    expect(Reachability.mayReach(manifests, { namespaceName: 'ingress-nginx', labels: { app: 'other' } }, W, 8080)).toBe(false);
  });

  test('web reaches api only on api\'s main port', () => {
    expect(Reachability.mayReach(manifests, W, A, 9090)).toBe(true);
    expect(Reachability.mayReach(manifests, W, A, 9100)).toBe(false);
    expect(Reachability.mayReach(manifests, W, A, 9090, kplus.Protocol.UDP)).toBe(false);
  });

  test('nothing else is allowed', () => {
    expect(Reachability.mayReach(manifests, A, W, 8080)).toBe(false);
    for (const target of [W, A]) {
      for (const port of [8080, 9090, 9100]) {
        expect(Reachability.mayReach(manifests, stranger, target, port)).toBe(false);
        expect(Reachability.mayReach(manifests, sameNamespaceStranger, target, port)).toBe(false);
      }
    }
    for (const source of [W, A, sameNamespaceStranger]) {
      expect(Reachability.mayReach(manifests, source, internet, 443)).toBe(false);
      expect(Reachability.mayReach(manifests, source, stranger, 80)).toBe(false);
      expect(Reachability.mayReach(manifests, source, { ip: '172.20.0.10' }, 6443)).toBe(false);
    }
    expect(Reachability.mayReach(manifests, internet, W, 8080)).toBe(false);
  });

  test('the production-readiness rule pack finds nothing in prod', () => {
    const report = checkManifests(manifests, { profile: 'prod' });
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
  });
});

describe('API server egress', () => {
  test('only an app that mounts a service account token reaches the API server, on its port', () => {
    // GIVEN
    const chart = Testing.chart();
    const ns = new ProductionNamespace(chart, 'Ops', { name: 'ops', apiServer: KubernetesApiServer.endpoints(['172.20.0.10/32', '172.20.0.11/32'], { port: 6443 }) });
    // WHEN
    const operator = new ProductionApp(ns, 'Operator', { image: 'r/operator:1.0', port: 8080, healthPath: '/healthz', serviceAccountToken: true });
    const plain = new ProductionApp(ns, 'Plain', { image: 'r/plain:1.0', port: 8080, healthPath: '/healthz' });
    const manifests = Testing.synth(chart);
    // THEN
    expect(Reachability.mayReach(manifests, podOf(operator), { ip: '172.20.0.10' }, 6443)).toBe(true);
    expect(Reachability.mayReach(manifests, podOf(operator), { ip: '172.20.0.11' }, 6443)).toBe(true);
    expect(Reachability.mayReach(manifests, podOf(operator), { ip: '172.20.0.10' }, 443)).toBe(false);
    expect(Reachability.mayReach(manifests, podOf(operator), { ip: '172.20.0.12' }, 6443)).toBe(false);
    expect(Reachability.mayReach(manifests, podOf(plain), { ip: '172.20.0.10' }, 6443)).toBe(false);
    const policy = manifests.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === operator.name);
    expect(policy.spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '172.20.0.10/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '172.20.0.11/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] },
    ]);
    expectValidManifests(manifests);
  });

  test('KubernetesApiServer.use works without a ProductionNamespace', () => {
    const chart = Testing.chart();
    KubernetesApiServer.use(chart, KubernetesApiServer.endpoints(['10.0.0.1/32']));
    const operator = new ProductionApp(chart, 'Operator', { image: 'r/operator:1.0', port: 8080, healthPath: '/healthz', serviceAccountToken: true });
    const manifests = Testing.synth(chart);
    expect(Reachability.mayReach(manifests, { namespaceName: 'default', labels: operator.podSelector }, { ip: '10.0.0.1' }, 443)).toBe(true);
  });

  test('declared external CIDRs are the only way out', () => {
    const chart = Testing.chart();
    const ns = new ProductionNamespace(chart, 'Pay', { name: 'pay' });
    const app = new ProductionApp(ns, 'Payments', { image: 'r/pay:1.0', port: 8080, healthPath: '/healthz' });
    app.connectsTo(NetworkPeer.cidr('203.0.113.0/24'), { ports: [443] });
    const manifests = Testing.synth(chart);
    expect(Reachability.mayReach(manifests, podOf(app), { ip: '203.0.113.7' }, 443)).toBe(true);
    expect(Reachability.mayReach(manifests, podOf(app), { ip: '198.51.100.7' }, 443)).toBe(false);
    expect(() => app.connectsTo(NetworkPeer.cidr('0.0.0.0/0'), { ports: [443] })).toThrow(/'connectsTo\(NetworkPeer\.cidr\)\.cidr' \("0\.0\.0\.0\/0"\) opens the rule to every address/);
  });
});

