import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { LogsOptions, ObservabilityStack, ObservabilityStackProps, Profile, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor } from '../helpers/manifests';
import { named, stackProps } from '../helpers/observability';
import { expectValidManifests } from '../helpers/schema';

function synth(logs: LogsOptions = {}, profile: Profile = Profile.PROD, extra: Partial<ObservabilityStackProps> = {}): { stack: ObservabilityStack; manifests: any[] } {
  const chart = chartFor(profile);
  const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, { logs, ...extra }));
  return { stack, manifests: Testing.synth(chart) };
}

function logsError(logs: Record<string, unknown>): string {
  const chart = chartFor(Profile.PROD);
  return errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { logs: logs as LogsOptions })));
}

const PROMETHEUS_PODS = { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'main' };
const STACK_NAMESPACE = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } };

describe('Logs defaults (prod): Loki', () => {
  // GIVEN a stack with logs and Grafana
  const chart = chartFor(Profile.PROD);
  const admin = kplus.Secret.fromSecretName(chart, 'GrafanaAdmin', 'grafana-admin');
  const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, {
    logs: {}, kubeStateMetrics: true, grafana: { adminPassword: { secret: admin, key: 'admin-password' } },
  }));
  const manifests = Testing.synth(chart);
  const sts = named(manifests, 'StatefulSet', 'loki');
  const main = sts.spec.template.spec.containers.find((c: any) => c.name === 'main');
  const config = parse(named(manifests, 'ConfigMap', 'loki-config').data['loki.yaml']);

  test('every object of the whole stack is valid against the 1.28 schema and the rule pack finds nothing in prod', () => {
    expectValidManifests(manifests);
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('one replica, recorded as an exemption with the reason', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(sts.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toMatch(/^single-binary Loki keeps its index/);
  });

  test('the pinned image, ports, probes, args and the hardened pod', () => {
    expect(main.image).toBe('docker.io/grafana/loki:3.7.3');
    expect(main.ports).toEqual([{ containerPort: 3100, name: 'http', protocol: 'TCP' }, { containerPort: 9095, name: 'grpc', protocol: 'TCP' }]);
    expect(main.args).toEqual(['-config.file=/etc/loki/loki.yaml', '-target=all']);
    expect(main.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http', scheme: 'HTTP' });
    expect(main.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(main.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
    const mounts = Object.fromEntries(main.volumeMounts.map((m: any) => [m.mountPath, m]));
    expect(mounts['/etc/loki'].readOnly).toBe(true);
    expect(mounts['/var/loki'].name).toBe('data');
    expect(mounts['/tmp']).toBeDefined();
  });

  test('the volume: 50Gi from the stack\'s StorageClass, kept when the StatefulSet goes', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([expect.objectContaining({
      spec: expect.objectContaining({ storageClassName: 'ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } }),
    })]);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(stack.loki!.storageSize.toGibibytes()).toBe(50);
  });

  test('the config: single tenant, filesystem TSDB v13, retention 744h by the compactor, no usage reports', () => {
    expect(config.auth_enabled).toBe(false);
    expect(config.server).toEqual({ http_listen_port: 3100, grpc_listen_port: 9095 });
    expect(config.common.replication_factor).toBe(1);
    expect(config.schema_config.configs).toEqual([{
      from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' },
    }]);
    expect(config.compactor).toEqual({ working_directory: '/var/loki/compactor', retention_enabled: true, delete_request_store: 'filesystem' });
    expect(config.limits_config).toEqual({ retention_period: '744h', reject_old_samples: true, reject_old_samples_max_age: '168h', max_entries_limit_per_query: 1000 });
    expect(config.analytics).toEqual({ reporting_enabled: false });
  });

  test('Grafana has the Loki datasource with the fixed uid the log panels use', () => {
    const file = parse(named(manifests, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']);
    expect(file.datasources[1]).toEqual({
      name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki.observability.svc:3100', editable: false, jsonData: { maxLines: 1000 },
    });
  });

  test('NetworkPolicy: only Alloy (push) and Grafana (query) reach Loki, on 3100', () => {
    const policy = named(manifests, 'NetworkPolicy', 'loki');
    const alloyPods = named(manifests, 'Deployment', 'alloy').spec.selector.matchLabels;
    const grafanaPods = named(manifests, 'Deployment', 'grafana').spec.selector.matchLabels;
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: alloyPods } }], ports: [{ port: 3100, protocol: 'TCP' }] },
      { from: [{ podSelector: { matchLabels: grafanaPods } }], ports: [{ port: 3100, protocol: 'TCP' }] },
    ]);
    const grafana = named(manifests, 'NetworkPolicy', 'grafana');
    expect(grafana.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: named(manifests, 'StatefulSet', 'loki').spec.selector.matchLabels } }], ports: [{ port: 3100, protocol: 'TCP' }] });
  });

  test('NetworkPolicy: only Prometheus reaches kube-state-metrics; Prometheus admits Grafana only besides itself', () => {
    expect(named(manifests, 'NetworkPolicy', 'kube-state-metrics').spec.ingress).toEqual([
      { from: [{ ...STACK_NAMESPACE, podSelector: { matchLabels: PROMETHEUS_PODS } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    const prometheus = named(manifests, 'NetworkPolicy', 'prometheus-main');
    expect(prometheus.spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels)).toEqual([{ 'app.kubernetes.io/name': 'grafana' }, PROMETHEUS_PODS]);
  });
});

describe('Logs options', () => {
  test('retention, size and StorageClass are the user\'s', () => {
    const { stack, manifests } = synth({ retention: Duration.days(14), storageSize: Size.gibibytes(100), storageClassName: 'hdd' });
    const config = parse(named(manifests, 'ConfigMap', 'loki-config').data['loki.yaml']);
    expect(config.limits_config.retention_period).toBe('336h');
    expect(stack.loki!.retention.toDays()).toBe(14);
    const claim = named(manifests, 'StatefulSet', 'loki').spec.volumeClaimTemplates[0].spec;
    expect(claim.storageClassName).toBe('hdd');
    expect(claim.resources.requests.storage).toBe('100Gi');
  });

  test('profile defaults: 7 days and 10Gi in dev', () => {
    const { stack } = synth({}, Profile.DEV);
    expect(stack.loki!.retention.toDays()).toBe(7);
    expect(stack.loki!.storageSize.toGibibytes()).toBe(10);
  });
});

describe('Logs bad input', () => {
  test('throws for a retention under a day', () => {
    expect(logsError({ retention: Duration.hours(2) })).toMatch(/'retention' \("2h"\) is not a whole number of hours of at least a day/);
  });

  test('throws for a retention that is not whole hours', () => {
    expect(logsError({ retention: Duration.minutes(1530) })).toMatch(/'retention' .* is not a whole number of hours/);
  });

  test('throws for a volume below 1Gi', () => {
    expect(logsError({ storageSize: Size.mebibytes(512) })).toMatch(/'storageSize' \("512Mi"\) is not a whole number of at least 1Gi/);
  });

  test('throws for a bad StorageClass name', () => {
    expect(logsError({ storageClassName: 'Fast SSD' })).toMatch(/'storageClassName' \("Fast SSD"\) is not a StorageClass name/);
  });

  test('throws for logs of the wrong type', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { logs: true as unknown as LogsOptions }))))
      .toMatch(/'logs' \(true\) is a boolean, not an object/);
  });

  test('throws without an API server: Alloy would be cut off', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { apiServer: undefined, logs: {} }))))
      .toMatch(/Alloy 'test\/Observability\/Alloy' has 1 invalid prop:\n.*'apiServer' \(not set\) is not known, but Alloy discovers pods/);
  });
});
