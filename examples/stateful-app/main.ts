// A PostgreSQL-like database in production: three replicas on encrypted, retained EBS volumes, its password from AWS
// Secrets Manager through External Secrets, nightly Velero backups with CSI snapshots copied off the cluster, a backup
// before every Argo CD sync, and a restore drill that checks the latest backup in a scratch namespace.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe, BackupPolicy, ExternalSecretRef, PreUpgradeBackup, PriorityClasses, ProductionApp, ProductionNamespace, ProductionSecretStore, ProductionStatefulApp, ProductionStorageClass, ProductionVolumeSnapshotClass, Profile, RestoreDrill, SecretStoreProvider, SecretStoreReference, StorageDriver, Synth } from '@platform/cdk8s-production';

const app = new App();

// Cluster-wide objects, owned by the platform team: one encrypted, retained storage class and the snapshot class
// Velero takes its CSI snapshots with.
const platform = new Chart(app, 'platform');
new PriorityClasses(platform, 'PriorityClasses');
const ebs = StorageDriver.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' });
const ssd = new ProductionStorageClass(platform, 'Ssd', { name: 'ssd-retain', driver: ebs, isDefault: true });
new ProductionVolumeSnapshotClass(platform, 'Snapshots', { name: 'ebs-retain', driver: ebs });

const chart = new Chart(app, 'orders');
Profile.use(chart, Profile.PROD);
const orders = new ProductionNamespace(chart, 'Orders', { name: 'orders' });

// The password never sits in a manifest: External Secrets writes the Secret from AWS Secrets Manager (IRSA).
const store = new ProductionSecretStore(orders, 'Aws', {
  name: 'aws',
  provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'external-secrets-reader' }),
});
const password = new ExternalSecretRef(orders, 'DbPassword', {
  secretName: 'orders-db-password',
  store: SecretStoreReference.of(store),
  data: { password: { key: 'prod/orders/db', property: 'password' } },
  // So that the app's backups hold the ExternalSecret (the Secret itself is re-created, never backed up).
  labels: { 'app.kubernetes.io/instance': 'orders-db' },
});

const db = new ProductionStatefulApp(orders, 'Db', {
  name: 'orders-db',
  image: 'registry.example.com/data/postgres:16.4',
  port: 5432,
  portName: 'postgres',
  readiness: AppProbe.exec(['pg_isready', '-U', 'postgres']),
  liveness: AppProbe.tcpSocket(),
  env: { POSTGRES_PASSWORD: password.envValue('password'), PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata') },
  writablePaths: ['/tmp', '/var/run/postgresql'],
  volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', storage: Size.gibibytes(100), storageClass: ssd }],
  // Flush to disk right before Velero snapshots the volume.
  backupHook: { pre: ['/bin/sh', '-c', 'psql -U postgres -c CHECKPOINT'], timeout: Duration.minutes(5) },
});

const api = new ProductionApp(orders, 'Api', {
  name: 'orders-api',
  image: 'registry.example.com/orders/api:3.2.0',
  port: 8080,
  healthPath: '/healthz',
  env: { DB_PASSWORD: password.envValue('password') },
});
api.connectsTo(db);

// Every night, kept 30 days; before every Argo CD sync, kept 14 days (argocd-cm needs PreUpgradeBackup's health check).
const nightly = new BackupPolicy(orders, 'Nightly', { app: db });
new PreUpgradeBackup(orders, 'PreUpgrade', { policy: nightly });

// Once a month: restore the latest nightly backup into orders-drill and check that the data is there.
new RestoreDrill(orders, 'Drill', {
  policy: nightly,
  run: '2026-12',
  verification: {
    image: 'registry.example.com/data/postgres:16.4',
    command: ['/bin/sh', '-c', 'until pg_isready -h orders-db -U postgres; do sleep 10; done; psql -h orders-db -U postgres -tc "SELECT count(*) FROM orders" | grep -qv " 0$"'],
    ports: [5432],
  },
});

Synth.app(app);
