import { createHash } from 'crypto';
import { CADVISOR, DASHBOARD_COLUMNS, DASHBOARD_SCHEMA_VERSION, DATASOURCE_UIDS, KSM_JOB } from './defaults';
import { podPattern, quote } from './_rules';
import type { ControllerKind } from './_rules';

/**
 * What a workload's dashboard shows.
 *
 * @internal
 */
export interface DashboardFacts {
  readonly name: string;
  readonly namespace: string;
  readonly controller?: ControllerKind;
  readonly controllerName: string;
  /** Set when the workload declares request metrics: adds the rate, errors and latency panels. */
  readonly requests?: { readonly job: string; readonly total: string; readonly errorCodes: string; readonly duration: string };
}

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

/**
 * A stable dashboard uid (Grafana allows 40 characters): the same workload always gets the same uid, so links
 * and bookmarks survive a re-apply.
 *
 * @internal
 */
export function dashboardUid(namespace: string, name: string): string {
  return `wl-${createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 20)}`;
}

/**
 * The dashboard JSON of one workload: replicas, CPU and memory against requests and limits, restarts, the request
 * rate, errors and latency when declared, and the workload's logs from Loki, joined on `namespace` and `app`.
 *
 * @internal
 */
export function workloadDashboard(f: DashboardFacts): Record<string, unknown> {
  const ns = `namespace=${quote(f.namespace)}`;
  const pods = `pod=~${quote(podPattern(f.controller, f.controllerName))}`;
  const prom = { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus };
  const panels: Record<string, unknown>[] = [];
  const half = DASHBOARD_COLUMNS / 2;
  const add = (title: string, unit: string, targets: Target[]) => {
    const index = panels.length;
    panels.push({
      id: index + 1,
      type: 'timeseries',
      title,
      datasource: prom,
      gridPos: { h: 8, w: half, x: (index % 2) * half, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit }, overrides: [] },
      targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: prom, expr: t.expr, legendFormat: t.legendFormat })),
    });
  };
  add('Ready pods', 'short', [
    { expr: `sum(kube_pod_status_ready{${KSM_JOB}, ${ns}, ${pods}, condition="true"})`, legendFormat: 'ready' },
  ]);
  add('Restarts (1h)', 'short', [
    { expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${KSM_JOB}, ${ns}, ${pods}}[1h]))`, legendFormat: '{{pod}}' },
  ]);
  const resource = (r: string) => `sum(kube_pod_container_resource_REPLACE{${KSM_JOB}, ${ns}, ${pods}, resource="${r}"})`;
  add('CPU', 'cores', [
    { expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${CADVISOR}, ${ns}, ${pods}, container!=""}[5m]))`, legendFormat: '{{pod}}' },
    { expr: resource('cpu').replace('REPLACE', 'requests'), legendFormat: 'requests' },
    { expr: resource('cpu').replace('REPLACE', 'limits'), legendFormat: 'limits' },
  ]);
  add('Memory', 'bytes', [
    { expr: `sum by (pod) (container_memory_working_set_bytes{${CADVISOR}, ${ns}, ${pods}, container!=""})`, legendFormat: '{{pod}}' },
    { expr: resource('memory').replace('REPLACE', 'requests'), legendFormat: 'requests' },
    { expr: resource('memory').replace('REPLACE', 'limits'), legendFormat: 'limits' },
  ]);
  if (f.requests !== undefined) {
    const r = f.requests;
    const sel = `${ns}, job=${quote(r.job)}`;
    add('Request rate', 'reqps', [{ expr: `sum(rate(${r.total}{${sel}}[5m]))`, legendFormat: 'requests' }]);
    add('Error ratio', 'percentunit', [{
      expr: `sum(rate(${r.total}{${sel}, code=~${quote(r.errorCodes)}}[5m])) / sum(rate(${r.total}{${sel}}[5m]))`, legendFormat: 'errors',
    }]);
    add('Latency p99', 's', [{
      expr: `histogram_quantile(0.99, sum by (le) (rate(${r.duration}_bucket{${sel}}[5m])))`, legendFormat: 'p99',
    }]);
  }
  const y = Math.ceil(panels.length / 2) * 8;
  const loki = { type: 'loki', uid: DATASOURCE_UIDS.loki };
  panels.push({
    id: panels.length + 1,
    type: 'logs',
    title: 'Logs',
    datasource: loki,
    gridPos: { h: 10, w: DASHBOARD_COLUMNS, x: 0, y },
    targets: [{ refId: 'A', datasource: loki, expr: `{namespace=${quote(f.namespace)}, app=${quote(f.name)}}` }],
  });
  return {
    uid: dashboardUid(f.namespace, f.name),
    title: `${f.namespace} / ${f.name}`,
    tags: ['cdk8s-production', f.namespace],
    timezone: 'utc',
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    editable: false,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    panels,
  };
}
