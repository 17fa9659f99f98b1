import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import type { ResolvedAccess } from './_resolve';
import type { ObjectMetadata } from './_metadata';
import type { PodSelector } from './_render';
import type { AppAllowOptions, IHardenedWorkload } from './hardened-workload';
import { INetworkPeer, NetworkPeer } from './network-peer';
import { ADMITTED_NAMESPACES_CONTEXT_KEY } from '../internal/scope';
import { CLUSTER_DNS } from '../defaults';
import { NAMESPACE_NAME_LABEL } from '../internal/names';
import { PropErrors, propsError } from '../internal/errors';

/** Marks an object as a hardened workload, so pairing can recognise one without knowing its class. */
const HARDENED_WORKLOAD = Symbol.for('@platform/cdk8s-production.HardenedWorkload');

/**
 * Whether `x` is a hardened workload of this library.
 *
 * @internal
 */
export function _isHardenedWorkload(x: unknown): x is IHardenedWorkload {
  return typeof x === 'object' && x !== null && (x as any)[HARDENED_WORKLOAD] === true;
}

/**
 * The NetworkPolicy of one hardened workload: default deny with DNS egress, the allows added to it, and the
 * pairing between workloads (an allow on one side adds the matching rule on the other).
 *
 * @internal
 */
export class WorkloadNetworkPolicy {
  /** The NetworkPolicy object. */
  public readonly policy: k8s.KubeNetworkPolicy;
  private readonly ingressRules: k8s.NetworkPolicyIngressRule[] = [];
  private readonly egressRules: k8s.NetworkPolicyEgressRule[] = [];
  private readonly ruleKeys = new Set<string>();

