import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ALLOY, LOKI } from './defaults';
import type { Loki } from './loki';
import { requireApiServer, stackPodProps } from './_pods';
import type { ObservabilityStack } from './observability-stack';
import { ProductionApp } from '../app/production-app';
import { CLUSTER_DNS, PRIORITY_CLASS_NAME, SERVICE_ACCOUNT_TOKEN_REASON } from '../defaults';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId, API_SERVER_CONTEXT_KEY } from '../internal/scope';
import { PodSecurityLevel, ProductionNamespace } from '../network/production-namespace';
import { NetworkPeer } from '../workload/network-peer';
import { Profile } from '../profile';
import { AppProbe } from '../workload/app-probe';
import { clusterScoped, exemptionAnnotations, objectMetadata } from '../workload/_metadata';

/** The labels of Alloy's own objects. */
const ALLOY_LABELS = { 'app.kubernetes.io/name': ALLOY.name, 'app.kubernetes.io/instance': ALLOY.name, 'app.kubernetes.io/part-of': 'observability' };

/**
 * Host-path tailing: Alloy reads the pod log files of each node instead of streaming them through the API.
 */
export interface HostPathTailingOptions {
  /**
   * Why the cluster needs host-path tailing (for example: the API server cannot carry the log volume). Recorded as
   * the collector namespace's `podSecurityReason` and on the DaemonSet as the reason of each exemption; required.
   */
  readonly reason: string;
}

/**
 * Props of an `Alloy`.
 */
export interface AlloyProps {
  /** The stack whose namespace Alloy runs in. */
  readonly stack: ObservabilityStack;
  /** The Loki Alloy pushes the logs to. */
  readonly loki: Loki;
  /**
   * Opt in to host-path tailing: Alloy runs as a DaemonSet in a namespace of its own,
   * `<stack namespace>-logs`, enforced at Pod Security `privileged` (hostPath volumes are forbidden from
   * `baseline` up), and tails `/var/log/pods` of its node, mounted read-only, as root without capabilities (the
   * kubelet writes the files root-owned and 0640). The exemptions this takes (`host-path-volumes`,
   * `run-as-non-root`, `high-user-group-id`, `service-account-token`) are recorded with the reason.
   *
   * @default - the logs are read through the Kubernetes API, at Pod Security restricted, in the stack's namespace
   */
  readonly hostPathTailing?: HostPathTailingOptions;
}

