import { ApiObject, Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AnalysisTemplate, AnalysisTemplateSpecMetricsConsecutiveErrorLimit, AnalysisTemplateSpecMetricsCount,
  AnalysisTemplateSpecMetricsFailureLimit, AnalysisTemplateSpecMetricsInconclusiveLimit } from '../../imports/analysistemplate-argoproj.io';
import { Rollout } from '../../imports/rollout-argoproj.io';
import { ANALYSIS, BLUE_GREEN, CANARY, GATEWAY_API_PLUGIN, MIGRATION_SCALE_DOWN, ROLLOUT_SPEC, SERVICE_SUFFIX } from './defaults';
import { BlueGreenOptions, CanaryOptions, CanaryStep, CanaryTrafficRouting, DeliveryAnalysisOptions, DeliveryStrategy, DeliveryStrategyKind } from './delivery-strategy';
import { PropErrors } from '../internal/errors';
import { checkPropTypes } from '../internal/prop-types';
import { isDns1035Label, isInt32 } from '../internal/names';
import { checkDuration, checkMinDuration } from '../internal/quantity';
import { promqlProblem } from '../observability/_rules';
import { Profile } from '../profile';
import type { ObjectMetadata } from '../workload/_metadata';
import type { PodSelector } from '../workload/_render';
import type { AttachedRouteRef } from '../workload/_routes';

// Progressive delivery of a Deployment-backed workload kind: how a `strategy` prop is validated and resolved, and
// how the Argo Rollouts objects (Rollout, AnalysisTemplate) are created. The pod template is the workload layer's
// (`renderPodTemplate`); nothing of the pod is decided here.

/**
 * One canary step as the Rollout spells it.
 *
 * @internal
 */
export interface ResolvedStep {
  readonly setWeight?: number;
  readonly pause?: { readonly duration?: string };
}

/**
 * The resolved analysis.
 *
 * @internal
 */
export interface ResolvedAnalysis {
  readonly prometheusAddress: string;
  readonly query: string;
  readonly successRate: number;
  readonly intervalSeconds: number;
  readonly initialDelaySeconds: number;
  readonly count: number;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  /** Canary: the step the background analysis starts at. */
  readonly startingStep?: number;
}

/**
 * A canary or blue/green, resolved; undefined for a rolling update.
 *
 * @internal
 */
export interface ResolvedDelivery {
  readonly kind: DeliveryStrategyKind.CANARY | DeliveryStrategyKind.BLUE_GREEN;
  readonly migrate: boolean;
  readonly revisionHistoryLimit: number;
  readonly minReadySeconds: number;
  readonly progressDeadlineSeconds: number;
  readonly analysis?: ResolvedAnalysis;
  readonly canary?: {
    readonly router: boolean;
    readonly steps: ResolvedStep[];
    readonly maxSurge?: string | number;
    readonly maxUnavailable?: number;
    readonly scaleDownDelaySeconds?: number;
    readonly abortScaleDownDelaySeconds: number;
    readonly dynamicStableScale?: boolean;
    readonly minPodsPerReplicaSet?: number;
  };
  readonly blueGreen?: {
    readonly autoPromotion: boolean;
    readonly autoPromotionSeconds?: number;
    readonly previewReplicas?: number;
    readonly scaleDownDelaySeconds: number;
    readonly abortScaleDownDelaySeconds: number;
  };
}

/**
 * What the workload kind tells the resolution about itself.
 *
 * @internal
 */
export interface DeliveryContext {
  /** The name of the workload's objects. */
  readonly name: string;
  /** The fewest pods the workload runs (replicas, or the autoscaler's minimum). */
  readonly minReplicas: number;
  /** The workload's Deployment-level props, which a Rollout takes over or refuses. */
  readonly maxSurge?: number;
  readonly minReady?: Duration;
  readonly progressDeadline?: Duration;
  readonly revisionHistoryLimit?: number;
  /**
   * False for a workload without a Service (a worker): no blue/green, no traffic routing, and the analysis needs its
   * own query (there are no request metrics).
   */
  readonly servesTraffic: boolean;
}

const MAX_SUFFIX = Math.max(...Object.values(SERVICE_SUFFIX).map((s) => s.length));

