import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BACKUP_HOOK, CLAIM_ACCESS_MODE, STATEFUL_COMPONENT, STATEFUL_MAX_UNAVAILABLE, STATEFUL_REPLICAS, STATEFUL_ROLLOUT,
  STATEFUL_SHUTDOWN, VELERO_POD_ANNOTATIONS, QUORUM_ZONE_SPREAD, RESTORED_CLAIM_ANNOTATIONS, SNAPSHOT_API_GROUP,
} from './defaults';
import { ProductionStorageClass } from './production-storage-class';

import { createDisruptionBudget } from '../app/_deployment';
import { resolvePorts, resolveSingleReplicaReason } from '../app/_resolve';
import { DEV_RELAXATION_REASONS, MAIN_CONTAINER_NAME, MIN_HA_REPLICAS, MIN_REPLICAS, TOPOLOGY, WRITABLE_PATHS } from '../defaults';
import { PropErrors } from '../internal/errors';
import { checkMinDuration } from '../internal/quantity';
import { assertPropTypes } from '../internal/prop-types';
import { isDns1123Label, isDns1123Subdomain } from '../internal/names';
import { Profile } from '../profile';
import { exemptionAnnotations, objectMetadata } from '../workload/_metadata';
import { createMounts, createServiceAccount, renderPodTemplate } from '../workload/_render';
import { ResolvedPod, resolvePod } from '../workload/_resolve';
import type { AppPort, AppVolumeMount, HardenedPodProps } from '../workload/hardened-pod';
import { HardenedWorkload } from '../workload/hardened-workload';

/**
 * Whether the claims of a StatefulSet are kept or deleted.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
 */
export enum ClaimRetentionPolicy {
  /** The claims (and their data) are kept. */
  RETAIN = 'Retain',
  /** The claims are deleted; with a `Delete`-reclaim StorageClass, so is the data. */
  DELETE = 'Delete',
}

/**
 * What Velero does when a backup hook fails.
 */
export enum HookErrorMode {
  /** The backup fails. */
  FAIL = 'Fail',
  /** The backup goes on without the hook. */
  CONTINUE = 'Continue',
}

/**
 * A per-pod volume of a stateful app: one PersistentVolumeClaim per replica, from a claim template.
 */
export interface StatefulAppVolumeClaim {
  /** The claim template name (a DNS-1123 label); each pod's claim is `<name>-<app>-<ordinal>`. */
  readonly name: string;
  /** Where the main container mounts the volume (read-write). */
  readonly mountPath: string;
  /** The size each claim requests. It cannot be changed through the template later: resize each claim. */
  readonly storage: Size;
  /**
   * The StorageClass, as a construct of this app. Give this or `storageClassName`.
   *
   * @default - `storageClassName`
   */
  readonly storageClass?: ProductionStorageClass;
  /**
   * The StorageClass, by name. Give this or `storageClass`: never the cluster default by accident.
   *
   * @default - the name of `storageClass`
   */
  readonly storageClassName?: string;
  /**
   * The access mode.
   *
   * @default kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: kplus.PersistentVolumeAccessMode;
  /**
   * Restore the claims from VolumeSnapshots (in the app's namespace), one per pod, by ordinal: the claim of pod `i`
   * (`<name>-<app>-<i>`) is created from `restoreFromSnapshots[i]` before the StatefulSet adopts it by name. The
   * claims carry prune-protection annotations, so removing this prop later never deletes them. Each snapshot's
   * restore size must fit in `storage`.
   *
   * @default - new, empty volumes
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-populators-and-data-sources
   */
  readonly restoreFromSnapshots?: string[];
}

/**
 * Commands Velero runs in a pod before and after it backs the pod up, e.g. to flush and lock a database.
 *
 * Commands are not run in a shell: start them with `['/bin/sh', '-c', ...]` when you need one.
 *
 * @see https://velero.io/docs/main/backup-hooks/
 */
export interface StatefulAppBackupHook {
  /**
   * The command run before the backup.
   *
   * @default - none
   */
  readonly pre?: string[];
  /**
   * The command run after the backup.
   *
   * @default - none
   */
  readonly post?: string[];
  /**
   * The container the commands run in.
   *
   * @default 'main'
   */
  readonly container?: string;
  /**
   * How long each command may run.
   *
   * @default Duration.minutes(2)
   */
  readonly timeout?: Duration;
  /**
   * What happens when a command fails.
   *
   * @default HookErrorMode.FAIL
   */
  readonly onError?: HookErrorMode;
}