/**
 * Grafana Alloy as the log collector of an `ObservabilityStack`, as a hardened `ProductionApp`: it discovers the
 * cluster's running pods and tails their logs through the Kubernetes API (`loki.source.kubernetes`), so it needs
 * no host path and runs at Pod Security restricted. Two replicas share the targets by clustering.
 *
 * Each line is labelled `namespace`, `app` (the pod's `app.kubernetes.io/name`), `pod` and `container`: the
 * library's dashboards join logs to metrics on `namespace` and `app`. Its ClusterRole allows get, list and watch
 * of pods and pods/log only.
 *
 * With `hostPathTailing`, Alloy is a DaemonSet instead, in a namespace of its own at Pod Security privileged,
 * tailing each node's `/var/log/pods` (read-only) with `local.file_match` and `loki.source.file`; it still
 * discovers the pods of its node through the API for their labels. Every exemption carries the given reason.
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
  /** The Alloy app (Deployment, Service, PodDisruptionBudget, NetworkPolicy); not with `hostPathTailing`. */
  public readonly app?: ProductionApp;
  /** The headless Service the replicas find each other through; not with `hostPathTailing`. */
  public readonly clusterService?: kplus.Service;
  /** The Alloy DaemonSet, with `hostPathTailing`. */
  public readonly daemonSet?: kplus.DaemonSet;
  /** The collector's own namespace (Pod Security privileged, with the reason), with `hostPathTailing`. */
  public readonly collectorNamespace?: ProductionNamespace;
  /** The NetworkPolicy of the DaemonSet (no ingress; egress to Loki, the API server and DNS), with `hostPathTailing`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** What Alloy may read: get, list and watch of pods and their logs (pods only with `hostPathTailing`). */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** Binds the ClusterRole to Alloy's ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;

  public constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, _uniqueId(scope, id, 'Alloy'));
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'Alloy', this.profile);
    assertPropTypes(errors, props, 'AlloyProps');
    requireApiServer(errors, this, props.stack?.apiServer, 'Alloy discovers pods and reads their logs through the Kubernetes API');
    const hostPath = props.hostPathTailing;
    if (hostPath !== undefined) {
      errors.check(typeof hostPath.reason !== 'string' || hostPath.reason.trim() === '', 'hostPathTailing.reason', hostPath.reason,
        'is empty; host-path tailing runs the collector at Pod Security privileged, which needs a written reason',
        'say why the logs cannot be read through the Kubernetes API, e.g. { reason: \'the API server cannot carry the log volume\' }');
    }
    errors.throwIfAny();

    const { stack, loki } = props;
    if (hostPath !== undefined) {
      const tailing = hostPathCollector(this, this.profile, stack, loki, hostPath.reason.trim());
      this.config = tailing.config;
      this.daemonSet = tailing.daemonSet;
      this.collectorNamespace = tailing.namespace;
      this.networkPolicy = tailing.networkPolicy;
      this.clusterRole = tailing.clusterRole;
      this.clusterRoleBinding = tailing.clusterRoleBinding;
      return;
    }
    const namespace = stack.namespaceName;
    const clusterServiceName = `${ALLOY.name}-${ALLOY.clusterServiceSuffix}`;
    const labels = ALLOY_LABELS;
    this.config = new kplus.ConfigMap(this, 'Config', {
      metadata: objectMetadata(this.profile, `${ALLOY.name}-config`, namespace, labels),
      data: { [ALLOY.configFile]: alloyConfig(loki.pushUrl, false) },
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

interface HostPathCollector {
  readonly namespace: ProductionNamespace;
  readonly config: kplus.ConfigMap;
  readonly daemonSet: kplus.DaemonSet;
  readonly networkPolicy: k8s.KubeNetworkPolicy;
  readonly clusterRole: k8s.KubeClusterRole;
  readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
}

/**
 * The host-path collector: its namespace at Pod Security privileged, a hardened DaemonSet on every node that reads
 * the pod logs read-only as root without capabilities, the exemptions with their reason, its RBAC (pods only) and
 * its NetworkPolicy (no ingress; Loki, the API server and DNS).
 */
function hostPathCollector(scope: Alloy, profile: Profile, stack: ObservabilityStack, loki: Loki, reason: string): HostPathCollector {
  const opts = ALLOY.hostPath;
  const namespaceName = `${stack.namespaceName}-${opts.namespaceSuffix}`;
  const namespace = new ProductionNamespace(scope, 'Namespace', {
    name: namespaceName,
    podSecurityEnforce: PodSecurityLevel.PRIVILEGED,
    podSecurityAudit: PodSecurityLevel.PRIVILEGED,
    podSecurityWarn: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: reason,
    apiServer: stack.apiServer,
  });
  const labels = ALLOY_LABELS;
  const config = new kplus.ConfigMap(scope, 'Config', {
    metadata: objectMetadata(profile, `${ALLOY.name}-config`, namespaceName, labels),
    data: { [ALLOY.configFile]: alloyConfig(loki.pushUrl, true) },
  });
  const serviceAccount = new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: objectMetadata(profile, ALLOY.name, namespaceName, labels),
    automountToken: false,
  });
  const exemptions = exemptionAnnotations([
    { ruleId: 'host-path-volumes', reason },
    { ruleId: 'run-as-non-root', reason },
    { ruleId: 'high-user-group-id', reason },
    { ruleId: 'service-account-token', reason: SERVICE_ACCOUNT_TOKEN_REASON },
  ]);
  const daemonSet = new kplus.DaemonSet(scope, 'DaemonSet', {
    metadata: objectMetadata(profile, ALLOY.name, namespaceName, labels, exemptions),
    podMetadata: { labels },
    select: false,
    serviceAccount,
    automountServiceAccountToken: true,
    securityContext: { ensureNonRoot: false, user: opts.user, group: opts.user },
    volumes: [],
    containers: [],
  });
  daemonSet.select(kplus.LabelSelector.of({ labels: { 'app.kubernetes.io/name': ALLOY.name, 'app.kubernetes.io/instance': ALLOY.name } }));
  const logs = kplus.Volume.fromHostPath(scope, 'PodLogs', opts.volumeName, { path: opts.logsPath, type: kplus.HostPathVolumeType.DIRECTORY });
  const r = opts.resources;
  const container = daemonSet.addContainer({
    name: 'main',
    image: ALLOY.image,
    imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
    args: [
      'run', `${ALLOY.configPath}/${ALLOY.configFile}`,
      `--server.http.listen-addr=0.0.0.0:${ALLOY.port}`,
      `--storage.path=${ALLOY.storagePath}`,
      '--disable-reporting',
    ],
    ports: [{ name: 'http', number: ALLOY.port, protocol: kplus.Protocol.TCP }],
    envVariables: { [opts.nodeNameEnv]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
    securityContext: {
      ensureNonRoot: false,
      user: opts.user,
      group: opts.user,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: [kplus.Capability.ALL] },
    },
    resources: {
      cpu: { request: kplus.Cpu.millis(r.cpu.request), limit: kplus.Cpu.millis(r.cpu.limit) },
      memory: { request: Size.mebibytes(r.memoryMebibytes.request), limit: Size.mebibytes(r.memoryMebibytes.limit) },
      ephemeralStorage: { request: Size.gibibytes(r.ephemeralStorageGibibytes.request), limit: Size.gibibytes(r.ephemeralStorageGibibytes.limit) },
    },
    readiness: kplus.Probe.fromHttpGet(ALLOY.readinessPath, { port: ALLOY.port }),
    liveness: kplus.Probe.fromTcpSocket({ port: ALLOY.port }),
  });
  container.mount(opts.logsPath, logs, { readOnly: true });
  container.mount(ALLOY.configPath, kplus.Volume.fromConfigMap(scope, 'ConfigVolume', config, { name: 'config' }), { readOnly: true });
  for (const [i, path] of ['/tmp', ALLOY.storagePath].entries()) {
    container.mount(path, kplus.Volume.fromEmptyDir(scope, `Writable${i}`, `writable-${i}`, { sizeLimit: Size.gibibytes(1) }));
  }
  // A node collector: every node, whatever its taints.
  daemonSet.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.any()));
  // What cdk8s-plus does not model: the seccomp profile, the priority class, and a spread constraint (one pod per node
  // already; declared because Polaris asks every controller for one).
  ApiObject.of(daemonSet).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/priorityClassName', profile._select(PRIORITY_CLASS_NAME)),
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: daemonSet.matchLabels },
    }]),
  );

  const selector = daemonSet.matchLabels;
  const apiServer = scope.node.tryGetContext(API_SERVER_CONTEXT_KEY) as { cidrs: string[]; port: number };
  const networkPolicy = new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: objectMetadata(profile, ALLOY.name, namespaceName, labels),
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': stack.namespaceName } }, podSelector: { matchLabels: loki.app.podSelector } }],
          ports: [{ port: k8s.IntOrString.fromNumber(LOKI.port), protocol: 'TCP' }],
        },
        {
          to: apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
          ports: [{ port: k8s.IntOrString.fromNumber(apiServer.port), protocol: 'TCP' }],
        },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': CLUSTER_DNS.namespace } }, podSelector: { matchLabels: CLUSTER_DNS.podLabels } }],
          ports: [{ port: k8s.IntOrString.fromNumber(CLUSTER_DNS.port), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(CLUSTER_DNS.port), protocol: 'TCP' }],
        },
      ],
    },
  });
  loki.app.allowFrom(NetworkPeer.inNamespace(namespaceName, selector), { ports: [LOKI.port] });

  const clusterMeta = objectMetadata(profile, `${namespaceName}-${ALLOY.name}`, undefined, labels);
  const clusterRole = clusterScoped(new k8s.KubeClusterRole(scope, 'ClusterRole', {
    metadata: clusterMeta,
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  }));
  const clusterRoleBinding = clusterScoped(new k8s.KubeClusterRoleBinding(scope, 'ClusterRoleBinding', {
    metadata: clusterMeta,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: namespaceName }],
  }));
  return { namespace, config, daemonSet, networkPolicy, clusterRole, clusterRoleBinding };
}

