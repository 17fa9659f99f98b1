import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ProductionApp, ProductionAppProps } from '../../lib/app/production-app';
import { ProductionWorker } from '../../lib/app/production-worker';
import { GatewayProtocol, IGateway, ProductionGateway } from '../../lib/network/production-gateway';
import { ProductionGrpcRoute } from '../../lib/network/production-grpc-route';
import { ProductionHttpRoute, ProductionHttpRouteProps, RoutePathMatch } from '../../lib/network/production-http-route';
import { CertManagerIssuer, TlsCertificate } from '../../lib/network/production-ingress';
import { ProductionNamespace } from '../../lib/network/production-namespace';
import { Profile } from '../../lib/profile';
import { AppProbe } from '../../lib/workload/app-probe';
import { Warnings } from '../../lib/warnings';
import type { RouteBackendRef } from '../../lib/workload/_routes';
import { errorOf } from '../helpers/errors';
import { expectValidManifests } from '../helpers/schema';

const issuer = CertManagerIssuer.clusterIssuer('letsencrypt-prod');
const byKind = (m: any[], kind: string) => m.filter((o) => o.kind === kind);

/** A workload whose traffic a delivery controller splits between a stable and a canary Service (as Argo Rollouts does). */
class CanaryApp extends ProductionApp {
  public constructor(scope: Construct, id: string, props: ProductionAppProps) {
    super(scope, id, props);
  }

  public _routeBackends(port: number): RouteBackendRef[] {
    return [{ name: `${this.name}-stable`, port, weight: 100 }, { name: `${this.name}-canary`, port, weight: 0 }];
  }

  public get attached(): unknown[] {
    return [...this._attachedRoutes];
  }
}

interface Setup {
  readonly chart: Chart;
  readonly shop: ProductionNamespace;
  readonly gateway: ProductionGateway;
  readonly web: CanaryApp;
  readonly plain: ProductionApp;
  readonly cart: ProductionApp;
}

function setup(profile: Profile = Profile.PROD, admit = true): Setup {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  const gateway = new ProductionGateway(chart, 'Gateway', {
    name: 'public', namespaceName: 'gateway-system', gatewayClassName: 'istio',
    listeners: [
      { hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) },
      { hostname: '*.example.com', certificate: TlsCertificate.certManager(issuer) },
    ],
  });
  if (admit) {
    gateway.admitNamespace(shop);
  }
  const image = 'registry.example.com/shop/web:4.2.1';
  const web = new CanaryApp(shop, 'Web', { name: 'web', image, port: 8080, healthPath: '/healthz', additionalPorts: [{ name: 'metrics', port: 9100 }] });
  const plain = new ProductionApp(shop, 'Plain', { name: 'plain', image, port: 8080, healthPath: '/healthz' });
  const cart = new ProductionApp(shop, 'Cart', {
    name: 'cart', image, port: 9090, portName: 'grpc', readiness: AppProbe.grpc(), liveness: AppProbe.tcpSocket(),
  });
  return { chart, shop, gateway, web, plain, cart };
}

