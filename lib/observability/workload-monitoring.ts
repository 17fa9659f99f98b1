import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodMonitor } from '../../imports/podmonitor-monitoring.coreos.com';
import { PrometheusRule } from '../../imports/prometheusrule-monitoring.coreos.com';
import { ServiceMonitor } from '../../imports/servicemonitor-monitoring.coreos.com';
import { workloadDashboard } from './_dashboard';
import { ALERT_NAME, ControllerKind, RuleSpec, promqlProblem, sloRuleSets, workloadAlerts } from './_rules';
import { DASHBOARD_LABEL, METRICS_PATH, REQUEST_METRICS, SCRAPE_INTERVAL, WORKLOAD_ALERTS } from './defaults';
import { ObservabilityStack, _toCrdRule } from './observability-stack';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { checkMinDuration } from '../internal/quantity';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import type { IHardenedWorkload } from '../workload/hardened-workload';

/**
 * How bad an alert is; Alertmanager routes on it.
 */
export enum AlertSeverity {
  /** Pages someone now. */
  CRITICAL = 'critical',
  /** Goes to the team's chat; look at it today. */
  WARNING = 'warning',
  /** Shown on dashboards; inhibited unless something worse fires. */
  INFO = 'info',
}

/**
 * A bound of a latency histogram's buckets (its `le` label), e.g. `LatencyBucket.millis(300)`.
 *
 * A latency SLO counts the requests in the bucket at or below the bound, so the bound must be one of the histogram's
 * buckets. The rules match an integer bound both as Prometheus 2 writes it (`le="1"`) and as Prometheus 3 does
 * (`le="1.0"`).
 */
export class LatencyBucket {
  /** A bound in milliseconds. */
  public static millis(milliseconds: number): LatencyBucket {
    return new LatencyBucket(milliseconds / 1000);
  }

  /** A bound in seconds. */
  public static seconds(seconds: number): LatencyBucket {
    return new LatencyBucket(seconds);
  }

  private constructor(
    /** The bound in seconds, the unit of Prometheus histograms. */
    public readonly boundSeconds: number,
  ) {}

  /** The bound, as the `le` label writes it. */
  public toString(): string {
    return `${Number(this.boundSeconds.toPrecision(12))}s`;
  }
}

/**
 * Where Prometheus scrapes a workload's metrics.
 */
