import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { SECRET_KEY_PATTERN } from './defaults';
import { PropErrors } from '../internal/errors';
import { KubernetesApiServer } from '../network/kubernetes-api-server';
import { API_SERVER_CONTEXT_KEY } from '../internal/scope';

// What the stack's own pods (Grafana, kube-state-metrics, Loki, Alloy) share.

/**
 * The props every pod of the stack sets: its namespace and the `part-of` label of the stack.
 *
 * @internal
 */
export function stackPodProps(namespaceName: string): { namespaceName: string; partOf: string } {
  return { namespaceName, partOf: 'observability' };
}

/**
 * Checks a Secret key reference: a Secret and a valid key.
 *
 * @internal
 */
export function checkSecretValue(errors: PropErrors, prop: string, value: kplus.SecretValue | undefined): void {
  errors.check(value?.secret?.name === undefined, `${prop}.secret`, value?.secret, 'is not a Secret',
    'pass kplus.Secret.fromSecretName(scope, id, name), or a Secret of the chart');
  errors.check(typeof value?.key !== 'string' || !SECRET_KEY_PATTERN.test(value.key), `${prop}.key`, value?.key, 'is not a Secret key',
    'use letters, digits, \'-\', \'_\' and \'.\'');
}

/**
 * Makes the stack's API server known to `scope` (a construct without children yet) when no enclosing scope set
 * one, then records an error when none is known: a pod that calls the API would be cut off by the default-deny
 * NetworkPolicy.
 *
 * @internal
 */
export function requireApiServer(errors: PropErrors, scope: IConstruct, stackApiServer: KubernetesApiServer | undefined, why: string): void {
  if (scope.node.tryGetContext(API_SERVER_CONTEXT_KEY) === undefined && stackApiServer !== undefined) {
    KubernetesApiServer.use(scope, stackApiServer);
  }
  errors.check(scope.node.tryGetContext(API_SERVER_CONTEXT_KEY) === undefined, 'apiServer', undefined,
    `is not known, but ${why}, and the default-deny NetworkPolicy would block it`,
    'set \'apiServer\' on the ObservabilityStack (KubernetesApiServer.endpoints([...])), or KubernetesApiServer.use(chart, ...)');
}
