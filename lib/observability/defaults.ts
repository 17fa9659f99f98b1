import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { _ProfileValues } from '../profile';

// Every opinion of the observability area. Sources: ../shared/research/observability.md (kube-prometheus,
// kubernetes-mixin, prometheus-operator CRDs v0.93.0, the SRE workbook / Sloth burn-rate tiers).

/** The namespace the stack runs in. */
export const STACK_NAMESPACE = 'observability';

/** The name of the Prometheus and Alertmanager custom resources. */
export const STACK_NAME = 'main';

/**
 * The label every ServiceMonitor, PodMonitor, PrometheusRule the library emits carries, and that the Prometheus
 * selectors match: a null selector matches nothing, `{}` matches every monitor of every stack.
 */
export const STACK_LABEL = 'observability.platform.example.com/stack';

/** The label the Grafana dashboard sidecar loads ConfigMaps by (kube-prometheus-stack's convention). */
export const DASHBOARD_LABEL = { key: 'grafana_dashboard', value: '1' };

/** Pinned versions; kube-prometheus pins both `version` and `image`. */
export const PROMETHEUS_VERSION = 'v3.13.2';
export const PROMETHEUS_IMAGE = `quay.io/prometheus/prometheus:${PROMETHEUS_VERSION}`;
export const ALERTMANAGER_VERSION = 'v0.28.1';
export const ALERTMANAGER_IMAGE = `quay.io/prometheus/alertmanager:${ALERTMANAGER_VERSION}`;

/** Prometheus replicas: an HA pair outside dev. The operator drops the replica label on alerts itself. */
export const PROMETHEUS_REPLICAS: _ProfileValues<number> = { dev: 1, staging: 2, prod: 2 };

/** Alertmanager replicas: 3 gossip in a cluster outside dev. */
export const ALERTMANAGER_REPLICAS: _ProfileValues<number> = { dev: 1, staging: 3, prod: 3 };

/** How long Prometheus keeps samples (the CRD's default is 24h, shorter than the 3d SLO window). */
export const PROMETHEUS_RETENTION: _ProfileValues<Duration> = { dev: Duration.days(15), staging: Duration.days(15), prod: Duration.days(30) };

/** The longest window a generated rule reads: retention must be at least this. */
export const LONGEST_RULE_WINDOW = Duration.days(3);

/** The size of each Prometheus replica's volume. */
export const PROMETHEUS_STORAGE: _ProfileValues<Size> = { dev: Size.gibibytes(10), staging: Size.gibibytes(20), prod: Size.gibibytes(50) };

/** `retentionSize` as a share of the volume: WAL and compaction need headroom. */
export const RETENTION_SIZE_SHARE = 0.85;

/** Prometheus memory (request = limit) and CPU request; memory grows with the number of series. */
export const PROMETHEUS_RESOURCES: _ProfileValues<{ cpu: string; memory: string }> = {
  dev: { cpu: '100m', memory: '512Mi' },
  staging: { cpu: '200m', memory: '1Gi' },
  prod: { cpu: '200m', memory: '2Gi' },
};

/** Alertmanager resources (kube-prometheus: requests 4m/100Mi, limits 100m/100Mi). */
export const ALERTMANAGER_RESOURCES = { cpu: '10m', cpuLimit: '100m', memory: '100Mi' };

/** The pod security context of Prometheus and Alertmanager (kube-prometheus, plus seccomp for PSS restricted). */
export const MONITORING_POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: 'RuntimeDefault' };

/** The Prometheus web port, the config-reloader port, and the Alertmanager web and gossip ports. */
export const PORTS = { prometheus: 9090, reloader: 8080, alertmanager: 9093, gossip: 9094 };

/** The labels the operator puts on the pods it creates, by kind; the name label is `operator.prometheus.io/name`. */
export const OPERATOR_POD_NAME_LABEL = 'operator.prometheus.io/name';

