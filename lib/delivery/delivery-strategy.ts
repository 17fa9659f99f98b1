import { Duration } from 'cdk8s';

/**
 * One step of a canary: shift a share of the traffic to the new version, or pause.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
 */
export class CanaryStep {
  /**
   * Sends `percent` of the traffic (0-100) to the new version: by route weights with traffic routing, by the share of
   * pods without.
   */
  public static trafficWeight(percent: number): CanaryStep {
    return new CanaryStep(percent, undefined, false);
  }

  /** Waits `duration` (whole seconds, at least 1s) before the next step; the analysis keeps measuring meanwhile. */
  public static pause(duration: Duration): CanaryStep {
    return new CanaryStep(undefined, duration, false);
  }

  /** Waits until someone promotes the rollout (`kubectl argo rollouts promote`): a manual gate. */
  public static pauseUntilPromoted(): CanaryStep {
    return new CanaryStep(undefined, undefined, true);
  }

  /** The traffic share this step sets, for a `setWeight` step. */
  public readonly weight?: number;
  /** How long this step pauses, for a timed `pause` step. */
  public readonly duration?: Duration;
  /** True for a pause that waits for a manual promotion. */
  public readonly untilPromoted: boolean;

  private constructor(weight: number | undefined, duration: Duration | undefined, untilPromoted: boolean) {
    this.weight = weight;
    this.duration = duration;
    this.untilPromoted = untilPromoted;
  }

  /** The step as the user wrote it, for messages. */
  public toString(): string {
    if (this.weight !== undefined) {
      return `trafficWeight(${this.weight})`;
    }
    // A plain-JavaScript user may have passed something else than a Duration: the message names it, it must not throw.
    const duration = this.duration instanceof Duration ? this.duration.toHumanString() : JSON.stringify(this.duration);
    return this.untilPromoted ? 'pauseUntilPromoted()' : `pause(${duration})`;
  }
}

/**
 * How a canary's traffic is split between the stable and the new version.
 */
export class CanaryTrafficRouting {
  /**
   * The Gateway API traffic router plugin of Argo Rollouts (`argoproj-labs/gatewayAPI`) rewrites the weights of the
   * HTTPRoutes and GRPCRoutes that route to the app, so the canary gets exactly the step's share of requests.
   *
   * Route the app with a route construct of the library: every route attached to the app is named in the Rollout,
   * and its backends are the `<app>-stable` and `<app>-canary` Services. The controller needs the plugin installed
   * (the `argo-rollouts-config` ConfigMap) and RBAC on the routes.
   *
   * @see https://rollouts-plugin-trafficrouter-gatewayapi.readthedocs.io/
   */
  public static gatewayApi(): CanaryTrafficRouting {
    return new CanaryTrafficRouting(true);
  }

  /**
   * No router: the weight is approximated by the share of pods that run the new version (a "basic" canary). The
   * routes go to the app's own Service, which selects both versions. The step weights must be achievable with the
   * app's replicas.
   */
  public static none(): CanaryTrafficRouting {
    return new CanaryTrafficRouting(false);
  }

  private constructor(
    /** True when route weights split the traffic (the Gateway API plugin). */
    public readonly usesRouter: boolean,
  ) {}

  /** The routing as the user wrote it, for messages. */
  public toString(): string {
    return this.usesRouter ? 'CanaryTrafficRouting.gatewayApi()' : 'CanaryTrafficRouting.none()';
  }
}

/**
 * The automatic analysis of a canary or blue/green: a Prometheus query of the new pods' success rate, run as an Argo
 * Rollouts AnalysisTemplate. An empty result or NaN (no traffic, no series) is Inconclusive and pauses the rollout;
 * it never passes.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/
 */
export interface DeliveryAnalysisOptions {
  /**
   * The Prometheus the Argo Rollouts controller queries, e.g. `http://prometheus-operated.observability.svc:9090`.
   * The controller's namespace must be allowed to reach it.
   */
  readonly prometheusAddress: string;

