import { ApiObject, Duration, JsonPatch, Lazy, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppProbe, _ProbeKind } from './app-probe';
import { AppSize, _mebibytes, _millicores } from './app-size';
import { ADMITTED_NAMESPACES_CONTEXT_KEY, API_SERVER_CONTEXT_KEY, INetworkPeer, NetworkPeer } from './network-peer';
import {
  DEFAULT_AUTOSCALING, DEFAULT_REPLICAS, DEFAULT_SIZE, HELPER_CONTAINER_SIZE, MANAGED_BY, MIN_REPLICAS, POD_IDENTITY,
  PORT_NAME, PRIORITY_CLASS_NAME, PROBE_TIMINGS, ROLLOUT, SECRET_NAME_PATTERN, SECRET_VALUE_PATTERNS, SHUTDOWN, SIZES,
  TOPOLOGY, WRITABLE_PATHS, WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES, CLUSTER_DNS, NAMESPACE_NAME_LABEL,
} from '../defaults';
import { PropErrors } from '../internal/errors';
import { EXEMPT_PREFIX, EXEMPTION_REASON_ANNOTATION, PROFILE_ANNOTATION } from '../rules';
import {
  isDns1035Label, isDns1123Label, isEnvVarName, isLabelValue, isPortName, parseImage,
} from '../internal/names';
import { NAMESPACE_CONTEXT_KEY, _namespaceOf } from '../internal/scope';
import { Profile } from '../profile';

/**
 * An additional port of an app, e.g. a metrics or admin port.
 */
export interface AppPort {
  /** The port's name (an IANA service name: at most 15 lowercase letters, digits and '-'). */
  readonly name: string;
  /** The container port, 1-65535; the Service exposes it on the same number. */
  readonly port: number;
}

/**
 * Autoscaling of a ProductionApp (a HorizontalPodAutoscaler, autoscaling/v2).
 */
export interface AppAutoscalingOptions {
  /**
   * The fewest replicas. At least 2 in staging and prod.
   *
   * @default - 1 in dev, 2 in staging, 3 in prod
   */
  readonly minReplicas?: number;

  /**
   * The most replicas; more than `minReplicas`.
   *
   * @default - 3 in dev, 4 in staging, 10 in prod
   */
  readonly maxReplicas?: number;

  /**
   * Target average CPU utilization, in percent of the CPU request.
   *
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;

  /**
   * Target average memory utilization, in percent of the memory request.
   *
   * @default - memory is not a scaling metric
   */
  readonly memoryUtilizationPercent?: number;
}

/**
 * The PodDisruptionBudget of a ProductionApp. Give at most one of the two fields.
 */
export interface AppDisruptionBudgetOptions {
  /**
   * Pods that may be down at once during voluntary disruptions (drains). At least 1.
   *
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * Pods that must stay up during voluntary disruptions; below the replica floor so drains go on.
   *
   * @default - `maxUnavailable` is used instead
   */
  readonly minAvailable?: number;
}

/**
 * The pod and container identity and privileges. The defaults are the Pod Security "restricted" profile.
 *
 * In staging and prod, weakening any of these is an error; in dev it is a warning.
 */
export interface AppSecurityOptions {
  /**
   * The UID the containers run as; above 10000.
   *
   * @default 10001
   */
  readonly user?: number;

  /**
   * The GID the containers run as; above 10000.
   *
   * @default 10001
   */
  readonly group?: number;

  /**
   * The group that owns mounted volumes.
   *
   * @default 10001
   */
  readonly fsGroup?: number;

  /**
   * Whether the root filesystem is read-only. Declare `writablePaths` instead of turning this off.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Whether a process may gain more privileges than its parent.
   *
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * Whether the containers run privileged.
   *
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Capabilities added after dropping ALL. Only NET_BIND_SERVICE is allowed by the restricted profile.
   *
   * @default - none
   */
  readonly addCapabilities?: kplus.Capability[];
}

/**
 * A config file (or folder of files) mounted read-only from a ConfigMap.
 */
export interface AppConfigFile {
  /** The ConfigMap holding the files. */
  readonly configMap: kplus.IConfigMap;
  /** The absolute directory where its keys appear as files. */
  readonly mountPath: string;
}

/**
 * An extra volume mounted into the main container.
 */
export interface AppVolumeMount {
  /** The volume. */
  readonly volume: kplus.Volume;
  /** The absolute path to mount it at. */
  readonly path: string;
  /**
   * Whether the mount is read-only.
   *
   * @default true
   */
  readonly readOnly?: boolean;
}

/**
 * An init container or sidecar. It is hardened like the main container.
 */
export interface AppContainerOptions {
  /** The container name (a DNS-1123 label), unique in the pod. */
  readonly name: string;
  /** The image, with a tag or a digest. */
  readonly image: string;
  /**
   * The entrypoint.
   *
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * The arguments.
   *
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Environment variables.
   *
   * @default - none
   */
  readonly env?: { [name: string]: kplus.EnvValue };
  /**
   * Requests and limits.
   *
   * @default - AppSize.SMALL
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Ports the container listens on (sidecars only).
   *
   * @default - none
   */
  readonly ports?: AppPort[];
  /**
   * Readiness probe (sidecars only; required for sidecars in staging and prod).
   *
   * @default - none
   */
  readonly readiness?: AppProbe;
  /**
   * Liveness probe (sidecars only; required for sidecars in staging and prod).
   *
   * @default - none
   */
  readonly liveness?: AppProbe;
}

/**
 * Options for `ProductionApp.allowFrom` and `ProductionApp.connectsTo`.
 */
export interface AppAllowOptions {
  /**
   * The ports the rule opens.
   *
   * @default - the target app's main port; required when the target is not a ProductionApp
   */
  readonly ports?: number[];

  /**
   * The protocol of the ports.
   *
   * @default kplus.Protocol.TCP
   */
  readonly protocol?: kplus.Protocol;
}

/**
 * Props of a `ProductionApp`.
 */
export interface ProductionAppProps {
  /**
   * The container image, with a tag or (preferred) a digest: `registry/app:1.2.3` or `registry/app@sha256:...`.
   *
   * An image without a tag is always an error; `:latest` is an error in staging and prod.
   */
  readonly image: string;

  /**
   * The port the app serves on (1-65535). The Service exposes it with the same number.
   */
  readonly port: number;

  /**
   * The name of the main port.
   *
   * @default 'http'
   */
  readonly portName?: string;

