/**
 * Every opinion of the Argo CD constructs, as data.
 *
 * Sources: `../shared/research/delivery-gitops.md` section 3 (Argo CD `Application`, `AppProject`, `ApplicationSet`,
 * sync waves), from argo-cd v3.5 `docs/operator-manual/application.yaml`, `project.yaml`,
 * `docs/user-guide/auto_sync.md`, `sync-options.md`, `sync-waves.md`, `applicationset/Application-Deletion.md`.
 */

/** The namespace Argo CD runs in and reads AppProjects and ApplicationSets from. */
export const ARGOCD_NAMESPACE = 'argocd';

/** The annotation that orders a sync (lowest wave first). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The annotation of per-resource sync options. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * The sync wave of each kind: namespace-level policy first, then identity, config and secrets, then what workloads
 * need to exist before them (Services, routes the Rollout plugin edits, AnalysisTemplates, policies, PDBs, HPAs),
 * then workloads, then their monitors. Routes come before workloads because a Rollout with traffic routing refuses
 * a route that does not exist yet (research section 3.4).
 */
export const SYNC_WAVES: { readonly [kind: string]: number } = {
  Namespace: -3, ResourceQuota: -3, LimitRange: -3,
  ServiceAccount: -2, Role: -2, RoleBinding: -2, ConfigMap: -2, Secret: -2, ExternalSecret: -2, SealedSecret: -2,
  SecretStore: -2, PersistentVolumeClaim: -2, Certificate: -2,
  Service: -1, NetworkPolicy: -1, PodDisruptionBudget: -1, HorizontalPodAutoscaler: -1, AnalysisTemplate: -1,
  HTTPRoute: -1, GRPCRoute: -1, Ingress: -1, ReferenceGrant: -1, CiliumNetworkPolicy: -1,
  Deployment: 0, StatefulSet: 0, DaemonSet: 0, Rollout: 0, Job: 0, CronJob: 0,
  ServiceMonitor: 1, PodMonitor: 1, PrometheusRule: 1, GrafanaDashboard: 1,
};

/** The wave of a kind not in `SYNC_WAVES` (Argo CD's own default). */
export const DEFAULT_SYNC_WAVE = 0;

/**
 * The largest object client-side apply can handle: `kubectl.kubernetes.io/last-applied-configuration` is an
 * annotation, and all annotations of an object together are limited to 256 KiB. A larger object needs server-side
 * apply (`ServerSideApply=true` on that object).
 */
export const CLIENT_SIDE_APPLY_LIMIT_BYTES = 262144;

/** AppProject: warn about objects in the destination namespaces that no Application manages. */
export const ORPHANED_RESOURCES = { warn: true };

/** Namespaced kinds the platform owns; an app's project may not manage them. */
export const PLATFORM_OWNED_KINDS: readonly { readonly group: string; readonly kind: string }[] = [
  { group: '', kind: 'ResourceQuota' },
  { group: '', kind: 'LimitRange' },
];

/** The automated sync policy of every Application: prune, self heal, never sync an empty app. */
export const AUTOMATED_SYNC = { enabled: true, prune: true, selfHeal: true, allowEmpty: false };

/** Retries of a failed sync: 5s, 10s, 20s, 40s, 80s (capped at 3m), as Argo CD's documented default. */
export const SYNC_RETRY = { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } };

/**
 * The sync options of every Application. Namespaces are created by the platform (the project allows no
 * cluster-scoped kind), so `CreateNamespace=false`; foreground deletion waits for dependents; pruning runs last so
 * a renamed ConfigMap outlives the rollout that stops using it; only out-of-sync objects are applied.
 */
export const SYNC_OPTIONS: readonly string[] = [
  'CreateNamespace=false',
  'PrunePropagationPolicy=foreground',
  'PruneLast=true',
  'ApplyOutOfSyncOnly=true',
];

/** Added when the Application ignores differences: the ignored fields keep their live values on sync. */
export const RESPECT_IGNORE_DIFFERENCES = 'RespectIgnoreDifferences=true';

/** Added when server-side apply is turned on for the whole Application. */
export const SERVER_SIDE_APPLY = 'ServerSideApply=true';

/** The revision Applications follow (folder per environment on one branch). */
export const TARGET_REVISION = 'main';

/** The folder of the rendered manifests in the config repo: `<root>/<env>/<app>`. */
export const DEPLOY_ROOT = 'deploy';

/** Sync history kept per Application (Argo CD's default; do not raise it). */
export const REVISION_HISTORY_LIMIT = 10;

/** The finalizer that makes deleting an Application delete its objects (cascade); left off prod Applications. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** The go-template options of the ApplicationSet: a missing key is an error, never an empty string. */
export const GO_TEMPLATE_OPTIONS: readonly string[] = ['missingkey=error'];

/** The Argo Rollouts traffic router plugin for the Gateway API, whose route weights Argo CD must ignore. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** The fields of a route the Gateway API plugin rewrites during a canary. */
export const ROUTE_WEIGHT_JQ = '.spec.rules[].backendRefs[].weight';

/** The field an HPA owns on its target. */
export const REPLICAS_POINTER = '/spec/replicas';

/** Kinds whose `spec.replicas` an HPA may own, by API group. */
export const SCALABLE_KINDS: readonly string[] = ['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet', 'argoproj.io/Rollout'];
