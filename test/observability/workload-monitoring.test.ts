import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AlertReceiver, AlertSeverity, AppProbe, IHardenedWorkload, LatencyBucket, ObservabilityStack, ProductionApp, ProductionCronJob, ProductionJob, ProductionStatefulApp, ProductionWorker, Profile, WorkloadMonitoring, WorkloadMonitoringProps, RulePack } from '../../lib';
import { bucketMatcher, podPattern, promqlProblem } from '../../lib/observability/_rules';
import { errorOf } from '../helpers/errors';
import { ofKind, one } from '../helpers/manifests';
import { promqlProblems } from '../helpers/promql';
import { expectValidManifests } from '../helpers/schema';

const STACK_LABEL = 'observability.platform.example.com/stack';
const IMAGE = 'registry.example.com/shop/checkout:1.2.3';

function setup(profile: Profile = Profile.PROD): { chart: Chart; stack: ObservabilityStack; app: ProductionApp } {
  const app = new (require('cdk8s').App)();
  const platform = new Chart(app, 'platform');
  Profile.use(platform, profile);
  const secret = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
  const stack = new ObservabilityStack(platform, 'Observability', { storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(secret, 'dms') });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  Profile.use(chart, profile);
  const web = new ProductionApp(chart, 'Checkout', {
    name: 'checkout', image: IMAGE, port: 8080, healthPath: '/healthz', additionalPorts: [{ name: 'metrics', port: 9102 }],
    autoscaling: { minReplicas: 3, maxReplicas: 10 },
  });
  return { chart, stack, app: web };
}

function monitorError(extra: Record<string, unknown>, workload?: (chart: Chart) => IHardenedWorkload): string {
  const { chart, stack, app } = setup();
  return errorOf(() => new WorkloadMonitoring(chart, 'Monitoring', {
    workload: workload ? workload(chart) : app, stack, ...extra,
  } as WorkloadMonitoringProps));
}

/** Every expression of the PrometheusRules and dashboards in `manifests`. */
function expressionsOf(manifests: any[]): string[] {
  const rules = ofKind(manifests, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => x.expr)));
  const dashboards = ofKind(manifests, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1')
    .flatMap((c) => Object.values(c.data).flatMap((json) => JSON.parse(json as string).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr))));
  return [...rules, ...dashboards];
}

