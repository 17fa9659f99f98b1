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
import { createAnalysisTemplate, createRollout, ResolvedDelivery } from '../delivery/_rollout';
import { PRUNE_LAST } from '../delivery/defaults';
import { PodSelector, applyPod, createMounts, renderPodTemplate, workloadPodProps } from '../workload/_render';
import type { AttachedRouteRef } from '../workload/_routes';
import type { ResolvedExemption, ResolvedPod } from '../workload/_resolve';
import type { HardenedPodProps } from '../workload/hardened-pod';

// What the Deployment-backed workload kinds (ProductionApp, ProductionWorker) share beyond the hardened pod: how
// their replicas, rolling update and disruption budget are resolved, and how the Deployment or Rollout,
// PodDisruptionBudget and HorizontalPodAutoscaler are created. Both kinds create them in two steps,
// `createReplicatedPods` then `createReplicatedObjects`, so that a kind can put its own objects (a ProductionApp's
// Services) between them: creation order decides the order of the output.

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
 * The exemptions of a replicated workload's controller (Deployment or Rollout): the pod's, plus `deployment-replicas`
 * when an autoscaler owns the replica count, the workload runs one replica by design (`singleReplicaReason`) or the
 * dev profile runs fewer than `MIN_HA_REPLICAS`.
 *
 * @internal
 */
export function replicatedExemptions(pod: ResolvedPod, scaling: ResolvedScaling): ResolvedExemption[] {
  const exemptions = [...pod.exemptions];
  if (scaling.autoscaling) {
    exemptions.push({ ruleId: 'deployment-replicas', reason: AUTOSCALED_REPLICAS_REASON });
  } else if (scaling.singleReplicaReason !== undefined) {
    exemptions.push({ ruleId: 'deployment-replicas', reason: scaling.singleReplicaReason });
  } else if (scaling.minReplicas < MIN_HA_REPLICAS) {
    // Only the dev profile lets a replica count below the floor through resolution.
    exemptions.push({ ruleId: 'deployment-replicas', reason: DEV_RELAXATION_REASONS.singleReplica });
  }
  return exemptions;
}

/**
 * Creates the pod's volumes and the Deployment (construct ID `Deployment`) that runs the pod, with the exemptions
 * of the pod on it, plus `deployment-replicas` when an autoscaler owns the replica count, the workload runs one
 * replica by design (`singleReplicaReason`) or the dev profile runs fewer than `MIN_HA_REPLICAS`.
 *
 * @internal
 */
export function createHardenedDeployment(scope: Construct, pod: ResolvedPod, settings: ResolvedDeployment,
  serviceAccount: kplus.IServiceAccount, metadata: ObjectMetadata, extraAnnotations: Record<string, string> = {}): HardenedDeployment {
  const { scaling, rollout } = settings;
  const mounts = createMounts(scope, pod);
  const exemptions = replicatedExemptions(pod, scaling);
  const deployment = new kplus.Deployment(scope, 'Deployment', {
    ...workloadPodProps(pod, serviceAccount),
    metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(exemptions), ...extraAnnotations } },
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
 * The object an autoscaler scales: a Deployment or a Rollout (both have the scale subresource).
 *
 * @internal
 */
export interface ScaleTarget {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Creates the HorizontalPodAutoscaler (autoscaling/v2, construct ID `Autoscaler`) of a Deployment or Rollout, when autoscaling
 * is on; a minimum below `MIN_HA_REPLICAS` (dev only) is recorded as the `hpa-replicas` exemption.
 *
 * @internal
 */
export function createAutoscaler(scope: Construct, scaling: ResolvedScaling, metadata: ObjectMetadata,
  target: ScaleTarget): k8s.KubeHorizontalPodAutoscalerV2 | undefined {
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
      scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics,
    },
  });
}


/**
 * The selector of a Rollout's pods (and, while it migrates, of the Deployment's too): the stable app labels only.
 * The controller adds the pod-template hash to each ReplicaSet itself; it changes every revision.
 *
 * @internal
 */
export function stableAppSelector(labels: Record<string, string>): PodSelector {
  return { matchLabels: { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': labels['app.kubernetes.io/instance'] } };
}

/**
 * The Deployment a canary or blue/green migrates from (construct ID `Deployment`): today's Deployment, annotated so
 * that Argo CD prunes it last, once the Rollout has taken its pods over.
 *
 * @internal
 */
export function createMigratingDeployment(scope: Construct, pod: ResolvedPod, settings: ResolvedDeployment,
  serviceAccount: kplus.IServiceAccount, metadata: ObjectMetadata): HardenedDeployment {
  return createHardenedDeployment(scope, pod, settings, serviceAccount, metadata, { [PRUNE_LAST.annotation]: PRUNE_LAST.value });
}

/**
 * The Argo Rollouts objects of a canary or blue/green: the AnalysisTemplate (when there is an analysis) and the
 * Rollout, whose pod template is the workload layer's (`renderPodTemplate`), or, while migrating, a reference to
 * the Deployment. The Rollout carries the same exemptions as the Deployment would.
 *
 * @internal
 */
export function createDeliveryObjects(scope: Construct, pod: ResolvedPod, scaling: ResolvedScaling, delivery: ResolvedDelivery,
  serviceAccount: kplus.ServiceAccount, metadata: ObjectMetadata, selector: PodSelector, wiring: DeliveryWiring):
  { rollout: ApiObject; analysisTemplate?: ApiObject; scaleTarget: ScaleTarget } {
  const analysisTemplate = delivery.analysis === undefined ? undefined : createAnalysisTemplate(scope, delivery.analysis, metadata);
  const template = delivery.migrate ? undefined
    : renderPodTemplate(pod, createMounts(scope, pod), selector, serviceAccount.name, kplus.RestartPolicy.ALWAYS);
  const rollout = createRollout(scope, {
    delivery,
    metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(replicatedExemptions(pod, scaling)) } },
    selector,
    replicas: scaling.replicas,
    template,
    deploymentName: wiring.deploymentName,
    serviceName: wiring.serviceName,
    analysisTemplateName: analysisTemplate?.name,
    routes: wiring.routes,
  });
  return { rollout, analysisTemplate, scaleTarget: { apiVersion: rollout.apiVersion, kind: rollout.kind, name: rollout.name } };
}