/**
 * Props of a `ProductionStatefulApp`.
 */
export interface ProductionStatefulAppProps extends HardenedPodProps {
  /** The port the app serves on (1-65535); the headless Service exposes it. */
  readonly port: number;

  /**
   * The name of the main port.
   *
   * @default 'http'
   */
  readonly portName?: string;

  /**
   * More ports, e.g. replication or metrics.
   *
   * @default - none
   */
  readonly additionalPorts?: AppPort[];

  /** The per-pod volumes (at least one; a stateless app is a ProductionApp). */
  readonly volumeClaims: StatefulAppVolumeClaim[];

  /**
   * The number of pods.
   *
   * @default - 1 in dev, 3 in staging and prod
   */
  readonly replicas?: number;

  /**
   * Why the app runs one replica by design (a single-binary database such as single-binary Loki). Permits
   * `replicas: 1` in every profile and records the `deployment-replicas` exemption with this reason on the
   * StatefulSet. Not allowed with `quorum`, nor with `replicas` above 1; must not be empty.
   *
   * @default - no exemption: at least 2 replicas in staging and prod
   */
  readonly singleReplicaReason?: string;

  /**
   * The app keeps a quorum (etcd, ZooKeeper, a replicated database): two pods may never share a node (required
   * anti-affinity), and at least 3 replicas.
   *
   * @default false
   */
  readonly quorum?: boolean;

  /**
   * How pods are started and stopped when scaling.
   *
   * @default kplus.PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;

  /**
   * Pods with an ordinal below the partition keep the old template during a rolling update (staged rollouts).
   *
   * @default 0
   */
  readonly partition?: number;

  /**
   * How long a new pod must be ready before the rollout goes on.
   *
   * @default Duration.seconds(10)
   */
  readonly minReady?: Duration;

  /**
   * What happens to the claims when the StatefulSet is deleted.
   *
   * @default ClaimRetentionPolicy.RETAIN
   */
  readonly whenDeleted?: ClaimRetentionPolicy;

  /**
   * What happens to the claims of removed pods when the StatefulSet is scaled down.
   *
   * @default ClaimRetentionPolicy.RETAIN
   */
  readonly whenScaled?: ClaimRetentionPolicy;

  /**
   * Velero backup hooks, written as pod annotations.
   *
   * @default - none
   */
  readonly backupHook?: StatefulAppBackupHook;

  /**
   * Volumes Velero backs up file by file (file-system backup) instead of by snapshot.
   *
   * @default - none: every claim is backed up by CSI snapshot
   */
  readonly fsBackupVolumes?: string[];

  /**
   * Let the pods reach each other on the main port (replication, peer discovery).
   *
   * @default true
   */
  readonly allowPeers?: boolean;
}

/**
 * A production-grade stateful workload: a StatefulSet with one claim per pod, a headless Service, a
 * PodDisruptionBudget and a default-deny NetworkPolicy, on the library's hardened pod.
 *
 * Claims are kept when the StatefulSet is deleted or scaled down, name an explicit StorageClass, and their volumes
 * are made writable for the app's group with `fsGroup` (no root init container). Pods start one by one, roll one by
 * one (with a `partition` for staged rollouts), spread over zones and nodes, and never share a node when `quorum` is set.
 *
 * Claim templates cannot be changed after creation: to grow a volume, patch each claim (the StorageClass must allow
 * expansion), then orphan-delete and re-create the StatefulSet with the new size.
 *
 * @example
 * new ProductionStatefulApp(chart, 'Db', {
 *   image: 'registry.example.com/db:16.4', port: 5432,
 *   readiness: AppProbe.exec(['pg_isready', '-q']), liveness: AppProbe.tcpSocket(),
 *   volumeClaims: [{ name: 'data', mountPath: '/var/lib/db', storage: Size.gibibytes(50), storageClassName: 'ssd-retain' }],
 * });
 */
