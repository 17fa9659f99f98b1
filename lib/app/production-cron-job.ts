import { ApiObject, Cron, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkCount, jobPodSelector, parallelismPatches, resolveJobPod, resolveJobRun } from './_job';
import type { HardenedJobProps } from './production-job';
import { CRON_JOB, JOB_COMPONENT } from '../defaults';
import { CRON_JOB_MIN_STARTING_DEADLINE_SECONDS, CRON_JOB_NAME_MAX_LENGTH, parseCronSchedule, timeZoneProblem } from '../internal/cron';
import { PropErrors } from '../internal/errors';
import { checkMinDuration } from '../internal/quantity';
import { assertPropTypes } from '../internal/prop-types';
import { exemptionAnnotations, objectMetadata } from '../workload/_metadata';
import { applyPod, createMounts, workloadPodProps, createServiceAccount } from '../workload/_render';
import { HardenedWorkload } from '../workload/hardened-workload';

/**
 * Props of a `ProductionCronJob`.
 *
 * The Jobs it starts are cleaned up by `successfulJobsRetained` and `failedJobsRetained`, so it has no
 * `ttlAfterFinished` (kube-linter's job-ttl-seconds-after-finished flags a TTL on a cron job's Jobs, and
 * cdk8s-plus refuses one together with the history limits).
 */
export interface ProductionCronJobProps extends HardenedJobProps {
  /**
   * When runs start: a cron expression of five fields (minute, hour, day of month, month, day of week) with
   * lists (`1,15`), ranges (`1-5`), steps (`0-30/10`; a step over `*` runs every n-th minute, hour, ...) and
   * names (`MON-FRI`, `JAN`), or a macro (`@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`,
   * `@annually`), which is rendered as its five fields. Read in `timeZone`. A schedule that does not parse, or
   * that can never run, is an error.
   *
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule: string;

  /**
   * The IANA time zone the schedule is read in, spelled as in the tz database (`Europe/Berlin`).
   *
   * @default 'Etc/UTC'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
   */
  readonly timeZone?: string;

  /**
   * What happens when a run is due while the previous one still runs.
   *
   * @default kplus.ConcurrencyPolicy.FORBID
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
   */
  readonly concurrencyPolicy?: kplus.ConcurrencyPolicy;

  /**
   * How late a run may start after its time before it is skipped; at least 10 seconds (the controller looks
   * every 10 seconds), in whole seconds. kube-score (cronjob-has-deadline) asks every CronJob to set it.
   *
   * @default Duration.minutes(5)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation
   */
  readonly startingDeadline?: Duration;

  /**
   * Successful Jobs (and their pods) kept; 0 or more.
   *
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
   */
  readonly successfulJobsRetained?: number;

  /**
   * Failed Jobs (and their pods, with their logs) kept; 0 or more.
   *
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
   */
  readonly failedJobsRetained?: number;

  /**
   * Start no new runs (runs already started go on).
   *
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-suspension
   */
  readonly suspend?: boolean;
}

/**
 * A hardened CronJob: a task run on a schedule, each run a Job on the library's hardened pod.
 *
 * Emits a CronJob (schedule read in Etc/UTC, no overlapping runs, a 5-minute starting deadline, 3 successful and
 * 1 failed Jobs kept; each Job with restartPolicy Never and 3 retries, the restricted security context, requests
 * and limits), a ServiceAccount without a token, and a NetworkPolicy that admits nobody and allows only DNS
 * egress until `connectsTo` adds more. No Service and no PodDisruptionBudget. Every object carries the
 * `app.kubernetes.io/*` labels (component `cron-job`) and the profile stamp, and so do the Jobs it starts; each
 * object is a public property.
 *
 * @example
 * new ProductionCronJob(chart, 'Report', { image: 'registry.example.com/shop/report:1.0.3', schedule: '0 3 * * MON-FRI' });
 */
export class ProductionCronJob extends HardenedWorkload {
  /** The schedule as rendered: five fields (a macro is expanded). */
  public readonly schedule: string;
  /** The time zone the schedule is read in. */
  public readonly timeZone: string;
  /** What happens when a run is due while the previous one still runs. */
  public readonly concurrencyPolicy: kplus.ConcurrencyPolicy;
  /** How late a run may start. */
  public readonly startingDeadline: Duration;
  /** Successful Jobs kept. */
  public readonly successfulJobsRetained: number;
  /** Failed Jobs kept. */
  public readonly failedJobsRetained: number;
  /** Whether new runs are suspended. */
  public readonly suspend: boolean;
  /** The restart policy of the pods. */
  public readonly restartPolicy: kplus.RestartPolicy;
  /** Retries before a run's Job is marked failed. */
  public readonly backoffLimit: number;
  /** How long a run may take, if bounded. */
  public readonly activeDeadline?: Duration;
  /** Pods of a run that may run at once, if set. */
  public readonly parallelism?: number;
  /** Pods of a run that must succeed, if set. */
  public readonly completions?: number;