/**
 * What a Rollout is wired to.
 *
 * @internal
 */
export interface DeliveryWiring {
  /** The Deployment a migrating Rollout references. */
  readonly deploymentName?: string;
  /** The workload's own Service (a blue/green's active Service), if it has one. */
  readonly serviceName?: string;
  /** The routes attached to the workload, read at synthesis. */
  readonly routes: AttachedRouteRef[];
}

/**
 * A rolling update's pods: the hardened Deployment runs them.
 *
 * @internal
 */
export interface RollingPods extends HardenedDeployment {
  readonly delivery?: undefined;
}

/**
 * A canary's or blue/green's pods: the Rollout runs them (`createReplicatedObjects` creates it); the Deployment is
 * there only while the Rollout migrates from it.
 *
 * @internal
 */
export interface DeliveredPods {
  readonly delivery: ResolvedDelivery;
  /** The Deployment the Rollout migrates from (`migrateFromDeployment`). */
  readonly deployment?: kplus.Deployment;
  /** The Deployment's main container, while migrating. */
  readonly container?: kplus.Container;
  /** The stable app labels (`stableAppSelector`): they select the Rollout's pods and the migrating Deployment's. */
  readonly selector: PodSelector;
}

/**
 * What `createReplicatedPods` created, for `createReplicatedObjects`.
 *
 * @internal
 */
export type ReplicatedPods = RollingPods | DeliveredPods;

/**
 * The first step of a Deployment-backed kind's objects: with a rolling update (`delivery` undefined) the hardened
 * Deployment (construct ID `Deployment`); with a canary or blue/green, the Deployment it migrates from when it
 * migrates (`createMigratingDeployment`), and the stable selector of the pods either way.
 *
 * @internal
 */
export function createReplicatedPods(scope: Construct, pod: ResolvedPod, settings: ResolvedDeployment, delivery: ResolvedDelivery | undefined,
  serviceAccount: kplus.IServiceAccount, metadata: ObjectMetadata, labels: Record<string, string>): ReplicatedPods {
  if (delivery === undefined) {
    return createHardenedDeployment(scope, pod, settings, serviceAccount, metadata);
  }
  // The Rollout's pods (and, while migrating, the Deployment's) are selected by the app's stable labels only; the
  // controller adds the changing pod-template hash itself.
  const selector = stableAppSelector(labels);
  if (!delivery.migrate) {
    return { delivery, selector };
  }
  const { deployment, container } = createMigratingDeployment(scope, pod, settings, serviceAccount, metadata);
  return { delivery, deployment, container, selector };
}

/**
 * The objects `createReplicatedObjects` created.
 *
 * @internal
 */
export interface ReplicatedObjects {
  /** The Argo Rollouts Rollout, for a canary or blue/green. */
  readonly rollout?: ApiObject;
  /** The AnalysisTemplate the Rollout's analysis runs, when there is an analysis. */
  readonly analysisTemplate?: ApiObject;
  readonly disruptionBudget: k8s.KubePodDisruptionBudget;
  readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
}

/**
 * The second step, after `createReplicatedPods` and the kind's own objects: with a canary or blue/green the Argo
 * Rollouts objects (`createDeliveryObjects`), then the PodDisruptionBudget of the pods and the autoscaler of the
 * Deployment or Rollout. The kind creates its NetworkPolicy next, with `pods.selector`.
 *
 * @internal
 */
export function createReplicatedObjects(scope: Construct, pod: ResolvedPod, settings: ResolvedDeployment, pods: ReplicatedPods,
  serviceAccount: kplus.ServiceAccount, metadata: ObjectMetadata, wiring: Omit<DeliveryWiring, 'deploymentName'>): ReplicatedObjects {
  if (pods.delivery === undefined) {
    return {
      disruptionBudget: createDisruptionBudget(scope, settings.disruptionBudget, metadata, pods.selector),
      autoscaler: createAutoscaler(scope, settings.scaling, metadata, pods.deployment),
    };
  }
  const { rollout, analysisTemplate, scaleTarget } = createDeliveryObjects(scope, pod, settings.scaling, pods.delivery, serviceAccount,
    metadata, pods.selector, { deploymentName: pods.deployment?.name, serviceName: wiring.serviceName, routes: wiring.routes });
  return {
    rollout,
    analysisTemplate,
    disruptionBudget: createDisruptionBudget(scope, settings.disruptionBudget, metadata, pods.selector),
    autoscaler: createAutoscaler(scope, settings.scaling, metadata, scaleTarget),
  };
}
