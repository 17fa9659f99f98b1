import { k8s } from 'cdk8s-plus-28';
import { CLUSTER_DNS } from '../defaults';
import { NAMESPACE_NAME_LABEL, isCidr, isDns1123Label } from '../internal/names';

/**
 * Context key under which a ProductionNamespace (or `KubernetesApiServer.use`) stores the Kubernetes API server
 * endpoints, `{ cidrs: string[]; port: number }`, that apps mounting a service account token may reach.
 *
 * @internal
 */
export const API_SERVER_CONTEXT_KEY = '@platform/cdk8s-production:api-server';

/**
 * Context key under which a ProductionNamespace with `allowedIngressNamespaces` stores
 * `{ namespace: string; admitted: string[] }`, so that apps inside it refuse allows from other namespaces.
 *
 * @internal
 */
export const ADMITTED_NAMESPACES_CONTEXT_KEY = '@platform/cdk8s-production:admitted-namespaces';

/**
 * Something an app's NetworkPolicy can allow traffic from or to.
 *
 * Implemented by `ProductionApp` (its pods, on its ports) and by `NetworkPeer` (namespaces, pods by
 * label, CIDRs).
 */
export interface INetworkPeer {
  /**
   * The policy peer, as seen from an app in `fromNamespace`.
   *
   * @param fromNamespace the namespace of the app whose policy holds the rule
   */
  toNetworkPolicyPeer(fromNamespace: string | undefined): k8s.NetworkPolicyPeer;

  /**
   * A human-readable description, for error messages and reports.
   */
  readonly peerDescription: string;
}

/**
 * Options for `NetworkPeer.cidr`.
 */
export interface NetworkPeerCidrOptions {
  /**
   * CIDRs inside `cidr` to exclude.
   *
   * @default - none
   */
  readonly except?: string[];

  /**
   * Why a rule this wide is needed. Required for `0.0.0.0/0` and `::/0`, which otherwise fail.
   *
   * @default - none; an open-world CIDR is an error
   */
  readonly reason?: string;
}

/**
 * A network peer that is not a ProductionApp: a namespace, pods by label, or an IP block.
 */
export class NetworkPeer implements INetworkPeer {
  /**
   * Every pod of a namespace, or the pods with `podLabels` in it.
   */
  public static namespace(name: string, podLabels?: Record<string, string>): NetworkPeer {
    if (!isDns1123Label(name)) {
      throw new Error(`NetworkPeer.namespace: '${name}' is not a valid namespace name (a DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)`);
    }
    return new NetworkPeer(`namespace ${name}${podLabels ? ` pods ${JSON.stringify(podLabels)}` : ''}`, () => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
      podSelector: podLabels ? { matchLabels: { ...podLabels } } : undefined,
    }));
  }

  /**
   * Pods with these labels, in the namespace of the app that holds the rule.
   */
  public static pods(podLabels: Record<string, string>): NetworkPeer {
    return new NetworkPeer(`pods ${JSON.stringify(podLabels)}`, () => ({ podSelector: { matchLabels: { ...podLabels } } }));
  }

  /**
   * The cluster DNS (CoreDNS / kube-dns in kube-system).
   */
  public static clusterDns(): NetworkPeer {
    return NetworkPeer.namespace(CLUSTER_DNS.namespace, CLUSTER_DNS.podLabels);
  }

  /**
   * An IP block, e.g. a database outside the cluster.
   *
   * `0.0.0.0/0` and `::/0` need a `reason`.
   */
  public static cidr(cidr: string, options: NetworkPeerCidrOptions = {}): NetworkPeer {
    const problems: string[] = [];
    if (!isCidr(cidr)) {
      problems.push(`'cidr' ("${cidr}") is not a CIDR. Fix: write it as address/prefix, e.g. "10.0.0.0/16"`);
    }
    for (const e of options.except ?? []) {
      if (!isCidr(e)) {
        problems.push(`'except' ("${e}") is not a CIDR. Fix: write it as address/prefix, e.g. "10.0.1.0/24"`);
      }
    }
    if ((cidr === '0.0.0.0/0' || cidr === '::/0') && !(options.reason ?? '').trim()) {
      problems.push(`'cidr' ("${cidr}") opens the rule to every address. Fix: name the real destination, or give 'reason' to allow it explicitly`);
    }
    if (problems.length > 0) {
      throw new Error(`NetworkPeer.cidr has ${problems.length} invalid prop(s):\n  - ${problems.join('\n  - ')}`);
    }
    return new NetworkPeer(`cidr ${cidr}`, () => ({ ipBlock: { cidr, except: options.except ? [...options.except] : undefined } }));
  }

  private constructor(
    public readonly peerDescription: string,
    private readonly render: () => k8s.NetworkPolicyPeer,
  ) {}

  public toNetworkPolicyPeer(_fromNamespace: string | undefined): k8s.NetworkPolicyPeer {
    return this.render();
  }
}
