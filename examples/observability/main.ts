// Monitoring a shop in production: the cluster's ObservabilityStack (Prometheus, Alertmanager, cluster rules,
// Grafana, kube-state-metrics, Loki and Alloy) and two apps that contribute their metrics, alerts, SLOs, dashboards
// and logs to it.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AlertReceiver, AppProbe, KubernetesApiServer, LatencyBucket, ObservabilityStack, PriorityClasses, ProductionApp, Profile, TeamAlertRouting, WorkloadMonitoring, Synth } from '@platform/cdk8s-production';

const app = new App();

// The platform team's chart: priority classes and the monitoring stack. The prometheus-operator and its CRDs are
// installed by the platform beforehand (see the README).
const platform = new Chart(app, 'platform');
Profile.use(platform, Profile.PROD);
new PriorityClasses(platform, 'PriorityClasses');
// One Secret (created outside the manifests, e.g. by an ExternalSecret) holds every receiver credential.
const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
const grafanaAdmin = kplus.Secret.fromSecretName(platform, 'GrafanaAdmin', 'grafana-admin');
const stack = new ObservabilityStack(platform, 'Observability', {
  storageClassName: 'ssd-retain',
  clusterName: 'prod-eu-1',
  watchdogReceiver: AlertReceiver.webhook(alerting, 'deadmansswitch-url'),
  criticalReceiver: AlertReceiver.pagerDuty(alerting, 'pagerduty-routing-key'),
  warningReceiver: AlertReceiver.slack(alerting, 'slack-url', '#shop-alerts'),
  // Grafana's dashboard sidecar, kube-state-metrics and Alloy call the API server.
  apiServer: KubernetesApiServer.endpoints(['10.0.0.1/32']),
  // One replica with SQLite; give 'database' (a Secret key with a PostgreSQL URL) for two.
  grafana: { adminPassword: { secret: grafanaAdmin, key: 'admin-password' } },
  kubeStateMetrics: true,
  // Single-binary Loki on a 50Gi volume, 31 days; Alloy reads the pod logs through the API.
  logs: {},
});

// The shop: one chart for the namespace, holding all of its apps.
const shop = new Chart(app, 'shop', { namespace: 'shop' });
Profile.use(shop, Profile.PROD);

const api = new ProductionApp(shop, 'Api', {
  name: 'api',
  image: 'registry.example.com/shop/api:3.1.0',
  port: 9000,
  additionalPorts: [{ name: 'metrics', port: 9102 }],
  readiness: AppProbe.grpc(),
  liveness: AppProbe.tcpSocket(),
  autoscaling: { minReplicas: 3, maxReplicas: 12 },
});
const web = new ProductionApp(shop, 'Web', {
  name: 'web',
  image: 'registry.example.com/shop/web:4.2.1',
  port: 8080,
  healthPath: '/healthz',
});
web.connectsTo(api);

// The API declares its request metrics: availability and latency SLOs with burn-rate alerts.
new WorkloadMonitoring(shop, 'ApiMonitoring', {
  workload: api,
  stack,
  metrics: { port: 9102 },
  slo: { availability: 0.999, latencyThreshold: LatencyBucket.millis(300), latencyObjective: 0.99 },
});
// The web frontend serves /metrics on its main port.
new WorkloadMonitoring(shop, 'WebMonitoring', { workload: web, stack, metrics: { port: 8080 } });

// The shop team gets its own alerts: to its Slack channel, critical ones to its pager.
const shopAlerting = kplus.Secret.fromSecretName(shop, 'ShopAlerting', 'shop-alerting');
new TeamAlertRouting(shop, 'ShopAlerts', {
  stack,
  receiver: AlertReceiver.slack(shopAlerting, 'slack-url', '#shop'),
  criticalReceiver: AlertReceiver.pagerDuty(shopAlerting, 'pagerduty-routing-key'),
});

Synth.app(app);
