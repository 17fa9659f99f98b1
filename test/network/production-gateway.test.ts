import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProductionApp } from '../../lib/app/production-app';
import { GatewayProtocol, ProductionGateway, ProductionGatewayProps } from '../../lib/network/production-gateway';
import { ProductionHttpRoute } from '../../lib/network/production-http-route';
import { CertManagerIssuer, TlsCertificate } from '../../lib/network/production-ingress';
import { ProductionNamespace } from '../../lib/network/production-namespace';
import { Profile } from '../../lib/profile';
import { NetworkPeer } from '../../lib/workload/network-peer';
import { Warnings } from '../../lib/warnings';
import { errorOf } from '../helpers/errors';
import { expectValidManifests } from '../helpers/schema';

const issuer = CertManagerIssuer.clusterIssuer('letsencrypt-prod');
const byKind = (m: any[], kind: string) => m.filter((o) => o.kind === kind);
const META = { labels: { 'app.kubernetes.io/managed-by': 'cdk8s-production' }, annotations: { 'production.platform.io/profile': 'prod' } };

function gatewayIn(chart: Chart, props: Partial<ProductionGatewayProps> = {}): ProductionGateway {
  return new ProductionGateway(chart, 'Gateway', {
    name: 'public', namespaceName: 'gateway-system', gatewayClassName: 'istio',
    listeners: [{ hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) }],
    ...props,
  });
}

function prodChart(profile: Profile = Profile.PROD): Chart {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  return chart;
}

