/**
 * Every opinion of the library, as data keyed by profile.
 *
 * Constructs read their defaults from here and never inline literals, so that the whole policy can be
 * read (and reviewed) in one file. The README's profile table is written from these values.
 */
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProfileValues } from './profile';

/** Replicas of a ProductionApp when `replicas` is not set. */
export const DEFAULT_REPLICAS: ProfileValues<number> = { dev: 1, staging: 2, prod: 3 };

/** The lowest replica count allowed (a warning below it in dev, an error in staging and prod). */
export const MIN_REPLICAS: ProfileValues<number> = { dev: 1, staging: 2, prod: 2 };

/** Default autoscaling bounds when autoscaling is on and a bound is not given. */
export const DEFAULT_AUTOSCALING = {
  minReplicas: { dev: 1, staging: 2, prod: 3 } as ProfileValues<number>,
  maxReplicas: { dev: 3, staging: 4, prod: 10 } as ProfileValues<number>,
  cpuUtilizationPercent: 70,
};

/** The rollout of a ProductionApp's Deployment. */
export const ROLLOUT = {
  /** Never take a serving pod down before its replacement is ready. */
  maxUnavailable: 0,
  /** Start one new pod at a time (25% is cdk8s-plus's default; one pod is gentler on small apps). */
  maxSurge: 1,
  minReady: Duration.seconds(10),
  progressDeadline: Duration.seconds(600),
  revisionHistoryLimit: 5,
};

/** Graceful shutdown: the preStop pause lets endpoints and load balancers forget the pod before SIGTERM. */
export const SHUTDOWN = {
  preStopDelay: Duration.seconds(10),
  /** Time the app has, after preStop, to drain in-flight requests. */
  drainTime: Duration.seconds(20),
};

/** Probe timings. Liveness is slower and more tolerant than readiness, so the two never coincide. */
export const PROBE_TIMINGS = {
  readiness: { period: Duration.seconds(5), timeout: Duration.seconds(2), failureThreshold: 3, successThreshold: 1 },
  liveness: { period: Duration.seconds(10), timeout: Duration.seconds(3), failureThreshold: 3, successThreshold: 1 },
  /** Startup allows up to 2 minutes (24 x 5s) before liveness takes over. */
  startup: { period: Duration.seconds(5), timeout: Duration.seconds(2), failureThreshold: 24, successThreshold: 1 },
};

/** Topology keys the pods are spread over (well-known labels set by the kubelet and cloud providers). */
export const TOPOLOGY = {
  zone: 'topology.kubernetes.io/zone',
  hostname: 'kubernetes.io/hostname',
  maxSkew: 1,
  antiAffinityWeight: 100,
};

/**
 * The identity pods run as.
 *
 * kube-score asks for UID and GID above 10000 (container-security-context-user-group-id), so the floor
 * is 10001, which also meets the ">= 10000" convention for non-system users.
 */
export const POD_IDENTITY = {
  user: 10001,
  group: 10001,
  fsGroup: 10001,
  minimumId: 10001,
};

/** Writable paths every app gets (the root filesystem is read-only). */
export const WRITABLE_PATHS = ['/tmp'];

/** Size limit of each writable emptyDir, in GiB (cdk8s-plus renders emptyDir limits in whole gibibytes). */
export const WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES = 1;

/** The priority class of an app's pods when `priorityClassName` is not set. */
export const PRIORITY_CLASS_NAME: ProfileValues<string> = {
  dev: 'platform-low',
  staging: 'platform-default',
  prod: 'platform-high',
};

/** The PriorityClass objects the `PriorityClasses` construct emits. */
export const PRIORITY_CLASSES = [
  { name: 'platform-high', value: 100000, description: 'Production workloads: scheduled first, preempted last' },
  { name: 'platform-default', value: 10000, description: 'Staging and ordinary workloads' },
  { name: 'platform-low', value: 1000, description: 'Development and batch workloads: preempted first' },
];

