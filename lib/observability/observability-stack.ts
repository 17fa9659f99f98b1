import { ApiObject, Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  Alertmanager, AlertmanagerSpecAlertmanagerConfigMatcherStrategyType, AlertmanagerSpecResourcesLimits, AlertmanagerSpecResourcesRequests,
} from '../../imports/alertmanager-monitoring.coreos.com';
import {
  Prometheus, PrometheusSpecAlertingAlertmanagersApiVersion, PrometheusSpecAlertingAlertmanagersPort, PrometheusSpecResourcesLimits,
  PrometheusSpecResourcesRequests, PrometheusSpecServiceDiscoveryRole, PrometheusSpecStorageVolumeClaimTemplateSpecResourcesRequests,
} from '../../imports/prometheus-monitoring.coreos.com';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prometheusrule-monitoring.coreos.com';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/servicemonitor-monitoring.coreos.com';
import { AlertReceiver } from './alert-receiver';
import { Grafana, GrafanaOptions } from './grafana';
import { KubeStateMetrics } from './kube-state-metrics';
import { Alloy, HostPathTailingOptions } from './alloy';
import { LogsOptions, Loki } from './loki';
import {
  ALERTMANAGER_IMAGE, ALERTMANAGER_REPLICAS, ALERTMANAGER_RESOURCES, ALERTMANAGER_VERSION, CADVISOR, EGRESS_ALL_REASONS, KSM_JOB,
  LONGEST_RULE_WINDOW, MONITORING_POD_SECURITY, OPERATOR_POD_NAME_LABEL, PORTS, PROMETHEUS_IMAGE, PROMETHEUS_REPLICAS, PROMETHEUS_RESOURCES,
  PROMETHEUS_RETENTION, PROMETHEUS_STORAGE, PROMETHEUS_VERSION, RETENTION_SIZE_SHARE, ROUTE_GROUP_BY, ROUTE_TIMING, RUNBOOK_BASE,
  KUBELET_SCRAPE, STACK_EXEMPTIONS, STACK_LABEL, STACK_NAME, STACK_NAMESPACE,
} from './defaults';
import type { RuleSpec } from './_rules';
import { PDB_UNHEALTHY_POD_EVICTION_POLICY, PRIORITY_CLASS_NAME, SPREAD_WHEN_UNSATISFIABLE } from '../defaults';
import { prometheusDuration } from '../internal/durations';
import { PropErrors } from '../internal/errors';
import { isDns1123Subdomain } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { _registerAppChecks } from '../internal/app-checks';
import { KubernetesApiServer } from '../network/kubernetes-api-server';
import { ProductionNamespace } from '../network/production-namespace';
import { Profile } from '../profile';
import { exemptionAnnotations, objectMetadata } from '../workload/_metadata';
import type { ResolvedExemption } from '../workload/_resolve';
import { INetworkPeer, NetworkPeer } from '../workload/network-peer';

/**
 * Props of an `ObservabilityStack`.
 */
export interface ObservabilityStackProps {
  /**
   * The StorageClass of the Prometheus volumes, by name: never the cluster default by accident.
   */
  readonly storageClassName: string;

  /**
   * The namespace the stack runs in; a ProductionNamespace (default deny, Pod Security restricted) is created.
   *
   * @default 'observability'
   */
  readonly namespaceName?: string;

  /**
   * The name of the Prometheus and Alertmanager resources, and the value of the stack label that selects every
   * monitor and rule of this stack.
   *
   * @default 'main'
   */
  readonly name?: string;

  /**
   * The `cluster` external label on every series and alert, which the mixin rules join on.
   *
   * @default - no external label
   */
  readonly clusterName?: string;

  /**
   * Prometheus replicas: each scrapes every target and evaluates every rule; Alertmanager deduplicates.
   *
   * @default - 2 in staging and prod, 1 in dev
   */
  readonly prometheusReplicas?: number;

  /**
   * How long Prometheus keeps samples; at least 3 days, the longest SLO window the library's rules read.
   *
   * @default - Duration.days(30) in prod, Duration.days(15) in dev and staging
   */
  readonly retention?: Duration;

  /**
   * The size of each Prometheus replica's volume; `retentionSize` is 85% of it, so that the WAL and compaction
   * have room.
   *
   * @default - 50Gi in prod, 20Gi in staging, 10Gi in dev
   */
  readonly storageSize?: Size;

