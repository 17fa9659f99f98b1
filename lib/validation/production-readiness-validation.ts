import * as fs from 'fs';
import * as path from 'path';
import { loadYamlFile } from '../cli/load';
import { CONSTRUCT_PATHS_FILE, constructPathKey } from '../internal/app-checks';
import { Finding, IRule, LocatedObject, ProfileName, Report, RuleConfig } from '../rules';
import { applyRuleConfig, loadRuleConfig } from '../rules/config';
import { checkManifests, DEFAULT_RULES, PROFILE_NAMES } from '../rules/engine';
import { formatReport } from '../rules/format';

/**
 * A resource that violates a rule, as cdk8s-cli's `ValidationViolatingResource`.
 */
export interface ValidationResource {
  /**
   * The object's `metadata.name`, which cdk8s-cli looks its construct path up by; `Kind/name`
   * when cdk8s's name-keyed metadata would give it another object's path.
   */
  readonly resourceName: string;
  /** Where in the object, and what is wrong. */
  readonly locations: string[];
  /** The manifest file. */
  readonly manifestPath: string;
}

/**
 * A violation, as cdk8s-cli's `ValidationViolation`.
 */
export interface ValidationViolationReport {
  /** The rule id and severity. */
  readonly ruleName: string;
  /** What the rule asks for. */
  readonly recommendation: string;
  /** How to fix it. */
  readonly fix: string;
  /** The resources that violate it. */
  readonly violatingResources: ValidationResource[];
}

/**
 * Construct metadata of one resource, as in cdk8s's `construct-metadata.json`.
 */
export interface ValidationResourceMetadata {
  /** The construct path of the resource. */
  readonly path: string;
}

/**
 * The part of cdk8s-cli's validation report the plugin uses.
 */
export interface IValidationReport {
  /** Adds one violation to the report. */
  addViolation(violation: ValidationViolationReport): void;
  /**
   * Completes the report.
   *
   * @param status `success` or `failure`
   * @param metadata extra information for the report
   */
  submit(status: string, metadata?: { [key: string]: string }): void;
}

/**
 * The part of cdk8s-cli's logger the plugin sees.
 */
export interface IValidationLogger {
  /** Logs one message. */
  log(message: string): void;
}

/**
 * The part of cdk8s-cli's `ValidationContext` the plugin uses, typed structurally so that the
 * library does not load cdk8s-cli at run time.
 */
export interface ValidationContextLike {
  /** The synthesized manifest files. */
  readonly manifests: string[];
  /**
   * Construct metadata of the resources, by `metadata.name` (from `construct-metadata.json` in
   * the output folder).
   *
   * @default - none
   */
  readonly metadata?: { [name: string]: ValidationResourceMetadata };
  /** The report the plugin fills in. */
  readonly report: IValidationReport;
  /**
   * cdk8s-cli's logger. The plugin does not use it: it writes to stdout, which `cdk8s synth
   * --stdout` keeps for YAML; the plugin's report goes to stderr.
   */
  readonly logger: IValidationLogger;
}

/**
 * Properties of the plugin, as written under `properties:` in `cdk8s.yaml`.
 */
export interface ProductionReadinessValidationProps {
  /**
   * The profile whose severities apply: `dev`, `staging` or `prod`.
   *
   * @default 'prod'
   */
  readonly profile?: ProfileName;
  /**
   * The lowest severity that fails the synth: `error`, or `warning` to fail on warnings too.
   *
   * @default 'error'
   */
  readonly failOn?: 'error' | 'warning';
  /**
   * The rule configuration, inline: `severity`, `disabled` and `customRules` (module paths
   * resolved from the folder `cdk8s synth` runs in).
   *
   * @default - the rules as they are
   */
  readonly rules?: RuleConfig;
  /**
   * A rule configuration file (YAML or JSON, as for the command line's `--config`), resolved
   * from the folder `cdk8s synth` runs in. Not together with `rules`.
   *
   * @default - none
   */
  readonly config?: string;
}

