import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propsError } from './errors';

/**
 * The context key a ProductionNamespace sets on itself, so that constructs created inside it land in it.
 *
 * @internal
 */
export const NAMESPACE_CONTEXT_KEY = '@platform/cdk8s-production:namespace';

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
 * The context key an `Environment` sets on itself: the name of the cluster its objects are applied to, so that
 * objects of environments on different clusters are not taken for the same object.
 *
 * @internal
 */
export const CLUSTER_CONTEXT_KEY = '@platform/cdk8s-production:cluster';

/**
 * The namespace in force at `scope`: the nearest ProductionNamespace above it, else the chart's namespace.
 *
 * @internal
 */
export function _namespaceOf(scope: IConstruct): string | undefined {
  const fromContext = scope.node.tryGetContext(NAMESPACE_CONTEXT_KEY);
  if (typeof fromContext === 'string') {
    return fromContext;
  }
  const chart = scope.node.scopes.slice().reverse().find((s) => Chart.isChart(s)) as Chart | undefined;
  return chart?.namespace;
}

/**
 * `id`, after checking that no construct in `scope` already has it: the library's own children (a
 * ProductionNamespace's `Resource`, `DefaultDeny`, `AllowDns`, `Quota`, `Limits`, ...) and the user's constructs
 * alike. cdk8s would throw its own "There is already a Construct" without saying which construct holds the id.
 *
 * @param kind the class name of the construct being created, for the message
 * @internal
 */
export function _uniqueId(scope: IConstruct, id: string, kind: string): string {
  const taken = scope.node.tryFindChild(id);
  if (taken !== undefined) {
    const holder = taken.constructor?.name ?? 'a construct';
    const path = scope.node.path || '<app>';
    throw propsError(`${kind} '${path ? `${path}/` : ''}${id}' has 1 invalid prop:\n  - 'id' ("${id}") is already used in '${path}' by ${holder} '${taken.node.path}'`
      + `${LIBRARY_CHILDREN.has(taken) ? ', which the library created there' : ''}. Fix: give the ${kind} another id`);
  }
  return id;
}

/** The children a construct of the library created inside a scope users add to (a ProductionNamespace's). */
const LIBRARY_CHILDREN = new WeakSet<IConstruct>();

/**
 * Records every current child of `scope` as created by the library, for the message of `_uniqueId`.
 *
 * @internal
 */
export function _markLibraryChildren(scope: IConstruct): void {
  scope.node.children.forEach((c) => LIBRARY_CHILDREN.add(c));
}