export interface WorkloadMetricsOptions {
  /** The port the metrics are served on: one of the workload's ports (the main one or an additional port). */
  readonly port: number;
  /**
   * The HTTP path of the metrics.
   *
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * How often Prometheus scrapes.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
}

/**
 * Service level objectives of a workload that serves requests, read from its request metrics. Each objective gets
 * recording rules for the error ratio over 5m to 3d and four multi-window burn-rate alerts (1h/5m x14.4 and
 * 6h/30m x6 critical, 1d/2h x3 and 3d/6h x1 warning) over a 30-day period.
 *
 * @see https://sre.google/workbook/alerting-on-slos/
 */
export interface WorkloadSloOptions {
  /**
   * The share of requests that must not fail, in (0, 1), e.g. 0.999.
   *
   * @default - no availability SLO
   */
  readonly availability?: number;
  /**
   * The latency a request must beat: a bucket bound of the duration histogram.
   *
   * @default - no latency SLO
   */
  readonly latencyThreshold?: LatencyBucket;
  /**
   * The share of requests that must beat `latencyThreshold`, in (0, 1).
   *
   * @default - no latency SLO
   */
  readonly latencyObjective?: number;
  /**
   * The request counter, with a `code` label.
   *
   * @default 'http_requests_total'
   */
  readonly requestsMetric?: string;
  /**
   * The request duration histogram (its `_bucket` and `_count` series are read).
   *
   * @default 'http_request_duration_seconds'
   */
  readonly durationMetric?: string;
  /**
   * The regular expression of the `code` values that count as errors.
   *
   * @default '5..'
   */
  readonly errorCodes?: string;
}

/**
 * An alert of the workload's own, added to its PrometheusRule.
 */
export interface WorkloadAlertRule {
  /** The alert name (letters, digits and '_'), unique among the workload's alerts. */
  readonly name: string;
  /** The PromQL expression; the alert fires for every series it returns. */
  readonly expr: string;
  /** What is wrong, for the notification. */
  readonly summary: string;
  /**
   * How long the expression must hold before the alert fires.
   *
   * @default - fires at once
   */
  readonly forDuration?: Duration;
  /**
   * The severity.
   *
   * @default AlertSeverity.WARNING
   */
  readonly severity?: AlertSeverity;
  /**
   * The runbook that tells the on-call what to do.
   *
   * @default - none
   */
  readonly runbookUrl?: string;
}

/**
 * Props of a `WorkloadMonitoring`.
 */
export interface WorkloadMonitoringProps {
  /** The workload to monitor: any hardened workload (ProductionApp, ProductionWorker, ProductionStatefulApp, jobs). */
  readonly workload: IHardenedWorkload;
  /** The stack whose Prometheus scrapes the workload and evaluates its rules. */
  readonly stack: ObservabilityStack;
  /**
   * Where the workload serves metrics: creates a ServiceMonitor (a PodMonitor when the port is not on a Service),
   * and lets the Prometheus pods reach that port.
   *
   * @default - the workload is not scraped; its alerts read kube-state-metrics and cAdvisor only
   */
  readonly metrics?: WorkloadMetricsOptions;
  /**
   * Service level objectives; need `metrics`.
   *
   * @default - none
   */
  readonly slo?: WorkloadSloOptions;
  /**
   * More alerts of the workload's own.
   *
   * @default - none
   */
  readonly alerts?: WorkloadAlertRule[];
  /**
   * The share of a container's memory limit above which `WorkloadMemoryNearLimit` fires, in (0, 1].
   *
   * @default 0.9
   */
  readonly memoryLimitThreshold?: number;
}

/**
 * Metrics, alerts and a dashboard for one hardened workload, on an `ObservabilityStack`.
 *
 * Emits a ServiceMonitor or PodMonitor (with `metrics`), a PrometheusRule with the workload's golden-signal alerts
 * (crash loops, waiting containers, memory near its limit, replicas, availability and rollouts, autoscaler at its
 * maximum, disruption budget at its limit, failed jobs, scrape health) and SLO burn-rate alerts, and a Grafana
 * dashboard ConfigMap in the stack's namespace. Every monitor and rule carries the stack's selector label.
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * const stack = new ObservabilityStack(platform, 'Observability', { storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url') });
 * new WorkloadMonitoring(shop, 'WebMonitoring', { workload: web, stack, metrics: { port: 8080 }, slo: { availability: 0.999 } });
 */
export class WorkloadMonitoring extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The monitored workload's name. */
  public readonly name: string;
  /** The workload's namespace. */
  public readonly namespaceName: string;
  /** The `job` label of the workload's scrape targets, when it is scraped. */
  public readonly scrapeJob?: string;
  /** The memory-limit share that alerts. */
  public readonly memoryLimitThreshold: number;

  /** The ServiceMonitor, when the metrics port is on the workload's Service. */
  public readonly serviceMonitor?: ApiObject;
  /** The PodMonitor, when the metrics port is not on a Service. */
  public readonly podMonitor?: ApiObject;
  /** The workload's alert and recording rules. */
  public readonly rules: ApiObject;
  /** The dashboard, as a ConfigMap the Grafana sidecar loads. */
  public readonly dashboard: kplus.ConfigMap;

