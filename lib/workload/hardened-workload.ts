import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import type { ObjectMetadata } from './_metadata';
import { WorkloadNetworkPolicy, workloadPeer } from './_network';
import type { PodSelector } from './_render';
import { ResolvedAccess, ResolvedPod, resolveApiGrants } from './_resolve';
import type { AppPort } from './hardened-pod';
import type { AttachedRouteRef, RouteBackendRef } from './_routes';
import { INetworkPeer, NetworkPeer } from './network-peer';
import { PropErrors } from '../internal/errors';
import { checkPropTypes } from '../internal/prop-types';
import { _registerAppChecks } from '../internal/app-checks';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { ApiGrant, ApiGrantOptions, ApiResource, ApiVerb } from '../access/api-grant';
import { renderRules } from '../access/_rbac';
import { RBAC_API_GROUP } from '../access/defaults';

/**
 * Options for `allowFrom` and `connectsTo` of a hardened workload.
 */
export interface AppAllowOptions {
  /**
   * The ports the rule opens.
   *
   * @default - the target workload's main port; required when the target is not a hardened workload
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
 * Options for `addIngressRule` and `addEgressRule` of a hardened workload.
 */
export interface WorkloadRuleOptions {
  /** The ports the rule opens. */
  readonly ports: number[];

  /**
   * The protocols of the ports; one rule per protocol.
   *
   * @default [kplus.Protocol.TCP]
   */
  readonly protocols?: kplus.Protocol[];
}

/**
 * A workload built on the library's hardened pod: a ProductionApp, a worker, a job, a cron job, and what is
 * still to come.
 *
 * Network pairing, ingress routes and monitors accept any hardened workload, not one construct class.
 */
export interface IHardenedWorkload extends INetworkPeer, IConstruct {
  /** The profile in force for the workload. */
  readonly profile: Profile;
  /** The name of every object of the workload. */
  readonly name: string;
  /** The namespace of the workload's objects, if one is set. */
  readonly namespaceName?: string;
  /** Every port of the main container, the main one first; empty for a workload that serves no port. */
  readonly ports: AppPort[];
  /** The labels that select the workload's pods. */
  readonly podSelector: { [key: string]: string };
  /** The Service in front of the pods, if the workload has one. */
  readonly service?: kplus.Service;
  /** The NetworkPolicy that isolates the pods. */
  readonly networkPolicy: k8s.KubeNetworkPolicy;

  /**
   * Allows traffic from `peer` to this workload's main port (or `options.ports`). When `peer` is a hardened
   * workload, its NetworkPolicy also gets the matching egress rule.
   */
  allowFrom(peer: INetworkPeer, options?: AppAllowOptions): void;

  /**
   * Allows this workload to open connections to `peer`: a hardened workload (its main port, and the matching
   * ingress rule on its side) or a NetworkPeer (`options.ports` required).
   */
  connectsTo(peer: INetworkPeer, options?: AppAllowOptions): void;

  /** Adds an ingress rule to this workload's NetworkPolicy only, without touching the peer. */
  addIngressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void;

  /** Adds an egress rule to this workload's NetworkPolicy only, without touching the peer. */
  addEgressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void;
}

/**
 * The base of every workload kind built on the hardened pod: the NetworkPolicy pairing (`allowFrom`,
 * `connectsTo`, `addIngressRule`, `addEgressRule`) and the network peer of the pods are written once, here.
 *
 * A workload kind sets its objects and calls `_createNetworkPolicy` once, in its constructor.
 *
 * @example
 * const mailer = new ProductionWorker(shop, 'Mailer', {
 *   image: 'registry.example.com/shop/mailer:1.2.0',
 *   readiness: AppProbe.exec(['test', '-f', '/tmp/ready']),
 *   liveness: AppProbe.exec(['/bin/healthcheck']),
 * });
 * const workloads: IHardenedWorkload[] = [web, mailer];
 * for (const workload of workloads) {
 *   workload.connectsTo(database, { ports: [5432] });
 * }
 */
export abstract class HardenedWorkload extends Construct implements IHardenedWorkload {
  /** The profile in force for the workload. */
  public readonly profile: Profile;
  public abstract readonly service?: kplus.Service;
  public abstract readonly networkPolicy: k8s.KubeNetworkPolicy;
  public abstract readonly podSelector: { [key: string]: string };

  /**
   * The routes attached with `_attachRoute`, in the order attached.
   *
   * @internal
   */
  protected readonly _attachedRoutes: AttachedRouteRef[] = [];

