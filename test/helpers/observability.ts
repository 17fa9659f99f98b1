import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AlertReceiver, KubernetesApiServer, ObservabilityStackProps } from '../../lib';
import { ofKind } from './manifests';

/** The API server the stack's pods call in the tests. */
export const API_SERVER = KubernetesApiServer.endpoints(['10.0.0.1/32']);

/** The props of a stack in `chart`: a StorageClass, a Watchdog receiver and the API server, plus `extra`. */
export function stackProps(chart: Chart, extra: Partial<ObservabilityStackProps> = {}): ObservabilityStackProps {
  const alerting = kplus.Secret.fromSecretName(chart, 'Alerting', 'alerting');
  return { storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url'), apiServer: API_SERVER, ...extra };
}

/** The one object of `kind` named `name`. */
export function named(manifests: any[], kind: string, name: string): any {
  const found = ofKind(manifests, kind).filter((o) => o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}
