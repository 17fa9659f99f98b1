/**
 * Every opinion of the environment model, as data: which profile each tier runs under and which fields may differ
 * between two environments that must be replicas of each other (staging and prod).
 *
 * Sources: `../shared/research/delivery-gitops.md` sections 5.1 (topology) and 5.3 ("staging is a replica of prod":
 * the closed allow-list).
 */

/** The profile (`Profile.named`) each tier runs under: test is a non-production tier, as dev is. */
export const TIER_PROFILES: { readonly [tier: string]: string } = {
  dev: 'dev',
  test: 'dev',
  staging: 'staging',
  prod: 'prod',
};

/** The tiers that must not share a cluster with any other tier. */
export const DEDICATED_TIERS: readonly string[] = ['prod'];

/**
 * The fields each parity knob lets differ, as `Kind:path` patterns (`*` is any kind or any one segment, `**` any
 * number of segments, `[*]` any array index).
 */
export const PARITY_KNOB_PATHS: { readonly [knob: string]: readonly string[] } = {
  replicas: [
    'Deployment:spec.replicas', 'StatefulSet:spec.replicas', 'ReplicaSet:spec.replicas', 'Rollout:spec.replicas',
  ],
  'autoscaling-bounds': [
    'HorizontalPodAutoscaler:spec.minReplicas', 'HorizontalPodAutoscaler:spec.maxReplicas',
  ],
  resources: [
    '*:**.containers[*].resources.**', '*:**.initContainers[*].resources.**', '*:**.volumes[*].emptyDir.sizeLimit',
    'PersistentVolumeClaim:spec.resources.**', 'StatefulSet:spec.volumeClaimTemplates[*].spec.resources.**',
    'ResourceQuota:spec.hard.**', 'LimitRange:spec.limits[*].**',
  ],
  hostnames: [
    'Ingress:spec.rules[*].host', 'Ingress:spec.tls[*].hosts[*]', 'HTTPRoute:spec.hostnames[*]', 'GRPCRoute:spec.hostnames[*]',
    'Gateway:spec.listeners[*].hostname', 'Certificate:spec.dnsNames[*]', 'Certificate:spec.commonName',
  ],
  'secret-references': [
    '*:**.secretKeyRef.name', '*:**.secretRef.name', '*:**.secret.secretName', '*:**.imagePullSecrets[*].name',
    'Ingress:spec.tls[*].secretName', 'Certificate:spec.secretName', 'Gateway:spec.listeners[*].tls.certificateRefs[*].name',
    'ExternalSecret:spec.data[*].remoteRef.key', 'ExternalSecret:spec.dataFrom[*].extract.key', 'ExternalSecret:spec.secretStoreRef.name',
    'SealedSecret:spec.encryptedData.**',
  ],
  'pause-durations': [
    'Rollout:spec.strategy.canary.steps[*].pause.duration', 'Rollout:spec.strategy.blueGreen.autoPromotionSeconds',
  ],
  'analysis-timing': [
    'AnalysisTemplate:spec.metrics[*].interval', 'AnalysisTemplate:spec.metrics[*].initialDelay',
  ],
  'priority-class': [
    '*:**.template.spec.priorityClassName', 'Pod:spec.priorityClassName',
  ],
  'prometheus-address': [
    'AnalysisTemplate:spec.metrics[*].provider.prometheus.address',
  ],
};

/** What an environment-specific value is replaced with before two environments are compared. */
export const PARITY_TOKENS = {
  namespace: '<environment namespace>',
  profile: '<environment profile>',
  constructName: (relativePath: string) => `<name of construct '${relativePath}'>`,
};
