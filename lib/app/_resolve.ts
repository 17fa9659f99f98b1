import { Duration, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AppProbe, _ProbeKind } from './app-probe';
import { AppSize } from './app-size';
import { mebibytesOf, millicoresOf } from '../internal/quantity';
import { API_SERVER_CONTEXT_KEY } from './network-peer';
import type { AppContainerOptions, AppPort, ProductionAppProps } from './production-app';
import {
  DEFAULT_AUTOSCALING, DEFAULT_REPLICAS, DEFAULT_SIZE, HELPER_CONTAINER_SIZE, MANAGED_BY, MIN_REPLICAS, POD_IDENTITY,
  PORT_NAME, PRIORITY_CLASS_NAME, PROBE_TIMINGS, ROLLOUT, SECRET_NAME_PATTERN, SECRET_VALUE_PATTERNS, SHUTDOWN, SIZES,
  WRITABLE_PATHS,
} from '../defaults';
import { PropErrors } from '../internal/errors';
import {
  isDns1035Label, isDns1123Label, isEnvVarName, isLabelValue, isPortName, parseImage,
} from '../internal/names';
import { NAMESPACE_CONTEXT_KEY, _namespaceOf } from '../internal/scope';
import { Profile } from '../profile';

// Validation and resolution of ProductionAppProps. Each `resolveXxx` function checks one area, records its
// problems in the shared PropErrors (so that every problem of the app is thrown together, in this order)
// and returns the resolved values of the area.

/**
 * The name and namespace of the app's objects.
 *
 * @internal
 */
export interface ResolvedIdentity {
  readonly name: string;
  readonly namespace?: string;
  /** The namespace of the enclosing ProductionNamespace, if any. */
  readonly enclosingNamespace?: string;
}

/**
 * The static replica count or the autoscaler settings.
 *
 * @internal
 */
export interface ResolvedScaling {
  /** The static replica count, or undefined when an autoscaler owns it. */
  readonly replicas?: number;
  /** The fewest pods the app runs with. */
  readonly minReplicas: number;
  /** The autoscaler settings, when autoscaling is on. */
  readonly autoscaling?: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilizationPercent: number;
    readonly memoryUtilizationPercent?: number;
  };
}

/**
 * The PodDisruptionBudget; exactly one field is set.
 *
 * @internal
 */
export interface ResolvedDisruptionBudget {
  readonly maxUnavailable?: number;
  readonly minAvailable?: number;
}

/**
 * Rolling update and graceful shutdown.
 *
 * @internal
 */
export interface ResolvedRollout {
  readonly maxSurge: number;
  readonly minReady: Duration;
  readonly progressDeadline: Duration;
  readonly revisionHistoryLimit: number;
  readonly preStopDelay: Duration;
  readonly terminationGracePeriod: Duration;
}

/**
 * The pod and container identity and privileges.
 *
 * @internal
 */
export interface ResolvedSecurity {
  readonly user: number;
  readonly group: number;
  readonly fsGroup: number;
  readonly privileged: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly addCapabilities: kplus.Capability[];
}

/**
 * Service account, priority and Service type.
 *
 * @internal
 */
export interface ResolvedAccess {
  readonly serviceAccountToken: boolean;
  /** The API server endpoints of the enclosing ProductionNamespace, if it declares them. */
  readonly apiServer?: { readonly cidrs: string[]; readonly port: number };
  readonly priorityClassName: string;
  readonly serviceType: kplus.ServiceType;
}

/**
 * The rendered probes of the main container.
 *
 * @internal
 */
export interface ResolvedProbes {
  readonly readiness: k8s.Probe;
  readonly liveness: k8s.Probe;
  readonly startup: k8s.Probe;
}

/**
 * An init container or sidecar, with its requests and limits.
 *
 * @internal
 */
export interface ResolvedHelperContainer {
  readonly options: AppContainerOptions;
  /** True for an init container, false for a sidecar. */
  readonly init: boolean;
  readonly resources: kplus.ContainerResources;
}

