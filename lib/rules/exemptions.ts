import { ADVISORY, src } from './_helpers';
import { asStringMap, RuleContext, workloadOf } from './context';
import { IRule } from './rule';
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
const KUBE_SCORE_ENABLE = 'kube-score/enable';
const KUBE_LINTER_ALL = 'kube-linter.io/ignore-all';
const POLARIS_ALL = 'polaris.fairwinds.com/exempt';

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

/** The values of a comma-separated kube-score annotation, trimmed. */
function csv(value: string | undefined): string[] {
  return (value ?? '').split(',').map((x) => x.trim());
}

/**
 * Whether kube-score runs `check` on the object, as its `isEnabled` decides
 * (zegl/kube-score `scorecard/enabled.go`): the pod template's annotations first, then the
 * object's; at each level `kube-score/ignore` before `kube-score/enable`; else a default check
 * runs and an optional one does not.
 *
 * @returns `false` with the annotation that turns the check off, `true` when it runs
 * @internal
 */
export function kubeScoreRuns(object: KubeObject, check: string, optional: boolean): { runs: boolean; annotation?: string } {
  const w = workloadOf(object);
  const levels = [...(w && object.kind !== 'Pod' ? [asStringMap(w.podMetadata.annotations)] : []), asStringMap(object.metadata?.annotations)];
  for (const ann of levels) {
    if (csv(ann[KUBE_SCORE]).includes(check)) {
      return { runs: false, annotation: KUBE_SCORE };
    }
    if (csv(ann[KUBE_SCORE_ENABLE]).includes(check)) {
      return { runs: true, annotation: KUBE_SCORE_ENABLE };
    }
  }
  return { runs: !optional };
}

/**
 * The checks that report a violation on this object: the violation's own, or every source of
 * the rule, less the optional kube-score checks the object does not turn on with
 * `kube-score/enable` (kube-score runs them only then). A rule whose only sources are such
 * checks keeps them: the pack asks for it on its own account.
 *
 * @returns the checks, or `undefined` when they are the rule's sources unchanged
 * @internal
 */
export function reportingChecks(rule: IRule, object: KubeObject, checks?: string[]): string[] | undefined {
  const named = checks ?? rule.sources.map((s) => `${s.tool}:${s.check}`);
  const optional = new Set(rule.sources.filter((s) => s.optional && s.tool === 'kube-score').map((s) => `${s.tool}:${s.check}`));
  const kept = named.filter((c) => !optional.has(c) || kubeScoreRuns(object, c.slice(c.indexOf(':') + 1), true).runs);
  return kept.length === named.length || kept.length === 0 ? checks : kept;
}

/**
 * Finds the annotation, if any, that exempts `object` from `rule` (or from one violation of it).
 *
 * Our form names the rule id and exempts the whole rule. The scanners' forms are read as each
 * scanner reads them, and apply only to the violations that scanner's named check reports
 * (`checks`, by default every source of the rule; kube-score's `kube-score/ignore` and
 * `kube-score/enable` are read by `kubeScoreRuns`): exempting Polaris `cpuRequestsMissing`
 * never exempts a missing memory limit. `polaris.fairwinds.com/exempt: "true"` exempts every
 * Polaris check, `kube-linter.io/ignore-all` every kube-linter check.
 *
 * @param checks the `tool:check` names that report the violation
 * @internal
 */
export function findExemption(rule: IRule, object: KubeObject, checks?: readonly string[]): MatchedExemption | undefined {
  const ann = annotationsOf(object);
  const ours = ann[EXEMPT_PREFIX + rule.id];
  if (ours !== undefined) {
    return { annotation: EXEMPT_PREFIX + rule.id, reason: ours.trim() };
  }
  const sharedReason = (ann[EXEMPTION_REASON_ANNOTATION] ?? '').trim();
  const named = checks ?? rule.sources.map((s) => `${s.tool}:${s.check}`);
  for (const c of named) {
    const i = c.indexOf(':');
    const tool = c.slice(0, i);
    const check = c.slice(i + 1);
    if (tool === 'kube-linter' && ann[KUBE_LINTER + check] !== undefined) {
      return { annotation: KUBE_LINTER + check, reason: ann[KUBE_LINTER + check].trim() };
    }
    if (tool === 'kube-linter' && ann[KUBE_LINTER_ALL] !== undefined) {
      return { annotation: KUBE_LINTER_ALL, reason: ann[KUBE_LINTER_ALL].trim() || sharedReason };
    }
    if (tool === 'polaris' && (ann[`polaris.fairwinds.com/${check}-exempt`] ?? '').toLowerCase() === 'true') {
      return { annotation: `polaris.fairwinds.com/${check}-exempt`, reason: sharedReason };
    }
    if (tool === 'polaris' && (ann[POLARIS_ALL] ?? '').toLowerCase() === 'true') {
      return { annotation: POLARIS_ALL, reason: sharedReason };
    }
    if (tool === 'kube-score' && !kubeScoreRuns(object, check, false).runs) {
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
export const exemptionAnnotation: IRule = {
  id: 'exemption-annotation',
  description: 'Exemption annotations name a known rule and carry a written reason; profile annotations name a profile',
  sources: src('platform:exemption-annotation'),
  severity: ADVISORY,
  opinion: true,
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
            out.push({ kubeObject: object, path, message: `annotation '${key}' names rule '${id}', which does not exist` });
          } else if (value.trim() === '') {
            out.push({ kubeObject: object, path, message: `annotation '${key}' exempts rule '${id}' without a reason` });
          }
        } else if (key.startsWith(KUBE_LINTER) && value.trim() === '') {
          out.push({ kubeObject: object, path, message: `annotation '${key}' exempts a check without a reason` });
        } else if (((key === POLARIS_ALL && value.toLowerCase() === 'true') || (key === KUBE_LINTER_ALL && value.trim() === '')) && sharedReason === '') {
          out.push({ kubeObject: object, path, message: `annotation '${key}' exempts every check of its tool without a reason; add ${EXEMPTION_REASON_ANNOTATION}` });
        } else if (key === PROFILE_ANNOTATION && !PROFILES.includes(value)) {
          out.push({ kubeObject: object, path, message: `annotation '${key}' is '${value}', not one of ${PROFILES.join(', ')}` });
        } else if (sharedReason === '') {
          const checks = POLARIS.test(key) && value.toLowerCase() === 'true' ? [{ tool: 'polaris', check: POLARIS.exec(key)![1] }]
            : key === KUBE_SCORE ? value.split(',').map((c) => ({ tool: 'kube-score', check: c.trim() })).filter((c) => c.check !== '') : [];
          const unexplained = checks.filter((c) => {
            const implementing = ctx.rules.filter((r) => r.sources.some((s) => s.tool === c.tool && s.check === c.check));
            return implementing.some((r) => (ann[EXEMPT_PREFIX + r.id] ?? '').trim() === '');
          });
          if (unexplained.length > 0) {
            out.push({
              kubeObject: object, path,
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
