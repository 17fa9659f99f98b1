import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import type { ResolvedExemption } from './_resolve';
import { EXEMPTION_CHECKS, MANAGED_BY, MANAGED_BY_LABEL } from '../defaults';
import type { Profile } from '../profile';
import { EXEMPT_PREFIX, EXEMPTION_REASON_ANNOTATION, PROFILE_ANNOTATION } from '../rules/exemptions';

/**
 * The metadata an object of the library carries.
 *
 * @internal
 */
export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/**
 * The one metadata recipe: the name and namespace, the recommended labels and the profile stamp, which lets the
 * rule pack judge each object by its own profile when environments are mixed.
 *
 * @internal
 */
export function objectMetadata(profile: Profile, name: string, namespace: string | undefined, labels: Record<string, string> = {},
  annotations: Record<string, string> = {}): ObjectMetadata {
  return {
    name,
    namespace,
    labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY },
    annotations: { ...annotations, [PROFILE_ANNOTATION]: profile.name },
  };
}

/**
 * The metadata with a user's extra labels and annotations; the library's own keys win.
 *
 * @internal
 */
export function withExtra(metadata: ObjectMetadata, labels: Record<string, string>, annotations: Record<string, string>): ObjectMetadata {
  return { ...metadata, labels: { ...labels, ...metadata.labels }, annotations: { ...annotations, ...metadata.annotations } };
}

/** The annotation kube-score reads its skipped checks from, comma-separated. */
const KUBE_SCORE_IGNORE = 'kube-score/ignore';

/**
 * The annotations that record exemptions for our rule pack and the three scanners, in order.
 *
 * @internal
 */
export function exemptionAnnotations(exemptions: ResolvedExemption[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { ruleId, reason } of exemptions) {
    const checks = EXEMPTION_CHECKS[ruleId];
    out[`${EXEMPT_PREFIX}${ruleId}`] = reason;
    for (const c of checks.polaris) out[`polaris.fairwinds.com/${c}-exempt`] = 'true';
    if (checks.kubeScore.length > 0) {
      out[KUBE_SCORE_IGNORE] = [...(out[KUBE_SCORE_IGNORE] ?? '').split(',').filter((c) => c !== ''), ...checks.kubeScore].join(',');
    }
    if (checks.polaris.length + checks.kubeScore.length > 0) {
      // The Polaris and kube-score forms carry no reason of their own: one annotation holds every reason.
      const reasons = (out[EXEMPTION_REASON_ANNOTATION] ?? '').split('; ').filter((r) => r !== '');
      out[EXEMPTION_REASON_ANNOTATION] = [...reasons.filter((r) => r !== reason), reason].join('; ');
    }
    for (const c of checks.kubeLinter) out[`ignore-check.kube-linter.io/${c}`] = reason;
  }
  return out;
}

/**
 * Keeps a cluster-scoped object (Namespace, PriorityClass, StorageClass, ...) free of the namespace cdk8s copies onto
 * every object of a chart that has one.
 *
 * @internal
 */
export function clusterScoped<T extends ApiObject>(object: T): T {
  if (Chart.of(object).namespace !== undefined) {
    object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return object;
}
