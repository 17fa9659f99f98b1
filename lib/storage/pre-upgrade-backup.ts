import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackupPolicy } from './backup-policy';
import { boundedName, shortHash, validateTtl } from './_helpers';
import { ARGOCD_HOOK, FLUX_NAMESPACE, HELM_HOOK, PRE_UPGRADE_BACKUP_TTL, PRE_UPGRADE_WAIT } from './defaults';
import { Backup } from '../../imports/backup-velero.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomization-kustomize.toolkit.fluxcd.io';
import { ProductionJob } from '../app/production-job';
import { goDurationHoursMinutesSeconds } from '../internal/durations';
import { PropErrors } from '../internal/errors';
import { checkMinDuration } from '../internal/quantity';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';

/**
 * How the backup before an upgrade is triggered and waited for.
 */
export enum PreUpgradeBackupMode {
  /**
   * An Argo CD PreSync hook: a Velero Backup with a generated name on every sync. Argo CD waits for it only with the
   * health check in `PreUpgradeBackup.ARGOCD_HEALTH_CHECK_LUA` configured in `argocd-cm`.
   */
  ARGOCD = 'argocd',
  /**
   * A Helm `pre-upgrade` hook Job (Argo CD runs it as PreSync too) that creates the Backup and waits for its phase.
   */
  HELM_JOB = 'helm-job',
  /**
   * A Backup with a name derived from the app version, applied by a pre-deploy Flux Kustomization that waits for it
   * (`createFluxKustomization`); the app's Kustomization `dependsOn` it.
   */
  FLUX = 'flux',
}

/**
 * Props of a `PreUpgradeBackup`.
 */
export interface PreUpgradeBackupProps {
  /** The policy whose scope (namespace, app, storage location, snapshots) the backup copies. */
  readonly policy: BackupPolicy;

  /**
   * How the backup is triggered.
   *
   * @default PreUpgradeBackupMode.ARGOCD
   */
  readonly mode?: PreUpgradeBackupMode;

  /**
   * How long each pre-upgrade backup is kept. Every sync makes one, so they expire sooner than scheduled ones.
   *
   * @default Duration.days(14)
   */
  readonly ttl?: Duration;

  /**
   * The image of the hook Job (HELM_JOB mode): pinned, with `kubectl` and `/bin/sh`, running as a non-root user.
   *
   * @default - required in HELM_JOB mode
   */
  readonly kubectlImage?: string;

  /**
   * How long the hook Job (or the Flux Kustomization) waits for the backup before failing the upgrade.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;

  /**
   * The version being deployed (FLUX mode): each new version gets its own Backup name, so it is backed up once.
   *
   * @default - required in FLUX mode
   */
  readonly version?: string;
}

/**
 * Options of the Flux Kustomization that applies a pre-upgrade Backup and waits for it.
 */
export interface PreUpgradeFluxKustomizationOptions {
  /** The GitRepository holding the synthesized manifests. */
  readonly sourceName: string;
  /** The folder, in the repository, where the chart with the PreUpgradeBackup is synthesized. */
  readonly path: string;
  /**
   * The namespace of the Kustomization and the GitRepository.
   *
   * @default 'flux-system'
   */
  readonly namespaceName?: string;
}

/** The Backup phases that mean it failed (velero.io/v1 Backup CRD, v1.18.1). */
const FAILED_PHASES = ['Failed', 'PartiallyFailed', 'FailedValidation', 'WaitingForPluginOperationsPartiallyFailed', 'FinalizingPartiallyFailed'];

/**
 * A Velero backup of an app before every upgrade, for Argo CD, Helm or Flux: the upgrade waits for the backup and
 * stops when it fails.
 *
 * The backup covers what the app's `BackupPolicy` covers and is created in the Velero namespace: the GitOps tool
 * must be allowed to create Backups there. Anyone who may create Backups can back up (and restore) any namespace:
 * in multi-tenant clusters prefer HELM_JOB, whose ServiceAccount may only create and read Backups.
 *
 * @see https://velero.io/docs/main/api-types/backup/
 *
 * @example
 * const orders = new ProductionNamespace(chart, 'Orders', {
 *   name: 'orders', apiServer: KubernetesApiServer.endpoints(['172.20.0.10/32'], { port: 6443 }),
 * });
 * const db = new ProductionStatefulApp(orders, 'Db', {
 *   image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
 *   volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' }],
 * });
 * const policy = new BackupPolicy(orders, 'Nightly', { app: db });
 * new PreUpgradeBackup(policy, 'PreUpgrade', { policy, version: '16.4' });
 */