  /**
   * @param owner the workload; the policy is created as its child `NetworkPolicy`
   * @param kind the construct kind, for messages
   */
  public constructor(private readonly owner: IHardenedWorkload, private readonly kind: string, metadata: ObjectMetadata,
    selector: PodSelector, access: ResolvedAccess) {
    (owner as any)[HARDENED_WORKLOAD] = true;
    this.policy = new k8s.KubeNetworkPolicy(owner, 'NetworkPolicy', {
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
    if (access.serviceAccountToken && access.apiServer !== undefined) {
      for (const cidr of access.apiServer.cidrs) {
        this.addEgress(NetworkPeer.cidr(cidr), [access.apiServer.port], [kplus.Protocol.TCP]);
      }
    }
  }

  /** See `IHardenedWorkload.allowFrom`. */
  public allowFrom(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    if (this.owner.ports.length === 0) {
      throw propsError(`${this.kind} '${this.owner.node.path}': 'allowFrom' (${peer.peerDescription}) cannot admit traffic: the workload serves no port, so nothing may reach it. Fix: remove the allow; for traffic the workload starts, use 'connectsTo' on it`);
    }
    const ports = options.ports ?? [this.owner.ports[0].port];
    this.checkOwnPorts('allowFrom', ports);
    const protocol = options.protocol ?? kplus.Protocol.TCP;
    this.addIngress(peer, ports, [protocol]);
    if (_isHardenedWorkload(peer)) {
      peer.addEgressRule(this.owner, { ports, protocols: [protocol] });
    }
  }

  /** See `IHardenedWorkload.connectsTo`. */
  public connectsTo(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    if (_isHardenedWorkload(peer)) {
      peer.allowFrom(this.owner, options);
      return;
    }
    const path = this.owner.node.path;
    if (!options.ports || options.ports.length === 0) {
      throw propsError(`${this.kind} '${path}': 'connectsTo' (${peer.peerDescription}) needs 'ports'. Fix: list the destination ports, e.g. { ports: [5432] }`);
    }
    const bad = options.ports.filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (bad.length > 0) {
      throw propsError(`${this.kind} '${path}': 'connectsTo' ports (${bad.join(', ')}) are not port numbers. Fix: use integers from 1 to 65535`);
    }
    this.addEgress(peer, options.ports, [options.protocol ?? kplus.Protocol.TCP]);
  }

  /** Adds an ingress rule, once; refuses a namespace the enclosing ProductionNamespace does not admit. */
  public addIngress(peer: INetworkPeer, ports: number[], protocols: kplus.Protocol[]): void {
    const rendered = peer.toNetworkPolicyPeer(this.owner.namespaceName);
    this.checkAdmitted(peer, rendered);
    const key = `in:${JSON.stringify(rendered)}:${ports.join(',')}:${protocols.join(',')}`;
    if (this.ruleKeys.has(key)) return;
    this.ruleKeys.add(key);
    this.ingressRules.push({ from: [rendered], ports: portList(ports, protocols) });
  }

  /** Adds an egress rule, once. */
  public addEgress(peer: INetworkPeer, ports: number[], protocols: kplus.Protocol[]): void {
    const rendered = peer.toNetworkPolicyPeer(this.owner.namespaceName);
    const key = `out:${JSON.stringify(rendered)}:${ports.join(',')}:${protocols.join(',')}`;
    if (this.ruleKeys.has(key)) return;
    this.ruleKeys.add(key);
    this.egressRules.push({ to: [rendered], ports: portList(ports, protocols) });
  }

  private checkOwnPorts(method: string, ports: number[]): void {
    const own = this.owner.ports;
    const unknown = ports.filter((p) => !own.some((q) => q.port === p));
    if (unknown.length > 0) {
      throw propsError(`${this.kind} '${this.owner.node.path}': '${method}' ports (${unknown.join(', ')}) are not ports of the app. Fix: use one of ${own.map((p) => p.port).join(', ')}`);
    }
  }

  /** Refuses an allow from another namespace when the enclosing ProductionNamespace does not admit it. */
  private checkAdmitted(peer: INetworkPeer, rendered: k8s.NetworkPolicyPeer): void {
    const guard = this.owner.node.tryGetContext(ADMITTED_NAMESPACES_CONTEXT_KEY) as { namespace: string; admitted: string[] } | undefined;
    if (guard === undefined || rendered.namespaceSelector === undefined) {
      return;
    }
    const from = rendered.namespaceSelector.matchLabels?.[NAMESPACE_NAME_LABEL];
    if (from !== undefined && (from === guard.namespace || guard.admitted.includes(from))) {
      return;
    }
    const errors = new PropErrors(this.owner, this.kind, this.owner.profile);
    errors.add('allowFrom', peer.peerDescription,
      `comes from ${from === undefined ? 'any namespace' : `namespace "${from}"`}, which the ProductionNamespace "${guard.namespace}" does not admit ('allowedIngressNamespaces': ${JSON.stringify(guard.admitted)})`,
      `add ${from === undefined ? 'the namespace' : `"${from}"`} to 'allowedIngressNamespaces' of the ProductionNamespace, or remove the allow`);
    errors.throwIfAny();
  }

  private renderIngress(selector: PodSelector): k8s.NetworkPolicyIngressRule[] {
    if (this.ingressRules.length > 0) {
      return [...this.ingressRules];
    }
    // Nobody is allowed in yet. An empty list would satisfy Kubernetes but Polaris (missingNetworkPolicy)
    // wants a non-empty rule list; allowing the workload's own replicas on its port opens nothing else. A
    // workload that serves no port listens on nothing, so the same rule without ports admits nothing either.
    const own = { podSelector: { matchLabels: { ...selector.matchLabels } } };
    const main = this.owner.ports[0];
    return [main === undefined ? { from: [own] } : { from: [own], ports: portList([main.port], [kplus.Protocol.TCP]) }];
  }
}

function portList(ports: number[], protocols: kplus.Protocol[]): k8s.NetworkPolicyPort[] {
  return protocols.flatMap((protocol) => ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol })));
}

/**
 * The NetworkPolicy peer that selects a workload's pods, as seen from a workload in `fromNamespace`: a pod selector,
 * and a namespace selector when the two namespaces differ.
 *
 * @internal
 */
export function workloadPeer(namespace: string | undefined, podSelector: Record<string, string>,
  fromNamespace: string | undefined): k8s.NetworkPolicyPeer {
  const sameNamespace = namespace === undefined || namespace === (fromNamespace ?? '');
  return {
    podSelector: { matchLabels: { ...podSelector } },
    namespaceSelector: sameNamespace ? undefined : { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
  };
}