  public constructor(scope: Construct, id: string, props: WorkloadMonitoringProps) {
    super(scope, _uniqueId(scope, id, 'WorkloadMonitoring'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'WorkloadMonitoring', this.profile);
    assertPropTypes(errors, props, 'WorkloadMonitoringProps');
    const { workload, stack } = props;
    errors.check(typeof workload?.addIngressRule !== 'function', 'workload', workload, 'is not a hardened workload',
      'pass a ProductionApp, ProductionWorker, ProductionStatefulApp, ProductionJob or ProductionCronJob');
    errors.throwIfAny();

    this.name = workload.name;
    this.namespaceName = workload.namespaceName ?? '';
    this.memoryLimitThreshold = props.memoryLimitThreshold ?? WORKLOAD_ALERTS.memoryNearLimit;
    errors.check(workload.namespaceName === undefined, 'workload', workload.node.path, 'has no namespace, so its alerts cannot be scoped to it',
      'create the workload in a ProductionNamespace or in a chart with a namespace');
    errors.check(!(this.memoryLimitThreshold > 0 && this.memoryLimitThreshold <= 1), 'memoryLimitThreshold', this.memoryLimitThreshold,
      'is not in (0, 1]', 'use a share of the limit, e.g. 0.9');

    // ---- metrics ----
    const metrics = props.metrics;
    const port = metrics === undefined ? undefined : workload.ports.find((p) => p.port === metrics.port);
    if (metrics !== undefined) {
      const have = workload.ports.map((p) => `${p.port} (${p.name})`).join(', ');
      errors.check(port === undefined, 'metrics.port', metrics.port, `is not a port of the workload${have ? ` (it has ${have})` : ' (it serves no port)'}`,
        have ? 'use one of its ports, or add the port with \'additionalPorts\'' : 'give the workload a port, or do not scrape it');
      errors.check(metrics.path !== undefined && !/^\/[^\s?#]*$/.test(metrics.path), 'metrics.path', metrics.path, 'is not an absolute URL path',
        'write it as e.g. \'/metrics\'');
      checkMinDuration(errors, 'metrics.interval', metrics.interval, 5, 'scraping more often loads Prometheus and the workload for no better alerts');
    }
    const onService = port !== undefined && workload.service !== undefined;
    const scrapeJob = port === undefined ? undefined : onService ? workload.service!.name : `${this.namespaceName}/${this.name}`;
    this.scrapeJob = scrapeJob;

    // ---- SLOs and alerts ----
    const slo = props.slo;
    const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
    if (slo !== undefined) {
      errors.check(metrics === undefined, 'slo', 'set', 'needs the request metrics, but \'metrics\' is not set', 'set \'metrics\' to where the workload serves them');
      errors.check(slo.availability === undefined && slo.latencyThreshold === undefined && slo.latencyObjective === undefined, 'slo', 'empty',
        'declares no objective', 'set \'availability\', or \'latencyThreshold\' and \'latencyObjective\'');
      for (const prop of ['availability', 'latencyObjective'] as const) {
        const v = slo[prop];
        errors.check(v !== undefined && !(v > 0 && v < 1), `slo.${prop}`, v, 'is not in (0, 1)', 'write the objective as a share, e.g. 0.999 for 99.9%');
      }
      errors.check((slo.latencyThreshold === undefined) !== (slo.latencyObjective === undefined), 'slo.latencyThreshold',
        slo.latencyThreshold?.toString(), 'and \'slo.latencyObjective\' go together', 'set both, or neither');
      const bound = slo.latencyThreshold?.boundSeconds;
      errors.check(bound !== undefined && !(Number.isFinite(bound) && bound > 0), 'slo.latencyThreshold', slo.latencyThreshold?.toString(),
        'is not a positive bucket bound', 'use a bucket bound of the histogram, e.g. LatencyBucket.millis(300)');
      for (const prop of ['requestsMetric', 'durationMetric'] as const) {
        errors.check(slo[prop] !== undefined && !metricName.test(slo[prop]!), `slo.${prop}`, slo[prop], 'is not a metric name', 'use letters, digits, \'_\' and \':\'');
      }
      errors.check(slo.errorCodes !== undefined && slo.errorCodes.trim() === '', 'slo.errorCodes', slo.errorCodes, 'is empty', 'use e.g. \'5..\'');
    }
    const custom = props.alerts ?? [];
    const controller = controllerOf(workload);
    const facts = {
      name: this.name, namespace: this.namespaceName, controller: controller.kind, controllerName: controller.name,
      autoscalerName: controller.autoscaler, disruptionBudgetName: controller.disruptionBudget, scrapeJob, memoryNearLimit: this.memoryLimitThreshold,
    };
    const builtIn = workloadAlerts(facts);
    const seen = new Set(builtIn.map((r) => r.alert!));
    custom.forEach((a, i) => {
      const at = `alerts[${i}]`;
      errors.check(!ALERT_NAME.test(a.name ?? ''), `${at}.name`, a.name, 'is not a valid alert name', 'use letters, digits and \'_\', not starting with a digit');
      errors.check(seen.has(a.name), `${at}.name`, a.name, 'is used twice (or by a built-in alert of the workload)', 'give each alert a unique name');
      seen.add(a.name);
      const problem = promqlProblem(a.expr ?? '');
      errors.check(problem !== undefined, `${at}.expr`, a.expr, `${problem}`, 'write a PromQL expression, e.g. \'rate(errors_total[5m]) > 1\'');
      errors.check((a.summary ?? '').trim() === '', `${at}.summary`, a.summary, 'is empty', 'say what is wrong, for the notification');
      errors.check(a.runbookUrl !== undefined && !/^https?:\/\/\S+$/.test(a.runbookUrl), `${at}.runbookUrl`, a.runbookUrl, 'is not an http(s) URL',
        'link the runbook page');
    });
    errors.throwIfAny();

    const selectorLabels = stack.selectorLabels;
    const metadata = objectMetadata(this.profile, this.name, this.namespaceName,
      { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/instance': this.name, ...selectorLabels });
    const relabelings = [{ sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], targetLabel: 'app' }];
    if (metrics !== undefined && port !== undefined) {
      const endpoint = { port: port.name, path: metrics.path ?? METRICS_PATH, interval: `${(metrics.interval ?? SCRAPE_INTERVAL).toSeconds()}s`, relabelings };
      if (onService) {
        const serviceLabels = ApiObject.of(workload.service!).metadata.toJson().labels ?? {};
        this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
          metadata,
          spec: { selector: { matchLabels: serviceLabels }, namespaceSelector: { matchNames: [this.namespaceName] }, endpoints: [endpoint] },
        });
      } else {
        this.podMonitor = new PodMonitor(this, 'PodMonitor', {
          metadata,
          spec: { selector: { matchLabels: workload.podSelector }, namespaceSelector: { matchNames: [this.namespaceName] }, podMetricsEndpoints: [endpoint] },
        });
      }
      workload.addIngressRule(stack.prometheusPeer, { ports: [port.port] });
    }

    const groups: { name: string; rules: RuleSpec[] }[] = [{ name: `${this.name}.workload`, rules: builtIn }];
    if (slo !== undefined && scrapeJob !== undefined) {
      for (const set of sloRuleSets({
        name: this.name, namespace: this.namespaceName, scrapeJob,
        requestsTotal: slo.requestsMetric ?? REQUEST_METRICS.total, errorCodes: slo.errorCodes ?? REQUEST_METRICS.errorCodes,
        durationHistogram: slo.durationMetric ?? REQUEST_METRICS.duration,
        availability: slo.availability, latencyThresholdSeconds: slo.latencyThreshold?.boundSeconds,
        latencyObjective: slo.latencyObjective,
      })) {
        groups.push({ name: `${set.name}.slo`, rules: set.rules });
      }
    }
    if (custom.length > 0) {
      groups.push({
        name: `${this.name}.custom`,
        rules: custom.map((a) => ({
          alert: a.name, expr: a.expr, for: a.forDuration === undefined ? undefined : `${a.forDuration.toSeconds()}s`,
          labels: { severity: a.severity ?? AlertSeverity.WARNING, workload: this.name },
          annotations: { summary: a.summary, ...(a.runbookUrl === undefined ? {} : { runbook_url: a.runbookUrl }) },
        })),
      });
    }
    this.rules = new PrometheusRule(this, 'Rules', {
      metadata,
      spec: { groups: groups.map((g) => ({ name: g.name, rules: g.rules.map(_toCrdRule) })) },
    });

    const dashboard = workloadDashboard({
      name: this.name, namespace: this.namespaceName, controller: controller.kind, controllerName: controller.name,
      requests: slo === undefined || scrapeJob === undefined ? undefined : {
        job: scrapeJob, total: slo.requestsMetric ?? REQUEST_METRICS.total, errorCodes: slo.errorCodes ?? REQUEST_METRICS.errorCodes,
        duration: slo.durationMetric ?? REQUEST_METRICS.duration,
      },
    });
    const dashboardName = `dashboard-${this.namespaceName}-${this.name}`;
    this.dashboard = new kplus.ConfigMap(this, 'Dashboard', {
      metadata: objectMetadata(this.profile, dashboardName, stack.namespaceName,
        { 'app.kubernetes.io/name': 'grafana-dashboard', 'app.kubernetes.io/instance': dashboardName, [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value }),
      data: { [`${this.namespaceName}-${this.name}.json`]: JSON.stringify(dashboard, undefined, 2) },
    });
  }
}

/** The controller of a workload's pods, its autoscaler (when it can scale) and disruption budget, from its objects. */
function controllerOf(workload: IHardenedWorkload): { kind?: ControllerKind; name: string; autoscaler?: string; disruptionBudget?: string } {
  const kinds: ControllerKind[] = ['Deployment', 'StatefulSet', 'Job', 'CronJob'];
  let found: { kind?: ControllerKind; name: string; autoscaler?: string; disruptionBudget?: string } = { name: workload.name };
  for (const c of workload.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    if ((kinds as string[]).includes(c.kind) && found.kind === undefined) {
      found = { ...found, kind: c.kind as ControllerKind, name: c.name };
    } else if (c.kind === 'HorizontalPodAutoscaler') {
      const spec = c.toJson().spec ?? {};
      if (spec.maxReplicas !== spec.minReplicas) found = { ...found, autoscaler: c.name };
    } else if (c.kind === 'PodDisruptionBudget') {
      found = { ...found, disruptionBudget: c.name };
    }
  }
  return found;
}