describe('ProductionHttpRoute', () => {
  test('defaults: in the workload\'s namespace, on the listener of its hostname, every path, 30s request timeout, HSTS, the workload\'s backends', () => {
    // GIVEN
    const { chart, shop, gateway, plain } = setup();
    // WHEN
    const route = new ProductionHttpRoute(shop, 'Route', { gateway, hostname: 'shop.example.com', app: plain, name: 'plain' });
    const m = Testing.synth(chart);
    // THEN
    const [httpRoute] = byKind(m, 'HTTPRoute').filter((r) => r.metadata.namespace === 'shop');
    expect(httpRoute.metadata.name).toBe('plain');
    expect(httpRoute.metadata.labels['app.kubernetes.io/name']).toBe('plain');
    expect(httpRoute.spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https-shop-example-com' }],
      hostnames: ['shop.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=31536000' }] } }],
        backendRefs: [{ name: 'plain', port: 8080 }],
        timeouts: { request: '30s' },
      }],
    });
    expect(route.requestTimeout.toSeconds()).toBe(30);
    expect(route.hsts).toBe(true);
    expect(route.paths).toEqual(['/']);
    expect(route.pathMatch).toBe(RoutePathMatch.PREFIX);
    expect(route.port).toBe(8080);
    expect(route.namespaceName).toBe('shop');
    expectValidManifests(m);
  });

  test('the gateway\'s data plane is allowed into the workload on the routed port only', () => {
    const { chart, shop, gateway, plain } = setup();
    new ProductionHttpRoute(shop, 'Route', { gateway, hostname: 'shop.example.com', app: plain });
    new ProductionHttpRoute(shop, 'Again', { gateway, hostname: 'www.example.com', app: plain });
    const policy = Testing.synth(chart).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'plain');
    expect(policy.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } },
        podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
      }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('a split workload: both Services with their weights in one rule, and the route attached to the workload', () => {
    const { chart, shop, gateway, web } = setup();
    new ProductionHttpRoute(shop, 'Route', { gateway, hostname: 'shop.example.com', app: web, name: 'web' });
    const route = byKind(Testing.synth(chart), 'HTTPRoute').find((r) => r.metadata.name === 'web');
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'web-stable', port: 8080, weight: 100 }, { name: 'web-canary', port: 8080, weight: 0 }]);
    expect(web.attached).toEqual([{ kind: 'HTTPRoute', name: 'web', namespace: 'shop' }]);
  });

  test('a wildcard listener serves one more label; an exact listener wins over it', () => {
    const { shop, gateway, plain } = setup();
    expect(new ProductionHttpRoute(shop, 'A', { gateway, hostname: 'shop.example.com', app: plain }).sectionName).toBe('https-shop-example-com');
    expect(new ProductionHttpRoute(shop, 'B', { gateway, hostname: 'www.example.com', app: plain }).sectionName).toBe('https-wildcard-example-com');
    expect(errorOf(() => new ProductionHttpRoute(shop, 'C', { gateway, hostname: 'a.b.example.com', app: plain })))
      .toContain('\'hostname\' ("a.b.example.com") is served by no listener of Gateway \'gateway-system/public\'');
  });

  test('paths, exact matching, both timeouts and header changes', () => {
    const { chart, shop, gateway, plain } = setup();
    new ProductionHttpRoute(shop, 'Route', {
      gateway, hostname: 'shop.example.com', app: plain, name: 'plain',
      paths: ['/api', '/v1/orders'], pathMatch: RoutePathMatch.EXACT,
      requestTimeout: Duration.minutes(2), backendRequestTimeout: Duration.seconds(75),
      requestHeaders: { set: { 'X-Env': 'prod' }, remove: ['X-Debug'] },
      responseHeaders: { set: { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' }, add: { 'X-Frame-Options': 'DENY' } },
    });
    const m = Testing.synth(chart);
    const rule = byKind(m, 'HTTPRoute').find((r) => r.metadata.name === 'plain').spec.rules[0];
    expect(rule.matches).toEqual([{ path: { type: 'Exact', value: '/api' } }, { path: { type: 'Exact', value: '/v1/orders' } }]);
    expect(rule.timeouts).toEqual({ request: '2m', backendRequest: '1m15s' });
    expect(rule.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Env', value: 'prod' }], remove: ['X-Debug'] } },
      {
        type: 'ResponseHeaderModifier',
        responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }], add: [{ name: 'X-Frame-Options', value: 'DENY' }] },
      },
    ]);
    expectValidManifests(m);
  });

  test('dev: HSTS off and a plain-HTTP listener are warnings', () => {
    const chart = Testing.chart();
    Profile.use(chart, Profile.DEV);
    const app = new ProductionApp(chart, 'App', { name: 'app', image: 'registry.example.com/app:1.0.0', port: 8080, healthPath: '/healthz' });
    const gateway = ProductionGateway.fromGatewayAttributes(chart, 'Gw', { name: 'dev', namespaceName: 'gw', listeners: [{ name: 'web', protocol: GatewayProtocol.HTTP }] });
    const route = new ProductionHttpRoute(chart, 'Route', { gateway, hostname: 'dev.example.com', app, hsts: false });
    expect(route.sectionName).toBe('web');
    expect(route.route.toJson().spec.rules[0].filters).toBeUndefined();
    expect(Warnings.collect(chart)).toEqual([
      'test/Route: \'hostname\' ("dev.example.com") is served by the plain-HTTP listener "web". Fix: give the gateway\'s listener for this hostname a certificate',
      'test/Route: \'hsts\' (false) lets browsers fall back to plain HTTP. Fix: remove it (HSTS is on by default)',
    ]);
  });
});