/**
 * A cdk8s-cli validation plugin that runs the production-readiness rules on the synthesized
 * manifests, prints a readable report and fails the synth on errors.
 *
 * The readable report (`RulePack.formatReport`: one line per finding, grouped by construct path, the fix
 * once per rule, a one-line total) goes to stderr, so that `cdk8s synth --stdout` keeps stdout
 * for YAML; the findings also go into cdk8s-cli's report, one violation per rule and one
 * resource per object.
 *
 * Manifests are checked one output folder at a time (an app that synthesizes several examples
 * into `dist/<example>/` gets one check per example), so that cross-object rules compare
 * objects of the same app. Construct paths come from `production-construct-paths.json`, which
 * the library writes next to the manifests when cdk8s records construct metadata (keyed by
 * apiVersion, kind, namespace and name, so objects that share a name keep their own paths),
 * else from cdk8s's `construct-metadata.json` (keyed by name), at the output root (read by
 * cdk8s-cli) or next to the manifests.
 *
 * cdk8s-cli creates the plugin from `cdk8s.yaml`:
 *
 * ```yaml
 * # cdk8s.yaml
 * validations:
 *   - package: ./node_modules/@platform/cdk8s-production
 *     class: ProductionReadinessValidation
 *     version: 0.1.0
 *     properties:
 *       profile: prod
 * ```
 *
 * @example
 * const plugin = new ProductionReadinessValidation({ profile: 'staging', failOn: 'warning' });
 */
export class ProductionReadinessValidation {
  /** The profile in force. */
  public readonly profile: ProfileName;
  /** The lowest severity that fails the synth. */
  public readonly failOn: 'error' | 'warning';
  /** The rule configuration in force (from `rules` or the `config` file). */
  public readonly config: RuleConfig;
  private readonly _rules: readonly IRule[];

  public constructor(props: ProductionReadinessValidationProps = {}) {
    const problems: string[] = [];
    const profile = props.profile ?? 'prod';
    const failOn = props.failOn ?? 'error';
    if (!PROFILE_NAMES.includes(profile)) {
      problems.push(`'profile' (${JSON.stringify(profile)}) must be one of ${PROFILE_NAMES.join(', ')}`);
    }
    if (failOn !== 'error' && failOn !== 'warning') {
      problems.push(`'failOn' (${JSON.stringify(failOn)}) must be 'error' or 'warning'`);
    }
    let config: RuleConfig = props.rules ?? {};
    if (props.rules !== undefined && props.config !== undefined) {
      problems.push(`'rules' and 'config' (${JSON.stringify(props.config)}) are both set: write the configuration in one place`);
    } else if (props.config !== undefined) {
      try {
        config = loadRuleConfig(path.resolve(props.config));
      } catch (e) {
        problems.push(`'config': ${(e as Error).message}`);
      }
    }
    let rules: readonly IRule[] = DEFAULT_RULES;
    try {
      rules = applyRuleConfig(DEFAULT_RULES, config).rules;
    } catch (e) {
      problems.push(`'${props.config !== undefined ? 'config' : 'rules'}': ${(e as Error).message.replace(/\n\s*/g, ' ')}`);
    }
    if (problems.length > 0) {
      throw new Error(`ProductionReadinessValidation properties in cdk8s.yaml are invalid:\n  - ${problems.join('\n  - ')}`);
    }
    this.profile = profile;
    this.failOn = failOn;
    this.config = config;
    this._rules = rules;
  }

