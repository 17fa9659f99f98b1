import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { AppProbe, BackupPolicy, KubernetesApiServer, PreUpgradeBackup, PreUpgradeBackupMode, PreUpgradeBackupProps, ProductionNamespace, ProductionStatefulApp, Profile, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, ofKind, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const KUBECTL = 'registry.example.com/platform/kubectl:1.28.15';

function setup(): { chart: Chart; policy: BackupPolicy } {
  const chart = chartFor(Profile.PROD);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop', apiServer: KubernetesApiServer.endpoints(['172.20.0.10/32'], { port: 6443 }) });
  const db = new ProductionStatefulApp(ns, 'Orders', {
    name: 'orders-db', image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
    volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' }],
  });
  return { chart, policy: new BackupPolicy(ns, 'Nightly', { app: db }) };
}

function synthWith(props: Omit<PreUpgradeBackupProps, 'policy'>): { backup: PreUpgradeBackup; manifests: any[]; chart: Chart } {
  const { chart, policy } = setup();
  const backup = new PreUpgradeBackup(policy, 'PreUpgrade', { policy, ...props });
  return { backup, manifests: Testing.synth(chart), chart };
}

describe('PreUpgradeBackup (Argo CD, the default)', () => {
  const { manifests } = synthWith({});
  const backups = ofKind(manifests, 'Backup');

  test('a PreSync hook Backup in the Velero namespace with generateName and no fixed name', () => {
    expect(backups).toHaveLength(1);
    const b = backups[0];
    expect(b).toMatchSnapshot();
    expect(b.metadata.name).toBeUndefined();
    expect(b.metadata.generateName).toBe('shop-orders-db-daily-pre-sync-');
    expect(b.metadata.namespace).toBe('velero');
    expect(b.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/sync-wave': '-10' });
    expect(b.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBeUndefined();
  });

  test('the same scope as the nightly schedule, kept 14 days', () => {
    const template = one(manifests, 'Schedule').spec.template;
    const { ttl, metadata, ...scope } = template;
    expect(backups[0].spec).toEqual({ ...scope, ttl: '336h0m0s' });
    expect(backups[0].metadata.labels['backup.platform.io/kind']).toBe('pre-upgrade');
    void ttl; void metadata;
  });

  test('valid against the Velero v1.18.1 CRD, no rule-pack finding, byte-identical re-synth', () => {
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
    expect(JSON.stringify(synthWith({}).manifests)).toBe(JSON.stringify(manifests));
  });

  test('the exported Argo CD health check is Healthy on Completed, Degraded on every failed phase, Progressing otherwise', () => {
    expect(PreUpgradeBackup.ARGOCD_HEALTH_CHECK_KEY).toBe('resource.customizations.health.velero.io_Backup');
    const lua = spawnSync('lua', ['-v'], { encoding: 'utf8' });
    if (lua.error !== undefined) {
      // No Lua interpreter on this machine: check the text instead.
      for (const phase of ['Completed', 'Failed', 'PartiallyFailed', 'FailedValidation']) {
        expect(PreUpgradeBackup.ARGOCD_HEALTH_CHECK_LUA).toContain(`"${phase}"`);
      }
      return;
    }
    const statusOf = (phase: string | undefined): string => {
      const obj = phase === undefined ? 'obj = {}' : `obj = { status = { phase = "${phase}" } }`;
      const script = `${obj}\nlocal hs = (function() ${PreUpgradeBackup.ARGOCD_HEALTH_CHECK_LUA} end)()\nio.write(hs.status)`;
      return spawnSync('lua', ['-e', script], { encoding: 'utf8' }).stdout;
    };
    expect(statusOf('Completed')).toBe('Healthy');
    for (const phase of ['Failed', 'PartiallyFailed', 'FailedValidation', 'WaitingForPluginOperationsPartiallyFailed', 'FinalizingPartiallyFailed']) {
      expect(statusOf(phase)).toBe('Degraded');
    }
    for (const phase of [undefined, 'New', 'InProgress', 'WaitingForPluginOperations', 'Finalizing']) {
      expect(statusOf(phase)).toBe('Progressing');
    }
  });
});

describe('PreUpgradeBackup (Helm Job)', () => {
  const { backup, manifests } = synthWith({ mode: PreUpgradeBackupMode.HELM_JOB, kubectlImage: KUBECTL, timeout: Duration.minutes(30) });
  const job = one(manifests, 'Job');

  test('a hardened pre-upgrade hook Job that runs once', () => {
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(1860);
    expect(job.spec.template.spec.containers[0].image).toBe(KUBECTL);
    expect(ofKind(manifests, 'Backup')).toEqual([]);
    expect(backup.backup).toBeUndefined();
  });

  test('the script creates a uniquely named Backup and checks its phase itself, never an exit code of velero --wait', () => {
    const [shell, flag, script] = job.spec.template.spec.containers[0].command;
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    expect(script).toContain('name="shop-orders-db-daily-pre-$(date -u +%Y%m%d%H%M%S)"');
    expect(script).toContain('kubectl create -f - <<EOF');
    expect(script).toContain('"namespace":"velero"');
    expect(script).toContain('"ttl":"336h0m0s"');
    expect(script).toContain("kubectl get backups.velero.io \"$name\" -n velero -o jsonpath='{.status.phase}'");
    expect(script).toContain('Completed) echo "backup $name completed"; exit 0 ;;');
    expect(script).toContain('Failed|PartiallyFailed|FailedValidation|WaitingForPluginOperationsPartiallyFailed|FinalizingPartiallyFailed) ');
    expect(script).toContain('+ 1800 ))');
    expect(script).not.toContain('velero backup create');
  });

  test('the script is valid POSIX shell', () => {
    const script = job.spec.template.spec.containers[0].command[2];
    const sh = spawnSync('sh', ['-n', '-c', script], { encoding: 'utf8' });
    expect(sh.stderr).toBe('');
    expect(sh.status).toBe(0);
  });

  test('the script succeeds when the Backup completes and fails when it fails (run against a fake kubectl)', () => {
    const script = job.spec.template.spec.containers[0].command[2];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-'));
    // The fake kubectl records what is created and answers every `get` with the phase in $PHASE.
    fs.writeFileSync(path.join(dir, 'kubectl'), '#!/bin/sh\nif [ "$1" = create ]; then cat > "$KDIR/created.json"; else printf %s "$PHASE"; fi\n', { mode: 0o755 });
    const run = (phase: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, PHASE: phase, KDIR: dir } });
    const ok = run('Completed');
    expect(ok.status).toBe(0);
    const created = JSON.parse(fs.readFileSync(path.join(dir, 'created.json'), 'utf8'));
    expect(created.metadata.name).toMatch(/^shop-orders-db-daily-pre-\d{14}$/);
    expect(created.spec.includedNamespaces).toEqual(['shop']);
    const failed = run('PartiallyFailed');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('ended in phase PartiallyFailed');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a Role in the Velero namespace that may only create and read Backups, bound to the Job\'s ServiceAccount', () => {
    const role = one(manifests, 'Role');
    expect(role.metadata.namespace).toBe('velero');
    expect(role.rules).toEqual([{ apiGroups: ['velero.io'], resources: ['backups'], verbs: ['create', 'get'] }]);
    const binding = one(manifests, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('velero');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: job.spec.template.spec.serviceAccountName, namespace: 'shop' }]);
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('valid against the schemas, no rule-pack finding in prod', () => {
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });
});

describe('PreUpgradeBackup (Flux)', () => {
  test('a Backup named after the version, and a pre-deploy Kustomization that waits for it', () => {
    const { chart, policy } = setup();
    const v1 = new PreUpgradeBackup(policy, 'V1', { policy, mode: PreUpgradeBackupMode.FLUX, version: '16.4' });
    const v2 = new PreUpgradeBackup(policy, 'V2', { policy, mode: PreUpgradeBackupMode.FLUX, version: '16.5' });
    const flux = new Chart(chart.node.root, 'flux');
    v1.createFluxKustomization(flux, 'PreUpgrade', { sourceName: 'platform', path: './dist/shop-pre-upgrade' });
    const names = [v1, v2].map((b) => b.backup!.name);
    expect(names[0]).toMatch(/^shop-orders-db-daily-pre-[0-9a-f]{8}$/);
    expect(names[0]).not.toBe(names[1]);
    expect(ofKind(Testing.synth(chart), 'Backup').every((b) => b.metadata.annotations['argocd.argoproj.io/hook'] === undefined)).toBe(true);
    const k = one(Testing.synth(flux), 'Kustomization');
    expect(k.metadata.namespace).toBe('flux-system');
    expect(k.spec).toMatchObject({ wait: true, prune: false, timeout: '1h0m0s', path: './dist/shop-pre-upgrade',
      sourceRef: { kind: 'GitRepository', name: 'platform' } });
    expect(k.spec.healthCheckExprs).toEqual([{ apiVersion: 'velero.io/v1', kind: 'Backup', current: "status.phase == 'Completed'",
      failed: "status.phase in ['Failed', 'PartiallyFailed', 'FailedValidation', 'WaitingForPluginOperationsPartiallyFailed', 'FinalizingPartiallyFailed']" }]);
    expectValidManifests([...Testing.synth(chart), k]);
  });
});

describe('PreUpgradeBackup bad input', () => {
  test('throws for the Helm Job mode without a kubectl image', () => {
    const { policy } = setup();
    expect(errorOf(() => new PreUpgradeBackup(policy, 'P', { policy, mode: PreUpgradeBackupMode.HELM_JOB })))
      .toContain("PreUpgradeBackup 'test/Shop/Nightly/P' has 1 invalid prop:\n  - 'kubectlImage' (not set) is not set, and the HELM_JOB mode runs kubectl in a Job");
  });

  test('throws for the Flux mode without a version, and a kubectl image that is not used', () => {
    const { policy } = setup();
    const msg = errorOf(() => new PreUpgradeBackup(policy, 'P', { policy, mode: PreUpgradeBackupMode.FLUX, kubectlImage: KUBECTL }));
    expect(msg).toContain("'version' (not set) is not set, so the FLUX mode would back up the first version only");
    expect(msg).toContain("'kubectlImage' (\"registry.example.com/platform/kubectl:1.28.15\") is not used in mode flux");
  });

  test('throws for a TTL without retention and a zero timeout', () => {
    const { policy } = setup();
    const msg = errorOf(() => new PreUpgradeBackup(policy, 'P', { policy, ttl: Duration.seconds(0), timeout: Duration.seconds(0) }));
    expect(msg).toContain("'ttl' (\"0s\") is shorter than 3600s: backups would expire before anyone could restore from them");
    expect(msg).toContain("'timeout' (\"0s\") is not positive: the Job must be given time to wait for the backup");
  });

  test('createFluxKustomization throws outside the Flux mode', () => {
    const { chart, policy } = setup();
    const argo = new PreUpgradeBackup(policy, 'P', { policy });
    expect(() => argo.createFluxKustomization(chart, 'K', { sourceName: 's', path: '.' })).toThrow(/needs mode PreUpgradeBackupMode.FLUX \(the mode is argocd\)/);
  });
});