  /** The CronJob. */
  public readonly cronJob: kplus.CronJob;
  /** The main container. */
  public readonly container: kplus.Container;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Service in front of the pods: always undefined, a job serves no port. */
  public readonly service?: kplus.Service;
  /** The NetworkPolicy that isolates the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  private readonly selector: Record<string, string>;

  public constructor(scope: Construct, id: string, props: ProductionCronJobProps) {
    super(scope, id, 'ProductionCronJob');
    // Every problem with the props is thrown here, in one error, before any object is created.
    const errors = new PropErrors(this, 'ProductionCronJob', this.profile);
    assertPropTypes(errors, props, 'ProductionCronJobProps');
    const pod = resolveJobPod(errors, this, this.profile, props, {
      component: JOB_COMPONENT.cronJob,
      owner: 'the cron job',
      naming: {
        dns1035: false,
        maxLength: CRON_JOB_NAME_MAX_LENGTH,
        reason: `the controller appends 11 characters to name its Jobs, which must stay within 63`,
      },
    });
    const run = resolveJobRun(errors, props);
    const parsed = parseCronSchedule(props.schedule);
    if (parsed.problem) {
      errors.add('schedule', props.schedule, parsed.problem.problem, parsed.problem.fix);
    }
    const timeZone = props.timeZone ?? CRON_JOB.timeZone;
    const zoneProblem = timeZoneProblem(timeZone);
    if (zoneProblem) {
      errors.add('timeZone', timeZone, zoneProblem.problem, zoneProblem.fix);
    }
    const startingDeadline = props.startingDeadline ?? CRON_JOB.startingDeadline;
    checkMinDuration(errors, 'startingDeadline', startingDeadline, CRON_JOB_MIN_STARTING_DEADLINE_SECONDS,
      'the controller looks at CronJobs every 10 seconds, so a shorter deadline skips runs');
    checkCount(errors, 'successfulJobsRetained', props.successfulJobsRetained, 0, 'use 0 to keep none, or a small number such as 3');
    checkCount(errors, 'failedJobsRetained', props.failedJobsRetained, 0, 'use 0 to keep none, or a small number such as 1');
    errors.throwIfAny();

    const fields = parsed.fields!;
    this._usePod(pod);
    this.timeZone = timeZone;
    this.concurrencyPolicy = props.concurrencyPolicy ?? CRON_JOB.concurrencyPolicy;
    this.startingDeadline = startingDeadline;
    this.restartPolicy = run.restartPolicy;
    this.backoffLimit = run.backoffLimit;
    this.activeDeadline = run.activeDeadline;
    this.parallelism = run.parallelism;
    this.completions = run.completions;

    const metadata = objectMetadata(this.profile, this.name, this.namespaceName, this.labels);
    this.serviceAccount = createServiceAccount(this, pod, metadata);
    const mounts = createMounts(this, pod);
    this.cronJob = new kplus.CronJob(this, 'CronJob', {
      ...workloadPodProps(pod, this.serviceAccount),
      metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(pod.exemptions) } },
      schedule: Cron.schedule({ minute: fields.minute, hour: fields.hour, day: fields.dayOfMonth, month: fields.month, weekDay: fields.dayOfWeek }),
      timeZone,
      concurrencyPolicy: this.concurrencyPolicy,
      startingDeadline,
      // The history limits pass through: their defaults are cdk8s-plus's (and Kubernetes').
      successfulJobsRetained: props.successfulJobsRetained,
      failedJobsRetained: props.failedJobsRetained,
      suspend: props.suspend,
      restartPolicy: run.restartPolicy,
      backoffLimit: run.backoffLimit,
      activeDeadline: run.activeDeadline,
    });
    this.schedule = this.cronJob.schedule.expressionString;
    this.successfulJobsRetained = this.cronJob.successfulJobsRetained;
    this.failedJobsRetained = this.cronJob.failedJobsRetained;
    this.suspend = this.cronJob.suspend;
    this.selector = jobPodSelector(this.cronJob);
    this.container = applyPod(this.cronJob, pod, mounts, { matchLabels: this.selector }, '/spec/jobTemplate/spec/template/spec');
    ApiObject.of(this.cronJob).addJsonPatch(
      // The Jobs the controller starts carry the same labels as every other object of the cron job.
      JsonPatch.add('/spec/jobTemplate/metadata', { labels: { ...this.labels } }),
      ...parallelismPatches('/spec/jobTemplate/spec', run),
    );
    this.networkPolicy = this._createNetworkPolicy(metadata, { matchLabels: this.selector }, pod.access);
  }

  /** The labels that select this cron job's pods. */
  public get podSelector(): { [key: string]: string } {
    return { ...this.selector };
  }

}
