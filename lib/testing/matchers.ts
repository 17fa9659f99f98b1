import { Finding, ProfileName, Report, IRule, RuleConfig } from '../rules';
import { applyRuleConfig } from '../rules/config';
import { checkManifests, DEFAULT_RULES } from '../rules/engine';
import { formatFindings } from '../rules/format';
import { manifestsOf } from './manifests';
import { EnvironmentParity, EnvironmentParityOptions } from '../delivery/environment-parity';

/**
 * Options for `toBeProductionReady` and `toPassRule`.
 */
export interface ProductionMatcherOptions {
  /**
   * The profile whose severities apply.
   *
   * @default 'prod'
   */
  readonly profile?: ProfileName;
  /**
   * The rules to run.
   *
   * @default RulePack.DEFAULT_RULES
   */
  readonly rules?: IRule[];
  /**
   * The platform team's rule configuration (the same as the cdk8s.yaml plugin's `rules`
   * property and the command line's `--config` file).
   *
   * @default - the rules as they are
   */
  readonly config?: RuleConfig;
  /**
   * Fail on warnings too, not only on errors.
   *
   * @default false
   */
  readonly strict?: boolean;
}

/**
 * The result a jest matcher returns.
 */
export interface MatcherResult {
  /** Whether the expectation holds. */
  readonly pass: boolean;
  /** The message jest prints when the expectation fails (for `.not` as well). */
  readonly message: () => string;
}

/** The findings as the command line and the validation plugin print them, indented. */
function listFindings(findings: readonly Finding[]): string {
  return formatFindings(findings).split('\n').map((line) => `  ${line}`).join('\n');
}

function exemptionsText(report: Report): string {
  return report.exemptions.length === 0 ? '' : `\nExemptions:\n${report.exemptions
    .map((e) => `  - ${e.ruleId} on ${e.objectRef.kind} ${e.objectRef.name} (${e.annotation}): ${e.reason}`).join('\n')}`;
}

/**
 * Passes when the chart or manifests have no finding at error severity (or none at all with
 * `strict`).
 */
export function toBeProductionReady(received: unknown, options: ProductionMatcherOptions = {}): MatcherResult {
  const report = checkManifests(manifestsOf(received), { profile: options.profile, rules: options.rules, config: options.config });
  const failing = report.findings.filter((f) => f.severity === 'error' || options.strict === true);
  const profile = report.profile;
  if (failing.length === 0) {
    return {
      pass: true,
      message: () => `Expected the manifests not to be production ready (${profile}), but no rule reported an ${options.strict ? 'error or warning' : 'error'}${exemptionsText(report)}`,
    };
  }
  return {
    pass: false,
    message: () => `Expected the manifests to be production ready (${profile}), but ${failing.length} finding(s) were reported:\n`
      + `${listFindings(failing)}${exemptionsText(report)}`,
  };
}

/**
 * Passes when the rule `ruleId` reports nothing (at any severity) on the chart or manifests.
 *
 * @throws if no rule has that id
 */
export function toPassRule(received: unknown, ruleId: string, options: ProductionMatcherOptions = {}): MatcherResult {
  const rules = applyRuleConfig(options.rules ?? DEFAULT_RULES, options.config).rules;
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) {
    throw new Error(`toPassRule: unknown rule '${ruleId}'; known rules: ${rules.map((r) => r.id).join(', ')}`);
  }
  const report = checkManifests(manifestsOf(received), { profile: options.profile, rules: [rule] });
  const hits = report.findings;
  if (hits.length === 0) {
    return {
      pass: true,
      message: () => `Expected rule '${ruleId}' to report a finding (${report.profile}), but it reported none${exemptionsText(report)}`,
    };
  }
  return {
    pass: false,
    message: () => `Expected rule '${ruleId}' to pass (${report.profile}), but it reported ${hits.length} finding(s):\n${listFindings(hits)}`,
  };
}

/**
 * Passes when two charts (two `Environment`s, staging and prod) differ only in allow-listed fields; the message
 * lists every other difference with the object, the field and both values.
 */
export function toHaveParityWith(received: unknown, other: unknown, options: EnvironmentParityOptions = {}): MatcherResult {
  const report = EnvironmentParity.compare(received as any, other as any, options);
  return {
    pass: report.passed,
    message: () => (report.passed
      ? `Expected the environments to differ outside the allow-list, but ${report.toString()}`
      : `Expected the environments to differ only in allow-listed fields, but ${report.toString()}`),
  };
}

/**
 * The matchers, ready for `expect.extend(productionMatchers)`.
 */
export const productionMatchers = {
  toBeProductionReady,
  toPassRule,
  toHaveParityWith,
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /**
       * Expects a cdk8s Chart or synthesized manifests to have no finding at error severity.
       */
      toBeProductionReady(options?: ProductionMatcherOptions): R;
      /**
       * Expects one rule of the production-readiness pack to report nothing.
       */
      toPassRule(ruleId: string, options?: ProductionMatcherOptions): R;
      /**
       * Expects a chart (staging) to differ from another (prod) only in allow-listed fields (`EnvironmentParity`).
       */
      toHaveParityWith(other: unknown, options?: EnvironmentParityOptions): R;
    }
  }
}
