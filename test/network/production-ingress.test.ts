import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProductionApp } from '../../lib/app/production-app';
import { Warnings } from '../../lib/warnings';
import {
  CertManagerIssuer, IngressController, ProductionIngress, TlsCertificate,
} from '../../lib/network/production-ingress';
import { ProductionNamespace } from '../../lib/network/production-namespace';
import { Profile } from '../../lib/profile';
import { AppProbe } from '../../lib/workload/app-probe';
import { errorOf } from '../helpers/errors';
import { expectValidManifests } from '../helpers/schema';

function setup(profile: Profile = Profile.PROD): { chart: Chart; ns: ProductionNamespace; web: ProductionApp } {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  const web = new ProductionApp(ns, 'Web', { image: 'r/web:1.0', port: 8080, healthPath: '/healthz', additionalPorts: [{ name: 'metrics', port: 9100 }] });
  return { chart, ns, web };
}
const letsEncrypt = CertManagerIssuer.clusterIssuer('letsencrypt-prod');
const byKind = (m: any[], kind: string) => m.filter((o) => o.kind === kind);

describe('ProductionIngress as an Ingress', () => {
  test('routes, TLS by a cert-manager Certificate, redirect, rate limit, body size and external-dns', () => {
    // GIVEN
    const { chart, ns, web } = setup();
    // WHEN
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX,
      name: 'public', tls: [{ certificate: TlsCertificate.certManager(letsEncrypt) }],
      rateLimitPerSecond: 20, maxBodySize: Size.mebibytes(8), externalDns: true,
    });
    ingress.addRoute('shop.example.com', '/', web);
    ingress.addRoute('www.example.com', '/shop', web, { pathType: kplus.HttpIngressPathType.EXACT });
    const m = Testing.synth(chart);
    // THEN
    expect(byKind(m, 'Ingress')).toEqual([{
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: {
        name: 'public', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-production' },
        annotations: {
          'production.platform.io/profile': 'prod',
          'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
          'nginx.ingress.kubernetes.io/limit-rps': '20',
          'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
          'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com,www.example.com',
        },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: web.name, port: { number: 8080 } } } }] } },
          { host: 'www.example.com', http: { paths: [{ path: '/shop', pathType: 'Exact', backend: { service: { name: web.name, port: { number: 8080 } } } }] } },
        ],
        tls: [{ hosts: ['shop.example.com', 'www.example.com'], secretName: 'public-tls' }],
      },
    }]);
    expect(byKind(m, 'Certificate')).toEqual([{
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate',
      metadata: { name: 'public-tls', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-production' }, annotations: { 'production.platform.io/profile': 'prod' } },
      spec: {
        secretName: 'public-tls', dnsNames: ['shop.example.com', 'www.example.com'],
        issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      },
    }]);
    expect(ingress.ingress).toBeDefined();
    expect(ingress.certificates).toHaveLength(1);
    expect(ingress.hosts()).toEqual(['shop.example.com', 'www.example.com']);
    expectValidManifests(m);
  });

  test('the controller is allowed into the app on the routed port only, once per port', () => {
    const { chart, ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(letsEncrypt) }] });
    ingress.addRoute('shop.example.com', '/', web);
    ingress.addRoute('shop.example.com', '/metrics', web, { port: 9100 });
    ingress.addRoute('shop.example.com', '/again', web);
    const policy = Testing.synth(chart).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === web.name);
    const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }];
    expect(policy.spec.ingress).toEqual([
      { from, ports: [{ port: 8080, protocol: 'TCP' }] },
      { from, ports: [{ port: 9100, protocol: 'TCP' }] },
    ]);
  });

  test('cert-manager annotation, a user TLS Secret and a wildcard entry', () => {
    const { chart, ns, web } = setup();
    const wildcard = kplus.Secret.fromSecretName(chart, 'Wildcard', 'wildcard-example-com');
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX,
      name: 'edge',
      tls: [
        { certificate: TlsCertificate.fromSecret(wildcard), hosts: ['*.apps.example.com'] },
        { certificate: TlsCertificate.certManagerAnnotation(CertManagerIssuer.issuer('internal-ca')) },
      ],
    });
    ingress.addRoute('*.apps.example.com', '/', web);
    ingress.addRoute('a.apps.example.com', '/', web);
    ingress.addRoute('shop.example.com', '/', web);
    const m = Testing.synth(chart);
    const ing = byKind(m, 'Ingress')[0];
    expect(ing.metadata.annotations['cert-manager.io/issuer']).toBe('internal-ca');
    expect(ing.spec.tls).toEqual([
      { hosts: ['*.apps.example.com'], secretName: 'wildcard-example-com' },
      { hosts: ['shop.example.com'], secretName: 'edge-tls-1' },
    ]);
    expect(byKind(m, 'Certificate')).toEqual([]);
    expectValidManifests(m);
  });

  test('a custom controller brings its own class, pods and annotations', () => {
    const { chart, ns, web } = setup();
    const traefik = IngressController.custom({
      ingressClassName: 'traefik', namespaceName: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' },
      httpsRedirectAnnotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure' },
      hstsAnnotations: { 'traefik.ingress.kubernetes.io/router.middlewares': 'traefik-hsts@kubernetescrd' },
    });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: traefik, tls: [{ certificate: TlsCertificate.certManager(letsEncrypt) }] });
    ingress.addRoute('shop.example.com', '/', web);
    const m = Testing.synth(chart);
    const ing = byKind(m, 'Ingress')[0];
    expect(ing.spec.ingressClassName).toBe('traefik');
    expect(ing.metadata.annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.middlewares': 'traefik-hsts@kubernetescrd',
    });
    const policy = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === web.name);
    expect(policy.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'traefik' });
  });

  test('a Service that is not a ProductionApp can be routed, without derived policy', () => {
    const { chart, ns } = setup();
    const svc = new kplus.Service(chart, 'Legacy', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }], selector: kplus.Pods.select(chart, 'LegacyPods', { labels: { app: 'legacy' } }) });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(letsEncrypt) }] });
    ingress.addServiceRoute('legacy.example.com', '/', svc);
    const ing = byKind(Testing.synth(chart), 'Ingress')[0];
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: svc.name, port: { number: 80 } } });
  });

  test('dev: a host without TLS is a warning, not an error', () => {
    const { chart, ns, web } = setup(Profile.DEV);
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.TRAEFIK });
    ingress.addRoute('dev.example.com', '/', web);
    expect(Warnings.collect(chart)).toEqual([
      "test/Shop/Ingress: 'addRoute.host' (\"dev.example.com\") has no TLS. Fix: add a 'tls' entry (e.g. { certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) })",
    ]);
  });
});

