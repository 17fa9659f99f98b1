import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CiliumClusterwideNetworkPolicy,
  CiliumClusterwideNetworkPolicySpecEgressToPortsPortsProtocol,
  CiliumClusterwideNetworkPolicySpecEndpointSelectorMatchExpressionsOperator,
} from '../../imports/ciliumclusterwidenetworkpolicy-cilium.io';
import {
  GlobalNetworkPolicy,
  GlobalNetworkPolicySpecEgress,
  GlobalNetworkPolicySpecEgressAction,
  GlobalNetworkPolicySpecEgressDestinationPorts,
  GlobalNetworkPolicySpecEgressProtocol,
  GlobalNetworkPolicySpecTypes,
} from '../../imports/calicoglobalnetworkpolicy-projectcalico.org';
import { CLUSTER_DNS } from '../defaults';
import { ObjectMetadata, clusterScoped, objectMetadata } from '../workload/_metadata';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { isDns1123Label, isDns1123Subdomain, isLabelValue } from '../internal/names';
import { NAMESPACE_CONTEXT_KEY, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { CLUSTER_DEFAULT_DENY, CLUSTER_DEFAULT_DENY_EXCLUDED_NAMESPACES } from './defaults';

/**
 * The container network interface (CNI) a cluster runs, which decides the kind of the cluster-wide policy.
 *
 * @see https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/
 */
export class Cni {
  /**
   * Cilium: the policy is one `CiliumClusterwideNetworkPolicy` (cilium.io/v2, Cilium 1.15 or later). Cilium runs in
   * `kube-system`.
   *
   * @see https://docs.cilium.io/en/v1.16/security/policy/language/
   */
  public static readonly CILIUM = new Cni('cilium', ['kube-system']);

  /**
   * Calico: the policy is one `GlobalNetworkPolicy` (projectcalico.org/v3). Calico installed by the Tigera operator
   * runs in `calico-system` and its API server in `calico-apiserver`.
   *
   * @see https://docs.tigera.io/calico/latest/network-policy/get-started/kubernetes-default-deny
   */
  public static readonly CALICO = new Cni('calico', ['calico-system', 'calico-apiserver']);

  private constructor(
    /** The CNI's name: `cilium` or `calico`. */
    public readonly name: string,
    /** The namespaces the CNI's own pods run in, exempt from the default deny by default. */
    public readonly namespaces: string[],
  ) {
    Object.freeze(this.namespaces);
  }

  public toString(): string {
    return this.name;
  }
}

/**
 * Props of a `ClusterDefaultDeny`.
 */
export interface ClusterDefaultDenyProps {
  /**
   * The CNI the cluster runs. It decides the kind of the policy: a `CiliumClusterwideNetworkPolicy` or a Calico
   * `GlobalNetworkPolicy`.
   *
   * @see https://docs.cilium.io/en/v1.16/network/kubernetes/policy/#ciliumclusterwidenetworkpolicy
   * @see https://docs.tigera.io/calico/latest/reference/resources/globalnetworkpolicy
   */
  readonly cni: Cni;

  /**
   * The object's name (a DNS-1123 label: no dots, which Calico would read as a tier prefix).
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;

  /**
   * The namespaces the default deny leaves alone: the control plane, the cluster DNS and the CNI run there. The list
   * replaces the default; it must contain `dnsNamespace` (otherwise the cluster DNS would be denied and no pod could
   * resolve a name), so an empty list is an error in every profile. Each namespace appears once.
   *
   * @default - `kube-system`, the CNI's namespaces (`Cni.namespaces`) and `dnsNamespace`: `['kube-system']` for
   *   Cilium, `['kube-system', 'calico-system', 'calico-apiserver']` for Calico
   */
  readonly exemptNamespaces?: string[];

  /**
   * The namespace of the cluster DNS that every pod may query.
   *
   * @default 'kube-system'
   * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
   */
  readonly dnsNamespace?: string;

  /**
   * The labels of the cluster DNS pods (CoreDNS keeps the kube-dns label).
   *
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: { [key: string]: string };

  /**
   * Cilium only: send DNS through Cilium's DNS proxy (an L7 `rules.dns` rule matching every name), so that Hubble
   * shows each query and `toFQDNs` rules can be used. Needs the L7 proxy (Helm `l7Proxy`, on by default). Setting it
   * with `Cni.CALICO` is an error.
   *
   * @default true with Cilium
   * @see https://docs.cilium.io/en/v1.16/security/policy/language/#dns-based
   */
  readonly dnsVisibility?: boolean;
}

/**
 * A cluster-wide default deny: every pod outside the exempt system namespaces may receive nothing and send nothing
 * but DNS queries to the cluster DNS (UDP and TCP 53), until a policy allows more.
 *
 * It is written for the CNI the cluster runs: one `CiliumClusterwideNetworkPolicy` for `Cni.CILIUM`, one Calico
 * `GlobalNetworkPolicy` for `Cni.CALICO`. Only pods are selected (endpoints that carry a namespace), never nodes or
 * the CNI's own identities, such as Cilium's health and ingress endpoints. It adds to the namespace policies of
 * `ProductionNamespace` and the derived allows of `ProductionApp` and `ProductionIngress`, which stay plain
 * NetworkPolicies: on both CNIs an allow in any policy lets the traffic through.
 *
 * The object is cluster-scoped: create it once per cluster, in a chart without a namespace.
 *
 * @example
 * new ClusterDefaultDeny(platform, 'DefaultDeny', { cni: Cni.CILIUM });
 *
 * @see https://docs.cilium.io/en/v1.16/security/policy/intro/
 * @see https://docs.tigera.io/calico/latest/network-policy/get-started/kubernetes-default-deny
 */
export class ClusterDefaultDeny extends Construct {
  /** The CNI the policy is written for. */
  public readonly cni: Cni;
  /** The object's name. */
  public readonly name: string;
  /** The namespaces the default deny leaves alone. */
  public readonly exemptNamespaces: string[];
  /** The namespace of the cluster DNS. */
  public readonly dnsNamespace: string;
  /** The labels of the cluster DNS pods. */
  public readonly dnsPodLabels: { [key: string]: string };
  /** True when DNS goes through Cilium's DNS proxy (always false with Calico). */
  public readonly dnsVisibility: boolean;

  /** The policy object (child `Resource`), whatever its kind. Use it for `ApiObject.of(x).addJsonPatch(...)`. */
  public readonly resource: ApiObject;
  /** The CiliumClusterwideNetworkPolicy, with `Cni.CILIUM`. */
  public readonly ciliumPolicy?: ApiObject;
  /** The Calico GlobalNetworkPolicy, with `Cni.CALICO`. */
  public readonly calicoPolicy?: ApiObject;

  public constructor(scope: Construct, id: string, props: ClusterDefaultDenyProps) {
    super(scope, _uniqueId(scope, id, 'ClusterDefaultDeny'));
    _registerAppChecks(this);
    const errors = new PropErrors(this, 'ClusterDefaultDeny');
    assertPropTypes(errors, props, 'ClusterDefaultDenyProps');

    this.cni = props.cni;
    this.name = props.name ?? Names.toDnsLabel(this);
    errors.checkName(props.name, this.name, isDns1123Label(this.name), 'a DNS-1123 label', 'use lowercase letters, digits and \'-\', at most 63 characters');
    const outer = this.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
    errors.check(outer !== undefined, 'scope', outer, 'is a ProductionNamespace; the cluster-wide policy has no namespace',
      'create the ClusterDefaultDeny directly in a chart');

    // ---- DNS ----
    this.dnsNamespace = props.dnsNamespace ?? CLUSTER_DNS.namespace;
    this.dnsPodLabels = props.dnsPodLabels ?? { ...CLUSTER_DNS.podLabels };
    errors.check(!isDns1123Label(this.dnsNamespace), 'dnsNamespace', this.dnsNamespace, 'is not a namespace name',
      'use a DNS-1123 label such as \'kube-system\'');
    errors.check(Object.keys(this.dnsPodLabels).length === 0, 'dnsPodLabels', this.dnsPodLabels,
      'is empty, which would allow port 53 to every pod of the DNS namespace', 'give the labels of the DNS pods, e.g. { \'k8s-app\': \'kube-dns\' }');
    for (const [key, value] of Object.entries(this.dnsPodLabels)) {
      errors.check(!isLabelKey(key), `dnsPodLabels[${JSON.stringify(key)}]`, key, 'is not a label key',
        'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
      errors.check(!isLabelValue(value), `dnsPodLabels[${JSON.stringify(key)}]`, value, 'is not a label value',
        'use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
    }

    const dnsVisibilityAllowed = this.cni === Cni.CILIUM;
    errors.check(!dnsVisibilityAllowed && props.dnsVisibility !== undefined, 'dnsVisibility', props.dnsVisibility,
      `is a Cilium option, but 'cni' is ${this.cni.name}`, 'remove \'dnsVisibility\', or use Cni.CILIUM');
    this.dnsVisibility = dnsVisibilityAllowed && (props.dnsVisibility ?? true);

    // ---- exempt namespaces ----
    const defaultExempt = unique([...CLUSTER_DEFAULT_DENY_EXCLUDED_NAMESPACES, ...this.cni.namespaces, this.dnsNamespace]);
    this.exemptNamespaces = props.exemptNamespaces ? [...props.exemptNamespaces] : defaultExempt;
    const seen = new Set<string>();
    this.exemptNamespaces.forEach((ns, i) => {
      errors.check(!isDns1123Label(ns), `exemptNamespaces[${i}]`, ns, 'is not a namespace name', 'use a DNS-1123 label such as \'kube-system\'');
      errors.check(seen.has(ns), `exemptNamespaces[${i}]`, ns, 'is listed twice', 'remove the duplicate');
      seen.add(ns);
    });
    errors.check(!seen.has(this.dnsNamespace), 'exemptNamespaces', this.exemptNamespaces,
      `does not contain the DNS namespace "${this.dnsNamespace}", so the cluster DNS itself would be denied and no pod could resolve a name`,
      `add "${this.dnsNamespace}", or leave 'exemptNamespaces' unset for the default ${JSON.stringify(defaultExempt)}`);

    errors.throwIfAny();

    // ================= objects =================
    const metadata = objectMetadata(Profile.of(this), this.name, undefined);
    const description = `Default deny for every pod outside ${this.exemptNamespaces.join(', ')}; `
      + `DNS to ${this.dnsNamespace}/${renderLabels(this.dnsPodLabels)} on port ${CLUSTER_DNS.port} allowed`;

    if (this.cni === Cni.CILIUM) {
      this.ciliumPolicy = this.ciliumObject(metadata, description);
      this.resource = this.ciliumPolicy;
    } else {
      this.calicoPolicy = this.calicoObject(metadata);
      this.resource = this.calicoPolicy;
    }

    clusterScoped(this.resource);
  }

  private ciliumObject(metadata: ObjectMetadata, description: string): CiliumClusterwideNetworkPolicy {
    const d = CLUSTER_DEFAULT_DENY;
    const operator = CiliumClusterwideNetworkPolicySpecEndpointSelectorMatchExpressionsOperator;
    const dnsLabels: Record<string, string> = { [d.ciliumNamespaceLabel]: this.dnsNamespace };
    for (const [key, value] of Object.entries(this.dnsPodLabels)) {
      dnsLabels[`${d.ciliumLabelSource}${key}`] = value;
    }
    return new CiliumClusterwideNetworkPolicy(this, 'Resource', {
      metadata,
      spec: {
        description,
        endpointSelector: {
          matchExpressions: [
            // NotIn also matches endpoints without the label (Cilium's health, ingress and host identities); Exists
            // keeps the selection to pods.
            { key: d.ciliumNamespaceLabel, operator: operator.EXISTS },
            { key: d.ciliumNamespaceLabel, operator: operator.NOT_IN, values: [...this.exemptNamespaces] },
          ],
        },
        // Explicit rather than implied by rule sections: ingress has no allow rule at all, and an empty rule `{}`
        // reads as "allow all" to anyone who knows Kubernetes NetworkPolicy.
        enableDefaultDeny: { ingress: true, egress: true },
        egress: [{
          toEndpoints: [{ matchLabels: dnsLabels }],
          toPorts: [{
            ports: [CiliumClusterwideNetworkPolicySpecEgressToPortsPortsProtocol.UDP, CiliumClusterwideNetworkPolicySpecEgressToPortsPortsProtocol.TCP]
              .map((protocol) => ({ port: String(CLUSTER_DNS.port), protocol })),
            rules: this.dnsVisibility ? { dns: [{ matchPattern: d.ciliumDnsMatchPattern }] } : undefined,
          }],
        }],
      },
    });
  }

  private calicoObject(metadata: ObjectMetadata): GlobalNetworkPolicy {
    const d = CLUSTER_DEFAULT_DENY;
    const exempt = this.exemptNamespaces.map((ns) => `"${ns}"`).join(', ');
    const dnsSelector = Object.entries(this.dnsPodLabels).map(([key, value]) => `${key} == "${value}"`).join(' && ');
    const dnsRule = (protocol: string): GlobalNetworkPolicySpecEgress => ({
      action: GlobalNetworkPolicySpecEgressAction.ALLOW,
      protocol: GlobalNetworkPolicySpecEgressProtocol.fromString(protocol),
      destination: {
        namespaceSelector: `${d.calicoNamespaceLabel} == "${this.dnsNamespace}"`,
        selector: dnsSelector,
        ports: [GlobalNetworkPolicySpecEgressDestinationPorts.fromNumber(CLUSTER_DNS.port)],
      },
    });
    return new GlobalNetworkPolicy(this, 'Resource', {
      metadata,
      spec: {
        order: d.calicoOrder,
        // `not in` also matches endpoints without a namespace (host endpoints); has() keeps the selection to pods.
        namespaceSelector: `has(${d.calicoNamespaceLabel}) && ${d.calicoNamespaceLabel} not in {${exempt}}`,
        types: [GlobalNetworkPolicySpecTypes.INGRESS, GlobalNetworkPolicySpecTypes.EGRESS],
        egress: ['UDP', 'TCP'].map(dnsRule),
      },
    });
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** A qualified label key: `[prefix/]name`, the prefix a DNS subdomain. */
function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (prefix === undefined || (prefix !== '' && isDns1123Subdomain(prefix)))
    && name.length > 0 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

function renderLabels(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
