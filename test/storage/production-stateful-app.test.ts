import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { AppProbe, CertManagerIssuer, ClaimRetentionPolicy, IngressController, ProductionIngress, TlsCertificate, HookErrorMode, ProductionApp, ProductionNamespace, ProductionStatefulApp, ProductionStatefulAppProps, ProductionStorageClass, Profile, StorageDriver, RulePack, Warnings } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const IMAGE = 'registry.example.com/data/pg:16.4';
const CLAIM = { name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' };

function props(extra: Partial<ProductionStatefulAppProps> = {}): ProductionStatefulAppProps {
  return { image: IMAGE, port: 5432, portName: 'pg', readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
    volumeClaims: [CLAIM], ...extra };
}

function synth(extra: Partial<ProductionStatefulAppProps> = {}, profile: Profile = Profile.PROD): { app: ProductionStatefulApp; manifests: any[] } {
  const chart = chartFor(profile);
  const app = new ProductionStatefulApp(chart, 'Db', props(extra));
  return { app, manifests: Testing.synth(chart) };
}

/** The error of a stateful app with `extra`; cast, since a plain-JavaScript user is not stopped by types. */
function appError(extra: Record<string, unknown>, profile: Profile = Profile.PROD, chart: Chart = chartFor(profile)): string {
  return errorOf(() => new ProductionStatefulApp(chart, 'Db', { ...props(), ...extra } as ProductionStatefulAppProps));
}

describe('ProductionStatefulApp defaults (prod)', () => {
  // GIVEN an image, a port, two probes and one claim, in prod
  const { app, manifests } = synth();
  const sts = one(manifests, 'StatefulSet');

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('emits ServiceAccount, headless Service, StatefulSet, PodDisruptionBudget and NetworkPolicy', () => {
    expect(manifests.map((m) => m.kind)).toEqual(['ServiceAccount', 'Service', 'StatefulSet', 'PodDisruptionBudget', 'NetworkPolicy']);
  });

  test('every object is valid against the Kubernetes 1.28 schema and has no rule-pack finding in prod', () => {
    expectValidManifests(manifests);
    const report = RulePack.check(manifests, { profile: 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    expect(report.exemptions).toEqual([]);
  });

  test('the Service is headless, selects the pods and is the StatefulSet serviceName', () => {
    const svc = one(manifests, 'Service');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.ports).toEqual([{ name: 'pg', port: 5432, protocol: 'TCP' }]);
  });

  test('3 replicas, OrderedReady, RollingUpdate with partition 0, claims retained on delete and on scale-down', () => {
    expect(app.replicas).toBe(3);
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.updateStrategy.rollingUpdate.maxUnavailable).toBeUndefined();
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.minReadySeconds).toBe(10);
    expect(sts.spec.revisionHistoryLimit).toBe(10);
  });

  test('the claim template: explicit class, ReadWriteOnce, size, stable app labels without the version', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: app.claimLabels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'ssd-retain', resources: { requests: { storage: '20Gi' } } },
    }]);
    expect(app.claimLabels['app.kubernetes.io/version']).toBeUndefined();
    expect(app.claimLabels['app.kubernetes.io/instance']).toBe(app.name);
    expect(app.claimNameOf('data', 2)).toBe(`data-${app.name}-2`);
  });

  test('the claim is mounted read-write in the main container and is not a pod volume', () => {
    const main = sts.spec.template.spec.containers.find((c: any) => c.name === 'main');
    expect(main.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql', readOnly: false });
    expect(sts.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['writable-0']);
  });

  test('the hardened pod: fsGroup with OnRootMismatch, no init container, 60s grace, read-only root filesystem', () => {
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', runAsNonRoot: true });
    expect(pod.initContainers).toBeUndefined();
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe(one(manifests, 'ServiceAccount').metadata.name);
  });

  test('preferred host anti-affinity and zone and host spread, all selecting the pods', () => {
    const pod = sts.spec.template.spec;
    const term = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(term.podAffinityTerm).toEqual({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: sts.spec.selector.matchLabels } });
    expect(pod.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'], ['kubernetes.io/hostname', 'ScheduleAnyway']]);
  });

  test('the disruption budget lets one pod go at a time', () => {
    const pdb = one(manifests, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: sts.spec.selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('the pods may reach each other on the main port (replication), and nothing else may', () => {
    const np = one(manifests, 'NetworkPolicy');
    expect(np.spec.podSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: sts.spec.selector.matchLabels } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
  });

  test('every object carries the app labels (the backup selector) and the profile stamp', () => {
    for (const m of manifests) {
      expect(m.metadata.labels['app.kubernetes.io/instance']).toBe(app.name);
      expect(m.metadata.annotations['production.platform.io/profile']).toBe('prod');
    }
  });
});

describe('ProductionStatefulApp options', () => {
  test('quorum makes host anti-affinity required and the zone spread strict', () => {
    const { manifests } = synth({ quorum: true });
    const pod = one(manifests, 'StatefulSet').spec.template.spec;
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('Parallel, a partition and a ProductionStorageClass pass through', () => {
    const chart = chartFor(Profile.PROD);
    const sc = new ProductionStorageClass(chart, 'Ssd', { name: 'ssd', driver: StorageDriver.awsEbs() });
    new ProductionStatefulApp(chart, 'Db', props({ podManagementPolicy: kplus.PodManagementPolicy.PARALLEL, partition: 2,
      volumeClaims: [{ name: 'data', mountPath: '/data', storage: Size.mebibytes(1536), storageClass: sc,
        accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD }] }));
    const sts = one(Testing.synth(chart), 'StatefulSet');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(2);
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOncePod'], storageClassName: 'ssd',
      resources: { requests: { storage: '1536Mi' } } });
  });

  test('restoreFromSnapshots pre-creates each pod\'s claim from its snapshot, before the StatefulSet, protected from prunes', () => {
    const { app, manifests } = synth({ volumeClaims: [{ ...CLAIM, restoreFromSnapshots: ['data-db-0-nightly', 'data-db-1-nightly'] }] });
    const kinds = manifests.map((m) => m.kind);
    expect(kinds.indexOf('PersistentVolumeClaim')).toBeLessThan(kinds.indexOf('StatefulSet'));
    const claims = manifests.filter((m) => m.kind === 'PersistentVolumeClaim');
    expect(claims.map((c) => c.metadata.name)).toEqual([app.claimNameOf('data', 0), app.claimNameOf('data', 1)]);
    expect(claims[1].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'ssd-retain', resources: { requests: { storage: '20Gi' } },
      dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'data-db-1-nightly' } });
    expect(claims[0].metadata.labels).toEqual(app.claimLabels);
    expect(claims[0].metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(one(manifests, 'StatefulSet').spec.volumeClaimTemplates[0].spec.dataSourceRef).toBeUndefined();
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('backup hooks and file-system backup become Velero pod annotations, commands as JSON arrays', () => {
    const { manifests } = synth({
      backupHook: { pre: ['/bin/sh', '-c', 'psql -c CHECKPOINT'], post: ['/bin/true'], timeout: Duration.minutes(5), onError: HookErrorMode.CONTINUE },
      fsBackupVolumes: ['data'],
    });
    expect(one(manifests, 'StatefulSet').spec.template.metadata.annotations).toEqual({
      'pre.hook.backup.velero.io/container': 'main',
      'pre.hook.backup.velero.io/command': '["/bin/sh","-c","psql -c CHECKPOINT"]',
      'pre.hook.backup.velero.io/on-error': 'Continue',
      'pre.hook.backup.velero.io/timeout': '300s',
      'post.hook.backup.velero.io/container': 'main',
      'post.hook.backup.velero.io/command': '["/bin/true"]',
      'post.hook.backup.velero.io/on-error': 'Continue',
      'post.hook.backup.velero.io/timeout': '300s',
      'backup.velero.io/backup-volumes': 'data',
    });
  });

  test('a hook defaults to the main container, Fail and 120s', () => {
    const { manifests } = synth({ backupHook: { pre: ['/bin/sync'] } });
    expect(one(manifests, 'StatefulSet').spec.template.metadata.annotations).toMatchObject({
      'pre.hook.backup.velero.io/container': 'main', 'pre.hook.backup.velero.io/on-error': 'Fail', 'pre.hook.backup.velero.io/timeout': '120s' });
  });

  test('dev runs one replica, recorded as an exemption, with no finding in dev', () => {
    const { app, manifests } = synth({}, Profile.DEV);
    expect(app.replicas).toBe(1);
    expect(one(manifests, 'StatefulSet').metadata.annotations['production.platform.io/exempt-deployment-replicas']).toMatch(/dev profile/);
    expect(RulePack.check(manifests, { profile: 'dev' }).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('joins network pairing like any hardened workload', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const db = new ProductionStatefulApp(ns, 'Db', props());
    const api = new ProductionApp(ns, 'Api', { image: 'registry.example.com/api:1.0.0', port: 8080, healthPath: '/healthz' });
    api.connectsTo(db);
    const manifests = Testing.synth(chart);
    const dbPolicy = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name === db.name);
    expect(JSON.stringify(dbPolicy.spec.ingress)).toContain(JSON.stringify(api.podSelector));
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('takes ingress routes like any hardened workload: the Ingress targets the headless Service, with no finding', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const search = new ProductionStatefulApp(ns, 'Search', props({ name: 'search', port: 9200, portName: 'http', healthPath: '/_cluster/health', readiness: undefined }));
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt-prod')) }] });
    ingress.addRoute('search.example.com', '/', search);
    const manifests = Testing.synth(chart);
    const backend = one(manifests, 'Ingress').spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: search.service!.name, port: { number: 9200 } });
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('escape hatches: the exposed StatefulSet, JSON patches and findChild', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionStatefulApp(chart, 'Db', props());
    ApiObject.of(app.statefulSet).addJsonPatch(JsonPatch.add('/spec/template/spec/hostname', 'x'));
    expect(app.node.findChild('StatefulSet')).toBe(app.statefulSet);
    expect(one(Testing.synth(chart), 'StatefulSet').spec.template.spec.hostname).toBe('x');
  });

  test('synthesizes byte-identical output twice', () => {
    expect(JSON.stringify(synth().manifests)).toBe(JSON.stringify(synth().manifests));
  });

  test('property: any valid replica count, partition and size renders a schema-valid StatefulSet with a matching template', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 4096 }), (replicas, partition, gib) => {
      const { manifests } = synth({ replicas, partition, volumeClaims: [{ ...CLAIM, storage: Size.gibibytes(gib) }] });
      const sts = one(manifests, 'StatefulSet');
      expect(sts.spec.replicas).toBe(replicas);
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(`${gib}Gi`);
      expectValidManifests(manifests);
    }), { numRuns: 15 });
  });
});