  /**
   * Alertmanager replicas; more than one form a gossip cluster that sends each notification once.
   *
   * @default - 3 in staging and prod, 1 in dev
   */
  readonly alertmanagerReplicas?: number;

  /**
   * The dead-man's switch that receives the always-firing Watchdog alert, and notices when it stops: without one,
   * nobody learns that alerting is down. Required in staging and prod.
   *
   * @default - none (a warning in dev)
   */
  readonly watchdogReceiver?: AlertReceiver;

  /**
   * Where `severity="critical"` alerts go (a pager).
   *
   * @default - the warning receiver
   */
  readonly criticalReceiver?: AlertReceiver;

  /**
   * Where `severity="warning"` alerts and everything else go (a chat channel).
   *
   * @default - nowhere (the 'null' receiver)
   */
  readonly warningReceiver?: AlertReceiver;

  /**
   * The Kubernetes API server's endpoints, set on the stack's namespace: Grafana's dashboard sidecar,
   * kube-state-metrics and Alloy call the API, and the default-deny NetworkPolicies allow only these endpoints.
   * Required with `grafana`, `kubeStateMetrics` or `logs`, unless `KubernetesApiServer.use` set it on an
   * enclosing scope.
   *
   * @default - the API server set on an enclosing scope, if any
   */
  readonly apiServer?: KubernetesApiServer;

  /**
   * Run Grafana in the stack (see `Grafana`): datasources for Prometheus and Loki with fixed uids, dashboards
   * from the ConfigMaps `WorkloadMonitoring` emits.
   *
   * @default - no Grafana
   */
  readonly grafana?: GrafanaOptions;

  /**
   * Run kube-state-metrics in the stack (see `KubeStateMetrics`), scraped as `job="kube-state-metrics"`. The
   * workload alerts and dashboards read its series: without it, the platform must run one with that job label.
   *
   * @default false
   */
  readonly kubeStateMetrics?: boolean;

  /**
   * Collect the cluster's pod logs: single-binary Loki on a persistent volume (see `Loki`) and Grafana Alloy
   * reading the logs through the Kubernetes API (see `Alloy`), labelled `namespace` and `app` as the dashboards'
   * log panels expect. `{}` turns them on with the defaults; `hostPathTailing` makes Alloy tail the nodes' log
   * files instead, in a namespace of its own.
   *
   * @default - no logs
   */
  readonly logs?: ObservabilityLogsOptions;
}

/**
 * The `logs` of an `ObservabilityStack`: Loki's storage, and how Alloy collects.
 */
export interface ObservabilityLogsOptions extends LogsOptions {
  /**
   * Tail the pod log files of each node from a host path (see `AlloyProps.hostPathTailing`): a DaemonSet in the
   * namespace `<namespace>-logs` at Pod Security privileged, with the reason recorded on it and its exemptions.
   *
   * @default - Alloy reads the logs through the Kubernetes API, at Pod Security restricted
   */
  readonly hostPathTailing?: HostPathTailingOptions;
}

/**
 * The cluster's monitoring on the Prometheus Operator: an HA Prometheus with persistent storage, an Alertmanager
 * cluster with a routing tree by severity, a Watchdog and inhibition rules, the RBAC Prometheus needs, disruption
 * budgets, NetworkPolicies and the cluster-level alert rules, in their own namespace.
 *
 * The operator and its CRDs are installed by the platform (see the README). Monitor workloads with
 * `WorkloadMonitoring`.
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * new ObservabilityStack(platform, 'Observability', { storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url') });
 */