  /**
   * More ports, e.g. metrics. Each is also exposed by the Service.
   *
   * @default - none
   */
  readonly additionalPorts?: AppPort[];

  /**
   * The name of every object of the app (a DNS-1035 label, since it names the Service).
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;

  /**
   * The namespace of every object of the app.
   *
   * @default - the enclosing ProductionNamespace, else the chart's namespace
   */
  readonly namespace?: string;

  /**
   * The `app.kubernetes.io/version` label.
   *
   * @default - the image tag, or the first 12 hex digits of its digest
   */
  readonly version?: string;

  /**
   * The `app.kubernetes.io/component` label.
   *
   * @default 'server'
   */
  readonly component?: string;

  /**
   * The `app.kubernetes.io/part-of` label: the larger application this one belongs to.
   *
   * @default - the app's name
   */
  readonly partOf?: string;

  /**
   * Static replica count. Not allowed with `autoscaling` (the HPA owns the count).
   *
   * @default - 1 in dev, 2 in staging, 3 in prod
   */
  readonly replicas?: number;

  /**
   * Turn on a HorizontalPodAutoscaler.
   *
   * @default - no autoscaler; `replicas` pods
   */
  readonly autoscaling?: AppAutoscalingOptions;

  /**
   * A size preset for the main container's requests and limits.
   *
   * @default - AppSize.SMALL in dev and staging, AppSize.MEDIUM in prod
   */
  readonly size?: AppSize;

  /**
   * Requests and limits that override single values of `size`.
   *
   * @default - the values of `size`
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Run without a CPU limit, for this written reason.
   *
   * The exemption is recorded on the Deployment in the annotations that Polaris, kube-score and
   * kube-linter read, so the scanners agree with the library.
   *
   * @default - the CPU limit of `size`/`resources` is set
   */
  readonly cpuLimitExemption?: string;

  /**
   * The HTTP health endpoint. With it, readiness and startup probe it by HTTP GET and liveness checks the
   * port by TCP; without it, all three check the port by TCP (with different timings).
   *
   * @default - no HTTP health endpoint
   */
  readonly healthPath?: string;

  /**
   * The readiness probe.
   *
   * @default - HTTP GET `healthPath`, or TCP on the main port
   */
  readonly readiness?: AppProbe;

  /**
   * The liveness probe; must differ from readiness.
   *
   * @default - TCP on the main port
   */
  readonly liveness?: AppProbe;

  /**
   * The startup probe, which holds liveness off while the app starts.
   *
   * @default - the readiness check, allowed up to 2 minutes
   */
  readonly startup?: AppProbe;

  /**
   * The entrypoint.
   *
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * The arguments.
   *
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * Environment variables. Use `EnvValue.fromSecretValue` for secrets: a literal that looks like a secret is
   * an error in staging and prod.
   *
   * @default - none
   */
  readonly env?: { [name: string]: kplus.EnvValue };

  /**
   * Environment variables from whole ConfigMaps or Secrets.
   *
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];

  /**
   * Config files mounted read-only from ConfigMaps.
   *
   * @default - none
   */
  readonly configFiles?: AppConfigFile[];

  /**
   * Absolute paths that get a writable emptyDir (the root filesystem is read-only).
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];

  /**
   * Extra volumes mounted into the main container.
   *
   * @default - none
   */
  readonly volumeMounts?: AppVolumeMount[];

  /**
   * Init containers, run in order before the app starts.
   *
   * @default - none
   */
  readonly initContainers?: AppContainerOptions[];

  /**
   * Sidecar containers, running beside the app.
   *
   * @default - none
   */
  readonly sidecars?: AppContainerOptions[];

  /**
   * Identity and privileges.
   *
   * @default - UID/GID/fsGroup 10001, read-only root filesystem, no privilege escalation, not privileged,
   * all capabilities dropped, seccomp RuntimeDefault
   */
  readonly security?: AppSecurityOptions;

  /**
   * Mount a service account token, for apps that call the Kubernetes API.
   *
   * @default false
   */
  readonly serviceAccountToken?: boolean;

  /**
   * The priority class of the pods.
   *
   * @default - 'platform-low' in dev, 'platform-default' in staging, 'platform-high' in prod (see `PriorityClasses`)
   */
  readonly priorityClassName?: string;

  /**
   * Extra surge pods during a rolling update (maxUnavailable is always 0).
   *
   * @default 1
   */
  readonly maxSurge?: number;

  /**
   * How long a new pod must be ready before it counts as available.
   *
   * @default Duration.seconds(10)
   */
  readonly minReady?: Duration;

  /**
   * How long a rollout may make no progress before it is marked failed.
   *
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;

  /**
   * Old ReplicaSets kept for rollback.
   *
   * @default 5
   */
  readonly revisionHistoryLimit?: number;

  /**
   * Pause before SIGTERM (a `sleep` in preStop) so endpoints stop routing to the pod first. The image must
   * have `sleep`; `Duration.seconds(0)` turns the hook off.
   *
   * @default Duration.seconds(10)
   */
  readonly preStopDelay?: Duration;

  /**
   * Time from the start of termination to SIGKILL; longer than `preStopDelay`.
   *
   * @default - preStopDelay + 20s
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * The PodDisruptionBudget.
   *
   * @default - maxUnavailable 1, unhealthyPodEvictionPolicy AlwaysAllow
   */
  readonly disruptionBudget?: AppDisruptionBudgetOptions;

  /**
   * The Service type. Apps stay ClusterIP behind the ingress controller; LoadBalancer or NodePort needs
   * `serviceTypeReason` in staging and prod.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;

  /**
   * Why the app needs a Service other than ClusterIP.
   *
   * @default - none
   */
  readonly serviceTypeReason?: string;
}

/**
 * A production-grade, highly available, hardened workload.
 *
 * Emits a Deployment (rolling updates without downtime, spread over zones and nodes, graceful shutdown,
 * probes, requests and limits, restricted security context), a ServiceAccount, a ClusterIP Service, a
 * PodDisruptionBudget, an optional HorizontalPodAutoscaler and a default-deny NetworkPolicy with DNS egress.
 * Every object carries the `app.kubernetes.io/*` labels and is a public property.
 *
 * @example
 * new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 */
