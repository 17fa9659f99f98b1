import { Duration, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AppProbe, _ProbeKind } from './app-probe';
import { AppSize } from './app-size';
import type { AppContainerOptions, AppPort, HardenedPodProps } from './hardened-pod';
import {
  DEFAULT_SIZE, DIGEST_VERSION_LENGTH, EXEMPTION_CHECKS, HELPER_CONTAINER_SIZE, MAIN_CONTAINER_NAME, MANAGED_BY, POD_IDENTITY,
  PRIORITY_CLASS_NAME, PROBE_TIMINGS, RESERVED_LABEL_PREFIX, SERVICE_ACCOUNT_TOKEN_REASON, SHUTDOWN, SIZES, WRITABLE_PATHS,
} from '../defaults';
import { PropErrors } from '../internal/errors';
import { checkPropTypes } from '../internal/prop-types';
import { mebibytesOf, millicoresOf } from '../internal/quantity';
import {
  MAX_ANNOTATIONS_BYTES, TAINT_EFFECTS, TOLERATION_OPERATORS, isDns1035Label, isDns1123Label, isDns1123Subdomain, isEnvVarName, isLabelValue,
  isInt32, isQualifiedName, looksSecret, parseImage,
} from '../internal/names';
import { API_SERVER_CONTEXT_KEY, NAMESPACE_CONTEXT_KEY, _namespaceOf } from '../internal/scope';
import { Profile } from '../profile';
import { ApiGrant } from '../access/api-grant';

// Validation and resolution of the hardened pod that every workload kind composes. Each `resolveXxx` function
// reads one slice of the props, records its problems in the shared PropErrors (so that every problem of a
// construct is thrown together) and returns everything rendering needs: no raw prop flows past resolution.

/**
 * The name and namespace of a workload's objects.
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
 * Service account token and priority.
 *
 * @internal
 */
export interface ResolvedAccess {
  readonly serviceAccountToken: boolean;
  /** The API grants of the pod's ServiceAccount (`apiAccess`), each valid. */
  readonly apiGrants: ApiGrant[];
  /** The API server endpoints of the enclosing ProductionNamespace, if it declares them. */
  readonly apiServer?: { readonly cidrs: string[]; readonly port: number };
  readonly priorityClassName: string;
}

/**
 * The rendered probes of one container; a probe the container does not have is undefined.
 *
 * @internal
 */
export interface ResolvedProbes {
  readonly readiness?: k8s.Probe;
  readonly liveness?: k8s.Probe;
  readonly startup?: k8s.Probe;
}

/**
 * The pause before SIGTERM and the time to SIGKILL.
 *
 * @internal
 */
export interface ResolvedShutdown {
  readonly preStopDelay: Duration;
  readonly terminationGracePeriod: Duration;
}

/**
 * A container of the pod, resolved: every value rendering needs.
 *
 * @internal
 */
export interface ResolvedContainer {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [name: string]: kplus.EnvValue };
  readonly envFrom?: kplus.EnvFrom[];
  readonly ports: AppPort[];
  readonly resources: kplus.ContainerResources;
  readonly probes: ResolvedProbes;
  /** Volumes the user mounts into this container (the main container's own volumes are `ResolvedPod.mounts`). */
  readonly volumeMounts: ResolvedVolumeMount[];
}

/**
 * A user's volume mounted into a helper container.
 *
 * @internal
 */
export interface ResolvedVolumeMount {
  readonly volume: kplus.Volume;
  readonly path: string;
  readonly readOnly: boolean;
}

/**
 * Where the pods may run, on top of the library's spread and anti-affinity.
 *
 * @internal
 */
export interface ResolvedScheduling {
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations: kplus.NodeTaintQuery[];
  readonly nodeAffinity: Array<{ readonly node: kplus.LabeledNode; readonly weight?: number }>;
}

/**
 * The extra labels and annotations of the pods and the ServiceAccount.
 *
 * @internal
 */
export interface ResolvedExtraMetadata {
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  readonly serviceAccountLabels: Record<string, string>;
  readonly serviceAccountAnnotations: Record<string, string>;
}

/**
 * An init container or sidecar.
 *
 * @internal
 */
export interface ResolvedHelperContainer extends ResolvedContainer {
  /** True for an init container, false for a sidecar. */
  readonly init: boolean;
}

/**
 * A volume of the main container, before its cdk8s-plus object exists.
 *
 * @internal
 */
export interface ResolvedMount {
  /** The library's own volumes are created by the renderer from `emptyDir` or `configMap`; the user's are given. */
  readonly emptyDir?: { readonly id: string; readonly name: string };
  readonly configMap?: { readonly id: string; readonly name: string; readonly configMap: kplus.IConfigMap };
  readonly volume?: kplus.Volume;
  readonly path: string;
  readonly readOnly: boolean;
}