/**
 * Every resolved setting of a ProductionApp, grouped by area.
 *
 * @internal
 */
export interface ResolvedApp {
  readonly identity: ResolvedIdentity;
  /** The `app.kubernetes.io/*` labels on every object. */
  readonly labels: Record<string, string>;
  /** Every port of the main container, the main one first. */
  readonly ports: AppPort[];
  readonly scaling: ResolvedScaling;
  readonly disruptionBudget: ResolvedDisruptionBudget;
  readonly rollout: ResolvedRollout;
  /** Requests and limits of the main container. */
  readonly resources: kplus.ContainerResources;
  readonly security: ResolvedSecurity;
  readonly access: ResolvedAccess;
  readonly probes: ResolvedProbes;
  /** The absolute paths that get a writable emptyDir. */
  readonly writablePaths: string[];
  readonly helpers: ResolvedHelperContainer[];
}

/**
 * Validates `props` and resolves every default; throws one error listing every problem.
 *
 * @internal
 */
export function resolveProductionApp(scope: IConstruct, profile: Profile, props: ProductionAppProps): ResolvedApp {
  const errors = new PropErrors(scope, 'ProductionApp', profile);
  const identity = resolveIdentity(errors, scope, props);
  const labels = resolveImageAndLabels(errors, props, identity.name);
  const ports = resolvePorts(errors, props);
  const scaling = resolveScaling(errors, profile, props);
  const resolved: ResolvedApp = {
    identity,
    labels,
    ports,
    scaling,
    disruptionBudget: resolveDisruptionBudget(errors, props, scaling.minReplicas),
    rollout: resolveRollout(errors, props),
    resources: resolveResources(errors, profile, props),
    security: resolveSecurity(errors, props),
    access: resolveAccess(errors, profile, props, scope, identity.enclosingNamespace),
    probes: resolveProbes(errors, props, ports),
    writablePaths: resolveFiles(errors, props),
    helpers: resolveHelperContainers(errors, props, ports),
  };
  errors.throwIfAny();
  return resolved;
}

/**
 * The name and namespace.
 *
 * @internal
 */
export function resolveIdentity(errors: PropErrors, scope: IConstruct, props: ProductionAppProps): ResolvedIdentity {
  const name = props.name ?? Names.toDnsLabel(scope);
  errors.check(!isDns1035Label(name), 'name', name, 'is not a DNS-1035 label (it names the Service)',
    'use lowercase letters, digits and \'-\', start with a letter, at most 63 characters');
  const namespace = props.namespace ?? _namespaceOf(scope);
  errors.checkDnsLabel('namespace', namespace);
  const enclosingNamespace = scope.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
  errors.check(props.namespace !== undefined && enclosingNamespace !== undefined && props.namespace !== enclosingNamespace, 'namespace',
    props.namespace, `conflicts with the enclosing ProductionNamespace "${enclosingNamespace}"`,
    'remove \'namespace\' (apps inside a ProductionNamespace land in it), or create the app outside the ProductionNamespace');
  return { name, namespace, enclosingNamespace };
}

/**
 * The image, and the `app.kubernetes.io/*` labels (the version defaults to the image's tag or digest).
 *
 * @internal
 */
