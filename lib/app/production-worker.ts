import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ResolvedDeployment, createReplicatedObjects, createReplicatedPods, resolveDeployment } from './_deployment';
import { ResolvedDelivery, resolveDelivery } from '../delivery/_rollout';
import { DeliveryStrategy } from '../delivery/delivery-strategy';
import type { HardenedDeploymentProps } from './hardened-deployment';
import { WORKER_COMPONENT } from '../defaults';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { ResolvedPod, resolvePod } from '../workload/_resolve';
import { PodSelector, createServiceAccount } from '../workload/_render';
import { HardenedWorkload } from '../workload/hardened-workload';

/**
 * Props of a `ProductionWorker`.
 *
 * A worker serves no port, so it has no `port`, Service or `healthPath`: give `readiness` and `liveness` as
 * `AppProbe.exec([...])`.
 */
export interface ProductionWorkerProps extends HardenedDeploymentProps {}

/** The construct kind, in messages. */
const KIND = 'ProductionWorker';

/** How the worker is named in the layer's messages. */
const OWNER = 'the worker';

/**
 * Props of a ProductionApp that describe a port or a Service. A worker has none of them, but a plain-JavaScript user
 * (or a props object shared with an app) may still pass them; they are refused rather than silently ignored.
 */
const SERVED_ONLY_PROPS = ['port', 'portName', 'additionalPorts', 'serviceType', 'serviceTypeReason'] as const;

/**
 * A production-grade, hardened, long-running workload that serves no port: a queue consumer, a stream
 * processor, a scheduler loop.
 *
 * Emits a Deployment (rolling updates without downtime, spread over zones and nodes, graceful shutdown, exec
 * probes, requests and limits, restricted security context), a ServiceAccount (no token unless asked), a
 * PodDisruptionBudget, an optional HorizontalPodAutoscaler and a NetworkPolicy that lets nothing in and only
 * DNS out; add the worker's connections with `connectsTo`. There is no Service. Every object carries the
 * `app.kubernetes.io/*` labels (component `worker`) and is a public property. With a canary `strategy` (no traffic
 * routing), an Argo Rollouts Rollout runs the same pod instead of the Deployment.
 *
 * The pod is the same hardened pod as a ProductionApp's, with the same props. Since no port can be probed,
 * `readiness` and `liveness` are required (an error in staging and prod, a warning in dev) and must not need a
 * port; startup defaults to the readiness check.
 *
 * @example
 * const worker = new ProductionWorker(chart, 'Billing', {
 *   image: 'registry.example.com/billing-worker:2.0.1',
 *   readiness: AppProbe.exec(['test', '-f', '/tmp/ready']),
 *   liveness: AppProbe.exec(['/bin/healthcheck', '--max-age=60s']),
 * });
 * worker.connectsTo(NetworkPeer.inNamespace('queues', { app: 'rabbitmq' }), { ports: [5672] });
 */
export class ProductionWorker extends HardenedWorkload {
  /** The static replica count, or undefined when an autoscaler owns it. */
  public readonly replicas?: number;
  /** The fewest pods the worker runs with (replicas, or the autoscaler's minimum). */
  public readonly minReplicas: number;
  /** Why the workload runs one replica by design, when it does. */
  public readonly singleReplicaReason?: string;

  /** How a new version replaces the running one. */
  public readonly strategy: DeliveryStrategy;
  /**
   * The Deployment: always with a rolling update, and while a canary migrates from it (`migrateFromDeployment`);
   * undefined when a Rollout runs the pods.
   */
  public readonly deployment?: kplus.Deployment;
  /** The Argo Rollouts Rollout, for a canary. */
  public readonly rollout?: ApiObject;
  /** The AnalysisTemplate the Rollout's analysis runs, when the strategy has an analysis. */
  public readonly analysisTemplate?: ApiObject;
  /** The main container, when a Deployment runs the pods. */
  public readonly container?: kplus.Container;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Service in front of the pods: always undefined, a worker has none. */
  public readonly service?: kplus.Service;
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when autoscaling is on. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The NetworkPolicy that isolates the pods: no ingress, egress to DNS and what `connectsTo` adds. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;


  private readonly selector: PodSelector;

  public constructor(scope: Construct, id: string, props: ProductionWorkerProps) {
    super(scope, id, KIND);
    // Every problem with the props is thrown here, in one error, before any object is created.
    const { pod, deployment, delivery } = resolveProductionWorker(this, this.profile, props);
    this._usePod(pod);
    this.replicas = deployment.scaling.replicas;
    this.singleReplicaReason = deployment.scaling.singleReplicaReason;
    this.minReplicas = deployment.scaling.minReplicas;
    this.strategy = props.strategy ?? DeliveryStrategy.rolling();

    const metadata = objectMetadata(this.profile, this.name, this.namespaceName, this.labels);

    // Construct IDs and creation order decide the names and the order of the output: keep both. A canary has no
    // traffic routing here: the share of pods is the share of work the new version takes.
    this.serviceAccount = createServiceAccount(this, pod, metadata);
    const pods = createReplicatedPods(this, pod, deployment, delivery, this.serviceAccount, metadata, this.labels);
    this.deployment = pods.deployment;
    this.container = pods.container;
    this.selector = pods.selector;
    const objects = createReplicatedObjects(this, pod, deployment, pods, this.serviceAccount, metadata, { routes: this._attachedRoutes });
    this.rollout = objects.rollout;
    this.analysisTemplate = objects.analysisTemplate;
    this.disruptionBudget = objects.disruptionBudget;
    this.autoscaler = objects.autoscaler;
    this.networkPolicy = this._createNetworkPolicy(metadata, this.selector, pod.access);
  }

  /** The labels that select this worker's pods (the Deployment's or the Rollout's selector). */
  public get podSelector(): { [key: string]: string } {
    return { ...this.selector.matchLabels };
  }

}

/** Validates `props` and resolves every default; throws one error listing every problem. */
function resolveProductionWorker(scope: IConstruct, profile: Profile, props: ProductionWorkerProps):
  { pod: ResolvedPod; deployment: ResolvedDeployment; delivery?: ResolvedDelivery } {
  const errors = new PropErrors(scope, KIND, profile);
  const given = (props ?? {}) as unknown as Record<string, unknown>;
  for (const prop of SERVED_ONLY_PROPS) {
    errors.check(given[prop] !== undefined, prop, given[prop], 'is not a prop of a worker: a worker serves no port, so it has no Service and nothing may reach it',
      `remove '${prop}'; for a workload that serves traffic use a ProductionApp, and for the connections the worker opens use 'connectsTo'`);
  }
  assertPropTypes(errors, props, 'ProductionWorkerProps', SERVED_ONLY_PROPS);
  const pod = resolvePod(errors, scope, profile, props, {
    component: WORKER_COMPONENT,
    ports: [],
    probes: 'portless',
    owner: OWNER,
    naming: { dns1035: false, maxLength: 63, reason: 'it names the Deployment' },
  });
  const deployment = resolveDeployment(errors, profile, props);
  const delivery = resolveDelivery(errors, profile, props.strategy, {
    name: pod.identity.name, minReplicas: deployment.scaling.minReplicas, maxSurge: props.maxSurge, minReady: props.minReady,
    progressDeadline: props.progressDeadline, revisionHistoryLimit: props.revisionHistoryLimit, servesTraffic: false,
  });
  errors.throwIfAny();
  return { pod, deployment, delivery };
}