describe('ProductionGrpcRoute', () => {
  test('defaults: the workload\'s gRPC port, every service; with services, one Exact method match each', () => {
    const { chart, shop, gateway, cart } = setup();
    const all = new ProductionGrpcRoute(shop, 'All', { gateway, hostname: 'api.example.com', app: cart, name: 'cart-all' });
    new ProductionGrpcRoute(shop, 'Some', { gateway, hostname: 'grpc.example.com', app: cart, name: 'cart', services: ['shop.cart.v1.CartService', 'grpc.health.v1.Health'] });
    const m = Testing.synth(chart);
    const routes = byKind(m, 'GRPCRoute');
    expect(routes.map((r) => [r.metadata.name, r.metadata.namespace, r.spec])).toEqual([
      ['cart-all', 'shop', {
        parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https-wildcard-example-com' }],
        hostnames: ['api.example.com'],
        rules: [{ backendRefs: [{ name: 'cart', port: 9090 }] }],
      }],
      ['cart', 'shop', {
        parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https-wildcard-example-com' }],
        hostnames: ['grpc.example.com'],
        rules: [{
          matches: [{ method: { type: 'Exact', service: 'shop.cart.v1.CartService' } }, { method: { type: 'Exact', service: 'grpc.health.v1.Health' } }],
          backendRefs: [{ name: 'cart', port: 9090 }],
        }],
      }],
    ]);
    expect(all.port).toBe(9090);
    expect(all.services).toEqual([]);
    const policy = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'cart');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
    expectValidManifests(m);
  });
});