export function resolveImageAndLabels(errors: PropErrors, props: ProductionAppProps, name: string): Record<string, string> {
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
  const partOf = props.partOf ?? name;
  errors.check(!isLabelValue(component), 'component', component, 'is not a valid label value', 'use at most 63 letters, digits, \'-\', \'_\' or \'.\'');
  errors.check(!isLabelValue(partOf), 'partOf', partOf, 'is not a valid label value', 'use at most 63 letters, digits, \'-\', \'_\' or \'.\'');
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/**
 * Every port of the main container, the main one first.
 *
 * @internal
 */
export function resolvePorts(errors: PropErrors, props: ProductionAppProps): AppPort[] {
  const ports: AppPort[] = [{ name: props.portName ?? PORT_NAME, port: props.port }, ...(props.additionalPorts ?? [])];
  ports.forEach((p, i) => {
    const prop = i === 0 ? 'port' : `additionalPorts[${i - 1}].port`;
    const nameProp = i === 0 ? 'portName' : `additionalPorts[${i - 1}].name`;
    errors.check(!Number.isInteger(p.port) || p.port < 1 || p.port > 65535, prop, p.port, 'is not a port number', 'use an integer from 1 to 65535');
    errors.check(!isPortName(p.name), nameProp, p.name, 'is not a valid port name',
      'use at most 15 lowercase letters, digits and \'-\', with at least one letter');
    errors.check(ports.findIndex((q) => q.port === p.port) < i, prop, p.port, 'is used by another port of the app', 'give each port its own number');
    errors.check(ports.findIndex((q) => q.name === p.name) < i, nameProp, p.name, 'is used by another port of the app', 'give each port its own name');
  });
  errors.check(props.port === 22, 'port', props.port, 'is the SSH port; running SSH in an app is flagged by kube-linter (ssh-port)',
    'serve the app on another port');
  return ports;
}

/**
 * Static replicas, or autoscaling.
 *
 * @internal
 */
export function resolveScaling(errors: PropErrors, profile: Profile, props: ProductionAppProps): ResolvedScaling {
  const minFloor = profile.select(MIN_REPLICAS);
  const inProfile = `in ${profile.name}`;
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
    return {
      minReplicas: minR,
      autoscaling: { minReplicas: minR, maxReplicas: maxR, cpuUtilizationPercent: cpu, memoryUtilizationPercent: mem },
    };
  }
  const replicas = props.replicas ?? profile.select(DEFAULT_REPLICAS);
  errors.check(!Number.isInteger(replicas) || replicas < minFloor, 'replicas', replicas,
    `must be an integer of at least ${minFloor} ${inProfile}`, `set it to ${minFloor} or more, or turn on 'autoscaling'`);
  return { replicas, minReplicas: replicas };
}

/**
 * The PodDisruptionBudget, which must leave room for evictions above `minReplicas`.
 *
 * @internal
 */
export function resolveDisruptionBudget(errors: PropErrors, props: ProductionAppProps, minReplicas: number): ResolvedDisruptionBudget {
  const pdb = props.disruptionBudget ?? {};
  errors.check(pdb.maxUnavailable !== undefined && pdb.minAvailable !== undefined, 'disruptionBudget', pdb,
    'sets both maxUnavailable and minAvailable', 'set only one of them');
  errors.check(pdb.maxUnavailable !== undefined && (!Number.isInteger(pdb.maxUnavailable) || pdb.maxUnavailable < 1),
    'disruptionBudget.maxUnavailable', pdb.maxUnavailable, 'blocks every eviction, so node drains hang', 'set it to 1 or more');
  errors.check(pdb.minAvailable !== undefined && (!Number.isInteger(pdb.minAvailable) || pdb.minAvailable < 0 || pdb.minAvailable >= minReplicas),
    'disruptionBudget.minAvailable', pdb.minAvailable, `must be below the fewest replicas (${minReplicas}), else no pod can ever be evicted`,
    `set it to ${Math.max(minReplicas - 1, 0)} or less, or use maxUnavailable 1`);
  return pdb.minAvailable === undefined ? { maxUnavailable: pdb.maxUnavailable ?? 1 } : { minAvailable: pdb.minAvailable };
}

/**
 * Rolling update and graceful shutdown.
 *
 * @internal
 */
export function resolveRollout(errors: PropErrors, props: ProductionAppProps): ResolvedRollout {
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
  return { maxSurge, minReady, progressDeadline, revisionHistoryLimit, preStopDelay, terminationGracePeriod: grace };
}

/**
 * Requests and limits of the main container: `size`, overridden by `resources`, without a CPU limit when exempted.
 *
 * @internal
 */
