import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { jobPodSelector, parallelismPatches, resolveJobPod, resolveJobRun } from './_job';
import { JOB_COMPONENT, JOB_TTL_AFTER_FINISHED } from '../defaults';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { exemptionAnnotations, objectMetadata } from '../workload/_metadata';
import { applyPod, createMounts, workloadPodProps, createServiceAccount } from '../workload/_render';
import type { HardenedPodProps } from '../workload/hardened-pod';
import { HardenedWorkload } from '../workload/hardened-workload';

/**
 * Everything one run of a job has: the hardened pod, and how the run is retried, bounded and parallelised.
 *
 * `ProductionJob` and `ProductionCronJob` (for each Job it starts) extend these props. A job runs to completion
 * and no Service routes to it, so `healthPath`, `readiness` and `startup` are errors; `liveness` (an exec probe)
 * may restart a stuck run. `preStopDelay` defaults to 0: there is nothing to drain.
 *
 * Sidecars keep running after the main container exits, and a Job completes only when all its containers have
 * exited: give a job sidecars only if they exit on their own.
 */
export interface HardenedJobProps extends HardenedPodProps {
  /**
   * What happens to a pod whose container fails: `NEVER` retries in a new pod and keeps the failed one (with its
   * logs); `ON_FAILURE` restarts the container in the same pod. `ALWAYS` is an error: a Job's pods must end.
   *
   * @default kplus.RestartPolicy.NEVER
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#handling-pod-and-container-failures
   */
  readonly restartPolicy?: kplus.RestartPolicy;

  /**
   * Retries before the Job is marked failed; 0 for none.
   *
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy
   */
  readonly backoffLimit?: number;

  /**
   * How long a run may take, retries included, before Kubernetes stops it and marks the Job failed. Positive,
   * in whole seconds. Set it for every job that can hang: a cron job whose run hangs starts no other run.
   *
   * @default - no deadline
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup
   */
  readonly activeDeadline?: Duration;

  /**
   * Pods that may run at once (0 pauses the Job).
   *
   * @default - Kubernetes' default: 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#parallel-jobs
   */
  readonly parallelism?: number;

  /**
   * Pods that must succeed for the Job to complete; at least 1.
   *
   * @default - Kubernetes' default: 1 (or, with `parallelism`, until one pod succeeds)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#parallel-jobs
   */
  readonly completions?: number;
}

/**
 * Props of a `ProductionJob`.
 */
export interface ProductionJobProps extends HardenedJobProps {
  /**
   * How long a finished Job (and its pods) is kept before Kubernetes deletes it; 0 deletes it at once. Whole
   * seconds. kube-linter (job-ttl-seconds-after-finished) asks every standalone Job to set it.
   *
   * @default Duration.days(1)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * A hardened Job: one task run to completion on the library's hardened pod.
 *
 * Emits a Job (restartPolicy Never, 3 retries, deleted a day after it finishes, the restricted security context,
 * requests and limits), a ServiceAccount without a token, and a NetworkPolicy that admits nobody and allows only
 * DNS egress until `connectsTo` adds more. No Service and no PodDisruptionBudget: nothing may reach a job, and a
 * run-to-completion pod is not evicted by a budget. Every object carries the `app.kubernetes.io/*` labels
 * (component `job`) and the profile stamp, and is a public property.
 *
 * @example
 * const migrate = new ProductionJob(chart, 'Migrate', { image: 'registry.example.com/shop/migrate:2.1.0', activeDeadline: Duration.minutes(30) });
 * migrate.connectsTo(database, { ports: [5432] });
 */
export class ProductionJob extends HardenedWorkload {
  /** The restart policy of the pods. */
  public readonly restartPolicy: kplus.RestartPolicy;
  /** Retries before the Job is marked failed. */
  public readonly backoffLimit: number;
  /** How long a run may take, if bounded. */
  public readonly activeDeadline?: Duration;
  /** How long a finished Job is kept. */
  public readonly ttlAfterFinished: Duration;
  /** Pods that may run at once, if set. */
  public readonly parallelism?: number;
  /** Pods that must succeed, if set. */
  public readonly completions?: number;

  /** The Job. */
  public readonly job: kplus.Job;
  /** The main container. */
  public readonly container: kplus.Container;
  /** The ServiceAccount the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Service in front of the pods: always undefined, a job serves no port. */
  public readonly service?: kplus.Service;
  /** The NetworkPolicy that isolates the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  private readonly selector: Record<string, string>;

  public constructor(scope: Construct, id: string, props: ProductionJobProps) {
    super(scope, id, 'ProductionJob');
    // Every problem with the props is thrown here, in one error, before any object is created.
    const errors = new PropErrors(this, 'ProductionJob', this.profile);
    assertPropTypes(errors, props, 'ProductionJobProps');
    const pod = resolveJobPod(errors, this, this.profile, props, {
      component: JOB_COMPONENT.job,
      owner: 'the job',
      naming: { dns1035: false, maxLength: 63, reason: 'it names the Job' },
    });
    const run = resolveJobRun(errors, props);
    const ttlAfterFinished = props.ttlAfterFinished ?? JOB_TTL_AFTER_FINISHED;
    errors.throwIfAny();

    this._usePod(pod);
    this.restartPolicy = run.restartPolicy;
    this.backoffLimit = run.backoffLimit;
    this.activeDeadline = run.activeDeadline;
    this.ttlAfterFinished = ttlAfterFinished;
    this.parallelism = run.parallelism;
    this.completions = run.completions;

    const metadata = objectMetadata(this.profile, this.name, this.namespaceName, this.labels);
    this.serviceAccount = createServiceAccount(this, pod, metadata);
    const mounts = createMounts(this, pod);
    this.job = new kplus.Job(this, 'Job', {
      ...workloadPodProps(pod, this.serviceAccount),
      metadata: { ...metadata, annotations: { ...metadata.annotations, ...exemptionAnnotations(pod.exemptions) } },
      restartPolicy: run.restartPolicy,
      backoffLimit: run.backoffLimit,
      activeDeadline: run.activeDeadline,
      ttlAfterFinished,
    });
    this.selector = jobPodSelector(this.job);
    this.container = applyPod(this.job, pod, mounts, { matchLabels: this.selector }, '/spec/template/spec');
    ApiObject.of(this.job).addJsonPatch(...parallelismPatches('/spec', run));
    this.networkPolicy = this._createNetworkPolicy(metadata, { matchLabels: this.selector }, pod.access);
  }

  /** The labels that select this job's pods. */
  public get podSelector(): { [key: string]: string } {
    return { ...this.selector };
  }

}
