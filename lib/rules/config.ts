import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { IRule } from './rule';
import { editDistance } from '../internal/names';
import { DisabledRule, ProfileName, RuleLevel } from './types';

/**
 * A platform team's rule configuration, shared by the four entry points: the `rules` property
 * of the cdk8s.yaml plugin, the command line's `--config` file, the jest matchers' `config`
 * option and `RulePack.check`'s `config` option.
 *
 * The same configuration as a YAML file (for `--config` or the plugin's `config` property):
 *
 * ```yaml
 * # rules.yaml
 * severity:
 *   recommended-labels: { staging: error, prod: error }   # raise an opinion to an error
 *   priority-class: { dev: off }
 * disabled:
 *   cpu-limits: "latency-sensitive services; CPU is capped by namespace quota (PLAT-81)"
 * customRules:
 *   - ./policy/team-label-rule.js
 * ```
 *
 * @example
 * const config: RuleConfig = {
 *   severity: {
 *     'recommended-labels': { staging: 'error', prod: 'error' },
 *     'priority-class': { dev: 'off' },
 *   },
 *   disabled: { 'cpu-limits': 'latency-sensitive services; CPU is capped by namespace quota (PLAT-81)' },
 * };
 */
export interface RuleConfig {
  /**
   * Severity overrides, by rule id and then profile: `error`, `warning` or `off`. Profiles
   * not named keep the rule's own severity.
   *
   * @default - every rule keeps its severity
   */
  readonly severity?: { [ruleId: string]: SeverityOverride };
  /**
   * Rules that do not run at all, by rule id, each with the reason (required, and listed in
   * every report).
   *
   * @default - none
   */
  readonly disabled?: { [ruleId: string]: string };
  /**
   * Module paths of custom rules, resolved from `baseDir`. A module exports its rules as
   * `rules` (an array), as `default` (a rule or an array), or as any named exports that are
   * rules.
   *
   * @default - none
   */
  readonly customRules?: string[];
  /**
   * The folder `customRules` paths are resolved from; `RulePack.loadConfig` sets it to the config
   * file's folder.
   *
   * @default - the current working folder
   */
  readonly baseDir?: string;
}

/**
 * A rule's severity in the profiles a configuration names; the profiles it leaves out keep the
 * rule's own severity.
 */
export interface SeverityOverride {
  /**
   * Severity in dev.
   *
   * @default - the rule's own
   */
  readonly dev?: RuleLevel;
  /**
   * Severity in staging.
   *
   * @default - the rule's own
   */
  readonly staging?: RuleLevel;
  /**
   * Severity in prod.
   *
   * @default - the rule's own
   */
  readonly prod?: RuleLevel;
}

/**
 * The rules that run under a configuration, and the ones it disabled.
 */
export interface ResolvedRules {
  /** The rules to run, with their configured severities. */
  readonly rules: IRule[];
  /** The disabled rules and the reasons. */
  readonly disabled: DisabledRule[];
}

const LEVELS: readonly RuleLevel[] = ['error', 'warning', 'off'];
const PROFILES: readonly ProfileName[] = ['dev', 'staging', 'prod'];
const KEYS = ['severity', 'disabled', 'customRules', 'baseDir'];

function isRule(x: unknown): x is IRule {
  const r = x as IRule;
  return r !== null && typeof r === 'object' && typeof r.id === 'string' && typeof r.check === 'function'
    && typeof r.severity === 'object' && Array.isArray(r.sources);
}

function closest(name: string, known: readonly string[]): string | undefined {
  return known.filter((k) => editDistance(k, name) <= 3).sort((a, b) => editDistance(a, name) - editDistance(b, name))[0];
}

