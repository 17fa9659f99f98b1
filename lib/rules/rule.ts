import { RuleContext } from './context';
import { RuleSource, SeverityByProfile, Violation } from './types';

/**
 * A production-readiness rule: data that describes it, and a pure function that checks it.
 *
 * Platform teams add their own rules by implementing this interface and passing
 * `[...RulePack.DEFAULT_RULES, myRule]` as `rules` to `RulePack.check` (or to the validation plugin,
 * the matchers and the command line through their options).
 *
 * @example
 * const requireTeamLabel: IRule = {
 *   id: 'team-label',
 *   description: 'Every workload names its owning team',
 *   sources: [{ tool: 'platform', check: 'team-label' }],
 *   severity: { dev: 'warning', staging: 'error', prod: 'error' },
 *   fix: "Add the label 'platform.io/team'",
 *   check: (ctx) => ctx.workloads()
 *     .filter((w) => !ctx.labelsOf(w.kubeObject)['platform.io/team'])
 *     .map((w) => ({ kubeObject: w.kubeObject, message: 'has no team label' })),
 * };
 */
export interface IRule {
  /** A stable kebab-case id; used in exemption annotations and reports. */
  readonly id: string;
  /** One sentence: what the rule asks for. */
  readonly description: string;
  /**
   * The scanners' checks and Pod Security Standards controls this rule implements.
   *
   * The engine honours those scanners' exemption annotations for this rule.
   */
  readonly sources: RuleSource[];
  /** The rule's severity in each profile. */
  readonly severity: SeverityByProfile;
  /**
   * True when the rule asks for more than any scanner's default checks and the Pod Security
   * Standards: the library's opinion. Opinions are warnings by default; a platform team may
   * raise them to errors in its rule configuration.
   *
   * @default false
   */
  readonly opinion?: boolean;
  /** How to fix a violation, in general terms. */
  readonly fix: string;
  /** Checks all objects and returns every violation. Must not modify the objects. */
  check(context: RuleContext): Violation[];
}
