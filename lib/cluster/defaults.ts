/**
 * Every opinion about the cluster blueprint (`ProductionCluster`): the control plane, the API server hardening, the
 * worker pools, the health checks and the version policy.
 *
 * Constructs under `lib/cluster/` read their defaults from here and never inline literals. The facts behind each
 * value are in `../shared/research/cluster-blueprint.md` (Cluster API v1.14.0, v1beta2 shapes; CIS Kubernetes
 * Benchmark 1.12 ids in the comments).
 */

// ---------------------------------------------------------------------------------------------------------------
// API groups and versions (Cluster API v1beta2; the infrastructure providers' own versions)

/** The Cluster API core group and version. */
export const CAPI_GROUP = 'cluster.x-k8s.io';
/** The Cluster API version every object is emitted at. */
export const CAPI_VERSION = 'v1beta2';
/** The kubeadm control plane provider's group. */
export const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
/** The kubeadm bootstrap provider's group. */
export const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';
/** The infrastructure providers' group (AWS, vSphere, ...). */
export const INFRASTRUCTURE_GROUP = 'infrastructure.cluster.x-k8s.io';
/** Cluster API AWS (CAPA) serves its AWSCluster and AWSMachineTemplate at v1beta2. */
export const AWS_API_VERSION = `${INFRASTRUCTURE_GROUP}/v1beta2`;
/** Cluster API vSphere (CAPV) serves its VSphereCluster and VSphereMachineTemplate at v1beta1. */
export const VSPHERE_API_VERSION = `${INFRASTRUCTURE_GROUP}/v1beta1`;

// ---------------------------------------------------------------------------------------------------------------
// Versions

/** The workload-cluster minors Cluster API v1.14 supports (BOOK-VER). */
export const SUPPORTED_MINORS = { min: 31, max: 36 };
/** kubelet may be up to 3 minors older than kube-apiserver since Kubernetes 1.28 (K8S-SKEW). */
export const MAX_KUBELET_SKEW = 3;
/** The control plane is upgraded one minor at a time (BOOK-UPG, K8S-SKEW). */
export const MAX_CONTROL_PLANE_STEP = 1;

// ---------------------------------------------------------------------------------------------------------------
// Control plane (KubeadmControlPlane)

/** Stacked etcd needs an odd number of members; 3 tolerates one failure, 5 two (CRD-KCP, KCP-WH, K8S-HA). */
export const CONTROL_PLANE_REPLICAS = { default: 3, allowed: [3, 5] };
/** Create one new machine, then delete one old one: strictly sequential (KCP-WH, KCP-PROP). */
export const CONTROL_PLANE_MAX_SURGE = 1;
/** Roll a machine whose certificates expire within this many days (BOOK-CERT; the CRD's minimum is 7). */
export const CERTIFICATES_EXPIRY_DAYS = { default: 21, min: 7 };
/** The validity of the certificates kubeadm issues (CRD-KCP: 1 to 1095 days). */
export const CERTIFICATE_VALIDITY_DAYS = { default: 365, min: 1, max: 1095 };
/** Remediation limits: without maxRetry, KCP retries forever (CRD-KCP, BOOK-MHC). */
export const CONTROL_PLANE_REMEDIATION = { maxRetry: 5, retryPeriodSeconds: 300, minHealthyPeriodSeconds: 3600 };
/** A bounded drain keeps a stuck PodDisruptionBudget from blocking a control-plane upgrade forever (CRD-KCP). */
export const CONTROL_PLANE_DELETION = { nodeDrainTimeoutSeconds: 600, nodeVolumeDetachTimeoutSeconds: 300, nodeDeletionTimeoutSeconds: 10 };
/** etcd's data directory (kubeadm default, created 0700: CIS 1.1.11). */
export const ETCD_DATA_DIR = '/var/lib/etcd';
/** etcd's backend quota: 8 GiB, etcd's recommended upper bound (etcd's default is 2 GiB). */
export const ETCD_QUOTA_BYTES = { default: 8 * 1024 ** 3, min: 2 * 1024 ** 3, max: 8 * 1024 ** 3 };

// ---------------------------------------------------------------------------------------------------------------
// Cluster network

/** The pod and service ranges (the service range is kubeadm's default) and the cluster domain. */
export const CLUSTER_NETWORK = { pods: '10.244.0.0/16', services: '10.96.0.0/12', serviceDomain: 'cluster.local', apiServerPort: 6443 };

// ---------------------------------------------------------------------------------------------------------------
// API server hardening

