import { Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AppProbe, BackupFrequency, BackupPolicy, ProductionNamespace, ProductionStatefulApp, Profile, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

function shop(profile: Profile = Profile.PROD) {
  const chart = chartFor(profile);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  const db = new ProductionStatefulApp(ns, 'Orders', {
    name: 'orders-db', image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
    volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' }],
  });
  return { chart, ns, db };
}

describe('BackupPolicy', () => {
  test('defaults (prod): a daily Schedule in velero, the app\'s namespace and instance, snapshots moved off the cluster, 30 days', () => {
    // GIVEN a stateful app in a namespace
    const { chart, db } = shop();
    // WHEN it gets a backup policy
    const policy = new BackupPolicy(chart, 'Nightly', { app: db });
    const manifests = Testing.synth(chart);
    // THEN
    const schedule = one(manifests, 'Schedule');
    expect(schedule).toMatchSnapshot();
    expect(schedule.apiVersion).toBe('velero.io/v1');
    expect(schedule.metadata).toMatchObject({ name: 'shop-orders-db-daily', namespace: 'velero' });
    expect(schedule.spec.schedule).toMatch(/^CRON_TZ=UTC ([0-9]|[1-5][0-9]) [0-4] \* \* \*$/);
    expect(schedule.spec.useOwnerReferencesInBackup).toBe(false);
    expect(schedule.spec.paused).toBe(false);
    expect(schedule.spec.skipImmediately).toBeUndefined();
    expect(schedule.spec.template).toEqual({
      includedNamespaces: ['shop'],
      labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'orders-db' } },
      snapshotVolumes: true,
      snapshotMoveData: true,
      defaultVolumesToFsBackup: false,
      ttl: '720h0m0s',
      // Explicit, so that Velero does not copy the Schedule's labels (and a GitOps tool's tracking label) onto each backup.
      // No app.kubernetes.io/instance on the backups either: Argo CD label tracking would take them for its own.
      metadata: { labels: { 'app.kubernetes.io/name': 'orders-db', 'backup.platform.io/policy': 'shop-orders-db-daily', 'backup.platform.io/kind': 'schedule' } },
    });
    expect(schedule.metadata.labels).toMatchObject({ 'backup.platform.io/policy': 'shop-orders-db-daily', 'backup.platform.io/kind': 'schedule' });
    expect(policy.ttl.toDays()).toBe(30);
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('the label selector matches every object of the app, its claim templates included', () => {
    const { chart, db } = shop();
    new BackupPolicy(chart, 'Nightly', { app: db });
    const manifests = Testing.synth(chart);
    const selector = one(manifests, 'Schedule').spec.template.labelSelector.matchLabels;
    const appObjects = manifests.filter((m) => m.metadata.name === db.name && m.metadata.namespace === 'shop');
    expect(appObjects.map((m) => m.kind).sort()).toEqual(['NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'StatefulSet']);
    for (const m of appObjects) {
      expect(m.metadata.labels).toMatchObject(selector);
    }
    for (const t of one(manifests, 'StatefulSet').spec.volumeClaimTemplates) {
      expect(t.metadata.labels).toMatchObject(selector);
    }
  });

  test('TTL and data movement per profile', () => {
    for (const [profile, ttl, move] of [[Profile.DEV, '72h0m0s', false], [Profile.STAGING, '168h0m0s', true]] as const) {
      const { chart, db } = shop(profile);
      new BackupPolicy(chart, 'Nightly', { app: db });
      const t = one(Testing.synth(chart), 'Schedule').spec.template;
      expect([t.ttl, t.snapshotMoveData]).toEqual([ttl, move]);
    }
  });

  test('a namespace policy, hourly and weekly schedules, a storage location', () => {
    const chart = chartFor(Profile.PROD);
    const hourly = new BackupPolicy(chart, 'Hourly', { namespaceName: 'shop', frequency: BackupFrequency.HOURLY, storageLocation: 'eu-backups',
      ttl: Duration.hours(48) });
    const weekly = new BackupPolicy(chart, 'Weekly', { namespaceName: 'shop', frequency: BackupFrequency.WEEKLY });
    expect(hourly.name).toBe('shop-all-hourly');
    expect(hourly.schedule).toMatch(/^CRON_TZ=UTC \d{1,2} \* \* \* \*$/);
    expect(weekly.schedule).toMatch(/^CRON_TZ=UTC \d{1,2} [0-4] \* \* [0-6]$/);
    const t = Testing.synth(chart)[0].spec.template;
    expect(t.labelSelector).toBeUndefined();
    expect(t.storageLocation).toBe('eu-backups');
    expect(t.ttl).toBe('48h0m0s');
  });

  test('property: the schedule is a function of the name, in the night window; a long name is cut to 63 characters', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z]([a-z0-9-]{0,60}[a-z0-9])?$/), (ns) => {
      // GIVEN two policies for the same namespace in two apps
      const a = new BackupPolicy(chartFor(Profile.PROD), 'P', { namespaceName: ns });
      const b = new BackupPolicy(chartFor(Profile.PROD), 'P', { namespaceName: ns });
      // THEN they get the same time, a valid minute and a night hour, and a name that is a DNS label
      expect(a.schedule).toBe(b.schedule);
      const [, minute, hour] = a.schedule.split(' ');
      expect(Number(minute)).toBeGreaterThanOrEqual(0);
      expect(Number(minute)).toBeLessThan(60);
      expect(Number(hour)).toBeLessThan(5);
      expect(a.name.length).toBeLessThanOrEqual(63);
      expect(a.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }), { numRuns: 100 });
  });

  test('throws for a schedule without retention, and a retention under an hour', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new BackupPolicy(chart, 'A', { namespaceName: 'shop', ttl: Duration.seconds(0) })))
      .toContain("'ttl' (\"0s\") is shorter than 3600s: backups would expire before anyone could restore from them");
    expect(errorOf(() => new BackupPolicy(chart, 'B', { namespaceName: 'shop', ttl: Duration.minutes(30) })))
      .toContain("'ttl' (\"1800s\") is shorter than 3600s: backups would expire before anyone could restore from them");
  });

  test('throws for a TTL that is not whole seconds (what Velero cannot parse back)', () => {
    expect(errorOf(() => new BackupPolicy(chartFor(Profile.PROD), 'A', { namespaceName: 'shop', ttl: Duration.millis(3_600_500) })))
      .toContain("'ttl' (\"3600.5s\") is not a whole number of seconds");
  });

  test('throws when neither or both of app and namespace are given, and for an app without a namespace', () => {
    const { chart, db } = shop();
    expect(errorOf(() => new BackupPolicy(chart, 'A', {}))).toContain("'app' (not set) and 'namespaceName' are both unset, so nothing is backed up");
    expect(errorOf(() => new BackupPolicy(chart, 'B', { app: db, namespaceName: 'shop' }))).toContain("'namespaceName' (\"shop\") is set together with 'app'");
    const bare = chartFor(Profile.PROD);
    const orphan = new ProductionStatefulApp(bare, 'Db', { image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']),
      liveness: AppProbe.tcpSocket(), volumeClaims: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1), storageClassName: 'ssd' }] });
    expect(errorOf(() => new BackupPolicy(bare, 'C', { app: orphan }))).toContain("'app' (\"test/Db\") has no namespace, and Velero backs up named namespaces only");
  });

  test('throws in prod when snapshot data stays on the cluster\'s storage', () => {
    expect(errorOf(() => new BackupPolicy(chartFor(Profile.PROD), 'A', { namespaceName: 'shop', snapshotMoveData: false })))
      .toContain("'snapshotMoveData' (false) keeps snapshots on the volume's own storage");
  });
});