export class ObservabilityStack extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The namespace of the stack. */
  public readonly namespaceName: string;
  /** The name of the Prometheus and Alertmanager resources. */
  public readonly name: string;
  /** The label every monitor and rule of this stack carries, and the Prometheus selectors match. */
  public readonly selectorLabels: { [key: string]: string };
  /** The labels of the Prometheus pods (set by the operator). */
  public readonly prometheusPodLabels: { [key: string]: string };
  /** The network peer of the Prometheus pods, for a workload's NetworkPolicy. */
  public readonly prometheusPeer: INetworkPeer;
  /** The labels of the Alertmanager pods (set by the operator). */
  public readonly alertmanagerPodLabels: { [key: string]: string };
  /** Prometheus replicas. */
  public readonly prometheusReplicas: number;
  /** Alertmanager replicas. */
  public readonly alertmanagerReplicas: number;
  /** Prometheus retention. */
  public readonly retention: Duration;
  /** The size of each Prometheus volume. */
  public readonly storageSize: Size;

  /** The stack's namespace. */
  public readonly productionNamespace: ProductionNamespace;
  /** The ServiceAccount Prometheus runs as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** What Prometheus may read in the cluster: get, list and watch of what it discovers and scrapes. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** Binds the ClusterRole to the ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  /** The Prometheus resource. */
  public readonly prometheus: ApiObject;
  /** The Prometheus PodDisruptionBudget, with more than one replica. */
  public readonly prometheusDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The Prometheus NetworkPolicy. */
  public readonly prometheusNetworkPolicy: k8s.KubeNetworkPolicy;
  /** The Alertmanager root configuration (routing tree, inhibition, receivers). */
  public readonly alertmanagerConfig: k8s.KubeSecret;
  /** The Alertmanager resource. */
  public readonly alertmanager: ApiObject;
  /** The Alertmanager PodDisruptionBudget, with more than one replica. */
  public readonly alertmanagerDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The Alertmanager NetworkPolicy. */
  public readonly alertmanagerNetworkPolicy: k8s.KubeNetworkPolicy;
  /** Scrapes Prometheus and Alertmanager themselves. */
  public readonly selfMonitors: ApiObject[];
  /** Scrapes the kubelets and cAdvisor (`job="kubelet"`), which the workload alerts and dashboards read. */
  public readonly kubeletMonitor: ApiObject;
  /** The cluster-level alert rules. */
  public readonly clusterRules: ApiObject;
  /** The Kubernetes API server's endpoints, when given. */
  public readonly apiServer?: KubernetesApiServer;
  /** The StorageClass of the Prometheus volumes (and, unless `logs` names another, of Loki's). */
  public readonly storageClassName: string;
  /** Loki, with `logs`. */
  public readonly loki?: Loki;
  /** Alloy, the log collector, with `logs`. */
  public readonly alloy?: Alloy;
  /** Grafana, with `grafana`. */
  public readonly grafana?: Grafana;
  /** kube-state-metrics, with `kubeStateMetrics`. */
  public readonly kubeStateMetrics?: KubeStateMetrics;

  public constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, _uniqueId(scope, id, 'ObservabilityStack'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const profile = this.profile;
    const errors = new PropErrors(this, 'ObservabilityStack', profile);
    assertPropTypes(errors, props, 'ObservabilityStackProps');

    this.namespaceName = props.namespaceName ?? STACK_NAMESPACE;
    this.storageClassName = props.storageClassName;
    this.apiServer = props.apiServer;
    this.name = props.name ?? STACK_NAME;
    this.prometheusReplicas = props.prometheusReplicas ?? profile._select(PROMETHEUS_REPLICAS);
    this.alertmanagerReplicas = props.alertmanagerReplicas ?? profile._select(ALERTMANAGER_REPLICAS);
    this.retention = props.retention ?? profile._select(PROMETHEUS_RETENTION);
    this.storageSize = props.storageSize ?? profile._select(PROMETHEUS_STORAGE);
    errors.checkDnsLabel('namespaceName', props.namespaceName);
    errors.checkDnsLabel('name', props.name);
    errors.check(!isDns1123Subdomain(props.storageClassName), 'storageClassName', props.storageClassName, 'is not a StorageClass name',
      'name an existing StorageClass (a DNS-1123 subdomain)');
    errors.check(props.clusterName !== undefined && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(props.clusterName),
      'clusterName', props.clusterName, 'is not a valid label value', 'use at most 63 letters, digits, \'-\', \'_\' and \'.\'');
    this.checkReplicas(errors, 'prometheusReplicas', this.prometheusReplicas);
    this.checkReplicas(errors, 'alertmanagerReplicas', this.alertmanagerReplicas);
    const retentionSeconds = this.retention.toSeconds();
    errors.check(retentionSeconds < LONGEST_RULE_WINDOW.toSeconds() || !Number.isInteger(retentionSeconds), 'retention', this.retention.toHumanString(),
      `is shorter than ${LONGEST_RULE_WINDOW.toHumanString()} (the longest SLO window) or not whole seconds`, 'keep at least Duration.days(3)');
    const gib = this.storageSize.toGibibytes({ rounding: SizeRoundingBehavior.FLOOR });
    errors.check(gib < 2, 'storageSize', `${gib}Gi`, 'is below 2Gi', 'give each replica at least Size.gibibytes(2)');
    const receivers: [string, AlertReceiver | undefined][] = [
      ['watchdogReceiver', props.watchdogReceiver], ['criticalReceiver', props.criticalReceiver], ['warningReceiver', props.warningReceiver],
    ];
    for (const [prop, receiver] of receivers) {
      if (receiver !== undefined) errors.addAll(prop, receiver._problems);
    }
    errors.enforce(props.watchdogReceiver === undefined, 'watchdogReceiver', undefined,
      'is not set: nobody notices when alerting itself is down', 'send the Watchdog alert to a dead-man\'s switch, e.g. AlertReceiver.webhook(secret, \'url\')');
    errors.throwIfAny();

    this.selectorLabels = { [STACK_LABEL]: this.name };
    this.prometheusPodLabels = { 'app.kubernetes.io/name': 'prometheus', [OPERATOR_POD_NAME_LABEL]: this.name };
    this.prometheusPeer = NetworkPeer.inNamespace(this.namespaceName, this.prometheusPodLabels);
    this.alertmanagerPodLabels = { 'app.kubernetes.io/name': 'alertmanager', [OPERATOR_POD_NAME_LABEL]: this.name };
    const meta = (component: string, name: string) => objectMetadata(profile, name, this.namespaceName,
      { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': this.name, 'app.kubernetes.io/part-of': 'observability' });

    if (props.apiServer !== undefined) {
      // Before any child exists: the stack's pods that call the API read it from the context.
      KubernetesApiServer.use(this, props.apiServer);
    }
    this.productionNamespace = new ProductionNamespace(this, 'Namespace', { name: this.namespaceName, apiServer: props.apiServer });

    // ---- Prometheus ----
    const prometheusName = `prometheus-${this.name}`;
    this.serviceAccount = new kplus.ServiceAccount(this, 'PrometheusServiceAccount', {
      metadata: meta('prometheus', prometheusName), automountToken: false,
    });
    // The ClusterRole of the prometheus-operator documentation (Documentation/platform/rbac.md): read-only.
    this.clusterRole = new k8s.KubeClusterRole(this, 'PrometheusClusterRole', {
      metadata: { ...meta('prometheus', `${this.namespaceName}-${prometheusName}`), namespace: undefined },
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
        { nonResourceUrLs: ['/metrics', '/metrics/slis'], verbs: ['get'] },
      ],
    });
    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'PrometheusClusterRoleBinding', {
      metadata: { ...meta('prometheus', `${this.namespaceName}-${prometheusName}`), namespace: undefined },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespaceName }],
    });
    const res = profile._select(PROMETHEUS_RESOURCES);
    const security = MONITORING_POD_SECURITY;
    const podSecurity = {
      runAsNonRoot: security.runAsNonRoot, runAsUser: security.runAsUser, runAsGroup: security.runAsGroup, fsGroup: security.fsGroup,
      seccompProfile: { type: security.seccompProfile },
    };
    // What the operator-created pods of Prometheus and Alertmanager share: security, labels, spread and priority.
    const podFields = (labels: Record<string, string>) => ({
      securityContext: podSecurity,
      podMetadata: { labels: { 'app.kubernetes.io/part-of': 'observability' } },
      topologySpreadConstraints: [{
        maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: SPREAD_WHEN_UNSATISFIABLE, labelSelector: { matchLabels: labels },
      }],
      priorityClassName: profile._select(PRIORITY_CLASS_NAME),
    });
    const selector = { matchLabels: this.selectorLabels };
    this.prometheus = new Prometheus(this, 'Prometheus', {
      metadata: meta('prometheus', this.name),
      spec: {
        replicas: this.prometheusReplicas,
        version: PROMETHEUS_VERSION,
        image: PROMETHEUS_IMAGE,
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: true,
        serviceDiscoveryRole: PrometheusSpecServiceDiscoveryRole.ENDPOINT_SLICE,
        externalLabels: props.clusterName === undefined ? undefined : { cluster: props.clusterName },
        retention: prometheusDuration(this.retention),
        retentionSize: `${Math.max(1, Math.floor(gib * RETENTION_SIZE_SHARE))}GiB`,
        storage: {
          volumeClaimTemplate: {
            spec: {
              storageClassName: props.storageClassName,
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: PrometheusSpecStorageVolumeClaimTemplateSpecResourcesRequests.fromString(`${gib}Gi`) } },
            },
          },
        },
        serviceMonitorSelector: selector,
        serviceMonitorNamespaceSelector: {},
        podMonitorSelector: selector,
        podMonitorNamespaceSelector: {},
        ruleSelector: selector,
        ruleNamespaceSelector: {},
        alerting: {
          alertmanagers: [{
            name: 'alertmanager-operated', namespace: this.namespaceName, port: PrometheusSpecAlertingAlertmanagersPort.fromString('web'),
            apiVersion: PrometheusSpecAlertingAlertmanagersApiVersion.V2,
          }],
        },
        resources: {
          requests: { cpu: PrometheusSpecResourcesRequests.fromString(res.cpu), memory: PrometheusSpecResourcesRequests.fromString(res.memory) },
          limits: { memory: PrometheusSpecResourcesLimits.fromString(res.memory) },
        },
        ...podFields(this.prometheusPodLabels),
      },
    });
    this.prometheusDisruptionBudget = this.disruptionBudget('PrometheusDisruptionBudget', meta('prometheus', prometheusName),
      this.prometheusReplicas, { minAvailable: 1 }, this.prometheusPodLabels);
    const stackPods = (labels: Record<string, string>) => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.namespaceName } }, podSelector: { matchLabels: labels },
    });
    const tcp = (...ports: number[]) => ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }));
    this.prometheusNetworkPolicy = new k8s.KubeNetworkPolicy(this, 'PrometheusNetworkPolicy', {
      metadata: withExemptionReason(meta('prometheus', prometheusName), EGRESS_ALL_REASONS.prometheus),
      spec: {
        podSelector: { matchLabels: this.prometheusPodLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          // Grafana queries Prometheus; the replicas and their config reloaders talk to each other.
          { from: [stackPods({ 'app.kubernetes.io/name': 'grafana' })], ports: tcp(PORTS.prometheus) },
          { from: [stackPods(this.prometheusPodLabels)], ports: tcp(PORTS.prometheus, PORTS.reloader) },
        ],
        egress: [{}],
      },
    });

    // ---- Alertmanager ----
    const alertmanagerName = `alertmanager-${this.name}`;
    const secrets = [...new Set(receivers.filter(([, r]) => r !== undefined).map(([, r]) => r!.secretName))].sort();
    this.alertmanagerConfig = new k8s.KubeSecret(this, 'AlertmanagerConfig', {
      metadata: withExemption(meta('alertmanager', alertmanagerName), STACK_EXEMPTIONS.rootConfig),
      stringData: { 'alertmanager.yaml': stringify(rootConfig(props.watchdogReceiver, props.criticalReceiver, props.warningReceiver)) },
    });
    this.alertmanager = new Alertmanager(this, 'Alertmanager', {
      metadata: meta('alertmanager', this.name),
      spec: {
        replicas: this.alertmanagerReplicas,
        version: ALERTMANAGER_VERSION,
        image: ALERTMANAGER_IMAGE,
        configSecret: this.alertmanagerConfig.name,
        secrets: secrets.length > 0 ? secrets : undefined,
        alertmanagerConfigSelector: selector,
        alertmanagerConfigNamespaceSelector: {},
        alertmanagerConfigMatcherStrategy: { type: AlertmanagerSpecAlertmanagerConfigMatcherStrategyType.ON_NAMESPACE },
        resources: {
          requests: { cpu: AlertmanagerSpecResourcesRequests.fromString(ALERTMANAGER_RESOURCES.cpu), memory: AlertmanagerSpecResourcesRequests.fromString(ALERTMANAGER_RESOURCES.memory) },
          limits: { cpu: AlertmanagerSpecResourcesLimits.fromString(ALERTMANAGER_RESOURCES.cpuLimit), memory: AlertmanagerSpecResourcesLimits.fromString(ALERTMANAGER_RESOURCES.memory) },
        },
        ...podFields(this.alertmanagerPodLabels),
      },
    });
    this.alertmanagerDisruptionBudget = this.disruptionBudget('AlertmanagerDisruptionBudget', meta('alertmanager', alertmanagerName),
      this.alertmanagerReplicas, { maxUnavailable: 1 }, this.alertmanagerPodLabels);
    this.alertmanagerNetworkPolicy = new k8s.KubeNetworkPolicy(this, 'AlertmanagerNetworkPolicy', {
      metadata: withExemptionReason(meta('alertmanager', alertmanagerName), EGRESS_ALL_REASONS.alertmanager),
      spec: {
        podSelector: { matchLabels: this.alertmanagerPodLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [stackPods(this.prometheusPodLabels)], ports: tcp(PORTS.alertmanager, PORTS.reloader) },
          // The cluster gossips over TCP and UDP; without both, islands form and each sends its own notifications.
          { from: [stackPods(this.alertmanagerPodLabels)], ports: [...tcp(PORTS.gossip), { port: k8s.IntOrString.fromNumber(PORTS.gossip), protocol: 'UDP' }] },
        ],
        egress: [{}],
      },
    });

    // ---- self-monitoring and cluster rules ----
    this.selfMonitors = [
      this.selfMonitor('PrometheusMonitor', 'prometheus', prometheusName, { 'operated-prometheus': 'true' }, meta),
      this.selfMonitor('AlertmanagerMonitor', 'alertmanager', alertmanagerName, { 'operated-alertmanager': 'true' }, meta),
    ];
    const kubeletMeta = meta('prometheus', 'kubelet');
    this.kubeletMonitor = new ServiceMonitor(this, 'KubeletMonitor', {
      metadata: { ...kubeletMeta, labels: { ...kubeletMeta.labels, ...this.selectorLabels } },
      spec: {
        jobLabel: 'app.kubernetes.io/name',
        namespaceSelector: { matchNames: [KUBELET_SCRAPE.namespace] },
        selector: { matchLabels: KUBELET_SCRAPE.serviceLabels },
        endpoints: KUBELET_SCRAPE.paths.map((path) => ({
          port: KUBELET_SCRAPE.port,
          path,
          scheme: ServiceMonitorSpecEndpointsScheme.HTTPS,
          bearerTokenFile: KUBELET_SCRAPE.tokenFile,
          tlsConfig: { insecureSkipVerify: true },
          honorLabels: true,
          relabelings: [{ sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path' }],
        })),
      },
    });
    this.clusterRules = new PrometheusRule(this, 'ClusterRules', {
      metadata: { ...meta('prometheus', `${this.name}-cluster-rules`), labels: { ...meta('prometheus', '').labels, ...this.selectorLabels } },
      spec: { groups: _clusterRuleGroups().map((g) => ({ name: g.name, rules: g.rules.map(_toCrdRule) })) },
    });

    // ---- the stack's own pods ----
    if (props.kubeStateMetrics === true) {
      this.kubeStateMetrics = new KubeStateMetrics(this, 'KubeStateMetrics', { stack: this });
    }
    if (props.logs !== undefined) {
      const { hostPathTailing, ...lokiOptions } = props.logs;
      this.loki = new Loki(this, 'Loki', { ...lokiOptions, stack: this });
      this.alloy = new Alloy(this, 'Alloy', { stack: this, loki: this.loki, hostPathTailing });
    }
    if (props.grafana !== undefined) {
      this.grafana = new Grafana(this, 'Grafana', { ...props.grafana, stack: this });
    }
  }

  private checkReplicas(errors: PropErrors, prop: string, value: number): void {
    errors.check(!Number.isInteger(value) || value < 1, prop, value, 'is not a whole number of at least 1', 'use 1 or more');
    errors.enforce(Number.isInteger(value) && value === 1, prop, value, 'is 1: no high availability', 'use at least 2');
  }

  private disruptionBudget(id: string, metadata: ReturnType<typeof objectMetadata>, replicas: number,
    budget: { minAvailable?: number; maxUnavailable?: number }, labels: Record<string, string>): k8s.KubePodDisruptionBudget | undefined {
    if (replicas < 2) {
      // A budget on one replica blocks every node drain.
      return undefined;
    }
    return new k8s.KubePodDisruptionBudget(this, id, {
      metadata,
      spec: {
        selector: { matchLabels: labels },
        minAvailable: budget.minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(budget.minAvailable),
        maxUnavailable: budget.maxUnavailable === undefined ? undefined : k8s.IntOrString.fromNumber(budget.maxUnavailable),
        unhealthyPodEvictionPolicy: PDB_UNHEALTHY_POD_EVICTION_POLICY,
      },
    });
  }

  private selfMonitor(id: string, component: string, name: string, serviceLabels: Record<string, string>,
    meta: (component: string, name: string) => ReturnType<typeof objectMetadata>): ServiceMonitor {
    const metadata = meta(component, name);
    return new ServiceMonitor(this, id, {
      metadata: { ...metadata, labels: { ...metadata.labels, ...this.selectorLabels } },
      spec: {
        selector: { matchLabels: serviceLabels },
        endpoints: [{ port: 'web', path: '/metrics' }],
      },
    });
  }
}

