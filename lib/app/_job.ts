import { Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { HardenedJobProps } from './production-job';
import { JOB_RUN } from '../defaults';
import { PropErrors } from '../internal/errors';
import { isInt32 } from '../internal/names';
import { checkMinDuration } from '../internal/quantity';
import { Profile } from '../profile';
import { NameRule, ResolvedPod, resolvePod } from '../workload/_resolve';

// Validation and resolution of what a run-to-completion workload (ProductionJob, ProductionCronJob) adds to the
// hardened pod: its restart policy, retries, deadline and parallelism. The pod itself is resolved by the
// workload layer.

/**
 * One run of a job, resolved.
 *
 * @internal
 */
export interface ResolvedJobRun {
  readonly restartPolicy: kplus.RestartPolicy;
  readonly backoffLimit: number;
  readonly activeDeadline?: Duration;
  readonly parallelism?: number;
  readonly completions?: number;
}

/**
 * What differs between the job kinds when their pod is resolved.
 *
 * @internal
 */
export interface JobKind {
  /** The `app.kubernetes.io/component` label when `component` is not set. */
  readonly component: string;
  /** How the workload is named in messages, e.g. 'the job'. */
  readonly owner: string;
  /** The rule the workload's name follows. */
  readonly naming: NameRule;
}

/**
 * The hardened pod of a job: no ports, no probes but an optional liveness, and no preStop pause by default.
 *
 * @internal
 */
export function resolveJobPod(errors: PropErrors, scope: IConstruct, profile: Profile, props: HardenedJobProps, kind: JobKind): ResolvedPod {
  return resolvePod(errors, scope, profile, { ...props, preStopDelay: props.preStopDelay ?? JOB_RUN.preStopDelay }, {
    component: kind.component,
    ports: [],
    probes: 'none',
    owner: kind.owner,
    naming: kind.naming,
  });
}

/**
 * The restart policy, retries, deadline and parallelism of one run.
 *
 * @internal
 */
export function resolveJobRun(errors: PropErrors,
  props: Pick<HardenedJobProps, 'restartPolicy' | 'backoffLimit' | 'activeDeadline' | 'parallelism' | 'completions'>): ResolvedJobRun {
  const restartPolicy = props.restartPolicy ?? JOB_RUN.restartPolicy;
  errors.check(restartPolicy === kplus.RestartPolicy.ALWAYS, 'restartPolicy', restartPolicy,
    'would restart the pod after it succeeds, so the run never completes (Kubernetes refuses it for Jobs)',
    'use RestartPolicy.NEVER (a new pod per retry, failed pods kept for their logs) or RestartPolicy.ON_FAILURE');
  const backoffLimit = props.backoffLimit ?? JOB_RUN.backoffLimit;
  checkCount(errors, 'backoffLimit', backoffLimit, 0, 'use 0 for no retries, or a small number such as 3');
  checkMinDuration(errors, 'activeDeadline', props.activeDeadline, 1, 'a run must be given some time');
  checkCount(errors, 'parallelism', props.parallelism, 0, 'use 1 or more pods at once (0 pauses the Job)');
  checkCount(errors, 'completions', props.completions, 1, 'use 1 or more successful pods');
  return {
    restartPolicy,
    backoffLimit,
    activeDeadline: props.activeDeadline,
    parallelism: props.parallelism,
    completions: props.completions,
  };
}

/**
 * Records a problem when `value` is set and is not a whole number of at least `min`.
 *
 * @internal
 */
export function checkCount(errors: PropErrors, prop: string, value: number | undefined, min: number, fix: string): void {
  errors.check(value !== undefined && !isInt32(value, min), prop, value,
    `is not a whole number from ${min} to 2147483647`, fix);
}

/**
 * The label that selects a job's pods. cdk8s-plus puts its address label on the pods of every workload; a Job
 * itself has no selector (Kubernetes generates one), so the label is read from the pod metadata.
 *
 * @internal
 */
export function jobPodSelector(workload: kplus.Job | kplus.CronJob): Record<string, string> {
  return { [kplus.Pod.ADDRESS_LABEL]: workload.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL)! };
}


/**
 * Patches for the Job fields cdk8s-plus has no props for.
 *
 * @param jobSpecPath the JSON pointer of the Job spec in the manifest
 * @internal
 */
export function parallelismPatches(jobSpecPath: string, run: ResolvedJobRun): JsonPatch[] {
  const patches: JsonPatch[] = [];
  if (run.parallelism !== undefined) {
    patches.push(JsonPatch.add(`${jobSpecPath}/parallelism`, run.parallelism));
  }
  if (run.completions !== undefined) {
    patches.push(JsonPatch.add(`${jobSpecPath}/completions`, run.completions));
  }
  return patches;
}
