// A storefront's network layout in production: one namespace, a web frontend calling an API and a gRPC cart, and a
// single public entry on the Gateway API over TLS. Every pod is isolated; the only allowed paths are the ones the
// objects declare.
import { App, Chart } from 'cdk8s';
import {
  AppProbe, CertManagerIssuer, KubernetesApiServer, ProductionApp, ProductionGateway, ProductionGrpcRoute, ProductionHttpRoute,
  ProductionNamespace, Profile, Synth, TlsCertificate,
} from '@platform/cdk8s-production';

const app = new App();

// One chart per environment; the namespace holds all of its apps.
const prod = new Chart(app, 'shop-prod');
Profile.use(prod, Profile.PROD);

// The shared entry: a Gateway in the platform's gateway namespace (its implementation, here Istio, runs the data-plane
// pods there). One HTTPS listener per hostname with a cert-manager Certificate, and an HTTP listener that only
// redirects to HTTPS. Routes attach only from namespaces the gateway admits.
const issuer = CertManagerIssuer.clusterIssuer('letsencrypt-prod');
const gateway = new ProductionGateway(prod, 'Gateway', {
  name: 'public',
  namespaceName: 'gateway-system',
  gatewayClassName: 'istio',
  listeners: [
    { hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) },
    { hostname: 'grpc.shop.example.com', certificate: TlsCertificate.certManager(issuer) },
  ],
});

const shop = new ProductionNamespace(prod, 'Shop', {
  name: 'shop',
  // Only the gateway's pods may send traffic in from another namespace.
  allowedIngressNamespaces: ['gateway-system'],
  // The API server endpoints (`kubectl get endpoints kubernetes`), for apps that mount a token.
  apiServer: KubernetesApiServer.endpoints(['172.20.0.10/32', '172.20.0.11/32'], { port: 6443 }),
});
gateway.admitNamespace(shop);

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

// A gRPC service: its port is named 'grpc', so it is routed with a GRPCRoute (HTTP/2 to the pods).
const cart = new ProductionApp(shop, 'Cart', {
  name: 'cart',
  image: 'registry.example.com/shop/cart:1.8.0',
  port: 9090,
  portName: 'grpc',
  readiness: AppProbe.grpc(),
  liveness: AppProbe.tcpSocket(),
});

// web -> api on api's port: egress on web's policy, ingress on api's.
web.connectsTo(api);

// The routes live in the apps' namespace; each allows the gateway's pods into its app on the routed port only.
new ProductionHttpRoute(shop, 'WebRoute', { name: 'web', gateway, hostname: 'shop.example.com', app: web });
new ProductionGrpcRoute(shop, 'CartRoute', {
  name: 'cart', gateway, hostname: 'grpc.shop.example.com', app: cart, services: ['shop.cart.v1.CartService'],
});

Synth.app(app);