  /**
   * The PromQL query; its first sample is the success rate, a share in [0, 1]. Placeholders the Rollout fills:
   * `{{args.namespace}}` (the app's namespace) and `{{args.canary-hash}}` (the pod-template hash of the new pods).
   *
   * @default - the share of `requestsMetric` requests of the new pods (`pod=~"<app>-{{args.canary-hash}}-.*"`) whose
   *   `code` is not an `errorCodes` match, over 2 minutes
   */
  readonly query?: string;

  /**
   * The request counter of the default query, with a `code` label.
   *
   * @default 'http_requests_total'
   */
  readonly requestsMetric?: string;

  /**
   * The regular expression of the `code` values that count as errors in the default query.
   *
   * @default '5..'
   */
  readonly errorCodes?: string;

  /**
   * The lowest success rate that passes, in (0, 1]; below it a measurement fails.
   *
   * @default 0.99
   */
  readonly successRate?: number;

  /**
   * Time between measurements (whole seconds).
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Wait before the first measurement, so the new pods have series (at least the query's range window).
   *
   * @default Duration.minutes(2)
   */
  readonly initialDelay?: Duration;

  /**
   * Measurements of one run; at least `failureLimit` and `inconclusiveLimit`.
   *
   * @default - canary: enough to cover the pauses after the first weight (at least 3); blue/green: 5
   */
  readonly count?: number;

  /**
   * Failed measurements tolerated; one more aborts the rollout.
   *
   * @default 1
   */
  readonly failureLimit?: number;

  /**
   * Inconclusive (empty or NaN) measurements tolerated; one more pauses the rollout.
   *
   * @default 2
   */
  readonly inconclusiveLimit?: number;
}

/**
 * What a canary and a blue/green have in common.
 */
export interface ProgressiveDeliveryOptions {
  /**
   * The automatic analysis. Required in staging and prod.
   *
   * @default - no analysis (dev only)
   */
  readonly analysis?: DeliveryAnalysisOptions;

  /**
   * Migrate from the app's existing Deployment: the Deployment stays (annotated `PruneLast=true` for Argo CD) and
   * the Rollout references it (`workloadRef`, `scaleDown: progressively`), taking its pods over one by one. Remove
   * the option in the next release: the Rollout then carries the pod template and the Deployment is pruned last.
   *
   * @default false
   * @see https://argo-rollouts.readthedocs.io/en/stable/migrating/
   */
  readonly migrateFromDeployment?: boolean;
}

/**
 * Options of `DeliveryStrategy.canary`.
 */
export interface CanaryOptions extends ProgressiveDeliveryOptions {
  /**
   * The steps. Weights rise from step to step and stay within 0-100.
   *
   * @default - setWeight 10, pause 5m, setWeight 25, pause 5m, setWeight 50, pause 5m; without a router the weights
   *   move to the nearest share of pods the replicas can run
   */
  readonly steps?: CanaryStep[];

  /**
   * How the traffic is split.
   *
   * @default - CanaryTrafficRouting.gatewayApi() for a workload with a Service; CanaryTrafficRouting.none() for a worker
   */
  readonly trafficRouting?: CanaryTrafficRouting;

  /**
   * Extra pods during a replica-ratio canary (no router only). Not 0 together with `maxUnavailable`.
   *
   * @default - 25%
   */
  readonly maxSurge?: number;

  /**
   * Pods that may be unavailable during a replica-ratio canary (no router only).
   *
   * @default 0
   */
  readonly maxUnavailable?: number;

  /**
   * With a router: how long the old pods stay up after promotion, while the router re-targets. Not with
   * `dynamicStableScale`.
   *
   * @default - Duration.seconds(30) with a router; not set without one (Argo Rollouts refuses it)
   */
  readonly scaleDownDelay?: Duration;

  /**
   * How long the canary pods stay up after an abort.
   *
   * @default Duration.seconds(30)
   */
  readonly abortScaleDownDelay?: Duration;

  /**
   * With a router: scale the stable pods down as the canary's weight grows (fewer pods, slower aborts).
   *
   * @default false
   */
  readonly dynamicStableScale?: boolean;
}

/**
 * Options of `DeliveryStrategy.blueGreen`.
 */
