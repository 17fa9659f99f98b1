import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe } from './app-probe';
import type { ApiGrant } from '../access/api-grant';
import { AppSize } from './app-size';

// The public props of the hardened pod that every workload kind of the library composes.

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
  /**
   * Volumes mounted into this container. Pass the same `kplus.Volume` that the main container (or another
   * sidecar) mounts to share it, e.g. an emptyDir of log files read by a log shipper.
   *
   * @default - none
   */
  readonly volumeMounts?: AppVolumeMount[];
}

/**
 * A node the pods are attracted to, on top of the library's spread over zones and nodes.
 */
export interface AppNodeAffinity {
  /** The nodes, by label: `kplus.Node.labeled(kplus.NodeLabelQuery.is('node-pool', 'web'))`. */
  readonly node: kplus.LabeledNode;
  /**
   * With a weight (1-100) the attraction is a preference; without one it is a requirement.
   *
   * @default - required
   */
  readonly weight?: number;
}

/**
 * Everything a hardened pod has: the main container (image, command, env, files, probes, size), its helper
 * containers, its identity and privileges, and its shutdown.
 *
 * Every workload kind of the library extends these props, so the same field means the same thing on every kind.
 */
export interface HardenedPodProps {
  /**
   * The container image, with a tag or (preferred) a digest: `registry/app:1.2.3` or `registry/app@sha256:...`.
   *
   * An image without a tag is always an error; `:latest` is an error in staging and prod.
   */
  readonly image: string;

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
  readonly namespaceName?: string;

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
   * Mount a service account token, for apps that call the Kubernetes API. Prefer `apiAccess`, which turns the token
   * on together with the RBAC the app needs; `false` with `apiAccess` is an error.
   *
   * @default - true when `apiAccess` grants anything, else false
   */
  readonly serviceAccountToken?: boolean;

  /**
   * What the app may do with the Kubernetes API in its own namespace: `ApiGrant.read(ApiResource.CONFIG_MAPS)`,
   * `ApiGrant.watch(...)`, `ApiGrant.of(resource, [ApiVerb.GET])`.
   *
   * The grants become the rules of a Role (construct ID `ApiRole`) bound to the app's ServiceAccount (`ApiRoleBinding`),
   * and turn on the service account token and the NetworkPolicy egress to the API server together. Secrets need
   * `resourceNames`; cluster-scoped resources cannot be granted; `pods/exec` and `pods/attach` are errors in staging
   * and prod. More grants can be added with `grantRead`, `grantWatch` and `grant`.
   *
   * @default - no API access: no token, no Role, no egress to the API server
   * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
   */
  readonly apiAccess?: ApiGrant[];

  /**
   * The priority class of the pods.
   *
   * @default - 'platform-low' in dev, 'platform-default' in staging, 'platform-high' in prod (see `PriorityClasses`)
   */
  readonly priorityClassName?: string;

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
   * Secrets of type `kubernetes.io/dockerconfigjson` to pull the images with.
   *
   * @default - none: the ServiceAccount's or the node's registry credentials
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly imagePullSecrets?: kplus.ISecret[];

  /**
   * Node labels every pod's node must have.
   *
   * @default - any node
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Node taints the pods tolerate: `kplus.NodeTaintQuery.is('dedicated', 'batch', { effect: kplus.TaintEffect.NO_SCHEDULE })`.
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerations?: kplus.NodeTaintQuery[];

  /**
   * Nodes the pods are attracted to. Added to the library's spread and anti-affinity, never replacing them.
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
   */
  readonly nodeAffinity?: AppNodeAffinity[];

  /**
   * Extra labels on the pods. The `app.kubernetes.io/*` labels are the library's and cannot be set here.
   *
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Extra annotations on the pods (e.g. for a service mesh or a log collector).
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Extra labels on the ServiceAccount. The `app.kubernetes.io/*` labels are the library's.
   *
   * @default - none
   */
  readonly serviceAccountLabels?: { [key: string]: string };

  /**
   * Extra annotations on the ServiceAccount (e.g. a cloud IAM role binding such as `eks.amazonaws.com/role-arn`).
   *
   * @default - none
   */
  readonly serviceAccountAnnotations?: { [key: string]: string };
}