describe('WorkloadMonitoring of a ProductionApp with metrics and SLOs (prod)', () => {
  // GIVEN a stack, and an app that serves metrics on an additional port and declares request metrics
  const { chart, stack, app } = setup();
  const monitoring = new WorkloadMonitoring(chart, 'CheckoutMonitoring', {
    workload: app, stack, metrics: { port: 9102 },
    slo: { availability: 0.999, latencyThreshold: LatencyBucket.seconds(1), latencyObjective: 0.99 },
  });
  const manifests = Testing.synth(chart);
  const rule = one(manifests, 'PrometheusRule');
  const alerts = rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);

  test('matches the reviewed snapshot', () => {
    expect(manifests.filter((m) => ['ServiceMonitor', 'PrometheusRule', 'ConfigMap'].includes(m.kind))).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes 1.28 and CRD schemas', () => {
    expectValidManifests(manifests);
  });

  test('the app keeps zero rule-pack findings', () => {
    expect(RulePack.check(manifests, { profile: 'prod' }).findings).toEqual([]);
  });

  test('a ServiceMonitor selects exactly the app\'s Service, on the named metrics port, with the stack label and an app label', () => {
    const sm = one(manifests, 'ServiceMonitor');
    const service = one(manifests, 'Service');
    expect(sm.metadata).toMatchObject({ name: 'checkout', namespace: 'shop' });
    expect(sm.metadata.labels[STACK_LABEL]).toBe('main');
    expect(sm.spec.selector.matchLabels).toEqual(service.metadata.labels);
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['shop'] });
    expect(sm.spec.endpoints).toEqual([{
      port: 'metrics', path: '/metrics', interval: '30s',
      relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'app' }],
    }]);
    expect(monitoring.scrapeJob).toBe(service.metadata.name);
    expect(monitoring.podMonitor).toBeUndefined();
  });

  test('the app\'s NetworkPolicy lets the Prometheus pods in, on the metrics port only', () => {
    const policy = ofKind(manifests, 'NetworkPolicy').find((p) => p.metadata.name === 'checkout');
    expect(policy.spec.ingress).toContainEqual({
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'main' } },
      }],
      ports: [{ port: 9102, protocol: 'TCP' }],
    });
  });

  test('the PrometheusRule carries the stack label and has unique group names', () => {
    expect(rule.metadata.labels[STACK_LABEL]).toBe('main');
    const groups = rule.spec.groups.map((g: any) => g.name);
    expect(groups).toEqual(['checkout.workload', 'checkout-availability.slo', 'checkout-latency.slo']);
  });

  test('golden-signal alerts of a Deployment with an autoscaler and a disruption budget, scoped to the app', () => {
    const names = rule.spec.groups[0].rules.map((r: any) => r.alert);
    expect(names).toEqual(['WorkloadPodCrashLooping', 'WorkloadContainerWaiting', 'WorkloadMemoryNearLimit', 'WorkloadReplicasMismatch',
      'WorkloadUnavailable', 'WorkloadRolloutStuck', 'WorkloadHpaMaxedOut', 'WorkloadPdbAtLimit', 'WorkloadTargetDown', 'WorkloadMetricsAbsent']);
    const byName = Object.fromEntries(rule.spec.groups[0].rules.map((r: any) => [r.alert, r]));
    expect(byName.WorkloadPodCrashLooping.expr).toContain('namespace="shop", pod=~"checkout-[a-z0-9]+-[a-z0-9]+"');
    expect(byName.WorkloadUnavailable).toMatchObject({ for: '5m', labels: { severity: 'critical', workload: 'checkout' } });
    expect(byName.WorkloadContainerWaiting.for).toBe('1h');
    expect(byName.WorkloadHpaMaxedOut.expr).toContain('horizontalpodautoscaler="checkout"');
    expect(byName.WorkloadMemoryNearLimit.expr).toMatch(/> 0\.9$/);
    expect(byName.WorkloadMetricsAbsent.expr).toBe(`absent(up{namespace="shop", job="${monitoring.scrapeJob}"})`);
  });

  test('every alert has a severity that routes, a summary and a runbook', () => {
    for (const a of alerts) {
      expect(a.labels.severity).toMatch(/^(critical|warning|info)$/);
      expect(a.annotations.summary).toBeTruthy();
      expect(a.annotations.runbook_url).toMatch(/^https:\/\/runbooks\.prometheus-operator\.dev\//);
    }
  });

  test('SLOs: error-ratio recording rules over 5m..3d, and four burn-rate tiers each', () => {
    const slo = rule.spec.groups[1].rules;
    expect(slo.filter((r: any) => r.record).map((r: any) => r.record)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(slo[0].labels).toEqual({ slo: 'checkout-availability', namespace: 'shop', service: 'checkout' });
    const tiers = slo.filter((r: any) => r.alert).map((r: any) => [r.labels.long, r.labels.short, r.labels.severity, r.for]);
    expect(tiers).toEqual([['1h', '5m', 'critical', '2m'], ['6h', '30m', 'critical', '15m'], ['1d', '2h', 'warning', '1h'], ['3d', '6h', 'warning', '3h']]);
    expect(slo.find((r: any) => r.alert).expr).toBe(
      'slo:sli_error:ratio_rate1h{slo="checkout-availability"} > (14.4 * (1 - 0.999)) and slo:sli_error:ratio_rate5m{slo="checkout-availability"} > (14.4 * (1 - 0.999))');
  });

  test('the latency SLO matches an integer bucket bound on Prometheus 2 (le="1") and 3 (le="1.0")', () => {
    const record = rule.spec.groups[2].rules[0];
    expect(record.expr).toContain('le=~"1([.]0)?"');
    expect(bucketMatcher(0.3)).toBe('le="0.3"');
    expect(bucketMatcher(LatencyBucket.millis(250).boundSeconds)).toBe('le="0.25"');
    expect(bucketMatcher(LatencyBucket.seconds(2.5).boundSeconds)).toBe('le="2.5"');
    const re = /^(?:1([.]0)?)$/;
    expect(['1', '1.0'].map((v) => re.test(v))).toEqual([true, true]);
    expect(re.test('10')).toBe(false);
  });

  test('every generated expression parses with the Prometheus grammar and passes the linter\'s type checks', () => {
    const exprs = expressionsOf(manifests);
    expect(exprs.length).toBeGreaterThan(40);
    for (const e of exprs) {
      expect([e, promqlProblems(e)]).toEqual([e, []]);
    }
  });

  test('the checker catches what it must (so that the test above can fail)', () => {
    expect(promqlProblems('sum(rate(foo[5m])')).not.toEqual([]);
    expect(promqlProblems('rate(foo)')).not.toEqual([]);
    expect(promqlProblems('')).not.toEqual([]);
  });

  test('the dashboard: a labelled ConfigMap in the stack namespace with the fields Grafana needs', () => {
    const cm = ofKind(manifests, 'ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(cm.metadata).toMatchObject({ name: 'dashboard-shop-checkout', namespace: 'observability' });
    const dashboard = JSON.parse(cm.data['shop-checkout.json']);
    expect(dashboard).toMatchObject({ title: 'shop / checkout', schemaVersion: 39 });
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.panels.map((p: any) => p.title)).toEqual(['Ready pods', 'Restarts (1h)', 'CPU', 'Memory', 'Request rate', 'Error ratio', 'Latency p99', 'Logs']);
    for (const p of dashboard.panels) {
      expect(p.type).toMatch(/^(timeseries|logs)$/);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.targets.length).toBeGreaterThan(0);
      expect(['prometheus', 'loki']).toContain(p.datasource.uid);
      for (const t of p.targets) expect(t.datasource.uid).toBe(p.datasource.uid);
    }
    // Metrics and logs join on namespace and app (app.kubernetes.io/name).
    expect(dashboard.panels.at(-1).targets[0].expr).toBe('{namespace="shop", app="checkout"}');
    const cpu = dashboard.panels.find((p: any) => p.title === 'CPU').targets.map((t: any) => t.legendFormat);
    expect(cpu).toEqual(['{{pod}}', 'requests', 'limits']);
  });

  test('the dashboard uid is stable', () => {
    const again = setup();
    new WorkloadMonitoring(again.chart, 'CheckoutMonitoring', { workload: again.app, stack: again.stack });
    const uid = (m: any[]) => JSON.parse(Object.values(ofKind(m, 'ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1').data)[0] as string).uid;
    expect(uid(Testing.synth(again.chart))).toBe(uid(manifests));
  });
});