describe('ProductionGateway', () => {
  test('defaults: an HTTPS listener per hostname with a cert-manager Certificate, an HTTP listener that only redirects, routes admitted by namespace label', () => {
    // GIVEN
    const chart = prodChart();
    // WHEN
    const gateway = gatewayIn(chart, {
      listeners: [
        { hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) },
        { hostname: '*.example.com', certificate: TlsCertificate.certManager(issuer) },
      ],
    });
    const m = Testing.synth(chart);
    // THEN
    const selector = { matchLabels: { 'gateway.production.platform.io/public': 'true' } };
    const kinds = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }];
    expect(byKind(m, 'Gateway')).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
      metadata: { name: 'public', namespace: 'gateway-system', ...META },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          {
            name: 'https-shop-example-com', hostname: 'shop.example.com', port: 443, protocol: 'HTTPS',
            tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-https-shop-example-com' }] },
            allowedRoutes: { namespaces: { from: 'Selector', selector }, kinds },
          },
          {
            name: 'https-wildcard-example-com', hostname: '*.example.com', port: 443, protocol: 'HTTPS',
            tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-https-wildcard-example-com' }] },
            allowedRoutes: { namespaces: { from: 'Selector', selector }, kinds },
          },
          {
            name: 'http', port: 80, protocol: 'HTTP',
            allowedRoutes: { namespaces: { from: 'Same' }, kinds: [kinds[0]] },
          },
        ],
      },
    }]);
    expect(byKind(m, 'Certificate').map((c) => [c.metadata.name, c.metadata.namespace, c.spec])).toEqual([
      ['public-https-shop-example-com', 'gateway-system', {
        secretName: 'public-https-shop-example-com', dnsNames: ['shop.example.com'],
        issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      }],
      ['public-https-wildcard-example-com', 'gateway-system', {
        secretName: 'public-https-wildcard-example-com', dnsNames: ['*.example.com'],
        issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      }],
    ]);
    expect(byKind(m, 'HTTPRoute')).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute',
      metadata: { name: 'public-https-redirect', namespace: 'gateway-system', ...META },
      spec: {
        parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'http' }],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    }]);
    // No listener admits routes from every namespace.
    expect(byKind(m, 'Gateway')[0].spec.listeners.map((l: any) => l.allowedRoutes.namespaces.from)).not.toContain('All');
    expect(gateway.httpsRedirect).toBe(true);
    expect(gateway.routeNamespaceLabels).toEqual({ 'gateway.production.platform.io/public': 'true' });
    expect(gateway.listeners).toEqual([
      { name: 'https-shop-example-com', hostname: 'shop.example.com', protocol: GatewayProtocol.HTTPS, port: 443 },
      { name: 'https-wildcard-example-com', hostname: '*.example.com', protocol: GatewayProtocol.HTTPS, port: 443 },
    ]);
    expect(gateway.certificates).toHaveLength(2);
    expect(gateway.redirectRoute).toBeDefined();
    expectValidManifests(m);
  });

  test('the data plane defaults to the pods labelled with the gateway name in its namespace', () => {
    const chart = prodChart();
    const gateway = gatewayIn(chart);
    expect(gateway.dataPlane.toNetworkPolicyPeer('shop')).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } },
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
    });
  });

  test('the gateway-shim annotation and a Secret of your own instead of Certificate objects', () => {
    const chart = prodChart();
    const secret = kplus.Secret.fromSecretName(chart, 'Wildcard', 'wildcard-example-com');
    gatewayIn(chart, {
      listeners: [
        { hostname: 'shop.example.com', certificate: TlsCertificate.certManagerAnnotation(issuer) },
        { hostname: '*.example.com', certificate: TlsCertificate.fromSecret(secret), name: 'wildcard' },
      ],
    });
    const m = Testing.synth(chart);
    const gw = byKind(m, 'Gateway')[0];
    expect(gw.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(gw.spec.listeners.map((l: any) => [l.name, l.tls?.certificateRefs[0].name])).toEqual([
      ['https-shop-example-com', 'public-https-shop-example-com'], ['wildcard', 'wildcard-example-com'], ['http', undefined],
    ]);
    expect(byKind(m, 'Certificate')).toEqual([]);
    expectValidManifests(m);
  });

  test('dev: a listener without TLS is plain HTTP on port 80, with a warning; no redirect when turned off', () => {
    const chart = prodChart(Profile.DEV);
    gatewayIn(chart, { listeners: [{ hostname: 'dev.example.com' }], httpsRedirect: false });
    const m = Testing.synth(chart);
    expect(byKind(m, 'Gateway')[0].spec.listeners).toEqual([{
      name: 'http-dev-example-com', hostname: 'dev.example.com', port: 80, protocol: 'HTTP',
      allowedRoutes: expect.objectContaining({ namespaces: { from: 'Selector', selector: { matchLabels: { 'gateway.production.platform.io/public': 'true' } } } }),
    }]);
    expect(byKind(m, 'HTTPRoute')).toEqual([]);
    expect(Warnings.collect(chart)).toEqual([
      'test/Gateway: \'httpsRedirect\' (false) lets clients use plain HTTP without being sent to HTTPS. Fix: remove it (the redirect is on by default)',
      'test/Gateway: \'listeners[0].certificate\' (not set) leaves the listener for "dev.example.com" without TLS (plain HTTP). Fix: give a certificate, e.g. TlsCertificate.certManager(CertManagerIssuer.clusterIssuer(\'letsencrypt\'))',
    ]);
    expectValidManifests(m);
  });

  test('the namespace defaults to the enclosing ProductionNamespace; admitNamespace labels a namespace', () => {
    const chart = prodChart();
    const edge = new ProductionNamespace(chart, 'Edge', { name: 'edge' });
    const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const gateway = new ProductionGateway(edge, 'Gateway', {
      gatewayClassName: 'eg', listeners: [{ hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) }],
      routeNamespaceLabels: { 'example.com/public-routes': 'yes' },
    });
    gateway.admitNamespace(shop);
    const m = Testing.synth(chart);
    expect(gateway.namespaceName).toBe('edge');
    expect(byKind(m, 'Gateway')[0].metadata.namespace).toBe('edge');
    expect(byKind(m, 'Namespace').find((n) => n.metadata.name === 'shop').metadata.labels['example.com/public-routes']).toBe('yes');
    expect(byKind(m, 'Namespace').find((n) => n.metadata.name === 'edge').metadata.labels['example.com/public-routes']).toBeUndefined();
  });

  test('an existing Gateway: routes attach to its listeners, its data plane is allowed in', () => {
    const chart = prodChart();
    const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const web = new ProductionApp(shop, 'Web', { name: 'web', image: 'r.example.com/web:1.0', port: 8080, healthPath: '/healthz' });
    const gateway = ProductionGateway.fromGatewayAttributes(chart, 'Shared', {
      name: 'shared', namespaceName: 'envoy-gateway-system',
      listeners: [{ name: 'websecure', hostname: '*.example.com' }],
      dataPlane: NetworkPeer.inNamespace('envoy-gateway-system', { 'gateway.envoyproxy.io/owning-gateway-name': 'shared' }),
    });
    const route = new ProductionHttpRoute(shop, 'Route', { gateway, hostname: 'shop.example.com', app: web });
    const m = Testing.synth(chart);
    expect(byKind(m, 'Gateway')).toEqual([]);
    expect(byKind(m, 'HTTPRoute')[0].spec.parentRefs).toEqual([{ name: 'shared', namespace: 'envoy-gateway-system', sectionName: 'websecure' }]);
    expect(route.sectionName).toBe('websecure');
    const policy = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web');
    expect(policy.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'shared' } },
      }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    expectValidManifests(m);
  });

  test('escape hatches: the Gateway is a public ApiObject and can be patched', () => {
    const chart = prodChart();
    const gateway = gatewayIn(chart);
    ApiObject.of(gateway.gateway).addJsonPatch(JsonPatch.add('/spec/infrastructure', { labels: { team: 'edge' } }));
    expect(byKind(Testing.synth(chart), 'Gateway')[0].spec.infrastructure).toEqual({ labels: { team: 'edge' } });
    expect(chart.node.findChild('Gateway').node.findChild('Resource')).toBe(gateway.gateway);
  });
});