describe('ProductionIngress as Gateway API HTTPRoutes', () => {
  test('one HTTPRoute per host, attached to the HTTPS listener of the Gateway; the Gateway pods are allowed in', () => {
    const { chart, ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Routes', {
      name: 'shop', gateway: { name: 'public', namespaceName: 'gateways', podLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
    });
    ingress.addRoute('shop.example.com', '/', web);
    ingress.addRoute('shop.example.com', '/exact', web, { pathType: kplus.HttpIngressPathType.EXACT });
    ingress.addRoute('www.example.com', '/', web, { port: 9100 });
    const m = Testing.synth(chart);
    expect(byKind(m, 'Ingress')).toEqual([]);
    const routes = byKind(m, 'HTTPRoute');
    expect(routes).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute',
        metadata: { name: 'shop-0', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-production' }, annotations: { 'production.platform.io/profile': 'prod' } },
        spec: {
          parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }],
          hostnames: ['shop.example.com'],
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: web.name, port: 8080 }] },
            { matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: [{ name: web.name, port: 8080 }] },
          ],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute',
        metadata: { name: 'shop-1', namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-production' }, annotations: { 'production.platform.io/profile': 'prod' } },
        spec: {
          parentRefs: [{ name: 'public', namespace: 'gateways', sectionName: 'https' }],
          hostnames: ['www.example.com'],
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: web.name, port: 9100 }] }],
        },
      },
    ]);
    const policy = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === web.name);
    const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateways' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }];
    expect(policy.spec.ingress).toEqual([
      { from, ports: [{ port: 8080, protocol: 'TCP' }] },
      { from, ports: [{ port: 9100, protocol: 'TCP' }] },
    ]);
    expect(ingress.httpRoutes).toHaveLength(2);
    expectValidManifests(m);
  });
});