  private network?: WorkloadNetworkPolicy;
  private resolvedPod?: ResolvedPod;
  private objectMeta?: ObjectMetadata;
  private readonly grants: ApiGrant[] = [];
  private role?: k8s.KubeRole;
  private roleBinding?: k8s.KubeRoleBinding;

  /**
   * @param kind the construct's class name, for messages (e.g. 'ProductionApp')
   */
  protected constructor(scope: Construct, id: string, private readonly kind: string) {
    super(scope, _uniqueId(scope, id, kind));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
  }

  /** The name of every object of the workload. */
  public get name(): string {
    return this.podOf().identity.name;
  }

  /** The namespace of the workload's objects, if one is set. */
  public get namespaceName(): string | undefined {
    return this.podOf().identity.namespace;
  }

  /** Every port of the main container, the main one first; empty for a workload that serves no port. */
  public get ports(): AppPort[] {
    return this.podOf().main.ports;
  }

  /** The image of the main container. */
  public get image(): string {
    return this.podOf().main.image;
  }

  /** The `app.kubernetes.io/*` labels on every object. */
  public get labels(): { [key: string]: string } {
    return this.podOf().labels;
  }

  /** Whether a service account token is mounted. */
  public get serviceAccountToken(): boolean {
    return this.podOf().access.serviceAccountToken;
  }

  /** The Role holding the workload's API grants (construct ID `ApiRole`), once it has any. */
  public get apiRole(): k8s.KubeRole | undefined {
    return this.role;
  }

  /** The RoleBinding of `apiRole` to the workload's ServiceAccount (construct ID `ApiRoleBinding`), once it has grants. */
  public get apiRoleBinding(): k8s.KubeRoleBinding | undefined {
    return this.roleBinding;
  }

  /** The API grants of the workload's ServiceAccount: `apiAccess`, then the `grant*` calls, in order. */
  public get apiGrants(): ApiGrant[] {
    return [...this.grants];
  }

  /** The priority class of the pods. */
  public get priorityClassName(): string {
    return this.podOf().access.priorityClassName;
  }

  public get peerDescription(): string {
    return `${this.kind} ${this.node.path}`;
  }

  public toNetworkPolicyPeer(fromNamespace: string | undefined): k8s.NetworkPolicyPeer {
    return workloadPeer(this.namespaceName, this.podSelector, fromNamespace);
  }

  public allowFrom(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    this.checkArguments('allowFrom', peer, options, 'AppAllowOptions');
    this.networkOf().allowFrom(peer, options);
  }

  public connectsTo(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    this.checkArguments('connectsTo', peer, options, 'AppAllowOptions');
    this.networkOf().connectsTo(peer, options);
  }

  public addIngressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void {
    this.checkArguments('addIngressRule', peer, options, 'WorkloadRuleOptions');
    this.networkOf().addIngress(peer, options.ports, options.protocols ?? [kplus.Protocol.TCP]);
  }

  public addEgressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void {
    this.checkArguments('addEgressRule', peer, options, 'WorkloadRuleOptions');
    this.networkOf().addEgress(peer, options.ports, options.protocols ?? [kplus.Protocol.TCP]);
  }

  /**
   * Lets the workload read `resource` in its namespace (`get`, `list`): a rule of its Role. The workload must call the
   * API already (`apiAccess` or `serviceAccountToken: true`), since the token is part of the pod; see `apiAccess`.
   */
  public grantRead(resource: ApiResource, options: ApiGrantOptions = {}): void {
    this.addGrant('grantRead', ApiGrant.read(resource, options));
  }

  /**
   * Lets the workload watch `resource` in its namespace as an informer does (`list`, `watch`). The workload must call
   * the API already (`apiAccess` or `serviceAccountToken: true`).
   */
  public grantWatch(resource: ApiResource, options: ApiGrantOptions = {}): void {
    this.addGrant('grantWatch', ApiGrant.watch(resource, options));
  }

  /**
   * Lets the workload use exactly `verbs` on `resource` in its namespace. The workload must call the API already
   * (`apiAccess` or `serviceAccountToken: true`).
   */
  public grant(resource: ApiResource, verbs: ApiVerb[], options: ApiGrantOptions = {}): void {
    this.addGrant('grant', ApiGrant.of(resource, verbs, options));
  }