export class ProductionStatefulApp extends HardenedWorkload {
  /** The number of pods. */
  public readonly replicas: number;
  /** Why the app runs one replica by design, when it does. */
  public readonly singleReplicaReason?: string;
  /** Whether the app keeps a quorum. */
  public readonly quorum: boolean;
  /** The labels on every claim (the app labels without the version, which a claim template cannot change). */
  public readonly claimLabels: { [key: string]: string };
  /** What happens to the claims when the StatefulSet is deleted. */
  public readonly whenDeleted: ClaimRetentionPolicy;
  /** What happens to the claims of removed pods on scale-down. */
  public readonly whenScaled: ClaimRetentionPolicy;
  /** The partition of the rolling update. */
  public readonly partition: number;
  /** The pod management policy. */
  public readonly podManagementPolicy: kplus.PodManagementPolicy;

  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /**
   * The headless Service that gives each pod its DNS name; always set for a ProductionStatefulApp
   * (optional in the type because `HardenedWorkload.service` is).
   */
  public readonly service?: kplus.Service;
  /** The claims restored from snapshots (`restoreFromSnapshots`), created before the StatefulSet adopts them. */
  public readonly restoredClaims: k8s.KubePersistentVolumeClaim[];
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy that isolates the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  private readonly selector: Record<string, string>;

  public constructor(scope: Construct, id: string, props: ProductionStatefulAppProps) {
    super(scope, id, 'ProductionStatefulApp');
    const errors = new PropErrors(this, 'ProductionStatefulApp', this.profile);
    assertPropTypes(errors, props, 'ProductionStatefulAppProps');
    const ports = resolvePorts(errors, props);
    const claims = props.volumeClaims ?? [];
    const claimMounts = claimMountsOf(this, errors, props, claims);
    const pod = resolvePod(errors, this, this.profile, {
      ...props,
      component: props.component ?? STATEFUL_COMPONENT,
      terminationGracePeriod: props.terminationGracePeriod ?? STATEFUL_SHUTDOWN.terminationGracePeriod,
      volumeMounts: [...(props.volumeMounts ?? []), ...claimMounts],
      podAnnotations: { ...(props.podAnnotations ?? {}), ...veleroAnnotations(errors, props) },
    }, { component: STATEFUL_COMPONENT, ports, owner: 'the stateful app' });
    this.singleReplicaReason = resolveSingleReplicaReason(errors, props);
    this.replicas = this.singleReplicaReason === undefined ? props.replicas ?? this.profile._select(STATEFUL_REPLICAS) : 1;
    this.quorum = props.quorum ?? false;
    this.partition = props.partition ?? STATEFUL_ROLLOUT.partition;
    // Claims outlive the StatefulSet and a scale-down: deleting data is always a separate, deliberate step.
    this.whenDeleted = props.whenDeleted ?? ClaimRetentionPolicy.RETAIN;
    this.whenScaled = props.whenScaled ?? ClaimRetentionPolicy.RETAIN;
    this.podManagementPolicy = props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY;
    validateStateful(errors, this.profile, props, pod, this);
    errors.throwIfAny();

    this._usePod(pod);
    this.claimLabels = Object.fromEntries(Object.entries(pod.labels).filter(([k]) => k !== 'app.kubernetes.io/version'));
    this.selector = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/instance': this.name };
    const selector = { matchLabels: { ...this.selector } };
    const metadata = objectMetadata(this.profile, this.name, this.namespaceName, this.labels);

    // Construct IDs and creation order decide the names and the order of the output: keep both.
    this.serviceAccount = createServiceAccount(this, pod, metadata);
    this.service = new kplus.Service(this, 'Service', {
      metadata,
      clusterIP: 'None',
      ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: kplus.Protocol.TCP })),
    });
    for (const [k, v] of Object.entries(this.selector)) {
      this.service.selectLabel(k, v);
    }
    const mounts = createMounts(this, pod);
    const template = renderPodTemplate(pod, mounts, selector, this.serviceAccount.name, kplus.RestartPolicy.ALWAYS, claims.map((c) => c.name));
    this.restoredClaims = claims.flatMap((c, ci) => (c.restoreFromSnapshots ?? []).map((snapshot, ordinal) =>
      new k8s.KubePersistentVolumeClaim(this, `Restore${ci}-${ordinal}`, {
        metadata: { name: this.claimNameOf(c.name, ordinal), namespace: this.namespaceName, labels: { ...this.claimLabels },
          annotations: { ...metadata.annotations, ...RESTORED_CLAIM_ANNOTATIONS } },
        spec: {
          ...claimSpecOf(c),
          dataSourceRef: { apiGroup: SNAPSHOT_API_GROUP, kind: 'VolumeSnapshot', name: snapshot },
        },
      })));
    const exemptions = [...pod.exemptions];
    if (this.singleReplicaReason !== undefined) {
      exemptions.push({ ruleId: 'deployment-replicas', reason: this.singleReplicaReason });
    } else if (this.replicas < MIN_HA_REPLICAS) {
      // Only the dev profile lets a replica count below the floor through validation.
      exemptions.push({ ruleId: 'deployment-replicas', reason: DEV_RELAXATION_REASONS.singleReplica });
    }
    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(exemptions) } },
      spec: {
        serviceName: this.service.name,
        replicas: this.replicas,
        selector,
        template: this.quorum ? withQuorumScheduling(template, this.selector) : template,
        podManagementPolicy: this.podManagementPolicy,
        updateStrategy: { type: STATEFUL_ROLLOUT.updateStrategy, rollingUpdate: { partition: this.partition } },
        minReadySeconds: (props.minReady ?? STATEFUL_ROLLOUT.minReady).toSeconds(),
        revisionHistoryLimit: STATEFUL_ROLLOUT.revisionHistoryLimit,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: this.whenDeleted, whenScaled: this.whenScaled },
        // Plain claim props, never ApiObjects: an ApiObject here would serialize chart internals.
        volumeClaimTemplates: claims.map((c) => ({
          metadata: { name: c.name, labels: { ...this.claimLabels } },
          spec: claimSpecOf(c),
        })),
      },
    });
    this.disruptionBudget = createDisruptionBudget(this, { maxUnavailable: STATEFUL_MAX_UNAVAILABLE }, metadata, selector);
    this.networkPolicy = this._createNetworkPolicy(metadata, selector, pod.access);
    if (props.allowPeers ?? true) {
      this.allowFrom(this);
    }
  }

  /** The labels that select this app's pods. */
  public get podSelector(): { [key: string]: string } {
    return { ...this.selector };
  }

  /** The name of the claim of one pod: `<template>-<app>-<ordinal>` (pre-create it with a `dataSourceRef` to restore). */
  public claimNameOf(template: string, ordinal: number): string {
    return `${template}-${this.name}-${ordinal}`;
  }
}

