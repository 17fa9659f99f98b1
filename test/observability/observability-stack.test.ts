import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse } from 'yaml';
import { AlertReceiver, ObservabilityStack, ObservabilityStackProps, Profile, RulePack } from '../../lib';
import { _clusterRuleGroups } from '../../lib/observability/observability-stack';
import { errorOf } from '../helpers/errors';
import { chartFor, ofKind, one } from '../helpers/manifests';
import { promqlProblems } from '../helpers/promql';
import { expectValidManifests } from '../helpers/schema';

const STACK_LABEL = 'observability.platform.example.com/stack';

function receivers(chart: Chart): Partial<ObservabilityStackProps> {
  const secret = kplus.Secret.fromSecretName(chart, 'AlertingSecret', 'alerting');
  return {
    watchdogReceiver: AlertReceiver.webhook(secret, 'deadmansswitch-url'),
    criticalReceiver: AlertReceiver.pagerDuty(secret, 'pagerduty-routing-key'),
    warningReceiver: AlertReceiver.slack(secret, 'slack-url', '#alerts'),
  };
}

function synth(extra: Partial<ObservabilityStackProps> = {}, profile: Profile = Profile.PROD): { stack: ObservabilityStack; manifests: any[] } {
  const chart = chartFor(profile);
  const stack = new ObservabilityStack(chart, 'Observability', { storageClassName: 'ssd', ...receivers(chart), ...extra });
  return { stack, manifests: Testing.synth(chart) };
}

function stackError(extra: Record<string, unknown>, profile: Profile = Profile.PROD): string {
  const chart = chartFor(profile);
  return errorOf(() => new ObservabilityStack(chart, 'Observability', { storageClassName: 'ssd', ...receivers(chart), ...extra } as ObservabilityStackProps));
}