/** The service discovery role: Endpoints is deprecated from Kubernetes 1.33. */
export const SERVICE_DISCOVERY_ROLE = 'EndpointSlice';

/** Why the stack's Prometheus and Alertmanager pods may open connections anywhere. */
export const EGRESS_ALL_REASONS = {
  prometheus: 'Prometheus scrapes targets in every namespace, the kubelets and the API server; the targets are not all known at synth time',
  alertmanager: 'Alertmanager sends notifications to receivers outside the cluster',
};

/** The rule-pack findings on the stack's own objects that are expected, with the reason recorded on the object. */
export const STACK_EXEMPTIONS = {
  operatorPods: {
    ruleId: 'network-policy-targets-pods' as const,
    reason: 'the Prometheus Operator creates the pods this policy selects (from the Prometheus and Alertmanager resources); they are not in the manifest',
  },
  rootConfig: {
    ruleId: 'no-plain-secret-data' as const,
    reason: 'the Alertmanager root configuration holds routes and file paths only; every credential is a key of a Secret the operator mounts',
  },
};

/**
 * The kubelet and cAdvisor scrape (kube-prometheus `kubernetesControlPlane-serviceMonitorKubelet.yaml`): the Service
 * the operator keeps for the kubelets (`--kubelet-service=kube-system/kubelet`), over HTTPS with the ServiceAccount
 * token. The kubelets' serving certificates are self-signed on most clusters, hence no verification.
 */
export const KUBELET_SCRAPE = {
  namespace: 'kube-system',
  serviceLabels: { 'app.kubernetes.io/name': 'kubelet' },
  port: 'https-metrics',
  paths: ['/metrics', '/metrics/cadvisor'],
  tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
};

/** The scrape interval the library's monitors use (the CRD default is 30s too, written out for clarity). */
export const SCRAPE_INTERVAL = Duration.seconds(30);

/** The default metrics path. */
export const METRICS_PATH = '/metrics';

/** Alertmanager root route timings (kube-prometheus). */
export const ROUTE_TIMING = { groupWait: '30s', groupInterval: '5m', repeatInterval: '12h', criticalRepeatInterval: '4h', watchdogRepeatInterval: '5m' };

/** Alerts are grouped per namespace and alert name: one page per problem, not one per namespace. */
export const ROUTE_GROUP_BY = ['namespace', 'alertname'];

/** Where the operator mounts each Secret of `spec.secrets`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/** The runbook base of the kubernetes-mixin alerts. */
export const RUNBOOK_BASE = 'https://runbooks.prometheus-operator.dev/runbooks';

/** The `job` label kube-state-metrics series carry (kube-prometheus' ServiceMonitor). */
export const KSM_JOB = 'job="kube-state-metrics"';

/** The cAdvisor series selector (kubelet scraped at /metrics/cadvisor). */
export const CADVISOR = 'job="kubelet", metrics_path="/metrics/cadvisor"';

/** Per-workload alert timings and thresholds (kubernetes-mixin, scoped to one workload). */
export const WORKLOAD_ALERTS = {
  crashLoopingFor: '15m',
  replicasMismatchFor: '15m',
  unavailableFor: '5m',
  rolloutStuckFor: '15m',
  containerWaitingFor: '1h',
  hpaMaxedOutFor: '15m',
  pdbAtLimitFor: '15m',
  jobFailedFor: '15m',
  targetDownFor: '10m',
  metricsAbsentFor: '15m',
  memoryNearLimitFor: '15m',
  /** Share of the memory limit that warns. */
  memoryNearLimit: 0.9,
  /** Percent of targets down that warns. */
  targetDownPercent: 10,
};

/** The request metrics an app declares for its golden signals (Prometheus client conventions). */
export const REQUEST_METRICS = {
  total: 'http_requests_total',
  duration: 'http_request_duration_seconds',
  errorCodes: '5..',
};