/**
 * Validates the `strategy` prop and resolves every default; records problems in `errors`.
 *
 * @returns undefined for a rolling update (no strategy, or `DeliveryStrategy.rolling()`)
 * @internal
 */
export function resolveDelivery(errors: PropErrors, profile: Profile, strategy: DeliveryStrategy | undefined,
  ctx: DeliveryContext): ResolvedDelivery | undefined {
  if (strategy === undefined || !(strategy instanceof DeliveryStrategy) || strategy.kind === DeliveryStrategyKind.ROLLING) {
    return undefined;
  }
  const kind = strategy.kind;
  const options: CanaryOptions | BlueGreenOptions = (kind === DeliveryStrategyKind.CANARY ? strategy.canaryOptions : strategy.blueGreenOptions) ?? {};
  const at = `strategy(${strategy})`;
  if (!checkPropTypes(errors, options, kind === DeliveryStrategyKind.CANARY ? 'CanaryOptions' : 'BlueGreenOptions', `${at}.`)) {
    return undefined;
  }
  // From here on every Duration of the options is a Duration of whole seconds (and no Duration is negative): only
  // minimums are left to check (`checkMinDuration`).
  errors.check(ctx.maxSurge !== undefined, 'maxSurge', ctx.maxSurge, `is a rolling-update setting, but the strategy is ${strategy}`,
    kind === DeliveryStrategyKind.CANARY ? `remove it; a replica-ratio canary takes '${at}.maxSurge'` : 'remove it; a blue/green runs the whole new version beside the old one');
  if (!ctx.servesTraffic) {
    const o = options as CanaryOptions;
    errors.check(kind === DeliveryStrategyKind.BLUE_GREEN, 'strategy', strategy.toString(),
      'switches a Service from the old version to the new one, but the workload has no Service', 'use DeliveryStrategy.canary({ trafficRouting: CanaryTrafficRouting.none() })');
    errors.check(kind === DeliveryStrategyKind.CANARY && o.trafficRouting?.usesRouter === true, `${at}.trafficRouting`, String(o.trafficRouting),
      'splits requests by route weights, but nothing routes to the workload', 'use CanaryTrafficRouting.none() (or leave it unset)');
    errors.check(options.analysis !== undefined && options.analysis.query === undefined, `${at}.analysis.query`, undefined,
      'is required: the workload serves no requests, so the default request success rate has no data',
      'give a PromQL query of the workload\'s own success rate, e.g. of the jobs it processes');
  }
  errors.check(ctx.servesTraffic && (ctx.name.length + MAX_SUFFIX > 63 || !isDns1035Label(ctx.name)), 'name', ctx.name,
    `cannot name the Services of a ${kind} (the name plus '${SERVICE_SUFFIX.preview}' must be a DNS-1035 label of at most 63 characters)`,
    `use a name of at most ${63 - MAX_SUFFIX} characters that starts with a letter`);

  const minReadySeconds = (ctx.minReady ?? ROLLOUT_SPEC.minReady).toSeconds();
  const progressDeadlineSeconds = (ctx.progressDeadline ?? ROLLOUT_SPEC.progressDeadline).toSeconds();
  const revisionHistoryLimit = ctx.revisionHistoryLimit ?? ROLLOUT_SPEC.revisionHistoryLimit;
  const base = { kind, migrate: options.migrateFromDeployment === true, revisionHistoryLimit, minReadySeconds, progressDeadlineSeconds };

  errors.check(options.analysis === undefined && profile._select(ANALYSIS.required), `${at}.analysis`, undefined,
    `is required in ${profile.name}: a ${kind} without analysis promotes a bad version as readily as a good one`,
    'set \'analysis\' with the Prometheus the Argo Rollouts controller queries, e.g. { prometheusAddress: \'http://prometheus-operated.observability.svc:9090\' }');

  if (kind === DeliveryStrategyKind.CANARY) {
    const canary = resolveCanary(errors, profile, options as CanaryOptions, ctx, at);
    return { ...base, kind, canary: canary.canary, analysis: canary.analysis };
  }
  const blueGreen = resolveBlueGreen(errors, options as BlueGreenOptions, ctx, at);
  return { ...base, kind, blueGreen: blueGreen.blueGreen, analysis: blueGreen.analysis };
}

