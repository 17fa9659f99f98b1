import { Duration } from 'cdk8s';
import type { DeliveryStrategy } from '../delivery/delivery-strategy';
import type { HardenedPodProps } from '../workload/hardened-pod';

// The props every Deployment-backed workload kind (ProductionApp, ProductionWorker) adds to the hardened pod.

/**
 * Autoscaling of a ProductionApp or ProductionWorker (a HorizontalPodAutoscaler, autoscaling/v2).
 */
export interface AppAutoscalingOptions {
  /**
   * The fewest replicas. At least 2 in staging and prod.
   *
   * @default - 1 in dev, 2 in staging, 3 in prod
   */
  readonly minReplicas?: number;

  /**
   * The most replicas; more than `minReplicas`.
   *
   * @default - 3 in dev, 4 in staging, 10 in prod
   */
  readonly maxReplicas?: number;

  /**
   * Target average CPU utilization, in percent of the CPU request.
   *
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;

  /**
   * Target average memory utilization, in percent of the memory request.
   *
   * @default - memory is not a scaling metric
   */
  readonly memoryUtilizationPercent?: number;
}

/**
 * The PodDisruptionBudget of a ProductionApp or ProductionWorker. Give at most one of the two fields.
 */
export interface AppDisruptionBudgetOptions {
  /**
   * Pods that may be down at once during voluntary disruptions (drains). At least 1.
   *
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * Pods that must stay up during voluntary disruptions; below the replica floor so drains go on.
   *
   * @default - `maxUnavailable` is used instead
   */
  readonly minAvailable?: number;
}

/**
 * The hardened pod run by a Deployment: replicas or an autoscaler, a rolling update without downtime and a
 * PodDisruptionBudget.
 */
export interface HardenedDeploymentProps extends HardenedPodProps {
  /**
   * Static replica count. Not allowed with `autoscaling` (the HPA owns the count).
   *
   * @default - 1 in dev, 2 in staging, 3 in prod
   */
  readonly replicas?: number;

  /**
   * Why the workload runs one replica by design (a singleton that cannot be replicated, such as Grafana without an
   * external database). Permits `replicas: 1` in every profile and records the `deployment-replicas` exemption with
   * this reason on the Deployment. Not allowed with `autoscaling`, nor with `replicas` above 1; must not be empty.
   *
   * @default - no exemption: at least 2 replicas in staging and prod
   */
  readonly singleReplicaReason?: string;

  /**
   * Turn on a HorizontalPodAutoscaler.
   *
   * @default - no autoscaler; `replicas` pods
   */
  readonly autoscaling?: AppAutoscalingOptions;

  /**
   * Extra surge pods during a rolling update (maxUnavailable is always 0).
   *
   * @default 1
   */
  readonly maxSurge?: number;

  /**
   * How long a new pod must be ready before it counts as available.
   *
   * @default Duration.seconds(10)
   */
  readonly minReady?: Duration;

  /**
   * How long a rollout may make no progress before it is marked failed.
   *
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;

  /**
   * Old ReplicaSets kept for rollback.
   *
   * @default 5
   */
  readonly revisionHistoryLimit?: number;

  /**
   * The PodDisruptionBudget.
   *
   * @default - maxUnavailable 1, unhealthyPodEvictionPolicy AlwaysAllow
   */
  readonly disruptionBudget?: AppDisruptionBudgetOptions;

  /**
   * How a new version replaces the running one: a rolling update of a Deployment, or an Argo Rollouts canary or
   * blue/green (a Rollout with the same pod template, the Services it shifts traffic between and, required in
   * staging and prod, an analysis). A worker (no Service) takes a canary without traffic routing only, and its
   * analysis needs its own `query`.
   *
   * @default DeliveryStrategy.rolling()
   */
  readonly strategy?: DeliveryStrategy;
}
