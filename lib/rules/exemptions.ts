import { src, STRICT } from './_helpers';
import { asStringMap, RuleContext, workloadOf } from './context';
import { Rule } from './rule';
import { KubeObject, Violation } from './types';

/** Our exemption annotation: `production.platform.io/exempt-<rule-id>: "<reason>"`. */
export const EXEMPT_PREFIX = 'production.platform.io/exempt-';

/**
 * The annotation that gives the reason for the scanners' exemption forms that carry none
 * (Polaris `polaris.fairwinds.com/<check>-exempt: "true"` and `kube-score/ignore`).
 */
export const EXEMPTION_REASON_ANNOTATION = 'production.platform.io/exemption-reason';

const POLARIS = /^polaris\.fairwinds\.com\/(.+)-exempt$/;

/**
 * The annotation that names the profile an object is judged by, overriding the profile of the
 * check (e.g. `dev` on the objects of a dev chart in an app that synthesizes every environment).
 */
export const PROFILE_ANNOTATION = 'production.platform.io/profile';
const PROFILES = ['dev', 'staging', 'prod'];
const KUBE_LINTER = 'ignore-check.kube-linter.io/';
const KUBE_SCORE = 'kube-score/ignore';

/**
 * An exemption annotation that applies to one rule on one object.
 *
 * @internal
 */
export interface MatchedExemption {
  readonly annotation: string;
  readonly reason: string;
}

/** The object's annotations, merged with its pod template's (object wins). */
function annotationsOf(object: KubeObject): { [key: string]: string } {
  const w = workloadOf(object);
  return { ...(w && object.kind !== 'Pod' ? asStringMap(w.podMetadata.annotations) : {}), ...asStringMap(object.metadata?.annotations) };
}

/**
 * Finds the annotation, if any, that exempts `object` from `rule`.
 *
 * Our form names the rule id; the scanners' forms name one of the rule's recorded sources, and
 * exempting any source of a merged rule exempts the whole rule on that object.
 *
 * @internal
 */
export function findExemption(rule: Rule, object: KubeObject): MatchedExemption | undefined {
  const ann = annotationsOf(object);
  const ours = ann[EXEMPT_PREFIX + rule.id];
  if (ours !== undefined) {
    return { annotation: EXEMPT_PREFIX + rule.id, reason: ours.trim() };
  }
  const sharedReason = (ann[EXEMPTION_REASON_ANNOTATION] ?? '').trim();
  for (const s of rule.sources) {
    if (s.tool === 'kube-linter' && ann[KUBE_LINTER + s.check] !== undefined) {
      return { annotation: KUBE_LINTER + s.check, reason: ann[KUBE_LINTER + s.check].trim() };
    }
    if (s.tool === 'polaris' && (ann[`polaris.fairwinds.com/${s.check}-exempt`] ?? '').toLowerCase() === 'true') {
      return { annotation: `polaris.fairwinds.com/${s.check}-exempt`, reason: sharedReason };
    }
    if (s.tool === 'kube-score' && (ann[KUBE_SCORE] ?? '').split(',').map((x) => x.trim()).includes(s.check)) {
      return { annotation: KUBE_SCORE, reason: sharedReason };
    }
  }
  return undefined;
}

/**
 * Exemption annotations are well formed: every exemption carries a written reason, and our
 * annotations name a rule that exists.
 *
 * An exemption without a reason still suppresses the violation it names (so that the scanners
 * and this engine agree), but is itself reported by this rule until a reason is written.
 * The kube-linter form (`ignore-check.kube-linter.io/<check>`) carries its reason as its value,
 * like ours. The Polaris (`polaris.fairwinds.com/<check>-exempt: "true"`) and kube-score
 * (`kube-score/ignore`) forms have no room for one: they count as explained when every rule
 * that implements the exempted check also carries our annotation with a reason (the usual case:
 * write ours, and the scanners' forms next to it), or when the object carries
 * `production.platform.io/exemption-reason`. A scanner check that no rule implements is not
 * ours to judge. The rule also reports a `production.platform.io/profile` annotation that
 * names no profile.
 *
 * Sources: our own policy (exemptions must be justified).
 */
export const exemptionAnnotation: Rule = {
  id: 'exemption-annotation',
  description: 'Exemption annotations name a known rule and carry a written reason; profile annotations name a profile',
  sources: src('platform:exemption-annotation'),
  severity: STRICT,
  fix: `Write the reason as the annotation's value (${EXEMPT_PREFIX}<rule-id>: "<why>"), or in ${EXEMPTION_REASON_ANNOTATION} for the Polaris and kube-score forms`,
  check: (ctx: RuleContext) => {
    const out: Violation[] = [];
    const known = new Set(ctx.rules.map((r) => r.id));
    for (const object of ctx.objects) {
      const ann = annotationsOf(object);
      const sharedReason = (ann[EXEMPTION_REASON_ANNOTATION] ?? '').trim();
      for (const [key, value] of Object.entries(ann)) {
        const path = 'metadata.annotations';
        if (key.startsWith(EXEMPT_PREFIX)) {
          const id = key.slice(EXEMPT_PREFIX.length);
          if (!known.has(id)) {
            out.push({ object, path, message: `annotation '${key}' names rule '${id}', which does not exist` });
          } else if (value.trim() === '') {
            out.push({ object, path, message: `annotation '${key}' exempts rule '${id}' without a reason` });
          }
        } else if (key.startsWith(KUBE_LINTER) && value.trim() === '') {
          out.push({ object, path, message: `annotation '${key}' exempts a check without a reason` });
        } else if (key === PROFILE_ANNOTATION && !PROFILES.includes(value)) {
          out.push({ object, path, message: `annotation '${key}' is '${value}', not one of ${PROFILES.join(', ')}` });
        } else if (sharedReason === '') {
          const checks = POLARIS.test(key) && value.toLowerCase() === 'true' ? [{ tool: 'polaris', check: POLARIS.exec(key)![1] }]
            : key === KUBE_SCORE ? value.split(',').map((c) => ({ tool: 'kube-score', check: c.trim() })).filter((c) => c.check !== '') : [];
          const unexplained = checks.filter((c) => {
            const implementing = ctx.rules.filter((r) => r.sources.some((s) => s.tool === c.tool && s.check === c.check));
            return implementing.some((r) => (ann[EXEMPT_PREFIX + r.id] ?? '').trim() === '');
          });
          if (unexplained.length > 0) {
            out.push({
              object, path,
              message: `annotation '${key}' exempts ${unexplained.map((c) => c.check).join(', ')} without a reason; add our `
                + `${EXEMPT_PREFIX}<rule-id> annotation with the reason, or ${EXEMPTION_REASON_ANNOTATION}`,
            });
          }
        }
      }
    }
    return out;
  },
};
