import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createReplicatedObjects, createReplicatedPods } from './_deployment';
import { ResolvedApp, resolveProductionApp } from './_resolve';
import { deliveryServiceNames, ResolvedDelivery, routeProblems } from '../delivery/_rollout';
import { SERVICE_ROLE_LABEL } from '../delivery/defaults';
import { DeliveryStrategy } from '../delivery/delivery-strategy';
import { ObjectMetadata, objectMetadata, withExtra } from '../workload/_metadata';
import type { HardenedDeploymentProps } from './hardened-deployment';
import type { AppPort } from '../workload/hardened-pod';
import { createServiceAccount, PodSelector } from '../workload/_render';
import type { RouteBackendRef } from '../workload/_routes';
import { HardenedWorkload } from '../workload/hardened-workload';



/**
 * Props of a `ProductionApp`.
 */
export interface ProductionAppProps extends HardenedDeploymentProps {
  /**
   * The port the app serves on (1-65535). The Service exposes it with the same number.
   */
  readonly port: number;

  /**
   * The name of the main port.
   *
   * @default 'http'
   */
  readonly portName?: string;

  /**
   * More ports, e.g. metrics. Each is also exposed by the Service.
   *
   * @default - none
   */
  readonly additionalPorts?: AppPort[];

  /**
   * The Service type. Apps stay ClusterIP behind the ingress controller; LoadBalancer or NodePort needs
   * `serviceTypeReason` in staging and prod.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;

  /**
   * Why the app needs a Service other than ClusterIP.
   *
   * @default - none
   */
  readonly serviceTypeReason?: string;

  /**
   * Extra labels on the Service. The `app.kubernetes.io/*` labels are the library's.
   *
   * @default - none
   */
  readonly serviceLabels?: { [key: string]: string };

  /**
   * Extra annotations on the Service (e.g. for a cloud load balancer, with `serviceType`).
   *
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };
}

/**
 * A production-grade, highly available, hardened workload.
 *
 * Emits a Deployment (rolling updates without downtime, spread over zones and nodes, graceful shutdown,
 * probes, requests and limits, restricted security context), a ServiceAccount, a ClusterIP Service, a
 * PodDisruptionBudget, an optional HorizontalPodAutoscaler and a default-deny NetworkPolicy with DNS egress.
 * Every object carries the `app.kubernetes.io/*` labels and is a public property. With a canary or blue/green
 * `strategy`, an Argo Rollouts Rollout runs the same pod instead of the Deployment (see `DeliveryStrategy`).
 *
 * @example
 * new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 */
export class ProductionApp extends HardenedWorkload {
  /** The main port. */
  public readonly port: number;
  /** The main port's name. */
  public readonly portName: string;
  /** The static replica count, or undefined when an autoscaler owns it. */
  public readonly replicas?: number;
  /** The fewest pods the app runs with (replicas, or the autoscaler's minimum). */
  public readonly minReplicas: number;
  /** Why the workload runs one replica by design, when it does. */
  public readonly singleReplicaReason?: string;

  /** How a new version replaces the running one. */
  public readonly strategy: DeliveryStrategy;

  /**
   * The Deployment: always with a rolling update, and while a canary or blue/green migrates from it
   * (`migrateFromDeployment`); undefined when a Rollout runs the pods.
   */
  public readonly deployment?: kplus.Deployment;
  /** The Argo Rollouts Rollout, for a canary or blue/green. */
  public readonly rollout?: ApiObject;
  /** The AnalysisTemplate the Rollout's analysis runs, when the strategy has an analysis. */
  public readonly analysisTemplate?: ApiObject;
  /** A canary's Service of the stable version (`<name>-stable`), with traffic routing. */
  public readonly stableService?: kplus.Service;
  /** A canary's Service of the new version (`<name>-canary`), with traffic routing. */
  public readonly canaryService?: kplus.Service;
  /** A blue/green's Service of the new version before promotion (`<name>-preview`); the app's `service` is the active one. */
  public readonly previewService?: kplus.Service;
  /** The main container, when a Deployment runs the pods. */
  public readonly container?: kplus.Container;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /**
   * The ClusterIP Service; always set for a ProductionApp (a blue/green's active Service) (optional in the type because
   * `HardenedWorkload.service` is, and jsii keeps an overridden property optional).
   */
  public readonly service?: kplus.Service;
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when autoscaling is on. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The NetworkPolicy that isolates the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;


  private readonly delivery?: ResolvedDelivery;
  private readonly selector: PodSelector;