describe('ProductionIngress profile stamp', () => {
  test.each(Profile.all())('GIVEN a %s chart THEN the Ingress and its Certificate are stamped with it, so the rule pack judges them by it', (profile) => {
    const { chart, ns, web } = setup(profile);
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(letsEncrypt) }] });
    ingress.addRoute('shop.example.com', '/', web);
    const m = Testing.synth(chart);
    for (const kind of ['Ingress', 'Certificate']) {
      expect(byKind(m, kind)[0].metadata.annotations['production.platform.io/profile']).toBe(profile.name);
    }
  });
});

describe('ProductionIngress errors', () => {
  const tls = [{ certificate: TlsCertificate.certManager(letsEncrypt) }];

  test('throws for a route to a port the app does not expose', () => {
    const { ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls });
    expect(() => ingress.addRoute('shop.example.com', '/', web, { port: 9999 })).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 1 invalid prop:\n  - 'addRoute.port' (9999) is not a port of workload 'test/Shop/Web'. Fix: use one of 8080, 9100");
  });

  test('throws for a duplicate host and path', () => {
    const { ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls });
    ingress.addRoute('shop.example.com', '/api', web);
    expect(() => ingress.addRoute('shop.example.com', '/api', web)).toThrow(
      "'addRoute.path' (\"shop.example.com/api\") is already routed. Fix: route each host and path once");
  });

  test('throws for hosts that are not DNS names and a relative path, all in one error', () => {
    const { ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls });
    expect(() => ingress.addRoute('Shop_Example.com', 'api', web)).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 2 invalid props:\n"
      + "  - 'addRoute.host' (\"Shop_Example.com\") is not a valid DNS name. Fix: use lowercase letters, digits, '-' and '.' (e.g. 'shop.example.com'), optionally starting with '*.'\n"
      + "  - 'addRoute.path' (\"api\") is not an absolute path. Fix: start it with '/', e.g. '/api'");
    expect(() => ingress.addRoute('localhost', '/', web)).toThrow("'addRoute.host' (\"localhost\") is not a valid DNS name");
    expect(() => ingress.addRoute('*.com', '/', web)).toThrow("'addRoute.host' (\"*.com\") is not a valid DNS name");
  });

  test('throws for a wildcard host without a matching certificate', () => {
    const { ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls });
    expect(() => ingress.addRoute('*.example.com', '/', web)).toThrow(
      "'addRoute.host' (\"*.example.com\") is a wildcard host without a matching certificate, which is not allowed in prod. Fix: add a 'tls' entry with hosts ['*.example.com'] (a wildcard certificate: a DNS-01 issuer or TlsCertificate.fromSecret)");
  });

  test('throws for a host not covered by a host-specific TLS entry', () => {
    const { ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(letsEncrypt), hosts: ['a.example.com'] }] });
    expect(() => ingress.addRoute('b.example.com', '/', web)).toThrow("'addRoute.host' (\"b.example.com\") has no TLS, which is not allowed in prod");
  });

  test('throws for TLS missing in prod', () => {
    const { ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX });
    expect(() => ingress.addRoute('shop.example.com', '/', web)).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 1 invalid prop:\n  - 'addRoute.host' (\"shop.example.com\") has no TLS, which is not allowed in prod. Fix: add a 'tls' entry (e.g. { certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) })");
  });

  test('throws for a route to an app in another namespace', () => {
    const { chart, web } = setup();
    const other = new ProductionNamespace(chart, 'Other', { name: 'other' });
    const ingress = new ProductionIngress(other, 'Ingress', { controller: IngressController.NGINX, tls });
    expect(() => ingress.addRoute('shop.example.com', '/', web)).toThrow(
      "'addRoute.app' (\"test/Shop/Web\") is in namespace \"shop\" but the ingress is in \"other\"; an Ingress routes only to Services in its own namespace. Fix: create the ProductionIngress in the app's namespace (one ingress per namespace)");
  });

  test('throws for an ingress namespace that conflicts with its ProductionNamespace', () => {
    const { ns } = setup();
    expect(() => new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls, namespaceName: 'elsewhere' })).toThrow(
      "'namespaceName' (\"elsewhere\") conflicts with the enclosing ProductionNamespace \"shop\". Fix: remove 'namespaceName', or create the ingress outside the ProductionNamespace");
  });

  test('throws in prod when HTTPS redirect or HSTS is turned off', () => {
    const { ns } = setup();
    expect(() => new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls, httpsRedirect: false, hsts: false })).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 2 invalid props:\n"
      + "  - 'httpsRedirect' (false) serves plain HTTP, which is not allowed in prod. Fix: remove it (HTTPS redirect is on by default)\n"
      + "  - 'hsts' (false) lets browsers fall back to plain HTTP, which is not allowed in prod. Fix: remove it (HSTS is on by default)");
  });

  test('throws for a rate limit or body size the controller cannot express', () => {
    const { ns } = setup();
    const bare = IngressController.custom({ ingressClassName: 'bare', namespaceName: 'bare', podLabels: { app: 'bare' } });
    expect(() => new ProductionIngress(ns, 'Ingress', { tls, controller: bare, rateLimitPerSecond: 10, maxBodySize: Size.mebibytes(4) })).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 2 invalid props:\n"
      + "  - 'rateLimitPerSecond' (10) is set, but the controller has no rate-limit annotation. Fix: give 'rateLimitAnnotation' in IngressController.custom, or remove it\n"
      + "  - 'maxBodySize' (\"4Mi\") is set, but the controller has no body-size annotation. Fix: give 'bodySizeAnnotation' in IngressController.custom, or remove it");
  });

  test('throws for TLS entries that overlap, or that name two issuers by annotation', () => {
    const { ns } = setup();
    expect(() => new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX,
      tls: [
        { certificate: TlsCertificate.certManagerAnnotation(letsEncrypt), hosts: ['a.example.com'] },
        { certificate: TlsCertificate.certManagerAnnotation(CertManagerIssuer.issuer('other')), hosts: ['a.example.com', 'B.example.com'] },
      ],
    })).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 3 invalid props:\n"
      + "  - 'tls[1].hosts[0]' (\"a.example.com\") is already covered by tls[0]. Fix: list each host in one entry\n"
      + "  - 'tls[1].hosts[1]' (\"B.example.com\") is not a valid DNS name. Fix: use lowercase letters, digits, '-' and '.', optionally starting with '*.'\n"
      + "  - 'tls' ([\"ClusterIssuer/letsencrypt-prod\",\"Issuer/other\"]) names more than one issuer by annotation, but an Ingress carries one issuer annotation. Fix: use TlsCertificate.certManager(...) for the other issuers, or one issuer");
  });

  test('throws for Ingress-only settings in Gateway mode', () => {
    const { ns } = setup();
    expect(() => new ProductionIngress(ns, 'Ingress', { gateway: { name: 'public' }, tls, ingressClassName: 'nginx', rateLimitPerSecond: 5 })).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 3 invalid props:\n"
      + "  - 'ingressClassName' (\"nginx\") is set together with 'gateway'. Fix: remove it; the Gateway's class decides the controller\n"
      + "  - 'tls' (\"(set)\") is set together with 'gateway'; a Gateway terminates TLS on its HTTPS listener. Fix: configure the certificate on the Gateway listener and remove 'tls'\n"
      + "  - 'rateLimitPerSecond' (5) is an ingress controller annotation and cannot apply to an HTTPRoute. Fix: configure the limit on the Gateway implementation, or remove it");
  });

  test('throws for a Service route to a port the Service does not have', () => {
    const { chart, ns } = setup();
    const svc = new kplus.Service(chart, 'Legacy', { ports: [{ port: 80 }, { port: 81 }] });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls });
    expect(() => ingress.addServiceRoute('legacy.example.com', '/', svc)).toThrow(
      `'addServiceRoute.port' (not set) is not a port of Service '${svc.name}'. Fix: give one of 80, 81`);
  });

  test('throws for a custom controller without pod labels, where the controller is used', () => {
    const { ns } = setup();
    const controller = IngressController.custom({ ingressClassName: 'x', namespaceName: 'Bad_NS', podLabels: {} });
    expect(() => new ProductionIngress(ns, 'Ingress', { controller, tls: [{ certificate: TlsCertificate.certManager(letsEncrypt) }] })).toThrow(
      "ProductionIngress 'test/Shop/Ingress' has 2 invalid props:\n"
      + "  - 'controller(IngressController.custom).namespaceName' (\"Bad_NS\") is not a namespace name. Fix: use a DNS-1123 label\n"
      + "  - 'controller(IngressController.custom).podLabels' ({}) is empty, which would admit every pod of the controller namespace. Fix: give the labels of the controller pods");
  });

  test('fails validation for an ingress without routes', () => {
    const { ns } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls });
    expect(ingress.node.validate()).toEqual(["ProductionIngress 'test/Shop/Ingress' has no routes. Fix: call addRoute(host, path, app)"]);
  });
});