/** The claims as mounts of the main container, after checking what the layer cannot name correctly. */
function claimMountsOf(scope: Construct, errors: PropErrors, props: ProductionStatefulAppProps, claims: StatefulAppVolumeClaim[]): AppVolumeMount[] {
  errors.check(claims.length === 0, 'volumeClaims', claims, 'is empty: a stateful app without per-pod volumes is a ProductionApp',
    'add a claim, or use ProductionApp');
  const taken = new Set<string>([
    ...(props.writablePaths ?? WRITABLE_PATHS), ...(props.configFiles ?? []).map((f) => f.mountPath), ...(props.volumeMounts ?? []).map((m) => m.path),
  ]);
  const out: AppVolumeMount[] = [];
  claims.forEach((c, i) => {
    const prop = `volumeClaims[${i}]`;
    errors.check(!isDns1123Label(c.name) || c.name.length > 40, `${prop}.name`, c.name, 'is not a DNS-1123 label of at most 40 characters',
      'use lowercase letters, digits and \'-\' (the claim of each pod is named <name>-<app>-<ordinal>)');
    errors.check(claims.findIndex((o) => o.name === c.name) < i, `${prop}.name`, c.name, 'is the name of another claim', 'give each claim its own name');
    const pathOk = typeof c.mountPath === 'string' && c.mountPath.startsWith('/');
    errors.check(!pathOk, `${prop}.mountPath`, c.mountPath, 'is not an absolute path, so the claim is never mounted', 'mount it at an absolute path');
    const clash = pathOk && (taken.has(c.mountPath) || claims.findIndex((o) => o.mountPath === c.mountPath) < i);
    errors.check(clash, `${prop}.mountPath`, c.mountPath, 'is mounted twice', 'mount each path once');
    errors.check(c.storageClass === undefined && (c.storageClassName === undefined || c.storageClassName === ''), `${prop}.storageClassName`, c.storageClassName,
      'is not set, so the claim would silently take the cluster\'s default class', 'give \'storageClass\' (a ProductionStorageClass) or \'storageClassName\'');
    errors.check(c.storageClass !== undefined && c.storageClassName !== undefined, `${prop}.storageClassName`, c.storageClassName,
      'is set together with \'storageClass\'', 'give one of them');
    const mib = c.storage?.toMebibytes();
    errors.check(mib === undefined || !Number.isInteger(mib) || mib <= 0, `${prop}.storage`, mib === undefined ? undefined : `${mib}Mi`,
      'is not a positive whole number of MiB', 'use Size.gibibytes(n) or Size.mebibytes(n)');
    if (pathOk && !clash && isDns1123Label(c.name)) {
      // A handle for mounting only: renderPodTemplate leaves claim templates out of the pod's volumes.
      out.push({ volume: kplus.Volume.fromEmptyDir(scope, `Claim${i}`, c.name), path: c.mountPath, readOnly: false });
    }
  });
  return out;
}

