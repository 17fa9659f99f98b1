import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ALLOY, LOKI } from './defaults';
import type { Loki } from './loki';
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
 * Props of an `Alloy`.
 */
export interface AlloyProps {
  /** The stack whose namespace Alloy runs in. */
  readonly stack: ObservabilityStack;
  /** The Loki Alloy pushes the logs to. */
  readonly loki: Loki;
}

/**
 * Grafana Alloy as the log collector of an `ObservabilityStack`, as a hardened `ProductionApp`: it discovers the
 * cluster's running pods and tails their logs through the Kubernetes API (`loki.source.kubernetes`), so it needs
 * no host path and runs at Pod Security restricted. Two replicas share the targets by clustering.
 *
 * Each line is labelled `namespace`, `app` (the pod's `app.kubernetes.io/name`), `pod` and `container`: the
 * library's dashboards join logs to metrics on `namespace` and `app`. Its ClusterRole allows get, list and watch
 * of pods and pods/log only. Host-path tailing is not offered.
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * const stack = new ObservabilityStack(platform, 'Observability', {
 *   storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url'), apiServer: KubernetesApiServer.endpoints(['10.0.0.1/32']),
 * });
 * const loki = new Loki(platform, 'Loki', { stack });
 * new Alloy(platform, 'Alloy', { stack, loki });
 */
export class Alloy extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;

  /** The Alloy configuration. */
  public readonly config: kplus.ConfigMap;
  /** The Alloy app (Deployment, Service, PodDisruptionBudget, NetworkPolicy). */
  public readonly app: ProductionApp;
  /** The headless Service the replicas find each other through. */
  public readonly clusterService: kplus.Service;
  /** What Alloy may read: get, list and watch of pods and their logs. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** Binds the ClusterRole to Alloy's ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;

  public constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, _uniqueId(scope, id, 'Alloy'));
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'Alloy', this.profile);
    assertPropTypes(errors, props, 'AlloyProps');
    requireApiServer(errors, this, props.stack?.apiServer, 'Alloy discovers pods and reads their logs through the Kubernetes API');
    errors.throwIfAny();

    const { stack, loki } = props;
    const namespace = stack.namespace;
    const clusterServiceName = `${ALLOY.name}-${ALLOY.clusterServiceSuffix}`;
    const labels = { 'app.kubernetes.io/name': ALLOY.name, 'app.kubernetes.io/instance': ALLOY.name, 'app.kubernetes.io/part-of': 'observability' };
    this.config = new kplus.ConfigMap(this, 'Config', {
      metadata: objectMetadata(this.profile, `${ALLOY.name}-config`, namespace, labels),
      data: { [ALLOY.configFile]: alloyConfig(loki.pushUrl) },
    });
    this.app = new ProductionApp(this, 'App', {
      ...stackPodProps(namespace),
      name: ALLOY.name,
      image: ALLOY.image,
      port: ALLOY.port,
      args: [
        'run', `${ALLOY.configPath}/${ALLOY.configFile}`,
        `--server.http.listen-addr=0.0.0.0:${ALLOY.port}`,
        `--storage.path=${ALLOY.storagePath}`,
        '--cluster.enabled=true',
        `--cluster.join-addresses=${clusterServiceName}.${namespace}.svc:${ALLOY.port}`,
        '--disable-reporting',
      ],
      readiness: AppProbe.httpGet(ALLOY.readinessPath),
      liveness: AppProbe.tcpSocket(),
      replicas: ALLOY.replicas,
      configFiles: [{ configMap: this.config, mountPath: ALLOY.configPath }],
      writablePaths: ['/tmp', ALLOY.storagePath],
      serviceAccountToken: true,
    });
    this.clusterService = new kplus.Service(this, 'ClusterService', {
      metadata: objectMetadata(this.profile, clusterServiceName, namespace, labels),
      clusterIP: 'None',
      // Peers must find each other before they are ready: clustering is how they become ready.
      publishNotReadyAddresses: true,
      ports: [{ name: 'http', port: ALLOY.port, protocol: kplus.Protocol.TCP }],
    });
    for (const [k, v] of Object.entries(this.app.podSelector)) {
      this.clusterService.selectLabel(k, v);
    }
    const clusterMeta = objectMetadata(this.profile, `${namespace}-${ALLOY.name}`, undefined, this.app.labels);
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: clusterMeta,
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: clusterMeta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: this.app.serviceAccount.name, namespace }],
    });
    // Clustering: the replicas talk to each other on the HTTP port; the logs go to Loki.
    this.app.allowFrom(this.app, { ports: [ALLOY.port] });
    this.app.connectsTo(loki.app, { ports: [LOKI.port] });
  }
}

/**
 * The Alloy pipeline: the running pods of the cluster, labelled `namespace`, `app`, `pod` and `container`, tailed
 * through the API (the targets split among the clustered replicas), pushed to Loki.
 */
function alloyConfig(pushUrl: string): string {
  const relabel = Object.entries(ALLOY.labels).map(([target, source]) => [
    '  rule {',
    `    source_labels = [${JSON.stringify(source)}]`,
    `    target_label  = ${JSON.stringify(target)}`,
    '  }',
  ].join('\n'));
  return [
    'discovery.kubernetes "pods" {',
    '  role = "pod"',
    '}',
    '',
    'discovery.relabel "pods" {',
    '  targets = discovery.kubernetes.pods.targets',
    '  rule {',
    '    source_labels = ["__meta_kubernetes_pod_phase"]',
    `    regex         = ${JSON.stringify(ALLOY.droppedPhases)}`,
    '    action        = "drop"',
    '  }',
    ...relabel,
    '}',
    '',
    'loki.source.kubernetes "pods" {',
    '  targets    = discovery.relabel.pods.output',
    '  forward_to = [loki.write.default.receiver]',
    '  clustering {',
    '    enabled = true',
    '  }',
    '}',
    '',
    'loki.write "default" {',
    '  endpoint {',
    `    url = ${JSON.stringify(pushUrl)}`,
    '  }',
    '}',
    '',
  ].join('\n');
}