/** The SLO recording windows. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/**
 * The four multi-window, multi-burn-rate tiers for a 30-day period (SRE workbook table 5-8 plus Sloth's 1d/2h tier),
 * with kubernetes-mixin's `for`.
 */
export const BURN_RATE_TIERS = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'critical', for: '2m' },
  { long: '6h', short: '30m', factor: 6, severity: 'critical', for: '15m' },
  { long: '1d', short: '2h', factor: 3, severity: 'warning', for: '1h' },
  { long: '3d', short: '6h', factor: 1, severity: 'warning', for: '3h' },
];

/** Grafana datasource uids, fixed so that dashboards never depend on a datasource's generated uid. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', loki: 'loki' };

/** The dashboard JSON schema version written. */
export const DASHBOARD_SCHEMA_VERSION = 39;

/** The dashboard grid width (Grafana's). */
export const DASHBOARD_COLUMNS = 24;

// ---------------------------------------------------------------------------------------------------------------
// The stack's own pods: Grafana, kube-state-metrics, Loki and Alloy, on the library's hardened workload kinds.
// Image versions looked up in November 2026 (release tags of each project).

/** A Secret key that must be a valid key of a Secret's data. */
export const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

/** Grafana: the image, its port, health endpoint and the paths it writes (the root filesystem is read-only). */
export const GRAFANA = {
  name: 'grafana',
  image: 'docker.io/grafana/grafana:12.3.0',
  port: 3000,
  healthPath: '/api/health',
  /** `/var/lib/grafana` holds SQLite and plugins; `/tmp` is where the plugin installer unpacks. */
  writablePaths: ['/var/lib/grafana', '/tmp'],
  provisioningPath: '/etc/grafana/provisioning',
  /** The default key of the admin password in its Secret. */
  adminPasswordKey: 'admin-password',
  adminUser: 'admin',
  /** Replicas with an external database; without one, SQLite allows one. */
  haReplicas: 2,
  singleReplicaReason: 'Grafana keeps its state in an embedded SQLite database, which only one replica may open; give \'database\' for two replicas',
  /** Everything is provisioned, and nothing is sent to grafana.com. */
  env: {
    GF_LOG_MODE: 'console',
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    GF_AUTH_ANONYMOUS_ENABLED: 'false',
    GF_USERS_ALLOW_SIGN_UP: 'false',
  },
};

/** The sidecar that loads dashboards from labelled ConfigMaps (the grafana Helm chart's, kiwigrid/k8s-sidecar). */
export const DASHBOARD_SIDECAR = {
  name: 'dashboards',
  image: 'quay.io/kiwigrid/k8s-sidecar:2.2.1',
  /** The folder shared with Grafana, where the sidecar writes each dashboard's JSON. */
  folder: '/var/lib/grafana-dashboards',
  /** The sidecar's /healthz (kiwigrid/k8s-sidecar#417, merged 2025-08) is ready after the first sync; liveness is a TCP check of that port. */
  healthPort: 8080,
  healthPortName: 'sidecar-health',
  healthPath: '/healthz',
  resources: {
    cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(50) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(128) },
  } as kplus.ContainerResources,
};