/**
 * The Alloy pipeline: the running pods of the cluster, labelled `namespace`, `app`, `pod` and `container`, tailed
 * through the API (the targets split among the clustered replicas), pushed to Loki. With `hostPath`, each collector
 * discovers the pods of its own node and tails their files under `/var/log/pods` (CRI format) instead.
 */
function alloyConfig(pushUrl: string, hostPath: boolean): string {
  const relabel = Object.entries(ALLOY.labels).map(([target, source]) => [
    '  rule {',
    `    source_labels = [${JSON.stringify(source)}]`,
    `    target_label  = ${JSON.stringify(target)}`,
    '  }',
  ].join('\n'));
  const logsPath = ALLOY.hostPath.logsPath;
  const source = hostPath ? [
    '  rule {',
    '    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]',
    '    separator     = "/"',
    '    target_label  = "__path__"',
    `    replacement   = ${JSON.stringify(`${logsPath}/*$1/*.log`)}`,
    '  }',
    '}',
    '',
    'local.file_match "pods" {',
    '  path_targets = discovery.relabel.pods.output',
    '}',
    '',
    'loki.source.file "pods" {',
    '  targets    = local.file_match.pods.targets',
    '  forward_to = [loki.process.pods.receiver]',
    '}',
    '',
    'loki.process "pods" {',
    '  stage.cri {}',
    '  forward_to = [loki.write.default.receiver]',
    '}',
  ] : [
    '}',
    '',
    'loki.source.kubernetes "pods" {',
    '  targets    = discovery.relabel.pods.output',
    '  forward_to = [loki.write.default.receiver]',
    '  clustering {',
    '    enabled = true',
    '  }',
    '}',
  ];
  return [
    'discovery.kubernetes "pods" {',
    '  role = "pod"',
    ...(hostPath ? [
      '  selectors {',
      '    role  = "pod"',
      `    field = "spec.nodeName=" + sys.env(${JSON.stringify(ALLOY.hostPath.nodeNameEnv)})`,
      '  }',
    ] : []),
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
    ...source,
    '',
    'loki.write "default" {',
    '  endpoint {',
    `    url = ${JSON.stringify(pushUrl)}`,
    '  }',
    '}',
    '',
  ].join('\n');
}
