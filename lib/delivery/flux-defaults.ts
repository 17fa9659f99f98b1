/**
 * Every opinion of the Flux constructs, as data.
 *
 * Sources: `../shared/research/delivery-gitops.md` section 4, from fluxcd/kustomize-controller
 * `docs/spec/v1/kustomizations.md` ("Recommended settings", "Health checks", "Dependencies") and
 * fluxcd/source-controller `docs/spec/v1/gitrepositories.md`.
 */
import { Duration } from 'cdk8s';

/** The namespace the Flux controllers run in and read their objects from. */
export const FLUX_NAMESPACE = 'flux-system';

/** How often the GitRepository checks for new commits. */
export const SOURCE_INTERVAL = Duration.minutes(1);

/** How often the Kustomization corrects drift (a new commit is applied at once anyway). */
export const RECONCILE_INTERVAL = Duration.minutes(60);

/** How soon a failed reconciliation is retried. */
export const RETRY_INTERVAL = Duration.minutes(2);

/** How long the health checks may take when no Rollout is applied. */
export const HEALTH_TIMEOUT = Duration.minutes(5);

/** The margin on top of a canary's pauses, for its analysis runs and its last step. */
export const CANARY_TIMEOUT_MARGIN = Duration.minutes(10);

/** The branch the GitRepository follows. */
export const SOURCE_BRANCH = 'main';

/** The workload kinds whose readiness a Kustomization waits for, by API group. */
export const HEALTH_CHECKED_KINDS: readonly string[] = ['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'argoproj.io/Rollout'];

/**
 * How Flux judges a Rollout (CEL): its `status.phase` is Healthy, Degraded, Progressing or Paused, and its
 * `status.observedGeneration` is a string, so kstatus's generic rules do not apply.
 */
export const ROLLOUT_HEALTH = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  current: 'status.phase == \'Healthy\'',
  inProgress: 'status.phase in [\'Progressing\', \'Paused\']',
  failed: 'status.phase == \'Degraded\'',
};
