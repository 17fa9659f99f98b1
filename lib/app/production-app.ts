import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createAutoscaler, createDisruptionBudget, createHardenedDeployment } from './_deployment';
import { ResolvedApp, resolveProductionApp } from './_resolve';
import { ObjectMetadata, objectMetadata, withExtra } from '../workload/_metadata';
import type { HardenedDeploymentProps } from './hardened-deployment';
import type { AppPort } from '../workload/hardened-pod';
import { createServiceAccount } from '../workload/_render';
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
 * Every object carries the `app.kubernetes.io/*` labels and is a public property.
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

  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The main container. */
  public readonly container: kplus.Container;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /**
   * The ClusterIP Service; always set for a ProductionApp (optional in the type because
   * `HardenedWorkload.service` is, and jsii keeps an overridden property optional).
   */
  public readonly service?: kplus.Service;
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when autoscaling is on. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The NetworkPolicy that isolates the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;


  public constructor(scope: Construct, id: string, props: ProductionAppProps) {
    super(scope, id, 'ProductionApp');
    // Every problem with the props is thrown here, in one error, before any object is created.
    const settings = resolveProductionApp(this, this.profile, props);
    const { pod } = settings;
    this._usePod(pod);
    this.port = pod.main.ports[0].port;
    this.portName = pod.main.ports[0].name;
    this.replicas = settings.scaling.replicas;
    this.singleReplicaReason = settings.scaling.singleReplicaReason;
    this.minReplicas = settings.scaling.minReplicas;

    const metadata = objectMetadata(this.profile, this.name, this.namespaceName, this.labels);

    // Construct IDs and creation order decide the names and the order of the output: keep both.
    this.serviceAccount = createServiceAccount(this, pod, metadata);
    const { deployment, container, selector } = createHardenedDeployment(this, pod, settings, this.serviceAccount, metadata);
    this.deployment = deployment;
    this.container = container;
    this.service = this.createService(settings, metadata);
    this.disruptionBudget = createDisruptionBudget(this, settings.disruptionBudget, metadata, selector);
    this.autoscaler = createAutoscaler(this, settings.scaling, metadata, this.deployment);
    this.networkPolicy = this._createNetworkPolicy(metadata, selector, pod.access);
  }

  /** The labels that select this app's pods (the Deployment's selector). */
  public get podSelector(): { [key: string]: string } {
    return { ...this.deployment.matchLabels };
  }


  private createService(settings: ResolvedApp, metadata: ObjectMetadata): kplus.Service {
    return new kplus.Service(this, 'Service', {
      metadata: withExtra(metadata, settings.serviceMetadata.labels, settings.serviceMetadata.annotations),
      type: settings.serviceType,
      selector: this.deployment,
      // No targetPort: Kubernetes defaults it to `port`, which is the container port's number by construction.
      ports: this.ports.map((p) => ({ name: p.name, port: p.port, protocol: kplus.Protocol.TCP })),
    });
  }
}