describe('ProductionGateway bad input', () => {
  const cert = TlsCertificate.certManager(issuer);
  const cases: Array<[string, (chart: Chart) => void, string[]]> = [
    ['no listeners', (c) => gatewayIn(c, { listeners: [] }), ['\'listeners\' ([]) is empty']],
    ['a listener without TLS in prod', (c) => gatewayIn(c, { listeners: [{ hostname: 'shop.example.com' }] }),
      ['\'listeners[0].certificate\' (not set) leaves the listener for "shop.example.com" without TLS (plain HTTP), which is not allowed in prod']],
    ['the redirect turned off in prod', (c) => gatewayIn(c, { httpsRedirect: false }), ['\'httpsRedirect\' (false) lets clients use plain HTTP']],
    ['an invalid hostname', (c) => gatewayIn(c, { listeners: [{ hostname: 'Shop.Example.com', certificate: cert }] }),
      ['\'listeners[0].hostname\' ("Shop.Example.com") is not a valid hostname']],
    ['an IP address as hostname', (c) => gatewayIn(c, { listeners: [{ hostname: '10.0.0.1', certificate: cert }] }),
      ['\'listeners[0].hostname\' ("10.0.0.1") is not a valid hostname']],
    ['a wildcard in the middle', (c) => gatewayIn(c, { listeners: [{ hostname: 'shop.*.example.com', certificate: cert }] }),
      ['\'listeners[0].hostname\' ("shop.*.example.com") is not a valid hostname']],
    ['a hostname listed twice', (c) => gatewayIn(c, { listeners: [{ hostname: 'a.example.com', certificate: cert }, { hostname: 'a.example.com', certificate: cert, name: 'other' }] }),
      ['\'listeners[1].hostname\' ("a.example.com") is already served by listeners[0] on port 443 (HTTPS)']],
    ['duplicate listener names', (c) => gatewayIn(c, { listeners: [{ hostname: 'a.example.com', certificate: cert, name: 'web' }, { hostname: 'b.example.com', certificate: cert, name: 'web' }] }),
      ['\'listeners[1].name\' ("web") is already the name of listeners[0]']],
    ['a listener named like the redirect listener', (c) => gatewayIn(c, { listeners: [{ hostname: 'a.example.com', certificate: cert, name: 'http' }] }),
      ['\'listeners[1].name\' ("http") is already the name of listeners[0] (the HTTPS redirect listener)']],
    ['HTTPS on the redirect port', (c) => gatewayIn(c, { listeners: [{ hostname: 'a.example.com', certificate: cert, port: 80 }] }),
      ['\'listeners[1].port\' (80) is also the port of listener "https-a-example-com" with protocol HTTPS']],
    ['an invalid listener name and port', (c) => gatewayIn(c, { listeners: [{ hostname: 'a.example.com', certificate: cert, name: 'Web_1', port: 70000 }] }),
      ['\'listeners[0].name\' ("Web_1") is not a listener name', '\'listeners[0].port\' (70000) is not a port number']],
    ['two issuers by annotation', (c) => gatewayIn(c, {
      listeners: [{ hostname: 'a.example.com', certificate: TlsCertificate.certManagerAnnotation(issuer) },
        { hostname: 'b.example.com', certificate: TlsCertificate.certManagerAnnotation(CertManagerIssuer.issuer('internal')) }],
    }), ['name more than one issuer by annotation']],
    ['a bad GatewayClass and route labels', (c) => gatewayIn(c, { gatewayClassName: 'Istio!', routeNamespaceLabels: {} }),
      ['\'gatewayClassName\' ("Istio!") is not a GatewayClass name', '\'routeNamespaceLabels\' ({}) is empty, which would admit routes from every namespace']],
    ['no namespace anywhere', (c) => new ProductionGateway(c, 'Gw', { gatewayClassName: 'istio', listeners: [{ hostname: 'a.example.com', certificate: cert }] }),
      ['\'namespaceName\' (not set) is not set and no namespace is in force']],
    ['a data plane peer with bad labels', (c) => gatewayIn(c, { dataPlane: NetworkPeer.inNamespace('gw', { 'bad key!': 'x' }) }),
      ['\'dataPlane(NetworkPeer.inNamespace).podLabels.bad key!\' ("bad key!") is not a valid label key']],
  ];

  test.each(cases)('throws on %s', (_name, build, expected) => {
    const message = errorOf(() => build(prodChart()));
    expect(message).toMatch(/^ProductionGateway 'test\/Gw?(ateway)?' has \d+ invalid props?:/);
    for (const text of expected) {
      expect(message).toContain(text);
    }
  });

  test('throws on an existing gateway described with invalid attributes', () => {
    const message = errorOf(() => ProductionGateway.fromGatewayAttributes(prodChart(), 'Shared', {
      name: 'Shared', namespaceName: 'gw_system', listeners: [{ name: 'web secure', hostname: '*.*.example.com' }],
    }));
    expect(message).toContain('ProductionGateway.fromGatewayAttributes \'test/Shared\' has 4 invalid props');
    expect(message).toContain('\'name\' ("Shared") is not a Gateway name');
    expect(message).toContain('\'namespaceName\' ("gw_system") is not a namespace name');
    expect(message).toContain('\'listeners[0].name\' ("web secure") is not a listener name');
    expect(message).toContain('\'listeners[0].hostname\' ("*.*.example.com") is not a valid hostname');
  });
});