function resolveCanary(errors: PropErrors, profile: Profile, options: CanaryOptions, ctx: DeliveryContext, at: string):
  { canary: ResolvedDelivery['canary']; analysis?: ResolvedAnalysis } {
  const routing = options.trafficRouting ?? (ctx.servesTraffic ? CanaryTrafficRouting.gatewayApi() : CanaryTrafficRouting.none());
  const router = routing.usesRouter;
  const replicas = ctx.minReplicas;
  const steps = options.steps ?? defaultSteps(router, replicas);
  const stepsValid = checkSteps(errors, steps, `${at}.steps`, router ? undefined : replicas);

  // Replica maths: only a replica-ratio canary uses maxSurge and maxUnavailable (Argo Rollouts ignores them with a router).
  const notWithRouter = (prop: keyof CanaryOptions, why: string) => errors.check(router && options[prop] !== undefined,
    `${at}.${prop}`, options[prop], `is not used with ${routing}: ${why}`, `remove it, or use CanaryTrafficRouting.none()`);
  const onlyWithRouter = (prop: keyof CanaryOptions, why: string) => errors.check(!router && options[prop] !== undefined && options[prop] !== false,
    `${at}.${prop}`, renderOption(options[prop]), `needs traffic routing, which Argo Rollouts refuses without (${why})`, `remove it, or use CanaryTrafficRouting.gatewayApi()`);
  notWithRouter('maxSurge', 'the route weights decide the canary\'s share');
  notWithRouter('maxUnavailable', 'the route weights decide the canary\'s share');
  onlyWithRouter('scaleDownDelay', 'only a router needs time to re-target before the old pods go');
  onlyWithRouter('dynamicStableScale', 'without a router the stable pods carry the traffic by their number');
  errors.check(options.maxSurge !== undefined && !isInt32(options.maxSurge), `${at}.maxSurge`, options.maxSurge, 'is not a pod count', 'use a whole number of pods, e.g. 1');
  errors.check(options.maxUnavailable !== undefined && !isInt32(options.maxUnavailable), `${at}.maxUnavailable`, options.maxUnavailable, 'is not a pod count',
    'use a whole number of pods, e.g. 0');
  errors.check(!router && options.maxSurge === 0 && (options.maxUnavailable ?? CANARY.basicMaxUnavailable) === 0, `${at}.maxSurge`, 0,
    'is 0 and so is maxUnavailable, so no pod can ever be replaced (Argo Rollouts refuses it)', 'set maxSurge to 1 or more');
  errors.check(router && options.dynamicStableScale === true && options.scaleDownDelay !== undefined, `${at}.dynamicStableScale`, true,
    'is set together with \'scaleDownDelay\', which Argo Rollouts refuses (the stable pods are scaled down step by step, not after a delay)',
    'remove one of the two');

  const dynamic = options.dynamicStableScale === true;
  // The coverage of the analysis is read from the steps only when they are usable; its own props are checked anyway.
  const coverage = options.analysis === undefined ? undefined
    : stepsValid ? canaryCoverage(errors, steps, options.analysis, at) : { startingStep: CANARY.analysisStartingStep, seconds: 0 };
  const analysis = options.analysis === undefined ? undefined : resolveAnalysis(errors, options.analysis, `${at}.analysis`, ctx.name, coverage);
  const minPods = profile._select(CANARY.minPodsPerReplicaSet);
  return {
    analysis,
    canary: {
      router,
      steps: stepsValid ? steps.map(stepJson) : [],
      maxSurge: router ? undefined : options.maxSurge ?? CANARY.basicMaxSurge,
      maxUnavailable: router ? undefined : options.maxUnavailable ?? CANARY.basicMaxUnavailable,
      scaleDownDelaySeconds: !router || dynamic ? undefined : (options.scaleDownDelay ?? CANARY.scaleDownDelay).toSeconds(),
      abortScaleDownDelaySeconds: (options.abortScaleDownDelay ?? CANARY.abortScaleDownDelay).toSeconds(),
      dynamicStableScale: router && dynamic ? true : undefined,
      minPodsPerReplicaSet: router && minPods !== undefined && replicas >= minPods ? minPods : undefined,
    },
  };
}

/**
 * The default steps: the default weights, each followed by a pause; without a router each weight moves to the
 * nearest share of pods the replicas can run (duplicates dropped).
 */