/**
 * The metadata of a NetworkPolicy of operator-created pods: the exemption for its selector (the pods are not in the
 * manifest), and why the pods may open connections anywhere, for reviewers (no rule of the pack flags it).
 */
function withExemptionReason(metadata: ReturnType<typeof objectMetadata>, egressReason: string): ReturnType<typeof objectMetadata> {
  const exempt = withExemption(metadata, STACK_EXEMPTIONS.operatorPods);
  return { ...exempt, annotations: { ...exempt.annotations, 'production.platform.io/egress-reason': egressReason } };
}

/** Records an exemption, with its reason, on an object, in the annotations of the rule pack and the scanners. */
function withExemption(metadata: ReturnType<typeof objectMetadata>, exemption: ResolvedExemption): ReturnType<typeof objectMetadata> {
  return { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations([exemption]) } };
}

/**
 * The root of the Alertmanager configuration: kube-prometheus's routing tree and inhibition rules, with the
 * Watchdog sent to a dead-man's switch and alerts routed by severity.
 */
function rootConfig(watchdog?: AlertReceiver, critical?: AlertReceiver, warning?: AlertReceiver): Record<string, unknown> {
  const receivers: Record<string, unknown>[] = [{ name: 'null' }];
  const use = (name: string, receiver: AlertReceiver | undefined, fallback: string): string => {
    if (receiver === undefined) return fallback;
    receivers.push(receiver._toConfig(name));
    return name;
  };
  const warningName = use('warning', warning, 'null');
  const criticalName = use('critical', critical, warningName);
  const watchdogName = use('watchdog', watchdog, 'null');
  const t = ROUTE_TIMING;
  return {
    route: {
      receiver: warningName,
      group_by: ROUTE_GROUP_BY,
      group_wait: t.groupWait,
      group_interval: t.groupInterval,
      repeat_interval: t.repeatInterval,
      routes: [
        { matchers: ['alertname = Watchdog'], receiver: watchdogName, group_wait: '0s', repeat_interval: t.watchdogRepeatInterval },
        { matchers: ['alertname = InfoInhibitor'], receiver: 'null' },
        { matchers: ['severity = critical'], receiver: criticalName, repeat_interval: t.criticalRepeatInterval },
        { matchers: ['severity = info'], receiver: 'null' },
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['severity = warning'], target_matchers: ['severity = info'], equal: ['namespace', 'alertname'] },
      { source_matchers: ['alertname = InfoInhibitor'], target_matchers: ['severity = info'], equal: ['namespace'] },
    ],
    receivers,
  };
}

