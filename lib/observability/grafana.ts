import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { DASHBOARD_LABEL, DASHBOARD_SIDECAR, DATASOURCE_UIDS, GRAFANA, LOKI, PORTS, SCRAPE_INTERVAL } from './defaults';
import { checkSecretValue, requireApiServer, stackPodProps } from './_pods';
import type { ObservabilityStack } from './observability-stack';
import { ProductionApp } from '../app/production-app';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { AppProbe } from '../workload/app-probe';
import { objectMetadata } from '../workload/_metadata';

/**
 * What a Grafana of the stack is configured with; `ObservabilityStackProps.grafana` takes the same fields.
 */
export interface GrafanaOptions {
  /**
   * The admin password: a key of a Secret created outside the manifests (an ExternalSecret, a SealedSecret).
   * Never plain text.
   */
  readonly adminPassword: kplus.SecretValue;

  /**
   * The URL of an external PostgreSQL or MySQL database (`postgres://user:pass@host:5432/grafana`), as a Secret
   * key. With it, Grafana runs 2 replicas that share the database; without it, one replica keeps its state in
   * SQLite on an emptyDir (everything it shows is provisioned, so nothing is lost on a restart).
   *
   * @default - one replica with SQLite, recorded as a single-replica exemption with its reason
   * @see https://grafana.com/docs/grafana/latest/setup-grafana/set-up-for-high-availability/
   */
  readonly database?: kplus.SecretValue;
}

/**
 * Props of a `Grafana`.
 */
export interface GrafanaProps extends GrafanaOptions {
  /** The stack whose Prometheus (and Loki, with `logs`) Grafana queries, and in whose namespace it runs. */
  readonly stack: ObservabilityStack;
}

/**
 * Grafana for an `ObservabilityStack`, as a hardened `ProductionApp`: the Prometheus and Loki datasources
 * provisioned with the fixed uids the library's dashboards use, and dashboards loaded by a sidecar from the
 * ConfigMaps labelled `grafana_dashboard: "1"` in the stack's namespace.
 *
 * The sidecar reads ConfigMaps through the Kubernetes API with a Role limited to get, list and watch of ConfigMaps
 * in that namespace, so the stack needs its `apiServer`. Grafana may reach Prometheus and Loki; nothing reaches
 * Grafana until you allow it (`grafana.app.allowFrom(...)`, e.g. from the ingress controller).
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * const stack = new ObservabilityStack(platform, 'Observability', {
 *   storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url'), apiServer: KubernetesApiServer.endpoints(['10.0.0.1/32']),
 * });
 * const grafanaAdmin = kplus.Secret.fromSecretName(platform, 'GrafanaAdmin', 'grafana-admin');
 * new Grafana(platform, 'Grafana', { stack, adminPassword: { secret: grafanaAdmin, key: 'admin-password' } });
 */