/** A workload whose traffic a delivery controller splits between two Services. */
/** A workload whose route goes to one Service other than its own. */
class ForeignBackendApp extends ProductionApp {
  public _routeBackends(port: number) {
    return [{ name: `${this.name}-active`, port }];
  }
}

class SplitApp extends ProductionApp {
  public _routeBackends(port: number) {
    return [{ name: `${this.name}-stable`, port, weight: 90 }, { name: `${this.name}-canary`, port, weight: 10 }];
  }

  public get attached(): unknown[] {
    return [...this._attachedRoutes];
  }
}

describe('ProductionIngress controllers', () => {
  const tls = [{ certificate: TlsCertificate.certManager(letsEncrypt) }];

  test('Traefik: TLS entry point only, its class and pods', () => {
    const { chart, ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { name: 'public', controller: IngressController.TRAEFIK, tls });
    ingress.addRoute('shop.example.com', '/', web);
    const m = Testing.synth(chart);
    const ing = byKind(m, 'Ingress')[0];
    expect(ing.spec.ingressClassName).toBe('traefik');
    expect(ing.metadata.annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
    });
    const policy = m.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === web.name);
    expect(policy.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
    }]);
    expect(Warnings.collect(chart)).toEqual([]);
    expectValidManifests(m);
  });

  test('HAProxy: redirect (301), HSTS, rate limit; a body size is an error', () => {
    const { chart, ns, web } = setup();
    const ingress = new ProductionIngress(ns, 'Ingress', { name: 'public', controller: IngressController.HAPROXY, tls, rateLimitPerSecond: 50 });
    ingress.addRoute('shop.example.com', '/', web);
    const ing = byKind(Testing.synth(chart), 'Ingress')[0];
    expect(ing.spec.ingressClassName).toBe('haproxy');
    expect(ing.metadata.annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'haproxy.org/ssl-redirect': 'true',
      'haproxy.org/ssl-redirect-code': '301',
      'haproxy.org/response-set-header': 'Strict-Transport-Security "max-age=31536000"',
      'haproxy.org/rate-limit-requests': '50',
    });
    expect(IngressController.HAPROXY.peer.toNetworkPolicyPeer('shop')).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'haproxy-controller' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kubernetes-ingress' } },
    });
    expect(errorOf(() => new ProductionIngress(ns, 'Other', { controller: IngressController.HAPROXY, tls, maxBodySize: Size.mebibytes(8) })))
      .toContain('\'maxBodySize\' ("8Mi") is set, but the controller has no body-size annotation');
  });

  test('ingress-nginx chosen is a warning in every profile that names its retirement and the fix', () => {
    for (const profile of [Profile.DEV, Profile.PROD]) {
      const { chart, ns, web } = setup(profile);
      new ProductionIngress(ns, 'Chosen', { tls, controller: IngressController.NGINX }).addRoute('b.example.com', '/', web);
      expect(Warnings.collect(chart)).toEqual([
        'test/Shop/Chosen: \'controller\' (IngressController.NGINX): ingress-nginx is retired (no releases or security fixes since March 2026). '
          + 'Fix: route through a ProductionGateway (Gateway API), or choose a maintained controller (IngressController.TRAEFIK, IngressController.HAPROXY or IngressController.custom)',
      ]);
    }
  });

  test('an Ingress without a controller is an error (there is no default since ingress-nginx was retired); Gateway mode needs none', () => {
    for (const profile of [Profile.DEV, Profile.PROD]) {
      const { ns } = setup(profile);
      expect(() => new ProductionIngress(ns, 'Ingress', { tls })).toThrow(
        "ProductionIngress 'test/Shop/Ingress' has 1 invalid prop:\n"
        + "  - 'controller' (not set) is not set, and an Ingress needs one: the library has no default controller since ingress-nginx is retired "
        + '(no releases or security fixes since March 2026). Fix: enter through a ProductionGateway (Gateway API), or give IngressController.TRAEFIK, '
        + 'IngressController.HAPROXY, IngressController.custom(...), or knowingly IngressController.NGINX');
    }
    const { chart, ns } = setup(Profile.PROD);
    const viaGateway = new ProductionIngress(ns, 'ViaGateway', { gateway: { name: 'public', namespaceName: 'gateways' } });
    expect(viaGateway.controller).toBeUndefined();
    expect(Warnings.collect(chart)).toEqual([]);
    const traefik = new ProductionIngress(ns, 'Traefik', { controller: IngressController.TRAEFIK, tls });
    expect(traefik.controller).toBe(IngressController.TRAEFIK);
  });

  test('gRPC with ingress-nginx: the gRPC routes on their own Ingress with backend-protocol GRPC and the same TLS', () => {
    const { chart, ns, web } = setup();
    const cart = new ProductionApp(ns, 'Cart', { name: 'cart', image: 'r/cart:1.0', port: 9090, portName: 'grpc', readiness: AppProbe.grpc(), liveness: AppProbe.tcpSocket() });
    const ingress = new ProductionIngress(ns, 'Ingress', { name: 'public', controller: IngressController.NGINX, tls, externalDns: true });
    ingress.addRoute('shop.example.com', '/', web);
    ingress.addRoute('api.example.com', '/', cart);
    const m = Testing.synth(chart);
    const [main, grpc] = byKind(m, 'Ingress');
    expect(main.metadata.name).toBe('public');
    expect(main.spec.rules.map((r: any) => r.host)).toEqual(['shop.example.com']);
    expect(main.spec.rules[0].http.paths[0].backend.service.name).toBe(web.name);
    expect(main.metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol']).toBeUndefined();
    expect(main.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('shop.example.com');
    expect(grpc.metadata.name).toBe('public-grpc');
    expect(grpc.metadata.annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC',
      'external-dns.alpha.kubernetes.io/hostname': 'api.example.com',
    });
    expect(grpc.spec.rules).toEqual([{ host: 'api.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'cart', port: { number: 9090 } } } }] } }]);
    expect(grpc.spec.tls).toEqual(main.spec.tls);
    expect(main.spec.tls).toEqual([{ hosts: ['shop.example.com', 'api.example.com'], secretName: 'public-tls' }]);
    expect(ingress.grpcIngress).toBeDefined();
    expectValidManifests(m);
  });

  test('gRPC with Traefik: the Service says h2c; a controller without a gRPC setting is an error', () => {
    const { chart, ns } = setup();
    const cart = new ProductionApp(ns, 'Cart', { name: 'cart', image: 'r/cart:1.0', port: 9090, portName: 'grpc-api', readiness: AppProbe.grpc(), liveness: AppProbe.tcpSocket() });
    new ProductionIngress(ns, 'Ingress', { name: 'public', controller: IngressController.TRAEFIK, tls }).addRoute('api.example.com', '/', cart);
    const m = Testing.synth(chart);
    expect(byKind(m, 'Ingress')).toHaveLength(1);
    expect(m.find((o) => o.kind === 'Service' && o.metadata.name === 'cart').metadata.annotations['traefik.ingress.kubernetes.io/service.serversscheme']).toBe('h2c');
    const custom = IngressController.custom({ ingressClassName: 'internal', namespaceName: 'edge', podLabels: { app: 'proxy' } });
    expect(errorOf(() => new ProductionIngress(ns, 'Custom', { controller: custom, tls }).addRoute('api.example.com', '/', cart)))
      .toContain('\'addRoute.port\' (9090) is a gRPC port (named \'grpc\' or \'grpc-<suffix>\'), but the controller has no gRPC setting');
  });

  test('a workload whose single backend is not its own Service: an error on an Ingress (its backend is built from the workload\'s Service object)', () => {
    const { ns } = setup();
    const app = new ForeignBackendApp(ns, 'Foreign', { name: 'foreign', image: 'r/foreign:1.0', port: 8080, healthPath: '/healthz' });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.TRAEFIK, tls });
    expect(errorOf(() => ingress.addRoute('a.example.com', '/', app)))
      .toContain('\'addRoute.app\' ("test/Shop/Foreign") sends its traffic to the Service \'foreign-active\', not to its own Service \'foreign\', '
        + 'and an Ingress backend is the workload\'s own Service. Fix: route the workload through a ProductionGateway with a ProductionHttpRoute');
    const viaGateway = new ProductionIngress(ns, 'Routes', { name: 'routes', gateway: { name: 'public', namespaceName: 'gateways' } });
    expect(() => viaGateway.addRoute('a.example.com', '/', app)).not.toThrow();
  });

  test('a workload whose traffic is split: an error on an Ingress; weighted backends and an attached route in gateway mode', () => {
    const { chart, ns } = setup();
    const split = new SplitApp(ns, 'Split', { name: 'split', image: 'r/split:1.0', port: 8080, healthPath: '/healthz' });
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.TRAEFIK, tls });
    expect(errorOf(() => ingress.addRoute('a.example.com', '/', split)))
      .toContain('\'addRoute.app\' ("test/Shop/Split") splits its traffic between the Services split-stable, split-canary, which an Ingress cannot do (it has one backend per path). '
        + 'Fix: route the workload through a ProductionGateway with a ProductionHttpRoute');
    const viaGateway = new ProductionIngress(ns, 'Routes', { name: 'routes', gateway: { name: 'public', namespaceName: 'gateways' } });
    viaGateway.addRoute('a.example.com', '/', split);
    ingress.addServiceRoute('a.example.com', '/', split.service!);
    const route = byKind(Testing.synth(chart), 'HTTPRoute')[0];
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'split-stable', port: 8080, weight: 90 }, { name: 'split-canary', port: 8080, weight: 10 }]);
    expect(split.attached).toEqual([{ kind: 'HTTPRoute', name: 'routes-0', namespace: 'shop' }]);
  });
});
