import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceMonitor } from '../../imports/servicemonitor-monitoring.coreos.com';
import { KUBE_STATE_METRICS, SCRAPE_INTERVAL } from './defaults';
import { requireApiServer, stackPodProps } from './_pods';
import type { ObservabilityStack } from './observability-stack';
import { ProductionApp } from '../app/production-app';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { AppProbe } from '../workload/app-probe';
import { objectMetadata } from '../workload/_metadata';

/**
 * Props of a `KubeStateMetrics`.
 */
export interface KubeStateMetricsProps {
  /** The stack whose Prometheus scrapes kube-state-metrics, and in whose namespace it runs. */
  readonly stack: ObservabilityStack;
}

/**
 * kube-state-metrics for an `ObservabilityStack`, as a hardened `ProductionApp`: the `kube_*` series every
 * workload alert and dashboard of the library reads (`job="kube-state-metrics"`).
 *
 * One replica (unsharded; recorded as an exemption with its reason), a ClusterRole limited to list and watch of
 * the resources it exports, and a ServiceMonitor for the stack's Prometheus, which alone may reach it.
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * const stack = new ObservabilityStack(platform, 'Observability', {
 *   storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url'), apiServer: KubernetesApiServer.endpoints(['10.0.0.1/32']),
 * });
 * new KubeStateMetrics(platform, 'KubeStateMetrics', { stack });
 */
export class KubeStateMetrics extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The resources exported, as passed to `--resources`. */
  public readonly resources: string[];

  /** The kube-state-metrics app (Deployment, Service, PodDisruptionBudget, NetworkPolicy). */
  public readonly app: ProductionApp;
  /** What kube-state-metrics may read: list and watch of the resources it exports. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** Binds the ClusterRole to its ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  /** Scrapes it, with its own `namespace` and `pod` labels kept. */
  public readonly serviceMonitor: ApiObject;

  public constructor(scope: Construct, id: string, props: KubeStateMetricsProps) {
    super(scope, _uniqueId(scope, id, 'KubeStateMetrics'));
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'KubeStateMetrics', this.profile);
    assertPropTypes(errors, props, 'KubeStateMetricsProps');
    requireApiServer(errors, this, props.stack?.apiServer, 'kube-state-metrics lists and watches the cluster\'s objects through the Kubernetes API');
    errors.throwIfAny();

    const { stack } = props;
    const k = KUBE_STATE_METRICS;
    this.resources = k.resources.flatMap((g) => g.resources).sort();
    this.app = new ProductionApp(this, 'App', {
      ...stackPodProps(stack.namespaceName),
      name: k.name,
      image: k.image,
      port: k.port,
      portName: k.portName,
      additionalPorts: [{ name: k.telemetryPortName, port: k.telemetryPort }],
      readiness: AppProbe.httpGet(k.readinessPath, { port: k.telemetryPortName }),
      liveness: AppProbe.httpGet(k.livenessPath),
      args: [`--port=${k.port}`, `--telemetry-port=${k.telemetryPort}`, `--resources=${this.resources.join(',')}`],
      replicas: 1,
      singleReplicaReason: k.singleReplicaReason,
      serviceAccountToken: true,
    });
    const clusterMeta = { ...objectMetadata(this.profile, `${stack.namespaceName}-${k.name}`, undefined, this.app.labels) };
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: clusterMeta,
      rules: k.resources.map((g) => ({ apiGroups: [g.apiGroup], resources: [...g.resources], verbs: ['list', 'watch'] })),
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: clusterMeta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: this.app.serviceAccount.name, namespace: stack.namespaceName }],
    });
    const metadata = objectMetadata(this.profile, k.name, stack.namespaceName, { ...this.app.labels, ...stack.selectorLabels });
    this.serviceMonitor = new ServiceMonitor(this, 'Monitor', {
      metadata,
      spec: {
        jobLabel: 'app.kubernetes.io/name',
        selector: { matchLabels: { 'app.kubernetes.io/name': k.name, 'app.kubernetes.io/instance': this.app.labels['app.kubernetes.io/instance'] } },
        endpoints: [{ port: k.portName, interval: `${SCRAPE_INTERVAL.toSeconds()}s`, honorLabels: true }],
      },
    });
    this.app.allowFrom(stack.prometheusPeer, { ports: [k.port] });
  }
}