/** The Velero hook and file-system backup annotations of the pods. */
function veleroAnnotations(errors: PropErrors, props: ProductionStatefulAppProps): Record<string, string> {
  const out: Record<string, string> = {};
  const hook = props.backupHook;
  if (hook !== undefined) {
    errors.check(hook.pre === undefined && hook.post === undefined, 'backupHook', hook, 'has neither \'pre\' nor \'post\'', 'give a command, or remove \'backupHook\'');
    const timeout = hook.timeout ?? BACKUP_HOOK.timeout;
    checkMinDuration(errors, 'backupHook.timeout', timeout, 1, 'Velero must be given time to run the hook');
    for (const phase of ['pre', 'post'] as const) {
      const command = hook[phase];
      if (command === undefined) {
        continue;
      }
      errors.check(command.length === 0, `backupHook.${phase}`, command, 'is an empty command', 'give the command to run');
      const prefix = VELERO_POD_ANNOTATIONS.prefix[phase];
      out[`${prefix}/container`] = hook.container ?? MAIN_CONTAINER_NAME;
      out[`${prefix}/command`] = JSON.stringify(command);
      out[`${prefix}/on-error`] = hook.onError ?? BACKUP_HOOK.onError;
      out[`${prefix}/timeout`] = `${timeout.toSeconds()}s`;
    }
  }
  if ((props.fsBackupVolumes ?? []).length > 0) {
    out[VELERO_POD_ANNOTATIONS.fsBackupVolumes] = (props.fsBackupVolumes ?? []).join(',');
  }
  return out;
}

