/**
 * Every opinion about storage, snapshots, backups and secret references, as data keyed by profile: the storage
 * classes, the stateful apps, the Velero schedules, pre-upgrade backups and restore drills, and the External
 * Secrets and Sealed Secrets objects.
 *
 * Constructs under `lib/storage/` read their defaults from here and never inline literals. The facts behind each
 * value are in `../shared/research/storage-backup-secrets.md`.
 */
import { Duration } from 'cdk8s';
import { _ProfileValues } from '../profile';

// ---------------------------------------------------------------------------------------------------------------
// Storage classes

/** A storage class waits for the pod to be scheduled, so a zonal disk is created in the pod's zone. */
export const VOLUME_BINDING_MODE = 'WaitForFirstConsumer';

/** Volumes can grow in place (they never shrink). */
export const ALLOW_VOLUME_EXPANSION = true;

/** The filesystem of a new volume (xfs is opt-in: it is not recommended on Rook hyperconverged clusters). */
export const DEFAULT_FS_TYPE = 'ext4';

/** The annotation that makes a StorageClass the cluster default. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** The driver presets: the CSI driver name, its production parameters and the topology keys it labels nodes with. */
export const DRIVERS = {
  awsEbs: {
    provisioner: 'ebs.csi.aws.com',
    volumeType: 'gp3',
    topologyKeys: ['topology.kubernetes.io/zone', 'topology.ebs.csi.aws.com/zone'],
  },
  gcePd: {
    provisioner: 'pd.csi.storage.gke.io',
    volumeType: 'pd-balanced',
    regionalReplication: 'regional-pd',
    topologyKeys: ['topology.gke.io/zone'],
  },
  azureDisk: {
    provisioner: 'disk.csi.azure.com',
    skuName: 'Premium_LRS',
    cachingMode: 'ReadOnly',
    networkAccessPolicy: 'DenyAll',
    topologyKeys: ['topology.disk.csi.azure.com/zone'],
  },
  rookCephRbd: {
    provisioner: 'rook-ceph.rbd.csi.ceph.com',
    imageFormat: '2',
    imageFeatures: 'layering',
    /** Ceph replicates over hosts itself: the driver has no zone topology. */
    topologyKeys: [] as string[],
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Volume snapshot classes

/** The annotation that makes a VolumeSnapshotClass the default for its driver. */
export const DEFAULT_SNAPSHOT_CLASS_ANNOTATION = 'snapshot.storage.kubernetes.io/is-default-class';

/** The label Velero picks the snapshot class of a driver by (at most one class per driver). */
export const VELERO_SNAPSHOT_CLASS_LABEL = 'velero.io/csi-volumesnapshot-class';

// ---------------------------------------------------------------------------------------------------------------
// Stateful apps

/** Replicas of a stateful app when `replicas` is not set: a quorum of 2 of 3 survives the loss of one. */
export const STATEFUL_REPLICAS: _ProfileValues<number> = { dev: 1, staging: 3, prod: 3 };

/** A database flushes and closes cleanly on SIGTERM: it gets a minute, and never less than 30 seconds. */
export const STATEFUL_SHUTDOWN = {
  terminationGracePeriod: Duration.seconds(60),
  minimumGracePeriod: Duration.seconds(30),
};

/** The rolling update of a stateful app's StatefulSet. */
export const STATEFUL_ROLLOUT = {
  updateStrategy: 'RollingUpdate',
  partition: 0,
  minReady: Duration.seconds(10),
  revisionHistoryLimit: 10,
};

/** The access mode of a claim template when none is given. */
export const CLAIM_ACCESS_MODE = 'ReadWriteOnce';

/** A quorum app's pods never pile into one zone: the zone spread waits rather than give way. */
export const QUORUM_ZONE_SPREAD = 'DoNotSchedule';

/** The API group of VolumeSnapshots, which a restored claim names as its data source. */
export const SNAPSHOT_API_GROUP = 'snapshot.storage.k8s.io';

/** A claim restored from a snapshot is never pruned by Argo CD or Flux when the restore prop is removed later. */
export const RESTORED_CLAIM_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** A stateful app's disruption budget: one pod at a time, so a quorum is kept through node drains. */
export const STATEFUL_MAX_UNAVAILABLE = 1;

/** The `app.kubernetes.io/component` label of a stateful app when `component` is not set. */
export const STATEFUL_COMPONENT = 'database';

/** Velero's pod annotations for backup hooks and file-system backup. */
export const VELERO_POD_ANNOTATIONS = {
  prefix: { pre: 'pre.hook.backup.velero.io', post: 'post.hook.backup.velero.io' },
  fsBackupVolumes: 'backup.velero.io/backup-volumes',
};

/** A backup hook fails the backup when it fails, and has two minutes (Velero's own default is 30 seconds). */
export const BACKUP_HOOK = { onError: 'Fail', timeout: Duration.minutes(2) };

// ---------------------------------------------------------------------------------------------------------------
// Velero schedules, pre-upgrade backups and restore drills

/** The namespace the Velero server runs in; Schedules, Backups and Restores must be created there. */
export const VELERO_NAMESPACE = 'velero';

/** How long a scheduled backup is kept (Velero's 30-day default, made explicit in prod). */
export const BACKUP_TTL: _ProfileValues<Duration> = { dev: Duration.days(3), staging: Duration.days(7), prod: Duration.days(30) };

/** How long a pre-upgrade backup is kept: every sync makes one, so they expire sooner than the nightly ones. */
export const PRE_UPGRADE_BACKUP_TTL = Duration.days(14);

/** The shortest retention a backup may have: less cannot be restored from in practice. */
export const MIN_BACKUP_TTL = Duration.hours(1);

/** CSI snapshots may sit on the same storage as the volume: the data mover copies them off it. */
export const SNAPSHOT_MOVE_DATA: _ProfileValues<boolean> = { dev: false, staging: true, prod: true };

/** The hours (UTC) a daily or weekly backup may start in: the night, spread by a hash of the app's name. */
export const BACKUP_WINDOW_UTC = { firstHour: 0, hours: 5 };

/** The label a Backup's policy is recorded in, on the Schedule's backups (so GitOps tools never prune them). */
export const BACKUP_POLICY_LABEL = 'backup.platform.io/policy';

/** The label that tells what made a Backup: a schedule, a pre-upgrade hook or a drill. */
export const BACKUP_KIND_LABEL = 'backup.platform.io/kind';

/** The label Velero skips objects by. */
export const VELERO_EXCLUDE_LABEL = 'velero.io/exclude-from-backup';

/** Argo CD runs the pre-upgrade Backup before every sync, early. */
export const ARGOCD_HOOK = { annotation: 'argocd.argoproj.io/hook', phase: 'PreSync', waveAnnotation: 'argocd.argoproj.io/sync-wave', wave: '-10' };

/** Helm runs the pre-upgrade Job before an upgrade and deletes it when it succeeded, or before the next run. */
export const HELM_HOOK = {
  annotation: 'helm.sh/hook', phase: 'pre-upgrade',
  deletePolicyAnnotation: 'helm.sh/hook-delete-policy', deletePolicy: 'before-hook-creation,hook-succeeded',
};

/** The namespace of Flux's own objects (Kustomizations, GitRepositories). */
export const FLUX_NAMESPACE = 'flux-system';

/** How long the pre-upgrade Job waits for the Backup, and how often it looks. */
export const PRE_UPGRADE_WAIT = { timeout: Duration.hours(1), pollInterval: Duration.seconds(10) };

/** What a restore drill leaves out: objects that would collide with the live app in the same cluster. */
export const DRILL_EXCLUDED_RESOURCES = [
  'ingresses.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'servicemonitors.monitoring.coreos.com',
  'podmonitors.monitoring.coreos.com', 'certificates.cert-manager.io',
];

/** The run id of a restore drill when none is given (a Restore runs once: the next drill needs a new one). */
export const DRILL_FIRST_RUN = '1';

/** The Pod Security level of a restore drill's scratch namespace. */
export const DRILL_POD_SECURITY = 'restricted';

/** The suffix of a restore drill's scratch namespace. */
export const DRILL_NAMESPACE_SUFFIX = '-drill';

// ---------------------------------------------------------------------------------------------------------------
// Secret references

/** How often External Secrets re-reads the provider. */
export const EXTERNAL_SECRET_REFRESH = Duration.hours(1);

/**
 * The External Secrets fields spelled out on every ExternalSecret, so that no server-side default shows as GitOps
 * drift: the Secret is owned (and deleted) with the ExternalSecret, and kept when the provider loses the key.
 */
export const EXTERNAL_SECRET_POLICY = {
  creationPolicy: 'Owner', deletionPolicy: 'Retain', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None',
};

/** The Vault KV engine version and Kubernetes auth mount a Vault store uses when not given. */
export const VAULT_DEFAULTS = { version: 'v2', mountPath: 'kubernetes', path: 'secret' };

/** The annotations Sealed Secrets reads the sealing scope from. */
export const SEALED_SECRET_SCOPE_ANNOTATIONS = {
  namespaceWide: 'sealedsecrets.bitnami.com/namespace-wide',
  clusterWide: 'sealedsecrets.bitnami.com/cluster-wide',
};

/** The shortest ciphertext kubeseal writes (an RSA-OAEP session key alone is hundreds of characters). */
export const MIN_SEALED_VALUE_LENGTH = 64;
