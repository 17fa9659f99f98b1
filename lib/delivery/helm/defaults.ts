/**
 * Every opinion of `ProductionHelmRelease`, as data: which chart objects get which additions, how the additions are
 * named, and what the opt-in security patch writes. The pod-level values (user and group ids, seccomp, the
 * disruption budget's eviction policy) are the library's own, read from `lib/defaults.ts`, so a chart's pods end
 * up under the same floors as a ProductionApp's.
 */
import { POD_IDENTITY, SECCOMP_PROFILE, WRITABLE_PATHS, WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES } from '../../defaults';

/**
 * The kinds whose pods the release wraps: each gets a NetworkPolicy, and the replicated ones a disruption budget.
 *
 * @internal
 */
export const HELM_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

/**
 * The kinds that get a PodDisruptionBudget when none selects their pods. A DaemonSet's pods are not evicted by a
 * drain (`kubectl drain --ignore-daemonsets`) and the disruption controller cannot count them, so they get none;
 * jobs run to completion and get none either.
 *
 * @internal
 */
export const HELM_DISRUPTION_BUDGET_KINDS = ['Deployment', 'StatefulSet'];

/**
 * The container port names that mark a metrics endpoint: a port named so gets a ServiceMonitor (or a PodMonitor)
 * when the release has an observability stack. Charts name it `metrics` by convention; `http-metrics` is the
 * Prometheus community charts' name.
 *
 * @internal
 */
export const HELM_METRICS_PORT_NAMES = ['metrics', 'http-metrics'];

/**
 * The suffix of an addition's name when the chart already has an object of that kind and name.
 *
 * @internal
 */
export const HELM_NAME_CLASH_SUFFIX = 'production';

/**
 * The pod security context the `hardenSecurityContext` patch writes (fields the chart already sets to a value the
 * rule pack accepts are kept): the Pod Security "restricted" profile with the library's ids.
 *
 * @internal
 */
export const HELM_POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: POD_IDENTITY.user,
  runAsGroup: POD_IDENTITY.group,
  fsGroup: POD_IDENTITY.fsGroup,
  seccompProfile: { type: SECCOMP_PROFILE.pod },
};

/**
 * The container security context the `hardenSecurityContext` patch writes, on every container and init container.
 *
 * @internal
 */
export const HELM_CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

/**
 * The lowest user and group id the patch keeps when the chart sets its own (kube-score asks for more than 10000).
 *
 * @internal
 */
export const HELM_MINIMUM_ID = POD_IDENTITY.minimumId;

/**
 * The writable emptyDir the `hardenSecurityContext` patch mounts in every container that does not mount the path
 * already, since the root filesystem becomes read-only: the library's own writable paths and size.
 *
 * @internal
 */
export const HELM_WRITABLE_PATHS = WRITABLE_PATHS.map((mountPath, i) => ({
  volume: `production-writable-${i}`,
  mountPath,
  sizeLimit: `${WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES}Gi`,
}));