/**
 * A rule in the PrometheusRule CRD's shape.
 *
 * @internal
 */
export function _toCrdRule(r: RuleSpec) {
  return { ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) };
}

function clusterAlert(name: string, expr: string, forDuration: string | undefined, severity: string, summary: string, runbook: string): RuleSpec {
  return { alert: name, expr, for: forDuration, labels: { severity }, annotations: { summary, runbook_url: `${RUNBOOK_BASE}/${runbook}` } };
}

/**
 * The cluster-level rules: the Watchdog, the essentials of the kubernetes-mixin, and Prometheus and Alertmanager
 * watching themselves.
 *
 * @internal
 */
export function _clusterRuleGroups(): { name: string; rules: RuleSpec[] }[] {
  return [
    {
      name: 'general.rules',
      rules: [
        clusterAlert('Watchdog', 'vector(1)', undefined, 'none', 'Always firing: proves the alerting pipeline works end to end', 'general/watchdog'),
        clusterAlert('InfoInhibitor', `ALERTS{severity = "info"} == 1 unless on (namespace) ALERTS{alertname != "InfoInhibitor", severity =~ "warning|critical", alertstate="firing"} == 1`,
          undefined, 'none', 'Inhibits info alerts while nothing more severe fires in the namespace', 'general/infoinhibitor'),
      ],
    },
    {
      name: 'kubernetes.essentials',
      rules: [
        clusterAlert('KubeNodeNotReady', `kube_node_status_condition{${KSM_JOB}, condition="Ready", status="true"} == 0`, '15m', 'warning',
          'A node has not been ready for 15 minutes', 'kubernetes/kubenodenotready'),
        clusterAlert('KubeDeploymentUnavailable', `kube_deployment_status_replicas_available{${KSM_JOB}} == 0 and kube_deployment_spec_replicas{${KSM_JOB}} > 0`,
          '5m', 'critical', 'A Deployment has no available replica', 'kubernetes/kubedeploymentreplicasmismatch'),
        clusterAlert('KubePodCrashLooping',
          `max_over_time(kube_pod_container_status_waiting_reason{${KSM_JOB}, reason="CrashLoopBackOff"}[5m]) >= 1`, '15m', 'warning',
          'A container is restarting in a crash loop', 'kubernetes/kubepodcrashlooping'),
        clusterAlert('KubePersistentVolumeFillingUp',
          'kubelet_volume_stats_available_bytes{job="kubelet", metrics_path="/metrics"} / kubelet_volume_stats_capacity_bytes{job="kubelet", metrics_path="/metrics"} < 0.03',
          '1m', 'critical', 'A PersistentVolume is almost full', 'kubernetes/kubepersistentvolumefillingup'),
        clusterAlert('KubePdbNotEnoughHealthyPods',
          `(kube_poddisruptionbudget_status_desired_healthy{${KSM_JOB}} - kube_poddisruptionbudget_status_current_healthy{${KSM_JOB}}) > 0`, '15m', 'warning',
          'A PodDisruptionBudget has fewer healthy pods than it wants', 'kubernetes/kubepdbnotenoughhealthypods'),
        clusterAlert('KubeCpuThrottlingHigh',
          `sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{${CADVISOR}, container!=""}[5m]))`
          + ` / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{${CADVISOR}, container!=""}[5m])) > 0.25`,
          '15m', 'info', 'A container is CPU-throttled over a quarter of the time', 'kubernetes/cputhrottlinghigh'),
        clusterAlert('CertificateExpiringSoon', '(certmanager_certificate_expiration_timestamp_seconds - time()) < 7 * 24 * 3600', '1h', 'warning',
          'A cert-manager certificate expires within 7 days', 'general/certificateexpiring'),
      ],
    },
    {
      name: 'observability.self',
      rules: [
        clusterAlert('PrometheusNotConnectedToAlertmanagers', 'max_over_time(prometheus_notifications_alertmanagers_discovered[5m]) < 1', '10m', 'warning',
          'Prometheus is not connected to any Alertmanager', 'prometheus/prometheusnotconnectedtoalertmanagers'),
        clusterAlert('PrometheusRuleFailures', 'increase(prometheus_rule_evaluation_failures_total[5m]) > 0', '15m', 'critical',
          'Prometheus fails to evaluate rules', 'prometheus/prometheusrulefailures'),
        clusterAlert('PrometheusTargetSyncFailure', 'increase(prometheus_target_sync_failed_total[30m]) > 0', '5m', 'critical',
          'Prometheus cannot sync some scrape targets', 'prometheus/prometheustargetsyncfailure'),
        clusterAlert('AlertmanagerFailedToSendAlerts',
          'rate(alertmanager_notifications_failed_total[5m]) / ignoring (reason) group_left rate(alertmanager_notifications_total[5m]) > 0.01', '5m', 'warning',
          'Alertmanager fails to send notifications', 'alertmanager/alertmanagerfailedtosendalerts'),
        clusterAlert('AlertmanagerClusterDown', 'avg(avg_over_time(up{job="alertmanager-operated"}[5m])) < 0.5', '5m', 'critical',
          'Half or more of the Alertmanager replicas are down', 'alertmanager/alertmanagerclusterdown'),
      ],
    },
  ];
}
