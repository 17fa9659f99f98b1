// A web app released as a canary in staging and prod: Argo Rollouts shifts 10%, 25% then 50% of the requests to the
// new version through the Gateway API (the plugin rewrites the HTTPRoute's weights), while an analysis of the new
// pods' success rate in Prometheus watches it. A failed measurement aborts the release; no data pauses it.
//
// The cluster needs the Argo Rollouts controller and CRDs, the Gateway API traffic router plugin
// (argoproj-labs/gatewayAPI) in its argo-rollouts-config ConfigMap, and a route from the controller to Prometheus.
import { App, Chart } from 'cdk8s';
import { DeliveryStrategy, ProductionApp, ProductionGateway, ProductionHttpRoute, Profile, Synth } from '@platform/cdk8s-production';

const app = new App();

for (const profile of [Profile.STAGING, Profile.PROD]) {
  const chart = new Chart(app, `shop-${profile.name}`, { namespace: `shop-${profile.name}` });
  Profile.use(chart, profile);

  const web = new ProductionApp(chart, 'Web', {
    name: 'web',
    image: 'registry.example.com/shop/web:2.3.1',
    port: 8080,
    healthPath: '/healthz',
    autoscaling: {},
    strategy: DeliveryStrategy.canary({
      analysis: { prometheusAddress: 'http://prometheus-operated.observability.svc:9090' },
    }),
  });

  // The platform's shared Gateway (not created here); its HTTPS listener serves the environment's hostname.
  const hostname = profile === Profile.PROD ? 'shop.example.com' : 'staging.shop.example.com';
  const gateway = ProductionGateway.fromGatewayAttributes(chart, 'Gateway', {
    name: 'public',
    namespaceName: 'gateways',
    listeners: [{ name: 'https-shop', hostname }],
  });

  // The route goes to web-stable (weight 100) and web-canary (weight 0); the Rollout names it for the plugin.
  new ProductionHttpRoute(chart, 'WebRoute', { name: 'web', gateway, hostname, app: web });
}

Synth.app(app);
