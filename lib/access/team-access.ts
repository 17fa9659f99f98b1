import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ApiResource } from './api-grant';
import { RuleGrant, renderRules } from './_rbac';
import {
  DEPLOYER_SECRET_VERBS, DEPLOYER_VERBS, DEVELOPER_EXEC, DEVELOPER_EXTRA, EXEC_SUBRESOURCES, POD_EXEC_DEV_REASON, RBAC_API_GROUP, VIEWER_RESOURCES, VIEWER_VERBS,
} from './defaults';
import { _registerAppChecks } from '../internal/app-checks';
import { FactoryProblems, PropErrors, PropProblem } from '../internal/errors';
import { CLUSTER_SCOPED_KINDS, isDns1123Label, isDns1123Subdomain } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _namespaceOf, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { EXEMPT_PREFIX } from '../rules/exemptions';
import { objectMetadata } from '../workload/_metadata';

/**
 * What a team may do in a namespace, by intent.
 */
export enum TeamRole {
  /** Read the workload kinds and what they are made of (get, list, watch); never Secrets. */
  VIEWER = 'viewer',
  /** A viewer who also reads container logs and port-forwards; exec into pods only in dev, with `podExec`. */
  DEVELOPER = 'developer',
  /**
   * A CI or GitOps identity: get, list, watch, create, update, patch and delete on exactly the kinds synthesized into
   * the namespace (derived at synthesis), Secrets only by name and without create.
   */
  DEPLOYER = 'deployer',
}

/**
 * Who a team role is bound to: a group or user of the cluster's authenticator, or a ServiceAccount.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
 */
export class TeamSubject {
  /** A group, as the authenticator names it (an OIDC `groups` claim, e.g. `oidc:payments-developers`). */
  public static group(name: string): TeamSubject {
    return TeamSubject.create('Group', name, undefined);
  }

  /** A user, as the authenticator names it (e.g. `jane@example.com`). Prefer groups. */
  public static user(name: string): TeamSubject {
    return TeamSubject.create('User', name, undefined);
  }

  /** A ServiceAccount, e.g. the one a CI runner or the GitOps controller runs as. */
  public static serviceAccount(name: string, namespaceName: string): TeamSubject {
    return TeamSubject.create('ServiceAccount', name, namespaceName);
  }

  private static create(kind: string, name: string, namespaceName: string | undefined): TeamSubject {
    const problems = new FactoryProblems();
    const isName = typeof name === 'string' && name.trim() !== '';
    problems.check(!isName, 'name', name, 'is empty', `give the ${kind}'s name`);
    problems.check(isName && name.trim() !== name, 'name', name, 'has leading or trailing spaces, which the authenticator never sends',
      'remove the spaces');
    problems.check(isName && kind !== 'ServiceAccount' && name.startsWith('system:'), 'name', name,
      'is a \'system:\' identity of Kubernetes itself, which a team role must not extend', `name the team's own ${kind.toLowerCase()}`);
    problems.check(isName && kind === 'ServiceAccount' && !isDns1123Subdomain(name), 'name', name, 'is not a ServiceAccount name',
      'use a DNS-1123 subdomain');
    problems.check(kind === 'ServiceAccount' && (typeof namespaceName !== 'string' || !isDns1123Label(namespaceName)), 'namespaceName',
      namespaceName, 'is not a namespace name', 'use the DNS-1123 label of the ServiceAccount\'s namespace');
    return new TeamSubject(kind, String(name), namespaceName, problems.problems);
  }

  /** `Group`, `User` or `ServiceAccount`. */
  public readonly kind: string;
  /** The subject's name. */
  public readonly name: string;
  /** The ServiceAccount's namespace; only for a ServiceAccount. */
  public readonly namespaceName?: string;
  private readonly problems: PropProblem[];

  private constructor(kind: string, name: string, namespaceName: string | undefined, problems: PropProblem[]) {
    this.kind = kind;
    this.name = name;
    this.namespaceName = namespaceName;
    this.problems = problems;
  }

  /**
   * Records what the factory found wrong, under `prefix`.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(`${prefix}(TeamSubject.${this.kind === 'ServiceAccount' ? 'serviceAccount' : this.kind.toLowerCase()})`, this.problems);
  }

  /**
   * The RoleBinding subject.
   *
   * @internal
   */
  public _toSubject(): k8s.Subject {
    return this.kind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: this.name, namespace: this.namespaceName }
      : { kind: this.kind, name: this.name, apiGroup: RBAC_API_GROUP };
  }

  /** `Kind name` (and `namespace/` for a ServiceAccount), for messages. */
  public toString(): string {
    return `${this.kind} ${this.namespaceName ? `${this.namespaceName}/` : ''}${this.name}`;
  }
}

/**
 * Props of a `TeamAccess`.
 */
export interface TeamAccessProps {
  /** The team's name (a DNS-1123 label); the Role and RoleBinding are named `team-<team>-<role>`. */
  readonly team: string;

