import { ADVISORY, src, STRICT } from './_helpers';
import { asArray, asObject, namespaceOf, nameOf, RuleContext } from './context';
import { IRule } from './rule';
import { KubeObject, Violation } from './types';

/**
 * Roles and bindings that Kubernetes itself ships, recognised by the label the API server's
 * bootstrap policy puts on them; not ours to judge. A name is no proof: anyone can write a role
 * called `system:anything` or `edit`.
 */
function isBuiltIn(object: KubeObject): boolean {
  return asObject(asObject(object.metadata).labels)['kubernetes.io/bootstrapping'] === 'rbac-defaults';
}

/** The verbs whose full list grants the same as '*' on a resource (Polaris's cluster-admin test). */
const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

interface PolicyRule { readonly apiGroups: string[]; readonly resources: string[]; readonly verbs: string[]; readonly resourceNames: string[] }

function rulesOf(role: KubeObject): PolicyRule[] {
  return asArray(role.rules).map(asObject).map((r) => ({
    apiGroups: asArray(r.apiGroups).map(String),
    resources: asArray(r.resources).map(String),
    verbs: asArray(r.verbs).map(String),
    resourceNames: asArray(r.resourceNames).map(String),
  }));
}

function roles(ctx: RuleContext): KubeObject[] {
  return [...ctx.ofKind('Role'), ...ctx.ofKind('ClusterRole')].filter((r) => !isBuiltIn(r));
}

function grants(rule: PolicyRule, resources: string[], verbs: string[]): boolean {
  return (rule.apiGroups.includes('') || rule.apiGroups.includes('*'))
    && rule.resources.some((r) => r === '*' || resources.includes(r))
    && rule.verbs.some((v) => v === '*' || verbs.includes(v));
}

/**
 * Roles list their API groups, resources and verbs; a wildcard silently grants everything added
 * to the API later.
 *
 * Sources: kube-linter wildcard-in-rules (binding such a role is what Polaris
 * clusterrolebindingClusterAdmin and friends report; see `rbac-no-cluster-admin-binding`).
 */
export const rbacWildcards: IRule = {
  id: 'rbac-no-wildcards',
  description: 'Roles and ClusterRoles use no wildcard in apiGroups, resources or verbs',
  sources: src('?kube-linter:wildcard-in-rules'),
  severity: ADVISORY,
  opinion: true,
  fix: 'List the API groups, resources and verbs the subject needs',
  check: (ctx) => roles(ctx).flatMap((role) => rulesOf(role).flatMap((r, i) => {
    const fields = (['apiGroups', 'resources', 'verbs'] as const).filter((f) => r[f].includes('*'));
    return fields.length ? [{ kubeObject: role, message: `rule ${i} uses '*' in ${fields.join(', ')}`, path: `rules[${i}]` }] : [];
  })),
};

function isFullAdmin(role: KubeObject | undefined): boolean {
  return role !== undefined && rulesOf(role).some((r) => r.apiGroups.includes('*') && r.resources.includes('*')
    && (r.verbs.includes('*') || ALL_VERBS.every((v) => r.verbs.includes(v))));
}

function roleOfBinding(ctx: RuleContext, binding: KubeObject): KubeObject | undefined {
  const ref = asObject(binding.roleRef);
  return ref.kind === 'ClusterRole'
    ? ctx.find('ClusterRole', String(ref.name))
    : ctx.find('Role', String(ref.name), namespaceOf(binding));
}

function bindings(ctx: RuleContext): KubeObject[] {
  return [...ctx.ofKind('RoleBinding'), ...ctx.ofKind('ClusterRoleBinding')].filter((b) => !isBuiltIn(b));
}

/**
 * No binding grants cluster-admin, or a role with full wildcard rights.
 *
 * Sources: Polaris clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole,
 * rolebindingClusterAdminRole; kube-linter cluster-admin-role-binding.
 */
