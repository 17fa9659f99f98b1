import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The context key a ProductionNamespace sets on itself, so that constructs created inside it land in it.
 *
 * @internal
 */
export const NAMESPACE_CONTEXT_KEY = '@platform/cdk8s-production:namespace';

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
