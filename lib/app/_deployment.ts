import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ResolvedDisruptionBudget, ResolvedRollout, ResolvedScaling, resolveDisruptionBudget, resolveRollout, resolveScaling,
} from './_resolve';
import type { HardenedDeploymentProps } from './hardened-deployment';
import {
  AUTOSCALED_REPLICAS_REASON, DEV_RELAXATION_REASONS, MIN_HA_REPLICAS, PDB_UNHEALTHY_POD_EVICTION_POLICY, ROLLOUT,
} from '../defaults';
import { PropErrors } from '../internal/errors';
import { Profile } from '../profile';
import { ObjectMetadata, exemptionAnnotations } from '../workload/_metadata';
import { PodSelector, applyPod, createMounts, workloadPodProps } from '../workload/_render';
import type { ResolvedPod } from '../workload/_resolve';
import type { HardenedPodProps } from '../workload/hardened-pod';

// What the Deployment-backed workload kinds (ProductionApp, ProductionWorker) share beyond the hardened pod: how
// their replicas, rolling update and disruption budget are resolved, and how the Deployment, PodDisruptionBudget and
// HorizontalPodAutoscaler are created. Each object is created by its own function, so that a kind can put its own
// objects (a Service) between them: creation order decides the order of the output.

/**
 * The props a Deployment-backed workload kind adds to the hardened pod, by their public names.
 *
 * @internal
 */
export type DeploymentProps = Omit<HardenedDeploymentProps, keyof HardenedPodProps>;

/**
 * Replicas or autoscaling, the disruption budget and the rolling update, resolved.
 *
 * @internal
 */
export interface ResolvedDeployment {
  readonly scaling: ResolvedScaling;
  readonly disruptionBudget: ResolvedDisruptionBudget;
  readonly rollout: ResolvedRollout;
}

/**
 * Validates and resolves what a Deployment-backed kind adds to the pod. Records problems in `errors`; the caller throws.
 *
 * @internal
 */
export function resolveDeployment(errors: PropErrors, profile: Profile, props: DeploymentProps): ResolvedDeployment {
  const scaling = resolveScaling(errors, profile, props);
  return {
    scaling,
    disruptionBudget: resolveDisruptionBudget(errors, props, scaling.minReplicas),
    rollout: resolveRollout(errors, props),
  };
}

/**
 * The Deployment that runs a hardened pod, and what was created with it.
 *
 * @internal
 */
export interface HardenedDeployment {
  readonly deployment: kplus.Deployment;
  /** The main container. */
  readonly container: kplus.Container;
  /** The selector of the Deployment's pods, for the PodDisruptionBudget and the NetworkPolicy. */
  readonly selector: PodSelector;
}

/**
 * Creates the pod's volumes and the Deployment (construct ID `Deployment`) that runs the pod, with the exemptions
 * of the pod on it, plus `deployment-replicas` when an autoscaler owns the replica count, the workload runs one
 * replica by design (`singleReplicaReason`) or the dev profile runs fewer than `MIN_HA_REPLICAS`.
 *
 * @internal
 */
export function createHardenedDeployment(scope: Construct, pod: ResolvedPod, settings: ResolvedDeployment,
  serviceAccount: kplus.IServiceAccount, metadata: ObjectMetadata): HardenedDeployment {
  const { scaling, rollout } = settings;
  const mounts = createMounts(scope, pod);
  const exemptions = [...pod.exemptions];
  if (scaling.autoscaling) {
    exemptions.push({ ruleId: 'deployment-replicas', reason: AUTOSCALED_REPLICAS_REASON });
  } else if (scaling.singleReplicaReason !== undefined) {
    exemptions.push({ ruleId: 'deployment-replicas', reason: scaling.singleReplicaReason });
  } else if (scaling.minReplicas < MIN_HA_REPLICAS) {
    // Only the dev profile lets a replica count below the floor through resolution.
    exemptions.push({ ruleId: 'deployment-replicas', reason: DEV_RELAXATION_REASONS.singleReplica });
  }
  const deployment = new kplus.Deployment(scope, 'Deployment', {
    ...workloadPodProps(pod, serviceAccount),
    metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(exemptions) } },
    replicas: scaling.replicas,
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(rollout.maxSurge),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(ROLLOUT.maxUnavailable),
    }),
    minReady: rollout.minReady,
    progressDeadline: rollout.progressDeadline,
  });
  if (scaling.autoscaling) {
    deployment.markHasAutoscaler();
  }
  const selector = { matchLabels: { ...deployment.matchLabels } };
  const container = applyPod(deployment, pod, mounts, selector, '/spec/template/spec');
  // cdk8s-plus has no field for it.
  ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/revisionHistoryLimit', rollout.revisionHistoryLimit));
  return { deployment, container, selector };
}

/**
 * Creates the PodDisruptionBudget (construct ID `DisruptionBudget`) of a Deployment's pods.
 *
 * @internal
 */
export function createDisruptionBudget(scope: Construct, budget: ResolvedDisruptionBudget, metadata: ObjectMetadata,
  selector: PodSelector): k8s.KubePodDisruptionBudget {
  const { maxUnavailable, minAvailable } = budget;
  return new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata,
    spec: {
      selector,
      maxUnavailable: maxUnavailable === undefined ? undefined : k8s.IntOrString.fromNumber(maxUnavailable),
      minAvailable: minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(minAvailable),
      unhealthyPodEvictionPolicy: PDB_UNHEALTHY_POD_EVICTION_POLICY,
    },
  });
}

/**
 * Creates the HorizontalPodAutoscaler (autoscaling/v2, construct ID `Autoscaler`) of a Deployment, when autoscaling
 * is on; a minimum below `MIN_HA_REPLICAS` (dev only) is recorded as the `hpa-replicas` exemption.
 *
 * @internal
 */
export function createAutoscaler(scope: Construct, scaling: ResolvedScaling, metadata: ObjectMetadata,
  deployment: kplus.Deployment): k8s.KubeHorizontalPodAutoscalerV2 | undefined {
  const autoscaling = scaling.autoscaling;
  if (autoscaling === undefined) {
    return undefined;
  }
  const metrics: k8s.MetricSpecV2[] = [{
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent } },
  }];
  if (autoscaling.memoryUtilizationPercent !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: autoscaling.memoryUtilizationPercent } } });
  }
  // Only the dev profile lets an autoscaler minimum below the floor through resolution.
  const exemptions = autoscaling.minReplicas < MIN_HA_REPLICAS
    ? [{ ruleId: 'hpa-replicas' as const, reason: DEV_RELAXATION_REASONS.autoscalerMinimum }] : [];
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
    metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(exemptions) } },
    spec: {
      scaleTargetRef: { apiVersion: deployment.apiVersion, kind: deployment.kind, name: deployment.name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics,
    },
  });
}

