import { KubeadmArg } from './api-server-hardening';

/**
 * A pool of worker machines: one MachineDeployment per failure domain, each scaled by the cluster-autoscaler
 * between `minPerZone` and `maxPerZone`, with a MachineHealthCheck for the pool.
 */
export interface WorkerPoolOptions {
  /** The pool's name (a DNS-1123 label), e.g. `general`. */
  readonly name: string;
  /**
   * The failure domains (zones) of the pool; one MachineDeployment each.
   *
   * @default - the cluster's `failureDomains`
   */
  readonly failureDomains?: string[];
  /**
   * The fewest machines per zone the autoscaler keeps.
   *
   * @default 1
   */
  readonly minPerZone?: number;
  /**
   * The most machines per zone the autoscaler adds.
   *
   * @default 10
   */
  readonly maxPerZone?: number;
  /**
   * The pool's Kubernetes version: never newer than the control plane, at most 3 minors older. Set it to the old
   * version while the control plane is upgraded, then raise the pools one at a time.
   *
   * @default - the control plane's version
   */
  readonly version?: string;
  /**
   * The provider's machine type (an AWS instance type, a vSphere size name).
   *
   * @default - the provider's worker default
   */
  readonly machineType?: string;
  /**
   * Extra labels on the pool's machines.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The labels the pool's MachineHealthCheck selects machines by; they must be among the pool's machine labels and
   * must not select another pool's machines. Not used in topology mode (Cluster API selects each MachineDeployment).
   *
   * @default - `{ 'platform.example.com/pool': <name> }`
   */
  readonly healthCheckSelector?: { [key: string]: string };
  /**
   * The most unhealthy machines, in percent of the pool, that are still remediated; above it remediation stops (a
   * zone outage must not replace the whole pool).
   *
   * @default 40
   */
  readonly maxUnhealthyPercent?: number;
  /**
   * A range of unhealthy machines inside which remediation runs, e.g. `[0-2]`; takes precedence over
   * `maxUnhealthyPercent`.
   *
   * @default - `maxUnhealthyPercent` applies
   */
  readonly unhealthyRange?: string;
  /**
   * Further kubelet flags. Names must be unique and must not weaken kubelet (`read-only-port`, `anonymous-auth`, ...).
   *
   * @default - none
   */
  readonly kubeletExtraArgs?: KubeadmArg[];
}