/**
 * A deliberate departure from a check, recorded on the workload for our rule pack and the three scanners.
 *
 * @internal
 */
export interface ResolvedExemption {
  /** Our rule id. */
  readonly ruleId: keyof typeof EXEMPTION_CHECKS;
  readonly reason: string;
}

/**
 * The hardened pod, resolved.
 *
 * @internal
 */
export interface ResolvedPod {
  readonly identity: ResolvedIdentity;
  /** The `app.kubernetes.io/*` labels on every object of the workload. */
  readonly labels: Record<string, string>;
  readonly main: ResolvedContainer;
  readonly helpers: ResolvedHelperContainer[];
  readonly mounts: ResolvedMount[];
  readonly security: ResolvedSecurity;
  readonly access: ResolvedAccess;
  readonly shutdown: ResolvedShutdown;
  readonly exemptions: ResolvedExemption[];
  readonly scheduling: ResolvedScheduling;
  /** The names of the image pull secrets. */
  readonly imagePullSecrets: string[];
  readonly extraMetadata: ResolvedExtraMetadata;
}

/**
 * What differs between workload kinds when their pod is resolved.
 *
 * @internal
 */
export interface PodKind {
  /** The `app.kubernetes.io/component` label when `component` is not set. */
  readonly component: string;
  /** Every port of the main container, the main one first; already validated by the workload. */
  readonly ports: AppPort[];
  /**
   * How the main container is probed.
   *
   * @default 'served'
   */
  readonly probes?: ProbePolicy;
  /**
   * How the workload is named in messages.
   *
   * @default 'the app'
   */
  readonly owner?: string;
  /**
   * The rule the workload's name follows.
   *
   * @default - a DNS-1035 label of at most 63 characters, since it names the Service
   */
  readonly naming?: NameRule;
}

/**
 * The syntax a workload's name must have, and why (for messages).
 *
 * @internal
 */
export interface NameRule {
  /** A DNS-1035 label (starts with a letter) rather than a DNS-1123 label. */
  readonly dns1035: boolean;
  /** The most characters. */
  readonly maxLength: number;
  /** Why, e.g. 'it names the Service'. */
  readonly reason: string;
}

const SERVICE_NAME_RULE: NameRule = { dns1035: true, maxLength: 63, reason: 'it names the Service' };

/**
 * Validates the pod props and resolves every default. Records problems in `errors`; the caller throws.
 *
 * @internal
 */
export function resolvePod(errors: PropErrors, scope: IConstruct, profile: Profile, props: HardenedPodProps, kind: PodKind): ResolvedPod {
  const identity = resolveIdentity(errors, scope, props, kind.naming);
  const labels = resolveImageAndLabels(errors, props, identity.name, kind.component);
  const shutdown = resolveShutdown(errors, props);
  const resources = resolveResources(errors, profile, props);
  const security = resolveSecurity(errors, props);
  const access = resolveAccess(errors, profile, props, scope, identity.enclosingNamespace, identity.namespace);
  const probes = resolveMainProbes(errors, props, kind.ports, kind.probes, kind.owner);
  validateEnv(errors, 'env', props.env ?? {});
  const mounts = resolveMounts(errors, props);
  const helpers = resolveHelperContainers(errors, props, kind.ports);
  validateVolumes(errors, props, mounts);
  return {
    identity,
    labels,
    main: {
      name: MAIN_CONTAINER_NAME, image: props.image, command: props.command, args: props.args, env: props.env, envFrom: props.envFrom,
      ports: kind.ports, resources, probes, volumeMounts: [],
    },
    helpers,
    mounts,
    security,
    access,
    shutdown,
    exemptions: resolveExemptions(props, access),
    scheduling: resolveScheduling(errors, props),
    imagePullSecrets: resolvePullSecrets(errors, props),
    extraMetadata: resolveExtraMetadata(errors, props),
  };
}

/**
 * The names of the image pull secrets.
 *
 * @internal
 */
export function resolvePullSecrets(errors: PropErrors, props: Pick<HardenedPodProps, 'imagePullSecrets'>): string[] {
  const names = (props.imagePullSecrets ?? []).map((secret) => secret.name);
  names.forEach((name, i) => checkReferenceName(errors, `imagePullSecrets[${i}]`, name, 'Secret'));
  return names;
}

/**
 * An object the pod refers to by name must have a name the API server accepts (an empty name is refused).
 *
 * @internal
 */
export function checkReferenceName(errors: PropErrors, prop: string, name: string | undefined, kind: string): void {
  errors.check(typeof name !== 'string' || !isDns1123Subdomain(name), prop, name, `does not have a valid ${kind} name`,
    `refer to the ${kind} by its name: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')`);
}

/**
 * Node selector, tolerations and node affinity.
 *
 * @internal
 */
