import * as kplus from 'cdk8s-plus-28';
import { NAMESPACE_NAME_LABEL, effectivePolicyTypes } from '../internal/names';
import { selectorMatches } from '../rules/context';

/**
 * One end of a connection, for `Reachability.mayReach`: a pod (namespace and labels) or an address outside the cluster.
 */
export interface PolicyEndpoint {
  /**
   * The pod's namespace.
   *
   * @default - not a pod: an address outside the cluster, matched only by `ipBlock` peers
   */
  readonly namespaceName?: string;

  /**
   * The pod's labels.
   *
   * @default {}
   */
  readonly labels?: { [key: string]: string };

  /**
   * The labels of the pod's namespace.
   *
   * @default - the labels of the Namespace object in the manifests, else only `kubernetes.io/metadata.name`
   */
  readonly namespaceLabels?: { [key: string]: string };

  /**
   * The endpoint's IP address (a pod IP, or an outside address).
   *
   * @default - no address; `ipBlock` peers never match the endpoint
   */
  readonly ip?: string;

  /**
   * The pod's named container ports, for policies that name ports.
   *
   * @default {}
   */
  readonly namedPorts?: { [key: string]: number };
}

type Json = { [key: string]: unknown };
interface Selector { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }

/**
 * Whether the NetworkPolicies in `manifests` let `from` open a connection to `to` on `port`.
 *
 * Follows the NetworkPolicy semantics: both the source's egress and the destination's ingress must allow the
 * connection; a pod that no policy of a type selects is open for that type; an empty rule list denies; a rule
 * without peers (or ports) matches every peer (or port); `namespaceSelector` and `podSelector` in one peer must
 * both match; `ipBlock` matches by address (`except` subtracted). Only `networking.k8s.io/v1` NetworkPolicies
 * are evaluated (not Cilium or Calico policies), and traffic is assumed to be allowed by everything else.
 *
 * @param manifests synthesized objects, e.g. `Testing.synth(chart)` or `chart.toJson()`
 * @param protocol the protocol of the connection
 * @default protocol kplus.Protocol.TCP
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
function mayReach(manifests: readonly unknown[], from: PolicyEndpoint, to: PolicyEndpoint, port: number,
  protocol: kplus.Protocol = kplus.Protocol.TCP): boolean {
  const objects = manifests.filter((m): m is Json => m !== null && typeof m === 'object' && !Array.isArray(m));
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1');
  const namespaces = new Map<string, Record<string, string>>();
  for (const ns of objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1')) {
    const meta = (ns.metadata ?? {}) as Json;
    namespaces.set(String(meta.name), { ...((meta.labels ?? {}) as Record<string, string>) });
  }
  const nsLabels = (e: PolicyEndpoint): Record<string, string> | undefined => (e.namespaceName === undefined ? undefined : {
    ...(e.namespaceLabels ?? namespaces.get(e.namespaceName) ?? {}),
    [NAMESPACE_NAME_LABEL]: e.namespaceName,
  });

  const allows = (subject: PolicyEndpoint, peer: PolicyEndpoint, type: 'Ingress' | 'Egress', portPod: PolicyEndpoint): boolean => {
    if (subject.namespaceName === undefined) {
      return true; // outside the cluster: no NetworkPolicy applies
    }
    const selecting = policies.filter((p) => {
      const meta = (p.metadata ?? {}) as Json;
      const spec = (p.spec ?? {}) as Json;
      return (meta.namespace ?? 'default') === subject.namespaceName
        && selectorMatches((spec.podSelector ?? {}) as Selector, subject.labels ?? {})
        && effectivePolicyTypes(spec).includes(type);
    });
    if (selecting.length === 0) {
      return true;
    }
    return selecting.some((p) => {
      const spec = (p.spec ?? {}) as Json;
      const rules = (type === 'Ingress' ? spec.ingress : spec.egress) as Json[] | undefined;
      const policyNamespace = String(((p.metadata ?? {}) as Json).namespace ?? 'default');
      return (rules ?? []).some((rule) => {
        const peers = (type === 'Ingress' ? rule.from : rule.to) as Json[] | undefined;
        const ports = rule.ports as Json[] | undefined;
        const peerOk = peers === undefined || peers.length === 0 || peers.some((q) => peerMatches(q, peer, policyNamespace, nsLabels(peer)));
        const portOk = ports === undefined || ports.length === 0 || ports.some((q) => portMatches(q, port, protocol, portPod));
        return peerOk && portOk;
      });
    });
  };

  return allows(from, to, 'Egress', to) && allows(to, from, 'Ingress', to);
}

function peerMatches(peer: Json, endpoint: PolicyEndpoint, policyNamespace: string, endpointNsLabels: Record<string, string> | undefined): boolean {
  if (peer.ipBlock !== undefined) {
    const block = peer.ipBlock as { cidr: string; except?: string[] };
    return endpoint.ip !== undefined && inCidr(endpoint.ip, block.cidr) && !(block.except ?? []).some((c) => inCidr(endpoint.ip!, c));
  }
  if (endpoint.namespaceName === undefined || endpointNsLabels === undefined) {
    return false; // pod and namespace selectors match pods only
  }
  const nsOk = peer.namespaceSelector !== undefined
    ? selectorMatches(peer.namespaceSelector as Selector, endpointNsLabels)
    : endpoint.namespaceName === policyNamespace;
  const podOk = peer.podSelector === undefined || selectorMatches(peer.podSelector as Selector, endpoint.labels ?? {});
  return nsOk && podOk;
}

function portMatches(rule: Json, port: number, protocol: kplus.Protocol, destination: PolicyEndpoint): boolean {
  if ((rule.protocol ?? 'TCP') !== protocol) {
    return false;
  }
  if (rule.port === undefined) {
    return true;
  }
  const start = typeof rule.port === 'number' ? rule.port : /^\d+$/.test(String(rule.port))
    ? Number(rule.port) : destination.namedPorts?.[String(rule.port)];
  if (start === undefined) {
    return false;
  }
  const end = typeof rule.endPort === 'number' ? rule.endPort : start;
  return port >= start && port <= end;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, prefixText] = cidr.split('/');
  const a = parseIp(ip);
  const b = parseIp(base);
  if (a === undefined || b === undefined || a.bits !== b.bits) {
    return false;
  }
  const prefix = BigInt(Number(prefixText));
  const shift = BigInt(a.bits) - prefix;
  return (a.value >> shift) === (b.value >> shift);
}

function parseIp(ip: string): { value: bigint; bits: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const parts = ip.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { value: parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n), bits: 32 };
  }
  if (!ip.includes(':')) {
    return undefined;
  }
  const [head, tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) {
    return undefined;
  }
  return { value: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

/**
 * What the NetworkPolicies of a set of manifests allow: a model of the NetworkPolicy semantics
 * for tests and tooling.
 *
 * @example
 * const manifests = Testing.synth(chart);
 * const allowed = Reachability.mayReach(manifests,
 *   { namespaceName: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
 *   { namespaceName: 'shop', labels: { 'app.kubernetes.io/name': 'db' } }, 5432);
 */
export class Reachability {
  /**
   * Whether the NetworkPolicies in `manifests` let `source` open a connection to `destination` on `port`.
   *
   * Follows the NetworkPolicy semantics: both the source's egress and the destination's ingress must allow the
   * connection; a pod that no policy of a type selects is open for that type; an empty rule list denies; a rule
   * without peers (or ports) matches every peer (or port); `namespaceSelector` and `podSelector` in one peer must
   * both match; `ipBlock` matches by address (`except` subtracted). Only `networking.k8s.io/v1` NetworkPolicies
   * are evaluated (not Cilium or Calico policies), and traffic is assumed to be allowed by everything else.
   *
   * @param manifests synthesized objects, e.g. `Testing.synth(chart)` or `chart.toJson()`
   * @param source the end that opens the connection
   * @param destination the end that accepts it
   * @param port the destination port
   * @param protocol the protocol of the connection
   * @default protocol kplus.Protocol.TCP
   *
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  public static mayReach(manifests: any[], source: PolicyEndpoint, destination: PolicyEndpoint, port: number,
    protocol?: kplus.Protocol): boolean {
    return mayReach(manifests, source, destination, port, protocol);
  }

  private constructor() {}
}