export class ProductionApp extends Construct implements INetworkPeer {
  /** The profile in force for this app. */
  public readonly profile: Profile;
  /** The name of every object of the app. */
  public readonly name: string;
  /** The namespace of the app's objects, if one is set. */
  public readonly namespace?: string;
  /** The main port. */
  public readonly port: number;
  /** The main port's name. */
  public readonly portName: string;
  /** Every port of the main container, the main one first. */
  public readonly ports: AppPort[];
  /** The static replica count, or undefined when an autoscaler owns it. */
  public readonly replicas?: number;
  /** The fewest pods the app runs with (replicas, or the autoscaler's minimum). */
  public readonly minReplicas: number;
  /** The image. */
  public readonly image: string;
  /** The `app.kubernetes.io/*` labels on every object. */
  public readonly labels: Record<string, string>;
  /** Whether a service account token is mounted. */
  public readonly serviceAccountToken: boolean;
  /** The priority class of the pods. */
  public readonly priorityClassName: string;

  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The main container. */
  public readonly container: kplus.Container;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ClusterIP Service. */
  public readonly service: kplus.Service;
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when autoscaling is on. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The NetworkPolicy that isolates the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  private readonly ingressRules: k8s.NetworkPolicyIngressRule[] = [];
  private readonly egressRules: k8s.NetworkPolicyEgressRule[] = [];
  private readonly ruleKeys = new Set<string>();