export class PreUpgradeBackup extends Construct {
  /** The `argocd-cm` key of the Backup health check that makes Argo CD wait for the backup. */
  public static readonly ARGOCD_HEALTH_CHECK_KEY = 'resource.customizations.health.velero.io_Backup';

  /** The Lua health check for `velero.io/Backup`: Healthy when Completed, Degraded when it failed, else Progressing. */
  public static readonly ARGOCD_HEALTH_CHECK_LUA = [
    'local hs = {}',
    'local phase = nil',
    'if obj.status ~= nil then phase = obj.status.phase end',
    'if phase == "Completed" then',
    '  hs.status = "Healthy"',
    '  hs.message = "Backup completed"',
    `elseif ${FAILED_PHASES.map((p) => `phase == "${p}"`).join(' or ')} then`,
    '  hs.status = "Degraded"',
    '  hs.message = "Backup ended in phase " .. phase',
    'else',
    '  hs.status = "Progressing"',
    '  hs.message = "Backup phase " .. (phase or "New")',
    'end',
    'return hs',
    '',
  ].join('\n');

  /** The mode. */
  public readonly mode: PreUpgradeBackupMode;
  /** How long each backup is kept. */
  public readonly ttl: Duration;
  /** How long the upgrade waits for the backup. */
  public readonly timeout: Duration;
  /** The Backup (ARGOCD and FLUX modes). */
  public readonly backup?: ApiObject;
  /** The hook Job (HELM_JOB mode). */
  public readonly job?: ProductionJob;
  /** The Role in the Velero namespace that lets the hook Job create and read Backups (HELM_JOB mode). */
  public readonly role?: k8s.KubeRole;
  /** The RoleBinding of that Role to the Job's ServiceAccount (HELM_JOB mode). */
  public readonly roleBinding?: k8s.KubeRoleBinding;

  private readonly policy: BackupPolicy;

  public constructor(scope: Construct, id: string, props: PreUpgradeBackupProps) {
    super(scope, _uniqueId(scope, id, 'PreUpgradeBackup'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'PreUpgradeBackup', profile);
    assertPropTypes(errors, props, 'PreUpgradeBackupProps');
    this.policy = props.policy;
    this.mode = props.mode ?? PreUpgradeBackupMode.ARGOCD;
    this.ttl = props.ttl ?? PRE_UPGRADE_BACKUP_TTL;
    this.timeout = props.timeout ?? PRE_UPGRADE_WAIT.timeout;
    validateTtl(errors, 'ttl', this.ttl);
    checkMinDuration(errors, 'timeout', this.timeout, 1, 'the Job must be given time to wait for the backup');
    errors.check(this.mode === PreUpgradeBackupMode.HELM_JOB && props.kubectlImage === undefined, 'kubectlImage', undefined,
      'is not set, and the HELM_JOB mode runs kubectl in a Job', 'give a pinned image with kubectl and /bin/sh');
    errors.check(this.mode !== PreUpgradeBackupMode.HELM_JOB && props.kubectlImage !== undefined, 'kubectlImage', props.kubectlImage,
      `is not used in mode ${this.mode}`, 'remove it, or use PreUpgradeBackupMode.HELM_JOB');
    errors.check(this.mode === PreUpgradeBackupMode.FLUX && (props.version === undefined || props.version === ''), 'version', props.version,
      'is not set, so the FLUX mode would back up the first version only', 'pass the version being deployed, e.g. the image tag');
    errors.throwIfAny();

    const spec = { ...props.policy._scope(), ttl: goDurationHoursMinutesSeconds(this.ttl) };
    const labels = props.policy._backupLabels('pre-upgrade');
    const ns = props.policy.veleroNamespace;
    if (this.mode === PreUpgradeBackupMode.HELM_JOB) {
      const prefix = boundedName([props.policy.name, 'pre'], 47);
      const created = this.createJob(props.kubectlImage!, prefix, { apiVersion: 'velero.io/v1', kind: 'Backup',
        metadata: { name: '$name', namespace: ns, labels }, spec });
      this.job = created.job;
      this.role = created.role;
      this.roleBinding = created.roleBinding;
      return;
    }
    const flux = this.mode === PreUpgradeBackupMode.FLUX;
    const name = flux
      ? boundedName([props.policy.name, 'pre', shortHash(JSON.stringify({ version: props.version, spec }))])
      : boundedName([props.policy.name, 'pre-sync'], 36);
    this.backup = new Backup(this, 'Resource', {
      metadata: objectMetadata(profile, name, ns, labels,
        flux ? {} : { [ARGOCD_HOOK.annotation]: ARGOCD_HOOK.phase, [ARGOCD_HOOK.waveAnnotation]: ARGOCD_HOOK.wave }),
      spec,
    });
    if (!flux) {
      // A fixed name would be deleted and re-created on every sync (BeforeHookCreation), which Velero refuses as a
      // duplicate: Argo CD gives each run its own name from generateName instead.
      ApiObject.of(this.backup).addJsonPatch(JsonPatch.remove('/metadata/name'), JsonPatch.add('/metadata/generateName', `${name}-`));
    }
  }

  /**
   * Creates the pre-deploy Flux Kustomization (FLUX mode) that applies this construct's chart and waits until the
   * Backup completed; make the app's Kustomization `dependsOn` it. Create it in the chart Flux applies first, not in
   * this construct's chart.
   */
  public createFluxKustomization(scope: Construct, id: string, options: PreUpgradeFluxKustomizationOptions): ApiObject {
    if (this.mode !== PreUpgradeBackupMode.FLUX) {
      throw new Error(`PreUpgradeBackup '${this.node.path}': createFluxKustomization needs mode PreUpgradeBackupMode.FLUX (the mode is ${this.mode})`);
    }
    const profile = Profile.of(scope);
    return new Kustomization(scope, id, {
      metadata: objectMetadata(profile, boundedName([this.policy.name, 'pre-upgrade']), options.namespaceName ?? FLUX_NAMESPACE, this.policy._backupLabels('pre-upgrade')),
      spec: {
        interval: goDurationHoursMinutesSeconds(this.timeout),
        timeout: goDurationHoursMinutesSeconds(this.timeout),
        // Removing a Backup object from Git must not delete it: it holds the restore point.
        prune: false,
        wait: true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: options.sourceName },
        path: options.path,
        healthCheckExprs: [PreUpgradeBackup.FLUX_HEALTH_CHECK],
      },
    });
  }

