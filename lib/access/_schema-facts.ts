// Facts of the Kubernetes 1.28 schema (and of the Argo Rollouts CRD) that the admission policies are written from.
// The library does not ship the schemas, so it keeps the few paths it needs here; test/access/schema-facts.test.ts
// walks each of them through imports/schemas/k8s-1.28.json and imports/schemas/crds.json, so a path that the schema
// does not have fails the build instead of a policy.

/**
 * Where the pod spec is in the objects of each kind that makes pods, by `group/version/Kind` (`v1/Pod` for the core
 * group). Paths are dot-separated field names from the object's root.
 *
 * @internal
 */
export const POD_SPEC_PATHS: { readonly [gvk: string]: string } = {
  'v1/Pod': 'spec',
  'apps/v1/Deployment': 'spec.template.spec',
  'apps/v1/StatefulSet': 'spec.template.spec',
  'apps/v1/DaemonSet': 'spec.template.spec',
  'apps/v1/ReplicaSet': 'spec.template.spec',
  'batch/v1/Job': 'spec.template.spec',
  'batch/v1/CronJob': 'spec.jobTemplate.spec.template.spec',
  'argoproj.io/v1alpha1/Rollout': 'spec.template.spec',
};

/**
 * The fields of a pod spec, a container and a volume that the policies read, by the schema definition that holds
 * them. `PodSpec` fields, then `Container` fields (the same in `EphemeralContainer`), then `Volume` fields.
 *
 * @internal
 */
export const POD_FIELDS = {
  podSpec: ['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'hostNetwork', 'hostPID', 'hostIPC'],
  container: ['image', 'resources', 'securityContext'],
  resources: ['requests', 'limits'],
  securityContext: ['privileged'],
  volume: ['hostPath'],
  service: ['type'],
};

/**
 * Field names CEL can read without escaping (Kubernetes escapes names with '-', '.', '/' or CEL keywords).
 *
 * @internal
 */
export const CEL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Words CEL reserves, which a field name must not be to be read without escaping.
 *
 * @see https://github.com/google/cel-spec/blob/master/doc/langdef.md#syntax
 * @internal
 */
export const CEL_RESERVED = ['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while'];
