import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { Grafana, GrafanaOptions, KubernetesApiServer, ObservabilityStack, ObservabilityStackProps, Profile, RulePack } from '../../lib';
import { dashboardUid } from '../../lib/observability/_dashboard';
import { errorOf } from '../helpers/errors';
import { chartFor, ofKind } from '../helpers/manifests';
import { API_SERVER, named, stackProps } from '../helpers/observability';
import { expectValidManifests } from '../helpers/schema';

function grafanaOptions(chart: Chart, extra: Partial<GrafanaOptions> = {}): GrafanaOptions {
  const admin = kplus.Secret.fromSecretName(chart, 'GrafanaAdmin', 'grafana-admin');
  return { adminPassword: { secret: admin, key: 'admin-password' }, ...extra };
}

function synth(extra: Partial<GrafanaOptions> = {}, profile: Profile = Profile.PROD): { stack: ObservabilityStack; manifests: any[] } {
  const chart = chartFor(profile);
  const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, { grafana: grafanaOptions(chart, extra) }));
  return { stack, manifests: Testing.synth(chart) };
}

describe('Grafana defaults (prod)', () => {
  // GIVEN a stack with Grafana and only an admin password
  const { stack, manifests } = synth();
  const deployment = named(manifests, 'Deployment', 'grafana');
  const pod = deployment.spec.template.spec;
  const main = pod.containers.find((c: any) => c.name === 'main');
  const sidecar = pod.containers.find((c: any) => c.name === 'dashboards');

  test('every object is valid against the 1.28 schema and the rule pack finds nothing in prod', () => {
    expectValidManifests(manifests);
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('one replica, recorded as the deployment-replicas exemption with the reason', () => {
    expect(stack.grafana!.replicas).toBe(1);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toMatch(/embedded SQLite database, which only one replica may open/);
    expect(named(manifests, 'PodDisruptionBudget', 'grafana').spec.maxUnavailable).toBe(1);
  });

  test('the pinned image, port 3000, /api/health probes and the hardened pod', () => {
    expect(main.image).toBe('docker.io/grafana/grafana:12.3.0');
    expect(main.ports).toEqual([{ containerPort: 3000, name: 'http', protocol: 'TCP' }]);
    expect(main.readinessProbe.httpGet).toEqual({ path: '/api/health', port: 'http', scheme: 'HTTP' });
    expect(main.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(deployment.metadata.namespace).toBe('observability');
  });

  test('writable /var/lib/grafana and /tmp; provisioning mounted read-only from ConfigMaps', () => {
    const mounts = Object.fromEntries(main.volumeMounts.map((m: any) => [m.mountPath, m]));
    expect(mounts['/var/lib/grafana'].readOnly).toBeFalsy();
    expect(mounts['/tmp'].readOnly).toBeFalsy();
    expect(mounts['/etc/grafana/provisioning/datasources'].readOnly).toBe(true);
    expect(mounts['/etc/grafana/provisioning/dashboards'].readOnly).toBe(true);
    expect(mounts['/var/lib/grafana-dashboards'].readOnly).toBe(true);
  });

  test('the admin password comes from the Secret key, never plain text; logs to the console; no phoning home', () => {
    const env = Object.fromEntries(main.env.map((e: any) => [e.name, e]));
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toEqual({ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } });
    expect(env.GF_SECURITY_ADMIN_USER.value).toBe('admin');
    expect(env.GF_LOG_MODE.value).toBe('console');
    expect(env.GF_ANALYTICS_REPORTING_ENABLED.value).toBe('false');
    expect(env.GF_PATHS_PROVISIONING.value).toBe('/etc/grafana/provisioning');
    expect(env.GF_DATABASE_URL).toBeUndefined();
  });

  test('the Prometheus datasource has the fixed uid the dashboards use, and is the default', () => {
    const file = parse(named(manifests, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']);
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toEqual([{
      name: 'Prometheus', type: 'prometheus', uid: 'prometheus', access: 'proxy', url: 'http://prometheus-operated.observability.svc:9090',
      isDefault: true, editable: false, jsonData: { timeInterval: '30s', httpMethod: 'POST' },
    }]);
  });

  test('the dashboard provider reads the sidecar folder; the sidecar watches the labelled ConfigMaps of the stack namespace', () => {
    const provider = parse(named(manifests, 'ConfigMap', 'grafana-dashboard-provider').data['dashboards.yaml']);
    expect(provider.providers).toEqual([expect.objectContaining({ type: 'file', options: { path: '/var/lib/grafana-dashboards', foldersFromFilesStructure: false } })]);
    expect(sidecar.image).toBe('quay.io/kiwigrid/k8s-sidecar:2.2.1');
    const env = Object.fromEntries(sidecar.env.map((e: any) => [e.name, e.value]));
    expect(env).toEqual({
      LABEL: 'grafana_dashboard', LABEL_VALUE: '1', FOLDER: '/var/lib/grafana-dashboards', RESOURCE: 'configmap', NAMESPACE: 'observability',
      METHOD: 'WATCH', HEALTH_PORT: '8080',
    });
    expect(sidecar.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'sidecar-health', scheme: 'HTTP' });
    expect(sidecar.livenessProbe.tcpSocket).toEqual({ port: 'sidecar-health' });
    expect(sidecar.volumeMounts.find((m: any) => m.mountPath === '/var/lib/grafana-dashboards').readOnly).toBe(false);
    expect(sidecar.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  test('the sidecar may only get, list and watch ConfigMaps in the stack namespace (a Role, no ClusterRole)', () => {
    const role = named(manifests, 'Role', 'grafana-dashboards');
    expect(role.metadata.namespace).toBe('observability');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
    const binding = named(manifests, 'RoleBinding', 'grafana-dashboards');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'grafana-dashboards' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'grafana', namespace: 'observability' }]);
    expect(ofKind(manifests, 'ClusterRole').map((r) => r.metadata.name)).not.toContain(expect.stringContaining('grafana'));
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('NetworkPolicy: Grafana reaches Prometheus, DNS and the API server; nothing reaches Grafana; Prometheus admits Grafana', () => {
    const policy = named(manifests, 'NetworkPolicy', 'grafana');
    // the library's "nobody yet" rule: only Grafana's own pods, on its port
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: policy.spec.podSelector }], ports: [{ port: 3000, protocol: 'TCP' }] }]);
    const egress = policy.spec.egress;
    expect(egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'main' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(egress).toHaveLength(3);
    const prometheus = named(manifests, 'NetworkPolicy', 'prometheus-main');
    expect(prometheus.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'grafana' });
    // the pod carries the label the Prometheus policy admits
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('grafana');
  });

  test('the dashboards WorkloadMonitoring emits carry the label the sidecar loads, in the namespace it watches', () => {
    expect(dashboardUid('shop', 'web')).toMatch(/^wl-/);
    expect(stack.namespaceName).toBe('observability');
  });
});