describe('WorkloadMonitoring of every hardened workload kind', () => {
  test('without metrics: no monitor, no NetworkPolicy change, alerts from kube-state-metrics only', () => {
    const { chart, stack, app } = setup();
    const before = JSON.stringify(Testing.synth(chart).find((m) => m.kind === 'NetworkPolicy'));
    const monitoring = new WorkloadMonitoring(chart, 'Monitoring', { workload: app, stack });
    const manifests = Testing.synth(chart);
    expect(ofKind(manifests, 'ServiceMonitor')).toEqual([]);
    expect(JSON.stringify(manifests.find((m) => m.kind === 'NetworkPolicy'))).toBe(before);
    expect(monitoring.scrapeJob).toBeUndefined();
    const names = one(manifests, 'PrometheusRule').spec.groups[0].rules.map((r: any) => r.alert);
    expect(names).not.toContain('WorkloadTargetDown');
    expect(ofKind(manifests, 'ConfigMap')[0]).toBeDefined();
  });

  test('a ProductionWorker: Deployment alerts, no autoscaler alert without an autoscaler', () => {
    const { chart, stack } = setup();
    const worker = new ProductionWorker(chart, 'Mailer', { name: 'mailer', image: IMAGE, liveness: AppProbe.exec(['/bin/true']), readiness: AppProbe.exec(['cat', '/tmp/ready']) });
    new WorkloadMonitoring(chart, 'Monitoring', { workload: worker, stack });
    const manifests = Testing.synth(chart);
    const rules = ofKind(manifests, 'PrometheusRule')[0].spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['WorkloadPodCrashLooping', 'WorkloadContainerWaiting', 'WorkloadMemoryNearLimit',
      'WorkloadReplicasMismatch', 'WorkloadUnavailable', 'WorkloadRolloutStuck', 'WorkloadPdbAtLimit']);
    expectValidManifests(manifests);
  });

  test('a ProductionStatefulApp: StatefulSet pod names and series, scraped through its headless Service', () => {
    const { chart, stack } = setup();
    const db = new ProductionStatefulApp(chart, 'Db', {
      name: 'db', image: 'registry.example.com/data/pg:16.4', port: 5432, portName: 'pg', readiness: AppProbe.exec(['pg_isready']),
      liveness: AppProbe.tcpSocket(), additionalPorts: [{ name: 'metrics', port: 9187 }],
      volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd' }],
    });
    new WorkloadMonitoring(chart, 'Monitoring', { workload: db, stack, metrics: { port: 9187, path: '/probe', interval: Duration.seconds(15) } });
    const manifests = Testing.synth(chart);
    const rules = one(manifests, 'PrometheusRule').spec.groups[0].rules;
    expect(rules.find((r: any) => r.alert === 'WorkloadUnavailable').expr).toBe(
      'kube_statefulset_status_replicas_ready{job="kube-state-metrics", namespace="shop", statefulset="db"} == 0');
    expect(rules[0].expr).toContain('pod=~"db-[0-9]+"');
    expect(one(manifests, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/probe', interval: '15s' });
    expectValidManifests(manifests);
    for (const e of expressionsOf(manifests)) expect([e, promqlProblems(e)]).toEqual([e, []]);
  });

  test('a ProductionJob and a ProductionCronJob: failed-job alerts, no replica alerts', () => {
    const { chart, stack } = setup();
    const job = new ProductionJob(chart, 'Migrate', { name: 'migrate', image: IMAGE });
    const cron = new ProductionCronJob(chart, 'Report', { name: 'report', image: IMAGE, schedule: '0 3 * * *' });
    new WorkloadMonitoring(chart, 'JobMonitoring', { workload: job, stack });
    new WorkloadMonitoring(chart, 'CronMonitoring', { workload: cron, stack, memoryLimitThreshold: 0.8 });
    const manifests = Testing.synth(chart);
    const [jobRules, cronRules] = ofKind(manifests, 'PrometheusRule').map((r) => r.spec.groups[0].rules);
    expect(jobRules.map((r: any) => r.alert)).toEqual(['WorkloadPodCrashLooping', 'WorkloadContainerWaiting', 'WorkloadMemoryNearLimit', 'WorkloadJobFailed']);
    expect(jobRules[3].expr).toBe('kube_job_failed{job="kube-state-metrics", namespace="shop", job_name="migrate"} > 0');
    expect(cronRules[3].expr).toBe('kube_job_failed{job="kube-state-metrics", namespace="shop", job_name=~"report-[0-9]+"} > 0');
    expect(cronRules[2].expr).toMatch(/> 0\.8$/);
    expect(cronRules[0].expr).toContain('pod=~"report-[0-9]+-[a-z0-9]+"');
    expectValidManifests(manifests);
    for (const e of expressionsOf(manifests)) expect([e, promqlProblems(e)]).toEqual([e, []]);
  });

  test('a workload whose metrics port is on no Service gets a PodMonitor selecting its pods, with the namespace/name job', () => {
    const { chart, stack } = setup();
    // A hardened workload kind without a Service (none of the library's kinds has ports without one yet).
    const allowed: unknown[][] = [];
    const worker = new ProductionWorker(chart, 'Exporter', { name: 'exporter', image: IMAGE, liveness: AppProbe.exec(['/bin/true']), readiness: AppProbe.exec(['cat', '/tmp/ready']) });
    const noService = Object.create(worker, {
      ports: { value: [{ name: 'metrics', port: 9100 }] },
      addIngressRule: { value: (peer: unknown, options: unknown) => allowed.push([peer, options]) },
    }) as IHardenedWorkload;
    const monitoring = new WorkloadMonitoring(chart, 'Monitoring', { workload: noService, stack, metrics: { port: 9100 } });
    const manifests = Testing.synth(chart);
    const pm = one(manifests, 'PodMonitor');
    expect(pm.spec.selector.matchLabels).toEqual(worker.podSelector);
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics', interval: '30s' });
    expect(pm.metadata.labels[STACK_LABEL]).toBe('main');
    expect(monitoring.scrapeJob).toBe('shop/exporter');
    expect(ofKind(manifests, 'ServiceMonitor')).toEqual([]);
    expect(allowed).toEqual([[stack.prometheusPeer, { ports: [9100] }]]);
    expectValidManifests(manifests);
  });

  test('custom alerts go into their own group with the workload label', () => {
    const { chart, stack, app } = setup();
    new WorkloadMonitoring(chart, 'Monitoring', {
      workload: app, stack,
      alerts: [{ name: 'CheckoutQueueBacklog', expr: 'sum(checkout_queue_depth) > 1000', summary: 'The queue grows', forDuration: Duration.minutes(10),
        severity: AlertSeverity.CRITICAL, runbookUrl: 'https://runbooks.example.com/checkout' }],
    });
    const groups = one(Testing.synth(chart), 'PrometheusRule').spec.groups;
    expect(groups.at(-1)).toEqual({ name: 'checkout.custom', rules: [{
      alert: 'CheckoutQueueBacklog', expr: 'sum(checkout_queue_depth) > 1000', for: '600s',
      labels: { severity: 'critical', workload: 'checkout' }, annotations: { summary: 'The queue grows', runbook_url: 'https://runbooks.example.com/checkout' },
    }] });
  });

  test('pod patterns are exact: the pods of checkout-api are not checkout\'s', () => {
    const re = new RegExp(`^${podPattern('Deployment', 'checkout')}$`);
    expect(re.test('checkout-7d9f8b6c5-x2x9z')).toBe(true);
    expect(re.test('checkout-api-7d9f8b6c5-x2x9z')).toBe(false);
  });
});

describe('WorkloadMonitoring bad input', () => {
  test('throws for a metrics port the app does not expose, naming its ports', () => {
    expect(monitorError({ metrics: { port: 9999 } })).toContain(
      "'metrics.port' (9999) is not a port of the workload (it has 8080 (http), 9102 (metrics)). Fix: use one of its ports, or add the port with 'additionalPorts'");
  });

  test('throws for metrics on a workload that serves no port', () => {
    expect(monitorError({ metrics: { port: 9100 } }, (c) => new ProductionWorker(c, 'W', { name: 'w', image: IMAGE, liveness: AppProbe.exec(['/bin/true']), readiness: AppProbe.exec(['cat', '/tmp/ready']) })))
      .toContain("'metrics.port' (9100) is not a port of the workload (it serves no port)");
  });

  test('throws for an SLO objective of 1 and of 0', () => {
    const message = monitorError({ metrics: { port: 9102 }, slo: { availability: 1, latencyThreshold: LatencyBucket.millis(300), latencyObjective: 0 } });
    expect(message).toContain("'slo.availability' (1) is not in (0, 1)");
    expect(message).toContain("'slo.latencyObjective' (0) is not in (0, 1)");
  });

  test('throws for an SLO without metrics, and for an SLO with no objective', () => {
    expect(monitorError({ slo: { availability: 0.99 } })).toContain("'slo' (\"set\") needs the request metrics, but 'metrics' is not set");
    expect(monitorError({ metrics: { port: 9102 }, slo: {} })).toContain("'slo' (\"empty\") declares no objective");
  });

  test('throws for a latency threshold without an objective, and a threshold below a millisecond', () => {
    expect(monitorError({ metrics: { port: 9102 }, slo: { latencyThreshold: LatencyBucket.millis(300) } })).toContain("'slo.latencyThreshold' (\"0.3s\") and 'slo.latencyObjective' go together");
    expect(monitorError({ metrics: { port: 9102 }, slo: { latencyThreshold: LatencyBucket.millis(0), latencyObjective: 0.9 } }))
      .toContain("'slo.latencyThreshold' (\"0s\") is not a positive bucket bound");
  });

  test('throws for an alert threshold out of range', () => {
    expect(monitorError({ memoryLimitThreshold: 1.5 })).toContain("'memoryLimitThreshold' (1.5) is not in (0, 1]");
  });

  test('throws for an empty PromQL expression and unbalanced brackets', () => {
    const message = monitorError({ alerts: [
      { name: 'A', expr: '', summary: 's' },
      { name: 'B', expr: 'sum(rate(foo[5m])', summary: 's' },
      { name: 'C', expr: 'foo{a="b"', summary: 's' },
    ] });
    expect(message).toContain("'alerts[0].expr' (\"\") is empty");
    expect(message).toContain("'alerts[1].expr' (\"sum(rate(foo[5m])\") has an unclosed '('");
    expect(message).toContain("'alerts[2].expr' (\"foo{a=\\\"b\\\"\") has an unclosed '{'");
  });

  test('throws for a duplicate rule name, also against a built-in alert', () => {
    const message = monitorError({ alerts: [
      { name: 'Backlog', expr: 'up == 0', summary: 's' }, { name: 'Backlog', expr: 'up == 0', summary: 's' },
      { name: 'WorkloadUnavailable', expr: 'up == 0', summary: 's' },
    ] });
    expect(message).toContain("'alerts[1].name' (\"Backlog\") is used twice");
    expect(message).toContain("'alerts[2].name' (\"WorkloadUnavailable\") is used twice (or by a built-in alert of the workload)");
  });

  test('throws for an invalid alert name, an empty summary and a runbook that is not a URL, all at once', () => {
    const message = monitorError({ alerts: [{ name: '1-bad', expr: 'up == 0', summary: ' ', runbookUrl: 'runbooks/x' }] });
    expect(message).toContain("WorkloadMonitoring 'shop/Monitoring' has 3 invalid props");
    expect(message).toContain("'alerts[0].name' (\"1-bad\") is not a valid alert name");
    expect(message).toContain("'alerts[0].summary' (\" \") is empty");
    expect(message).toContain("'alerts[0].runbookUrl' (\"runbooks/x\") is not an http(s) URL");
  });

  test('throws for a bad metrics path and interval', () => {
    const message = monitorError({ metrics: { port: 9102, path: 'metrics', interval: Duration.seconds(1) } });
    expect(message).toContain("'metrics.path' (\"metrics\") is not an absolute URL path");
    expect(message).toContain("'metrics.interval' (\"1s\") is shorter than 5s: scraping more often loads Prometheus");
  });

  test('refuses an alert duration or scrape interval that is not whole seconds, with the prop types\' message', () => {
    const message = monitorError({ metrics: { port: 9102, interval: Duration.millis(7500) }, alerts: [{ name: 'Slow', expr: 'up == 0', summary: 's', forDuration: Duration.millis(1500) }] });
    expect(message).toContain("'metrics.interval' (\"7.5s\") is not a whole number of seconds");
    expect(message).toContain("'alerts[0].forDuration' (\"1.5s\") is not a whole number of seconds");
  });

  test('throws for bad metric names in the SLO', () => {
    expect(monitorError({ metrics: { port: 9102 }, slo: { availability: 0.99, requestsMetric: 'http-requests' } }))
      .toContain("'slo.requestsMetric' (\"http-requests\") is not a metric name");
  });

  test('throws for a workload without a namespace', () => {
    const { stack } = setup();
    const bare = Testing.chart();
    const app = new ProductionApp(bare, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    expect(errorOf(() => new WorkloadMonitoring(bare, 'Monitoring', { workload: app, stack })))
      .toContain("'workload' (\"test/Web\") has no namespace, so its alerts cannot be scoped to it");
  });

  test('throws for a stack or workload of the wrong type (plain JavaScript)', () => {
    const { chart, app } = setup();
    const message = errorOf(() => new WorkloadMonitoring(chart, 'Monitoring', { workload: {}, stack: app } as unknown as WorkloadMonitoringProps));
    expect(message).toContain("'stack' (shop/Checkout) is a ProductionApp, not an ObservabilityStack");
  });

  test('the expression pre-check agrees with the grammar on what it reports', () => {
    for (const bad of ['', 'sum(rate(foo[5m])', 'foo{a="b"', 'foo)']) {
      expect([bad, promqlProblem(bad) !== undefined]).toEqual([bad, true]);
      expect(promqlProblems(bad)).not.toEqual([]);
    }
    expect(promqlProblem('sum by (le) (rate(x_bucket{le=~"1([.]0)?"}[5m]))')).toBeUndefined();
  });
});
