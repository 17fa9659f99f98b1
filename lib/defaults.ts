/**
 * Every opinion about workloads, as data keyed by profile: the hardened pod, the workload kinds (apps, workers,
 * jobs, cron jobs) and each workload's own NetworkPolicy, PodDisruptionBudget and autoscaler.
 *
 * The border with `lib/network/defaults.ts`: what a workload needs is here (including the cluster DNS every
 * workload's NetworkPolicy allows), what only the namespace, entry and cluster-wide network constructs need is
 * there. Kubernetes facts that are not opinions (syntax, API enumerations, limits) are in
 * `lib/internal/names.ts`. Constructs read their defaults from these files and never inline literals, so the
 * whole policy can be read (and reviewed) in one place. The README's profile table is written from these values.
 */
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { _ProfileValues } from './profile';

/** Replicas of a ProductionApp when `replicas` is not set. */
export const DEFAULT_REPLICAS: _ProfileValues<number> = { dev: 1, staging: 2, prod: 3 };

/** The fewest replicas that keep a workload available through the loss of one pod or node. */
export const MIN_HA_REPLICAS = 2;

/** The lowest replica count allowed (a warning below it in dev, an error in staging and prod). */
export const MIN_REPLICAS: _ProfileValues<number> = { dev: 1, staging: 2, prod: 2 };

/** Default autoscaling bounds when autoscaling is on and a bound is not given. */
export const DEFAULT_AUTOSCALING = {
  minReplicas: { dev: 1, staging: 2, prod: 3 } as _ProfileValues<number>,
  maxReplicas: { dev: 3, staging: 4, prod: 10 } as _ProfileValues<number>,
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
export const PRIORITY_CLASS_NAME: _ProfileValues<string> = {
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

/** The label that names the tool managing an object. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The label prefix the library owns on every object (the Kubernetes recommended labels). */
export const RESERVED_LABEL_PREFIX = 'app.kubernetes.io/';

/** Value of `app.kubernetes.io/managed-by`. */
export const MANAGED_BY = 'cdk8s-production';

/** The default name of an app's main port. */
export const PORT_NAME = 'http';

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
export const DEFAULT_SIZE: _ProfileValues<'small' | 'medium' | 'large'> = { dev: 'small', staging: 'small', prod: 'medium' };

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
  'hpa-replicas': { polaris: ['hpaMinAvailability'], kubeScore: [] as string[], kubeLinter: [] as string[] },
  'host-path-volumes': { polaris: ['hostPathSet'], kubeScore: [] as string[], kubeLinter: ['sensitive-host-mounts'] },
  'run-as-non-root': { polaris: ['runAsRootAllowed'], kubeScore: [] as string[], kubeLinter: ['run-as-non-root'] },
  'high-user-group-id': { polaris: [] as string[], kubeScore: ['container-security-context-user-group-id'], kubeLinter: [] as string[] },
  'network-policy-targets-pods': { polaris: [] as string[], kubeScore: ['networkpolicy-targets-pod'], kubeLinter: [] as string[] },
  'no-plain-secret-data': { polaris: [] as string[], kubeScore: [] as string[], kubeLinter: [] as string[] },
  'stable-api-version': { polaris: [] as string[], kubeScore: ['stable-version'], kubeLinter: [] as string[] },
};

/** Why the dev profile's deliberate relaxations are not findings; recorded on the objects as exemptions. */
export const DEV_RELAXATION_REASONS = {
  singleReplica: 'the dev profile runs fewer than 2 replicas on purpose (Profile.DEV)',
  autoscalerMinimum: 'the dev profile lets the autoscaler scale down below 2 replicas on purpose (Profile.DEV)',
};

// ---------------------------------------------------------------------------------------------------------------
// Workers: long-running workloads that serve no port (ProductionWorker). Replicas, autoscaling, rollout and the
// disruption budget are those of a ProductionApp above; only what differs is here.

/** The `app.kubernetes.io/component` label of a ProductionWorker when `component` is not set. */
export const WORKER_COMPONENT = 'worker';

// ---------------------------------------------------------------------------------------------------------------
// Jobs and cron jobs (ProductionJob, ProductionCronJob)

/** The `app.kubernetes.io/component` label of a job's and a cron job's objects when `component` is not set. */
export const JOB_COMPONENT = { job: 'job', cronJob: 'cron-job' };

/** One run of a ProductionJob or of each Job a ProductionCronJob starts. */
export const JOB_RUN = {
  /** A failed pod is kept (with its logs) and the retry runs in a new pod. */
  restartPolicy: kplus.RestartPolicy.NEVER,
  /** Retries before the Job is marked failed: a run that fails four times in a row is not a passing hiccup (Kubernetes: 6). */
  backoffLimit: 3,
  /** No Service routes to a job, so there is nothing to drain before SIGTERM. */
  preStopDelay: Duration.seconds(0),
};

/**
 * A finished standalone Job (and its pods) is deleted after a day: long enough to read its status and logs, and
 * kube-linter's job-ttl-seconds-after-finished is satisfied. A cron job's Jobs are cleaned up by its history
 * limits instead (kube-linter flags a TTL there).
 */
export const JOB_TTL_AFTER_FINISHED = Duration.days(1);

/** The schedule policy of a ProductionCronJob. */
export const CRON_JOB = {
  /** Schedules do not depend on the time zone of the kube-controller-manager. */
  timeZone: 'Etc/UTC',
  /** A run never starts while the previous one is still running. */
  concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
  /**
   * A run that could not start within 5 minutes of its time is skipped, so missed runs do not pile up after an
   * outage (kube-score cronjob-has-deadline; cdk8s-plus's 10 seconds skips runs on a busy controller).
   */
  startingDeadline: Duration.minutes(5),
};

/** How many hex digits of an image digest make the version label of a digest-pinned image. */
export const DIGEST_VERSION_LENGTH = 12;