  public constructor(scope: Construct, id: string, props: ProductionAppProps) {
    super(scope, id);
    this.profile = Profile.of(this);
    const profile = this.profile;
    const errors = new PropErrors(this, 'ProductionApp', this.profile);
    const inProfile = `in ${profile.name}`;

    // ---- identity and naming ----
    this.name = props.name ?? Names.toDnsLabel(this);
    errors.check(!isDns1035Label(this.name), 'name', this.name, 'is not a DNS-1035 label (it names the Service)',
      'use lowercase letters, digits and \'-\', start with a letter, at most 63 characters');
    this.namespace = props.namespace ?? _namespaceOf(this);
    errors.check(this.namespace !== undefined && !isDns1123Label(this.namespace), 'namespace', this.namespace,
      'is not a DNS-1123 label', 'use lowercase letters, digits and \'-\', at most 63 characters');
    const enclosingNamespace = this.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
    errors.check(props.namespace !== undefined && enclosingNamespace !== undefined && props.namespace !== enclosingNamespace, 'namespace',
      props.namespace, `conflicts with the enclosing ProductionNamespace "${enclosingNamespace}"`,
      'remove \'namespace\' (apps inside a ProductionNamespace land in it), or create the app outside the ProductionNamespace');

    // ---- image ----
    this.image = props.image;
    const image = parseImage(props.image);
    if (!image) {
      errors.add('image', props.image, 'is not an image reference', 'write it as registry/repository:tag or registry/repository@sha256:<digest>');
    } else if (!image.tag && !image.digest) {
      errors.add('image', props.image, 'has no tag or digest, so every pull may run different code',
        `pin it: '${props.image}:<version>' or (preferred) '${props.image}@sha256:<digest>'`);
    } else {
      errors.enforce(image.tag === 'latest' && !image.digest, 'image', props.image, 'uses the mutable tag \'latest\'',
        'pin a version tag or (preferred) a digest');
    }
    const version = props.version ?? (image?.tag ?? (image?.digest ? image.digest.slice('sha256:'.length, 'sha256:'.length + 12) : 'unknown'));
    errors.check(!isLabelValue(version), 'version', version, 'is not a valid label value',
      'set \'version\' to at most 63 letters, digits, \'-\', \'_\' or \'.\'');
    const component = props.component ?? 'server';
    const partOf = props.partOf ?? this.name;
    errors.check(!isLabelValue(component), 'component', component, 'is not a valid label value', 'use at most 63 letters, digits, \'-\', \'_\' or \'.\'');
    errors.check(!isLabelValue(partOf), 'partOf', partOf, 'is not a valid label value', 'use at most 63 letters, digits, \'-\', \'_\' or \'.\'');

    // ---- ports ----
    this.port = props.port;
    this.portName = props.portName ?? PORT_NAME;
    this.ports = [{ name: this.portName, port: props.port }, ...(props.additionalPorts ?? [])];
    this.ports.forEach((p, i) => {
      const prop = i === 0 ? 'port' : `additionalPorts[${i - 1}].port`;
      const nameProp = i === 0 ? 'portName' : `additionalPorts[${i - 1}].name`;
      errors.check(!Number.isInteger(p.port) || p.port < 1 || p.port > 65535, prop, p.port, 'is not a port number', 'use an integer from 1 to 65535');
      errors.check(!isPortName(p.name), nameProp, p.name, 'is not a valid port name',
        'use at most 15 lowercase letters, digits and \'-\', with at least one letter');
      errors.check(this.ports.findIndex((q) => q.port === p.port) < i, prop, p.port, 'is used by another port of the app', 'give each port its own number');
      errors.check(this.ports.findIndex((q) => q.name === p.name) < i, nameProp, p.name, 'is used by another port of the app', 'give each port its own name');
    });
    errors.check(props.port === 22, 'port', props.port, 'is the SSH port; running SSH in an app is flagged by kube-linter (ssh-port)',
      'serve the app on another port');

    // ---- replicas and autoscaling ----
    const minFloor = profile.select(MIN_REPLICAS);
    if (props.autoscaling) {
      errors.check(props.replicas !== undefined, 'replicas', props.replicas, 'is set together with \'autoscaling\'; the autoscaler owns the replica count',
        'remove \'replicas\' and set \'autoscaling.minReplicas\'');
      const minR = props.autoscaling.minReplicas ?? profile.select(DEFAULT_AUTOSCALING.minReplicas);
      const maxR = props.autoscaling.maxReplicas ?? profile.select(DEFAULT_AUTOSCALING.maxReplicas);
      errors.check(!Number.isInteger(minR) || minR < minFloor, 'autoscaling.minReplicas', minR, `must be an integer of at least ${minFloor} ${inProfile}`,
        `set it to ${minFloor} or more`);
      errors.check(!Number.isInteger(maxR) || maxR <= minR, 'autoscaling.maxReplicas', maxR, `must be an integer above minReplicas (${minR})`,
        `set it to ${minR + 1} or more, or lower 'autoscaling.minReplicas'`);
      const cpu = props.autoscaling.cpuUtilizationPercent ?? DEFAULT_AUTOSCALING.cpuUtilizationPercent;
      errors.check(!Number.isInteger(cpu) || cpu < 1 || cpu > 100, 'autoscaling.cpuUtilizationPercent', cpu, 'is not a percentage', 'use an integer from 1 to 100');
      const mem = props.autoscaling.memoryUtilizationPercent;
      errors.check(mem !== undefined && (!Number.isInteger(mem) || mem < 1 || mem > 100), 'autoscaling.memoryUtilizationPercent', mem, 'is not a percentage',
        'use an integer from 1 to 100');
      this.minReplicas = minR;
    } else {
      this.replicas = props.replicas ?? profile.select(DEFAULT_REPLICAS);
      errors.check(!Number.isInteger(this.replicas) || this.replicas < minFloor, 'replicas', this.replicas,
        `must be an integer of at least ${minFloor} ${inProfile}`, `set it to ${minFloor} or more, or turn on 'autoscaling'`);
      this.minReplicas = this.replicas;
    }

    // ---- disruption budget ----
    const pdb = props.disruptionBudget ?? {};
    errors.check(pdb.maxUnavailable !== undefined && pdb.minAvailable !== undefined, 'disruptionBudget', pdb,
      'sets both maxUnavailable and minAvailable', 'set only one of them');
    errors.check(pdb.maxUnavailable !== undefined && (!Number.isInteger(pdb.maxUnavailable) || pdb.maxUnavailable < 1),
      'disruptionBudget.maxUnavailable', pdb.maxUnavailable, 'blocks every eviction, so node drains hang', 'set it to 1 or more');
    errors.check(pdb.minAvailable !== undefined && (!Number.isInteger(pdb.minAvailable) || pdb.minAvailable < 0 || pdb.minAvailable >= this.minReplicas),
      'disruptionBudget.minAvailable', pdb.minAvailable, `must be below the fewest replicas (${this.minReplicas}), else no pod can ever be evicted`,
      `set it to ${Math.max(this.minReplicas - 1, 0)} or less, or use maxUnavailable 1`);

    // ---- rollout and shutdown ----
    const maxSurge = props.maxSurge ?? ROLLOUT.maxSurge;
    errors.check(!Number.isInteger(maxSurge) || maxSurge < 1, 'maxSurge', maxSurge, 'must be a positive integer (maxUnavailable is 0, so a rollout needs surge pods)',
      'set it to 1 or more');
    const minReady = props.minReady ?? ROLLOUT.minReady;
    const progressDeadline = props.progressDeadline ?? ROLLOUT.progressDeadline;
    errors.check(progressDeadline.toSeconds() <= minReady.toSeconds(), 'progressDeadline', `${progressDeadline.toSeconds()}s`,
      `must be longer than 'minReady' (${minReady.toSeconds()}s)`, 'raise progressDeadline or lower minReady');
    const revisionHistoryLimit = props.revisionHistoryLimit ?? ROLLOUT.revisionHistoryLimit;
    errors.check(!Number.isInteger(revisionHistoryLimit) || revisionHistoryLimit < 1, 'revisionHistoryLimit', revisionHistoryLimit,
      'must keep at least one old ReplicaSet for rollback', 'set it to 1 or more');
    const preStopDelay = props.preStopDelay ?? SHUTDOWN.preStopDelay;
    const grace = props.terminationGracePeriod ?? Duration.seconds(preStopDelay.toSeconds() + SHUTDOWN.drainTime.toSeconds());
    errors.check(grace.toSeconds() <= preStopDelay.toSeconds(), 'terminationGracePeriod', `${grace.toSeconds()}s`,
      `must be longer than 'preStopDelay' (${preStopDelay.toSeconds()}s), else the app is killed before it can drain`,
      `set it to at least ${preStopDelay.toSeconds() + SHUTDOWN.drainTime.toSeconds()}s`);

    // ---- resources ----
    const size = props.size ?? sizeByName(profile.select(DEFAULT_SIZE));
    const resources = mergeResources(size.resources, props.resources, props.cpuLimitExemption);
    validateResources(errors, 'resources', resources);
    errors.check(props.cpuLimitExemption !== undefined && props.cpuLimitExemption.trim() === '', 'cpuLimitExemption', props.cpuLimitExemption,
      'is empty; an exemption needs a written reason', 'say why the app runs without a CPU limit');

    // ---- security ----
    const sec = props.security ?? {};
    const user = sec.user ?? POD_IDENTITY.user;
    const group = sec.group ?? POD_IDENTITY.group;
    const fsGroup = sec.fsGroup ?? POD_IDENTITY.fsGroup;
    for (const [prop, id] of [['security.user', user], ['security.group', group], ['security.fsGroup', fsGroup]] as const) {
      errors.check(!Number.isInteger(id) || id < 0, prop, id, 'is not a valid ID', 'use a non-negative integer');
      errors.enforce(Number.isInteger(id) && id === 0, prop, id, 'is root', `use an ID of ${POD_IDENTITY.minimumId} or more`);
      errors.enforce(Number.isInteger(id) && id > 0 && id < POD_IDENTITY.minimumId, prop, id, `is below ${POD_IDENTITY.minimumId} and may collide with a host user`,
        `use an ID of ${POD_IDENTITY.minimumId} or more`);
    }
    errors.enforce(sec.privileged === true, 'security.privileged', true, 'runs the containers privileged', 'remove it; grant a single capability instead');
    errors.enforce(sec.allowPrivilegeEscalation === true, 'security.allowPrivilegeEscalation', true, 'lets processes gain privileges', 'remove it');
    errors.enforce(sec.readOnlyRootFilesystem === false, 'security.readOnlyRootFilesystem', false, 'makes the root filesystem writable',
      'keep it read-only and list writable directories in \'writablePaths\'');
    const badCaps = (sec.addCapabilities ?? []).filter((c) => c !== kplus.Capability.NET_BIND_SERVICE);
    errors.enforce(badCaps.length > 0, 'security.addCapabilities', badCaps, 'adds capabilities beyond NET_BIND_SERVICE (Pod Security "restricted")',
      'remove them');

    // ---- service account, priority, service type ----
    this.serviceAccountToken = props.serviceAccountToken ?? false;
    const apiServer = this.node.tryGetContext(API_SERVER_CONTEXT_KEY) as { cidrs: string[]; port: number } | undefined;
    errors.enforce(this.serviceAccountToken && apiServer === undefined && enclosingNamespace !== undefined, 'serviceAccountToken', true,
      `mounts a token, but the ProductionNamespace "${enclosingNamespace}" has no 'apiServer', so the default deny blocks every API call`,
      'set \'apiServer\' on the ProductionNamespace (KubernetesApiServer.endpoints([...]))');
    this.priorityClassName = props.priorityClassName ?? profile.select(PRIORITY_CLASS_NAME);
    errors.check(!isDns1123Label(this.priorityClassName) && !/^[a-z0-9.-]+$/.test(this.priorityClassName), 'priorityClassName', this.priorityClassName,
      'is not a valid PriorityClass name', 'use a DNS-1123 name such as \'platform-high\'');
    const serviceType = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
    if (serviceType === kplus.ServiceType.LOAD_BALANCER || serviceType === kplus.ServiceType.NODE_PORT) {
      errors.enforce(!(props.serviceTypeReason ?? '').trim(), 'serviceType', serviceType,
        'exposes the app outside the cluster, bypassing the single load-balanced entry point',
        'keep ClusterIP and route through a ProductionIngress, or give \'serviceTypeReason\'');
    }
    errors.check(serviceType === kplus.ServiceType.EXTERNAL_NAME, 'serviceType', serviceType, 'cannot select the app\'s pods',
      'use ClusterIP');

    // ---- probes ----
    const mainPortRef = this.portName;
    const readiness = props.readiness ?? (props.healthPath ? AppProbe.httpGet(props.healthPath) : AppProbe.tcpSocket());
    const liveness = props.liveness ?? AppProbe.tcpSocket();
    const startup = props.startup ?? readiness;
    errors.check(props.healthPath !== undefined && !props.healthPath.startsWith('/'), 'healthPath', props.healthPath, 'is not an absolute path',
      `write it with a leading '/', e.g. '/${props.healthPath ?? ''}'`);
    const portNumbers: Record<string, number> = Object.fromEntries(this.ports.map((p) => [p.name, p.port]));
    const renderProbe = (probe: AppProbe, kind: _ProbeKind) => probe._toKube(PROBE_TIMINGS[kind], mainPortRef, portNumbers);
    const probes = {
      readiness: renderProbe(readiness, 'readiness'),
      liveness: renderProbe(liveness, 'liveness'),
      startup: renderProbe(startup, 'startup'),
    };
    for (const [kind, probe] of [['readiness', readiness], ['liveness', liveness], ['startup', startup]] as const) {
      const ref = probe._portRef(mainPortRef);
      const known = ref === undefined || this.ports.some((p) => p.name === ref || String(p.port) === ref);
      errors.check(!known, `${kind}.port`, ref, 'is not a port of the app', `use one of ${this.ports.map((p) => `'${p.name}'`).join(', ')}`);
      errors.check(probe.handler === 'httpGet' && !(probe.path ?? '').startsWith('/'), kind, probe.path, 'has an HTTP path that is not absolute',
        'start the path with \'/\'');
      errors.check(probe.handler === 'exec' && (probe.command ?? []).length === 0, kind, probe.command, 'has an empty command', 'give the command to run');
    }
    // Probes are identical when they run the same check, whatever their timings (as kube-score compares them).
    const checkOf = (p: k8s.Probe) => JSON.stringify([p.httpGet, p.tcpSocket, p.grpc, p.exec]);
    if (props.healthPath === undefined && props.readiness === undefined && props.liveness === undefined) {
      errors.enforce(true, 'healthPath', undefined,
        'and no \'readiness\' probe leave readiness and liveness both checking only that the port is open',
        'set \'healthPath\' to the app\'s HTTP health endpoint, or give \'readiness\' (e.g. AppProbe.grpc())');
    } else {
      errors.check(checkOf(probes.liveness) === checkOf(probes.readiness), 'liveness', 'same check as readiness',
        'runs the same check as the readiness probe, so a slow app is restarted instead of taken out of rotation',
        'give liveness a cheaper check that only fails when the process is stuck (e.g. AppProbe.tcpSocket())');
    }

    // ---- env, files, volumes ----
    validateEnv(errors, 'env', props.env ?? {});
    const writablePaths = props.writablePaths ?? WRITABLE_PATHS;
    const mountPaths: Array<[string, string]> = [
      ...writablePaths.map((p, i) => [`writablePaths[${i}]`, p] as [string, string]),
      ...(props.configFiles ?? []).map((f, i) => [`configFiles[${i}].mountPath`, f.mountPath] as [string, string]),
      ...(props.volumeMounts ?? []).map((m, i) => [`volumeMounts[${i}].path`, m.path] as [string, string]),
    ];
    mountPaths.forEach(([prop, path], i) => {
      errors.check(!path.startsWith('/'), prop, path, 'is not an absolute path', 'start it with \'/\'');
      errors.check(mountPaths.findIndex(([, p]) => p === path) < i, prop, path, 'is mounted twice', 'mount each path once');
    });

    // ---- helper containers ----
    const containerNames = new Set<string>(['main']);
    const helpers = [
      ...(props.initContainers ?? []).map((c, i) => ({ c, prop: `initContainers[${i}]`, init: true })),
      ...(props.sidecars ?? []).map((c, i) => ({ c, prop: `sidecars[${i}]`, init: false })),
    ];
    for (const { c, prop, init } of helpers) {
      errors.check(!isDns1123Label(c.name), `${prop}.name`, c.name, 'is not a DNS-1123 label', 'use lowercase letters, digits and \'-\'');
      errors.check(containerNames.has(c.name), `${prop}.name`, c.name, 'is used by another container of the pod', 'give each container its own name');
      containerNames.add(c.name);
      const ref = parseImage(c.image);
      errors.check(!ref || (!ref.tag && !ref.digest), `${prop}.image`, c.image, 'has no tag or digest', 'pin a version tag or a digest');
      errors.enforce(!!ref && ref.tag === 'latest' && !ref.digest, `${prop}.image`, c.image, 'uses the mutable tag \'latest\'',
        'pin a version tag or a digest');
      validateEnv(errors, `${prop}.env`, c.env ?? {});
      validateResources(errors, `${prop}.resources`, mergeResources(SIZES[HELPER_CONTAINER_SIZE], c.resources, undefined));
      if (init) {
        errors.check((c.ports ?? []).length > 0 || !!c.readiness || !!c.liveness, prop, c.name,
          'is an init container with ports or probes, which init containers cannot have', 'remove ports, readiness and liveness');
      } else {
        errors.enforce(!c.readiness || !c.liveness, `${prop}.readiness`, c.name, 'is a sidecar without readiness and liveness probes',
          'give the sidecar both probes');
        for (const p of c.ports ?? []) {
          errors.check(this.ports.some((q) => q.port === p.port || q.name === p.name), `${prop}.ports`, p.port, 'collides with a port of the app',
            'give the sidecar its own port number and name');
        }
      }
    }

    errors.throwIfAny();

    // ================= objects =================
    this.labels = {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/version': version,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': partOf,
      'app.kubernetes.io/managed-by': MANAGED_BY,
    };
    // The profile annotation lets the rule pack judge each object by its own profile when environments are mixed.
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels }, annotations: { [PROFILE_ANNOTATION]: profile.name } };

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata,
      automountToken: this.serviceAccountToken,
    });

    const annotations: Record<string, string> = { ...metadata.annotations };
    if (props.cpuLimitExemption !== undefined) {
      Object.assign(annotations, exemptionAnnotations('cpu-limits', props.cpuLimitExemption,
        { polaris: ['cpuLimitsMissing'], kubeScore: ['container-resources'], kubeLinter: ['unset-cpu-requirements'] }));
    }
    if (this.serviceAccountToken) {
      Object.assign(annotations, exemptionAnnotations('service-account-token', 'the app calls the Kubernetes API with its own ServiceAccount',
        { polaris: ['automountServiceAccountToken'], kubeScore: [], kubeLinter: [] }));
    }
    if (props.autoscaling) {
      Object.assign(annotations, exemptionAnnotations('deployment-replicas', 'the HorizontalPodAutoscaler owns the replica count',
        { polaris: ['deploymentMissingReplicas'], kubeScore: [], kubeLinter: [] }));
    }

    const volumes: Array<{ volume: kplus.Volume; path: string; readOnly: boolean }> = [];
    writablePaths.forEach((path, i) => volumes.push({
      volume: kplus.Volume.fromEmptyDir(this, `Writable${i}`, `writable-${i}`, { sizeLimit: Size.gibibytes(WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES) }),
      path, readOnly: false,
    }));
    (props.configFiles ?? []).forEach((f, i) => volumes.push({
      volume: kplus.Volume.fromConfigMap(this, `ConfigFiles${i}`, f.configMap, { name: `config-${i}` }),
      path: f.mountPath, readOnly: true,
    }));
    (props.volumeMounts ?? []).forEach((m) => volumes.push({ volume: m.volume, path: m.path, readOnly: m.readOnly ?? true }));

    const containerSecurity = (): kplus.ContainerSecurityContextProps => ({
      user, group, ensureNonRoot: true,
      privileged: sec.privileged ?? false,
      allowPrivilegeEscalation: sec.allowPrivilegeEscalation ?? false,
      readOnlyRootFilesystem: sec.readOnlyRootFilesystem ?? true,
      capabilities: { drop: [kplus.Capability.ALL], add: sec.addCapabilities && sec.addCapabilities.length > 0 ? [...sec.addCapabilities] : undefined },
      seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
    });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { ...metadata, annotations },
      podMetadata: { labels: { ...this.labels } },
      replicas: this.replicas,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(maxSurge),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(ROLLOUT.maxUnavailable),
      }),
      minReady,
      progressDeadline,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.serviceAccountToken,
      securityContext: { user, group, fsGroup, ensureNonRoot: true, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
      terminationGracePeriod: grace,
      isolate: false,
    });
    if (props.autoscaling) {
      this.deployment.markHasAutoscaler();
    }

    this.container = this.deployment.addContainer({
      name: 'main',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      command: props.command,
      args: props.args,
      ports: this.ports.map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
      envVariables: props.env,
      envFrom: props.envFrom,
      resources,
      securityContext: containerSecurity(),
      lifecycle: preStopDelay.toSeconds() > 0
        ? { preStop: kplus.Handler.fromCommand(['sleep', String(preStopDelay.toSeconds())]) } : undefined,
    });
    for (const v of volumes) {
      this.container.mount(v.path, v.volume, { readOnly: v.readOnly });
    }

    const sidecarProbes: Array<{ index: number; readiness?: k8s.Probe; liveness?: k8s.Probe }> = [];
    for (const { c, init } of helpers) {
      const options: kplus.ContainerProps = {
        name: c.name,
        image: c.image,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        command: c.command,
        args: c.args,
        envVariables: c.env,
        ports: (c.ports ?? []).map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
        resources: mergeResources(SIZES[HELPER_CONTAINER_SIZE], c.resources, undefined),
        securityContext: containerSecurity(),
      };
      if (init) {
        this.deployment.addInitContainer(options);
      } else {
        this.deployment.addContainer(options);
        const ports = Object.fromEntries((c.ports ?? []).map((p) => [p.name, p.port]));
        const first = c.ports?.[0]?.name;
        sidecarProbes.push({
          index: this.deployment.containers.length - 1,
          readiness: c.readiness?._toKube(PROBE_TIMINGS.readiness, first, ports),
          liveness: c.liveness?._toKube(PROBE_TIMINGS.liveness, first, ports),
        });
      }
    }

    // cdk8s-plus has no fields for these; they go in as JSON patches on the Deployment.
    const deploymentObject = ApiObject.of(this.deployment);
    const selector = { matchLabels: { ...this.deployment.matchLabels } };
    deploymentObject.addJsonPatch(
      JsonPatch.add('/spec/revisionHistoryLimit', revisionHistoryLimit),
      JsonPatch.add('/spec/template/spec/priorityClassName', this.priorityClassName),
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: TOPOLOGY.maxSkew, topologyKey: TOPOLOGY.zone, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
        { maxSkew: TOPOLOGY.maxSkew, topologyKey: TOPOLOGY.hostname, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      ]),
      JsonPatch.add('/spec/template/spec/affinity', {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: TOPOLOGY.antiAffinityWeight,
            podAffinityTerm: { topologyKey: TOPOLOGY.hostname, labelSelector: selector },
          }],
        },
      }),
      JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', probes.readiness),
      JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', probes.liveness),
      JsonPatch.add('/spec/template/spec/containers/0/startupProbe', probes.startup),
    );
    for (const s of sidecarProbes) {
      if (s.readiness) deploymentObject.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${s.index}/readinessProbe`, s.readiness));
      if (s.liveness) deploymentObject.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${s.index}/livenessProbe`, s.liveness));
    }

    this.service = new kplus.Service(this, 'Service', {
      metadata,
      type: serviceType,
      selector: this.deployment,
      // No targetPort: Kubernetes defaults it to `port`, which is the container port's number by construction.
      ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: kplus.Protocol.TCP })),
    });

    this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata,
      spec: {
        selector,
        maxUnavailable: pdb.minAvailable === undefined ? k8s.IntOrString.fromNumber(pdb.maxUnavailable ?? 1) : undefined,
        minAvailable: pdb.minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(pdb.minAvailable),
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    if (props.autoscaling) {
      const metrics: k8s.MetricSpecV2[] = [{
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling.cpuUtilizationPercent ?? DEFAULT_AUTOSCALING.cpuUtilizationPercent } },
      }];
      if (props.autoscaling.memoryUtilizationPercent !== undefined) {
        metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: props.autoscaling.memoryUtilizationPercent } } });
      }
      this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
          minReplicas: this.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas ?? profile.select(DEFAULT_AUTOSCALING.maxReplicas),
          metrics,
        },
      });
    }

    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata,
      spec: {
        podSelector: selector,
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => this.renderIngress(selector) }),
        egress: Lazy.any({ produce: () => [...this.egressRules] }),
      },
    });
    this.addEgress(NetworkPeer.clusterDns(), [CLUSTER_DNS.port], [kplus.Protocol.UDP, kplus.Protocol.TCP]);
    // API server endpoints are not pods, so the rule is an ipBlock; it exists only when a token is mounted.
    if (this.serviceAccountToken && apiServer !== undefined) {
      for (const cidr of apiServer.cidrs) {
        this.addEgress(NetworkPeer.cidr(cidr), [apiServer.port], [kplus.Protocol.TCP]);
      }
    }
  }

  /** The labels that select this app's pods (the Deployment's selector). */
  public get podSelector(): Record<string, string> {
    return { ...this.deployment.matchLabels };
  }

  public get peerDescription(): string {
    return `ProductionApp ${this.node.path}`;
  }

  public toNetworkPolicyPeer(fromNamespace: string | undefined): k8s.NetworkPolicyPeer {
    const sameNamespace = (this.namespace ?? '') === (fromNamespace ?? '') || this.namespace === undefined;
    return {
      podSelector: { matchLabels: this.podSelector },
      namespaceSelector: sameNamespace ? undefined : { matchLabels: { 'kubernetes.io/metadata.name': this.namespace! } },
    };
  }

  /**
   * Allows traffic from `peer` to this app's main port (or `options.ports`).
   *
   * When `peer` is a ProductionApp, its NetworkPolicy also gets the matching egress rule.
   */
  public allowFrom(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    const ports = options.ports ?? [this.port];
    this.checkOwnPorts('allowFrom', ports);
    const protocol = options.protocol ?? kplus.Protocol.TCP;
    this.addIngress(peer, ports, [protocol]);
    if (peer instanceof ProductionApp) {
      peer.addEgress(this, ports, [protocol]);
    }
  }

  /**
   * Allows this app to open connections to `peer`: a ProductionApp (its main port, and the matching ingress
   * rule on its side) or a NetworkPeer (`options.ports` required).
   */
  public connectsTo(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    if (peer instanceof ProductionApp) {
      peer.allowFrom(this, options);
      return;
    }
    if (!options.ports || options.ports.length === 0) {
      throw new Error(`ProductionApp '${this.node.path}': 'connectsTo' (${peer.peerDescription}) needs 'ports'. Fix: list the destination ports, e.g. { ports: [5432] }`);
    }
    const bad = options.ports.filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (bad.length > 0) {
      throw new Error(`ProductionApp '${this.node.path}': 'connectsTo' ports (${bad.join(', ')}) are not port numbers. Fix: use integers from 1 to 65535`);
    }
    this.addEgress(peer, options.ports, [options.protocol ?? kplus.Protocol.TCP]);
  }

  /**
   * Adds an ingress rule without touching the peer. Used by constructs that derive allows (ingress, namespace).
   *
   * @internal
   */
  public _addIngressRule(peer: INetworkPeer, ports: number[], protocols: kplus.Protocol[]): void {
    this.addIngress(peer, ports, protocols);
  }

  /**
   * Adds an egress rule without touching the peer.
   *
   * @internal
   */
  public _addEgressRule(peer: INetworkPeer, ports: number[], protocols: kplus.Protocol[]): void {
    this.addEgress(peer, ports, protocols);
  }

  private checkOwnPorts(method: string, ports: number[]): void {
    const unknown = ports.filter((p) => !this.ports.some((q) => q.port === p));
    if (unknown.length > 0) {
      throw new Error(`ProductionApp '${this.node.path}': '${method}' ports (${unknown.join(', ')}) are not ports of the app. Fix: use one of ${this.ports.map((p) => p.port).join(', ')}`);
    }
  }

  private addIngress(peer: INetworkPeer, ports: number[], protocols: kplus.Protocol[]): void {
    const rendered = peer.toNetworkPolicyPeer(this.namespace);
    this.checkAdmitted(peer, rendered);
    const key = `in:${JSON.stringify(rendered)}:${ports.join(',')}:${protocols.join(',')}`;
    if (this.ruleKeys.has(key)) return;
    this.ruleKeys.add(key);
    this.ingressRules.push({ from: [rendered], ports: portList(ports, protocols) });
  }

  /** Refuses an allow from another namespace when the enclosing ProductionNamespace does not admit it. */
  private checkAdmitted(peer: INetworkPeer, rendered: k8s.NetworkPolicyPeer): void {
    const guard = this.node.tryGetContext(ADMITTED_NAMESPACES_CONTEXT_KEY) as { namespace: string; admitted: string[] } | undefined;
    if (guard === undefined || rendered.namespaceSelector === undefined) {
      return;
    }
    const from = rendered.namespaceSelector.matchLabels?.[NAMESPACE_NAME_LABEL];
    if (from !== undefined && (from === guard.namespace || guard.admitted.includes(from))) {
      return;
    }
    const errors = new PropErrors(this, 'ProductionApp', this.profile);
    errors.add('allowFrom', peer.peerDescription,
      `comes from ${from === undefined ? 'any namespace' : `namespace "${from}"`}, which the ProductionNamespace "${guard.namespace}" does not admit ('allowedIngressNamespaces': ${JSON.stringify(guard.admitted)})`,
      `add ${from === undefined ? 'the namespace' : `"${from}"`} to 'allowedIngressNamespaces' of the ProductionNamespace, or remove the allow`);
    errors.throwIfAny();
  }

  private addEgress(peer: INetworkPeer, ports: number[], protocols: kplus.Protocol[]): void {
    const rendered = peer.toNetworkPolicyPeer(this.namespace);
    const key = `out:${JSON.stringify(rendered)}:${ports.join(',')}:${protocols.join(',')}`;
    if (this.ruleKeys.has(key)) return;
    this.ruleKeys.add(key);
    this.egressRules.push({ to: [rendered], ports: portList(ports, protocols) });
  }

  private renderIngress(selector: { matchLabels: Record<string, string> }): k8s.NetworkPolicyIngressRule[] {
    if (this.ingressRules.length > 0) {
      return [...this.ingressRules];
    }
    // Nobody is allowed in yet. An empty list would satisfy Kubernetes but Polaris (missingNetworkPolicy)
    // wants a non-empty rule list; allowing the app's own replicas on its port opens nothing else.
    return [{ from: [{ podSelector: { matchLabels: { ...selector.matchLabels } } }], ports: portList([this.port], [kplus.Protocol.TCP]) }];
  }
}

