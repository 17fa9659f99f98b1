import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { ProductionAppProps } from './production-app';
import { DEFAULT_AUTOSCALING, DEFAULT_REPLICAS, MIN_REPLICAS, PORT_NAME, ROLLOUT } from '../defaults';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { isInt32, isPortName } from '../internal/names';
import { Profile } from '../profile';
import { ResolvedPod, resolvePod, validateAnnotations, validateLabels } from '../workload/_resolve';
import type { AppPort } from '../workload/hardened-pod';
import { ResolvedDelivery, resolveDelivery } from '../delivery/_rollout';

// Validation and resolution of what a ProductionApp adds to the hardened pod: its ports, replicas or autoscaler,
// disruption budget, rolling update and Service. The pod itself is resolved by the workload layer.

/**
 * The static replica count or the autoscaler settings.
 *
 * @internal
 */
export interface ResolvedScaling {
  /** The static replica count, or undefined when an autoscaler owns it. */
  readonly replicas?: number;
  /** The fewest pods the app runs with. */
  readonly minReplicas: number;
  /** Why the workload runs one replica by design, when it does. */
  readonly singleReplicaReason?: string;
  /** The autoscaler settings, when autoscaling is on. */
  readonly autoscaling?: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilizationPercent: number;
    readonly memoryUtilizationPercent?: number;
  };
}

/**
 * The PodDisruptionBudget; exactly one field is set.
 *
 * @internal
 */
export interface ResolvedDisruptionBudget {
  readonly maxUnavailable?: number;
  readonly minAvailable?: number;
}

/**
 * The rolling update.
 *
 * @internal
 */
export interface ResolvedRollout {
  readonly maxSurge: number;
  readonly minReady: Duration;
  readonly progressDeadline: Duration;
  readonly revisionHistoryLimit: number;
}

/**
 * Every resolved setting of a ProductionApp: the pod, and what the app adds to it.
 *
 * @internal
 */
export interface ResolvedApp {
  readonly pod: ResolvedPod;
  readonly scaling: ResolvedScaling;
  readonly disruptionBudget: ResolvedDisruptionBudget;
  readonly rollout: ResolvedRollout;
  readonly serviceType: kplus.ServiceType;
  /** The Service's extra labels and annotations. */
  readonly serviceMetadata: { readonly labels: Record<string, string>; readonly annotations: Record<string, string> };
  /** The canary or blue/green; undefined for a rolling update. */
  readonly delivery?: ResolvedDelivery;
}

/**
 * Validates `props` and resolves every default; throws one error listing every problem.
 *
 * @internal
 */
export function resolveProductionApp(scope: IConstruct, profile: Profile, props: ProductionAppProps): ResolvedApp {
  const errors = new PropErrors(scope, 'ProductionApp', profile);
  assertPropTypes(errors, props, 'ProductionAppProps');
  const ports = resolvePorts(errors, props);
  const pod = resolvePod(errors, scope, profile, props, { component: 'server', ports });
  const scaling = resolveScaling(errors, profile, props);
  const resolved: ResolvedApp = {
    pod,
    scaling,
    disruptionBudget: resolveDisruptionBudget(errors, props, scaling.minReplicas),
    rollout: resolveRollout(errors, props),
    serviceType: resolveServiceType(errors, props),
    serviceMetadata: resolveServiceMetadata(errors, props),
    delivery: resolveDelivery(errors, profile, props.strategy, {
      name: pod.identity.name, minReplicas: scaling.minReplicas, maxSurge: props.maxSurge, minReady: props.minReady,
      progressDeadline: props.progressDeadline, revisionHistoryLimit: props.revisionHistoryLimit, servesTraffic: true,
    }),
  };
  errors.throwIfAny();
  return resolved;
}

/**
 * Every port of the main container, the main one first.
 *
 * @internal
 */
export function resolvePorts(errors: PropErrors, props: Pick<ProductionAppProps, 'port' | 'portName' | 'additionalPorts'>): AppPort[] {
  const ports: AppPort[] = [{ name: props.portName ?? PORT_NAME, port: props.port }, ...(props.additionalPorts ?? [])];
  ports.forEach((p, i) => {
    const prop = i === 0 ? 'port' : `additionalPorts[${i - 1}].port`;
    const nameProp = i === 0 ? 'portName' : `additionalPorts[${i - 1}].name`;
    errors.check(!Number.isInteger(p.port) || p.port < 1 || p.port > 65535, prop, p.port, 'is not a port number', 'use an integer from 1 to 65535');
    errors.check(!isPortName(p.name), nameProp, p.name, 'is not a valid port name',
      'use at most 15 lowercase letters, digits and \'-\', with at least one letter');
    errors.check(ports.findIndex((q) => q.port === p.port) < i, prop, p.port, 'is used by another port of the app', 'give each port its own number');
    errors.check(ports.findIndex((q) => q.name === p.name) < i, nameProp, p.name, 'is used by another port of the app', 'give each port its own name');
  });
  errors.check(props.port === 22, 'port', props.port, 'is the SSH port; running SSH in an app is flagged by kube-linter (ssh-port)',
    'serve the app on another port');
  return ports;
}