  /** The Flux health expressions of a Velero Backup. */
  private static readonly FLUX_HEALTH_CHECK = {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    current: 'status.phase == \'Completed\'',
    failed: `status.phase in [${FAILED_PHASES.map((p) => `'${p}'`).join(', ')}]`,
  };

  private createJob(image: string, prefix: string, backup: object): { job: ProductionJob; role: k8s.KubeRole; roleBinding: k8s.KubeRoleBinding } {
    const ns = this.policy.veleroNamespace;
    const script = [
      'set -eu',
      `name="${prefix}-$(date -u +%Y%m%d%H%M%S)"`,
      'kubectl create -f - <<EOF',
      JSON.stringify(backup),
      'EOF',
      `deadline=$(( $(date +%s) + ${this.timeout.toSeconds()} ))`,
      'while :; do',
      `  phase=$(kubectl get backups.velero.io "$name" -n ${ns} -o jsonpath='{.status.phase}' || true)`,
      '  case "$phase" in',
      '    Completed) echo "backup $name completed"; exit 0 ;;',
      `    ${FAILED_PHASES.join('|')}) echo "backup $name ended in phase $phase" >&2; exit 1 ;;`,
      '  esac',
      `  if [ "$(date +%s)" -ge "$deadline" ]; then echo "backup $name did not complete in ${this.timeout.toSeconds()}s (phase: \${phase:-none})" >&2; exit 1; fi`,
      `  sleep ${PRE_UPGRADE_WAIT.pollInterval.toSeconds()}`,
      'done',
    ].join('\n');
    const job = new ProductionJob(this, 'Job', {
      name: boundedName([this.policy.name, 'pre-upgrade']),
      namespaceName: this.policy.namespaceName,
      image,
      command: ['/bin/sh', '-c', script],
      serviceAccountToken: true,
      // A retry would make a second backup: the upgrade fails instead, and is retried as a whole.
      backoffLimit: 0,
      activeDeadline: Duration.seconds(this.timeout.toSeconds() + PRE_UPGRADE_WAIT.pollInterval.toSeconds() * 6),
    });
    const jobObject = ApiObject.of(job.job);
    jobObject.metadata.addAnnotation(HELM_HOOK.annotation, HELM_HOOK.phase);
    jobObject.metadata.addAnnotation(HELM_HOOK.deletePolicyAnnotation, HELM_HOOK.deletePolicy);
    const profile = Profile.of(this);
    const metadata = objectMetadata(profile, job.name, ns, this.policy._backupLabels('pre-upgrade'));
    const role = new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [{ apiGroups: ['velero.io'], resources: ['backups'], verbs: ['create', 'get'] }],
    });
    const roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: job.serviceAccount.name, namespace: job.namespaceName }],
    });
    return { job, role, roleBinding };
  }
}