export function resolveScheduling(errors: PropErrors, props: Pick<HardenedPodProps, 'nodeSelector' | 'tolerations' | 'nodeAffinity'>): ResolvedScheduling {
  validateLabels(errors, 'nodeSelector', props.nodeSelector ?? {}, false);
  (props.tolerations ?? []).forEach((t, i) => {
    const k = t._toKube();
    errors.check(k.operator !== undefined && !TOLERATION_OPERATORS.includes(k.operator), `tolerations[${i}].operator`, k.operator,
      'is not a toleration operator', `use one of ${TOLERATION_OPERATORS.join(', ')} (kplus.NodeTaintQuery.is or .exists)`);
    errors.check(k.effect !== undefined && !TAINT_EFFECTS.includes(k.effect), `tolerations[${i}].effect`, k.effect,
      'is not a taint effect', `use one of ${TAINT_EFFECTS.join(', ')} (kplus.TaintEffect)`);
    errors.check(k.key !== undefined && !isQualifiedName(k.key), `tolerations[${i}].key`, k.key, 'is not a valid taint key',
      'use a label-style key such as \'dedicated\' or \'example.com/pool\'');
  });
  (props.nodeAffinity ?? []).forEach((a, i) => {
    errors.check(a.weight !== undefined && (!Number.isInteger(a.weight) || a.weight < 1 || a.weight > 100), `nodeAffinity[${i}].weight`, a.weight,
      'is not a scheduling weight', 'use an integer from 1 to 100, or no weight for a requirement');
    errors.check(a.node.labelSelector.length === 0, `nodeAffinity[${i}].node`, 'no label query', 'selects every node', 'give at least one kplus.NodeLabelQuery');
  });
  return {
    nodeSelector: props.nodeSelector ? { ...props.nodeSelector } : undefined,
    tolerations: [...(props.tolerations ?? [])],
    nodeAffinity: (props.nodeAffinity ?? []).map((a) => ({ node: a.node, weight: a.weight })),
  };
}

/**
 * Extra labels and annotations of the pods and the ServiceAccount; the `app.kubernetes.io/*` labels stay the library's.
 *
 * @internal
 */
export function resolveExtraMetadata(errors: PropErrors,
  props: Pick<HardenedPodProps, 'podLabels' | 'podAnnotations' | 'serviceAccountLabels' | 'serviceAccountAnnotations'>): ResolvedExtraMetadata {
  validateLabels(errors, 'podLabels', props.podLabels ?? {}, true);
  validateLabels(errors, 'serviceAccountLabels', props.serviceAccountLabels ?? {}, true);
  validateAnnotations(errors, 'podAnnotations', props.podAnnotations ?? {});
  validateAnnotations(errors, 'serviceAccountAnnotations', props.serviceAccountAnnotations ?? {});
  return {
    podLabels: { ...(props.podLabels ?? {}) },
    podAnnotations: { ...(props.podAnnotations ?? {}) },
    serviceAccountLabels: { ...(props.serviceAccountLabels ?? {}) },
    serviceAccountAnnotations: { ...(props.serviceAccountAnnotations ?? {}) },
  };
}

/**
 * Checks label keys and values; with `extra`, refuses the labels the library owns.
 *
 * @internal
 */
