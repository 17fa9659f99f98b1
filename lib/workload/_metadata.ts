import type { ResolvedExemption } from './_resolve';
import { EXEMPTION_CHECKS } from '../defaults';
import type { Profile } from '../profile';
import { EXEMPT_PREFIX, EXEMPTION_REASON_ANNOTATION, PROFILE_ANNOTATION } from '../rules';

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
export function objectMetadata(profile: Profile, name: string, namespace: string | undefined, labels: Record<string, string>): ObjectMetadata {
  return { name, namespace, labels: { ...labels }, annotations: { [PROFILE_ANNOTATION]: profile.name } };
}

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
    if (checks.kubeScore.length > 0) out['kube-score/ignore'] = checks.kubeScore.join(',');
    if (checks.polaris.length + checks.kubeScore.length > 0) {
      // The Polaris and kube-score forms carry no reason of their own.
      out[EXEMPTION_REASON_ANNOTATION] = reason;
    }
    for (const c of checks.kubeLinter) out[`ignore-check.kube-linter.io/${c}`] = reason;
  }
  return out;
}