  /** What the team may do. */
  readonly role: TeamRole;

  /** Who is in the team. At least one; no duplicates. */
  readonly subjects: TeamSubject[];

  /**
   * Let a developer `kubectl exec` and `kubectl attach` into pods. Dev only: an error in staging and prod, where
   * debugging goes through logs, metrics and an audited break-glass role. Only for `TeamRole.DEVELOPER`.
   *
   * @default false
   */
  readonly podExec?: boolean;

  /**
   * Resources a deployer needs beyond the kinds synthesized into the namespace (e.g. objects another tool applies
   * with the same identity). Only for `TeamRole.DEPLOYER`.
   *
   * @default - none
   */
  readonly deployerResources?: ApiResource[];
}

/**
 * A team's access to one namespace, by intent (`TeamRole`): a namespaced Role and a RoleBinding, never a ClusterRole,
 * with no wildcard, no Secret without `resourceNames`, and no exec into pods in staging or prod.
 *
 * Create it inside a ProductionNamespace (or use `ProductionNamespace.grantTeam`), or in a chart with a namespace.
 * A deployer's rules are derived when the app is synthesized, from the namespaced objects of every chart that land
 * in the namespace, so they follow the manifests without being listed by hand.
 *
 * @example
 * const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
 * new TeamAccess(shop, 'Developers', { team: 'shop', role: TeamRole.DEVELOPER, subjects: [TeamSubject.group('shop-developers')] });
 */