function defaultSteps(router: boolean, replicas: number): CanaryStep[] {
  const weights = router ? CANARY.weights : [...new Set(CANARY.weights.map((w) => nearestAchievable(w, replicas)))];
  return weights.flatMap((w) => [CanaryStep.trafficWeight(w), CanaryStep.pause(CANARY.pause)]);
}

/** The traffic shares (whole percent) a replica-ratio canary can run with `replicas` pods, strictly between 0 and 100. */
function achievableWeights(replicas: number): number[] {
  if (replicas < 2) {
    // One canary pod beside the one stable pod (the surge pod).
    return [50];
  }
  return Array.from({ length: replicas - 1 }, (_, i) => Math.round(((i + 1) * 100) / replicas));
}

/** The share of pods nearest to `weight`; of two equally near, the higher one. */
function nearestAchievable(weight: number, replicas: number): number {
  return achievableWeights(replicas).reduce((best, a) => (Math.abs(a - weight) <= Math.abs(best - weight) ? a : best));
}

/**
 * Checks the steps; with `replicas` (a replica-ratio canary) also that each weight can be run with the pods.
 *
 * @returns true when the steps are usable for the analysis maths
 */
function checkSteps(errors: PropErrors, steps: CanaryStep[], prop: string, replicas: number | undefined): boolean {
  const before = errors.count;
  if (!Array.isArray(steps) || steps.length === 0) {
    errors.add(prop, steps, 'has no step, so the new version would get all the traffic at once', 'give at least one CanaryStep.trafficWeight(...) and a pause');
    return false;
  }
  let last: { weight: number; index: number; achieved?: number } | undefined;
  steps.forEach((step, i) => {
    const p = `${prop}[${i}]`;
    if (!(step instanceof CanaryStep)) {
      errors.add(p, step, 'is not a CanaryStep', 'use CanaryStep.trafficWeight(n), CanaryStep.pause(duration) or CanaryStep.pauseUntilPromoted()');
      return;
    }
    if (step.duration !== undefined) {
      checkDuration(errors, p, step.duration, 1, 'a pause of no time lets the next step start at once');
      return;
    }
    if (step.weight === undefined) {
      return;
    }
    const w = step.weight;
    if (!Number.isInteger(w) || w < 0 || w > 100) {
      errors.add(p, step.toString(), 'is not a weight from 0 to 100 (Argo Rollouts refuses it)', 'use a whole percentage, e.g. CanaryStep.trafficWeight(25)');
      return;
    }
    errors.check(last !== undefined && w <= last.weight, p, step.toString(), `does not raise the weight of step ${last?.index} (${last?.weight}%)`,
      'make each weight higher than the one before; to send traffic back, abort the rollout');
    let achieved: number | undefined;
    if (replicas !== undefined && w > 0 && w < 100) {
      achieved = nearestAchievable(w, replicas);
      const options = achievableWeights(replicas);
      const needed = replicasFor(w);
      errors.check(Math.abs(achieved - w) > CANARY.basicWeightTolerance, p, step.toString(),
        `cannot be run with ${replicas} replica${replicas === 1 ? '' : 's'} without a router: the nearest share of pods is ${achieved}%`,
        `use one of ${options.join(', ')} (percent), raise the replicas to ${needed}, or use CanaryTrafficRouting.gatewayApi()`);
      errors.check(last?.achieved !== undefined && last.achieved === achieved, p, step.toString(),
        `runs as many canary pods as step ${last?.index} (${last?.weight}%) with ${replicas} replicas, so the step shifts nothing`,
        `use one of ${options.join(', ')} (percent), raise the replicas, or use CanaryTrafficRouting.gatewayApi()`);
    }
    last = { weight: w, index: i, achieved };
  });
  errors.check(!steps.some((s) => s instanceof CanaryStep && s.weight !== undefined && s.weight > 0 && s.weight < 100), prop,
    steps.map(String), 'sets no weight between 0 and 100, so no step runs the new version beside the old one',
    'add e.g. CanaryStep.trafficWeight(10) followed by a pause');
  return errors.count === before;
}