  public constructor(scope: Construct, id: string, props: ProductionAppProps) {
    super(scope, id, 'ProductionApp');
    // Every problem with the props is thrown here, in one error, before any object is created.
    const settings = resolveProductionApp(this, this.profile, props);
    const { pod, delivery } = settings;
    this._usePod(pod);
    this.port = pod.main.ports[0].port;
    this.portName = pod.main.ports[0].name;
    this.replicas = settings.scaling.replicas;
    this.singleReplicaReason = settings.scaling.singleReplicaReason;
    this.minReplicas = settings.scaling.minReplicas;
    this.strategy = props.strategy ?? DeliveryStrategy.rolling();
    this.delivery = delivery;

    const metadata = objectMetadata(this.profile, this.name, this.namespaceName, this.labels);

    // Construct IDs and creation order decide the names and the order of the output: keep both.
    this.serviceAccount = createServiceAccount(this, pod, metadata);
    const pods = createReplicatedPods(this, pod, settings, delivery, this.serviceAccount, metadata, this.labels);
    this.deployment = pods.deployment;
    this.container = pods.container;
    this.selector = pods.selector;
    this.service = this.createService(settings, metadata);
    if (delivery !== undefined) {
      const names = deliveryServiceNames(this.name);
      const ports = this.ports.map((p) => ({ name: p.name, port: p.port, protocol: kplus.Protocol.TCP }));
      const serviceMetadata = withExtra(metadata, settings.serviceMetadata.labels, settings.serviceMetadata.annotations);
      const extraService = (id: string, name: string, role: string) => this.selectApp(new kplus.Service(this, id, {
        metadata: { ...serviceMetadata, name, labels: { ...serviceMetadata.labels, [SERVICE_ROLE_LABEL]: role } },
        type: kplus.ServiceType.CLUSTER_IP,
        ports,
      }));
      if (delivery.canary?.router) {
        this.stableService = extraService('StableService', names.stable, 'stable');
        this.canaryService = extraService('CanaryService', names.canary, 'canary');
      }
      if (delivery.blueGreen !== undefined) {
        this.previewService = extraService('PreviewService', names.preview, 'preview');
      }
    }
    const objects = createReplicatedObjects(this, pod, settings, pods, this.serviceAccount, metadata, {
      serviceName: this.service.name, routes: this._attachedRoutes,
    });
    this.rollout = objects.rollout;
    this.analysisTemplate = objects.analysisTemplate;
    this.disruptionBudget = objects.disruptionBudget;
    this.autoscaler = objects.autoscaler;
    this.networkPolicy = this._createNetworkPolicy(metadata, this.selector, pod.access);
    if (delivery?.canary?.router) {
      this.node.addValidation({ validate: () => routeProblems('ProductionApp', this.node.path, this._attachedRoutes, this.namespaceName) });
    }
  }

  /** The labels that select this app's pods (the Deployment's or the Rollout's selector). */
  public get podSelector(): { [key: string]: string } {
    return { ...this.selector.matchLabels };
  }

  /**
   * A canary with traffic routing sends a route to its stable Service (all the traffic at first) and its canary
   * Service (none at first); the Argo Rollouts plugin rewrites the weights. Every other strategy: the app's Service.
   *
   * @internal
   */
  public _routeBackends(port: number): RouteBackendRef[] {
    if (this.delivery?.canary?.router && this.stableService !== undefined && this.canaryService !== undefined) {
      return [{ name: this.stableService.name, port, weight: 100 }, { name: this.canaryService.name, port, weight: 0 }];
    }
    return super._routeBackends(port);
  }

  private createService(settings: ResolvedApp, metadata: ObjectMetadata): kplus.Service {
    const serviceMetadata = withExtra(metadata, settings.serviceMetadata.labels, settings.serviceMetadata.annotations);
    const service = new kplus.Service(this, 'Service', {
      // With a canary or blue/green, the app's Service is told apart from the others that select the same pods.
      metadata: settings.delivery === undefined ? serviceMetadata
        : { ...serviceMetadata, labels: { ...serviceMetadata.labels, [SERVICE_ROLE_LABEL]: 'main' } },
      type: settings.serviceType,
      selector: this.deployment !== undefined && settings.delivery === undefined ? this.deployment : undefined,
      // No targetPort: Kubernetes defaults it to `port`, which is the container port's number by construction.
      ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: kplus.Protocol.TCP })),
    });
    return settings.delivery === undefined ? service : this.selectApp(service);
  }

  /** Selects the app's pods by its stable labels. */
  private selectApp(service: kplus.Service): kplus.Service {
    for (const [key, value] of Object.entries(this.selector.matchLabels)) {
      service.selectLabel(key, value);
    }
    return service;
  }
}