  /**
   * Checks the manifests and fills in the report. Called by cdk8s-cli after synthesis.
   */
  public async validate(context: ValidationContextLike): Promise<void> {
    const groups = new Map<string, string[]>();
    for (const m of context.manifests) {
      const dir = path.dirname(m);
      groups.set(dir, [...(groups.get(dir) ?? []), m]);
    }
    let errors = 0;
    let warnings = 0;
    let exemptions = 0;
    let objects = 0;
    const exemptionLines: string[] = [];
    const byRule = new Map<string, { finding: Finding; manifest: string }[]>();
    const texts: string[] = [];
    for (const [dir, manifests] of groups) {
      const names = { ...(context.metadata ?? {}), ...readConstructMetadata(dir, 'construct-metadata.json') };
      // the library's own map tells apart the objects of one app that share a name; cdk8s's is the fallback
      const refs = readConstructMetadata(dir, CONSTRUCT_PATHS_FILE);
      // a document that cannot be read is a manifest-input finding; the others are still judged
      const loaded = manifests.flatMap((m) => loadYamlFile(m, m));
      // a name two objects share gives the name map's one path to both: better no path than another object's
      const seen = new Set<string>();
      const shared = new Set<string>();
      for (const l of loaded) {
        const name = String(l.kubeObject?.metadata?.name ?? '');
        (seen.has(name) ? shared : seen).add(name);
      }
      const located: LocatedObject[] = loaded.map((l) => {
        const name = String(l.kubeObject?.metadata?.name ?? '');
        return {
          ...l, constructPath: l.problem ? undefined : (refs[constructPathKey(l.kubeObject)] ?? (shared.has(name) ? undefined : names[name]))?.path,
        };
      });
      const report: Report = checkManifests(located, { profile: this.profile, config: this.config });
      objects += report.objectCount;
      errors += report.errorCount;
      warnings += report.warningCount;
      exemptions += report.exemptions.length;
      exemptionLines.push(...report.exemptions.map((x) => `${x.ruleId} on ${x.objectRef.kind} ${x.objectRef.name} (${x.reason})`));
      for (const f of report.findings) {
        const key = `${f.ruleId} (${f.severity})`;
        const hits = byRule.get(key) ?? [];
        hits.push({ finding: f, manifest: f.file ?? manifests[0] });
        byRule.set(key, hits);
      }
      // the total line names the output folder, since an app may synthesize several
      texts.push(formatReport(report).replace(/[^\n]*$/, (total) => `${path.relative(process.cwd(), dir) || '.'}: ${total}`));
    }
    for (const [ruleName, hits] of byRule) {
      const rule = this._rules.find((r) => r.id === hits[0].finding.ruleId);
      // one resource per object, with one location line per finding
      const byObject = new Map<string, { finding: Finding; manifest: string; locations: string[] }>();
      for (const { finding, manifest } of hits) {
        const key = `${manifest}\u0000${finding.objectRef.kind}\u0000${finding.objectRef.namespaceName ?? ''}\u0000${finding.objectRef.name}\u0000${finding.line ?? ''}`;
        const entry = byObject.get(key) ?? { finding, manifest, locations: [] };
        entry.locations.push(`${finding.objectRef.kind} ${finding.objectRef.name}${finding.line !== undefined ? ` (line ${finding.line})` : ''}${finding.path ? ` ${finding.path}` : ''}: ${finding.message}`
          + `${finding.constructPath ? ` [${finding.constructPath}]` : ''}`);
        byObject.set(key, entry);
      }
      context.report.addViolation({
        ruleName,
        recommendation: rule?.description ?? hits[0].finding.message,
        fix: rule?.fix ?? hits[0].finding.fix,
        violatingResources: [...byObject.values()].map(({ finding, manifest, locations }) => ({
          resourceName: resourceName(finding, context.metadata), manifestPath: manifest, locations,
        })),
      });
    }
    // stderr, never stdout: with `cdk8s synth --stdout`, stdout is the YAML stream
    process.stderr.write(`${texts.join('\n')}\n`);
    const failed = errors > 0 || (this.failOn === 'warning' && warnings > 0);
    context.report.submit(failed ? 'failure' : 'success', {
      profile: this.profile,
      objects: String(objects),
      errors: String(errors),
      warnings: String(warnings),
      exemptions: exemptions === 0 ? '0' : `${exemptions}: ${exemptionLines.join('; ')}`,
    });
  }
}

/**
 * The name cdk8s-cli looks the construct path up by: `metadata.name`, unless cdk8s's name map
 * gives that name another object's path (objects of one app share names); then `Kind/name`,
 * which it does not find, so that its table never shows a path that is not the object's own.
 */
function resourceName(finding: Finding, metadata: ValidationContextLike['metadata']): string {
  const byName = metadata?.[finding.objectRef.name]?.path;
  return byName === undefined || byName === finding.constructPath ? finding.objectRef.name : `${finding.objectRef.kind}/${finding.objectRef.name}`;
}

/** Reads a construct-metadata file (`resources`, each with a `path`) from a folder, if there is one. */
function readConstructMetadata(dir: string, name: string): { [key: string]: { path: string } } {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    return {};
  }
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf-8')) as { resources?: { [name: string]: { path?: unknown } } };
    const out: { [name: string]: { path: string } } = {};
    for (const [name, meta] of Object.entries(json.resources ?? {})) {
      if (typeof meta?.path === 'string') {
        out[name] = { path: meta.path };
      }
    }
    return out;
  } catch {
    // construct paths are a convenience: without them, findings still name the objects
    return {};
  }
}