/** The fewest replicas that run `weight` percent within the tolerance. */
function replicasFor(weight: number): number {
  for (let r = 2; r <= 100; r++) {
    if (Math.abs(nearestAchievable(weight, r) - weight) <= CANARY.basicWeightTolerance) {
      return r;
    }
  }
  return 100;
}

/** How long the canary runs with traffic after its first weight: where the background analysis starts, and the pauses after it. */
function canaryCoverage(errors: PropErrors, steps: CanaryStep[], analysis: DeliveryAnalysisOptions, at: string):
  { startingStep: number; seconds: number; manualGate: boolean } {
  const first = steps.findIndex((s) => s.weight !== undefined && s.weight > 0);
  const startingStep = first + 1;
  const after = steps.slice(startingStep);
  const seconds = after.reduce((sum, s) => sum + (s.duration?.toSeconds() ?? 0), 0);
  const manualGate = after.some((s) => s.untilPromoted);
  const interval = (analysis.interval ?? ANALYSIS.interval).toSeconds();
  const delay = (analysis.initialDelay ?? ANALYSIS.initialDelay).toSeconds();
  errors.check(!manualGate && seconds < delay + interval, `${at}.steps`, steps.map(String),
    `pause ${seconds}s after the first weight, less than the analysis needs for one measurement (initialDelay ${delay}s + interval ${interval}s), so the canary would be promoted unmeasured`,
    `pause at least ${delay + interval}s after the first weight, or shorten 'analysis.initialDelay'`);
  return { startingStep, seconds, manualGate };
}

function resolveBlueGreen(errors: PropErrors, options: BlueGreenOptions, ctx: DeliveryContext, at: string):
  { blueGreen: ResolvedDelivery['blueGreen']; analysis?: ResolvedAnalysis } {
  const autoPromotion = options.autoPromotion ?? BLUE_GREEN.autoPromotion;
  errors.check(options.autoPromotionDelay !== undefined && options.analysis !== undefined, `${at}.autoPromotionDelay`, options.autoPromotionDelay?.toHumanString(),
    'is set together with an analysis: when the delay expires, Argo Rollouts marks the pre-promotion analysis successful and switches the traffic, bypassing the gate',
    'remove autoPromotionDelay; the analysis decides when to promote');
  errors.check(options.autoPromotionDelay !== undefined && !autoPromotion, `${at}.autoPromotionDelay`, options.autoPromotionDelay?.toHumanString(),
    'is set with autoPromotion false, so Argo Rollouts ignores it', 'remove one of the two');
  checkMinDuration(errors, `${at}.autoPromotionDelay`, options.autoPromotionDelay, 1, 'a delay of no time is no delay; leave it unset for that');
  errors.check(options.previewReplicas !== undefined && !isInt32(options.previewReplicas, 1), `${at}.previewReplicas`, options.previewReplicas,
    'is not a positive pod count', 'use a whole number of at least 1, or leave it unset to preview at full size');
  errors.check(options.previewReplicas !== undefined && options.previewReplicas > ctx.minReplicas, `${at}.previewReplicas`, options.previewReplicas,
    `is more than the app's replicas (${ctx.minReplicas})`, `use at most ${ctx.minReplicas}`);
  const analysis = options.analysis === undefined ? undefined : resolveAnalysis(errors, options.analysis, `${at}.analysis`, ctx.name);
  const analysisSeconds = analysis === undefined ? 0 : analysis.initialDelaySeconds + analysis.count * analysis.intervalSeconds;
  errors.check(analysis !== undefined && options.scaleDownDelay !== undefined && options.scaleDownDelay.toSeconds() < analysisSeconds,
    `${at}.scaleDownDelay`, options.scaleDownDelay?.toHumanString(),
    `is shorter than the post-promotion analysis (${analysisSeconds}s); the controller cancels a running analysis when it scales the old version down, so a bad version could not be rolled back`,
    `set it to at least Duration.seconds(${analysisSeconds}), or leave it unset`);
  return {
    analysis,
    blueGreen: {
      autoPromotion,
      autoPromotionSeconds: options.autoPromotionDelay?.toSeconds(),
      previewReplicas: options.previewReplicas,
      scaleDownDelaySeconds: options.scaleDownDelay?.toSeconds() ?? Math.max(BLUE_GREEN.scaleDownDelay.toSeconds(), analysisSeconds),
      abortScaleDownDelaySeconds: (options.abortScaleDownDelay ?? BLUE_GREEN.abortScaleDownDelay).toSeconds(),
    },
  };
}