/**
 * The annotations that exempt an object from one check, for our rule pack and the three scanners.
 *
 * @internal
 */
export function exemptionAnnotations(ruleId: string, reason: string,
  checks: { polaris: string[]; kubeScore: string[]; kubeLinter: string[] }): Record<string, string> {
  const out: Record<string, string> = { [`${EXEMPT_PREFIX}${ruleId}`]: reason };
  for (const c of checks.polaris) out[`polaris.fairwinds.com/${c}-exempt`] = 'true';
  if (checks.kubeScore.length > 0) out['kube-score/ignore'] = checks.kubeScore.join(',');
  if (checks.polaris.length + checks.kubeScore.length > 0) {
    // The Polaris and kube-score forms carry no reason of their own.
    out[EXEMPTION_REASON_ANNOTATION] = reason;
  }
  for (const c of checks.kubeLinter) out[`ignore-check.kube-linter.io/${c}`] = reason;
  return out;
}

function portList(ports: number[], protocols: kplus.Protocol[]): k8s.NetworkPolicyPort[] {
  return protocols.flatMap((protocol) => ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol })));
}

function sizeByName(name: 'small' | 'medium' | 'large'): AppSize {
  return name === 'small' ? AppSize.SMALL : name === 'medium' ? AppSize.MEDIUM : AppSize.LARGE;
}

