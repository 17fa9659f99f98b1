import { ApiObject, Duration, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResolvedApp, ResolvedScaling, ResolvedSecurity, resolveProductionApp } from './_resolve';
import { AppProbe } from './app-probe';
import { AppSize } from './app-size';
import { ADMITTED_NAMESPACES_CONTEXT_KEY, INetworkPeer, NetworkPeer } from './network-peer';
import {
  PROBE_TIMINGS, ROLLOUT, TOPOLOGY, WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES, CLUSTER_DNS, NAMESPACE_NAME_LABEL,
} from '../defaults';
import { PropErrors } from '../internal/errors';
import { EXEMPT_PREFIX, EXEMPTION_REASON_ANNOTATION, PROFILE_ANNOTATION } from '../rules';
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
    // Every problem with the props is thrown here, in one error, before any object is created.
    const settings = resolveProductionApp(this, this.profile, props);
    this.name = settings.identity.name;
    this.namespace = settings.identity.namespace;
    this.image = props.image;
    this.port = props.port;
    this.portName = settings.ports[0].name;
    this.ports = settings.ports;
    this.replicas = settings.scaling.replicas;
    this.minReplicas = settings.scaling.minReplicas;
    this.serviceAccountToken = settings.access.serviceAccountToken;
    this.priorityClassName = settings.access.priorityClassName;
    this.labels = settings.labels;

    // The profile annotation lets the rule pack judge each object by its own profile when environments are mixed.
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.labels }, annotations: { [PROFILE_ANNOTATION]: this.profile.name } };

    // Construct IDs and creation order decide the names and the order of the output: keep both.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: this.serviceAccountToken });
    const volumes = this.createVolumes(settings, props);
    this.deployment = this.createDeployment(settings, props, metadata);
    this.container = this.addMainContainer(settings, props, volumes);
    const sidecarProbes = this.addHelperContainers(settings);
    const selector = { matchLabels: { ...this.deployment.matchLabels } };
    this.patchDeployment(settings, selector, sidecarProbes);
    this.service = this.createService(settings, metadata);
    this.disruptionBudget = this.createDisruptionBudget(settings, metadata, selector);
    if (settings.scaling.autoscaling) {
      this.autoscaler = this.createAutoscaler(settings.scaling.autoscaling, metadata);
    }
    this.networkPolicy = this.createNetworkPolicy(settings, metadata, selector);
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
      namespaceSelector: sameNamespace ? undefined : { matchLabels: { [NAMESPACE_NAME_LABEL]: this.namespace! } },
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

  /** The writable emptyDirs, config files and extra volumes of the main container, in mount order. */
  private createVolumes(settings: ResolvedApp, props: ProductionAppProps): MainContainerVolume[] {
    const volumes: MainContainerVolume[] = [];
    settings.writablePaths.forEach((path, i) => volumes.push({
      volume: kplus.Volume.fromEmptyDir(this, `Writable${i}`, `writable-${i}`, { sizeLimit: Size.gibibytes(WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES) }),
      path, readOnly: false,
    }));
    (props.configFiles ?? []).forEach((f, i) => volumes.push({
      volume: kplus.Volume.fromConfigMap(this, `ConfigFiles${i}`, f.configMap, { name: `config-${i}` }),
      path: f.mountPath, readOnly: true,
    }));
    (props.volumeMounts ?? []).forEach((m) => volumes.push({ volume: m.volume, path: m.path, readOnly: m.readOnly ?? true }));
    return volumes;
  }

  /** The Deployment, without containers. */
  private createDeployment(settings: ResolvedApp, props: ProductionAppProps, metadata: AppMetadata): kplus.Deployment {
    const { rollout, security } = settings;
    const annotations: Record<string, string> = { ...metadata.annotations };
    if (props.cpuLimitExemption !== undefined) {
      Object.assign(annotations, exemptionAnnotations('cpu-limits', props.cpuLimitExemption,
        { polaris: ['cpuLimitsMissing'], kubeScore: ['container-resources'], kubeLinter: ['unset-cpu-requirements'] }));
    }
    if (this.serviceAccountToken) {
      Object.assign(annotations, exemptionAnnotations('service-account-token', 'the app calls the Kubernetes API with its own ServiceAccount',
        { polaris: ['automountServiceAccountToken'], kubeScore: [], kubeLinter: [] }));
    }
    if (settings.scaling.autoscaling) {
      Object.assign(annotations, exemptionAnnotations('deployment-replicas', 'the HorizontalPodAutoscaler owns the replica count',
        { polaris: ['deploymentMissingReplicas'], kubeScore: [], kubeLinter: [] }));
    }
    const deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { ...metadata, annotations },
      podMetadata: { labels: { ...this.labels } },
      replicas: this.replicas,
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(rollout.maxSurge),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(ROLLOUT.maxUnavailable),
      }),
      minReady: rollout.minReady,
      progressDeadline: rollout.progressDeadline,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.serviceAccountToken,
      securityContext: {
        user: security.user, group: security.group, fsGroup: security.fsGroup, ensureNonRoot: true,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      terminationGracePeriod: rollout.terminationGracePeriod,
      isolate: false,
    });
    if (settings.scaling.autoscaling) {
      deployment.markHasAutoscaler();
    }
    return deployment;
  }

  /** The main container, with its volumes mounted. */
  private addMainContainer(settings: ResolvedApp, props: ProductionAppProps, volumes: MainContainerVolume[]): kplus.Container {
    const preStopSeconds = settings.rollout.preStopDelay.toSeconds();
    const container = this.deployment.addContainer({
      name: 'main',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      command: props.command,
      args: props.args,
      ports: this.ports.map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
      envVariables: props.env,
      envFrom: props.envFrom,
      resources: settings.resources,
      securityContext: containerSecurityContext(settings.security),
      lifecycle: preStopSeconds > 0
        ? { preStop: kplus.Handler.fromCommand(['sleep', String(preStopSeconds)]) } : undefined,
    });
    for (const v of volumes) {
      container.mount(v.path, v.volume, { readOnly: v.readOnly });
    }
    return container;
  }

  /** Adds the init containers and sidecars; returns the sidecars' rendered probes by container index. */
  private addHelperContainers(settings: ResolvedApp): SidecarProbes[] {
    const sidecarProbes: SidecarProbes[] = [];
    for (const { options: c, init, resources } of settings.helpers) {
      const options: kplus.ContainerProps = {
        name: c.name,
        image: c.image,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        command: c.command,
        args: c.args,
        envVariables: c.env,
        ports: (c.ports ?? []).map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
        resources,
        securityContext: containerSecurityContext(settings.security),
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
    return sidecarProbes;
  }

  /** What cdk8s-plus has no fields for goes in as JSON patches on the Deployment. */
  private patchDeployment(settings: ResolvedApp, selector: LabelSelector, sidecarProbes: SidecarProbes[]): void {
    const deploymentObject = ApiObject.of(this.deployment);
    deploymentObject.addJsonPatch(
      JsonPatch.add('/spec/revisionHistoryLimit', settings.rollout.revisionHistoryLimit),
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
      JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', settings.probes.readiness),
      JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', settings.probes.liveness),
      JsonPatch.add('/spec/template/spec/containers/0/startupProbe', settings.probes.startup),
    );
    for (const s of sidecarProbes) {
      if (s.readiness) deploymentObject.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${s.index}/readinessProbe`, s.readiness));
      if (s.liveness) deploymentObject.addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${s.index}/livenessProbe`, s.liveness));
    }
  }

  private createService(settings: ResolvedApp, metadata: AppMetadata): kplus.Service {
    return new kplus.Service(this, 'Service', {
      metadata,
      type: settings.access.serviceType,
      selector: this.deployment,
      // No targetPort: Kubernetes defaults it to `port`, which is the container port's number by construction.
      ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: kplus.Protocol.TCP })),
    });
  }

  private createDisruptionBudget(settings: ResolvedApp, metadata: AppMetadata, selector: LabelSelector): k8s.KubePodDisruptionBudget {
    const { maxUnavailable, minAvailable } = settings.disruptionBudget;
    return new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata,
      spec: {
        selector,
        maxUnavailable: maxUnavailable === undefined ? undefined : k8s.IntOrString.fromNumber(maxUnavailable),
        minAvailable: minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(minAvailable),
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  private createAutoscaler(autoscaling: NonNullable<ResolvedScaling['autoscaling']>, metadata: AppMetadata): k8s.KubeHorizontalPodAutoscalerV2 {
    const metrics: k8s.MetricSpecV2[] = [{
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent } },
    }];
    if (autoscaling.memoryUtilizationPercent !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: autoscaling.memoryUtilizationPercent } } });
    }
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics,
      },
    });
  }

  /** The default-deny NetworkPolicy, with DNS egress (and API server egress when a token is mounted). */
  private createNetworkPolicy(settings: ResolvedApp, metadata: AppMetadata, selector: LabelSelector): k8s.KubeNetworkPolicy {
    const networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
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
    const apiServer = settings.access.apiServer;
    if (this.serviceAccountToken && apiServer !== undefined) {
      for (const cidr of apiServer.cidrs) {
        this.addEgress(NetworkPeer.cidr(cidr), [apiServer.port], [kplus.Protocol.TCP]);
      }
    }
    return networkPolicy;
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
function exemptionAnnotations(ruleId: string, reason: string,
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

function containerSecurityContext(security: ResolvedSecurity): kplus.ContainerSecurityContextProps {
  return {
    user: security.user, group: security.group, ensureNonRoot: true,
    privileged: security.privileged,
    allowPrivilegeEscalation: security.allowPrivilegeEscalation,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    capabilities: { drop: [kplus.Capability.ALL], add: security.addCapabilities.length > 0 ? [...security.addCapabilities] : undefined },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** The metadata every object of the app shares. */
interface AppMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** The label selector of the app's pods. */
interface LabelSelector {
  readonly matchLabels: Record<string, string>;
}

/** A volume of the main container and where it is mounted. */
interface MainContainerVolume {
  readonly volume: kplus.Volume;
  readonly path: string;
  readonly readOnly: boolean;
}

/** The rendered probes of one sidecar, by its index in the pod's containers. */
interface SidecarProbes {
  readonly index: number;
  readonly readiness?: k8s.Probe;
  readonly liveness?: k8s.Probe;
}
