/**
 * Every opinion of progressive delivery (Argo Rollouts), as data keyed by profile where it differs.
 *
 * ProductionApp reads these when its `strategy` is a canary or blue/green and never inlines literals. The facts and
 * recommendations come from the Argo Rollouts documentation (v1.9/v1.10: `docs/features/specification.md`,
 * `canary/index.md`, `bluegreen.md`, `analysis.md`, `best-practices.md`, `migrating.md`) and the Gateway API traffic
 * router plugin (`argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi`), as collected in the team's research notes.
 */
import { Duration } from 'cdk8s';
import { _ProfileValues as ProfileValues } from '../profile';

/** The Argo Rollouts API version of Rollout and AnalysisTemplate. @internal */
export const ARGO_ROLLOUTS_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * What every Rollout of the library sets (`docs/features/specification.md`): few old ReplicaSets (the controller
 * keeps them in memory), a crash-looping pod never counts as available, and a stuck rollout aborts instead of
 * hanging. @internal
 */
export const ROLLOUT_SPEC = {
  revisionHistoryLimit: 3,
  minReady: Duration.seconds(10),
  progressDeadline: Duration.seconds(600),
  progressDeadlineAbort: true,
};

/** The Argo CD sync option that makes a pruned object go last; set on the Deployment a Rollout migrates from. @internal */
export const PRUNE_LAST = { annotation: 'argocd.argoproj.io/sync-options', value: 'PruneLast=true' };

/** How a Rollout that references a Deployment (`workloadRef`) scales the Deployment down as its own pods come up. @internal */
export const MIGRATION_SCALE_DOWN = 'progressively';

/**
 * The label that tells a canary's or blue/green's Services apart (they select the same pods): `main` on the app's
 * own Service, `stable`, `canary` or `preview` on the others, so that a selector of the app's Service (a
 * ServiceMonitor's) does not pick the others up and scrape every pod again. @internal
 */
export const SERVICE_ROLE_LABEL = 'production.platform.io/service-role';

/** The name suffixes of the Services a canary or blue/green adds beside the app's own Service. @internal */
export const SERVICE_SUFFIX = { stable: '-stable', canary: '-canary', preview: '-preview' };

/**
 * A canary's defaults (`docs/features/canary/index.md`, `docs/best-practices.md`): three weights with five-minute
 * pauses (a 15-minute release, long enough for metrics to tell), no indefinite pause. @internal
 */
export const CANARY = {
  weights: [10, 25, 50],
  pause: Duration.minutes(5),
  /** With traffic routing: the old ReplicaSet stays up this long after promotion, while the router re-targets. */
  scaleDownDelay: Duration.seconds(30),
  /** The canary stays up this long after an abort. */
  abortScaleDownDelay: Duration.seconds(30),
  /** With traffic routing, the canary ReplicaSet runs at least this many pods when the app runs 2 or more. */
  minPodsPerReplicaSet: { dev: undefined, staging: 2, prod: 2 } as ProfileValues<number | undefined>,
  /** Replica-ratio canary (no router): surge a quarter of the pods, never take a serving pod down first. */
  basicMaxSurge: '25%',
  basicMaxUnavailable: 0,
  /**
   * Replica-ratio canary: how far (in percentage points) the share of pods the replicas can run may be from a step's
   * weight before the weight counts as not achievable.
   */
  basicWeightTolerance: 5,
  /** Background analysis starts once the first weight is set, when traffic reaches the canary. */
  analysisStartingStep: 1,
};

/** A blue/green's defaults (`docs/features/bluegreen.md`): promotion is automatic, gated by analysis. @internal */
export const BLUE_GREEN = {
  autoPromotion: true,
  /** The old stack stays up this long after the switch (at least the post-promotion analysis, see `analysisDuration`). */
  scaleDownDelay: Duration.seconds(30),
  abortScaleDownDelay: Duration.seconds(30),
};

/**
 * The analysis of every canary and blue/green in staging and prod: a Prometheus success rate of the new pods, where
 * no data or NaN matches neither condition, so the measurement is Inconclusive and the rollout pauses
 * (`docs/features/analysis.md`, "Inconclusive Runs", "NaN and Infinity"). @internal
 */
export const ANALYSIS = {
  /** The profiles where a canary or blue/green must have an analysis. */
  required: { dev: false, staging: true, prod: true } as ProfileValues<boolean>,
  metricName: 'success-rate',
  templateSuffix: '-success-rate',
  successRate: 0.99,
  interval: Duration.minutes(1),
  /** At least the PromQL range window, so the new pods have series. */
  initialDelay: Duration.minutes(2),
  /** The PromQL range window of the default query. */
  rangeWindow: '2m',
  /** A failed measurement aborts. */
  failureLimit: 1,
  /** Two empty measurements in a row are tolerated (low traffic at the start); the third pauses the rollout. */
  inconclusiveLimit: 2,
  /** Provider errors (an unreachable Prometheus) tolerated in a row; Argo Rollouts' own default. */
  consecutiveErrorLimit: 4,
  /** Seconds a Prometheus query may take. */
  timeoutSeconds: 30,
  /** The fewest measurements of a run. */
  minCount: 3,
  /** Measurements of a blue/green pre- or post-promotion run. */
  blueGreenCount: 5,
  /** The request counter and the `code` values that count as errors (the same as the SLO rules'). */
  requestsMetric: 'http_requests_total',
  errorCodes: '5..',
};

/** The name of the Gateway API traffic router plugin in the controller's `trafficRouterPlugins`. @internal */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';