/**
 * Static replicas, or autoscaling.
 *
 * @internal
 */
export function resolveScaling(errors: PropErrors, profile: Profile,
  props: Pick<ProductionAppProps, 'replicas' | 'autoscaling' | 'singleReplicaReason'>): ResolvedScaling {
  const minFloor = profile._select(MIN_REPLICAS);
  const inProfile = `in ${profile.name}`;
  const singleReplicaReason = resolveSingleReplicaReason(errors, props);
  if (singleReplicaReason !== undefined) {
    errors.check(props.autoscaling !== undefined, 'singleReplicaReason', singleReplicaReason,
      'is set together with \'autoscaling\'; an autoscaled workload is not a singleton', 'remove one of the two');
    return { replicas: 1, minReplicas: 1, singleReplicaReason };
  }
  if (props.autoscaling) {
    errors.check(props.replicas !== undefined, 'replicas', props.replicas, 'is set together with \'autoscaling\'; the autoscaler owns the replica count',
      'remove \'replicas\' and set \'autoscaling.minReplicas\'');
    const minR = props.autoscaling.minReplicas ?? profile._select(DEFAULT_AUTOSCALING.minReplicas);
    const maxR = props.autoscaling.maxReplicas ?? profile._select(DEFAULT_AUTOSCALING.maxReplicas);
    errors.check(!isInt32(minR, minFloor), 'autoscaling.minReplicas', minR, `must be an integer of at least ${minFloor} ${inProfile} (and at most 2147483647)`,
      `set it to ${minFloor} or more`);
    errors.check(!isInt32(maxR) || maxR <= minR, 'autoscaling.maxReplicas', maxR, `must be an integer above minReplicas (${minR})`,
      `set it to ${minR + 1} or more, or lower 'autoscaling.minReplicas'`);
    const cpu = props.autoscaling.cpuUtilizationPercent ?? DEFAULT_AUTOSCALING.cpuUtilizationPercent;
    errors.check(!Number.isInteger(cpu) || cpu < 1 || cpu > 100, 'autoscaling.cpuUtilizationPercent', cpu, 'is not a percentage', 'use an integer from 1 to 100');
    const mem = props.autoscaling.memoryUtilizationPercent;
    errors.check(mem !== undefined && (!Number.isInteger(mem) || mem < 1 || mem > 100), 'autoscaling.memoryUtilizationPercent', mem, 'is not a percentage',
      'use an integer from 1 to 100');
    return {
      minReplicas: minR,
      autoscaling: { minReplicas: minR, maxReplicas: maxR, cpuUtilizationPercent: cpu, memoryUtilizationPercent: mem },
    };
  }
  const replicas = props.replicas ?? profile._select(DEFAULT_REPLICAS);
  errors.check(!isInt32(replicas, minFloor), 'replicas', replicas,
    `must be an integer of at least ${minFloor} ${inProfile} (and at most 2147483647)`, `set it to ${minFloor} or more, or turn on 'autoscaling'`);
  return { replicas, minReplicas: replicas };
}

/**
 * The reason a workload runs one replica by design, trimmed; records an error for an empty reason and for
 * `replicas` other than 1 next to it.
 *
 * @internal
 */
export function resolveSingleReplicaReason(errors: PropErrors,
  props: { readonly replicas?: number; readonly singleReplicaReason?: string }): string | undefined {
  if (props.singleReplicaReason === undefined) {
    return undefined;
  }
  const reason = props.singleReplicaReason.trim();
  errors.check(reason === '', 'singleReplicaReason', props.singleReplicaReason, 'is empty; an exemption needs a reason',
    'say why the workload cannot run more than one replica, or remove it');
  errors.check(props.replicas !== undefined && props.replicas !== 1, 'replicas', props.replicas,
    'is not 1, but \'singleReplicaReason\' says the workload runs one replica', 'set replicas to 1 (or leave it unset), or remove \'singleReplicaReason\'');
  return reason;
}