describe('Grafana options', () => {
  test('with an external database: 2 replicas, no exemption, the URL from its Secret key', () => {
    const chart = chartFor(Profile.PROD);
    const db = kplus.Secret.fromSecretName(chart, 'GrafanaDb', 'grafana-db');
    const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, { grafana: grafanaOptions(chart, { database: { secret: db, key: 'url' } }) }));
    const manifests = Testing.synth(chart);
    const deployment = named(manifests, 'Deployment', 'grafana');
    expect(stack.grafana!.replicas).toBe(2);
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBeUndefined();
    const main = deployment.spec.template.spec.containers.find((c: any) => c.name === 'main');
    expect(main.env.find((e: any) => e.name === 'GF_DATABASE_URL').valueFrom).toEqual({ secretKeyRef: { name: 'grafana-db', key: 'url' } });
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('standalone, on a stack created without it', () => {
    const chart = chartFor(Profile.STAGING);
    KubernetesApiServer.use(chart, API_SERVER);
    const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, { apiServer: undefined }));
    const grafana = new Grafana(chart, 'Grafana', { ...grafanaOptions(chart), stack });
    expect(grafana.app.namespaceName).toBe('observability');
    expect(Testing.synth(chart).filter((o) => o.kind === 'Deployment')).toHaveLength(1);
  });

  test('standalone, outside the stack, it takes the stack\'s API server for its NetworkPolicy', () => {
    const chart = chartFor(Profile.PROD);
    const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart));
    new Grafana(chart, 'Grafana', { ...grafanaOptions(chart), stack });
    const manifests = Testing.synth(chart);
    expect(named(manifests, 'NetworkPolicy', 'grafana').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('without grafana the stack output is unchanged (no Grafana objects)', () => {
    const chart = chartFor(Profile.PROD);
    new ObservabilityStack(chart, 'Observability', stackProps(chart, { apiServer: undefined }));
    expect(Testing.synth(chart).filter((o) => (o.metadata?.name ?? '').startsWith('grafana'))).toEqual([]);
  });
});

describe('Grafana bad input', () => {
  function grafanaError(options: Record<string, unknown>, extra: Partial<ObservabilityStackProps> = {}): string {
    const chart = chartFor(Profile.PROD);
    return errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { ...extra, grafana: options as unknown as GrafanaOptions })));
  }

  test('throws for an admin password that is not a Secret key reference', () => {
    expect(grafanaError({ adminPassword: 'hunter2' })).toMatch(/'grafana.adminPassword' \("hunter2"\) is a string, not an object/);
  });

  test('throws for a bad Secret key', () => {
    const chart = chartFor(Profile.PROD);
    const admin = kplus.Secret.fromSecretName(chart, 'GrafanaAdmin', 'grafana-admin');
    const message = errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { grafana: { adminPassword: { secret: admin, key: 'a key/with slash' } } })));
    expect(message).toMatch(/'adminPassword.key' \("a key\/with slash"\) is not a Secret key/);
  });

  test('throws for a database that is not a Secret key reference', () => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ObservabilityStack(chart, 'Observability',
      stackProps(chart, { grafana: { ...grafanaOptions(chart), database: { key: 'url' } as unknown as kplus.SecretValue } })));
    expect(message).toMatch(/'database.secret' .* is not a Secret/);
  });

  test('throws without an API server: the sidecar would be cut off', () => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { apiServer: undefined, grafana: grafanaOptions(chart) })));
    expect(message).toMatch(/Grafana 'test\/Observability\/Grafana' has 1 invalid prop:\n.*'apiServer' \(not set\) is not known, but the dashboard sidecar watches ConfigMaps.*Fix: set 'apiServer' on the ObservabilityStack/s);
  });

  test('throws for a missing admin password', () => {
    expect(grafanaError({})).toMatch(/adminPassword/);
  });
});