export function resolveResources(errors: PropErrors, profile: Profile, props: ProductionAppProps): kplus.ContainerResources {
  const size = props.size ?? sizeByName(profile.select(DEFAULT_SIZE));
  const resources = mergeResources(size.resources, props.resources, props.cpuLimitExemption);
  validateResources(errors, 'resources', resources);
  errors.check(props.cpuLimitExemption !== undefined && props.cpuLimitExemption.trim() === '', 'cpuLimitExemption', props.cpuLimitExemption,
    'is empty; an exemption needs a written reason', 'say why the app runs without a CPU limit');
  return resources;
}

/**
 * Identity and privileges; weakening them is a policy breach.
 *
 * @internal
 */
export function resolveSecurity(errors: PropErrors, props: ProductionAppProps): ResolvedSecurity {
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
  return {
    user,
    group,
    fsGroup,
    privileged: sec.privileged ?? false,
    allowPrivilegeEscalation: sec.allowPrivilegeEscalation ?? false,
    readOnlyRootFilesystem: sec.readOnlyRootFilesystem ?? true,
    addCapabilities: sec.addCapabilities ?? [],
  };
}

/**
 * Service account token, priority class and Service type.
 *
 * @internal
 */
export function resolveAccess(errors: PropErrors, profile: Profile, props: ProductionAppProps, scope: IConstruct,
  enclosingNamespace: string | undefined): ResolvedAccess {
  const serviceAccountToken = props.serviceAccountToken ?? false;
  const apiServer = scope.node.tryGetContext(API_SERVER_CONTEXT_KEY) as { cidrs: string[]; port: number } | undefined;
  errors.enforce(serviceAccountToken && apiServer === undefined && enclosingNamespace !== undefined, 'serviceAccountToken', true,
    `mounts a token, but the ProductionNamespace "${enclosingNamespace}" has no 'apiServer', so the default deny blocks every API call`,
    'set \'apiServer\' on the ProductionNamespace (KubernetesApiServer.endpoints([...]))');
  const priorityClassName = props.priorityClassName ?? profile.select(PRIORITY_CLASS_NAME);
  errors.check(!isDns1123Label(priorityClassName) && !/^[a-z0-9.-]+$/.test(priorityClassName), 'priorityClassName', priorityClassName,
    'is not a valid PriorityClass name', 'use a DNS-1123 name such as \'platform-high\'');
  const serviceType = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
  if (serviceType === kplus.ServiceType.LOAD_BALANCER || serviceType === kplus.ServiceType.NODE_PORT) {
    errors.enforce(!(props.serviceTypeReason ?? '').trim(), 'serviceType', serviceType,
      'exposes the app outside the cluster, bypassing the single load-balanced entry point',
      'keep ClusterIP and route through a ProductionIngress, or give \'serviceTypeReason\'');
  }
  errors.check(serviceType === kplus.ServiceType.EXTERNAL_NAME, 'serviceType', serviceType, 'cannot select the app\'s pods',
    'use ClusterIP');
  return { serviceAccountToken, apiServer, priorityClassName, serviceType };
}

/**
 * The readiness, liveness and startup probes of the main container, rendered.
 *
 * @param ports every port of the main container, the main one first
 * @internal
 */
