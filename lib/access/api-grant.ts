import { FactoryProblems, PropErrors, PropProblem } from '../internal/errors';
import { isDns1123Label, isDns1123Subdomain } from '../internal/names';
import { READ_VERBS, VERB_ORDER, WATCH_VERBS } from './defaults';

/**
 * A verb of the Kubernetes API, as RBAC rules name it. There is no wildcard: list the verbs the subject needs.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
 */
export enum ApiVerb {
  /** Read one object by name. */
  GET = 'get',
  /** Read a collection. */
  LIST = 'list',
  /** Follow changes (informers). */
  WATCH = 'watch',
  /** Create an object (also `kubectl port-forward` and `kubectl exec` on their subresources). */
  CREATE = 'create',
  /** Replace an object. */
  UPDATE = 'update',
  /** Patch an object (server-side apply too). */
  PATCH = 'patch',
  /** Delete one object. */
  DELETE = 'delete',
  /** Delete a collection. */
  DELETE_COLLECTION = 'deletecollection',
}

/**
 * A resource type of the Kubernetes API that a Role can grant: an API group, a resource (its plural, or
 * `plural/subresource`), and whether it lives in a namespace.
 */
export interface ApiResourceOptions {
  /** The API group: `''` for the core group, `apps`, `batch`, `argoproj.io`, ... */
  readonly apiGroup: string;

  /** The resource: the lowercase plural (`configmaps`), or `plural/subresource` (`pods/log`). */
  readonly resource: string;

  /**
   * The kind of its objects, for messages and for deriving a deployer's rules from synthesized objects.
   *
   * @default - none
   */
  readonly kind?: string;

  /**
   * Whether the resource lives in a namespace. A namespaced Role cannot grant a cluster-scoped resource.
   *
   * @default true
   */
  readonly namespaced?: boolean;
}

/**
 * A resource type of the Kubernetes API, for typed RBAC grants. Use the constants for built-in types and
 * `ApiResource.custom` for the resources of a CRD.
 *
 * @example
 * const flags = ApiGrant.read(ApiResource.CONFIG_MAPS, { resourceNames: ['feature-flags'] });
 * const rollouts = ApiResource.custom({ apiGroup: 'argoproj.io', resource: 'rollouts', kind: 'Rollout' });
 */