/** Loads the rules of one custom-rule module. */
function loadCustomRules(modulePath: string, baseDir: string): IRule[] {
  const abs = path.resolve(baseDir, modulePath);
  let mod: { [key: string]: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(abs) as { [key: string]: unknown };
  } catch (e) {
    throw new Error(`Rule configuration: 'customRules' entry '${modulePath}' (${abs}) cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  const candidates = Array.isArray(mod.rules) ? mod.rules
    : Array.isArray(mod.default) ? mod.default
      : isRule(mod.default) ? [mod.default]
        : Object.values(mod).filter(isRule);
  const rules = (candidates as unknown[]).filter(isRule);
  if (rules.length === 0 || rules.length !== (candidates as unknown[]).length) {
    throw new Error(`Rule configuration: 'customRules' entry '${modulePath}' exports no rules: export 'rules' as an array of `
      + 'objects with id, description, sources, severity, fix and check()');
  }
  return rules;
}

/**
 * Applies a rule configuration to a rule set: adds the custom rules, overrides severities and
 * drops the disabled rules.
 *
 * @param base the rules before configuration (usually `DEFAULT_RULES`)
 * @param config the configuration
 * @throws listing every problem: an unknown rule id (with a "Did you mean"), a level other than
 *   error/warning/off, a profile other than dev/staging/prod, a disabled rule without a reason,
 *   a custom-rule module that cannot be loaded or exports no rules, an unknown key
 */
export function applyRuleConfig(base: readonly IRule[], config: RuleConfig = {}): ResolvedRules {
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!KEYS.includes(key)) {
      problems.push(`unknown key '${key}': use ${KEYS.filter((k) => k !== 'baseDir').map((k) => `'${k}'`).join(', ')}`);
    }
  }
  const custom: IRule[] = [];
  for (const m of config.customRules ?? []) {
    try {
      custom.push(...loadCustomRules(m, config.baseDir ?? process.cwd()));
    } catch (e) {
      problems.push((e as Error).message.replace(/^Rule configuration: /, ''));
    }
  }
  const all = [...base, ...custom];
  const ids = all.map((r) => r.id);
  const unknown = (id: string, where: string) => {
    if (!ids.includes(id)) {
      const near = closest(id, ids);
      problems.push(`'${where}' names rule '${id}', which does not exist${near ? `. Did you mean '${near}'?` : ''}`);
      return true;
    }
    return false;
  };
  const severity = config.severity ?? {};
  for (const [id, levels] of Object.entries(severity)) {
    if (unknown(id, 'severity')) {
      continue;
    }
    for (const [profile, level] of Object.entries(levels ?? {})) {
      if (!PROFILES.includes(profile as ProfileName)) {
        problems.push(`'severity.${id}' names profile '${profile}': use dev, staging or prod`);
      } else if (!LEVELS.includes(level as RuleLevel)) {
        problems.push(`'severity.${id}.${profile}' is ${JSON.stringify(level)}: use error, warning or off`);
      }
    }
  }
  const disabled: DisabledRule[] = [];
  for (const [id, reason] of Object.entries(config.disabled ?? {})) {
    if (unknown(id, 'disabled')) {
      continue;
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      problems.push(`'disabled.${id}' gives no reason: write why the rule is off (e.g. a ticket)`);
      continue;
    }
    disabled.push({ ruleId: id, reason: reason.trim() });
  }
  if (problems.length > 0) {
    throw new Error(`Rule configuration is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const off = new Set(disabled.map((d) => d.ruleId));
  const rules = all.filter((r) => !off.has(r.id)).map((r) => {
    const o = severity[r.id];
    return o ? { ...r, severity: { ...r.severity, ...o }, check: r.check } : r;
  });
  return { rules, disabled };
}

/**
 * Reads a rule configuration file (YAML or JSON); `customRules` paths are resolved from the
 * file's folder.
 *
 * @throws when the file is missing or is not a mapping
 */
export function loadRuleConfig(file: string): RuleConfig {
  if (!fs.existsSync(file)) {
    throw new Error(`Rule configuration '${file}': no such file`);
  }
  let value: unknown;
  try {
    value = parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new Error(`Rule configuration '${file}': not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) {
    return { baseDir: path.dirname(path.resolve(file)) };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`Rule configuration '${file}': expected a mapping with severity, disabled and customRules`);
  }
  return { ...(value as RuleConfig), baseDir: path.dirname(path.resolve(file)) };
}