function resolveAnalysis(errors: PropErrors, a: DeliveryAnalysisOptions, at: string, name: string,
  canary?: { startingStep: number; seconds: number }): ResolvedAnalysis {
  errors.check(!/^https?:\/\/[^\s/?#]+(\/\S*)?$/.test(a.prometheusAddress ?? ''), `${at}.prometheusAddress`, a.prometheusAddress, 'is not an http(s) URL',
    'give the Prometheus URL, e.g. \'http://prometheus-operated.observability.svc:9090\'');
  const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  errors.check(a.requestsMetric !== undefined && !metricName.test(a.requestsMetric), `${at}.requestsMetric`, a.requestsMetric, 'is not a metric name',
    'use letters, digits, \'_\' and \':\'');
  errors.check(a.errorCodes !== undefined && a.errorCodes.trim() === '', `${at}.errorCodes`, a.errorCodes, 'is empty', 'use e.g. \'5..\'');
  errors.check(a.query !== undefined && (a.requestsMetric !== undefined || a.errorCodes !== undefined), `${at}.query`, a.query,
    'is set together with \'requestsMetric\' or \'errorCodes\', which only shape the default query', 'remove them, or the query');
  const queryProblem = a.query === undefined ? undefined : promqlProblem(a.query);
  errors.check(queryProblem !== undefined, `${at}.query`, a.query, `${queryProblem}`, 'write a PromQL expression whose first sample is the success rate');
  const successRate = a.successRate ?? ANALYSIS.successRate;
  errors.check(!(successRate > 0 && successRate <= 1), `${at}.successRate`, successRate, 'is not a share in (0, 1]', 'write it as a share, e.g. 0.99 for 99%');
  checkMinDuration(errors, `${at}.interval`, a.interval, 1, 'the controller must wait between two measurements');
  const intervalSeconds = (a.interval ?? ANALYSIS.interval).toSeconds();
  const initialDelaySeconds = (a.initialDelay ?? ANALYSIS.initialDelay).toSeconds();
  const failureLimit = a.failureLimit ?? ANALYSIS.failureLimit;
  const inconclusiveLimit = a.inconclusiveLimit ?? ANALYSIS.inconclusiveLimit;
  errors.check(!isInt32(failureLimit), `${at}.failureLimit`, failureLimit, 'is not a count', 'use a whole number, e.g. 1');
  errors.check(!isInt32(inconclusiveLimit), `${at}.inconclusiveLimit`, inconclusiveLimit, 'is not a count', 'use a whole number, e.g. 2');
  const derived = canary === undefined ? ANALYSIS.blueGreenCount
    : Math.max(ANALYSIS.minCount, Math.ceil(Math.max(0, canary.seconds - initialDelaySeconds) / intervalSeconds) + 1);
  const count = a.count ?? derived;
  errors.check(!isInt32(count, 1), `${at}.count`, count,
    'is not a positive count: without one the measurements never end (an inline analysis), and 0 means the analysis is not run', 'use a whole number of at least 1');
  errors.check(isInt32(count, 1) && count < failureLimit, `${at}.count`, count, `is less than failureLimit (${failureLimit}), which Argo Rollouts refuses`,
    `set count to ${failureLimit} or more, or lower failureLimit`);
  errors.check(isInt32(count, 1) && count < inconclusiveLimit, `${at}.count`, count, `is less than inconclusiveLimit (${inconclusiveLimit}), which Argo Rollouts refuses`,
    `set count to ${inconclusiveLimit} or more, or lower inconclusiveLimit`);
  return {
    prometheusAddress: a.prometheusAddress,
    query: a.query ?? defaultQuery(name, a.requestsMetric ?? ANALYSIS.requestsMetric, a.errorCodes ?? ANALYSIS.errorCodes),
    successRate, intervalSeconds, initialDelaySeconds, count, failureLimit, inconclusiveLimit,
    startingStep: canary?.startingStep,
  };
}

/**
 * The success rate of the new pods: a Rollout's pods are named `<rollout>-<pod-template-hash>-<random>`, and the
 * Prometheus operator puts the pod name on every scraped series.
 */
function defaultQuery(name: string, metric: string, errorCodes: string): string {
  const sel = `namespace="{{args.namespace}}", pod=~"${name}-{{args.canary-hash}}-.*"`;
  const w = ANALYSIS.rangeWindow;
  return `sum(rate(${metric}{${sel}, code!~"${errorCodes}"}[${w}])) / sum(rate(${metric}{${sel}}[${w}]))`;
}

function renderOption(value: unknown): unknown {
  return value instanceof Duration ? value.toHumanString() : value;
}

function stepJson(step: CanaryStep): ResolvedStep {
  if (step.weight !== undefined) {
    return { setWeight: step.weight };
  }
  return step.untilPromoted ? { pause: {} } : { pause: { duration: `${step.duration!.toSeconds()}s` } };
}

/**
 * The names of the Services a strategy adds.
 *
 * @internal
 */
export function deliveryServiceNames(name: string): { stable: string; canary: string; preview: string } {
  return { stable: `${name}${SERVICE_SUFFIX.stable}`, canary: `${name}${SERVICE_SUFFIX.canary}`, preview: `${name}${SERVICE_SUFFIX.preview}` };
}

/**
 * Creates the AnalysisTemplate (construct ID `AnalysisTemplate`, named `<app>-success-rate`).
 *
 * @internal
 */
export function createAnalysisTemplate(scope: Construct, analysis: ResolvedAnalysis, metadata: ObjectMetadata): ApiObject {
  const rate = String(Number(analysis.successRate.toPrecision(12)));
  // An empty vector or NaN matches neither condition: the measurement is Inconclusive, never a pass.
  const measured = 'len(result) > 0 && !isNaN(result[0])';
  return new AnalysisTemplate(scope, 'AnalysisTemplate', {
    metadata: { ...metadata, name: `${metadata.name}${ANALYSIS.templateSuffix}` },
    spec: {
      args: [{ name: 'namespace' }, { name: 'canary-hash' }],
      metrics: [{
        name: ANALYSIS.metricName,
        interval: `${analysis.intervalSeconds}s`,
        initialDelay: `${analysis.initialDelaySeconds}s`,
        count: AnalysisTemplateSpecMetricsCount.fromNumber(analysis.count),
        failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(analysis.failureLimit),
        inconclusiveLimit: AnalysisTemplateSpecMetricsInconclusiveLimit.fromNumber(analysis.inconclusiveLimit),
        consecutiveErrorLimit: AnalysisTemplateSpecMetricsConsecutiveErrorLimit.fromNumber(ANALYSIS.consecutiveErrorLimit),
        successCondition: `${measured} && result[0] >= ${rate}`,
        failureCondition: `${measured} && result[0] < ${rate}`,
        provider: { prometheus: { address: analysis.prometheusAddress, query: analysis.query, timeout: ANALYSIS.timeoutSeconds } },
      }],
    },
  });
}

/**
 * What the Rollout is made of.
 *
 * @internal
 */
export interface RolloutParts {
  readonly delivery: ResolvedDelivery;
  readonly metadata: ObjectMetadata;
  readonly selector: PodSelector;
  /** The static replica count; undefined when an autoscaler owns it. */
  readonly replicas?: number;
  /** The pod template, unless the Rollout migrates from the Deployment. */
  readonly template?: k8s.PodTemplateSpec;
  /** The Deployment a migrating Rollout references. */
  readonly deploymentName?: string;
  /** The app's own Service: a blue/green's active Service. */
  readonly serviceName?: string;
  readonly analysisTemplateName?: string;
  /** The routes attached to the workload, read at synthesis. */
  readonly routes: AttachedRouteRef[];
}

/**
 * Creates the Rollout (construct ID `Rollout`). The Gateway API plugin's route list is rendered at synthesis from
 * the routes attached by then.
 *
 * @internal
 */
export function createRollout(scope: Construct, parts: RolloutParts): ApiObject {
  const { delivery, selector } = parts;
  const names = deliveryServiceNames(parts.metadata.name);
  const analysisRef = parts.analysisTemplateName === undefined ? undefined : {
    templates: [{ templateName: parts.analysisTemplateName }],
    args: [
      { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ],
  };
  let strategy: Record<string, unknown>;
  if (delivery.canary !== undefined) {
    const c = delivery.canary;
    strategy = {
      canary: {
        stableService: c.router ? names.stable : undefined,
        canaryService: c.router ? names.canary : undefined,
        steps: c.steps,
        analysis: analysisRef === undefined ? undefined : { ...analysisRef, startingStep: delivery.analysis?.startingStep },
        trafficRouting: c.router ? { plugins: { [GATEWAY_API_PLUGIN]: Lazy.any({ produce: () => pluginConfig(parts.routes) }) } } : undefined,
        maxSurge: c.maxSurge,
        maxUnavailable: c.maxUnavailable,
        scaleDownDelaySeconds: c.scaleDownDelaySeconds,
        abortScaleDownDelaySeconds: c.abortScaleDownDelaySeconds,
        dynamicStableScale: c.dynamicStableScale,
        minPodsPerReplicaSet: c.minPodsPerReplicaSet,
      },
    };
  } else {
    const b = delivery.blueGreen!;
    strategy = {
      blueGreen: {
        activeService: parts.serviceName,
        previewService: names.preview,
        autoPromotionEnabled: b.autoPromotion,
        autoPromotionSeconds: b.autoPromotionSeconds,
        previewReplicaCount: b.previewReplicas,
        scaleDownDelaySeconds: b.scaleDownDelaySeconds,
        abortScaleDownDelaySeconds: b.abortScaleDownDelaySeconds,
        prePromotionAnalysis: analysisRef,
        postPromotionAnalysis: analysisRef,
      },
    };
  }
  // A plain ApiObject: the imported Rollout class would re-render the template through its own types, which drop
  // values of int-or-string fields given as plain numbers (probe ports).
  return new ApiObject(scope, 'Rollout', {
    ...Rollout.GVK,
    metadata: parts.metadata,
    spec: {
      replicas: parts.replicas,
      selector,
      template: parts.template === undefined ? undefined : k8s.toJson_PodTemplateSpec(parts.template),
      workloadRef: parts.deploymentName === undefined ? undefined
        : { apiVersion: 'apps/v1', kind: 'Deployment', name: parts.deploymentName, scaleDown: MIGRATION_SCALE_DOWN },
      revisionHistoryLimit: delivery.revisionHistoryLimit,
      minReadySeconds: delivery.minReadySeconds,
      progressDeadlineSeconds: delivery.progressDeadlineSeconds,
      progressDeadlineAbort: ROLLOUT_SPEC.progressDeadlineAbort,
      strategy,
    },
  });
}

/** The plugin's route list: HTTPRoutes and GRPCRoutes by name, and their namespace when they name one. */
function pluginConfig(routes: AttachedRouteRef[]): Record<string, unknown> {
  const http = routes.filter((r) => r.kind === 'HTTPRoute').map((r) => ({ name: r.name }));
  const grpc = routes.filter((r) => r.kind === 'GRPCRoute').map((r) => ({ name: r.name }));
  const namespace = routes.find((r) => r.namespace !== undefined)?.namespace;
  return {
    ...(http.length > 0 ? { httpRoutes: http } : {}),
    ...(grpc.length > 0 ? { grpcRoutes: grpc } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

/**
 * What is wrong, at synthesis, with the routes of a canary that splits traffic by route weights: none attached, or
 * routes in more than one namespace (the plugin names one).
 *
 * @internal
 */
export function routeProblems(kind: string, path: string, routes: AttachedRouteRef[], namespace: string | undefined): string[] {
  if (routes.length === 0) {
    return [`${kind} '${path}' is a canary with CanaryTrafficRouting.gatewayApi(), but no route sends traffic to it, so Argo Rollouts has no route weights to shift. Fix: route it (e.g. ProductionIngress with 'gateway', addRoute(host, path, app)), or use CanaryTrafficRouting.none()`];
  }
  const namespaces = [...new Set(routes.map((r) => r.namespace ?? namespace ?? ''))];
  if (namespaces.length > 1) {
    return [`${kind} '${path}' is routed by routes in ${namespaces.length} namespaces (${namespaces.map((n) => `"${n}"`).join(', ')}), but the Gateway API plugin manages routes of one namespace. Fix: create the routes in one namespace`];
  }
  return [];
}