export class ApiResource {
  /** Pods (`''/pods`). */
  public static readonly PODS = new ApiResource('', 'pods', 'Pod', true);
  /** Container logs (`''/pods/log`). */
  public static readonly PODS_LOG = new ApiResource('', 'pods/log', undefined, true);
  /** Port-forwarding into pods (`''/pods/portforward`). */
  public static readonly PODS_PORT_FORWARD = new ApiResource('', 'pods/portforward', undefined, true);
  /** Running commands in containers (`''/pods/exec`): never granted in staging or prod. */
  public static readonly PODS_EXEC = new ApiResource('', 'pods/exec', undefined, true);
  /** Attaching to containers (`''/pods/attach`): never granted in staging or prod. */
  public static readonly PODS_ATTACH = new ApiResource('', 'pods/attach', undefined, true);
  /** Services. */
  public static readonly SERVICES = new ApiResource('', 'services', 'Service', true);
  /** Endpoints. */
  public static readonly ENDPOINTS = new ApiResource('', 'endpoints', 'Endpoints', true);
  /** ConfigMaps. */
  public static readonly CONFIG_MAPS = new ApiResource('', 'configmaps', 'ConfigMap', true);
  /** Secrets: granted only with `resourceNames`. */
  public static readonly SECRETS = new ApiResource('', 'secrets', 'Secret', true);
  /** ServiceAccounts. */
  public static readonly SERVICE_ACCOUNTS = new ApiResource('', 'serviceaccounts', 'ServiceAccount', true);
  /** PersistentVolumeClaims. */
  public static readonly PERSISTENT_VOLUME_CLAIMS = new ApiResource('', 'persistentvolumeclaims', 'PersistentVolumeClaim', true);
  /** Events (core group). */
  public static readonly EVENTS = new ApiResource('', 'events', 'Event', true);
  /** ResourceQuotas. */
  public static readonly RESOURCE_QUOTAS = new ApiResource('', 'resourcequotas', 'ResourceQuota', true);
  /** LimitRanges. */
  public static readonly LIMIT_RANGES = new ApiResource('', 'limitranges', 'LimitRange', true);
  /** Deployments. */
  public static readonly DEPLOYMENTS = new ApiResource('apps', 'deployments', 'Deployment', true);
  /** StatefulSets. */
  public static readonly STATEFUL_SETS = new ApiResource('apps', 'statefulsets', 'StatefulSet', true);
  /** DaemonSets. */
  public static readonly DAEMON_SETS = new ApiResource('apps', 'daemonsets', 'DaemonSet', true);
  /** ReplicaSets. */
  public static readonly REPLICA_SETS = new ApiResource('apps', 'replicasets', 'ReplicaSet', true);
  /** Jobs. */
  public static readonly JOBS = new ApiResource('batch', 'jobs', 'Job', true);
  /** CronJobs. */
  public static readonly CRON_JOBS = new ApiResource('batch', 'cronjobs', 'CronJob', true);
  /** HorizontalPodAutoscalers. */
  public static readonly HORIZONTAL_POD_AUTOSCALERS = new ApiResource('autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true);
  /** PodDisruptionBudgets. */
  public static readonly POD_DISRUPTION_BUDGETS = new ApiResource('policy', 'poddisruptionbudgets', 'PodDisruptionBudget', true);
  /** Ingresses. */
  public static readonly INGRESSES = new ApiResource('networking.k8s.io', 'ingresses', 'Ingress', true);
  /** NetworkPolicies. */
  public static readonly NETWORK_POLICIES = new ApiResource('networking.k8s.io', 'networkpolicies', 'NetworkPolicy', true);
  /** EndpointSlices. */
  public static readonly ENDPOINT_SLICES = new ApiResource('discovery.k8s.io', 'endpointslices', 'EndpointSlice', true);
  /** Leases (leader election). */
  public static readonly LEASES = new ApiResource('coordination.k8s.io', 'leases', 'Lease', true);
  /** Roles. */
  public static readonly ROLES = new ApiResource('rbac.authorization.k8s.io', 'roles', 'Role', true);
  /** RoleBindings. */
  public static readonly ROLE_BINDINGS = new ApiResource('rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', true);
  /** Namespaces (cluster-scoped: a namespaced Role cannot grant it). */
  public static readonly NAMESPACES = new ApiResource('', 'namespaces', 'Namespace', false);
  /** Nodes (cluster-scoped: a namespaced Role cannot grant it). */
  public static readonly NODES = new ApiResource('', 'nodes', 'Node', false);
  /** PersistentVolumes (cluster-scoped: a namespaced Role cannot grant it). */
  public static readonly PERSISTENT_VOLUMES = new ApiResource('', 'persistentvolumes', 'PersistentVolume', false);

  /**
   * Every built-in resource above, for lookups by kind.
   *
   * @internal
   */
  public static _builtIns(): ApiResource[] {
    return [
      ApiResource.PODS, ApiResource.PODS_LOG, ApiResource.PODS_PORT_FORWARD, ApiResource.PODS_EXEC, ApiResource.PODS_ATTACH,
      ApiResource.SERVICES, ApiResource.ENDPOINTS, ApiResource.CONFIG_MAPS, ApiResource.SECRETS, ApiResource.SERVICE_ACCOUNTS,
      ApiResource.PERSISTENT_VOLUME_CLAIMS, ApiResource.EVENTS, ApiResource.RESOURCE_QUOTAS, ApiResource.LIMIT_RANGES,
      ApiResource.DEPLOYMENTS, ApiResource.STATEFUL_SETS, ApiResource.DAEMON_SETS, ApiResource.REPLICA_SETS, ApiResource.JOBS,
      ApiResource.CRON_JOBS, ApiResource.HORIZONTAL_POD_AUTOSCALERS, ApiResource.POD_DISRUPTION_BUDGETS, ApiResource.INGRESSES,
      ApiResource.NETWORK_POLICIES, ApiResource.ENDPOINT_SLICES, ApiResource.LEASES, ApiResource.ROLES, ApiResource.ROLE_BINDINGS,
      ApiResource.NAMESPACES, ApiResource.NODES, ApiResource.PERSISTENT_VOLUMES,
    ];
  }

  /**
   * A resource the constants do not cover, typically of a CRD: `ApiResource.custom({ apiGroup: 'argoproj.io',
   * resource: 'rollouts', kind: 'Rollout' })`.
   *
   * Problems with the options (a wildcard, a resource that is not a lowercase plural, an API group that is not a DNS
   * subdomain) are reported by the construct that uses the resource, with its path.
   */
  public static custom(options: ApiResourceOptions): ApiResource {
    const problems = new FactoryProblems();
    const o: Partial<ApiResourceOptions> = typeof options === 'object' && options !== null ? options : {};
    const group = o.apiGroup;
    const resource = o.resource;
    problems.check(typeof group !== 'string' || group.includes('*'), 'apiGroup', group,
      typeof group === 'string' ? 'is a wildcard, which grants every API group, including those added later' : 'is not an API group',
      'name the API group (\'\' for the core group)');
    problems.check(typeof group === 'string' && group !== '' && !group.includes('*') && !isDns1123Subdomain(group), 'apiGroup', group,
      'is not an API group (a DNS subdomain such as \'argoproj.io\')', 'use the group of the resource\'s apiVersion, without the version');
    const [plural, sub, ...extra] = typeof resource === 'string' ? resource.split('/') : [];
    problems.check(typeof resource !== 'string' || resource.includes('*'), 'resource', resource,
      typeof resource === 'string' ? 'is a wildcard, which grants every resource, including those added later' : 'is not a resource name',
      'name the resource by its lowercase plural, e.g. \'rollouts\'');
    problems.check(typeof resource === 'string' && !resource.includes('*')
      && (!isDns1123Label(plural ?? '') || (sub !== undefined && !/^[a-z]+$/.test(sub)) || extra.length > 0), 'resource', resource,
    'is not a resource: a lowercase plural (\'rollouts\') or plural/subresource (\'rollouts/status\')',
    'use the plural the CRD declares in spec.names.plural');
    problems.check(o.kind !== undefined && (typeof o.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(o.kind)), 'kind', o.kind,
      'is not a kind (an UpperCamelCase name such as \'Rollout\')', 'use the kind the CRD declares in spec.names.kind');
    problems.check(o.namespaced !== undefined && typeof o.namespaced !== 'boolean', 'namespaced', o.namespaced, 'is not a boolean',
      'pass true or false');
    return new ApiResource(String(group ?? ''), String(resource ?? ''), o.kind, o.namespaced ?? true, problems.problems);
  }

  /**
   * The resource of a kind: a built-in one (`ApiResource.ofKind('apps', 'Deployment')`) or, for another group, the
   * plural Kubernetes guesses from the kind (lowercase; `-s` becomes `-ses`, `-y` becomes `-ies`, else `-s`), which is
   * the plural `cdk8s import` and most CRDs use. A kind of a built-in group that the library does not know is a problem
   * reported by the construct that uses the resource.
   *
   * @param apiGroup the API group (`''` for the core group)
   * @param kind the kind, e.g. `Deployment`
   */
  public static ofKind(apiGroup: string, kind: string): ApiResource {
    const known = ApiResource._builtIns().find((r) => r.apiGroup === apiGroup && r.kind === kind);
    if (known !== undefined) {
      return known;
    }
    const builtInGroup = apiGroup === '' || !apiGroup.includes('.') || apiGroup.endsWith('.k8s.io');
    if (builtInGroup) {
      const near = ApiResource._builtIns().filter((r) => r.kind !== undefined && r.kind.toLowerCase() === String(kind).toLowerCase());
      return new ApiResource(apiGroup, guessPlural(String(kind)), kind, true, [{
        prop: 'kind', value: `${apiGroup === '' ? '' : `${apiGroup}/`}${kind}`,
        problem: 'is not a resource the library knows in a built-in API group',
        fix: near.length > 0 ? `did you mean ApiResource.ofKind('${near[0].apiGroup}', '${near[0].kind}')?`
          : 'use an ApiResource constant, or ApiResource.custom({ apiGroup, resource, kind }) for a resource of a CRD',
      }]);
    }
    return ApiResource.custom({ apiGroup, resource: guessPlural(String(kind)), kind });
  }

  /** The API group (`''` for the core group). */
  public readonly apiGroup: string;
  /** The resource: a lowercase plural, or `plural/subresource`. */
  public readonly resource: string;
  /** The kind of its objects, when it has one. */
  public readonly kind?: string;
  /** Whether the resource lives in a namespace. */
  public readonly namespaced: boolean;
  private readonly problems: PropProblem[];

  private constructor(apiGroup: string, resource: string, kind: string | undefined, namespaced: boolean, problems: PropProblem[] = []) {
    this.apiGroup = apiGroup;
    this.resource = resource;
    this.kind = kind;
    this.namespaced = namespaced;
    this.problems = problems;
  }

  /**
   * Records what `custom` or `ofKind` found wrong in its arguments, under `prefix`.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(prefix, this.problems);
  }

  /**
   * Whether the factory found no problem.
   *
   * @internal
   */
  public get _isValid(): boolean {
    return this.problems.length === 0;
  }

  /** `resource` for the core group, `resource.group` otherwise (as `kubectl auth can-i` writes it). */
  public toString(): string {
    return this.apiGroup === '' ? this.resource : `${this.resource}.${this.apiGroup}`;
  }
}

/** The plural Kubernetes guesses from a kind when it knows no better (apimachinery `UnsafeGuessKindToResource`). */
function guessPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * Options of a typed API grant.
 */
export interface ApiGrantOptions {
  /**
   * Only the objects of these names. Required for Secrets: a Role never reads or changes every Secret of a
   * namespace.
   *
   * @default - every object of the resource in the namespace (refused for Secrets)
   */
  readonly resourceNames?: string[];
}

/**
 * What a workload may do with one resource of the Kubernetes API in its own namespace: a typed RBAC rule.
 *
 * Declared in a workload's `apiAccess` prop (or added with `grantRead`, `grantWatch`, `grant`), it becomes a rule of
 * the workload's Role, bound to the workload's ServiceAccount; declaring any turns on the service account token and
 * the egress to the API server together.
 *
 * @example
 * const ops = new ProductionNamespace(chart, 'Ops', { name: 'ops', apiServer: KubernetesApiServer.endpoints(['10.0.0.10/32']) });
 * new ProductionApp(ops, 'Operator', {
 *   image: 'registry.example.com/shop/operator:1.0.0', port: 8080, healthPath: '/healthz',
 *   apiAccess: [ApiGrant.watch(ApiResource.CONFIG_MAPS), ApiGrant.read(ApiResource.SECRETS, { resourceNames: ['shop-tls'] })],
 * });
 */
export class ApiGrant {
  /** Read: `get` and `list`. */
  public static read(resource: ApiResource, options: ApiGrantOptions = {}): ApiGrant {
    return ApiGrant.create(resource, READ_VERBS, options, 'read');
  }