export class TeamAccess extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The team's name. */
  public readonly team: string;
  /** What the team may do. */
  public readonly role: TeamRole;
  /** The namespace the access is granted in. */
  public readonly namespaceName: string;
  /** Whether a developer may exec into pods (dev only). */
  public readonly podExec: boolean;
  /** The Role. */
  public readonly roleObject: k8s.KubeRole;
  /** The RoleBinding. */
  public readonly roleBinding: k8s.KubeRoleBinding;
  private readonly deployerResources: ApiResource[];

  public constructor(scope: Construct, id: string, props: TeamAccessProps) {
    super(scope, _uniqueId(scope, id, 'TeamAccess'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'TeamAccess', this.profile);
    assertPropTypes(errors, props, 'TeamAccessProps');

    this.team = props.team;
    this.role = props.role;
    errors.check(!isDns1123Label(this.team) || `team-${this.team}-${this.role}`.length > 63, 'team', this.team,
      'is not a DNS-1123 label short enough to name the Role', 'use lowercase letters, digits and \'-\', at most 40 characters');
    errors.check(!Object.values(TeamRole).includes(this.role), 'role', this.role, 'is not a TeamRole',
      'use TeamRole.VIEWER, TeamRole.DEVELOPER or TeamRole.DEPLOYER');
    const namespace = _namespaceOf(this);
    errors.check(namespace === undefined, 'scope', this.node.path, 'has no namespace: a team role is a namespaced Role',
      'create the TeamAccess inside a ProductionNamespace or a chart with a namespace');
    this.namespaceName = namespace ?? '';

    const subjects = props.subjects;
    errors.check(subjects.length === 0, 'subjects', subjects, 'is empty, so the role is bound to nobody',
      'list the team\'s groups (TeamSubject.group), users or ServiceAccounts');
    subjects.forEach((s, i) => {
      if (!(s instanceof TeamSubject)) {
        errors.add(`subjects[${i}]`, s, 'is not a TeamSubject', 'use TeamSubject.group(...), .user(...) or .serviceAccount(...)');
        return;
      }
      s._reportProblems(errors, `subjects[${i}]`);
      errors.check(subjects.findIndex((o) => o instanceof TeamSubject && o.toString() === s.toString()) < i, `subjects[${i}]`, s.toString(),
        'is listed twice', 'list each subject once');
    });

    this.podExec = props.podExec ?? false;
    errors.check(this.podExec && this.role !== TeamRole.DEVELOPER, 'podExec', true, `is only for TeamRole.DEVELOPER, not ${this.role}`,
      'remove \'podExec\'');
    errors.enforce(this.podExec && this.role === TeamRole.DEVELOPER, 'podExec', true, 'lets the team run commands in every pod of the namespace',
      'debug with logs, metrics and ephemeral debug containers run by an audited break-glass role');

    this.deployerResources = [...(props.deployerResources ?? [])];
    errors.check(this.deployerResources.length > 0 && this.role !== TeamRole.DEPLOYER, 'deployerResources', this.deployerResources.length,
      `is only for TeamRole.DEPLOYER, not ${this.role}`, 'remove \'deployerResources\'');
    this.deployerResources.forEach((r, i) => {
      if (!(r instanceof ApiResource)) {
        errors.add(`deployerResources[${i}]`, r, 'is not an ApiResource', 'use an ApiResource constant, ApiResource.ofKind or ApiResource.custom');
        return;
      }
      r._reportProblems(errors, `deployerResources[${i}]`);
      errors.check(!r.namespaced, `deployerResources[${i}]`, r.toString(), 'is cluster-scoped, which a namespaced Role cannot grant',
        'apply cluster-scoped objects with the platform team\'s identity');
      errors.check(r.apiGroup === '' && ['secrets', 'pods/exec', 'pods/attach'].includes(r.resource), `deployerResources[${i}]`, r.toString(),
        r.resource === 'secrets' ? 'grants every Secret of the namespace' : 'runs commands in containers',
        r.resource === 'secrets' ? 'let the deployer apply ExternalSecret or SealedSecret objects instead' : 'remove it');
    });
    errors.throwIfAny();

    // ---- objects ----
    const name = `team-${this.team}-${this.role}`;
    const exec = this.podExec && !this.profile.isProductionLike;
    const metadata = objectMetadata(this.profile, name, this.namespaceName, {}, exec ? { [`${EXEMPT_PREFIX}rbac-no-pod-exec`]: POD_EXEC_DEV_REASON } : {});
    this.roleObject = new k8s.KubeRole(this, 'Resource', {
      metadata,
      rules: this.role === TeamRole.DEPLOYER ? Lazy.any({ produce: () => renderRules(this.deployerGrants()) }) : renderRules(this.staticGrants(exec)),
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'Binding', {
      metadata,
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: this.roleObject.name },
      subjects: subjects.map((s) => s._toSubject()),
    });
  }

  /** A viewer's or developer's rules, which do not depend on the manifests. */
  private staticGrants(exec: boolean): RuleGrant[] {
    const grants: RuleGrant[] = VIEWER_RESOURCES.map(([apiGroup, resource]) => ({ apiGroup, resource, verbs: VIEWER_VERBS }));
    if (this.role === TeamRole.DEVELOPER) {
      grants.push(...DEVELOPER_EXTRA.map(([apiGroup, resource, verbs]) => ({ apiGroup, resource, verbs })));
      if (exec) {
        grants.push(...DEVELOPER_EXEC.map(([apiGroup, resource, verbs]) => ({ apiGroup, resource, verbs })));
      }
    }
    return grants;
  }

  /**
   * A deployer's rules: every namespaced kind that lands in the namespace, from every chart of the app, plus
   * `deployerResources`, Secrets by name and without create; and every permission the other Roles of the namespace
   * grant, because Kubernetes lets an identity create a Role, or bind one, only when it holds what the Role grants
   * (RBAC escalation prevention). Exec into pods is never inherited.
   *
   * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
   */
  private deployerGrants(): RuleGrant[] {
    const grants = this._baseDeployerGrants();
    for (const object of this.objectsInNamespace()) {
      if (object.kind !== 'Role' || object === this.roleObject) {
        continue;
      }
      const owner = object.node.scope;
      if (owner instanceof TeamAccess && owner.role === TeamRole.DEPLOYER) {
        // Another deployer's rules are its kinds: its own inheritance would come back here.
        grants.push(...owner._baseDeployerGrants());
        continue;
      }
      for (const rule of (object.toJson().rules ?? []) as k8s.PolicyRule[]) {
        for (const apiGroup of rule.apiGroups ?? []) {
          for (const resource of rule.resources ?? []) {
            if (apiGroup === '' && EXEC_SUBRESOURCES.includes(resource)) {
              continue;
            }
            grants.push({ apiGroup, resource, verbs: rule.verbs, resourceNames: rule.resourceNames });
          }
        }
      }
    }
    return grants;
  }

  /**
   * The kinds of the namespace, `deployerResources`, and its Secrets by name.
   *
   * @internal
   */
  public _baseDeployerGrants(): RuleGrant[] {
    const grants: RuleGrant[] = this.deployerResources.map((r) => ({ apiGroup: r.apiGroup, resource: r.resource, verbs: DEPLOYER_VERBS }));
    const secretNames: string[] = [];
    for (const object of this.objectsInNamespace()) {
      const slash = object.apiVersion.indexOf('/');
      const apiGroup = slash < 0 ? '' : object.apiVersion.slice(0, slash);
      if (apiGroup === '' && object.kind === 'Secret') {
        secretNames.push(object.name);
        continue;
      }
      grants.push({ apiGroup, resource: ApiResource.ofKind(apiGroup, object.kind).resource, verbs: DEPLOYER_VERBS });
    }
    if (secretNames.length > 0) {
      grants.push({ apiGroup: '', resource: 'secrets', verbs: DEPLOYER_SECRET_VERBS, resourceNames: secretNames });
    }
    return grants;
  }

  /** The namespaced objects of the whole app that land in this namespace. */
  private objectsInNamespace(): ApiObject[] {
    return this.node.root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)
      .filter((o) => !CLUSTER_SCOPED_KINDS.includes(o.kind) && o.metadata.namespace === this.namespaceName);
  }
}
