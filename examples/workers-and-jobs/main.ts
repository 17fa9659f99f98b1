// An order pipeline in production: an API, a queue consumer (worker), a nightly report (cron job) and a one-off
// migration (job), all on the same hardened pod. The API ships its access log through a sidecar that shares an
// emptyDir with it.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe, NetworkPeer, PriorityClasses, ProductionApp, ProductionCronJob, ProductionJob, ProductionNamespace, ProductionWorker, Profile, Synth } from '@platform/cdk8s-production';

const app = new App();

const platform = new Chart(app, 'platform');
new PriorityClasses(platform, 'PriorityClasses');

const chart = new Chart(app, 'orders');
Profile.use(chart, Profile.PROD);
const orders = new ProductionNamespace(chart, 'Orders', { name: 'orders' });

const queue = kplus.Secret.fromSecretName(orders, 'QueueCredentials', 'orders-queue');
const queueUrl = kplus.EnvValue.fromSecretValue({ secret: queue, key: 'url' });
// The message broker runs outside the cluster.
const broker = NetworkPeer.cidr('10.20.0.0/24');

// The API writes its access log to a shared emptyDir; the shipper sidecar reads it from there.
const logs = kplus.Volume.fromEmptyDir(orders, 'AccessLogs', 'access-logs', { sizeLimit: Size.gibibytes(1) });
const api = new ProductionApp(orders, 'Api', {
  name: 'orders-api',
  image: 'registry.example.com/orders/api:3.2.0',
  port: 8080,
  healthPath: '/healthz',
  env: { QUEUE_URL: queueUrl },
  volumeMounts: [{ volume: logs, path: '/var/log/orders', readOnly: false }],
  sidecars: [{
    name: 'log-shipper',
    image: 'registry.example.com/platform/log-shipper:2.4.1',
    ports: [{ name: 'shipper', port: 2020 }],
    readiness: AppProbe.httpGet('/api/v1/health'),
    liveness: AppProbe.tcpSocket(),
    volumeMounts: [{ volume: logs, path: '/logs' }],
  }],
  podAnnotations: { 'logs.example.com/source': 'access-log' },
});
api.connectsTo(broker, { ports: [5672] });

// The consumer serves no port: no Service, exec probes on a heartbeat file its main loop touches.
const consumer = new ProductionWorker(orders, 'Consumer', {
  name: 'orders-consumer',
  image: 'registry.example.com/orders/consumer:3.2.0',
  env: { QUEUE_URL: queueUrl },
  readiness: AppProbe.exec(['test', '-f', '/tmp/ready']),
  liveness: AppProbe.exec(['find', '/tmp/heartbeat', '-mmin', '-2']),
  autoscaling: { minReplicas: 2, maxReplicas: 12 },
});
consumer.connectsTo(broker, { ports: [5672] });
consumer.connectsTo(api);

// Every night at 02:30 Berlin time; a run that overlaps the next one is skipped (Forbid).
const report = new ProductionCronJob(orders, 'NightlyReport', {
  name: 'orders-report',
  image: 'registry.example.com/orders/report:3.2.0',
  schedule: '30 2 * * *',
  timeZone: 'Europe/Berlin',
  activeDeadline: Duration.hours(1),
  args: ['--since', '24h'],
});
report.connectsTo(api);

// The schema migration of this release, cleaned up a day after it finishes.
const migrate = new ProductionJob(orders, 'Migrate', {
  name: 'orders-migrate-3-2-0',
  image: 'registry.example.com/orders/migrate:3.2.0',
  args: ['up'],
  activeDeadline: Duration.minutes(15),
  backoffLimit: 2,
});
migrate.connectsTo(NetworkPeer.cidr('10.30.0.0/24'), { ports: [5432] });

Synth.app(app);
