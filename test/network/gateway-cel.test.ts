import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AppProbe, CertManagerIssuer, ProductionApp, ProductionGateway, ProductionGrpcRoute, ProductionHttpRoute, ProductionNamespace, Profile,
  RoutePathMatch, TlsCertificate,
} from '../../lib';
import { celViolations } from '../helpers/crd-cel';
import { validateManifests } from '../helpers/schema';

// The API server also runs the CEL rules of the Gateway API CRDs (v1.6.1, standard channel): unique listener names,
// one listener per port, protocol and hostname, path characters and sequences, backendRequest <= request, one filter
// of each kind, sectionName rules of parentRefs, ... The schema helper does not evaluate them; this test does, on what
// ProductionGateway and its routes synthesize.

const issuer = CertManagerIssuer.clusterIssuer('letsencrypt-prod');
const gatewayKinds = ['Gateway', 'HTTPRoute', 'GRPCRoute'];

function synth(build: (chart: Chart, shop: ProductionNamespace) => void): any[] {
  const chart = Testing.chart();
  Profile.use(chart, Profile.PROD);
  const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  build(chart, shop);
  return Testing.synth(chart).filter((o) => gatewayKinds.includes(o.kind));
}

describe('the CEL rules of the Gateway API CRDs', () => {
  test('negative controls: the rules reject what the API server refuses', () => {
    const listener = (name: string, hostname: string) => ({ name, hostname, port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 's' }] } });
    const gateway = (listeners: any[]) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { gatewayClassName: 'x', listeners } });
    expect(celViolations([gateway([listener('a', 'a.example.com'), listener('a', 'b.example.com')])]).violations)
      .toEqual(['Gateway/g.spec.listeners: Listener name must be unique within the Gateway']);
    expect(celViolations([gateway([listener('a', 'a.example.com'), listener('b', 'a.example.com')])]).violations)
      .toEqual(['Gateway/g.spec.listeners: Combination of port, protocol and hostname must be unique for each listener']);
    const route = (rule: any) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { rules: [rule] } });
    expect(celViolations([route({ matches: [{ path: { type: 'PathPrefix', value: '/a//b' } }] })]).violations)
      .toEqual(['HTTPRoute/r.spec.rules[0].matches[0].path: must not contain \'//\' when type one of [\'Exact\', \'PathPrefix\']']);
    expect(celViolations([route({ timeouts: { request: '10s', backendRequest: '1m' } })]).violations)
      .toEqual(['HTTPRoute/r.spec.rules[0].timeouts: backendRequest timeout cannot be longer than request timeout']);
    // Defaults are applied first, as the API server does: a rule without matches gets PathPrefix '/'.
    expect(celViolations([route({})])).toEqual({ violations: [], evaluated: expect.any(Number) });
  });

  test('the gateway, redirect, HTTP and gRPC routes of a full setup satisfy every rule', () => {
    const objects = synth((chart, shop) => {
      const gateway = new ProductionGateway(chart, 'Gateway', {
        name: 'public', namespaceName: 'gateway-system', gatewayClassName: 'istio',
        listeners: [
          { hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) },
          { hostname: '*.example.com', certificate: TlsCertificate.certManagerAnnotation(issuer) },
        ],
      });
      gateway.admitNamespace(shop);
      const web = new ProductionApp(shop, 'Web', { name: 'web', image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
      const cart = new ProductionApp(shop, 'Cart', {
        name: 'cart', image: 'registry.example.com/cart:1.0.0', port: 9090, portName: 'grpc', readiness: AppProbe.grpc(), liveness: AppProbe.tcpSocket(),
      });
      new ProductionHttpRoute(shop, 'WebRoute', {
        gateway, hostname: 'shop.example.com', app: web, paths: ['/', '/api/v1', '/~user/a;b=c', '/%41'], requestTimeout: Duration.minutes(1),
        backendRequestTimeout: Duration.seconds(20), requestHeaders: { set: { 'X-A': '1' }, add: { 'X-B': '2' }, remove: ['X-C'] },
        responseHeaders: { add: { 'X-Frame-Options': 'DENY' } },
      });
      new ProductionHttpRoute(shop, 'ExactRoute', { gateway, hostname: 'www.example.com', app: web, paths: ['/healthz'], pathMatch: RoutePathMatch.EXACT });
      new ProductionGrpcRoute(shop, 'CartRoute', { gateway, hostname: 'api.example.com', app: cart, services: ['shop.cart.v1.CartService', '.grpc.health.v1.Health'] });
    });
    expect(objects.map((o) => o.kind).sort()).toEqual(['GRPCRoute', 'Gateway', 'HTTPRoute', 'HTTPRoute', 'HTTPRoute']);
    const { violations, evaluated } = celViolations(objects);
    expect(violations).toEqual([]);
    expect(evaluated).toBeGreaterThan(50);
  });

  test('property: valid random hostnames, paths and timeouts give objects that satisfy the schema and every rule', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    const host = fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`);
    const segment = fc.stringMatching(/^([-A-Za-z0-9._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2}){1,8}$/).filter((s) => s !== '.' && s !== '..' && !/%2f/i.test(s));
    const path = fc.array(segment, { minLength: 0, maxLength: 3 }).map((s) => `/${s.join('/')}`);
    const arbitrary = fc.record({
      hosts: fc.uniqueArray(host, { minLength: 1, maxLength: 3 }),
      paths: fc.uniqueArray(path, { minLength: 1, maxLength: 5 }),
      request: fc.integer({ min: 1, max: 7200 }),
      backendShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      exact: fc.boolean(),
    });
    fc.assert(fc.property(arbitrary, (p) => {
      const build = (chart: Chart, shop: ProductionNamespace) => {
        const gateway = new ProductionGateway(chart, 'Gateway', {
          namespaceName: 'gateway-system', gatewayClassName: 'istio',
          listeners: p.hosts.map((hostname) => ({ hostname, certificate: TlsCertificate.certManager(issuer) })),
        });
        gateway.admitNamespace(shop);
        const web = new ProductionApp(shop, 'Web', { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
        p.hosts.forEach((hostname, i) => new ProductionHttpRoute(shop, `Route${i}`, {
          gateway, hostname, app: web, paths: p.paths, pathMatch: p.exact ? RoutePathMatch.EXACT : RoutePathMatch.PREFIX,
          requestTimeout: Duration.seconds(p.request),
          backendRequestTimeout: p.backendShare === undefined ? undefined : Duration.seconds(Math.max(1, Math.floor(p.request * p.backendShare))),
        }));
      };
      const objects = synth(build);
      expect(validateManifests(objects)).toEqual([]);
      expect(celViolations(objects).violations).toEqual([]);
      expect(synth(build)).toEqual(objects);
    }), { numRuns: 12, seed: 20261130 });
  });
});
