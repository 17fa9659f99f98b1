// A third-party Helm chart in production, under the same floors as the library's own apps. The "catalog" chart's
// rendered manifests are checked in next to this file (rendered/); the release includes them as they are and adds
// what the chart lacks: a PodDisruptionBudget, a NetworkPolicy derived like a ProductionApp's, and a ServiceMonitor
// for its metrics port. The rule pack judges the chart and the additions together at synthesis: a finding of
// severity error fails it in prod.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertReceiver, KubernetesApiServer, NetworkPeer, ObservabilityStack, PriorityClasses, ProductionApp, ProductionHelmRelease, ProductionNamespace,
  Profile, Synth,
} from '@platform/cdk8s-production';

const app = new App();

// The platform team's chart: priority classes and the monitoring stack.
const platform = new Chart(app, 'platform');
Profile.use(platform, Profile.PROD);
new PriorityClasses(platform, 'PriorityClasses');
const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
const stack = new ObservabilityStack(platform, 'Observability', {
  storageClassName: 'ssd-retain',
  watchdogReceiver: AlertReceiver.webhook(alerting, 'deadmansswitch-url'),
  apiServer: KubernetesApiServer.endpoints(['10.0.0.1/32']),
});

// The shop's chart, with its namespace.
const chart = new Chart(app, 'shop');
Profile.use(chart, Profile.PROD);
const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });

// The chart's objects land in the namespace (helm template writes none); the path is read from the folder
// `cdk8s synth` runs in, as cdk8s Include reads it.
const catalog = new ProductionHelmRelease(shop, 'Catalog', {
  manifests: 'examples/helm-chart/rendered',
  stack,
  labels: { 'app.kubernetes.io/part-of': 'shop' },
});

// Our own app calls the chart's API: one call opens both sides (its egress, the chart workload's ingress).
const storefront = new ProductionApp(shop, 'Storefront', {
  name: 'storefront',
  image: 'registry.example.com/shop/storefront:5.0.2',
  port: 8080,
  healthPath: '/healthz',
});
const api = catalog.workload('catalog-api');
storefront.connectsTo(api);
// The ingress controller reaches the storefront.
storefront.allowFrom(NetworkPeer.inNamespace('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }));

Synth.app(app);