/** Where the generated hardening files live on control-plane nodes (one read-only volume for all of them). */
export const HARDENING_DIR = '/etc/kubernetes/hardening';
/** Where the audit log is written (a writable volume). */
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';
/** Generated files are readable by root only (K8S-ENC caution, CIS 1.1.x). */
export const FILE_OWNER = 'root:root';
/** The mode of the generated files. */
export const FILE_PERMISSIONS = '0600';
/** The largest inline file content the KubeadmConfigSpec accepts (CRD-KCP `files[].content` maxLength). */
export const MAX_FILE_CONTENT = 10240;
/** The most files a KubeadmConfigSpec accepts (CRD-KCP `files` maxItems). */
export const MAX_FILES = 200;
/** The most extra args per component (CRD-KCP `extraArgs` maxItems) and the longest value. */
export const MAX_EXTRA_ARGS = { items: 100, valueLength: 1024 };

/** Audit log retention (CIS 1.2.17-1.2.19). */
export const AUDIT_LOG = { maxAgeDays: 30, maxBackups: 10, maxSizeMiB: 100 };

/**
 * The admission plugins enabled on top of kubeadm's: the flag replaces kubeadm's value, so NodeRestriction is
 * always repeated (KUBEADM-SRC, CIS 1.2.14); DenyServiceExternalIPs is CIS 1.2.3.
 */
export const ADMISSION_PLUGINS = { always: 'NodeRestriction', defaults: ['NodeRestriction', 'DenyServiceExternalIPs'] };

/** Namespaces Pod Security admission exempts by default (BOOK-PSS). */
export const POD_SECURITY_EXEMPT_NAMESPACES = ['kube-system'];

/** The paths anonymous requests may reach: health checks and kubeadm's join discovery (KEP-4633, kubeadm#1105). */
export const ANONYMOUS_PATHS = ['/livez', '/readyz', '/healthz', '/api/v1/namespaces/kube-public/configmaps/cluster-info'];

/** The AuthenticationConfiguration version that has `anonymous`, by minor (KEP-4633: alpha 1.31, beta 1.32, GA 1.34). */
export const AUTHENTICATION_CONFIG_VERSIONS = [
  { fromMinor: 34, apiVersion: 'apiserver.config.k8s.io/v1', featureGate: undefined },
  { fromMinor: 32, apiVersion: 'apiserver.config.k8s.io/v1beta1', featureGate: undefined },
  { fromMinor: 31, apiVersion: 'apiserver.config.k8s.io/v1alpha1', featureGate: 'AnonymousAuthConfigurableEndpoints=true' },
];

/** The TLS 1.2 cipher suites allowed (ECDHE with AES-GCM or ChaCha20 only: the strong subset of CIS 1.2.29). */
export const STRONG_CIPHER_SUITES = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

/** etcd speaks the same ciphers, minus ChaCha20. */
export const ETCD_CIPHER_SUITES = STRONG_CIPHER_SUITES.filter((c) => !c.includes('CHACHA20'));

/** The request timeout (CIS 1.2.20: the default, stated for scanners). */
export const REQUEST_TIMEOUT = '60s';

/** What the EncryptionConfiguration encrypts (K8S-ENC: not `*.*`, a KMS outage would then block everything). */
export const ENCRYPTED_RESOURCES = ['secrets'];
/** The KMS v2 plugin's call timeout. */
export const KMS_TIMEOUT = '3s';
/** The data key in the encryption Secret. */
export const ENCRYPTION_SECRET_KEY = 'encryption-config.yaml';

/** controller-manager (CIS 1.3.1) garbage-collects terminated pods above this count. */
export const TERMINATED_POD_GC_THRESHOLD = '1000';

/**
 * kubelet flags on every node: no read-only port (CIS 4.2.4), no anonymous requests (4.2.1), kernel defaults
 * protected (4.2.6), serving certificates rotated (4.2.12; needs a CSR approver for kubelet-serving CSRs); the cloud
 * provider's controller manager runs out of tree (the in-tree providers are gone since Kubernetes 1.31).
 */
export const KUBELET_ARGS = [
  { name: 'cloud-provider', value: 'external' },
  { name: 'anonymous-auth', value: 'false' },
  { name: 'authorization-mode', value: 'Webhook' },
  { name: 'read-only-port', value: '0' },
  { name: 'protect-kernel-defaults', value: 'true' },
  { name: 'rotate-server-certificates', value: 'true' },
  { name: 'event-qps', value: '5' },
];