/** What a stateful app adds to the pod's checks: replicas, quorum, shutdown, hooks and claim retention. */
function validateStateful(errors: PropErrors, profile: Profile, props: ProductionStatefulAppProps, pod: ResolvedPod, app: ProductionStatefulApp): void {
  const n = app.replicas;
  errors.check(!Number.isInteger(n) || n < 1, 'replicas', n, 'is not a positive integer', 'use 1 or more');
  errors.enforce(app.singleReplicaReason === undefined && Number.isInteger(n) && n >= 1 && n < profile._select(MIN_REPLICAS), 'replicas', n,
    `is below ${profile._select(MIN_REPLICAS)}, so one lost node takes the app down`, `use ${profile._select(STATEFUL_REPLICAS)}`);
  errors.check(app.quorum && app.singleReplicaReason !== undefined, 'singleReplicaReason', app.singleReplicaReason,
    'is set together with \'quorum\'; a quorum needs at least 3 members', 'remove one of the two');
  errors.check(app.quorum && n < 3 && app.singleReplicaReason === undefined, 'replicas', n, 'is below 3, and a quorum of fewer than 3 cannot survive the loss of one member',
    'use 3 or 5 replicas, or remove \'quorum\'');
  errors.check(!Number.isInteger(app.partition) || app.partition < 0, 'partition', app.partition, 'is not a non-negative integer', 'use 0 (every pod updates) or more');
  const minReady = (props.minReady ?? STATEFUL_ROLLOUT.minReady).toSeconds();
  errors.check(minReady < 0 || !Number.isInteger(minReady), 'minReady', `${minReady}s`, 'is not a whole, non-negative number of seconds',
    'use Duration.seconds(n)');
  const grace = pod.shutdown.terminationGracePeriod.toSeconds();
  errors.check(grace < STATEFUL_SHUTDOWN.minimumGracePeriod.toSeconds(), 'terminationGracePeriod', `${grace}s`,
    `is below ${STATEFUL_SHUTDOWN.minimumGracePeriod.toSeconds()}s, so a database may be killed before it has flushed to disk`,
    `use ${STATEFUL_SHUTDOWN.terminationGracePeriod.toSeconds()}s or more`);
  const containers = [MAIN_CONTAINER_NAME, ...(props.sidecars ?? []).map((s) => s.name)];
  const hookContainer = props.backupHook?.container;
  errors.check(hookContainer !== undefined && !containers.includes(hookContainer), 'backupHook.container', hookContainer,
    'is not a container of the pod, so Velero fails the backup with "container not found"', `use one of ${containers.map((c) => `'${c}'`).join(', ')}`);
  const claimNames = (props.volumeClaims ?? []).map((c) => c.name);
  for (const v of props.fsBackupVolumes ?? []) {
    errors.check(!claimNames.includes(v), 'fsBackupVolumes', v, 'is not a claim of the app', `use one of ${claimNames.map((c) => `'${c}'`).join(', ')}`);
  }
  (props.volumeClaims ?? []).forEach((c, i) => {
    const snapshots = c.restoreFromSnapshots ?? [];
    errors.check(snapshots.length > n, `volumeClaims[${i}].restoreFromSnapshots`, snapshots,
      `lists ${snapshots.length} snapshots for ${n} pods, so some claims would never be used`, 'give at most one snapshot per pod, by ordinal');
    snapshots.forEach((name, j) => errors.check(typeof name !== 'string' || !isDns1123Subdomain(name), `volumeClaims[${i}].restoreFromSnapshots[${j}]`, name,
      'is not a VolumeSnapshot name', 'give the name of a VolumeSnapshot in the app\'s namespace'));
    errors.enforce(app.whenDeleted === ClaimRetentionPolicy.DELETE && c.storageClass?.reclaimPolicy === kplus.PersistentVolumeReclaimPolicy.DELETE,
      'whenDeleted', app.whenDeleted,
      `deletes the claims with the StatefulSet, and the StorageClass of 'volumeClaims[${i}]' ('${c.storageClass?.name}') deletes their volumes: one prune destroys the data`,
      'keep \'whenDeleted\' at Retain, or use a StorageClass with reclaimPolicy Retain');
  });
}

/** Required host anti-affinity and a zone spread that does not give way, for apps that keep a quorum. */
function withQuorumScheduling(template: k8s.PodTemplateSpec, selector: Record<string, string>): k8s.PodTemplateSpec {
  const spec = template.spec!;
  return {
    ...template,
    spec: {
      ...spec,
      topologySpreadConstraints: (spec.topologySpreadConstraints ?? []).map((c) =>
        c.topologyKey === TOPOLOGY.zone ? { ...c, whenUnsatisfiable: QUORUM_ZONE_SPREAD } : c),
      affinity: {
        ...spec.affinity,
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: TOPOLOGY.hostname, labelSelector: { matchLabels: { ...selector } } }],
        },
      },
    },
  };
}

/** The spec of a claim template, and of a claim restored for it. */
function claimSpecOf(c: StatefulAppVolumeClaim): k8s.PersistentVolumeClaimSpec {
  return {
    accessModes: [c.accessMode ?? CLAIM_ACCESS_MODE],
    storageClassName: c.storageClass?.name ?? c.storageClassName,
    resources: { requests: { storage: k8s.Quantity.fromString(quantityOf(c.storage)) } },
  };
}

/** A size as a quantity: whole GiB when it is one, else MiB. */
function quantityOf(size: Size): string {
  const mib = size.toMebibytes();
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