function mergeResources(base: kplus.ContainerResources, override: kplus.ContainerResources | undefined,
  cpuLimitExemption: string | undefined): kplus.ContainerResources {
  return {
    cpu: {
      request: override?.cpu?.request ?? base.cpu?.request,
      limit: cpuLimitExemption !== undefined ? undefined : (override?.cpu?.limit ?? base.cpu?.limit),
    },
    memory: { request: override?.memory?.request ?? base.memory?.request, limit: override?.memory?.limit ?? base.memory?.limit },
    ephemeralStorage: {
      request: override?.ephemeralStorage?.request ?? base.ephemeralStorage?.request,
      limit: override?.ephemeralStorage?.limit ?? base.ephemeralStorage?.limit,
    },
  };
}

function validateResources(errors: PropErrors, prop: string, r: kplus.ContainerResources): void {
  const cpuReq = _millicores(r.cpu?.request);
  const cpuLim = _millicores(r.cpu?.limit);
  for (const [p, v, raw] of [[`${prop}.cpu.request`, cpuReq, r.cpu?.request?.amount], [`${prop}.cpu.limit`, cpuLim, r.cpu?.limit?.amount]] as const) {
    errors.check(v !== undefined && (!Number.isFinite(v) || v <= 0), p, raw, 'is not a positive CPU quantity', 'use Cpu.millis(n) or Cpu.units(n) with n > 0');
  }
  errors.check(cpuReq !== undefined && cpuLim !== undefined && cpuReq > cpuLim, `${prop}.cpu.request`, r.cpu?.request?.amount,
    `is above the CPU limit (${r.cpu?.limit?.amount})`, 'lower the request or raise the limit');
  for (const [name, pair] of [['memory', r.memory], ['ephemeralStorage', r.ephemeralStorage]] as const) {
    const req = _mebibytes(pair?.request);
    const lim = _mebibytes(pair?.limit);
    for (const [p, v] of [[`${prop}.${name}.request`, req], [`${prop}.${name}.limit`, lim]] as const) {
      errors.check(v !== undefined && (!Number.isFinite(v) || v <= 0), p, v === undefined ? v : `${v}Mi`, 'is not a positive size',
        'use Size.mebibytes(n) or Size.gibibytes(n) with n > 0');
    }
    if (name === 'ephemeralStorage') {
      for (const [p, v] of [[`${prop}.${name}.request`, req], [`${prop}.${name}.limit`, lim]] as const) {
        errors.check(v !== undefined && Number.isFinite(v) && v > 0 && v % 1024 !== 0, p, `${v}Mi`,
          'is not a whole number of GiB, which is how cdk8s-plus renders ephemeral storage', 'use Size.gibibytes(n) with a whole n');
      }
    }
    errors.check(req !== undefined && lim !== undefined && req > lim, `${prop}.${name}.request`, `${req}Mi`,
      `is above the limit (${lim}Mi)`, 'lower the request or raise the limit');
  }
}

function validateEnv(errors: PropErrors, prop: string, env: { [name: string]: kplus.EnvValue }): void {
  for (const [name, value] of Object.entries(env)) {
    errors.check(!isEnvVarName(name), `${prop}.${name}`, name, 'is not a valid environment variable name', 'use letters, digits, \'_\', \'-\' and \'.\', not starting with a digit');
    const literal = value.value;
    if (typeof literal !== 'string') {
      continue;
    }
    const looksSecret = (SECRET_NAME_PATTERN.test(name) && literal.length > 0) || SECRET_VALUE_PATTERNS.some((re) => re.test(literal));
    errors.enforce(looksSecret, `${prop}.${name}`, '<redacted>', 'is a literal that looks like a secret and would be stored in plain text in the manifest',
      'put it in a Secret (e.g. synced by External Secrets) and use EnvValue.fromSecretValue');
  }
}