  /** Watch, as an informer does: `list` and `watch`. */
  public static watch(resource: ApiResource, options: ApiGrantOptions = {}): ApiGrant {
    return ApiGrant.create(resource, WATCH_VERBS, options, 'watch');
  }

  /** Exactly these verbs on the resource. */
  public static of(resource: ApiResource, verbs: ApiVerb[], options: ApiGrantOptions = {}): ApiGrant {
    return ApiGrant.create(resource, verbs, options, 'of');
  }

  private static create(resource: ApiResource, verbs: readonly string[], options: ApiGrantOptions, factory: string): ApiGrant {
    const problems = new FactoryProblems();
    const isResource = resource instanceof ApiResource;
    problems.check(!isResource, 'resource', resource, 'is not an ApiResource',
      'use an ApiResource constant (ApiResource.CONFIG_MAPS, ...), ApiResource.ofKind(group, kind) or ApiResource.custom({...})');
    const list = Array.isArray(verbs) ? verbs : [];
    problems.check(!Array.isArray(verbs) || list.length === 0, 'verbs', verbs, 'is empty', 'list the verbs the workload needs (ApiVerb.GET, ...)');
    list.forEach((v, i) => problems.check(!VERB_ORDER.includes(v), `verbs[${i}]`, v,
      v === '*' ? 'is a wildcard, which grants every verb, including escalate, bind and impersonate' : 'is not an ApiVerb',
      `use ApiVerb values: ${VERB_ORDER.join(', ')}`));
    const o: ApiGrantOptions = typeof options === 'object' && options !== null ? options : {};
    const names = o.resourceNames;
    problems.check(names !== undefined && (!Array.isArray(names) || names.length === 0), 'resourceNames', names,
      'is empty, which Kubernetes reads as every object', 'omit it to grant on every object, or list the names');
    (Array.isArray(names) ? names : []).forEach((n, i) => problems.check(typeof n !== 'string' || !isDns1123Subdomain(n),
      `resourceNames[${i}]`, n, n === '*' ? 'is a wildcard' : 'is not an object name', 'use the DNS-1123 name of the object'));
    if (isResource) {
      problems.check(resource.resource === 'secrets' && resource.apiGroup === '' && names === undefined, 'resourceNames', names,
        'is not set on a Secrets grant, which would let the workload read or change every Secret of the namespace',
        'list the Secrets it needs in \'resourceNames\', or mount the Secret instead of reading it from the API');
      problems.check(!resource.namespaced, 'resource', resource.toString(),
        'is cluster-scoped, and a grant is a rule of a namespaced Role, which cannot grant it',
        'grant cluster-scoped access outside the workload (a ClusterRole reviewed by the platform team)');
    }
    return new ApiGrant(isResource ? resource : undefined, sortVerbs(list), Array.isArray(names) ? [...names] : undefined, factory,
      problems.problems);
  }

