import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  CLIENT_SIDE_APPLY_LIMIT_BYTES, DEFAULT_SYNC_WAVE, SERVER_SIDE_APPLY, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, SYNC_WAVES,
} from './argocd-defaults';

/**
 * Orders the objects of a sync with Argo CD sync waves (`argocd.argoproj.io/sync-wave`).
 *
 * Waves: -3 Namespace, ResourceQuota, LimitRange; -2 ServiceAccount, RBAC, ConfigMap, Secret, ExternalSecret,
 * SealedSecret, PersistentVolumeClaim, Certificate; -1 Service, NetworkPolicy, PodDisruptionBudget,
 * HorizontalPodAutoscaler, AnalysisTemplate, HTTPRoute, GRPCRoute, Ingress; 0 workloads (Deployment, StatefulSet,
 * DaemonSet, Rollout, Job, CronJob) and every other kind; 1 ServiceMonitor, PodMonitor, PrometheusRule,
 * GrafanaDashboard. Routes come before workloads because a Rollout with traffic routing refuses a route that does
 * not exist yet.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export class ArgoCdSyncWaves {
  /** The annotation Argo CD orders a sync by. */
  public static readonly ANNOTATION = SYNC_WAVE_ANNOTATION;

  /**
   * Annotates every object under `scope` (an `Environment`, any chart or construct) with its sync wave; an object
   * that already has a wave keeps it. An object too large for client-side apply (over 256 KiB of JSON) also gets
   * `argocd.argoproj.io/sync-options: ServerSideApply=true`, so that only it is applied server-side.
   *
   * Call it after the last construct is added to the scope: objects added later have no wave, and an
   * `ArgoCdApplicationSet` over the environment refuses to synthesize.
   *
   * @example
   * ArgoCdSyncWaves.apply(chart);
   */
  public static apply(scope: IConstruct): void {
    for (const c of scope.node.findAll()) {
      if (!ApiObject.isApiObject(c)) {
        continue;
      }
      const annotations: { [key: string]: string } = c.metadata.toJson().annotations ?? {};
      if (annotations[SYNC_WAVE_ANNOTATION] === undefined) {
        c.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(ArgoCdSyncWaves.waveOf(c.kind)));
      }
      const options = annotations[SYNC_OPTIONS_ANNOTATION];
      if (options === undefined && JSON.stringify(c.toJson()).length > CLIENT_SIDE_APPLY_LIMIT_BYTES) {
        c.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, SERVER_SIDE_APPLY);
      }
    }
  }

  /** The wave of a kind. */
  public static waveOf(kind: string): number {
    return SYNC_WAVES[kind] ?? DEFAULT_SYNC_WAVE;
  }
}