describe('ProductionStatefulApp bad input', () => {
  test('throws for a claim without a storage class, naming path, prop, value and fix', () => {
    const msg = appError({ volumeClaims: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1) }] });
    expect(msg).toContain("ProductionStatefulApp 'test/Db' has 1 invalid prop");
    expect(msg).toContain("'volumeClaims[0].storageClassName' (not set) is not set, so the claim would silently take the cluster's default class. Fix: give 'storageClass'");
  });

  test('throws for a claim template that is never mounted (no absolute mountPath)', () => {
    expect(appError({ volumeClaims: [{ ...CLAIM, mountPath: 'data' }] }))
      .toContain("'volumeClaims[0].mountPath' (\"data\") is not an absolute path, so the claim is never mounted");
  });

  test('throws for no claim at all', () => {
    expect(appError({ volumeClaims: [] })).toContain("'volumeClaims' ([]) is empty");
  });

  test('throws for two claims with one name, and a claim mounted over /tmp', () => {
    const msg = appError({ volumeClaims: [CLAIM, { ...CLAIM, mountPath: '/tmp' }] });
    expect(msg).toContain("'volumeClaims[1].name' (\"data\") is the name of another claim");
    expect(msg).toContain("'volumeClaims[1].mountPath' (\"/tmp\") is mounted twice");
  });

  test('throws for a class given twice and a non-positive size', () => {
    const chart = chartFor(Profile.PROD);
    const sc = new ProductionStorageClass(chart, 'Ssd', { driver: StorageDriver.awsEbs() });
    const msg = appError({ volumeClaims: [{ ...CLAIM, storageClass: sc, storage: Size.mebibytes(0) }] }, Profile.PROD, chart);
    expect(msg).toContain("'volumeClaims[0].storageClassName' (\"ssd-retain\") is set together with 'storageClass'");
    expect(msg).toContain("'volumeClaims[0].storage' (\"0Mi\") is not a positive whole number of MiB");
  });

  test('throws in prod for whenDeleted Delete with a Delete-reclaim class; only warns in dev', () => {
    for (const profile of [Profile.PROD, Profile.DEV]) {
      const chart = chartFor(profile);
      const sc = new ProductionStorageClass(chart, 'Scratch', { driver: StorageDriver.awsEbs(), reclaimPolicy: kplus.PersistentVolumeReclaimPolicy.DELETE });
      const make = () => new ProductionStatefulApp(chart, 'Db', props({ whenDeleted: ClaimRetentionPolicy.DELETE,
        volumeClaims: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1), storageClass: sc }] }));
      if (profile === Profile.PROD) {
        expect(errorOf(make)).toContain("'whenDeleted' (\"Delete\") deletes the claims with the StatefulSet, and the StorageClass of 'volumeClaims[0]'");
      } else {
        make();
        expect(Warnings.collect(chart).join('\n')).toContain('one prune destroys the data');
      }
    }
  });

  test('throws for a backup hook naming a container that does not exist', () => {
    expect(appError({ backupHook: { pre: ['/bin/sync'], container: 'postgres' } }))
      .toContain("'backupHook.container' (\"postgres\") is not a container of the pod, so Velero fails the backup with \"container not found\". Fix: use one of 'main'");
  });

  test('throws for a hook with no command, an empty command and a zero timeout', () => {
    expect(appError({ backupHook: {} })).toContain("'backupHook' ({}) has neither 'pre' nor 'post'");
    const msg = appError({ backupHook: { pre: [], timeout: Duration.seconds(0) } });
    expect(msg).toContain("'backupHook.pre' ([]) is an empty command");
    expect(msg).toContain("'backupHook.timeout' (\"0s\") is not positive: Velero must be given time to run the hook");
  });

  test('throws for file-system backup of a volume that is not a claim', () => {
    expect(appError({ fsBackupVolumes: ['logs'] })).toContain("'fsBackupVolumes' (\"logs\") is not a claim of the app. Fix: use one of 'data'");
  });

  test('throws for a quorum of fewer than 3, one replica in prod and a negative partition, all in one error', () => {
    const msg = appError({ quorum: true, replicas: 1, partition: -1 });
    expect(msg).toContain('has 3 invalid props');
    expect(msg).toContain("'replicas' (1) is below 2, so one lost node takes the app down, which is not allowed in prod");
    expect(msg).toContain("'replicas' (1) is below 3, and a quorum of fewer than 3 cannot survive the loss of one member");
    expect(msg).toContain("'partition' (-1) is not a non-negative integer");
  });

  test('throws for more snapshots than pods and a snapshot name that is not a name', () => {
    const msg = appError({ replicas: 2, volumeClaims: [{ ...CLAIM, restoreFromSnapshots: ['a', 'B_2', 'c'] }] });
    expect(msg).toContain("'volumeClaims[0].restoreFromSnapshots' ([\"a\",\"B_2\",\"c\"]) lists 3 snapshots for 2 pods");
    expect(msg).toContain("'volumeClaims[0].restoreFromSnapshots[1]' (\"B_2\") is not a VolumeSnapshot name");
  });

  test('throws for a grace period below 30 seconds', () => {
    expect(appError({ terminationGracePeriod: Duration.seconds(20) }))
      .toContain("'terminationGracePeriod' (\"20s\") is below 30s, so a database may be killed before it has flushed to disk");
  });

  test('the pod layer still checks the pod (an image without a tag)', () => {
    expect(appError({ image: 'registry.example.com/pg' })).toContain("'image' (\"registry.example.com/pg\") has no tag or digest");
  });
});