  /** The verbs, in the canonical order. */
  public readonly verbs: string[];
  /** The names the grant is limited to, if any. */
  public readonly resourceNames?: string[];
  private readonly res: ApiResource | undefined;
  private readonly factory: string;
  private readonly problems: PropProblem[];

  private constructor(res: ApiResource | undefined, verbs: string[], resourceNames: string[] | undefined, factory: string,
    problems: PropProblem[]) {
    this.res = res;
    this.verbs = verbs;
    this.resourceNames = resourceNames;
    this.factory = factory;
    this.problems = problems;
  }

  /** The resource. */
  public get resource(): ApiResource {
    return this.res ?? ApiResource.custom({ apiGroup: '', resource: 'invalid' });
  }

  /**
   * Records what the factory found wrong, and what the resource's factory found wrong, under `prefix`.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(`${prefix}(ApiGrant.${this.factory})`, this.problems);
    this.res?._reportProblems(errors, `${prefix}(ApiGrant.${this.factory}).resource`);
  }

  /**
   * Whether the grant runs commands in containers (`pods/exec`, `pods/attach`).
   *
   * @internal
   */
  public get _isExec(): boolean {
    return this.res !== undefined && this.res.apiGroup === '' && ['pods/exec', 'pods/attach'].includes(this.res.resource);
  }

  /** `verbs on resource[/names]`, for messages. */
  public toString(): string {
    return `${this.verbs.join(',')} on ${this.res?.toString() ?? 'an invalid resource'}${this.resourceNames ? ` (${this.resourceNames.join(', ')})` : ''}`;
  }
}

function sortVerbs(verbs: readonly string[]): string[] {
  const known = VERB_ORDER.filter((v) => verbs.includes(v));
  return [...known, ...verbs.filter((v) => !VERB_ORDER.includes(v))].filter((v, i, all) => all.indexOf(v) === i);
}
