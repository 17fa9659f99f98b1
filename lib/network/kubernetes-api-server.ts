import { IConstruct } from 'constructs';
import { API_SERVER_CONTEXT_KEY } from '../internal/scope';
import { FactoryProblems, PropErrors, PropProblem } from '../internal/errors';
import { parseCidr } from '../internal/names';
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
    const port = options?.port ?? API_SERVER_PORT;
    const problems = new FactoryProblems();
    const list = Array.isArray(cidrs) ? cidrs : [];
    problems.check(!Array.isArray(cidrs), 'cidrs', cidrs, 'is not an array of CIDRs', 'pass the endpoint addresses, e.g. ["10.0.0.10/32"]');
    problems.check(Array.isArray(cidrs) && cidrs.length === 0, 'cidrs', cidrs, 'is empty', 'give the API server endpoint addresses, e.g. ["10.0.0.10/32"]');
    list.forEach((cidr, i) => {
      const block = typeof cidr === 'string' ? parseCidr(cidr) : undefined;
      problems.check(block === undefined, `cidrs[${i}]`, cidr, 'is not a CIDR', 'write it as address/prefix, e.g. "10.0.0.10/32"');
      problems.check(block !== undefined && block.prefix === 0, `cidrs[${i}]`, cidr, 'opens the API server port to every address',
        'give the API server endpoint addresses');
    });
    problems.check(typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535, 'port', port, 'is not a port number',
      'use an integer from 1 to 65535');
    return new KubernetesApiServer([...list], port, problems.problems);
  }

  /**
   * Makes `server` the API server for every ProductionApp created below `scope` (for layouts without a
   * ProductionNamespace). Call it before adding constructs to `scope`.
   */
  public static use(scope: IConstruct, server: KubernetesApiServer): void {
    const errors = new PropErrors(scope, 'KubernetesApiServer.use');
    server._reportProblems(errors, 'server');
    errors.throwIfAny();
    scope.node.setContext(API_SERVER_CONTEXT_KEY, server._toContext());
  }

  private constructor(
    /** The CIDRs of the API server endpoints. */
    public readonly cidrs: string[],
    /** The port of the API server endpoints. */
    public readonly port: number,
    private readonly problems: PropProblem[],
  ) {}

  /**
   * Records what `endpoints` found wrong in its arguments, under `prefix`, in the errors of the construct that uses
   * the server.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(`${prefix}(KubernetesApiServer.endpoints)`, this.problems);
  }

  /**
   * The context value that ProductionApp reads.
   *
   * @internal
   */
  public _toContext(): { cidrs: string[]; port: number } {
    return { cidrs: [...this.cidrs], port: this.port };
  }
}
