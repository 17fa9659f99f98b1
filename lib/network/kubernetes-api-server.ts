import { IConstruct } from 'constructs';
import { API_SERVER_CONTEXT_KEY } from '../workload/network-peer';
import { isCidr } from '../internal/names';
import { API_SERVER_PORT } from './defaults';

/**
 * Options for `KubernetesApiServer.endpoints`.
 */
export interface KubernetesApiServerEndpointsOptions {
  /**
   * The port the API server endpoints listen on (the endpoint port, not the `kubernetes` Service port:
   * NetworkPolicies see traffic after the Service address is translated).
   *
   * @default 443 (managed clusters such as EKS, GKE and AKS); kubeadm clusters use 6443
   */
  readonly port?: number;
}

/**
 * Where the Kubernetes API server is, so that apps which mount a service account token may reach it.
 *
 * The API server endpoints are not pods, so a NetworkPolicy can only allow them by IP block. Give the
 * addresses of `kubectl get endpoints kubernetes -n default` (or the control plane's subnet). Apps get the
 * egress rule only when they set `serviceAccountToken: true`; every other app stays cut off from the API.
 *
 * Set it on a `ProductionNamespace` with its `apiServer` prop, or on any scope with `KubernetesApiServer.use`.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports
 */
export class KubernetesApiServer {
  /**
   * The API server at these CIDRs (one `/32` per endpoint, or a control-plane subnet).
   *
   * @throws if a CIDR is not a CIDR, is `0.0.0.0/0` or `::/0`, or the port is not a port number.
   */
  public static endpoints(cidrs: string[], options: KubernetesApiServerEndpointsOptions = {}): KubernetesApiServer {
    const port = options.port ?? API_SERVER_PORT;
    const problems: string[] = [];
    if (cidrs.length === 0) {
      problems.push('\'cidrs\' ([]) is empty. Fix: give the API server endpoint addresses, e.g. ["10.0.0.10/32"]');
    }
    for (const cidr of cidrs) {
      if (!isCidr(cidr)) {
        problems.push(`'cidrs' ("${cidr}") is not a CIDR. Fix: write it as address/prefix, e.g. "10.0.0.10/32"`);
      } else if (cidr === '0.0.0.0/0' || cidr === '::/0') {
        problems.push(`'cidrs' ("${cidr}") opens the API server port to every address. Fix: give the API server endpoint addresses`);
      }
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`'port' (${port}) is not a port number. Fix: use an integer from 1 to 65535`);
    }
    if (problems.length > 0) {
      throw new Error(`KubernetesApiServer.endpoints has ${problems.length} invalid prop(s):\n  - ${problems.join('\n  - ')}`);
    }
    return new KubernetesApiServer([...cidrs], port);
  }

  /**
   * Makes `server` the API server for every ProductionApp created below `scope` (for layouts without a
   * ProductionNamespace). Call it before adding constructs to `scope`.
   */
  public static use(scope: IConstruct, server: KubernetesApiServer): void {
    scope.node.setContext(API_SERVER_CONTEXT_KEY, server._toContext());
  }

  private constructor(
    /** The CIDRs of the API server endpoints. */
    public readonly cidrs: string[],
    /** The port of the API server endpoints. */
    public readonly port: number,
  ) {}

  /**
   * The context value that ProductionApp reads.
   *
   * @internal
   */
  public _toContext(): { cidrs: string[]; port: number } {
    return { cidrs: [...this.cidrs], port: this.port };
  }
}
