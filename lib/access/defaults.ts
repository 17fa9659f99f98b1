/**
 * Every opinion of the access and admission constructs, as data.
 *
 * ApiGrant, TeamAccess and ProductionAdmissionPolicies read their defaults from here and never inline literals. The
 * README's "Access and admission" section is written from these values.
 */

/**
 * The verbs of `ApiGrant.read`: one-shot reads (a GET by name and a LIST).
 *
 * @internal
 */
export const READ_VERBS = ['get', 'list'];

/**
 * The verbs of `ApiGrant.watch`: what an informer needs (a LIST, then a WATCH from its resourceVersion).
 *
 * @internal
 */
export const WATCH_VERBS = ['list', 'watch'];

/**
 * The order verbs are written in a rule, so that output is deterministic whatever order grants were declared in.
 *
 * @internal
 */
export const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/**
 * The verbs a deployer (CI or GitOps identity) holds on every kind it applies: read for the diff, create/update/patch
 * for apply (client-side and server-side), delete for pruning. No `deletecollection`, no `escalate`/`bind`/`impersonate`.
 *
 * @internal
 */
export const DEPLOYER_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * The verbs a deployer holds on the Secrets of the namespace it applies, by name only: `create` cannot be limited by
 * `resourceNames` (the name is not known when the request is authorized), so Secrets are expected to come from
 * ExternalSecret or SealedSecret objects, which the deployer applies instead.
 *
 * @internal
 */
export const DEPLOYER_SECRET_VERBS = ['get', 'update', 'patch', 'delete'];

/**
 * What a team viewer reads in its namespace (get, list, watch): the workload kinds and what they are made of, and
 * never Secrets. `[apiGroup, resource]` pairs.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 * @internal
 */
export const VIEWER_RESOURCES: ReadonlyArray<readonly [string, string]> = [
  ['', 'configmaps'], ['', 'endpoints'], ['', 'events'], ['', 'limitranges'], ['', 'persistentvolumeclaims'], ['', 'pods'],
  ['', 'resourcequotas'], ['', 'serviceaccounts'], ['', 'services'],
  ['apps', 'daemonsets'], ['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets'],
  ['autoscaling', 'horizontalpodautoscalers'],
  ['batch', 'cronjobs'], ['batch', 'jobs'],
  ['discovery.k8s.io', 'endpointslices'],
  ['networking.k8s.io', 'ingresses'], ['networking.k8s.io', 'networkpolicies'],
  ['policy', 'poddisruptionbudgets'],
];

/** The verbs of a viewer. @internal */
export const VIEWER_VERBS = ['get', 'list', 'watch'];

/**
 * What a developer adds to a viewer: container logs and port-forwarding (`kubectl logs`, `kubectl port-forward`).
 * `[apiGroup, resource, verbs]`.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
 * @internal
 */
export const DEVELOPER_EXTRA: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['', 'pods/log', ['get']],
  ['', 'pods/portforward', ['get', 'create']],
];

/** What `podExec` adds to a developer (dev only): `kubectl exec` and `kubectl attach`. @internal */
export const DEVELOPER_EXEC: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['', 'pods/exec', ['get', 'create']],
  ['', 'pods/attach', ['get', 'create']],
];

/** Why a dev developer role may exec into pods; recorded as the rule pack exemption on the Role and RoleBinding. @internal */
export const POD_EXEC_DEV_REASON = 'developers debug in dev with kubectl exec; the role grants no exec in staging or prod';

/** Subresources that run commands in a container: never granted in staging or prod. @internal */
export const EXEC_SUBRESOURCES = ['pods/exec', 'pods/attach'];

/**
 * The label that puts a namespace under the admission floors, and its value.
 *
 * @internal
 */
export const FLOORS_LABEL = { key: 'production.platform.io/admission-floors', value: 'enforced' };

/**
 * The label that names a namespace's profile for the prod-only admission floors (images pinned by digest), and the
 * value the prod-only bindings match.
 *
 * @internal
 */
export const PROFILE_LABEL = { key: 'production.platform.io/admission-profile', prodValue: 'prod' };

/** The Kubernetes minor version the admission policies target by default (the library's). @internal */
export const ADMISSION_KUBERNETES_VERSION = '1.28';

/** The first minor that serves ValidatingAdmissionPolicy as v1beta1, and the first that serves v1 (GA). @internal */
export const ADMISSION_API_MINORS = { v1beta1: 28, v1: 30 };

/** The prefix of the names of the admission policies and their bindings. @internal */
export const ADMISSION_NAME_PREFIX = 'production-floors';

/** The API group of Roles and RoleBindings. @internal */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
