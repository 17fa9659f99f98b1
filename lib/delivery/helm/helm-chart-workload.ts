import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ChartWorkloadSpec } from './_chart';
import { PodMonitor } from '../../../imports/podmonitor-monitoring.coreos.com';
import { ServiceMonitor } from '../../../imports/servicemonitor-monitoring.coreos.com';
import { PropErrors } from '../../internal/errors';
import { checkPropTypes } from '../../internal/prop-types';
import { Profile } from '../../profile';
import { WorkloadNetworkPolicy, workloadPeer } from '../../workload/_network';
import type { AppPort } from '../../workload/hardened-pod';
import type { AppAllowOptions, IHardenedWorkload, WorkloadRuleOptions } from '../../workload/hardened-workload';
import { INetworkPeer, NetworkPeer } from '../../workload/network-peer';

/**
 * One workload of a Helm chart (a Deployment, StatefulSet, DaemonSet, Job or CronJob found in its rendered
 * manifests), with what `ProductionHelmRelease` added around it: its own NetworkPolicy, and where the chart has
 * none, a PodDisruptionBudget and a monitor.
 *
 * It is a hardened workload for network pairing: `allowFrom`, `connectsTo`, `addIngressRule` and `addEgressRule`
 * work as on a ProductionApp, in both directions (a ProductionApp that `connectsTo` a chart workload gets the egress
 * rule, the chart workload the ingress rule). It has no cdk8s-plus Service (`service` is undefined): the chart's
 * Services that select its pods are `chartServices`.
 *
 * Created by `ProductionHelmRelease`; get one with `release.workload('name')`.
 *
 * @example
 * const release = new ProductionHelmRelease(shop, 'Catalog', { manifests: 'examples/helm-chart/rendered' });
 * const catalogApi = release.workload('catalog-api');
 * catalogApi.allowFrom(NetworkPeer.inNamespace('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }), { ports: [8080] });
 */
export class HelmChartWorkload extends Construct implements IHardenedWorkload {
  /**
   * Creates the workload's construct and its NetworkPolicy.
   *
   * @internal
   */
  public static _create(scope: Construct, id: string, spec: ChartWorkloadSpec): HelmChartWorkload {
    return new HelmChartWorkload(scope, id, spec);
  }

  /** The profile in force for the workload. */
  public readonly profile: Profile;
  /** The workload's `metadata.name` in the chart. */
  public readonly name: string;
  /** The namespace of the workload, if one is set. */
  public readonly namespaceName?: string;
  /** The kind of the chart object: Deployment, StatefulSet, DaemonSet, Job or CronJob. */
  public readonly controllerKind: string;
  /** The chart's object (as included; the release's patches are JSON patches on it). */
  public readonly resource: ApiObject;
  /**
   * Every port the pods serve: the ports the chart's Services send traffic to first (the main one is the first of
   * them), then the other declared container ports. An unnamed container port is named `port-<number>`.
   */
  public readonly ports: AppPort[];
  /** The labels that select the workload's pods (its `spec.selector.matchLabels`; a job's pod template labels). */
  public readonly podSelector: { [key: string]: string };
  /** Always undefined: the chart's Services are plain objects, see `chartServices`. */
  public readonly service?: kplus.Service;
  /** The Services of the chart that select the workload's pods. */
  public readonly chartServices: ApiObject[];
  /** The NetworkPolicy the release added: default deny, DNS egress, and the allows added to it. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The PodDisruptionBudget the release added, when the chart has none for these pods and the kind is replicated. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The ServiceMonitor the release added, when a Service exposes the metrics port under a name. */
  public readonly serviceMonitor?: ApiObject;
  /** The PodMonitor the release added, when the metrics port is on no named Service port. */
  public readonly podMonitor?: ApiObject;

  private readonly network: WorkloadNetworkPolicy;

  private constructor(scope: Construct, id: string, spec: ChartWorkloadSpec) {
    super(scope, id);
    this.profile = Profile.of(this);
    this.name = spec.name;
    this.namespaceName = spec.namespace;
    this.controllerKind = spec.controllerKind;
    this.resource = spec.resource;
    this.ports = spec.ports;
    this.podSelector = { ...spec.podSelector };
    this.chartServices = spec.services;
    this.network = new WorkloadNetworkPolicy(this, 'HelmChartWorkload', spec.metadata, { matchLabels: { ...spec.podSelector } }, spec.access);
    this.networkPolicy = this.network.policy;
    if (spec.disruptionBudget !== undefined) {
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', spec.disruptionBudget);
    }
    if (spec.serviceMonitor !== undefined) {
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', spec.serviceMonitor);
    }
    if (spec.podMonitor !== undefined) {
      this.podMonitor = new PodMonitor(this, 'PodMonitor', spec.podMonitor);
    }
  }

  public get peerDescription(): string {
    return `HelmChartWorkload ${this.node.path} (${this.controllerKind} ${this.name})`;
  }

  public toNetworkPolicyPeer(fromNamespace: string | undefined): k8s.NetworkPolicyPeer {
    return workloadPeer(this.namespaceName, this.podSelector, fromNamespace);
  }

  public allowFrom(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    this.checkArguments('allowFrom', peer, options, 'AppAllowOptions');
    this.network.allowFrom(peer, options);
  }

  public connectsTo(peer: INetworkPeer, options: AppAllowOptions = {}): void {
    this.checkArguments('connectsTo', peer, options, 'AppAllowOptions');
    this.network.connectsTo(peer, options);
  }

  public addIngressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void {
    this.checkArguments('addIngressRule', peer, options, 'WorkloadRuleOptions');
    this.network.addIngress(peer, options.ports, options.protocols ?? [kplus.Protocol.TCP]);
  }

  public addEgressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void {
    this.checkArguments('addEgressRule', peer, options, 'WorkloadRuleOptions');
    this.network.addEgress(peer, options.ports, options.protocols ?? [kplus.Protocol.TCP]);
  }

  /** Reports what the peer's factory found wrong in its arguments, and options of the wrong type, with this path. */
  private checkArguments(method: string, peer: INetworkPeer, options: unknown, struct: string): void {
    const errors = new PropErrors(this, 'HelmChartWorkload', this.profile);
    if (peer instanceof NetworkPeer) {
      peer._reportProblems(errors, method);
    } else {
      errors.check(typeof peer?.toNetworkPolicyPeer !== 'function', method, peer, 'is not a network peer',
        'pass a hardened workload (ProductionApp, HelmChartWorkload, ...) or a NetworkPeer (NetworkPeer.cidr, .namespace, .pods)');
    }
    checkPropTypes(errors, options, struct, `${method}.`);
    errors.throwIfAny();
  }
}
