import { applyRuleConfig, loadRuleConfig, ResolvedRules, RuleConfig } from './config';
import { CheckOptions, checkManifests, DEFAULT_RULES, PROFILE_NAMES } from './engine';
import { EXEMPT_PREFIX, EXEMPTION_REASON_ANNOTATION, PROFILE_ANNOTATION } from './exemptions';
import { describeObject, formatFinding, formatFindings, formatReport, formatTotal } from './format';
import { IRule } from './rule';
import { Finding, ObjectRef, ProfileName, Report } from './types';

/**
 * The production-readiness rule pack: the default rules, the check that runs them over
 * Kubernetes objects, and the renderers of its report.
 *
 * The validation plugin, the jest matchers and the command line all run `RulePack.check`.
 *
 * @example
 * const report = RulePack.check(Testing.synth(chart), { profile: 'staging' });
 * if (!report.passed) {
 *   console.error(RulePack.formatReport(report));
 * }
 */
export class RulePack {
  /**
   * The default rules: the union of the default checks of Polaris, kube-score and kube-linter,
   * and of the Pod Security Standards baseline and restricted profiles (policy version 1.28),
   * merged where they ask the same thing. Extend them with `[...RulePack.DEFAULT_RULES, myRule]`.
   */
  public static readonly DEFAULT_RULES: IRule[] = [...DEFAULT_RULES];

  /** The profile names, in order of strictness: `dev`, `staging`, `prod`. */
  public static readonly PROFILE_NAMES: ProfileName[] = [...PROFILE_NAMES];

  /**
   * The prefix of the annotation that exempts an object from one rule:
   * `production.platform.io/exempt-<rule id>: "<reason>"`.
   */
  public static readonly EXEMPT_PREFIX: string = EXEMPT_PREFIX;

  /** The annotation that gives the reason for the scanners' exemption annotations. */
  public static readonly EXEMPTION_REASON_ANNOTATION: string = EXEMPTION_REASON_ANNOTATION;

  /** The annotation by which an object names the profile it is checked in. */
  public static readonly PROFILE_ANNOTATION: string = PROFILE_ANNOTATION;

  /**
   * Checks Kubernetes objects against the rules and returns every finding and exemption.
   *
   * Pure but for loading the custom-rule modules a configuration names: it reads the objects
   * and nothing else. Inputs the pack cannot judge (a document with a `problem`, an object
   * without a name, a kind its API group does not serve) are reported by `manifest-input` and
   * kept from every other rule.
   *
   * @param objects plain Kubernetes objects (`KubeObject`), or `LocatedObject`s that carry their
   * construct path and file
   * @param options the profile, the rules and the rule configuration
   * @throws if the profile is unknown, two rules share an id, or the configuration is invalid
   */
  public static check(objects: any[], options: CheckOptions = {}): Report {
    return checkManifests(objects, options);
  }

  /**
   * The rules that run under a configuration (severity overrides applied, disabled rules
   * removed, custom rules loaded and added), and the disabled ones with their reasons.
   *
   * @param baseRules the rules to start from, e.g. `RulePack.DEFAULT_RULES`
   * @param config the configuration
   * @throws if the configuration names an unknown rule or profile, or is malformed
   */
  public static applyConfig(baseRules: IRule[], config: RuleConfig = {}): ResolvedRules {
    return applyRuleConfig(baseRules, config);
  }

  /**
   * Reads a rule configuration file (YAML or JSON); its `customRules` are resolved from the
   * file's folder.
   *
   * @param file the path of the file
   */
  public static loadConfig(file: string): RuleConfig {
    return loadRuleConfig(file);
  }

  /** Renders an object reference: `Deployment shop/web`. */
  public static describeObject(objectRef: ObjectRef): string {
    return describeObject(objectRef);
  }

  /**
   * Renders one finding on one line: severity, rule, object, where it comes from, what is
   * wrong and the field at fault.
   */
  public static formatFinding(finding: Finding): string {
    return formatFinding(finding);
  }

  /**
   * Renders findings for people: one line each, grouped under the construct path (or file) and
   * object they belong to, then the fix of each rule once.
   */
  public static formatFindings(findings: Finding[]): string {
    return formatFindings(findings);
  }

  /** Renders the one-line total of a report: the profile, the verdict and the counts. */
  public static formatTotal(report: Report): string {
    return formatTotal(report);
  }

  /**
   * Renders a report for people: the findings grouped by construct path (or file), one line
   * each, the fix of each rule once, the disabled rules and the exemptions, and the one-line
   * total last.
   */
  public static formatReport(report: Report): string {
    return formatReport(report);
  }

  private constructor() {}
}