export function resolveProbes(errors: PropErrors, props: ProductionAppProps, ports: AppPort[]): ResolvedProbes {
  const mainPortRef = ports[0].name;
  const readiness = props.readiness ?? (props.healthPath ? AppProbe.httpGet(props.healthPath) : AppProbe.tcpSocket());
  const liveness = props.liveness ?? AppProbe.tcpSocket();
  const startup = props.startup ?? readiness;
  errors.check(props.healthPath !== undefined && !props.healthPath.startsWith('/'), 'healthPath', props.healthPath, 'is not an absolute path',
    `write it with a leading '/', e.g. '/${props.healthPath ?? ''}'`);
  const portNumbers: Record<string, number> = Object.fromEntries(ports.map((p) => [p.name, p.port]));
  const renderProbe = (probe: AppProbe, kind: _ProbeKind) => probe._toKube(PROBE_TIMINGS[kind], mainPortRef, portNumbers);
  const probes = {
    readiness: renderProbe(readiness, 'readiness'),
    liveness: renderProbe(liveness, 'liveness'),
    startup: renderProbe(startup, 'startup'),
  };
  for (const [kind, probe] of [['readiness', readiness], ['liveness', liveness], ['startup', startup]] as const) {
    const ref = probe._portRef(mainPortRef);
    const known = ref === undefined || ports.some((p) => p.name === ref || String(p.port) === ref);
    errors.check(!known, `${kind}.port`, ref, 'is not a port of the app', `use one of ${ports.map((p) => `'${p.name}'`).join(', ')}`);
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
  return probes;
}

/**
 * Environment variables and mounts; returns the writable paths.
 *
 * @internal
 */
export function resolveFiles(errors: PropErrors, props: ProductionAppProps): string[] {
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
  return writablePaths;
}

/**
 * Init containers, then sidecars, in the order they are added to the pod.
 *
 * @param ports every port of the main container
 * @internal
 */
export function resolveHelperContainers(errors: PropErrors, props: ProductionAppProps, ports: AppPort[]): ResolvedHelperContainer[] {
  const containerNames = new Set<string>(['main']);
  const helpers = [
    ...(props.initContainers ?? []).map((c, i) => ({ c, prop: `initContainers[${i}]`, init: true })),
    ...(props.sidecars ?? []).map((c, i) => ({ c, prop: `sidecars[${i}]`, init: false })),
  ];
  return helpers.map(({ c, prop, init }) => {
    errors.check(!isDns1123Label(c.name), `${prop}.name`, c.name, 'is not a DNS-1123 label', 'use lowercase letters, digits and \'-\'');
    errors.check(containerNames.has(c.name), `${prop}.name`, c.name, 'is used by another container of the pod', 'give each container its own name');
    containerNames.add(c.name);
    const ref = parseImage(c.image);
    errors.check(!ref || (!ref.tag && !ref.digest), `${prop}.image`, c.image, 'has no tag or digest', 'pin a version tag or a digest');
    errors.enforce(!!ref && ref.tag === 'latest' && !ref.digest, `${prop}.image`, c.image, 'uses the mutable tag \'latest\'',
      'pin a version tag or a digest');
    validateEnv(errors, `${prop}.env`, c.env ?? {});
    const resources = mergeResources(SIZES[HELPER_CONTAINER_SIZE], c.resources, undefined);
    validateResources(errors, `${prop}.resources`, resources);
    if (init) {
      errors.check((c.ports ?? []).length > 0 || !!c.readiness || !!c.liveness, prop, c.name,
        'is an init container with ports or probes, which init containers cannot have', 'remove ports, readiness and liveness');
    } else {
      errors.enforce(!c.readiness || !c.liveness, `${prop}.readiness`, c.name, 'is a sidecar without readiness and liveness probes',
        'give the sidecar both probes');
      for (const p of c.ports ?? []) {
        errors.check(ports.some((q) => q.port === p.port || q.name === p.name), `${prop}.ports`, p.port, 'collides with a port of the app',
          'give the sidecar its own port number and name');
      }
    }
    return { options: c, init, resources };
  });
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
  const cpuReq = millicoresOf(r.cpu?.request);
  const cpuLim = millicoresOf(r.cpu?.limit);
  for (const [p, v, raw] of [[`${prop}.cpu.request`, cpuReq, r.cpu?.request?.amount], [`${prop}.cpu.limit`, cpuLim, r.cpu?.limit?.amount]] as const) {
    errors.check(v !== undefined && (!Number.isFinite(v) || v <= 0), p, raw, 'is not a positive CPU quantity', 'use Cpu.millis(n) or Cpu.units(n) with n > 0');
  }
  errors.check(cpuReq !== undefined && cpuLim !== undefined && cpuReq > cpuLim, `${prop}.cpu.request`, r.cpu?.request?.amount,
    `is above the CPU limit (${r.cpu?.limit?.amount})`, 'lower the request or raise the limit');
  for (const [name, pair] of [['memory', r.memory], ['ephemeralStorage', r.ephemeralStorage]] as const) {
    const req = mebibytesOf(pair?.request);
    const lim = mebibytesOf(pair?.limit);
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