describe('ProductionStatefulApp singleReplicaReason', () => {
  const REASON = 'single-binary Loki keeps its index on one pod';

  test('one replica in every profile with the exemption recorded, zero findings in prod', () => {
    for (const profile of [Profile.DEV, Profile.STAGING, Profile.PROD]) {
      const { app, manifests } = synth({ singleReplicaReason: REASON }, profile);
      const sts = one(manifests, 'StatefulSet');
      expect(app.replicas).toBe(1);
      expect(app.singleReplicaReason).toBe(REASON);
      expect(sts.spec.replicas).toBe(1);
      expect(sts.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBe(REASON);
      expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
    }
  });

  test('unset, nothing changes', () => {
    const { app, manifests } = synth();
    expect(app.singleReplicaReason).toBeUndefined();
    expect(one(manifests, 'StatefulSet').metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBeUndefined();
  });

  test('throws for an empty reason, replicas above 1, and quorum', () => {
    expect(appError({ singleReplicaReason: '' })).toMatch(/'singleReplicaReason' \(""\) is empty/);
    expect(appError({ singleReplicaReason: REASON, replicas: 3 })).toMatch(/'replicas' \(3\) is not 1/);
    expect(appError({ singleReplicaReason: REASON, quorum: true })).toMatch(/'singleReplicaReason' .* is set together with 'quorum'/);
  });
});
