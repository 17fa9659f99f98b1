import { Size, Testing } from 'cdk8s';
import { AppProbe, BackupPolicy, ProductionNamespace, ProductionStatefulApp, Profile, RestoreDrill, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

function setup() {
  const chart = chartFor(Profile.PROD);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  const db = new ProductionStatefulApp(ns, 'Orders', {
    name: 'orders-db', image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
    volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' }],
  });
  const policy = new BackupPolicy(ns, 'Nightly', { app: db });
  return { chart, ns, db, policy };
}

describe('RestoreDrill', () => {
  test('restores the latest scheduled backup, volumes included, into <namespace>-drill, without the colliding kinds', () => {
    // GIVEN an app with a nightly backup policy
    const { chart, policy } = setup();
    // WHEN it gets a drill
    const drill = new RestoreDrill(chart, 'Drill', { policy, run: '2026-12' });
    const manifests = Testing.synth(chart);
    // THEN
    const restore = one(manifests, 'Restore');
    expect(restore).toMatchSnapshot();
    expect(restore.metadata).toMatchObject({ name: 'shop-orders-db-daily-drill-2026-12', namespace: 'velero' });
    expect(restore.spec).toEqual({
      scheduleName: 'shop-orders-db-daily',
      includedNamespaces: ['shop'],
      labelSelector: { matchLabels: { 'app.kubernetes.io/instance': 'orders-db' } },
      namespaceMapping: { shop: 'shop-drill' },
      restorePVs: true,
      excludedResources: ['ingresses.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'servicemonitors.monitoring.coreos.com',
        'podmonitors.monitoring.coreos.com', 'certificates.cert-manager.io'],
    });
    expect(drill.drillNamespace).toBe('shop-drill');
    const scratch = manifests.find((m) => m.kind === 'Namespace' && m.metadata.name === 'shop-drill');
    expect(scratch.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'backup.platform.io/kind': 'drill' });
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('a verification Job in the drill namespace, allowed to reach the restored pods on the given ports', () => {
    const { chart, policy, db } = setup();
    const drill = new RestoreDrill(chart, 'Drill', { policy,
      verification: { image: 'registry.example.com/pg:16.4', command: ['/bin/sh', '-c', 'until pg_isready -h orders-db; do sleep 5; done'], ports: [5432] } });
    const manifests = Testing.synth(chart);
    const job = manifests.find((m) => m.kind === 'Job');
    expect(job.metadata.namespace).toBe('shop-drill');
    expect(job.metadata.name).toBe('shop-orders-db-daily-verify-1');
    const policyOfJob = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === drill.verification!.name);
    expect(policyOfJob.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': db.name } } }],
      ports: [{ port: 5432, protocol: 'TCP' }] });
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('inside the app\'s ProductionNamespace, the check still lands in the drill namespace', () => {
    const { chart, ns, policy } = setup();
    new RestoreDrill(ns, 'Drill', { policy, verification: { image: 'registry.example.com/pg:16.4', command: ['/bin/true'] } });
    const manifests = Testing.synth(chart);
    expect(manifests.filter((m) => m.kind === 'Job' || m.metadata.name === 'shop-orders-db-daily-verify-1').map((m) => m.metadata.namespace))
      .toEqual(['shop-drill', 'shop-drill', 'shop-drill']);
    expect(one(manifests, 'Restore').metadata.namespace).toBe('velero');
  });

  test('throws for a drill into the live namespace, a run that makes no valid name and an empty check, in one error', () => {
    const { chart, policy } = setup();
    const msg = errorOf(() => new RestoreDrill(chart, 'Drill', { policy, drillNamespace: 'shop', run: 'Dec 2026',
      verification: { image: 'registry.example.com/pg:16.4', command: [] } }));
    expect(msg).toContain("RestoreDrill 'test/Drill' has 3 invalid props");
    expect(msg).toContain("'drillNamespace' (\"shop\") is the namespace of the live app: the drill would restore over it");
    expect(msg).toContain("'run' (\"Dec 2026\") does not make a valid Restore name");
    expect(msg).toContain("'verification.command' ([]) is empty");
  });
});