/** kube-state-metrics: unsharded, one replica, the resources it exports and the API groups they live in. */
export const KUBE_STATE_METRICS = {
  name: 'kube-state-metrics',
  image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0',
  port: 8080,
  telemetryPort: 8081,
  portName: 'http-metrics',
  telemetryPortName: 'telemetry',
  livenessPath: '/livez',
  readinessPath: '/readyz',
  singleReplicaReason: 'kube-state-metrics is not sharded: a second replica would export every series twice',
  /** Only what the library's alerts and dashboards read; every one needs list and watch, nothing else. */
  resources: [
    { apiGroup: '', resources: ['nodes', 'pods', 'persistentvolumeclaims', 'namespaces'] },
    { apiGroup: 'apps', resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
    { apiGroup: 'batch', resources: ['jobs', 'cronjobs'] },
    { apiGroup: 'autoscaling', resources: ['horizontalpodautoscalers'] },
    { apiGroup: 'policy', resources: ['poddisruptionbudgets'] },
  ],
};

/**
 * Single-binary (monolithic) Loki: one StatefulSet pod with the filesystem store on its volume, for up to about
 * 20GB of logs a day (grafana/loki `docs/sources/get-started/deployment-modes.md`).
 */
export const LOKI = {
  name: 'loki',
  image: 'docker.io/grafana/loki:3.7.3',
  port: 3100,
  grpcPort: 9095,
  grpcPortName: 'grpc',
  readinessPath: '/ready',
  configPath: '/etc/loki',
  configFile: 'loki.yaml',
  dataPath: '/var/loki',
  claimName: 'data',
  pushPath: '/loki/api/v1/push',
  singleReplicaReason: 'single-binary Loki keeps its index and chunks on its own volume, which one replica may write; '
    + 'the scalable mode needs object storage',
  /** A past date, never edited: a schema change adds an entry with a future date. */
  schemaFrom: '2024-04-01',
  /** How old a pushed line may be. */
  rejectOldSamplesMaxAge: Duration.days(7),
  /** Lines a Grafana query returns at most. */
  maxLines: 1000,
};

/** How long Loki keeps logs (the compactor deletes older chunks). */
export const LOKI_RETENTION: _ProfileValues<Duration> = { dev: Duration.days(7), staging: Duration.days(14), prod: Duration.days(31) };

/** The size of the Loki volume. */
export const LOKI_STORAGE: _ProfileValues<Size> = { dev: Size.gibibytes(10), staging: Size.gibibytes(20), prod: Size.gibibytes(50) };

/**
 * Grafana Alloy as the log collector, tailing pod logs through the Kubernetes API (`loki.source.kubernetes`), so
 * it needs no host path and runs at Pod Security restricted. Two replicas share the targets (clustering).
 */
export const ALLOY = {
  name: 'alloy',
  image: 'docker.io/grafana/alloy:v1.19.1',
  port: 12345,
  replicas: 2,
  readinessPath: '/-/ready',
  configPath: '/etc/alloy',
  configFile: 'config.alloy',
  storagePath: '/var/lib/alloy',
  /** The headless Service the replicas find each other through. */
  clusterServiceSuffix: 'cluster',
  /** The log labels: the dashboards' log panels join on `namespace` and `app`. */
  labels: {
    namespace: '__meta_kubernetes_namespace',
    app: '__meta_kubernetes_pod_label_app_kubernetes_io_name',
    pod: '__meta_kubernetes_pod_name',
    container: '__meta_kubernetes_pod_container_name',
  },
  /** Pods that no longer run: tailing them keeps loki.source.kubernetes in a retry loop. */
  droppedPhases: 'Pending|Succeeded|Failed|Unknown',
  /** Host-path tailing (`HostPathTailingOptions`): a DaemonSet in a namespace of its own. */
  hostPath: {
    /** The collector's namespace: `<stack namespace>-<suffix>`. */
    namespaceSuffix: 'logs',
    /** The kubelet's pod log directory, mounted read-only. */
    logsPath: '/var/log/pods',
    /** The volume of the log directory. */
    volumeName: 'pod-logs',
    /** The node the pod runs on, for the node-local discovery. */
    nodeNameEnv: 'NODE_NAME',
    /**
     * Root, without capabilities: the kubelet writes the log files root-owned and 0640, so only their owner reads
     * them; root without CAP_DAC_OVERRIDE reads what root owns and nothing else.
     */
    user: 0,
    /** Per node; the positions file is in an emptyDir. */
    resources: {
      cpu: { request: 100, limit: 500 },
      memoryMebibytes: { request: 128, limit: 512 },
      ephemeralStorageGibibytes: { request: 1, limit: 2 },
    },
  },
};