/** The cluster DNS that every app may reach (kube-system CoreDNS / kube-dns). */
export const CLUSTER_DNS = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' } as Record<string, string>,
  port: 53,
};

/** The label Kubernetes puts on every Namespace with its name (since 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Value of `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'cdk8s-production';

/** The default name of an app's main port. */
export const PORT_NAME = 'http';

/** Environment variable names whose literal values are treated as secrets. */
export const SECRET_NAME_PATTERN = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;

/** Literal values that look like secret material whatever their name. */
export const SECRET_VALUE_PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/,
];

/** The size presets (see `AppSize`). Ephemeral storage is in whole GiB, as cdk8s-plus renders it. */
export const SIZES: Record<'small' | 'medium' | 'large', kplus.ContainerResources> = {
  small: {
    cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
    ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
  },
  medium: {
    cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
    memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
    ephemeralStorage: { request: Size.gibibytes(2), limit: Size.gibibytes(4) },
  },
  large: {
    cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) },
    memory: { request: Size.gibibytes(2), limit: Size.gibibytes(4) },
    ephemeralStorage: { request: Size.gibibytes(4), limit: Size.gibibytes(8) },
  },
};

/** The size preset of an app when neither `size` nor `resources` is set. */
export const DEFAULT_SIZE: ProfileValues<'small' | 'medium' | 'large'> = { dev: 'small', staging: 'small', prod: 'medium' };

/** Sidecars and init containers get this preset unless they set their own. */
export const HELPER_CONTAINER_SIZE: 'small' = 'small';

/** The name of the main container of every hardened pod. */
export const MAIN_CONTAINER_NAME = 'main';

/** Every container pulls its image on each start, so that pull secrets are checked every time. */
export const IMAGE_PULL_POLICY = kplus.ImagePullPolicy.ALWAYS;

/** The seccomp profile of every pod and container (Pod Security "restricted" asks for RuntimeDefault or Localhost). */
export const SECCOMP_PROFILE = { pod: 'RuntimeDefault', container: kplus.SeccompProfileType.RUNTIME_DEFAULT };

/** Volume ownership is changed only when the root of the volume does not match fsGroup, which keeps large volumes fast to mount. */
export const FS_GROUP_CHANGE_POLICY = kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH;

/** The preStop hook pauses with this command and the delay in seconds as its argument; the image must have it. */
export const PRE_STOP_COMMAND = 'sleep';

/** Pods spread over zones and nodes as a preference, so that a lost zone never blocks scheduling. */
export const SPREAD_WHEN_UNSATISFIABLE = 'ScheduleAnyway';

/** Unhealthy pods may always be evicted, so a crash-looping pod never blocks a node drain. */
export const PDB_UNHEALTHY_POD_EVICTION_POLICY = 'AlwaysAllow';

/** Why a workload that mounts a service account token is exempt from the token checks. */
export const SERVICE_ACCOUNT_TOKEN_REASON = 'the app calls the Kubernetes API with its own ServiceAccount';

/** Why a workload with an autoscaler sets no static replica count. */
export const AUTOSCALED_REPLICAS_REASON = 'the HorizontalPodAutoscaler owns the replica count';

/**
 * The checks each exemption of the library silences, by our rule id, for Polaris, kube-score and kube-linter.
 *
 * The scanners' annotations are written from this table, so the scanners agree with the library.
 */
export const EXEMPTION_CHECKS = {
  'cpu-limits': { polaris: ['cpuLimitsMissing'], kubeScore: ['container-resources'], kubeLinter: ['unset-cpu-requirements'] },
  'service-account-token': { polaris: ['automountServiceAccountToken'], kubeScore: [] as string[], kubeLinter: [] as string[] },
  'deployment-replicas': { polaris: ['deploymentMissingReplicas'], kubeScore: [] as string[], kubeLinter: [] as string[] },
};