export const rbacClusterAdmin: IRule = {
  id: 'rbac-no-cluster-admin-binding',
  description: 'No RoleBinding or ClusterRoleBinding grants cluster-admin or a full-wildcard role',
  sources: src('polaris:clusterrolebindingClusterAdmin', 'polaris:rolebindingClusterAdminClusterRole',
    'polaris:rolebindingClusterAdminRole', '?kube-linter:cluster-admin-role-binding'),
  severity: STRICT,
  fix: 'Bind a role that grants only what the subject needs',
  check: (ctx) => bindings(ctx).flatMap((b) => {
    const ref = asObject(b.roleRef);
    const polaris = b.kind === 'ClusterRoleBinding' ? 'polaris:clusterrolebindingClusterAdmin'
      : ref.kind === 'ClusterRole' ? 'polaris:rolebindingClusterAdminClusterRole' : 'polaris:rolebindingClusterAdminRole';
    if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
      return [{ kubeObject: b, message: 'binds the cluster-admin ClusterRole', path: 'roleRef', checks: [polaris, 'kube-linter:cluster-admin-role-binding'] }];
    }
    return isFullAdmin(roleOfBinding(ctx, b))
      ? [{ kubeObject: b, message: `binds ${String(ref.kind)} '${String(ref.name)}', which grants every verb on every resource`, path: 'roleRef', checks: [polaris] }] : [];
  }),
};

/**
 * Roles do not read or change Secrets broadly; access scoped by `resourceNames` is allowed.
 *
 * Sources: kube-linter access-to-secrets.
 */
export const rbacSecrets: IRule = {
  id: 'rbac-secrets-access',
  description: 'Roles grant access to Secrets only by resourceNames',
  sources: src('?kube-linter:access-to-secrets'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Restrict the rule to the Secrets needed with resourceNames, or mount the Secret instead of reading it from the API',
  check: (ctx) => roles(ctx).flatMap((role) => rulesOf(role).flatMap((r, i) =>
    grants(r, ['secrets'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) && r.resourceNames.length === 0
      ? [{ kubeObject: role, message: `rule ${i} grants ${r.verbs.join(', ')} on all Secrets`, path: `rules[${i}]` }] : [])),
};

function grantsExec(role: KubeObject | undefined): boolean {
  return role !== undefined && rulesOf(role).some((r) => grants(r, ['pods/exec', 'pods/attach'], ['create', 'get']));
}

/**
 * No role grants exec or attach into pods, and no binding binds such a role.
 *
 * Sources: Polaris clusterrolePodExecAttach, rolePodExecAttach, clusterrolebindingPodExecAttach,
 * rolebindingClusterRolePodExecAttach, rolebindingRolePodExecAttach.
 */
export const rbacPodExec: IRule = {
  id: 'rbac-no-pod-exec',
  description: 'No role grants pods/exec or pods/attach, and no binding binds such a role',
  sources: src('polaris:clusterrolePodExecAttach', 'polaris:rolePodExecAttach', 'polaris:clusterrolebindingPodExecAttach',
    'polaris:rolebindingClusterRolePodExecAttach', 'polaris:rolebindingRolePodExecAttach'),
  severity: STRICT,
  fix: 'Remove pods/exec and pods/attach from the role; grant break-glass access through a separate, audited role',
  check: (ctx) => {
    const out: Violation[] = [];
    for (const role of roles(ctx)) {
      if (grantsExec(role)) {
        out.push({ kubeObject: role, message: 'grants exec or attach into pods', path: 'rules',
          checks: [role.kind === 'ClusterRole' ? 'polaris:clusterrolePodExecAttach' : 'polaris:rolePodExecAttach'] });
      }
    }
    for (const b of bindings(ctx)) {
      const role = roleOfBinding(ctx, b);
      if (role && !isBuiltIn(role) && grantsExec(role)) {
        out.push({ kubeObject: b, message: `binds ${role.kind} '${nameOf(role)}', which grants exec or attach into pods`, path: 'roleRef',
          checks: [b.kind === 'ClusterRoleBinding' ? 'polaris:clusterrolebindingPodExecAttach'
            : role.kind === 'ClusterRole' ? 'polaris:rolebindingClusterRolePodExecAttach' : 'polaris:rolebindingRolePodExecAttach'] });
      }
    }
    return out;
  },
};

/** Every RBAC rule, in report order. */
export const RBAC_RULES: readonly IRule[] = [rbacWildcards, rbacClusterAdmin, rbacSecrets, rbacPodExec];