/** The kernel settings kubelet checks when it protects kernel defaults (it refuses to start otherwise). */
export const KUBELET_SYSCTLS = { path: '/etc/sysctl.d/90-kubelet.conf', lines: ['vm.overcommit_memory=1', 'vm.panic_on_oom=0', 'kernel.panic=10', 'kernel.panic_on_oops=1',
  'kernel.keys.root_maxkeys=1000000', 'kernel.keys.root_maxbytes=25000000'] };

// ---------------------------------------------------------------------------------------------------------------
// Worker pools and health checks

/** One node is added before one is removed; capacity never drops (CRD-MD, BOOK-UPG). */
export const POOL_ROLLOUT = { maxSurge: 1, maxUnavailable: 0, minReadySeconds: 60, maxInFlight: 1 };
/** 0 = drains wait for PodDisruptionBudgets; detach and deletion are bounded (CRD-MD, BOOK-DEL). */
export const POOL_DELETION = { nodeDrainTimeoutSeconds: 0, nodeVolumeDetachTimeoutSeconds: 600, nodeDeletionTimeoutSeconds: 10 };
/** Autoscaler bounds per zone. */
export const POOL_SIZE = { min: 1, max: 10 };
/** The cluster-autoscaler annotations on a MachineDeployment (CA-README). */
export const AUTOSCALER_ANNOTATIONS = {
  min: 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size',
  max: 'cluster.x-k8s.io/cluster-api-autoscaler-node-group-max-size',
};
/** The labels Cluster API sets and matches. */
export const CAPI_LABELS = {
  clusterName: 'cluster.x-k8s.io/cluster-name',
  deploymentName: 'cluster.x-k8s.io/deployment-name',
  controlPlane: 'cluster.x-k8s.io/control-plane',
};
/** The label the library puts on every machine of a pool; the pool's health check selects it. */
export const POOL_LABEL = 'platform.example.com/pool';
/** Health checks: Ready Unknown/False for 5 minutes; startup timeouts; short-circuits (BOOK-MHC). */
export const HEALTH_CHECKS = {
  readyTimeoutSeconds: 300,
  controlPlane: { nodeStartupTimeoutSeconds: 1200, unhealthyLessThanOrEqualTo: '100%' },
  workers: { nodeStartupTimeoutSeconds: 600, unhealthyLessThanOrEqualTo: '40%', nodeReadyUnknownSeconds: 1800 },
};
/** Machine condition types a MachineHealthCheck may not watch (CRD-MHC CEL rule). */
export const FORBIDDEN_MACHINE_CONDITIONS = ['Ready', 'Available', 'HealthCheckSucceeded', 'OwnerRemediated', 'ExternallyRemediated'];

/** Topology mode: machine deployments upgraded one at a time (BOOK-ANN). */
export const UPGRADE_CONCURRENCY = { annotation: 'topology.cluster.x-k8s.io/upgrade-concurrency', value: '1' };

// ---------------------------------------------------------------------------------------------------------------
// Providers

/**
 * AWS: an NLB in front of the API server, health-checking `/readyz` over HTTPS (CAPA's default path, which the
 * authentication configuration keeps anonymous); IMDSv2 only, one hop (no pod reaches the instance metadata).
 */
export const AWS = {
  loadBalancerType: 'nlb',
  controlPlaneInstanceProfile: 'control-plane.cluster-api-provider-aws.sigs.k8s.io',
  nodeInstanceProfile: 'nodes.cluster-api-provider-aws.sigs.k8s.io',
  metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
  rootVolume: { size: 50, type: 'gp3', encrypted: true },
};

/** vSphere: kube-vip as a static pod on every control-plane node, in ARP mode with leader election. */
export const KUBE_VIP = {
  image: 'ghcr.io/kube-vip/kube-vip:v0.8.0',
  manifestPath: '/etc/kubernetes/manifests/kube-vip.yaml',
  interface: 'eth0',
  leaseName: 'plndr-cp-lock',
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
  // From Kubernetes 1.29, admin.conf has no rights before kubeadm init finished: kube-vip uses super-admin.conf on
  // the first node during init (nutanix runtime extensions, control-plane-endpoint).
  superAdminFromMinor: 29,
};
/** vSphere machine sizes when a pool names none; full clones do not depend on a snapshot of the VM template. */
export const VSPHERE_MACHINE = { numCPUs: 4, memoryMiB: 16384, diskGiB: 80, cloneMode: 'fullClone' };