/**
 * The PodDisruptionBudget, which must leave room for evictions above `minReplicas`.
 *
 * @internal
 */
export function resolveDisruptionBudget(errors: PropErrors, props: Pick<ProductionAppProps, 'disruptionBudget'>,
  minReplicas: number): ResolvedDisruptionBudget {
  const pdb = props.disruptionBudget ?? {};
  errors.check(pdb.maxUnavailable !== undefined && pdb.minAvailable !== undefined, 'disruptionBudget', pdb,
    'sets both maxUnavailable and minAvailable', 'set only one of them');
  errors.check(pdb.maxUnavailable !== undefined && !isInt32(pdb.maxUnavailable, 1),
    'disruptionBudget.maxUnavailable', pdb.maxUnavailable, 'blocks every eviction, so node drains hang', 'set it to 1 or more');
  errors.check(pdb.minAvailable !== undefined && (!isInt32(pdb.minAvailable) || pdb.minAvailable >= minReplicas),
    'disruptionBudget.minAvailable', pdb.minAvailable, `must be below the fewest replicas (${minReplicas}), else no pod can ever be evicted`,
    `set it to ${Math.max(minReplicas - 1, 0)} or less, or use maxUnavailable 1`);
  return pdb.minAvailable === undefined ? { maxUnavailable: pdb.maxUnavailable ?? 1 } : { minAvailable: pdb.minAvailable };
}

/**
 * The rolling update.
 *
 * @internal
 */
export function resolveRollout(errors: PropErrors,
  props: Pick<ProductionAppProps, 'maxSurge' | 'minReady' | 'progressDeadline' | 'revisionHistoryLimit'>): ResolvedRollout {
  const maxSurge = props.maxSurge ?? ROLLOUT.maxSurge;
  errors.check(!isInt32(maxSurge, 1), 'maxSurge', maxSurge, 'must be a positive integer (maxUnavailable is 0, so a rollout needs surge pods)',
    'set it to 1 or more');
  const minReady = props.minReady ?? ROLLOUT.minReady;
  const progressDeadline = props.progressDeadline ?? ROLLOUT.progressDeadline;
  errors.check(progressDeadline.toSeconds() <= minReady.toSeconds(), 'progressDeadline', `${progressDeadline.toSeconds()}s`,
    `must be longer than 'minReady' (${minReady.toSeconds()}s)`, 'raise progressDeadline or lower minReady');
  const revisionHistoryLimit = props.revisionHistoryLimit ?? ROLLOUT.revisionHistoryLimit;
  errors.check(!isInt32(revisionHistoryLimit, 1), 'revisionHistoryLimit', revisionHistoryLimit,
    'must keep at least one old ReplicaSet for rollback', 'set it to 1 or more');
  return { maxSurge, minReady, progressDeadline, revisionHistoryLimit };
}

/**
 * The Service type: ClusterIP behind the single entry point, unless a reason is given.
 *
 * @internal
 */
export function resolveServiceType(errors: PropErrors, props: Pick<ProductionAppProps, 'serviceType' | 'serviceTypeReason'>): kplus.ServiceType {
  const serviceType = props.serviceType ?? kplus.ServiceType.CLUSTER_IP;
  if (serviceType === kplus.ServiceType.LOAD_BALANCER || serviceType === kplus.ServiceType.NODE_PORT) {
    errors.enforce(!(props.serviceTypeReason ?? '').trim(), 'serviceType', serviceType,
      'exposes the app outside the cluster, bypassing the single load-balanced entry point',
      'keep ClusterIP and route through a ProductionIngress, or give \'serviceTypeReason\'');
  }
  errors.check(serviceType === kplus.ServiceType.EXTERNAL_NAME, 'serviceType', serviceType, 'cannot select the app\'s pods',
    'use ClusterIP');
  return serviceType;
}

/**
 * The Service's extra labels and annotations.
 *
 * @internal
 */
export function resolveServiceMetadata(errors: PropErrors, props: Pick<ProductionAppProps, 'serviceLabels' | 'serviceAnnotations'>):
  ResolvedApp['serviceMetadata'] {
  validateLabels(errors, 'serviceLabels', props.serviceLabels ?? {}, true);
  validateAnnotations(errors, 'serviceAnnotations', props.serviceAnnotations ?? {});
  return { labels: { ...(props.serviceLabels ?? {}) }, annotations: { ...(props.serviceAnnotations ?? {}) } };
}