export function validateLabels(errors: PropErrors, prop: string, labels: Record<string, string>, extra: boolean): void {
  for (const [key, value] of Object.entries(labels)) {
    errors.check(!isQualifiedName(key), `${prop}.${key}`, key, 'is not a valid label key',
      'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
    errors.check(typeof value !== 'string' || !isLabelValue(value), `${prop}.${key}`, value, 'is not a valid label value',
      'use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
    errors.check(extra && key.startsWith(RESERVED_LABEL_PREFIX), `${prop}.${key}`, value, `sets a '${RESERVED_LABEL_PREFIX}*' label, which the library sets`,
      `use the matching prop ('name', 'version', 'component', 'partOf') or another key`);
  }
}

/**
 * Checks annotation keys and the total size of the values.
 *
 * @internal
 */
export function validateAnnotations(errors: PropErrors, prop: string, annotations: Record<string, string>): void {
  for (const [key, value] of Object.entries(annotations)) {
    errors.check(!isQualifiedName(key), `${prop}.${key}`, key, 'is not a valid annotation key',
      'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
    errors.check(typeof value !== 'string', `${prop}.${key}`, value, 'is not a string', 'quote the value');
  }
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  errors.check(size > MAX_ANNOTATIONS_BYTES, prop, `${size} bytes`, `exceeds the ${MAX_ANNOTATIONS_BYTES} bytes the API server accepts for all annotations`,
    'keep large data in a ConfigMap');
}

/**
 * Every volume of the pod has its own name: the user's volumes may not take the names the library gives its
 * own volumes, and two different volumes may not share a name.
 *
 * @internal
 */
export function validateVolumes(errors: PropErrors, props: Pick<HardenedPodProps, 'volumeMounts' | 'initContainers' | 'sidecars'>,
  mounts: ResolvedMount[]): void {
  const ownNames = new Set(mounts.map((m) => m.emptyDir?.name ?? m.configMap?.name).filter((n): n is string => n !== undefined));
  const seen = new Map<string, kplus.Volume>();
  const userMounts: Array<[string, AppVolumeMountLike]> = [
    ...(props.volumeMounts ?? []).map((m, i) => [`volumeMounts[${i}].volume`, m] as [string, AppVolumeMountLike]),
    ...(props.initContainers ?? []).flatMap((c, j) => (c.volumeMounts ?? []).map((m, i) => [`initContainers[${j}].volumeMounts[${i}].volume`, m] as [string, AppVolumeMountLike])),
    ...(props.sidecars ?? []).flatMap((c, j) => (c.volumeMounts ?? []).map((m, i) => [`sidecars[${j}].volumeMounts[${i}].volume`, m] as [string, AppVolumeMountLike])),
  ];
  for (const [prop, m] of userMounts) {
    const name = m.volume.name;
    errors.check(ownNames.has(name), prop, name, 'collides with a volume the library creates (writablePaths and configFiles)',
      'give the volume another name');
    const other = seen.get(name);
    errors.check(other !== undefined && other !== m.volume, prop, name, 'is the name of another volume of the pod',
      'give each volume its own name, or pass the same kplus.Volume to share it');
    seen.set(name, m.volume);
  }
}

/** A volume mount as the props give it. */
interface AppVolumeMountLike {
  readonly volume: kplus.Volume;
  readonly path: string;
  readonly readOnly?: boolean;
}

/**
 * The name and namespace.
 *
 * @internal
 */
export function resolveIdentity(errors: PropErrors, scope: IConstruct, props: Pick<HardenedPodProps, 'name' | 'namespaceName'>,
  naming: NameRule = SERVICE_NAME_RULE): ResolvedIdentity {
  const name = props.name ?? Names.toDnsLabel(scope, { maxLen: naming.maxLength });
  const valid = (naming.dns1035 ? isDns1035Label(name) : isDns1123Label(name)) && name.length <= naming.maxLength;
  errors.checkName(props.name, name, valid, `a ${naming.dns1035 ? 'DNS-1035' : 'DNS-1123'} label of at most ${naming.maxLength} characters (${naming.reason})`,
    `use lowercase letters, digits and '-'${naming.dns1035 ? ', start with a letter' : ''}, at most ${naming.maxLength} characters`);
  const namespace = props.namespaceName ?? _namespaceOf(scope);
  errors.checkDnsLabel('namespaceName', namespace);
  const enclosingNamespace = scope.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
  errors.check(props.namespaceName !== undefined && enclosingNamespace !== undefined && props.namespaceName !== enclosingNamespace, 'namespaceName',
    props.namespaceName, `conflicts with the enclosing ProductionNamespace "${enclosingNamespace}"`,
    'remove \'namespaceName\' (apps inside a ProductionNamespace land in it), or create the app outside the ProductionNamespace');
  return { name, namespace, enclosingNamespace };
}

/**
 * The image, and the `app.kubernetes.io/*` labels (the version defaults to the image's tag or digest).
 *
 * @internal
 */
export function resolveImageAndLabels(errors: PropErrors, props: Pick<HardenedPodProps, 'image' | 'version' | 'component' | 'partOf'>,
  name: string, defaultComponent: string): Record<string, string> {
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
  const version = props.version ?? (image?.tag ?? (image?.digest ? digestVersion(image.digest) : 'unknown'));
  errors.check(!isLabelValue(version), 'version', version, 'is not a valid label value',
    'set \'version\' to at most 63 letters, digits, \'-\', \'_\' or \'.\'');
  const component = props.component ?? defaultComponent;
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

/** The first 12 hex digits of a digest, as a version label. */
function digestVersion(digest: string): string {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return hex.slice(0, DIGEST_VERSION_LENGTH);
}

/**
 * The preStop pause and the grace period, which must leave time to drain.
 *
 * @internal
 */
export function resolveShutdown(errors: PropErrors, props: Pick<HardenedPodProps, 'preStopDelay' | 'terminationGracePeriod'>): ResolvedShutdown {
  const preStopDelay = props.preStopDelay ?? SHUTDOWN.preStopDelay;
  const grace = props.terminationGracePeriod ?? Duration.seconds(preStopDelay.toSeconds() + SHUTDOWN.drainTime.toSeconds());
  errors.check(grace.toSeconds() <= preStopDelay.toSeconds(), 'terminationGracePeriod', `${grace.toSeconds()}s`,
    `must be longer than 'preStopDelay' (${preStopDelay.toSeconds()}s), else the app is killed before it can drain`,
    `set it to at least ${preStopDelay.toSeconds() + SHUTDOWN.drainTime.toSeconds()}s`);
  return { preStopDelay, terminationGracePeriod: grace };
}

/**
 * Requests and limits of the main container: `size`, overridden by `resources`, without a CPU limit when exempted.
 *
 * @internal
 */
export function resolveResources(errors: PropErrors, profile: Profile,
  props: Pick<HardenedPodProps, 'size' | 'resources' | 'cpuLimitExemption'>): kplus.ContainerResources {
  const size = props.size ?? sizeByName(profile._select(DEFAULT_SIZE));
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
export function resolveSecurity(errors: PropErrors, props: Pick<HardenedPodProps, 'security'>): ResolvedSecurity {
  const sec = props.security ?? {};
  const user = sec.user ?? POD_IDENTITY.user;
  const group = sec.group ?? POD_IDENTITY.group;
  const fsGroup = sec.fsGroup ?? POD_IDENTITY.fsGroup;
  for (const [prop, id] of [['security.user', user], ['security.group', group], ['security.fsGroup', fsGroup]] as const) {
    errors.check(!isInt32(id), prop, id, 'is not a valid ID', 'use a whole number from 0 to 2147483647');
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
 * Service account token and priority class.
 *
 * @internal
 */
export function resolveAccess(errors: PropErrors, profile: Profile,
  props: Pick<HardenedPodProps, 'serviceAccountToken' | 'priorityClassName' | 'apiAccess'>,
  scope: IConstruct, enclosingNamespace: string | undefined, namespace?: string): ResolvedAccess {
  const apiGrants = resolveApiGrants(errors, props.apiAccess, 'apiAccess', namespace);
  errors.check(props.serviceAccountToken === false && apiGrants.length > 0, 'serviceAccountToken', false,
    'turns the token off, but \'apiAccess\' grants API access, which needs the token', 'remove \'serviceAccountToken\' (grants turn it on)');
  const serviceAccountToken = props.serviceAccountToken ?? apiGrants.length > 0;
  const apiServer = scope.node.tryGetContext(API_SERVER_CONTEXT_KEY) as { cidrs: string[]; port: number } | undefined;
  errors.enforce(serviceAccountToken && apiServer === undefined && enclosingNamespace !== undefined,
    props.serviceAccountToken === undefined && apiGrants.length > 0 ? 'apiAccess' : 'serviceAccountToken', props.serviceAccountToken ?? true,
    `mounts a token, but the ProductionNamespace "${enclosingNamespace}" has no 'apiServer', so the default deny blocks every API call`,
    'set \'apiServer\' on the ProductionNamespace (KubernetesApiServer.endpoints([...]))');
  const priorityClassName = props.priorityClassName ?? profile._select(PRIORITY_CLASS_NAME);
  errors.check(!isDns1123Label(priorityClassName) && !/^[a-z0-9.-]+$/.test(priorityClassName), 'priorityClassName', priorityClassName,
    'is not a valid PriorityClass name', 'use a DNS-1123 name such as \'platform-high\'');
  return { serviceAccountToken, apiGrants, apiServer, priorityClassName };
}

/**
 * Checks typed API grants (the `apiAccess` prop, or one `grant*` call): each an ApiGrant without problems, no exec
 * into containers in staging and prod, and a namespace for the Role and RoleBinding. Returns the valid grants.
 *
 * @internal
 */
export function resolveApiGrants(errors: PropErrors, grants: ApiGrant[] | undefined, prop: string, namespace: string | undefined): ApiGrant[] {
  const list = grants ?? [];
  const valid: ApiGrant[] = [];
  list.forEach((g, i) => {
    const at = grants === undefined || prop !== 'apiAccess' ? prop : `${prop}[${i}]`;
    if (!(g instanceof ApiGrant)) {
      errors.add(at, g, 'is not an ApiGrant', 'use ApiGrant.read(...), ApiGrant.watch(...) or ApiGrant.of(...)');
      return;
    }
    const before = errors.count;
    g._reportProblems(errors, at);
    errors.enforce(g._isExec, at, g.toString(), 'runs commands in the containers of every pod of the namespace',
      'debug with logs, metrics and ephemeral debug containers run by an audited break-glass role');
    if (errors.count === before) {
      valid.push(g);
    }
  });
  errors.check(list.length > 0 && namespace === undefined, prop, `${list.length} grant(s)`,
    'needs a namespace: the Role and the RoleBinding to the ServiceAccount are namespaced objects',
    'create the workload in a ProductionNamespace or a chart with a namespace, or set \'namespace\'');
  return valid;
}

/**
 * How a workload kind probes its main container.
 *
 * - `served`: a workload behind a Service; probes default from `healthPath` or the main port.
 * - `portless`: a long-running workload with no port (a worker); readiness and liveness must be given, and
 *   must not need a port (an exec probe).
 * - `none`: a run-to-completion workload (a job); only a liveness probe may be given, for a stuck process.
 *
 * @internal
 */
export type ProbePolicy = 'served' | 'portless' | 'none';

/**
 * The readiness, liveness and startup probes of the main container, rendered.
 *
 * @param ports every port of the main container, the main one first
 * @internal
 */
export function resolveMainProbes(errors: PropErrors, props: Pick<HardenedPodProps, 'healthPath' | 'readiness' | 'liveness' | 'startup'>,
  ports: AppPort[], policy: ProbePolicy = 'served', owner = 'the app'): ResolvedProbes {
  errors.check(props.healthPath !== undefined && !props.healthPath.startsWith('/'), 'healthPath', props.healthPath, 'is not an absolute path',
    `write it with a leading '/', e.g. '/${props.healthPath ?? ''}'`);
  if (policy === 'none') {
    for (const prop of ['healthPath', 'readiness', 'startup'] as const) {
      errors.check(props[prop] !== undefined, prop, prop === 'healthPath' ? props.healthPath : props[prop]?.handler,
        `is not used by ${owner}: it runs to completion and no Service routes to it`, `remove '${prop}' (a 'liveness' probe may restart a stuck run)`);
    }
    return renderProbes(errors, '', { liveness: props.liveness }, ports, owner);
  }
  if (policy === 'portless') {
    errors.check(props.healthPath !== undefined, 'healthPath', props.healthPath, `cannot be probed: ${owner} serves no port`,
      'remove \'healthPath\' and give \'readiness\' and \'liveness\' as AppProbe.exec([...])');
    const missing = (['readiness', 'liveness'] as const).filter((k) => props[k] === undefined);
    errors.enforce(missing.length > 0, missing.join(' and '), undefined,
      `${missing.length > 1 ? 'are' : 'is'} not set, and ${owner} has no port to probe by default`,
      `give ${missing.map((k) => `'${k}'`).join(' and ')} as AppProbe.exec([...]) (for instance a heartbeat file check)`);
    const probes = renderProbes(errors, '', { readiness: props.readiness, liveness: props.liveness, startup: props.startup ?? props.readiness },
      ports, owner);
    checkDistinct(errors, probes, '', true);
    return probes;
  }
  const readiness = props.readiness ?? (props.healthPath ? AppProbe.httpGet(props.healthPath) : AppProbe.tcpSocket());
  const liveness = props.liveness ?? AppProbe.tcpSocket();
  const startup = props.startup ?? readiness;
  const probes = renderProbes(errors, '', { readiness, liveness, startup }, ports, owner);
  if (props.healthPath === undefined && props.readiness === undefined && props.liveness === undefined) {
    errors.enforce(true, 'healthPath', undefined,
      'and no \'readiness\' probe leave readiness and liveness both checking only that the port is open',
      'set \'healthPath\' to the app\'s HTTP health endpoint, or give \'readiness\' (e.g. AppProbe.grpc())');
  } else {
    checkDistinct(errors, probes);
  }
  return probes;
}

/** Liveness must not run the same check as readiness (as kube-score compares them, whatever their timings). */
function checkDistinct(errors: PropErrors, probes: ResolvedProbes, prefix = '', portless = false): void {
  errors.check(probes.liveness !== undefined && probes.readiness !== undefined && sameCheck(probes.liveness, probes.readiness),
    `${prefix}liveness`, 'same check as readiness',
    'runs the same check as the readiness probe, so a slow container is restarted instead of taken out of rotation',
    `give liveness a cheaper check that only fails when the process is stuck (${portless
      ? 'e.g. AppProbe.exec([...]) on a heartbeat file the main loop touches' : 'e.g. AppProbe.tcpSocket()'})`);
}

/**
 * Renders the probes of one container and checks each against the container's ports: the one probe renderer and
 * the one set of probe checks of the library.
 *
 * @param prefix the prop path of the container (`''` for the main container, `sidecars[0].` for a sidecar)
 * @param ports the container's ports, the main one first
 * @internal
 */
export function renderProbes(errors: PropErrors, prefix: string, probes: { [K in _ProbeKind]?: AppProbe }, ports: AppPort[],
  owner: string): ResolvedProbes {
  const mainPortRef = ports[0]?.name;
  const portNumbers: Record<string, number> = Object.fromEntries(ports.map((p) => [p.name, p.port]));
  const out: { [K in _ProbeKind]?: k8s.Probe } = {};
  const checked = new Set<AppProbe>();
  for (const kind of ['readiness', 'liveness', 'startup'] as const) {
    const probe = probes[kind];
    if (probe === undefined) {
      continue;
    }
    // A probe used for two kinds (startup defaults to readiness) is reported once, at the prop the user wrote.
    if (checked.has(probe)) {
      out[kind] = probe._toKube(PROBE_TIMINGS[kind], mainPortRef, portNumbers);
      continue;
    }
    checked.add(probe);
    if (!checkProbeOptions(errors, probe, `${prefix}${kind}.`)) {
      continue;
    }
    out[kind] = probe._toKube(PROBE_TIMINGS[kind], mainPortRef, portNumbers);
    const ref = probe._portRef(mainPortRef);
    const portless = probe.handler !== 'exec' && ports.length === 0;
    errors.check(portless, `${prefix}${kind}`, probe.handler, `needs a port, and ${owner} has none`, 'use AppProbe.exec([...])');
    const known = portless || ref === undefined || ports.some((p) => p.name === ref || String(p.port) === ref);
    errors.check(!known, `${prefix}${kind}.port`, ref, `is not a port of ${owner}`, `use one of ${ports.map((p) => `'${p.name}'`).join(', ')}`);
    errors.check(probe.handler === 'httpGet' && !(probe.path ?? '').startsWith('/'), `${prefix}${kind}`, probe.path,
      'has an HTTP path that is not absolute', 'start the path with \'/\'');
    errors.check(probe.handler === 'exec' && (probe.command ?? []).length === 0, `${prefix}${kind}`, probe.command, 'has an empty command',
      'give the command to run');
  }
  return out;
}

/**
 * The probe's options as the API server checks them: whole seconds, a period and timeout of at least 1s, a failure
 * threshold from 1 to the int32 maximum. Returns false when the probe cannot be rendered.
 */
function checkProbeOptions(errors: PropErrors, probe: AppProbe, prefix: string): boolean {
  const before = errors.count;
  if (!checkPropTypes(errors, probe.options, 'AppProbeOptions', prefix)) {
    return false;
  }
  const { period, timeout, failureThreshold } = probe.options;
  for (const [name, value] of [['period', period], ['timeout', timeout]] as const) {
    errors.check(value !== undefined && value.toMilliseconds() < 1000, `${prefix}${name}`, value && `${value.toMilliseconds()}ms`,
      'is shorter than the 1 second the API server accepts', `set it to Duration.seconds(1) or more`);
  }
  errors.check(failureThreshold !== undefined && !isInt32(failureThreshold, 1), `${prefix}failureThreshold`, failureThreshold,
    'is not a whole number from 1 to 2147483647', 'set it to a small whole number, e.g. 3');
  return errors.count === before;
}

/** Whether two rendered probes run the same check, whatever their timings. */
function sameCheck(a: k8s.Probe | undefined, b: k8s.Probe | undefined): boolean {
  // Probes of different handler kinds (the default: readiness over HTTP, liveness over TCP) differ without serializing.
  const kindOf = (p: k8s.Probe | undefined) => [p?.httpGet, p?.tcpSocket, p?.grpc, p?.exec].map((h) => h !== undefined).join();
  if (kindOf(a) !== kindOf(b)) return false;
  const checkOf = (p: k8s.Probe | undefined) => JSON.stringify([p?.httpGet, p?.tcpSocket, p?.grpc, p?.exec]);
  return checkOf(a) === checkOf(b);
}

/**
 * The writable emptyDirs, config files and extra volumes of the main container, in mount order.
 *
 * @internal
 */
export function resolveMounts(errors: PropErrors, props: Pick<HardenedPodProps, 'writablePaths' | 'configFiles' | 'volumeMounts'>): ResolvedMount[] {
  const writablePaths = props.writablePaths ?? WRITABLE_PATHS;
  const mounts: ResolvedMount[] = [
    ...writablePaths.map((path, i) => ({ emptyDir: { id: `Writable${i}`, name: `writable-${i}` }, path, readOnly: false })),
    ...(props.configFiles ?? []).map((f, i) => ({
      configMap: { id: `ConfigFiles${i}`, name: `config-${i}`, configMap: f.configMap }, path: f.mountPath, readOnly: true,
    })),
    ...(props.volumeMounts ?? []).map((m) => ({ volume: m.volume, path: m.path, readOnly: m.readOnly ?? true })),
  ];
  const propNames = [
    ...writablePaths.map((_, i) => `writablePaths[${i}]`),
    ...(props.configFiles ?? []).map((_, i) => `configFiles[${i}].mountPath`),
    ...(props.volumeMounts ?? []).map((_, i) => `volumeMounts[${i}].path`),
  ];
  mounts.forEach((m, i) => {
    errors.check(!m.path.startsWith('/'), propNames[i], m.path, 'is not an absolute path', 'start it with \'/\'');
    errors.check(mounts.findIndex((o) => o.path === m.path) < i, propNames[i], m.path, 'is mounted twice', 'mount each path once');
  });
  (props.configFiles ?? []).forEach((f, i) => checkReferenceName(errors, `configFiles[${i}].configMap`, f.configMap.name, 'ConfigMap'));
  (props.volumeMounts ?? []).forEach((m, i) => errors.check(!isDns1123Label(m.volume.name), `volumeMounts[${i}].volume`, m.volume.name,
    'is not a valid volume name', 'name the volume with a DNS-1123 label: lowercase letters, digits and \'-\', at most 63 characters'));
  return mounts;
}

/**
 * Init containers, then sidecars, in the order they are added to the pod.
 *
 * @param ports every port of the main container
 * @internal
 */
export function resolveHelperContainers(errors: PropErrors, props: Pick<HardenedPodProps, 'initContainers' | 'sidecars'>,
  ports: AppPort[]): ResolvedHelperContainer[] {
  const containerNames = new Set<string>([MAIN_CONTAINER_NAME]);
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
    const probes = init ? {} : renderProbes(errors, `${prop}.`, { readiness: c.readiness, liveness: c.liveness }, c.ports ?? [], `sidecar '${c.name}'`);
    if (!init) {
      checkDistinct(errors, probes, `${prop}.`, (c.ports ?? []).length === 0);
    }
    const volumeMounts = (c.volumeMounts ?? []).map((m) => ({ volume: m.volume, path: m.path, readOnly: m.readOnly ?? true }));
    volumeMounts.forEach((m, i) => {
      errors.check(!m.path.startsWith('/'), `${prop}.volumeMounts[${i}].path`, m.path, 'is not an absolute path', 'start it with \'/\'');
      errors.check(volumeMounts.findIndex((o) => o.path === m.path) < i, `${prop}.volumeMounts[${i}].path`, m.path, 'is mounted twice', 'mount each path once');
    });
    return helperOf(c, init, resources, probes, volumeMounts);
  });
}

function helperOf(c: AppContainerOptions, init: boolean, resources: kplus.ContainerResources, probes: ResolvedProbes,
  volumeMounts: ResolvedVolumeMount[]): ResolvedHelperContainer {
  return { name: c.name, image: c.image, command: c.command, args: c.args, env: c.env, ports: c.ports ?? [], resources, probes, init, volumeMounts };
}

/**
 * The exemptions the pod props ask for, in the order their annotations are written.
 *
 * @internal
 */
export function resolveExemptions(props: Pick<HardenedPodProps, 'cpuLimitExemption'>, access: ResolvedAccess): ResolvedExemption[] {
  const out: ResolvedExemption[] = [];
  if (props.cpuLimitExemption !== undefined) {
    out.push({ ruleId: 'cpu-limits', reason: props.cpuLimitExemption });
  }
  if (access.serviceAccountToken) {
    out.push({ ruleId: 'service-account-token', reason: SERVICE_ACCOUNT_TOKEN_REASON });
  }
  return out;
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

/**
 * Checks requests and limits as Kubernetes will read them: positive, request not above limit, memory in whole MiB
 * and ephemeral storage in the unit it is rendered in (cdk8s-plus renders a container's in whole GiB).
 *
 * @internal
 */
export function validateResources(errors: PropErrors, prop: string, r: kplus.ContainerResources, ephemeralUnit: 'Gi' | 'Mi' = 'Gi'): void {
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
    const unit = name === 'ephemeralStorage' && ephemeralUnit === 'Gi' ? 1024 : 1;
    for (const [p, v] of [[`${prop}.${name}.request`, req], [`${prop}.${name}.limit`, lim]] as const) {
      errors.check(v !== undefined && Number.isFinite(v) && v > 0 && v % unit !== 0, p, `${v}Mi`,
        unit === 1 ? 'is not a whole number of MiB, which is how the quantity is rendered (it would be rounded)'
          : 'is not a whole number of GiB, which is how cdk8s-plus renders ephemeral storage',
        unit === 1 ? 'use Size.mebibytes(n) or Size.gibibytes(n) with a whole n' : 'use Size.gibibytes(n) with a whole n');
    }
    errors.check(req !== undefined && lim !== undefined && req > lim, `${prop}.${name}.request`, `${req}Mi`,
      `is above the limit (${lim}Mi)`, 'lower the request or raise the limit');
  }
}

function validateEnv(errors: PropErrors, prop: string, env: { [name: string]: kplus.EnvValue }): void {
  for (const [name, value] of Object.entries(env)) {
    errors.check(!isEnvVarName(name), `${prop}.${name}`, name, 'is not a valid environment variable name', 'use letters, digits, \'_\', \'-\' and \'.\', not starting with a digit');
    const ref = value.valueFrom?.secretKeyRef ?? value.valueFrom?.configMapKeyRef;
    if (ref !== undefined) {
      checkReferenceName(errors, `${prop}.${name}`, ref.name, value.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap');
    }
    const literal = value.value;
    if (typeof literal !== 'string') {
      continue;
    }
    errors.enforce(looksSecret(name, literal), `${prop}.${name}`, '<redacted>', 'is a literal that looks like a secret and would be stored in plain text in the manifest',
      'put it in a Secret (e.g. synced by External Secrets) and use EnvValue.fromSecretValue');
  }
}