describe('route bad input', () => {
  type Build = (s: Setup) => void;
  const http = (s: Setup, props: Partial<ProductionHttpRouteProps>) =>
    new ProductionHttpRoute(s.shop, 'Route', { gateway: s.gateway, hostname: 'shop.example.com', app: s.plain, ...props });
  const cases: Array<[string, Build, string[]]> = [
    ['a port the workload does not have', (s) => http(s, { port: 8443 }), ['\'port\' (8443) is not a port of workload \'test/Shop/Plain\'. Fix: use one of 8080 (http)']],
    ['a hostname no listener serves', (s) => http(s, { hostname: 'shop.example.org' }),
      ['\'hostname\' ("shop.example.org") is served by no listener of Gateway \'gateway-system/public\' (listeners: shop.example.com, *.example.com)']],
    ['an invalid hostname', (s) => http(s, { hostname: 'shop_example.com' }), ['\'hostname\' ("shop_example.com") is not a valid hostname']],
    ['a relative path', (s) => http(s, { paths: ['shop'] }), ['\'paths[0]\' ("shop") is not an absolute path']],
    ['a path with //', (s) => http(s, { paths: ['/a//b'] }), ['\'paths[0]\' ("/a//b") contains \'//\', which the API server refuses']],
    ['a path with an encoded slash', (s) => http(s, { paths: ['/a%2Fb'] }), ['contains \'%2F\'']],
    ['a path with a fragment', (s) => http(s, { paths: ['/a#b'] }), ['contains \'#\'']],
    ['a path ending in /..', (s) => http(s, { paths: ['/a/..'] }), ['ends with \'/..\'']],
    ['a path with a space', (s) => http(s, { paths: ['/a b'] }), ['holds a character outside']],
    ['a path listed twice and no paths', (s) => http(s, { paths: ['/a', '/a'] }), ['\'paths[1]\' ("/a") is listed twice']],
    ['a route to a workload without a Service', (s) => {
      const worker = new ProductionWorker(s.shop, 'Worker', {
        image: 'registry.example.com/shop/worker:1.0.0', readiness: AppProbe.exec(['test', '-f', '/tmp/ready']), liveness: AppProbe.exec(['/bin/healthcheck']),
      });
      http(s, { app: worker });
    }, ['\'app\' ("test/Shop/Worker") has no Service and serves no port']],
    ['an HTTP route to a gRPC port', (s) => http(s, { app: s.cart }), ['\'port\' (9090) is port "grpc" of workload \'test/Shop/Cart\', which serves gRPC. Fix: route it with ProductionGrpcRoute']],
    ['a gRPC route to a port that does not serve gRPC', (s) => new ProductionGrpcRoute(s.shop, 'Grpc', { gateway: s.gateway, hostname: 'api.example.com', app: s.plain }),
      ['\'port\' (8080) is port "http" of workload \'test/Shop/Plain\', which does not serve gRPC']],
    ['a bad gRPC service name', (s) => new ProductionGrpcRoute(s.shop, 'Grpc', { gateway: s.gateway, hostname: 'api.example.com', app: s.cart, services: ['shop/Cart'] }),
      ['\'services[0]\' ("shop/Cart") is not a gRPC service name']],
    ['a backend timeout longer than the request timeout', (s) => http(s, { requestTimeout: Duration.seconds(10), backendRequestTimeout: Duration.seconds(20) }),
      ['\'backendRequestTimeout\' ("20s") is longer than \'requestTimeout\' (10s)']],
    ['a zero request timeout', (s) => http(s, { requestTimeout: Duration.seconds(0) }), ['\'requestTimeout\' ("0ms") is not a positive whole number of milliseconds']],
    ['a bad header name and a header set and removed', (s) => http(s, { requestHeaders: { set: { 'X Env': 'a', 'X-A': 'b' }, remove: ['x-a'] } }),
      ['\'requestHeaders.set\' ("X Env") is not an HTTP header name', '\'requestHeaders\' (["x-a"]) names a header in more than one of set, add and remove']],
    ['HSTS turned off in prod', (s) => http(s, { hsts: false }), ['\'hsts\' (false) lets browsers fall back to plain HTTP, which is not allowed in prod']],
    ['a plain-HTTP listener in prod', (s) => {
      const gateway: IGateway = ProductionGateway.fromGatewayAttributes(s.chart, 'Plain', { name: 'old', namespaceName: 'gw', listeners: [{ name: 'web', protocol: GatewayProtocol.HTTP }] });
      http(s, { gateway });
    }, ['\'hostname\' ("shop.example.com") is served by the plain-HTTP listener "web", which is not allowed in prod']],
    ['a namespace the gateway does not admit', (s) => {
      const other = new ProductionNamespace(s.chart, 'Other', { name: 'other' });
      const app = new ProductionApp(other, 'App', { name: 'app', image: 'registry.example.com/app:1.0.0', port: 8080, healthPath: '/healthz' });
      new ProductionHttpRoute(other, 'Route', { gateway: s.gateway, hostname: 'shop.example.com', app });
    }, ['\'app\' ("test/Other/App") is in namespace "other", which lacks the label gateway.production.platform.io/public=true that Gateway \'gateway-system/public\' admits routes from',
      'Fix: call gateway.admitNamespace(<the ProductionNamespace "other">) before creating the ProductionHttpRoute']],
  ];

  test.each(cases)('throws on %s', (_name, build, expected) => {
    const message = errorOf(() => build(setup()));
    expect(message).toMatch(/^Production(Http|Grpc)Route 'test\/\w+\/\w+' has \d+ invalid props?:/);
    for (const text of expected) {
      expect(message).toContain(text);
    }
  });
});