export class Grafana extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** Grafana replicas: 2 with an external database, else 1. */
  public readonly replicas: number;

  /** The provisioned datasources: Prometheus, and Loki when the stack collects logs. */
  public readonly datasources: kplus.ConfigMap;
  /** The dashboard provider that reads the sidecar's folder. */
  public readonly dashboardProvider: kplus.ConfigMap;
  /** The Grafana app (Deployment, Service, PodDisruptionBudget, NetworkPolicy). */
  public readonly app: ProductionApp;
  /** What the dashboard sidecar may read: get, list and watch of ConfigMaps in the stack's namespace. */
  public readonly role: k8s.KubeRole;
  /** Binds the Role to Grafana's ServiceAccount. */
  public readonly roleBinding: k8s.KubeRoleBinding;

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, _uniqueId(scope, id, 'Grafana'));
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'Grafana', this.profile);
    assertPropTypes(errors, props, 'GrafanaProps');
    checkSecretValue(errors, 'adminPassword', props.adminPassword);
    if (props.database !== undefined) checkSecretValue(errors, 'database', props.database);
    requireApiServer(errors, this, props.stack?.apiServer, 'the dashboard sidecar watches ConfigMaps through the Kubernetes API');
    errors.throwIfAny();

    const { stack } = props;
    const namespace = stack.namespaceName;
    const ha = props.database !== undefined;
    this.replicas = ha ? GRAFANA.haReplicas : 1;
    const meta = (name: string) => objectMetadata(this.profile, name, namespace,
      { 'app.kubernetes.io/name': GRAFANA.name, 'app.kubernetes.io/instance': GRAFANA.name, 'app.kubernetes.io/part-of': 'observability' });

    this.datasources = new kplus.ConfigMap(this, 'Datasources', {
      metadata: meta(`${GRAFANA.name}-datasources`),
      data: { 'datasources.yaml': stringify(datasourcesConfig(stack)) },
    });
    this.dashboardProvider = new kplus.ConfigMap(this, 'DashboardProvider', {
      metadata: meta(`${GRAFANA.name}-dashboard-provider`),
      data: {
        'dashboards.yaml': stringify({
          apiVersion: 1,
          providers: [{
            name: 'sidecar', orgId: 1, type: 'file', disableDeletion: true, allowUiUpdates: false, updateIntervalSeconds: 30,
            options: { path: DASHBOARD_SIDECAR.folder, foldersFromFilesStructure: false },
          }],
        }),
      },
    });
    const dashboards = kplus.Volume.fromEmptyDir(this, 'DashboardsVolume', 'dashboards');
    const env: Record<string, kplus.EnvValue> = {
      ...Object.fromEntries(Object.entries(GRAFANA.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
      GF_PATHS_PROVISIONING: kplus.EnvValue.fromValue(GRAFANA.provisioningPath),
      GF_SECURITY_ADMIN_USER: kplus.EnvValue.fromValue(GRAFANA.adminUser),
      GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue(props.adminPassword),
    };
    if (props.database !== undefined) {
      env.GF_DATABASE_URL = kplus.EnvValue.fromSecretValue(props.database);
    }
    this.app = new ProductionApp(this, 'App', {
      ...stackPodProps(namespace),
      name: GRAFANA.name,
      image: GRAFANA.image,
      port: GRAFANA.port,
      healthPath: GRAFANA.healthPath,
      replicas: this.replicas,
      singleReplicaReason: ha ? undefined : GRAFANA.singleReplicaReason,
      writablePaths: GRAFANA.writablePaths,
      env,
      configFiles: [
        { configMap: this.datasources, mountPath: `${GRAFANA.provisioningPath}/datasources` },
        { configMap: this.dashboardProvider, mountPath: `${GRAFANA.provisioningPath}/dashboards` },
      ],
      volumeMounts: [{ volume: dashboards, path: DASHBOARD_SIDECAR.folder }],
      serviceAccountToken: true,
      sidecars: [{
        name: DASHBOARD_SIDECAR.name,
        image: DASHBOARD_SIDECAR.image,
        env: {
          LABEL: kplus.EnvValue.fromValue(DASHBOARD_LABEL.key),
          LABEL_VALUE: kplus.EnvValue.fromValue(DASHBOARD_LABEL.value),
          FOLDER: kplus.EnvValue.fromValue(DASHBOARD_SIDECAR.folder),
          RESOURCE: kplus.EnvValue.fromValue('configmap'),
          NAMESPACE: kplus.EnvValue.fromValue(namespace),
          METHOD: kplus.EnvValue.fromValue('WATCH'),
          HEALTH_PORT: kplus.EnvValue.fromValue(String(DASHBOARD_SIDECAR.healthPort)),
        },
        ports: [{ name: DASHBOARD_SIDECAR.healthPortName, port: DASHBOARD_SIDECAR.healthPort }],
        readiness: AppProbe.httpGet(DASHBOARD_SIDECAR.healthPath, { port: DASHBOARD_SIDECAR.healthPortName }),
        liveness: AppProbe.tcpSocket({ port: DASHBOARD_SIDECAR.healthPortName }),
        resources: DASHBOARD_SIDECAR.resources,
        volumeMounts: [{ volume: dashboards, path: DASHBOARD_SIDECAR.folder, readOnly: false }],
      }],
    });
    // The sidecar reads the dashboards of the stack's namespace only: a Role, never a ClusterRole.
    this.role = new k8s.KubeRole(this, 'DashboardsRole', {
      metadata: meta(`${GRAFANA.name}-dashboards`),
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'DashboardsRoleBinding', {
      metadata: meta(`${GRAFANA.name}-dashboards`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.role.name },
      subjects: [{ kind: 'ServiceAccount', name: this.app.serviceAccount.name, namespace }],
    });
    this.app.connectsTo(stack.prometheusPeer, { ports: [PORTS.prometheus] });
    if (stack.loki !== undefined) {
      this.app.connectsTo(stack.loki.app, { ports: [LOKI.port] });
    }
  }
}

/** The datasources file: Prometheus (the default) and, when the stack has logs, Loki; fixed uids, not editable. */
function datasourcesConfig(stack: ObservabilityStack): Record<string, unknown> {
  const datasources: Record<string, unknown>[] = [{
    name: 'Prometheus',
    type: 'prometheus',
    uid: DATASOURCE_UIDS.prometheus,
    access: 'proxy',
    // The operator's headless Service of the Prometheus pods.
    url: `http://prometheus-operated.${stack.namespaceName}.svc:${PORTS.prometheus}`,
    isDefault: true,
    editable: false,
    jsonData: { timeInterval: `${SCRAPE_INTERVAL.toSeconds()}s`, httpMethod: 'POST' },
  }];
  if (stack.loki !== undefined) {
    datasources.push({
      name: 'Loki', type: 'loki', uid: DATASOURCE_UIDS.loki, access: 'proxy', url: stack.loki.url, editable: false, jsonData: { maxLines: LOKI.maxLines },
    });
  }
  return { apiVersion: 1, datasources };
}
