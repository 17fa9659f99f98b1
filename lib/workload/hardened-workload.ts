import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { AppPort } from './hardened-pod';
import type { INetworkPeer } from '../app/network-peer';
import type { Profile } from '../profile';

/**
 * Options for `allowFrom` and `connectsTo` of a hardened workload.
 */
export interface AppAllowOptions {
  /**
   * The ports the rule opens.
   *
   * @default - the target workload's main port; required when the target is not a hardened workload
   */
  readonly ports?: number[];

  /**
   * The protocol of the ports.
   *
   * @default kplus.Protocol.TCP
   */
  readonly protocol?: kplus.Protocol;
}

/**
 * Options for `addIngressRule` and `addEgressRule` of a hardened workload.
 */
export interface WorkloadRuleOptions {
  /** The ports the rule opens. */
  readonly ports: number[];

  /**
   * The protocols of the ports; one rule per protocol.
   *
   * @default [kplus.Protocol.TCP]
   */
  readonly protocols?: kplus.Protocol[];
}

/**
 * A workload built on the library's hardened pod: a ProductionApp, a worker, a job, a cron job, and what is
 * still to come.
 *
 * Network pairing, ingress routes and monitors accept any hardened workload, not one construct class.
 */
export interface IHardenedWorkload extends INetworkPeer, IConstruct {
  /** The profile in force for the workload. */
  readonly profile: Profile;
  /** The name of every object of the workload. */
  readonly name: string;
  /** The namespace of the workload's objects, if one is set. */
  readonly namespace?: string;
  /** Every port of the main container, the main one first; empty for a workload that serves no port. */
  readonly ports: AppPort[];
  /** The labels that select the workload's pods. */
  readonly podSelector: Record<string, string>;
  /** The Service in front of the pods, if the workload has one. */
  readonly service?: kplus.Service;
  /** The NetworkPolicy that isolates the pods. */
  readonly networkPolicy: k8s.KubeNetworkPolicy;

  /**
   * Allows traffic from `peer` to this workload's main port (or `options.ports`). When `peer` is a hardened
   * workload, its NetworkPolicy also gets the matching egress rule.
   */
  allowFrom(peer: INetworkPeer, options?: AppAllowOptions): void;

  /**
   * Allows this workload to open connections to `peer`: a hardened workload (its main port, and the matching
   * ingress rule on its side) or a NetworkPeer (`options.ports` required).
   */
  connectsTo(peer: INetworkPeer, options?: AppAllowOptions): void;

  /** Adds an ingress rule to this workload's NetworkPolicy only, without touching the peer. */
  addIngressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void;

  /** Adds an egress rule to this workload's NetworkPolicy only, without touching the peer. */
  addEgressRule(peer: INetworkPeer, options: WorkloadRuleOptions): void;
}