export interface BlueGreenOptions extends ProgressiveDeliveryOptions {
  /**
   * Switch the traffic to the new version by itself once it is ready and the pre-promotion analysis passed. False
   * waits for a manual promotion.
   *
   * @default true
   */
  readonly autoPromotion?: boolean;

  /**
   * Promote by itself this long after the new version is ready. Not with an analysis (the timer would mark the
   * analysis successful and switch anyway) and not with `autoPromotion: false`.
   *
   * @default - promotion as soon as the new version is ready and analysed
   */
  readonly autoPromotionDelay?: Duration;

  /**
   * Pods of the new version before promotion (cost); it is scaled up fully before the switch.
   *
   * @default - as many as the active version
   */
  readonly previewReplicas?: number;

  /**
   * How long the old version stays up after the switch. With an analysis, at least the post-promotion analysis
   * (the controller cancels a running analysis when it scales down).
   *
   * @default - 30 seconds, or the post-promotion analysis' duration when longer
   */
  readonly scaleDownDelay?: Duration;

  /**
   * How long the new version stays up after an abort.
   *
   * @default Duration.seconds(30)
   */
  readonly abortScaleDownDelay?: Duration;
}

/**
 * How a workload replaces its pods with a new version.
 *
 * `rolling()` is a Kubernetes rolling update (a Deployment). `canary()` and `blueGreen()` run the pods in an Argo
 * Rollouts `Rollout` with the same pod template, the Services the controller shifts traffic between, and (in staging
 * and prod, required) an AnalysisTemplate that stops a bad version. The Argo Rollouts controller and CRDs must be
 * installed in every cluster that runs them.
 *
 * @example
 * const web = new ProductionApp(chart, 'Web', {
 *   image: 'registry.example.com/web:1.4.2',
 *   port: 8080,
 *   healthPath: '/healthz',
 *   strategy: DeliveryStrategy.canary({ analysis: { prometheusAddress: 'http://prometheus-operated.observability.svc:9090' } }),
 * });
 * const entry = new ProductionIngress(chart, 'Entry', { gateway: { name: 'public', namespaceName: 'gateways', podLabels: { app: 'gateway' } } });
 * entry.addRoute('shop.example.com', '/', web);
 */
export class DeliveryStrategy {
  /** A Kubernetes rolling update of a Deployment: the default. */
  public static rolling(): DeliveryStrategy {
    return new DeliveryStrategy(DeliveryStrategyKind.ROLLING, undefined, undefined);
  }

  /** A canary: the new version gets a rising share of the traffic, step by step, while the analysis watches it. */
  public static canary(options: CanaryOptions = {}): DeliveryStrategy {
    return new DeliveryStrategy(DeliveryStrategyKind.CANARY, options ?? {}, undefined);
  }

  /**
   * Blue/green: the new version runs beside the old one behind the `<app>-preview` Service, and the app's Service
   * switches to it at once when it is promoted.
   */
  public static blueGreen(options: BlueGreenOptions = {}): DeliveryStrategy {
    return new DeliveryStrategy(DeliveryStrategyKind.BLUE_GREEN, undefined, options ?? {});
  }

  /** Which strategy. */
  public readonly kind: DeliveryStrategyKind;
  /** The canary options, for a canary. */
  public readonly canaryOptions?: CanaryOptions;
  /** The blue/green options, for a blue/green. */
  public readonly blueGreenOptions?: BlueGreenOptions;

  private constructor(kind: DeliveryStrategyKind, canaryOptions: CanaryOptions | undefined, blueGreenOptions: BlueGreenOptions | undefined) {
    this.kind = kind;
    this.canaryOptions = canaryOptions;
    this.blueGreenOptions = blueGreenOptions;
  }

  /** The strategy as the user wrote it, for messages. */
  public toString(): string {
    return `DeliveryStrategy.${this.kind}()`;
  }
}

/**
 * The kinds of `DeliveryStrategy`.
 */
export enum DeliveryStrategyKind {
  /** A Kubernetes rolling update. */
  ROLLING = 'rolling',
  /** An Argo Rollouts canary. */
  CANARY = 'canary',
  /** An Argo Rollouts blue/green. */
  BLUE_GREEN = 'blueGreen',
}
