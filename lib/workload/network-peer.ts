import { k8s } from 'cdk8s-plus-28';
import { CLUSTER_DNS } from '../defaults';
import { FactoryProblems, PropErrors, PropProblem } from '../internal/errors';
import { NAMESPACE_NAME_LABEL, isDns1123Label, isLabelValue, isQualifiedName, isStrictSubset, parseCidr } from '../internal/names';

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
  readonly exceptCidrs?: string[];

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
  public static inNamespace(name: string, podLabels?: { [key: string]: string }): NetworkPeer {
    const problems = new FactoryProblems();
    problems.check(typeof name !== 'string' || !isDns1123Label(name), 'name', name, 'is not a namespace name',
      'use a DNS-1123 label: lowercase letters, digits and \'-\', at most 63 characters');
    checkSelectorLabels(problems, podLabels);
    return new NetworkPeer(`namespace ${name}${podLabels ? ` pods ${JSON.stringify(podLabels)}` : ''}`, () => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
      podSelector: podLabels ? { matchLabels: { ...podLabels } } : undefined,
    }), 'NetworkPeer.inNamespace', problems.problems);
  }

  /**
   * Pods with these labels, in the namespace of the app that holds the rule.
   */
  public static pods(podLabels: { [key: string]: string }): NetworkPeer {
    const problems = new FactoryProblems();
    checkSelectorLabels(problems, podLabels);
    problems.check(isPlainObject(podLabels) && Object.keys(podLabels).length === 0, 'podLabels', podLabels,
      'is empty, which selects every pod of the namespace', 'give the labels of the pods, or use NetworkPeer.namespace');
    return new NetworkPeer(`pods ${JSON.stringify(podLabels)}`, () => ({ podSelector: { matchLabels: { ...podLabels } } }),
      'NetworkPeer.pods', problems.problems);
  }

  /**
   * The cluster DNS (CoreDNS / kube-dns in kube-system).
   */
  public static clusterDns(): NetworkPeer {
    return NetworkPeer.inNamespace(CLUSTER_DNS.namespace, CLUSTER_DNS.podLabels);
  }

  /**
   * An IP block, e.g. a database outside the cluster.
   *
   * `0.0.0.0/0` and `::/0` need a `reason`.
   */
  public static cidr(cidr: string, options: NetworkPeerCidrOptions = {}): NetworkPeer {
    const problems = new FactoryProblems();
    const block = typeof cidr === 'string' ? parseCidr(cidr) : undefined;
    problems.check(block === undefined, 'cidr', cidr, 'is not a CIDR', 'write it as address/prefix, e.g. "10.0.0.0/16" or "fd00::/64"');
    const except = Array.isArray(options?.exceptCidrs) ? options.exceptCidrs : [];
    except.forEach((e, i) => {
      const inner = typeof e === 'string' ? parseCidr(e) : undefined;
      problems.check(inner === undefined, `exceptCidrs[${i}]`, e, 'is not a CIDR', 'write it as address/prefix, e.g. "10.0.1.0/24"');
      problems.check(block !== undefined && inner !== undefined && !isStrictSubset(block, inner), `exceptCidrs[${i}]`, e,
        `is not a strict subset of 'cidr' (${cidr}), which the API server requires`, 'give a longer prefix inside the CIDR, or remove it');
    });
    const openWorld = block !== undefined && block.prefix === 0;
    problems.check(openWorld && !(options?.reason ?? '').trim(), 'cidr', cidr, 'opens the rule to every address',
      'name the real destination, or give \'reason\' to allow it explicitly');
    return new NetworkPeer(`cidr ${cidr}`, () => ({ ipBlock: { cidr, except: except.length > 0 ? [...except] : undefined } }),
      'NetworkPeer.cidr', problems.problems);
  }

  private constructor(
    public readonly peerDescription: string,
    private readonly render: () => k8s.NetworkPolicyPeer,
    /** The factory that made the peer, for messages. */
    private readonly factory: string,
    private readonly problems: PropProblem[],
  ) {}

  /**
   * Records the problems the factory found in its arguments, under `prefix` (e.g. `connectsTo`), in the errors of
   * the construct that uses the peer.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(`${prefix}(${this.factory})`, this.problems);
  }

  public toNetworkPolicyPeer(fromNamespace: string | undefined): k8s.NetworkPolicyPeer {
    void fromNamespace; // the same peer from every namespace
    return this.render();
  }
}

/** Label selectors of a peer: valid keys and values. */
function checkSelectorLabels(problems: FactoryProblems, labels: Record<string, string> | undefined): void {
  if (labels === undefined) {
    return;
  }
  if (!isPlainObject(labels)) {
    problems.check(true, 'podLabels', labels, 'is not an object of labels', 'pass labels as { key: \'value\' }');
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    problems.check(!isQualifiedName(key), `podLabels.${key}`, key, 'is not a valid label key',
      'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
    problems.check(typeof value !== 'string' || !isLabelValue(value), `podLabels.${key}`, value, 'is not a valid label value',
      'use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
