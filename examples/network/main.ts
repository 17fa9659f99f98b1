// A storefront's network layout in production: one namespace, a web frontend calling an API, and a single
// public entry over TLS. Every pod is isolated; the only allowed paths are the ones the objects declare.
import { App, Chart } from 'cdk8s';
import { CertManagerIssuer, KubernetesApiServer, ProductionApp, ProductionIngress, ProductionNamespace, Profile, TlsCertificate, Synth } from '@platform/cdk8s-production';

const app = new App();

// One chart per environment; the namespace holds all of its apps.
const prod = new Chart(app, 'shop-prod');
Profile.use(prod, Profile.PROD);

const shop = new ProductionNamespace(prod, 'Shop', {
  name: 'shop',
  // Only the ingress controller may send traffic in from another namespace.
  allowedIngressNamespaces: ['ingress-nginx'],
  // The API server endpoints (`kubectl get endpoints kubernetes`), for apps that mount a token.
  apiServer: KubernetesApiServer.endpoints(['172.20.0.10/32', '172.20.0.11/32'], { port: 6443 }),
});

const api = new ProductionApp(shop, 'Api', {
  name: 'api',
  image: 'registry.example.com/shop/api:2.3.1',
  port: 9000,
  healthPath: '/healthz',
});

const web = new ProductionApp(shop, 'Web', {
  name: 'web',
  image: 'registry.example.com/shop/web:4.2.1',
  port: 8080,
  healthPath: '/healthz',
});

// web -> api on api's port: egress on web's policy, ingress on api's.
web.connectsTo(api);

// The single public entry: ingress-nginx, TLS from cert-manager, HTTPS redirect and HSTS by default.
const ingress = new ProductionIngress(shop, 'Ingress', {
  name: 'shop',
  tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt-prod')) }],
  externalDns: true,
});
ingress.addRoute('shop.example.com', '/', web);

Synth.app(app);