describe('ObservabilityStack defaults (prod)', () => {
  // GIVEN a StorageClass and three receivers, in prod
  const { stack, manifests } = synth();
  const prometheus = one(manifests, 'Prometheus');
  const alertmanager = one(manifests, 'Alertmanager');

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes 1.28 and prometheus-operator CRD schemas', () => {
    expectValidManifests(manifests);
  });

  test('the stack\'s objects have zero rule-pack findings in prod', () => {
    expect(RulePack.check(manifests, { profile: 'prod' }).findings).toEqual([]);
  });

  test('the exemptions are recorded with their reasons: operator-created pods, and a root config without credentials', () => {
    const exempt = (o: any) => Object.entries(o.metadata.annotations ?? {}).filter(([k]) => k.startsWith('production.platform.io/exempt-'));
    const policies = ofKind(manifests, 'NetworkPolicy').filter((p) => p.metadata.name.endsWith('-main'));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(exempt(p)).toEqual([['production.platform.io/exempt-network-policy-targets-pods', expect.stringContaining('Prometheus Operator creates the pods')]]);
      // kube-score, which also checks that a NetworkPolicy targets pods of the manifest, reads the same exemption.
      expect(p.metadata.annotations['kube-score/ignore']).toBe('networkpolicy-targets-pod');
      expect(p.metadata.annotations['production.platform.io/exemption-reason']).toMatch(/Prometheus Operator creates the pods/);
    }
    const secret = ofKind(manifests, 'Secret').find((s) => s.metadata.name === 'alertmanager-main');
    expect(exempt(secret)).toEqual([['production.platform.io/exempt-no-plain-secret-data', expect.stringContaining('every credential is a key of a Secret')]]);
    // Everything else is exemption-free.
    expect(manifests.filter((o) => exempt(o).length > 0)).toHaveLength(3);
  });

  test('runs in its own ProductionNamespace, restricted and default-deny', () => {
    const ns = one(manifests, 'Namespace');
    expect(ns.metadata.name).toBe('observability');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(stack.namespaceName).toBe('observability');
    for (const m of manifests.filter((o) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))) {
      expect([m.kind, m.metadata.namespace]).toEqual([m.kind, 'observability']);
    }
  });

  test('Prometheus: HA pair, pinned version, EndpointSlice discovery, persistent storage, retention by time and size', () => {
    expect(stack.prometheusReplicas).toBe(2);
    expect(prometheus.metadata.name).toBe('main');
    expect(prometheus.spec).toMatchObject({
      replicas: 2,
      version: 'v3.13.2',
      image: 'quay.io/prometheus/prometheus:v3.13.2',
      serviceDiscoveryRole: 'EndpointSlice',
      retention: '30d',
      retentionSize: '42GiB',
      storage: { volumeClaimTemplate: { spec: { storageClassName: 'ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } } },
      serviceAccountName: 'prometheus-main',
      automountServiceAccountToken: true,
    });
    expect(prometheus.spec.shards).toBeUndefined();
    // An empty string would turn off the operator's labeldrop, and Alertmanager would see each alert twice.
    expect(prometheus.spec.replicaExternalLabelName).toBeUndefined();
  });

  test('Prometheus: every selector is the stack label, never null (nothing) nor {} (every stack)', () => {
    const selector = { matchLabels: { [STACK_LABEL]: 'main' } };
    for (const field of ['serviceMonitorSelector', 'podMonitorSelector', 'ruleSelector']) {
      expect(prometheus.spec[field]).toEqual(selector);
    }
    for (const field of ['serviceMonitorNamespaceSelector', 'podMonitorNamespaceSelector', 'ruleNamespaceSelector']) {
      expect(prometheus.spec[field]).toEqual({});
    }
    expect(stack.selectorLabels).toEqual({ [STACK_LABEL]: 'main' });
  });

  test('Prometheus: resources, pod security, spread over nodes, priority class, alerting to Alertmanager', () => {
    expect(prometheus.spec.resources).toEqual({ requests: { cpu: '200m', memory: '2Gi' }, limits: { memory: '2Gi' } });
    expect(prometheus.spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(prometheus.spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'main' } },
    }]);
    expect(prometheus.spec.priorityClassName).toBeDefined();
    expect(prometheus.spec.alerting.alertmanagers).toEqual([{ name: 'alertmanager-operated', namespace: 'observability', port: 'web', apiVersion: 'v2' }]);
    expect(prometheus.spec.externalLabels).toBeUndefined();
  });

  test('RBAC: a ServiceAccount without an automounted token and a read-only ClusterRole', () => {
    const sa = one(manifests, 'ServiceAccount');
    expect(sa.metadata.name).toBe('prometheus-main');
    expect(sa.automountServiceAccountToken).toBe(false);
    const role = one(manifests, 'ClusterRole');
    const verbs = new Set(role.rules.flatMap((r: any) => r.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    expect(role.rules.flatMap((r: any) => r.resources ?? [])).not.toContain('secrets');
    const binding = one(manifests, 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-main', namespace: 'observability' }]);
  });

  test('disruption budgets: Prometheus minAvailable 1, Alertmanager maxUnavailable 1', () => {
    const [p, a] = ofKind(manifests, 'PodDisruptionBudget');
    expect(p.spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } });
    expect(a.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'alertmanager' } } });
  });

  test('NetworkPolicies: only Grafana and the replicas reach Prometheus; only Prometheus and the gossip peers reach Alertmanager', () => {
    const policies = ofKind(manifests, 'NetworkPolicy');
    const prom = policies.find((p) => p.metadata.name === 'prometheus-main');
    const am = policies.find((p) => p.metadata.name === 'alertmanager-main');
    expect(prom.spec.ingress.map((r: any) => [r.from[0].podSelector.matchLabels['app.kubernetes.io/name'], r.ports.map((p: any) => p.port)]))
      .toEqual([['grafana', [9090]], ['prometheus', [9090, 8080]]]);
    expect(am.spec.ingress[1].ports).toEqual([{ port: 9094, protocol: 'TCP' }, { port: 9094, protocol: 'UDP' }]);
    expect(am.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/name']).toBe('prometheus');
    for (const p of [prom, am]) {
      expect(p.spec.egress).toEqual([{}]);
      expect(p.metadata.annotations['production.platform.io/egress-reason']).toMatch(/.{20,}/);
    }
  });

  test('Alertmanager: 3 replicas, pinned, config and credential Secrets, team configs by stack label', () => {
    expect(stack.alertmanagerReplicas).toBe(3);
    expect(alertmanager.spec).toMatchObject({
      replicas: 3, version: 'v0.28.1', configSecret: 'alertmanager-main', secrets: ['alerting'],
      alertmanagerConfigSelector: { matchLabels: { [STACK_LABEL]: 'main' } }, alertmanagerConfigNamespaceSelector: {},
      alertmanagerConfigMatcherStrategy: { type: 'OnNamespace' },
      resources: { requests: { cpu: '10m', memory: '100Mi' }, limits: { cpu: '100m', memory: '100Mi' } },
    });
  });

  test('the root routing tree: Watchdog to the dead-man\'s switch, severity routes, kube-prometheus inhibition, no plain-text credentials', () => {
    const secret = ofKind(manifests, 'Secret').find((s) => s.metadata.name === 'alertmanager-main');
    const config = parse(secret.stringData['alertmanager.yaml']);
    expect(config.route).toMatchObject({ receiver: 'warning', group_by: ['namespace', 'alertname'], group_wait: '30s', group_interval: '5m', repeat_interval: '12h' });
    expect(config.route.routes).toEqual([
      { matchers: ['alertname = Watchdog'], receiver: 'watchdog', group_wait: '0s', repeat_interval: '5m' },
      { matchers: ['alertname = InfoInhibitor'], receiver: 'null' },
      { matchers: ['severity = critical'], receiver: 'critical', repeat_interval: '4h' },
      { matchers: ['severity = info'], receiver: 'null' },
    ]);
    expect(config.inhibit_rules).toHaveLength(3);
    expect(config.inhibit_rules[0]).toEqual({ source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['namespace', 'alertname'] });
    const byName = Object.fromEntries(config.receivers.map((r: any) => [r.name, r]));
    expect(byName.watchdog.webhook_configs[0].url_file).toBe('/etc/alertmanager/secrets/alerting/deadmansswitch-url');
    expect(byName.critical.pagerduty_configs[0].routing_key_file).toBe('/etc/alertmanager/secrets/alerting/pagerduty-routing-key');
    expect(byName.warning.slack_configs[0]).toEqual({ api_url_file: '/etc/alertmanager/secrets/alerting/slack-url', channel: '#alerts', send_resolved: true });
    expect(JSON.stringify(config)).not.toMatch(/"(url|api_url|routing_key|auth_password)":/);
  });

  test('every monitor and rule carries the stack label', () => {
    for (const m of [...ofKind(manifests, 'ServiceMonitor'), ...ofKind(manifests, 'PrometheusRule')]) {
      expect(m.metadata.labels[STACK_LABEL]).toBe('main');
    }
    expect(ofKind(manifests, 'ServiceMonitor').map((m) => m.spec.selector.matchLabels)).toEqual([
      { 'operated-prometheus': 'true' }, { 'operated-alertmanager': 'true' }, { 'app.kubernetes.io/name': 'kubelet' },
    ]);
  });

  test('the kubelets and cAdvisor are scraped as job="kubelet", with metrics_path, which the workload alerts read', () => {
    const kubelet = ofKind(manifests, 'ServiceMonitor').find((m) => m.metadata.name === 'kubelet');
    expect(kubelet.spec.jobLabel).toBe('app.kubernetes.io/name');
    expect(kubelet.spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] });
    expect(kubelet.spec.endpoints.map((e: any) => e.path)).toEqual(['/metrics', '/metrics/cadvisor']);
    for (const e of kubelet.spec.endpoints) {
      expect(e).toMatchObject({ port: 'https-metrics', scheme: 'https', honorLabels: true,
        bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        relabelings: [{ sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path' }] });
    }
    expect(stack.kubeletMonitor).toBeDefined();
  });

  test('cluster rules: Watchdog and the essentials, each with severity, summary and runbook', () => {
    const rules = one(manifests, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
    const names = rules.map((r: any) => r.alert);
    expect(names).toEqual(expect.arrayContaining(['Watchdog', 'KubeNodeNotReady', 'KubeDeploymentUnavailable', 'KubePodCrashLooping',
      'KubePersistentVolumeFillingUp', 'KubePdbNotEnoughHealthyPods', 'CertificateExpiringSoon', 'PrometheusNotConnectedToAlertmanagers',
      'AlertmanagerClusterDown']));
    expect(new Set(names).size).toBe(names.length);
    for (const r of rules) {
      expect(r.labels.severity).toMatch(/^(critical|warning|info|none)$/);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.runbook_url).toMatch(/^https:\/\//);
    }
    expect(rules.find((r: any) => r.alert === 'Watchdog')).toMatchObject({ expr: 'vector(1)', labels: { severity: 'none' } });
  });

  test('every cluster rule expression parses with the Prometheus grammar and passes its linter', () => {
    for (const g of _clusterRuleGroups()) {
      for (const r of g.rules) {
        expect([r.alert, promqlProblems(r.expr)]).toEqual([r.alert, []]);
      }
    }
  });

  test('is deterministic', () => {
    expect(synth().manifests).toEqual(manifests);
  });
});

describe('ObservabilityStack profiles and props', () => {
  test('dev: one Prometheus and one Alertmanager, no budgets, 15d retention on 10Gi, no Watchdog receiver needed', () => {
    const chart = chartFor(Profile.DEV);
    const stack = new ObservabilityStack(chart, 'Observability', { storageClassName: 'ssd' });
    const manifests = Testing.synth(chart);
    expect([stack.prometheusReplicas, stack.alertmanagerReplicas]).toEqual([1, 1]);
    expect(ofKind(manifests, 'PodDisruptionBudget')).toEqual([]);
    expect(one(manifests, 'Prometheus').spec).toMatchObject({ retention: '15d', retentionSize: '8GiB', resources: { limits: { memory: '512Mi' } } });
    expect(one(manifests, 'Alertmanager').spec.secrets).toBeUndefined();
    const config = parse(ofKind(manifests, 'Secret')[0].stringData['alertmanager.yaml']);
    expect(config.route.receiver).toBe('null');
    expect(config.receivers).toEqual([{ name: 'null' }]);
    expectValidManifests(manifests);
  });

  test('staging: HA like prod, 15d retention on 20Gi', () => {
    const { stack, manifests } = synth({}, Profile.STAGING);
    expect([stack.prometheusReplicas, stack.alertmanagerReplicas]).toEqual([2, 3]);
    expect(one(manifests, 'Prometheus').spec).toMatchObject({ retention: '15d', retentionSize: '17GiB' });
  });

  test('namespace, name, cluster label, replicas, retention and size are the user\'s', () => {
    const { stack, manifests } = synth({
      namespaceName: 'monitoring', name: 'k8s', clusterName: 'prod-eu-1', prometheusReplicas: 3, alertmanagerReplicas: 5,
      retention: Duration.hours(96), storageSize: Size.gibibytes(100),
    });
    const prometheus = one(manifests, 'Prometheus');
    expect(prometheus.metadata).toMatchObject({ name: 'k8s', namespace: 'monitoring' });
    expect(prometheus.spec).toMatchObject({ replicas: 3, retention: '4d', retentionSize: '85GiB', externalLabels: { cluster: 'prod-eu-1' },
      ruleSelector: { matchLabels: { [STACK_LABEL]: 'k8s' } } });
    expect(one(manifests, 'Alertmanager').spec.replicas).toBe(5);
    expect(stack.prometheusPeer.toNetworkPolicyPeer('apps')).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'k8s' } },
    });
  });

  test('the critical route falls back to the warning receiver', () => {
    const chart = chartFor(Profile.PROD);
    const secret = kplus.Secret.fromSecretName(chart, 'S', 'alerting');
    new ObservabilityStack(chart, 'Observability', {
      storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(secret, 'dms'),
      warningReceiver: AlertReceiver.email({ to: 'oncall@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587', username: 'am', passwordSecret: secret, passwordKey: 'smtp' }),
    });
    const config = parse(ofKind(Testing.synth(chart), 'Secret')[0].stringData['alertmanager.yaml']);
    expect(config.route.routes[2].receiver).toBe('warning');
    expect(config.receivers.find((r: any) => r.name === 'warning').email_configs[0]).toMatchObject({
      auth_password_file: '/etc/alertmanager/secrets/alerting/smtp', require_tls: true, smarthost: 'smtp.example.com:587',
    });
  });
});

