// A storefront in production: a web frontend calling an API, each a ProductionApp.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe, AppSize, PriorityClasses, ProductionApp, Profile, Synth } from '@platform/cdk8s-production';

const app = new App();

// Cluster-wide objects the apps refer to, owned by the platform team.
const platform = new Chart(app, 'platform');
new PriorityClasses(platform, 'PriorityClasses');

// One chart per environment holds all of its apps.
const shop = new Chart(app, 'shop', { namespace: 'shop' });
Profile.use(shop, Profile.PROD);

const api = new ProductionApp(shop, 'Api', {
  name: 'api',
  image: 'registry.example.com/shop/api@sha256:0d5f4bdbc2c1e8a3f1c7f3c6a2b9e4d8c5a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7',
  port: 9000,
  readiness: AppProbe.grpc(),
  liveness: AppProbe.tcpSocket(),
  size: AppSize.LARGE,
  autoscaling: { minReplicas: 3, maxReplicas: 20 },
  env: {
    DATABASE_URL: kplus.EnvValue.fromSecretValue({
      secret: kplus.Secret.fromSecretName(shop, 'DatabaseUrl', 'shop-database'),
      key: 'url',
    }),
  },
});

const web = new ProductionApp(shop, 'Web', {
  name: 'web',
  image: 'registry.example.com/shop/web:4.2.1',
  port: 8080,
  healthPath: '/healthz',
  resources: { memory: { request: Size.mebibytes(768), limit: Size.gibibytes(1) } },
  env: { API_URL: kplus.EnvValue.fromValue('http://api.shop.svc:9000') },
  writablePaths: ['/tmp', '/var/cache/web'],
});

// The web frontend calls the API: egress on web, ingress on api, on the API's port only.
web.connectsTo(api);

Synth.app(app);
