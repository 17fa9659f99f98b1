import {
  BURN_RATE_TIERS, CADVISOR, KSM_JOB, RUNBOOK_BASE, SLO_WINDOWS, WORKLOAD_ALERTS,
} from './defaults';

// The PromQL the library writes: every expression is built here, from the workload's facts, so that one test can
// parse all of them with the Prometheus grammar.

/**
 * One alerting or recording rule, in the PrometheusRule shape.
 *
 * @internal
 */
export interface RuleSpec {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * The controller kind that owns a workload's pods, which decides the pod-name pattern and the kube-state-metrics
 * series of its alerts.
 *
 * @internal
 */
export type ControllerKind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob';

/**
 * What the rules of one workload are built from.
 *
 * @internal
 */
export interface WorkloadFacts {
  readonly name: string;
  readonly namespace: string;
  readonly controller?: ControllerKind;
  /** The controller object's name. */
  readonly controllerName: string;
  /** Present when an autoscaler can scale (min != max). */
  readonly autoscalerName?: string;
  readonly disruptionBudgetName?: string;
  /** The `job` label of the workload's scrape targets, when it is scraped. */
  readonly scrapeJob?: string;
  readonly memoryNearLimit: number;
}

/**
 * A PromQL string literal.
 *
 * @internal
 */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Escapes a value for use inside a PromQL regex matcher (RE2, fully anchored). */
function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The pattern of the pod names of a controller: exact, so that the pods of `<name>-api` never match `<name>`.
 *
 * @internal
 */
export function podPattern(controller: ControllerKind | undefined, name: string): string {
  const base = regexEscape(name);
  switch (controller) {
    case 'Deployment': return `${base}-[a-z0-9]+-[a-z0-9]+`;
    case 'StatefulSet': return `${base}-[0-9]+`;
    case 'Job': return `${base}-[a-z0-9]+`;
    case 'CronJob': return `${base}-[0-9]+-[a-z0-9]+`;
    default: return `${base}-.+`;
  }
}

function runbook(path: string): string {
  return `${RUNBOOK_BASE}/${path}`;
}

function alert(name: string, expr: string, forDuration: string | undefined, severity: string, workload: string, summary: string,
  runbookPath: string): RuleSpec {
  return {
    alert: name,
    expr,
    for: forDuration,
    labels: { severity, workload },
    annotations: { summary, description: `${summary} ({{ $labels.namespace }}/{{ $labels.pod }}{{ $labels.container }})`, runbook_url: runbook(runbookPath) },
  };
}

/**
 * The golden-signal alerts of one workload: crash loops, waiting containers and memory for every kind; replicas,
 * availability and rollouts for Deployments and StatefulSets; failures for jobs; scrape health when scraped.
 *
 * @internal
 */
export function workloadAlerts(f: WorkloadFacts): RuleSpec[] {
  const a = WORKLOAD_ALERTS;
  const ns = `namespace=${quote(f.namespace)}`;
  const pods = `pod=~${quote(podPattern(f.controller, f.controllerName))}`;
  const rules: RuleSpec[] = [
    alert('WorkloadPodCrashLooping',
      `max_over_time(kube_pod_container_status_waiting_reason{${KSM_JOB}, ${ns}, ${pods}, reason="CrashLoopBackOff"}[5m]) >= 1`,
      a.crashLoopingFor, 'warning', f.name, `A container of ${f.name} is restarting in a crash loop`, 'kubernetes/kubepodcrashlooping'),
    alert('WorkloadContainerWaiting',
      `sum by (namespace, pod, container) (kube_pod_container_status_waiting_reason{${KSM_JOB}, ${ns}, ${pods}, reason!="CrashLoopBackOff"}) > 0`,
      a.containerWaitingFor, 'warning', f.name, `A container of ${f.name} has been waiting for over an hour`, 'kubernetes/kubecontainerwaiting'),
    alert('WorkloadMemoryNearLimit',
      `max by (namespace, pod, container) (container_memory_working_set_bytes{${CADVISOR}, ${ns}, ${pods}, container!=""})`
      + ` / on (namespace, pod, container) max by (namespace, pod, container) (kube_pod_container_resource_limits{${KSM_JOB}, ${ns}, ${pods}, resource="memory"})`
      + ` > ${f.memoryNearLimit}`,
      a.memoryNearLimitFor, 'warning', f.name, `A container of ${f.name} uses over ${Math.round(f.memoryNearLimit * 100)}% of its memory limit`,
      'kubernetes/kubememoryovercommit'),
  ];
  const obj = (label: string) => `${KSM_JOB}, ${ns}, ${label}=${quote(f.controllerName)}`;
  if (f.controller === 'Deployment') {
    const d = obj('deployment');
    rules.push(
      alert('WorkloadReplicasMismatch',
        `(kube_deployment_spec_replicas{${d}} > kube_deployment_status_replicas_available{${d}})`
        + ` and (changes(kube_deployment_status_replicas_updated{${d}}[10m]) == 0)`,
        a.replicasMismatchFor, 'warning', f.name, `${f.name} has not matched its expected number of replicas`, 'kubernetes/kubedeploymentreplicasmismatch'),
      alert('WorkloadUnavailable', `kube_deployment_status_replicas_available{${d}} == 0`,
        a.unavailableFor, 'critical', f.name, `${f.name} has no available replica`, 'kubernetes/kubedeploymentreplicasmismatch'),
      alert('WorkloadRolloutStuck', `kube_deployment_status_condition{${d}, condition="Progressing", status="false"} != 0`,
        a.rolloutStuckFor, 'warning', f.name, `The rollout of ${f.name} is not progressing`, 'kubernetes/kubedeploymentrolloutstuck'),
    );
  } else if (f.controller === 'StatefulSet') {
    const s = obj('statefulset');
    rules.push(
      alert('WorkloadReplicasMismatch',
        `(kube_statefulset_status_replicas_ready{${s}} != kube_statefulset_replicas{${s}})`
        + ` and (changes(kube_statefulset_status_replicas_updated{${s}}[10m]) == 0)`,
        a.replicasMismatchFor, 'warning', f.name, `${f.name} has not matched its expected number of replicas`, 'kubernetes/kubestatefulsetreplicasmismatch'),
      alert('WorkloadUnavailable', `kube_statefulset_status_replicas_ready{${s}} == 0`,
        a.unavailableFor, 'critical', f.name, `${f.name} has no ready replica`, 'kubernetes/kubestatefulsetreplicasmismatch'),
    );
  } else if (f.controller === 'Job' || f.controller === 'CronJob') {
    // A CronJob's jobs are named `<cron job>-<scheduled minute>`.
    const owner = f.controller === 'Job' ? `job_name=${quote(f.controllerName)}` : `job_name=~${quote(`${regexEscape(f.controllerName)}-[0-9]+`)}`;
    rules.push(alert('WorkloadJobFailed', `kube_job_failed{${KSM_JOB}, ${ns}, ${owner}} > 0`,
      a.jobFailedFor, 'warning', f.name, `A job of ${f.name} failed`, 'kubernetes/kubejobfailed'));
  }
  if (f.autoscalerName !== undefined) {
    const h = `${KSM_JOB}, ${ns}, horizontalpodautoscaler=${quote(f.autoscalerName)}`;
    rules.push(alert('WorkloadHpaMaxedOut',
      `kube_horizontalpodautoscaler_status_current_replicas{${h}} == kube_horizontalpodautoscaler_spec_max_replicas{${h}}`,
      a.hpaMaxedOutFor, 'warning', f.name, `${f.name} runs at the autoscaler's maximum`, 'kubernetes/kubehpamaxedout'));
  }
  if (f.disruptionBudgetName !== undefined) {
    const p = `${KSM_JOB}, ${ns}, poddisruptionbudget=${quote(f.disruptionBudgetName)}`;
    rules.push(alert('WorkloadPdbAtLimit',
      `(kube_poddisruptionbudget_status_desired_healthy{${p}} - kube_poddisruptionbudget_status_current_healthy{${p}}) > 0`,
      a.pdbAtLimitFor, 'warning', f.name, `${f.name} has fewer healthy pods than its disruption budget wants`, 'kubernetes/kubepdbnotenoughhealthypods'));
  }
  if (f.scrapeJob !== undefined) {
    const up = `up{${ns}, job=${quote(f.scrapeJob)}}`;
    rules.push(
      alert('WorkloadTargetDown', `100 * (count(${up} == 0) / count(${up})) > ${a.targetDownPercent}`,
        a.targetDownFor, 'warning', f.name, `Over ${a.targetDownPercent}% of the metrics targets of ${f.name} are down`, 'general/targetdown'),
      alert('WorkloadMetricsAbsent', `absent(${up})`,
        a.metricsAbsentFor, 'warning', f.name, `Prometheus finds no metrics target of ${f.name}: the monitor selects nothing`, 'general/targetdown'),
    );
  }
  return rules;
}

/**
 * The request metrics of an SLO, resolved.
 *
 * @internal
 */
export interface SloFacts {
  readonly name: string;
  readonly namespace: string;
  readonly scrapeJob: string;
  readonly requestsTotal: string;
  readonly errorCodes: string;
  readonly durationHistogram: string;
  readonly availability?: number;
  /** The latency threshold in seconds, a bucket bound. */
  readonly latencyThresholdSeconds?: number;
  readonly latencyObjective?: number;
}

/**
 * The `le` matcher of a bucket bound, for Prometheus 2 and 3: since v3 an integer bound `le="1"` is stored as
 * `le="1.0"`, so an integer bound matches both spellings.
 *
 * @internal
 */
export function bucketMatcher(seconds: number): string {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `le=~${quote(`${text}([.]0)?`)}` : `le=${quote(text)}`;
}

/** Prints an objective without float artefacts (0.999, not 0.9989999). */
function printNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

function sloRules(sloName: string, objective: number, errorRatio: (window: string) => string, f: SloFacts, alertName: string,
  what: string): RuleSpec[] {
  const labels = { slo: sloName, namespace: f.namespace, service: f.name };
  const records: RuleSpec[] = SLO_WINDOWS.map((w) => ({ record: `slo:sli_error:ratio_rate${w}`, expr: errorRatio(w), labels }));
  const budget = `(1 - ${printNumber(objective)})`;
  const sel = `{slo=${quote(sloName)}}`;
  const alerts: RuleSpec[] = BURN_RATE_TIERS.map((t) => ({
    alert: alertName,
    expr: `slo:sli_error:ratio_rate${t.long}${sel} > (${t.factor} * ${budget}) and slo:sli_error:ratio_rate${t.short}${sel} > (${t.factor} * ${budget})`,
    for: t.for,
    labels: { severity: t.severity, workload: f.name, slo: sloName, long: t.long, short: t.short },
    annotations: {
      summary: `${f.name} burns its ${what} error budget ${t.factor}x too fast (${t.long}/${t.short} windows)`,
      description: `At this rate the ${what} SLO of ${printNumber(objective * 100)}% over 30 days is missed.`,
      runbook_url: `${RUNBOOK_BASE}/kubernetes/kubeapierrorbudgetburn`,
    },
  }));
  return [...records, ...alerts];
}

/**
 * Recording rules for the SLI error ratio over every window, and the four burn-rate alerts, per declared SLO.
 *
 * @internal
 */
export function sloRuleSets(f: SloFacts): { name: string; rules: RuleSpec[] }[] {
  const sel = `namespace=${quote(f.namespace)}, job=${quote(f.scrapeJob)}`;
  const out: { name: string; rules: RuleSpec[] }[] = [];
  if (f.availability !== undefined) {
    const ratio = (w: string) => `sum(rate(${f.requestsTotal}{${sel}, code=~${quote(f.errorCodes)}}[${w}]))`
      + ` / sum(rate(${f.requestsTotal}{${sel}}[${w}]))`;
    out.push({ name: `${f.name}-availability`, rules: sloRules(`${f.name}-availability`, f.availability, ratio, f, 'WorkloadErrorBudgetBurn', 'availability') });
  }
  if (f.latencyThresholdSeconds !== undefined && f.latencyObjective !== undefined) {
    const h = f.durationHistogram;
    const le = bucketMatcher(f.latencyThresholdSeconds);
    const ratio = (w: string) => `1 - (sum(rate(${h}_bucket{${sel}, ${le}}[${w}])) / sum(rate(${h}_count{${sel}}[${w}])))`;
    out.push({ name: `${f.name}-latency`, rules: sloRules(`${f.name}-latency`, f.latencyObjective, ratio, f, 'WorkloadLatencyBudgetBurn', 'latency') });
  }
  return out;
}

/**
 * What is wrong with a PromQL expression that can be seen without the grammar: empty, unbalanced brackets or an
 * unterminated string. The tests parse every generated expression with the Prometheus grammar itself.
 *
 * @internal
 */
export function promqlProblem(expr: string): string | undefined {
  if (expr.trim() === '') {
    return 'is empty';
  }
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quoteChar: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quoteChar !== undefined) {
      if (c === '\\' && quoteChar !== '`') i++;
      else if (c === quoteChar) quoteChar = undefined;
      continue;
    }
    if (c === '"' || c === '\'' || c === '`') quoteChar = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in closing) {
      if (stack.pop() !== closing[c]) return `has an unmatched '${c}' at ${i}`;
    }
  }
  if (quoteChar !== undefined) return `has an unterminated string (${quoteChar})`;
  if (stack.length > 0) return `has an unclosed '${stack[stack.length - 1]}'`;
  return undefined;
}

/**
 * A valid Prometheus alert name (and label name).
 *
 * @internal
 */
export const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