  /**
   * The backends a route to `port` sends traffic to: the workload's Service, or (for a canary or blue/green
   * workload) the Services the delivery controller shifts traffic between, with their starting weights.
   * Route constructs (ProductionGateway, ProductionIngress) call it for every route to a hardened workload.
   *
   * @internal
   */
  public _routeBackends(port: number): RouteBackendRef[] {
    if (this.service === undefined) {
      return [];
    }
    return [{ name: this.service.name, port }];
  }

  /**
   * Tells the workload that a route sends traffic to it, so that a delivery controller that shifts traffic by
   * route weights (Argo Rollouts' Gateway API plugin) can name the route. Route constructs call it once per route
   * object that references the workload's backends.
   *
   * @internal
   */
  public _attachRoute(route: AttachedRouteRef): void {
    if (!this._attachedRoutes.some((r) => r.kind === route.kind && r.name === route.name && r.namespace === route.namespace)) {
      this._attachedRoutes.push(route);
    }
  }

  /**
   * Reports, with this workload's path, what the peer's factory found wrong in its arguments (`NetworkPeer.cidr`
   * with a bad CIDR, ...) and options of the wrong type.
   */
  private checkArguments(method: string, peer: INetworkPeer, options: unknown, struct: string): void {
    const errors = new PropErrors(this, this.kind, this.profile);
    if (peer instanceof NetworkPeer) {
      peer._reportProblems(errors, method);
    } else {
      errors.check(typeof peer?.toNetworkPolicyPeer !== 'function', method, peer, 'is not a network peer',
        'pass a hardened workload (ProductionApp, ...) or a NetworkPeer (NetworkPeer.cidr, .namespace, .pods)');
    }
    checkPropTypes(errors, options, struct, `${method}.`);
    errors.throwIfAny();
  }

  /**
   * Creates the workload's NetworkPolicy (construct ID `NetworkPolicy`): default deny, DNS egress, and API server
   * egress when a token is mounted.
   *
   * @internal
   */
  protected _createNetworkPolicy(metadata: ObjectMetadata, selector: PodSelector, access: ResolvedAccess): k8s.KubeNetworkPolicy {
    this.network = new WorkloadNetworkPolicy(this, this.kind, metadata, selector, access);
    this.objectMeta = metadata;
    // The Role and its binding come after the NetworkPolicy, so that adding API access never reorders other objects.
    this.grants.push(...access.apiGrants);
    if (this.grants.length > 0) {
      this.createRole();
    }
    return this.network.policy;
  }

  /** Adds one grant after construction, once the pod (and its token) exists. */
  private addGrant(method: string, grant: ApiGrant): void {
    const errors = new PropErrors(this, this.kind, this.profile);
    const valid = resolveApiGrants(errors, [grant], method, this.namespaceName);
    errors.check(!this.serviceAccountToken, method, grant.toString(),
      'needs the service account token, which the pod does not mount (the token is part of the pod, decided when it is created)',
      'declare the grant in the \'apiAccess\' prop instead, which turns the token and the API-server egress on with the pod');
    errors.throwIfAny();
    this.grants.push(...valid);
    this.createRole();
  }

  /** The Role and RoleBinding of the grants, created once; their rules are rendered at synthesis from every grant. */
  private createRole(): void {
    if (this.role !== undefined || this.objectMeta === undefined) {
      return;
    }
    const metadata = this.objectMeta;
    this.role = new k8s.KubeRole(this, 'ApiRole', {
      metadata,
      rules: Lazy.any({ produce: () => renderRules(this.grants.map((g) => ({
        apiGroup: g.resource.apiGroup, resource: g.resource.resource, verbs: g.verbs, resourceNames: g.resourceNames,
      }))) }),
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'ApiRoleBinding', {
      metadata,
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: this.role.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespaceName }],
    });
  }

  /**
   * Records the resolved pod the workload kind runs: its name, namespace, ports, image, labels, token and priority
   * are read from it. Call it once, right after resolution.
   *
   * @internal
   */
  protected _usePod(pod: ResolvedPod): void {
    this.resolvedPod = pod;
  }

  private podOf(): ResolvedPod {
    if (this.resolvedPod === undefined) {
      throw new Error(`${this.kind} '${this.node.path}': the pod is read before it is resolved (a bug in the workload kind)`);
    }
    return this.resolvedPod;
  }

  private networkOf(): WorkloadNetworkPolicy {
    if (this.network === undefined) {
      throw new Error(`${this.kind} '${this.node.path}': the NetworkPolicy is used before it is created (a bug in the workload kind)`);
    }
    return this.network;
  }
}
