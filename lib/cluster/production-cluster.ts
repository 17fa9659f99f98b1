import { BlockList } from 'net';
import { ApiObject, Duration, Names, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { checkUserArgs } from './_args';
import {
  renderAdmissionConfiguration, renderAuditPolicy, renderAuthenticationConfiguration, renderEncryptionConfiguration, renderSysctls,
} from './_files';
import { MhcSelector, selectorMatches, selectorsDisjoint } from './_selectors';
import { checkSkew, checkVersion, KubeVersion } from './_versions';
import {
  ApiServerHardeningOptions, EncryptionAtRestOptions, KubeadmArg, TlsVersion,
} from './api-server-hardening';
import { ApiServerAccess, ClusterProviderBindOptions, IClusterProvider, KubeadmFile } from './cluster-provider';
import {
  ADMISSION_PLUGINS, AUDIT_LOG, AUDIT_LOG_DIR, AUTHENTICATION_CONFIG_VERSIONS, AUTOSCALER_ANNOTATIONS, BOOTSTRAP_GROUP, CAPI_LABELS, CAPI_VERSION,
  CERTIFICATE_VALIDITY_DAYS, CERTIFICATES_EXPIRY_DAYS, CLUSTER_NETWORK, CONTROL_PLANE_DELETION, CONTROL_PLANE_GROUP, CONTROL_PLANE_MAX_SURGE,
  CONTROL_PLANE_REMEDIATION, CONTROL_PLANE_REPLICAS, ENCRYPTED_RESOURCES, ETCD_CIPHER_SUITES, ETCD_DATA_DIR, ETCD_QUOTA_BYTES, FILE_OWNER,
  FILE_PERMISSIONS, HARDENING_DIR, HEALTH_CHECKS, INFRASTRUCTURE_GROUP, KUBELET_ARGS, KUBELET_SYSCTLS, MAX_EXTRA_ARGS, MAX_FILE_CONTENT, MAX_FILES,
  POD_SECURITY_EXEMPT_NAMESPACES, POOL_DELETION, POOL_LABEL, POOL_ROLLOUT, POOL_SIZE, REQUEST_TIMEOUT, STRONG_CIPHER_SUITES,
  TERMINATED_POD_GC_THRESHOLD, UPGRADE_CONCURRENCY,
} from './defaults';
import { WorkerPoolOptions } from './worker-pool';
import {
  ClusterClassV1Beta2, ClusterClassV1Beta2SpecControlPlaneHealthCheckRemediationTriggerIfUnhealthyLessThanOrEqualTo as ClusterClassCpTrigger,
  ClusterClassV1Beta2SpecWorkersMachineDeploymentsHealthCheckChecksUnhealthyMachineConditionsStatus as ClusterClassMachineConditionStatus,
  ClusterClassV1Beta2SpecWorkersMachineDeploymentsHealthCheckRemediationMaxInFlight as ClusterClassMdMaxInFlight,
  ClusterClassV1Beta2SpecWorkersMachineDeploymentsHealthCheckRemediationTriggerIfUnhealthyLessThanOrEqualTo as ClusterClassMdTrigger,
  ClusterClassV1Beta2SpecWorkersMachineDeploymentsRolloutStrategyRollingUpdateMaxSurge as ClusterClassMdMaxSurge,
  ClusterClassV1Beta2SpecWorkersMachineDeploymentsRolloutStrategyRollingUpdateMaxUnavailable as ClusterClassMdMaxUnavailable,
  ClusterClassV1Beta2SpecWorkersMachineDeploymentsRolloutStrategyType as ClusterClassMdRolloutType,
} from '../../imports/clusterclass-cluster.x-k8s.io';
import { ClusterV1Beta2 } from '../../imports/capicluster-cluster.x-k8s.io';
import { KubeadmConfigTemplateV1Beta2 } from '../../imports/kubeadmconfigtemplate-bootstrap.cluster.x-k8s.io';
import {
  KubeadmControlPlaneV1Beta2, KubeadmControlPlaneV1Beta2SpecKubeadmConfigSpec, KubeadmControlPlaneV1Beta2SpecRolloutStrategyRollingUpdateMaxSurge,
  KubeadmControlPlaneV1Beta2SpecRolloutStrategyType,
} from '../../imports/kubeadmcontrolplane-controlplane.cluster.x-k8s.io';
import {
  MachineDeploymentV1Beta2, MachineDeploymentV1Beta2SpecRemediationMaxInFlight, MachineDeploymentV1Beta2SpecRolloutStrategyRollingUpdateMaxSurge,
  MachineDeploymentV1Beta2SpecRolloutStrategyRollingUpdateMaxUnavailable, MachineDeploymentV1Beta2SpecRolloutStrategyType,
} from '../../imports/machinedeployment-cluster.x-k8s.io';
import {
  MachineHealthCheckV1Beta2, MachineHealthCheckV1Beta2SpecChecksUnhealthyMachineConditionsStatus as MhcMachineConditionStatus,
  MachineHealthCheckV1Beta2SpecRemediationTriggerIfUnhealthyLessThanOrEqualTo,
} from '../../imports/machinehealthcheck-cluster.x-k8s.io';
import { PropErrors } from '../internal/errors';
import { PodSecurityLevel } from '../network/production-namespace';
import { isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName, parseCidr } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _namespaceOf, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { shortHash } from '../storage/_helpers';
import { objectMetadata } from '../workload/_metadata';

/**
 * Remediation limits of the control plane: how often KubeadmControlPlane replaces an unhealthy machine.
 */
export interface ControlPlaneRemediationOptions {
  /**
   * How many times a machine is replaced before remediation stops.
   *
   * @default 5
   */
  readonly maxRetry?: number;
  /**
   * How long to wait before replacing the replacement.
   *
   * @default Duration.minutes(5)
   */
  readonly retryPeriod?: Duration;
  /**
   * How long a replacement must stay healthy before its failure counts as a new problem.
   *
   * @default Duration.hours(1)
   */
  readonly minHealthyPeriod?: Duration;
}

/**
 * The local (stacked) etcd on the control-plane nodes.
 */
export interface EtcdOptions {
  /**
   * etcd's data directory; put it on a dedicated low-latency disk.
   *
   * @default '/var/lib/etcd'
   */
  readonly dataDir?: string;
  /**
   * The backend quota (`quota-backend-bytes`); from 2 GiB (etcd's default) to 8 GiB (etcd's recommended maximum).
   *
   * @default Size.gibibytes(8)
   */
  readonly quota?: Size;
  /**
   * Further etcd flags. Names must be unique; `auto-tls`, `peer-auto-tls` and disabling client certificate
   * authentication are errors.
   *
   * @default - none
   */
  readonly extraArgs?: KubeadmArg[];
}

/**
 * Props of a `ProductionCluster`.
 */
export interface ProductionClusterProps {
  /**
   * The cluster's name (a DNS-1123 label of at most 40 characters: the objects' names are derived from it).
   *
   * @default - derived from the construct path
   */
  readonly name?: string;
  /** The infrastructure provider: `AwsClusterProvider`, `VsphereClusterProvider`, or your own. */
  readonly provider: IClusterProvider;
  /** The control plane's Kubernetes version, `vMAJOR.MINOR.PATCH` (v1.31 to v1.36). */
  readonly version: string;
  /**
   * The version the control plane ran before this change; the control plane may move at most one minor from it.
   * Record it when you upgrade, and move it forward once the upgrade finished.
   *
   * @default - no upgrade check
   */
  readonly previousVersion?: string;
  /**
   * Control-plane machines: 3 or 5 (stacked etcd needs an odd number, and at least 3 for a quorum that survives a
   * failure).
   *
   * @default 3
   */
  readonly controlPlaneReplicas?: number;
  /**
   * The provider's machine type for the control plane.
   *
   * @default - the provider's control-plane default
   */
  readonly controlPlaneMachineType?: string;
  /** The failure domains (zones) the cluster spans; the default zones of every pool. At least 3 distinct ones. */
  readonly failureDomains: string[];
  /**
   * Who may reach the API server through the provider's load balancer.
   *
   * @default ApiServerAccess.internalOnly()
   */
  readonly apiServerAccess?: ApiServerAccess;
  /**
   * The pod CIDRs (must match the CNI's, and not overlap the service CIDRs).
   *
   * @default ['10.244.0.0/16']
   */
  readonly podCidrs?: string[];
  /**
   * The service CIDRs.
   *
   * @default ['10.96.0.0/12']
   */
  readonly serviceCidrs?: string[];
  /**
   * The API server port.
   *
   * @default 6443
   */
  readonly apiServerPort?: number;
  /**
   * Roll a control-plane machine whose certificates expire within this many days (at least 7).
   *
   * @default 21
   */
  readonly certificatesExpiryDays?: number;
  /**
   * The validity of the certificates kubeadm issues, in days (1 to 1095), more than `certificatesExpiryDays`.
   *
   * @default 365
   */
  readonly certificateValidityDays?: number;
  /**
   * Remediation limits of the control plane.
   *
   * @default - 5 retries, 5 minutes apart, healthy for an hour resets the count
   */
  readonly remediation?: ControlPlaneRemediationOptions;
  /**
   * How long a control-plane node is drained before it is removed anyway.
   *
   * @default Duration.minutes(10)
   */
  readonly controlPlaneDrainTimeout?: Duration;
  /**
   * How long volumes of a removed control-plane node may take to detach.
   *
   * @default Duration.minutes(5)
   */
  readonly controlPlaneVolumeDetachTimeout?: Duration;
  /**
   * The local etcd.
   *
   * @default - /var/lib/etcd, 8 GiB quota
   */
  readonly etcd?: EtcdOptions;
  /**
   * API server hardening.
   *
   * @default - the CIS-aligned defaults of each field
   */
  readonly apiServer?: ApiServerHardeningOptions;
  /** Encryption of Secrets at rest. */
  readonly encryption: EncryptionAtRestOptions;
  /** The worker pools; at least one. */
  readonly pools: WorkerPoolOptions[];
  /**
   * Further kubelet flags on control-plane nodes.
   *
   * @default - none
   */
  readonly kubeletExtraArgs?: KubeadmArg[];
  /**
   * Emit a ClusterClass and a Cluster with `spec.topology` instead of the KubeadmControlPlane and
   * MachineDeployments: Cluster API then upgrades the control plane, then each pool in order, from the one version.
   * Needs the `ClusterTopology` feature gate (`CLUSTER_TOPOLOGY=true`) on the management cluster.
   *
   * @default false
   */
  readonly topology?: boolean;
}

/** A pool after defaults. */
interface ResolvedPool {
  readonly options: WorkerPoolOptions;
  readonly name: string;
  readonly zones: string[];
  readonly min: number;
  readonly max: number;
  readonly version: string;
  readonly labels: { [key: string]: string };
  readonly selector: MhcSelector;
}

/**
 * A highly available, hardened workload cluster on Cluster API v1beta2 with kubeadm: a Cluster, a
 * KubeadmControlPlane of 3 or 5 stacked-etcd machines behind the provider's load balancer, a MachineDeployment per
 * pool and zone scaled by the cluster-autoscaler, and a MachineHealthCheck for the control plane and for each pool.
 *
 * The API server is hardened to the CIS Kubernetes Benchmark: audit log, Secrets encrypted at rest with the keys in
 * an ExternalSecret or SealedSecret, profiling off, NodeRestriction, Pod Security admission, anonymous requests
 * limited to the health endpoints, TLS 1.2 or newer with strong ciphers; kubelets run without the read-only port or
 * anonymous access. Anything that would weaken this is an error.
 *
 * Upgrades follow the version skew policy (checked from `version`, `previousVersion` and the pools' versions);
 * `runbook()` renders the upgrade procedure.
 *
 * @see https://cluster-api.sigs.k8s.io/tasks/control-plane/kubeadm-control-plane
 * @see https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/
 * @example
 * const cluster = new ProductionCluster(chart, 'Prod', {
 *   name: 'prod-eu1',
 *   provider: new AwsClusterProvider({ region: 'eu-west-1' }),
 *   version: 'v1.33.4',
 *   failureDomains: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
 *   apiServerAccess: ApiServerAccess.internalOnly(['10.0.0.0/16']),
 *   encryption: {
 *     secret: EncryptionConfigSecret.externalSecretNamed('prod-eu1-encryption-v1'),
 *     localKeyNames: ['key_2026_01'],
 *   },
 *   pools: [{ name: 'general', minPerZone: 2, maxPerZone: 10 }],
 * });
 */
export class ProductionCluster extends Construct {
  /** The cluster's name. */
  public readonly name: string;
  /** The control plane's version. */
  public readonly version: string;
  /** The recorded previous version, if any. */
  public readonly previousVersion?: string;
  /** The number of control-plane machines. */
  public readonly controlPlaneReplicas: number;
  /** Who may reach the API server. */
  public readonly apiServerAccess: ApiServerAccess;
  /** The pod CIDRs. */
  public readonly podCidrs: string[];
  /** The service CIDRs. */
  public readonly serviceCidrs: string[];
  /** The failure domains. */
  public readonly failureDomains: string[];
  /** The names of the pools, in order. */
  public readonly poolNames: string[];
  /** Whether the cluster is emitted in topology (ClusterClass) mode. */
  public readonly topology: boolean;
  /** The kube-apiserver flags the control plane runs with (the library's and the user's). */
  public readonly apiServerArgs: KubeadmArg[];
  /** The Cluster (`cluster.x-k8s.io/v1beta2`). */
  public readonly cluster: ApiObject;
  /** The provider's cluster object (AWSCluster, VSphereCluster, ...; in topology mode its template). */
  public readonly infrastructureCluster: ApiObject;
  /** The KubeadmControlPlane (raw mode); in topology mode, the KubeadmControlPlaneTemplate. */
  public readonly controlPlane: ApiObject;
  /** The control plane's machine template. */
  public readonly controlPlaneMachineTemplate: ApiObject;
  /** The ClusterClass (topology mode). */
  public readonly clusterClass?: ApiObject;
  /** The MachineDeployments, one per pool and zone, in pool then zone order (raw mode). */
  public readonly machineDeployments: ApiObject[] = [];
  /** The KubeadmConfigTemplates, one per pool. */
  public readonly bootstrapTemplates: ApiObject[] = [];
  /** The worker machine templates, one per pool. */
  public readonly workerMachineTemplates: ApiObject[] = [];
  /** The MachineHealthChecks: the control plane's first, then one per pool (raw mode). */
  public readonly healthChecks: ApiObject[] = [];

  private readonly provider: IClusterProvider;
  private readonly pools: ResolvedPool[];
  private readonly encryptionOptions: EncryptionAtRestOptions;
  private readonly namespaceName?: string;

  public constructor(scope: Construct, id: string, props: ProductionClusterProps) {
    super(scope, _uniqueId(scope, id, 'ProductionCluster'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionCluster', profile);
    assertPropTypes(errors, props, 'ProductionClusterProps');

    this.name = props.name ?? Names.toDnsLabel(this, { maxLen: 40 });
    this.namespaceName = _namespaceOf(this);
    this.provider = props.provider;
    this.version = props.version;
    this.previousVersion = props.previousVersion;
    this.controlPlaneReplicas = props.controlPlaneReplicas ?? CONTROL_PLANE_REPLICAS.default;
    this.apiServerAccess = props.apiServerAccess ?? ApiServerAccess.internalOnly();
    this.podCidrs = props.podCidrs ?? [CLUSTER_NETWORK.pods];
    this.serviceCidrs = props.serviceCidrs ?? [CLUSTER_NETWORK.services];
    this.failureDomains = props.failureDomains;
    this.topology = props.topology ?? false;
    this.encryptionOptions = props.encryption;
    const port = props.apiServerPort ?? CLUSTER_NETWORK.apiServerPort;

    errors.checkName(props.name, this.name, isDns1123Label(this.name) && this.name.length <= 40, 'a DNS-1123 label of at most 40 characters',
      'use lowercase letters, digits and \'-\'; the longest derived name adds a pool and a zone');
    errors.checkDnsLabel('namespace of the chart', this.namespaceName);

    // Versions and skew
    const cpVersion = checkVersion(errors, 'version', props.version);
    const previous = checkVersion(errors, 'previousVersion', props.previousVersion);
    errors.check(!CONTROL_PLANE_REPLICAS.allowed.includes(this.controlPlaneReplicas), 'controlPlaneReplicas', this.controlPlaneReplicas,
      'is not 3 or 5: stacked etcd needs an odd number of members, and at least 3 to survive the loss of one',
      'use 3 (tolerates one failed machine) or 5 (tolerates two)');
    errors.check(!Number.isInteger(port) || port < 1 || port > 65535, 'apiServerPort', port, 'is not a port number', 'use a port from 1 to 65535, e.g. 6443');

    this.checkNetworks(errors);
    this.checkZones(errors, 'failureDomains', props.failureDomains, true);
    this.pools = this.resolvePools(errors, props);
    if (cpVersion !== undefined) {
      const poolVersions: { prop: string; version: KubeVersion }[] = [];
      this.pools.forEach((p, i) => {
        const v = p.options.version === undefined ? cpVersion : checkVersion(errors, `pools[${i}].version`, p.options.version);
        if (v !== undefined) poolVersions.push({ prop: `pools[${i}].version`, version: v });
      });
      checkSkew(errors, cpVersion, previous, poolVersions);
      errors.check(this.topology && this.pools.some((p) => p.version !== props.version), 'pools[].version', this.pools.map((p) => p.version),
        'differ from the control plane, but topology mode runs every machine at the one version', 'remove the pool versions, or turn topology off');
    }

    const expiry = props.certificatesExpiryDays ?? CERTIFICATES_EXPIRY_DAYS.default;
    const validity = props.certificateValidityDays ?? CERTIFICATE_VALIDITY_DAYS.default;
    errors.check(!Number.isInteger(expiry) || expiry < CERTIFICATES_EXPIRY_DAYS.min, 'certificatesExpiryDays', expiry,
      `is not a whole number of at least ${CERTIFICATES_EXPIRY_DAYS.min}`, 'roll machines at least a week before their certificates expire, e.g. 21');
    errors.check(!Number.isInteger(validity) || validity < CERTIFICATE_VALIDITY_DAYS.min || validity > CERTIFICATE_VALIDITY_DAYS.max,
      'certificateValidityDays', validity, `is not a whole number from ${CERTIFICATE_VALIDITY_DAYS.min} to ${CERTIFICATE_VALIDITY_DAYS.max}`, 'use 365');
    errors.check(Number.isInteger(expiry) && Number.isInteger(validity) && expiry >= validity, 'certificatesExpiryDays', expiry,
      `is not less than 'certificateValidityDays' (${validity}), so every machine would roll at once`, 'lower it, or raise the validity');

    const remediation = {
      maxRetry: props.remediation?.maxRetry ?? CONTROL_PLANE_REMEDIATION.maxRetry,
      retryPeriodSeconds: props.remediation?.retryPeriod?.toSeconds() ?? CONTROL_PLANE_REMEDIATION.retryPeriodSeconds,
      minHealthyPeriodSeconds: props.remediation?.minHealthyPeriod?.toSeconds() ?? CONTROL_PLANE_REMEDIATION.minHealthyPeriodSeconds,
    };
    errors.check(!Number.isInteger(remediation.maxRetry) || remediation.maxRetry < 1 || remediation.maxRetry > 100, 'remediation.maxRetry', remediation.maxRetry,
      'is not a whole number from 1 to 100; without a limit, remediation retries forever', 'use a small limit, e.g. 5');
    checkSeconds(errors, 'remediation.retryPeriod', remediation.retryPeriodSeconds, 1);
    checkSeconds(errors, 'remediation.minHealthyPeriod', remediation.minHealthyPeriodSeconds, 60);
    const drain = props.controlPlaneDrainTimeout?.toSeconds() ?? CONTROL_PLANE_DELETION.nodeDrainTimeoutSeconds;
    const detach = props.controlPlaneVolumeDetachTimeout?.toSeconds() ?? CONTROL_PLANE_DELETION.nodeVolumeDetachTimeoutSeconds;
    checkSeconds(errors, 'controlPlaneDrainTimeout', drain, 1, 'a control-plane drain must be bounded, or a stuck PodDisruptionBudget blocks the upgrade');
    checkSeconds(errors, 'controlPlaneVolumeDetachTimeout', detach, 1);

    // Hardening
    const hardening = props.apiServer ?? {};
    const etcd = this.resolveEtcd(errors, props.etcd);
    const encryptionFile = this.checkEncryption(errors, props.encryption);
    const podSecurity = {
      enforce: hardening.podSecurity?.enforce ?? PodSecurityLevel.BASELINE,
      audit: hardening.podSecurity?.audit ?? PodSecurityLevel.RESTRICTED,
      warn: hardening.podSecurity?.warn ?? PodSecurityLevel.RESTRICTED,
      exemptNamespaces: hardening.podSecurity?.exemptNamespaces ?? POD_SECURITY_EXEMPT_NAMESPACES,
    };
    for (const [i, ns] of podSecurity.exemptNamespaces.entries()) errors.checkDnsLabel(`apiServer.podSecurity.exemptNamespaces[${i}]`, ns);
    errors.check(podSecurity.enforce === PodSecurityLevel.PRIVILEGED, 'apiServer.podSecurity.enforce', podSecurity.enforce.value,
      'switches Pod Security enforcement off for every namespace without a label', 'use PodSecurityLevel.BASELINE or RESTRICTED');
    const minor = cpVersion?.minor ?? AUTHENTICATION_CONFIG_VERSIONS[0].fromMinor;
    const authn = AUTHENTICATION_CONFIG_VERSIONS.find((a) => minor >= a.fromMinor) ?? AUTHENTICATION_CONFIG_VERSIONS[0];
    this.apiServerArgs = this.resolveApiServerArgs(errors, hardening, authn.featureGate);
    const kubeletArgs = [...KUBELET_ARGS, ...(props.kubeletExtraArgs ?? [])];
    checkUserArgs(errors, 'kubeletExtraArgs', 'kubelet', props.kubeletExtraArgs, managedKubeletArgs());

    const bind: ClusterProviderBindOptions = {
      clusterName: this.name, namespaceName: this.namespaceName, apiServerPort: port, access: this.apiServerAccess,
      kubernetesVersion: props.version, podCidrs: this.podCidrs, serviceCidrs: this.serviceCidrs,
    };
    for (const p of this.provider.check(bind)) errors.add(p.prop, p.value, p.problem, p.fix);
    errors.check(props.controlPlaneMachineType !== undefined && !this.provider.isMachineType(props.controlPlaneMachineType), 'controlPlaneMachineType',
      props.controlPlaneMachineType, `is not a machine type of the ${this.provider.providerName} provider`, 'use one the provider defines');

    const hardeningFiles: KubeadmFile[] = [
      { path: `${HARDENING_DIR}/audit-policy.yaml`, content: renderAuditPolicy() },
      { path: `${HARDENING_DIR}/admission-config.yaml`,
        content: renderAdmissionConfiguration(podSecurity.enforce.value, podSecurity.audit.value, podSecurity.warn.value, podSecurity.exemptNamespaces) },
      { path: `${HARDENING_DIR}/authentication-config.yaml`, content: renderAuthenticationConfiguration(authn.apiVersion) },
    ];
    const sysctlFile: KubeadmFile = { path: KUBELET_SYSCTLS.path, content: renderSysctls(KUBELET_SYSCTLS.lines), permissions: '0644' };
    errors.check(encryptionFile.length > MAX_FILE_CONTENT, 'encryption', `${encryptionFile.length} characters`,
      `renders an EncryptionConfiguration longer than the ${MAX_FILE_CONTENT} characters a kubeadm file may hold`, 'use fewer local keys');
    errors.throwIfAny();

    // Provider objects
    const providerOut = this.provider.bind(this, 'InfrastructureCluster', bind);
    this.stamp(providerOut.infrastructureCluster, profile);
    const files = [...hardeningFiles, sysctlFile, ...(providerOut.controlPlaneFiles ?? [])];
    for (const f of files) {
      errors.check(f.content.length > MAX_FILE_CONTENT, `file ${f.path}`, `${f.content.length} characters`,
        `is longer than the ${MAX_FILE_CONTENT} characters a kubeadm file may hold (KubeadmConfigSpec files[].content)`,
        'shorten it (fewer exemptions or entries), or deliver it from a Secret');
    }
    errors.check(files.length + 1 > MAX_FILES, 'files', files.length + 1, `are more than the ${MAX_FILES} files a KubeadmConfigSpec may hold`, 'write fewer files');
    errors.throwIfAny();

    const kubeadmConfigSpec = this.kubeadmConfigSpec(files, props.encryption, etcd, kubeletArgs, providerOut.preKubeadmCommands, providerOut.postKubeadmCommands,
      validity);
    const cpTemplateName = `${this.name}-control-plane`;
    const cpMachineTemplate = templateByContent(this, 'ControlPlaneMachineTemplate', cpTemplateName, (name) => this.provider.addMachineTemplate(
      this, 'ControlPlaneMachineTemplate', { name, namespaceName: this.namespaceName, controlPlane: true, machineType: props.controlPlaneMachineType }));
    this.controlPlaneMachineTemplate = this.stamp(cpMachineTemplate, profile);
    const md = (name: string, labels: { [key: string]: string } = {}) => objectMetadata(profile, name, this.namespaceName, { [CAPI_LABELS.clusterName]: this.name, ...labels });

    const rollout = {
      strategy: {
        type: KubeadmControlPlaneV1Beta2SpecRolloutStrategyType.ROLLING_UPDATE,
        rollingUpdate: { maxSurge: KubeadmControlPlaneV1Beta2SpecRolloutStrategyRollingUpdateMaxSurge.fromNumber(CONTROL_PLANE_MAX_SURGE) },
      },
      before: { certificatesExpiryDays: expiry },
    };
    const cpDeletion = { nodeDrainTimeoutSeconds: drain, nodeVolumeDetachTimeoutSeconds: detach,
      nodeDeletionTimeoutSeconds: CONTROL_PLANE_DELETION.nodeDeletionTimeoutSeconds };

    // Worker bootstrap and machine templates (both modes)
    for (const pool of this.pools) {
      const kctId = `${pascal(pool.name)}Bootstrap`;
      const kct = templateByContent(this, kctId, `${this.name}-${pool.name}`, (name) => new KubeadmConfigTemplateV1Beta2(this, kctId, {
        metadata: md(name),
        spec: {
          template: {
            spec: {
              files: [kubeadmFile(sysctlFile)],
              preKubeadmCommands: ['sysctl --system'],
              joinConfiguration: { nodeRegistration: { kubeletExtraArgs: [...KUBELET_ARGS, ...(pool.options.kubeletExtraArgs ?? [])] } },
            },
          },
        },
      }));
      this.bootstrapTemplates.push(kct);
      const mtId = `${pascal(pool.name)}MachineTemplate`;
      const mt = templateByContent(this, mtId, `${this.name}-${pool.name}`, (name) => this.provider.addMachineTemplate(this, mtId, {
        name, namespaceName: this.namespaceName, controlPlane: false, machineType: pool.options.machineType,
      }));
      this.workerMachineTemplates.push(this.stamp(mt, profile));
    }

    const cpHealth = {
      nodeStartupTimeoutSeconds: HEALTH_CHECKS.controlPlane.nodeStartupTimeoutSeconds,
      unhealthyNodeConditions: readyConditions(),
    };

    if (this.topology) {
      const built = this.buildTopology(md, providerOut.infrastructureCluster, kubeadmConfigSpec, rollout, remediation, cpDeletion, cpHealth, port);
      this.infrastructureCluster = built.infrastructureCluster;
      this.controlPlane = built.controlPlane;
      this.clusterClass = built.clusterClass;
      this.cluster = built.cluster;
      this.poolNames = this.pools.map((p) => p.name);
      return;
    }

    this.infrastructureCluster = providerOut.infrastructureCluster;
    this.controlPlane = new KubeadmControlPlaneV1Beta2(this, 'ControlPlane', {
      metadata: md(`${this.name}-control-plane`),
      spec: {
        replicas: this.controlPlaneReplicas,
        version: props.version,
        machineTemplate: {
          spec: {
            infrastructureRef: { apiGroup: INFRASTRUCTURE_GROUP, kind: this.provider.machineTemplateKind, name: cpMachineTemplate.name },
            deletion: cpDeletion,
          },
        },
        rollout,
        remediation,
        kubeadmConfigSpec,
      },
    });
    this.cluster = new ClusterV1Beta2(this, 'Resource', {
      metadata: md(this.name),
      spec: {
        clusterNetwork: this.clusterNetwork(port),
        controlPlaneRef: { apiGroup: CONTROL_PLANE_GROUP, kind: 'KubeadmControlPlane', name: this.controlPlane.name },
        infrastructureRef: { apiGroup: INFRASTRUCTURE_GROUP, kind: this.provider.clusterKind, name: this.infrastructureCluster.name },
      },
    });

    this.pools.forEach((pool, i) => {
      for (const zone of pool.zones) {
        const name = `${this.name}-${pool.name}-${zone}`;
        const selectorLabels = { [CAPI_LABELS.clusterName]: this.name, [CAPI_LABELS.deploymentName]: name };
        this.machineDeployments.push(new MachineDeploymentV1Beta2(this, `${pascal(pool.name)}-${zone}`, {
          metadata: {
            ...md(name, { [POOL_LABEL]: pool.name }),
            annotations: { ...md(name).annotations, [AUTOSCALER_ANNOTATIONS.min]: String(pool.min), [AUTOSCALER_ANNOTATIONS.max]: String(pool.max) },
          },
          spec: {
            clusterName: this.name,
            selector: { matchLabels: selectorLabels },
            rollout: {
              strategy: {
                type: MachineDeploymentV1Beta2SpecRolloutStrategyType.ROLLING_UPDATE,
                rollingUpdate: {
                  maxSurge: MachineDeploymentV1Beta2SpecRolloutStrategyRollingUpdateMaxSurge.fromNumber(POOL_ROLLOUT.maxSurge),
                  maxUnavailable: MachineDeploymentV1Beta2SpecRolloutStrategyRollingUpdateMaxUnavailable.fromNumber(POOL_ROLLOUT.maxUnavailable),
                },
              },
            },
            remediation: { maxInFlight: MachineDeploymentV1Beta2SpecRemediationMaxInFlight.fromNumber(POOL_ROLLOUT.maxInFlight) },
            template: {
              metadata: { labels: { ...pool.labels, ...selectorLabels } },
              spec: {
                clusterName: this.name,
                version: pool.version,
                failureDomain: zone,
                minReadySeconds: POOL_ROLLOUT.minReadySeconds,
                bootstrap: { configRef: { apiGroup: BOOTSTRAP_GROUP, kind: 'KubeadmConfigTemplate', name: this.bootstrapTemplates[i].name } },
                infrastructureRef: { apiGroup: INFRASTRUCTURE_GROUP, kind: this.provider.machineTemplateKind, name: this.workerMachineTemplates[i].name },
                deletion: { ...POOL_DELETION },
              },
            },
          },
        }));
      }
    });

    this.healthChecks.push(new MachineHealthCheckV1Beta2(this, 'ControlPlaneHealthCheck', {
      metadata: md(`${this.name}-control-plane`),
      spec: {
        clusterName: this.name,
        selector: { matchLabels: { [CAPI_LABELS.controlPlane]: '' } },
        checks: cpHealth,
        remediation: { triggerIf: { unhealthyLessThanOrEqualTo:
          MachineHealthCheckV1Beta2SpecRemediationTriggerIfUnhealthyLessThanOrEqualTo.fromString(HEALTH_CHECKS.controlPlane.unhealthyLessThanOrEqualTo) } },
      },
    }));
    for (const pool of this.pools) {
      const trigger = poolTrigger(pool.options);
      this.healthChecks.push(new MachineHealthCheckV1Beta2(this, `${pascal(pool.name)}HealthCheck`, {
        metadata: md(`${this.name}-${pool.name}`, { [POOL_LABEL]: pool.name }),
        spec: {
          clusterName: this.name,
          selector: {
            matchLabels: pool.selector.matchLabels,
            matchExpressions: pool.selector.doesNotExist.map((key) => ({ key, operator: 'DoesNotExist' })),
          },
          checks: workerChecks(MhcMachineConditionStatus.UNKNOWN),
          remediation: { triggerIf: trigger.range !== undefined ? { unhealthyInRange: trigger.range }
            : { unhealthyLessThanOrEqualTo: MachineHealthCheckV1Beta2SpecRemediationTriggerIfUnhealthyLessThanOrEqualTo.fromString(trigger.percent!) } },
        },
      }));
    }
    this.poolNames = this.pools.map((p) => p.name);
  }

  /**
   * The EncryptionConfiguration to put into the encryption Secret: the KMS v2 provider first, then the secretbox
   * keys as `{{ .<name> }}` placeholders (the ExternalSecret template syntax), `identity` last.
   */
  public encryptionConfiguration(): string {
    const e = this.encryptionOptions;
    return renderEncryptionConfiguration(e.resources ?? ENCRYPTED_RESOURCES,
      e.kms === undefined ? undefined : { name: e.kms.name, endpoint: e.kms.endpoint, timeout: e.kms.timeout === undefined ? undefined : `${e.kms.timeout.toSeconds()}s` },
      e.localKeyNames ?? []);
  }

  /**
   * The upgrade runbook, in Markdown: back up etcd and the cluster objects, then the control plane, then the pools
   * one at a time. Deterministic: write it next to the manifests.
   */
  public runbook(): string {
    const ns = this.namespaceName === undefined ? '' : ` -n ${this.namespaceName}`;
    const cp = `${this.name}-control-plane`;
    const lines = [
      `# Upgrading cluster \`${this.name}\``,
      '',
      `Control plane: ${this.version}${this.previousVersion === undefined ? '' : ` (previous: ${this.previousVersion})`}, `
        + `${this.controlPlaneReplicas} machines, provider ${this.provider.providerName}, API server behind an ${this.apiServerAccess.toString()}.`,
      `Pools: ${this.pools.map((p) => `\`${p.name}\` at ${p.version} in ${p.zones.join(', ')}`).join('; ')}.`,
      '',
      'Upgrade one minor at a time (v1.N to v1.N+1, after the latest patch of v1.N). Cluster API does not downgrade: a failed upgrade is fixed forward or restored from the backup of step 1.',
      '',
      '## 1. Back up first',
      '',
      '1. Take an etcd snapshot on one control-plane node: `ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 '
        + '--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key '
        + 'snapshot save /var/lib/etcd-backup/pre-upgrade.db`, then copy it off the node.',
      `2. Back up the management-cluster objects of the cluster (for example with a Velero backup of the namespace): the Cluster, \`${cp}\`, the templates and the Secrets \`${this.name}-ca\`, \`${this.name}-etcd\`, \`${this.name}-sa\`, \`${this.name}-proxy\` and \`${this.encryptionOptions.secret.secretName}\`. Without the encryption keys the etcd snapshot cannot be read.`,
      '3. Check that every workload has a PodDisruptionBudget that allows one eviction, or the drains will wait.',
      '',
      '## 2. Control plane',
      '',
      `1. Record the running version as \`previousVersion\`, set \`version\` to the next minor and keep the pools' \`version\` at the old one; synthesize and apply.${this.topology ? ' (Topology mode: the one `version` upgrades the control plane, then each pool in order; skip step 3.)' : ''}`,
      `2. The control plane rolls one machine at a time (maxSurge 1). Wait until \`kubectl get kcp ${cp}${ns}\` shows every replica up to date and ready, and \`kubectl get cluster ${this.name}${ns}\` is Available.`,
      '',
      '## 3. Pools, one at a time',
      '',
      ...this.pools.map((p, i) => `${i + 1}. Set \`version\` of pool \`${p.name}\` to the control plane's version; apply; wait until its MachineDeployments (${p.zones.map((z) => `\`${this.name}-${p.name}-${z}\``).join(', ')}) report every replica up to date and available.`),
      '',
      '## 4. Finish',
      '',
      '1. Set `previousVersion` to the new version.',
      '2. Run the conformance or smoke tests; keep the backup until the next upgrade.',
      '',
    ];
    return lines.join('\n');
  }

  /** Gives a provider's object the library's labels and profile stamp. */
  private stamp(o: ApiObject, profile: Profile): ApiObject {
    const meta = objectMetadata(profile, o.name, undefined, { [CAPI_LABELS.clusterName]: this.name });
    for (const [k, v] of Object.entries(meta.labels)) o.metadata.addLabel(k, v);
    for (const [k, v] of Object.entries(meta.annotations)) o.metadata.addAnnotation(k, v);
    return o;
  }

  private clusterNetwork(port: number) {
    return {
      apiServerPort: port,
      pods: { cidrBlocks: this.podCidrs },
      services: { cidrBlocks: this.serviceCidrs },
      serviceDomain: CLUSTER_NETWORK.serviceDomain,
    };
  }

  private checkNetworks(errors: PropErrors): void {
    const parsed: { prop: string; text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
    for (const [prop, list] of [['podCidrs', this.podCidrs], ['serviceCidrs', this.serviceCidrs]] as const) {
      errors.check(list.length === 0 || list.length > 2, prop, list, 'must hold one CIDR, or two of different families (dual stack)', 'give one range per IP family');
      for (const [i, text] of list.entries()) {
        const cidr = parseCidr(text);
        if (cidr === undefined) {
          errors.add(`${prop}[${i}]`, text, 'is not a CIDR', "write 'address/prefix', e.g. '10.244.0.0/16'");
        } else {
          parsed.push({ prop: `${prop}[${i}]`, text, cidr });
        }
      }
      const families = list.map((c) => parseCidr(c)?.family);
      errors.check(list.length === 2 && families[0] === families[1], prop, list, 'holds two ranges of the same family', 'give one IPv4 and one IPv6 range');
    }
    for (let i = 0; i < parsed.length; i++) {
      for (let j = i + 1; j < parsed.length; j++) {
        if (cidrsOverlap(parsed[i].cidr, parsed[j].cidr)) {
          errors.add(parsed[j].prop, parsed[j].text, `overlaps ${parsed[i].prop} (${parsed[i].text})`, 'give pods and services disjoint ranges');
        }
      }
    }
  }

  private checkZones(errors: PropErrors, prop: string, zones: string[] | undefined, cluster: boolean): void {
    if (zones === undefined) return;
    errors.enforce(cluster && new Set(zones).size < 3, prop, zones,
      'name fewer than 3 distinct failure domains, so losing one zone would lose the etcd quorum or most of the capacity', 'span at least three zones');
    errors.check(!cluster && zones.length === 0, prop, zones, 'is empty', 'list at least one zone, or remove it to use the cluster\'s');
    for (const [i, z] of zones.entries()) {
      errors.check(typeof z !== 'string' || z === '' || !isLabelValue(z) || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(z), `${prop}[${i}]`, z,
        'is not a failure-domain name usable in object names', "use the provider's zone name in lowercase, e.g. 'eu-west-1a'");
    }
    const dup = zones.filter((z, i) => zones.indexOf(z) !== i);
    errors.check(dup.length > 0, prop, zones, `lists ${[...new Set(dup)].join(', ')} more than once`, 'list each zone once');
  }

  private resolvePools(errors: PropErrors, props: ProductionClusterProps): ResolvedPool[] {
    const pools = props.pools ?? [];
    errors.check(pools.length === 0, 'pools', pools, 'is empty: a cluster needs worker machines', 'add at least one pool');
    const resolved: ResolvedPool[] = [];
    const selectors: MhcSelector[] = [{ owner: 'the control plane', matchLabels: { [CAPI_LABELS.controlPlane]: '' }, doesNotExist: [] }];
    for (const [i, p] of pools.entries()) {
      const at = `pools[${i}]`;
      const name = p.name;
      errors.check(typeof name !== 'string' || !isDns1123Label(name), `${at}.name`, name, 'is not a DNS-1123 label', "use lowercase letters, digits and '-', e.g. 'general'");
      errors.check(pools.findIndex((q) => q.name === name) !== i, `${at}.name`, name, 'is the name of an earlier pool', 'give every pool its own name');
      this.checkZones(errors, `${at}.failureDomains`, p.failureDomains, false);
      const zones = p.failureDomains ?? this.failureDomains ?? [];
      for (const z of zones) {
        const mdName = `${this.name}-${name}-${z}`;
        errors.check(mdName.length > 63, `${at}.name`, name, `makes the MachineDeployment name "${mdName}" longer than 63 characters`, 'shorten the cluster or pool name');
      }
      const min = p.minPerZone ?? POOL_SIZE.min;
      const max = p.maxPerZone ?? POOL_SIZE.max;
      errors.check(!Number.isInteger(min) || min < 0, `${at}.minPerZone`, min, 'is not a whole number of at least 0', 'use 1 or more');
      errors.check(!Number.isInteger(max) || max < 1 || max < min, `${at}.maxPerZone`, max, `is not a whole number of at least 1 and at least 'minPerZone' (${min})`,
        'raise it to the most machines a zone may need');
      const labels: { [key: string]: string } = { [POOL_LABEL]: name };
      for (const [k, v] of Object.entries(p.labels ?? {})) {
        if (k === POOL_LABEL || k.startsWith('cluster.x-k8s.io/')) {
          errors.add(`${at}.labels`, k, 'is a label the library or Cluster API sets; it would confuse the health checks', 'use another key');
        } else if (!isQualifiedName(k) || !isLabelValue(v)) {
          errors.add(`${at}.labels`, `${k}=${v}`, 'is not a valid label', 'use a qualified key and a value of at most 63 characters');
        } else {
          labels[k] = v;
        }
      }
      errors.check(props.topology === true && p.healthCheckSelector !== undefined, `${at}.healthCheckSelector`, p.healthCheckSelector,
        'is not used in topology mode: Cluster API creates the health check of each MachineDeployment itself', 'remove it, or turn topology off');
      const matchLabels = p.healthCheckSelector ?? { [POOL_LABEL]: name };
      const selector: MhcSelector = { owner: `pool '${name}'`, matchLabels, doesNotExist: [CAPI_LABELS.controlPlane] };
      errors.check(Object.keys(matchLabels).length === 0, `${at}.healthCheckSelector`, matchLabels, 'is empty, so it would select every machine', 'select the pool\'s own labels');
      errors.check(!selectorMatches(selector, labels), `${at}.healthCheckSelector`, matchLabels, 'does not select the pool\'s machines (their labels lack it)',
        'select labels the pool sets in `labels`');
      for (const other of selectors) {
        errors.check(!selectorsDisjoint(selector, other), `${at}.healthCheckSelector`, matchLabels,
          `overlaps the health check of ${other.owner} (${JSON.stringify(other.matchLabels)}), so two health checks could remediate one machine`,
          'select on a label whose value differs between the pools, e.g. the pool label');
      }
      selectors.push(selector);
      if (p.maxUnhealthyPercent !== undefined) {
        errors.check(!Number.isInteger(p.maxUnhealthyPercent) || p.maxUnhealthyPercent < 1 || p.maxUnhealthyPercent > 100, `${at}.maxUnhealthyPercent`, p.maxUnhealthyPercent,
          'is not a whole percentage from 1 to 100', 'use 40');
      }
      if (p.unhealthyRange !== undefined) {
        const m = /^\[([0-9]+)-([0-9]+)\]$/.exec(p.unhealthyRange);
        errors.check(m === null || Number(m[1]) > Number(m[2]), `${at}.unhealthyRange`, p.unhealthyRange, 'is not a range [min-max] with min <= max', "write e.g. '[0-2]'");
      }
      errors.check(p.machineType !== undefined && !this.provider.isMachineType(p.machineType), `${at}.machineType`, p.machineType,
        `is not a machine type of the ${this.provider.providerName} provider`, 'use one the provider defines');
      checkUserArgs(errors, `${at}.kubeletExtraArgs`, 'kubelet', p.kubeletExtraArgs, managedKubeletArgs());
      resolved.push({ options: p, name, zones, min, max, version: p.version ?? props.version, labels, selector });
    }
    return resolved;
  }

  private resolveEtcd(errors: PropErrors, etcd: EtcdOptions | undefined): { dataDir: string; args: KubeadmArg[] } {
    const dataDir = etcd?.dataDir ?? ETCD_DATA_DIR;
    errors.check(!/^\/[A-Za-z0-9._/-]*$/.test(dataDir) || dataDir.includes('..') || dataDir === '/', 'etcd.dataDir', dataDir, 'is not an absolute directory path',
      "use a dedicated directory, e.g. '/var/lib/etcd'");
    const quota = etcd?.quota === undefined ? ETCD_QUOTA_BYTES.default : etcd.quota.toKibibytes() * 1024;
    errors.check(quota < ETCD_QUOTA_BYTES.min || quota > ETCD_QUOTA_BYTES.max, 'etcd.quota', etcd?.quota?.toGibibytes({ rounding: SizeRoundingBehavior.NONE }),
      'is outside 2 GiB (etcd\'s default) to 8 GiB (etcd\'s recommended maximum)', 'use Size.gibibytes(8)');
    checkUserArgs(errors, 'etcd.extraArgs', 'etcd', etcd?.extraArgs, {
      'quota-backend-bytes': "set 'etcd.quota'", 'cipher-suites': 'the library sets the strong suites', 'data-dir': "set 'etcd.dataDir'",
    });
    const args = [
      { name: 'quota-backend-bytes', value: String(quota) },
      { name: 'cipher-suites', value: ETCD_CIPHER_SUITES.join(',') },
      ...(etcd?.extraArgs ?? []),
    ];
    errors.check(args.length > MAX_EXTRA_ARGS.items, 'etcd.extraArgs', args.length, `are more than the ${MAX_EXTRA_ARGS.items} flags the CRD accepts`, 'pass fewer flags');
    return { dataDir, args };
  }

  private checkEncryption(errors: PropErrors, e: EncryptionAtRestOptions): string {
    if (e === undefined || e.secret === undefined) {
      return '';
    }
    const secret = e.secret;
    errors.check(!isDns1123Subdomain(secret.secretName) || !/-v[0-9]+$/.test(secret.secretName), 'encryption.secret', secret.secretName,
      'is not a Secret name ending in a version (-v<N>); a new name is what rolls the control plane onto new keys',
      `name each version of the keys, e.g. '${this.name}-encryption-v1'`);
    errors.check(!/^[-._a-zA-Z0-9]+$/.test(secret.key), 'encryption.secret.key', secret.key, 'is not a Secret data key', "use e.g. 'encryption-config.yaml'");
    const known = secret._knownKeys();
    errors.check(known !== undefined && !known.includes(secret.key), 'encryption.secret.key', secret.key,
      `is not among the keys the ExternalSecret creates (${(known ?? []).join(', ')})`, "add the key to the ExternalSecret's data, or pass the key it has");
    const locals = e.localKeyNames ?? [];
    errors.check(e.kms === undefined && locals.length === 0, 'encryption', 'no kms and no localKeyNames',
      'encrypts nothing: only identity would remain', 'configure a KMS v2 plugin (preferred) or at least one secretbox key');
    for (const [i, k] of locals.entries()) {
      errors.check(!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k), `encryption.localKeyNames[${i}]`, k,
        'is not usable as a key name and template field', "use letters, digits and '_', starting with a letter, e.g. 'key_2026_01'");
    }
    errors.check(new Set(locals).size !== locals.length, 'encryption.localKeyNames', locals, 'names a key twice', 'list each key once, newest first');
    if (e.kms !== undefined) {
      errors.checkDnsLabel('encryption.kms.name', e.kms.name);
      errors.check(!/^unix:\/\/\/[A-Za-z0-9._/-]+$/.test(e.kms.endpoint), 'encryption.kms.endpoint', e.kms.endpoint, 'is not a unix socket endpoint',
        "write 'unix:///var/run/kmsplugin/socket.sock'");
      errors.check(e.kms.timeout !== undefined && (e.kms.timeout.toSeconds() < 1 || e.kms.timeout.toSeconds() > 60), 'encryption.kms.timeout',
        e.kms.timeout?.toSeconds(), 'is outside 1 to 60 seconds', 'use Duration.seconds(3)');
    }
    const resources = e.resources ?? ENCRYPTED_RESOURCES;
    errors.check(resources.length === 0 || !resources.includes('secrets'), 'encryption.resources', resources, 'does not encrypt Secrets', "include 'secrets'");
    errors.check(resources.some((r) => r.includes('*')), 'encryption.resources', resources,
      'uses a wildcard: every resource (events, every custom resource) would go through the KMS, and a KMS outage would block them all',
      'list the resources to encrypt, e.g. secrets and configmaps');
    return this.encryptionConfiguration();
  }

  private resolveApiServerArgs(errors: PropErrors, h: ApiServerHardeningOptions, featureGate: string | undefined): KubeadmArg[] {
    const audit = {
      maxAgeDays: h.audit?.maxAge === undefined ? AUDIT_LOG.maxAgeDays : h.audit.maxAge.toDays({ integral: false }),
      maxBackups: h.audit?.maxBackups ?? AUDIT_LOG.maxBackups,
      maxSizeMiB: h.audit?.maxSize === undefined ? AUDIT_LOG.maxSizeMiB : h.audit.maxSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE }),
    };
    errors.check(!Number.isInteger(audit.maxAgeDays) || audit.maxAgeDays < AUDIT_LOG.maxAgeDays, 'apiServer.audit.maxAge', `${audit.maxAgeDays} days`,
      `is not a whole number of days of at least ${AUDIT_LOG.maxAgeDays} (CIS 1.2.17)`, 'keep audit logs for Duration.days(30) or more');
    errors.check(!Number.isInteger(audit.maxBackups) || audit.maxBackups < AUDIT_LOG.maxBackups, 'apiServer.audit.maxBackups', audit.maxBackups,
      `is not a whole number of at least ${AUDIT_LOG.maxBackups} (CIS 1.2.18)`, 'keep 10 or more files');
    errors.check(!Number.isInteger(audit.maxSizeMiB) || audit.maxSizeMiB < AUDIT_LOG.maxSizeMiB, 'apiServer.audit.maxSize', `${audit.maxSizeMiB} MiB`,
      `is not a whole number of MiB of at least ${AUDIT_LOG.maxSizeMiB} (CIS 1.2.19)`, 'rotate at Size.mebibytes(100) or more');
    const tls = h.tlsMinVersion ?? TlsVersion.TLS12;
    const suites = h.tlsCipherSuites ?? STRONG_CIPHER_SUITES;
    const weak = suites.filter((s) => !STRONG_CIPHER_SUITES.includes(s));
    errors.check(weak.length > 0, 'apiServer.tlsCipherSuites', weak, 'are not ECDHE suites with AES-GCM or ChaCha20 (CIS 1.2.29)', `use only ${STRONG_CIPHER_SUITES.join(', ')}`);
    errors.check(suites.length === 0, 'apiServer.tlsCipherSuites', suites, 'is empty', 'remove it to use the strong defaults');
    errors.check(h.tlsCipherSuites !== undefined && tls === TlsVersion.TLS13, 'apiServer.tlsCipherSuites', suites, 'has no effect with TLS 1.3 only',
      'remove it, or use TlsVersion.TLS12');
    const extra = h.admissionPlugins ?? ADMISSION_PLUGINS.defaults.filter((p) => p !== ADMISSION_PLUGINS.always);
    for (const [i, p] of extra.entries()) {
      errors.check(!/^[A-Z][A-Za-z]+$/.test(p), `apiServer.admissionPlugins[${i}]`, p, 'is not an admission plugin name', "write it as kube-apiserver does, e.g. 'EventRateLimit'");
    }
    errors.check(extra.includes('AlwaysAdmit'), 'apiServer.admissionPlugins', extra, 'enables AlwaysAdmit, which admits everything (CIS 1.2.10)', 'remove it');
    const plugins = [ADMISSION_PLUGINS.always, ...extra.filter((p) => p !== ADMISSION_PLUGINS.always)];
    const args: KubeadmArg[] = [
      { name: 'profiling', value: 'false' },
      { name: 'enable-admission-plugins', value: plugins.join(',') },
      { name: 'admission-control-config-file', value: `${HARDENING_DIR}/admission-config.yaml` },
      { name: 'authentication-config', value: `${HARDENING_DIR}/authentication-config.yaml` },
      { name: 'encryption-provider-config', value: `${HARDENING_DIR}/encryption-config.yaml` },
      { name: 'audit-policy-file', value: `${HARDENING_DIR}/audit-policy.yaml` },
      { name: 'audit-log-path', value: `${AUDIT_LOG_DIR}/audit.log` },
      { name: 'audit-log-maxage', value: String(audit.maxAgeDays) },
      { name: 'audit-log-maxbackup', value: String(audit.maxBackups) },
      { name: 'audit-log-maxsize', value: String(audit.maxSizeMiB) },
      { name: 'tls-min-version', value: tls },
      ...(tls === TlsVersion.TLS12 ? [{ name: 'tls-cipher-suites', value: suites.join(',') }] : []),
      { name: 'service-account-extend-token-expiration', value: String(h.extendServiceAccountTokenExpiration ?? false) },
      { name: 'request-timeout', value: REQUEST_TIMEOUT },
      ...(featureGate === undefined ? [] : [{ name: 'feature-gates', value: featureGate }]),
    ];
    const managed: { [name: string]: string } = {
      'enable-admission-plugins': "set 'apiServer.admissionPlugins' (NodeRestriction is always added)",
      'audit-log-maxage': "set 'apiServer.audit.maxAge'", 'audit-log-maxbackup': "set 'apiServer.audit.maxBackups'",
      'audit-log-maxsize': "set 'apiServer.audit.maxSize'", 'tls-min-version': "set 'apiServer.tlsMinVersion'",
      'tls-cipher-suites': "set 'apiServer.tlsCipherSuites'", 'service-account-extend-token-expiration': "set 'apiServer.extendServiceAccountTokenExpiration'",
    };
    for (const a of args) {
      managed[a.name] ??= 'the library sets it; it is part of the hardening';
    }
    checkUserArgs(errors, 'apiServer.extraArgs', 'kube-apiserver', h.extraArgs, managed);
    const all = [...args, ...(h.extraArgs ?? [])];
    errors.check(all.length > MAX_EXTRA_ARGS.items, 'apiServer.extraArgs', all.length, `are more than the ${MAX_EXTRA_ARGS.items} flags the CRD accepts`, 'pass fewer flags');
    return all;
  }

  private kubeadmConfigSpec(files: KubeadmFile[], encryption: EncryptionAtRestOptions, etcd: { dataDir: string; args: KubeadmArg[] }, kubeletArgs: KubeadmArg[],
    pre: string[] | undefined, post: string[] | undefined, validity: number): KubeadmControlPlaneV1Beta2SpecKubeadmConfigSpec {
    const nodeRegistration = { kubeletExtraArgs: kubeletArgs };
    return {
      clusterConfiguration: {
        certificateValidityPeriodDays: validity,
        apiServer: {
          extraArgs: this.apiServerArgs,
          extraVolumes: [
            { name: 'hardening', hostPath: HARDENING_DIR, mountPath: HARDENING_DIR, readOnly: true, pathType: 'DirectoryOrCreate' },
            { name: 'audit-log', hostPath: AUDIT_LOG_DIR, mountPath: AUDIT_LOG_DIR, readOnly: false, pathType: 'DirectoryOrCreate' },
          ],
        },
        controllerManager: {
          extraArgs: [
            { name: 'profiling', value: 'false' },
            { name: 'bind-address', value: '127.0.0.1' },
            { name: 'terminated-pod-gc-threshold', value: TERMINATED_POD_GC_THRESHOLD },
          ],
        },
        scheduler: { extraArgs: [{ name: 'profiling', value: 'false' }, { name: 'bind-address', value: '127.0.0.1' }] },
        etcd: { local: { dataDir: etcd.dataDir, extraArgs: etcd.args } },
      },
      initConfiguration: { nodeRegistration },
      joinConfiguration: { nodeRegistration },
      files: [
        { path: `${HARDENING_DIR}/encryption-config.yaml`, owner: FILE_OWNER, permissions: FILE_PERMISSIONS,
          contentFrom: { secret: { name: encryption.secret.secretName, key: encryption.secret.key } } },
        ...files.map(kubeadmFile),
      ],
      preKubeadmCommands: ['sysctl --system', ...(pre ?? [])],
      postKubeadmCommands: post,
    };
  }

  private buildTopology(md: (name: string, labels?: { [key: string]: string }) => any, infra: ApiObject,
    kubeadmConfigSpec: KubeadmControlPlaneV1Beta2SpecKubeadmConfigSpec, rollout: any, remediation: any, cpDeletion: any, cpHealth: any, port: number) {
    // The provider's cluster object becomes the template the class stamps out for each cluster.
    const infraJson = infra.toJson();
    this.node.tryRemoveChild(infra.node.id);
    const className = `${this.name}-class`;
    const infraTemplate = templateByContent(this, 'InfrastructureClusterTemplate', className, (name) => new ApiObject(this, 'InfrastructureClusterTemplate', {
      apiVersion: infraJson.apiVersion,
      kind: `${this.provider.clusterKind}Template`,
      metadata: md(name),
      spec: { template: { spec: infraJson.spec } },
    }));
    // KubeadmControlPlaneTemplate's CRD is not among the imports: a plain object, not schema-checked.
    const kcpSpec = KubeadmControlPlaneV1Beta2.manifest({ spec: { version: this.version, kubeadmConfigSpec, machineTemplate: { spec: {
      infrastructureRef: { apiGroup: INFRASTRUCTURE_GROUP, kind: this.provider.machineTemplateKind, name: this.controlPlaneMachineTemplate.name } } } } }).spec;
    const kcpTemplate = templateByContent(this, 'ControlPlaneTemplate', `${this.name}-control-plane`, (name) => new ApiObject(this, 'ControlPlaneTemplate', {
      apiVersion: `${CONTROL_PLANE_GROUP}/${CAPI_VERSION}`,
      kind: 'KubeadmControlPlaneTemplate',
      metadata: md(name),
      spec: {
        template: {
          spec: {
            machineTemplate: { spec: { deletion: cpDeletion } },
            rollout: { before: rollout.before, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: CONTROL_PLANE_MAX_SURGE } } },
            remediation,
            kubeadmConfigSpec: kcpSpec.kubeadmConfigSpec,
          },
        },
      },
    }));
    const ref = (o: ApiObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name });
    const clusterClass = new ClusterClassV1Beta2(this, 'ClusterClass', {
      metadata: md(className),
      spec: {
        infrastructure: { templateRef: ref(infraTemplate) },
        controlPlane: {
          templateRef: ref(kcpTemplate),
          machineInfrastructure: { templateRef: ref(this.controlPlaneMachineTemplate) },
          healthCheck: { checks: cpHealth, remediation: { triggerIf: { unhealthyLessThanOrEqualTo:
            ClusterClassCpTrigger.fromString(HEALTH_CHECKS.controlPlane.unhealthyLessThanOrEqualTo) } } },
        },
        workers: {
          machineDeployments: this.pools.map((pool, i) => {
            const trigger = poolTrigger(pool.options);
            return {
              class: pool.name,
              bootstrap: { templateRef: ref(this.bootstrapTemplates[i]) },
              infrastructure: { templateRef: ref(this.workerMachineTemplates[i]) },
              deletion: { ...POOL_DELETION },
              minReadySeconds: POOL_ROLLOUT.minReadySeconds,
              rollout: { strategy: { type: ClusterClassMdRolloutType.ROLLING_UPDATE, rollingUpdate: {
                maxSurge: ClusterClassMdMaxSurge.fromNumber(POOL_ROLLOUT.maxSurge), maxUnavailable: ClusterClassMdMaxUnavailable.fromNumber(POOL_ROLLOUT.maxUnavailable) } } },
              healthCheck: {
                checks: workerChecks(ClusterClassMachineConditionStatus.UNKNOWN),
                remediation: {
                  maxInFlight: ClusterClassMdMaxInFlight.fromNumber(POOL_ROLLOUT.maxInFlight),
                  triggerIf: trigger.range !== undefined ? { unhealthyInRange: trigger.range } : { unhealthyLessThanOrEqualTo: ClusterClassMdTrigger.fromString(trigger.percent!) },
                },
              },
            };
          }),
        },
      },
    });
    const cluster = new ClusterV1Beta2(this, 'Resource', {
      metadata: { ...md(this.name), annotations: { ...md(this.name).annotations, [UPGRADE_CONCURRENCY.annotation]: UPGRADE_CONCURRENCY.value } },
      spec: {
        clusterNetwork: this.clusterNetwork(port),
        topology: {
          classRef: { name: clusterClass.name },
          version: this.version,
          controlPlane: { replicas: this.controlPlaneReplicas },
          workers: {
            machineDeployments: this.pools.flatMap((pool) => pool.zones.map((zone) => ({
              class: pool.name,
              name: `${pool.name}-${zone}`,
              failureDomain: zone,
              metadata: {
                labels: pool.labels,
                annotations: { [AUTOSCALER_ANNOTATIONS.min]: String(pool.min), [AUTOSCALER_ANNOTATIONS.max]: String(pool.max) },
              },
            }))),
          },
        },
      },
    });
    return { infrastructureCluster: infraTemplate, controlPlane: kcpTemplate, clusterClass, cluster };
  }
}

/** The two Ready conditions that mark a node unhealthy after 5 minutes (BOOK-MHC). */
function readyConditions() {
  return ['Unknown', 'False'].map((status) => ({ type: 'Ready', status, timeoutSeconds: HEALTH_CHECKS.readyTimeoutSeconds }));
}

function workerChecks<T>(unknown: T) {
  return {
    nodeStartupTimeoutSeconds: HEALTH_CHECKS.workers.nodeStartupTimeoutSeconds,
    unhealthyNodeConditions: readyConditions(),
    unhealthyMachineConditions: [{ type: 'NodeReady', status: unknown, timeoutSeconds: HEALTH_CHECKS.workers.nodeReadyUnknownSeconds }],
  };
}

function poolTrigger(p: WorkerPoolOptions): { range?: string; percent?: string } {
  return p.unhealthyRange !== undefined ? { range: p.unhealthyRange }
    : { percent: p.maxUnhealthyPercent !== undefined ? `${p.maxUnhealthyPercent}%` : HEALTH_CHECKS.workers.unhealthyLessThanOrEqualTo };
}

function kubeadmFile(f: KubeadmFile) {
  return { path: f.path, owner: FILE_OWNER, permissions: f.permissions ?? FILE_PERMISSIONS, content: f.content };
}

function managedKubeletArgs(): { [name: string]: string } {
  return Object.fromEntries(KUBELET_ARGS.map((a) => [a.name, 'the library sets it on every node; it is part of the kubelet hardening']));
}

function checkSeconds(errors: PropErrors, prop: string, seconds: number, min: number, why = ''): void {
  errors.check(!Number.isInteger(seconds) || seconds < min || seconds > 2147483647, prop, `${seconds}s`,
    `is not a whole number of seconds of at least ${min}${why === '' ? '' : `: ${why}`}`, `use Duration.seconds(${min}) or more`);
}

function cidrsOverlap(a: NonNullable<ReturnType<typeof parseCidr>>, b: NonNullable<ReturnType<typeof parseCidr>>): boolean {
  if (a.family !== b.family) return false;
  const inA = new BlockList();
  inA.addSubnet(a.address, a.prefix, a.family);
  const inB = new BlockList();
  inB.addSubnet(b.address, b.prefix, b.family);
  // Two blocks overlap exactly when one holds the other's first address.
  return inA.check(networkAddress(b), b.family) || inB.check(networkAddress(a), a.family);
}

/** The first address of a block. */
function networkAddress(c: NonNullable<ReturnType<typeof parseCidr>>): string {
  if (c.family === 'ipv4') {
    const n = c.address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const mask = c.prefix === 0 ? 0 : (2 ** 32 - 2 ** (32 - c.prefix));
    const net = Number((BigInt(n) & BigInt(mask)));
    return [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
  }
  return expandIpv6Network(c.address, c.prefix);
}

function expandIpv6Network(address: string, prefix: number): string {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  let bits = prefix;
  const out = groups.map((g) => {
    const keep = Math.max(0, Math.min(16, bits));
    bits -= 16;
    return keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff;
  });
  return out.map((g) => g.toString(16)).join(':');
}

function pascal(name: string): string {
  return name.split('-').map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('');
}

/**
 * Creates a template named after its content: templates are immutable by convention, so a changed template gets a
 * new name, and re-pointing the control plane or MachineDeployment at it is what rolls the machines.
 */
function templateByContent(scope: Construct, id: string, base: string, make: (name: string) => ApiObject): ApiObject {
  const probe = make(base);
  const spec = JSON.stringify(probe.toJson().spec ?? {});
  scope.node.tryRemoveChild(id);
  return make(`${base}-${shortHash(spec)}`);
}