describe('ObservabilityStack bad input', () => {
  test('throws without a Watchdog receiver in prod', () => {
    expect(stackError({ watchdogReceiver: undefined })).toMatch(/'watchdogReceiver' \(not set\) is not set: nobody notices when alerting itself is down, which is not allowed in prod\. Fix: send the Watchdog alert/);
  });

  test('throws for a receiver without credentials', () => {
    const message = stackError({ criticalReceiver: AlertReceiver.pagerDuty(undefined as unknown as kplus.ISecret, '') });
    expect(message).toContain("ObservabilityStack 'test/Observability' has 2 invalid props");
    expect(message).toContain("'criticalReceiver.secret' (not set) is missing: a receiver needs its credential from a Secret");
    expect(message).toContain("'criticalReceiver.key' (\"\") is empty");
  });

  test('throws for an email receiver with a bad smarthost and an empty address', () => {
    const chart = chartFor(Profile.PROD);
    const secret = kplus.Secret.fromSecretName(chart, 'S', 'alerting');
    const message = stackError({ warningReceiver: AlertReceiver.email({ to: '', fromAddress: 'a@example.com', smarthost: 'smtp.example.com', username: 'u', passwordSecret: secret, passwordKey: 'p' }) });
    expect(message).toContain("'warningReceiver.to' (\"\") is empty");
    expect(message).toContain("'warningReceiver.smarthost' (\"smtp.example.com\") is not host:port");
  });

  test('throws for a retention shorter than the 3-day SLO window', () => {
    expect(stackError({ retention: Duration.hours(48) })).toContain("'retention' (\"2 days\") is shorter than 3 days");
  });

  test('throws for one Prometheus or Alertmanager replica in prod, and a zero count anywhere', () => {
    const message = stackError({ prometheusReplicas: 1, alertmanagerReplicas: 0 });
    expect(message).toContain("'prometheusReplicas' (1) is 1: no high availability, which is not allowed in prod");
    expect(message).toContain("'alertmanagerReplicas' (0) is not a whole number of at least 1");
  });

  test('throws for names that are not DNS labels, a bad StorageClass and a bad cluster label, all at once', () => {
    const message = stackError({ namespaceName: 'Obs', name: 'main_1', storageClassName: 'SSD!', clusterName: 'prod eu' });
    expect(message).toContain('has 4 invalid props');
    expect(message).toContain("'namespaceName' (\"Obs\") is not a DNS-1123 label");
    expect(message).toContain("'storageClassName' (\"SSD!\") is not a StorageClass name");
    expect(message).toContain("'clusterName' (\"prod eu\") is not a valid label value");
  });

  test('throws for a volume below 2Gi', () => {
    expect(stackError({ storageSize: Size.mebibytes(512) })).toContain("'storageSize' (\"0Gi\") is below 2Gi");
  });

  test('throws for a missing storageClassName and an unknown prop (plain JavaScript)', () => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ObservabilityStack(chart, 'Observability', { retentionDays: 3 } as unknown as ObservabilityStackProps));
    expect(message).toContain("'storageClassName' (not set) is required");
    expect(message).toContain("'retentionDays' (3) is not a prop of ObservabilityStackProps");
  });
});
