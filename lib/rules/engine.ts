import { AVAILABILITY_RULES } from './availability';
import { CONTAINER_RULES } from './containers';
import { DELIVERY_RULES } from './delivery';
import { applyRuleConfig, RuleConfig } from './config';
import { asObject, RejectedInput, RuleContext } from './context';
import { INPUT_RULES, manifestInput } from './input';
import { whyUnjudgeable } from '../internal/names';
import { exemptionAnnotation, findExemption, PROFILE_ANNOTATION, reportingChecks } from './exemptions';
import { METADATA_RULES } from './metadata';
import { NETWORK_RULES } from './network';
import { POD_SECURITY_RULES } from './pod-security';
import { RBAC_RULES } from './rbac';
import { IRule } from './rule';
import { STORAGE_RULES } from './storage';
import { Exemption, Finding, KubeObject, LocatedObject, ObjectRef, ProfileName, Report } from './types';

/**
 * The default rule pack: the union of the default checks of Polaris, kube-score and
 * kube-linter, and of the Pod Security Standards baseline and restricted profiles (policy
 * version 1.28), merged where they ask the same thing.
 */
export const DEFAULT_RULES: readonly IRule[] = [
  ...INPUT_RULES, ...CONTAINER_RULES, ...POD_SECURITY_RULES, ...AVAILABILITY_RULES, ...NETWORK_RULES, ...METADATA_RULES,
  ...RBAC_RULES, ...STORAGE_RULES, ...DELIVERY_RULES, exemptionAnnotation,
];

/** The profile names, in order of strictness. */
export const PROFILE_NAMES: readonly ProfileName[] = ['dev', 'staging', 'prod'];

/**
 * Options for `RulePack.check`.
 */
export interface CheckOptions {
  /**
   * The profile whose severities apply, to every object that does not name its own with the
   * `production.platform.io/profile` annotation.
   *
   * @default 'prod'
   */
  readonly profile?: ProfileName;
  /**
   * The rules to run. Extend the defaults with `[...RulePack.DEFAULT_RULES, myRule]`.
   *
   * @default RulePack.DEFAULT_RULES
   */
  readonly rules?: IRule[];
  /**
   * The platform team's rule configuration: severity overrides per profile, disabled rules
   * with reasons, custom rules (applied on top of `rules`).
   *
   * @default - the rules as they are
   */
  readonly config?: RuleConfig;
}

function isLocated(x: KubeObject | LocatedObject): x is LocatedObject {
  return x !== null && typeof x === 'object' && (x as { kind?: unknown }).kind === undefined
    && typeof (x as LocatedObject).kubeObject === 'object';
}

/**
 * A reference to the object, for findings.
 *
 * @internal
 */
export function refOf(object: KubeObject): ObjectRef {
  const meta = asObject(object.metadata);
  return {
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: typeof object.kind === 'string' ? object.kind : '',
    namespaceName: typeof meta.namespace === 'string' ? meta.namespace : undefined,
    name: typeof meta.name === 'string' && meta.name !== '' ? meta.name
      : typeof meta.generateName === 'string' && meta.generateName !== '' ? `${meta.generateName}*` : '<unnamed>',
  };
}

/**
 * Checks Kubernetes objects against the rules and returns every finding and exemption.
 *
 * Pure but for loading the custom-rule modules a configuration names: it reads the objects and
 * nothing else, so it serves the validation plugin, the jest matchers, the command line and
 * custom tooling alike. Inputs the pack cannot judge (a document with a `problem`, an object
 * without a name, a kind its API group does not serve) are reported by `manifest-input` and
 * kept from every other rule.
 *
 * @param objects plain Kubernetes objects, or objects with their construct path and file
 * @param options the profile, the rules and the rule configuration
 * @throws if the profile is unknown, two rules share an id, or the configuration is invalid
 */
export function checkManifests(objects: readonly (KubeObject | LocatedObject)[], options: CheckOptions = {}): Report {
  const profile = options.profile ?? 'prod';
  if (!PROFILE_NAMES.includes(profile)) {
    throw new Error(`Unknown profile '${String(profile)}': use one of ${PROFILE_NAMES.map((p) => `'${p}'`).join(', ')}`);
  }
  const { rules, disabled } = applyRuleConfig(options.rules ?? DEFAULT_RULES, options.config);
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) {
      throw new Error(`Rule id '${r.id}' is used by two rules: give each rule a unique id`);
    }
    ids.add(r.id);
  }
  const located = objects.map((o) => (isLocated(o) ? o : { kubeObject: o }));
  const where = new Map<KubeObject, { loc: LocatedObject; index: number }>(located.map((l, index) => [l.kubeObject, { loc: l, index }]));
  const judged: KubeObject[] = [];
  const rejected: RejectedInput[] = [];
  for (const l of located) {
    const reason = l.problem ?? whyUnjudgeable(l.kubeObject);
    if (reason === undefined) {
      judged.push(l.kubeObject);
    } else {
      rejected.push({ kubeObject: typeof l.kubeObject === 'object' && l.kubeObject !== null && !Array.isArray(l.kubeObject) ? l.kubeObject : { apiVersion: '', kind: 'Document', metadata: { name: '#?' } }, reason });
      if (!where.has(rejected[rejected.length - 1].kubeObject)) {
        where.set(rejected[rejected.length - 1].kubeObject, { loc: l, index: located.indexOf(l) });
      }
    }
  }
  const ctx = new RuleContext(judged, rules, rejected);

  // An object may name its own profile (set by the construct that made it); the others use the run's.
  const profileOf = (o: KubeObject): ProfileName => {
    const p = asObject(asObject(o.metadata).annotations)[PROFILE_ANNOTATION];
    return PROFILE_NAMES.includes(p as ProfileName) ? p as ProfileName : profile;
  };
  const profiles = new Set<ProfileName>([profile, ...ctx.objects.map(profileOf)]);

  const findings: Finding[] = [];
  const exemptions = new Map<string, Exemption & { suppressed: string[] }>();
  const rulesRun: string[] = [];
  for (const rule of rules) {
    if ([...profiles].every((p) => rule.severity[p] === 'off')) {
      continue;
    }
    rulesRun.push(rule.id);
    for (const found of rule.check(ctx)) {
      const checks = reportingChecks(rule, found.kubeObject, found.checks);
      const v = checks === found.checks ? found : { ...found, checks };
      const level = rule.severity[profileOf(v.kubeObject)];
      if (level === 'off') {
        continue;
      }
      const at = where.get(v.kubeObject);
      const loc = at?.loc;
      const exemption = rule === exemptionAnnotation || rule === manifestInput ? undefined : findExemption(rule, v.kubeObject, v.checks);
      if (exemption) {
        const key = `${rule.id}\u0000${exemption.annotation}\u0000${at?.index ?? -1}`;
        const existing = exemptions.get(key);
        if (existing) {
          existing.suppressed.push(v.message);
        } else {
          exemptions.set(key, {
            ruleId: rule.id, objectRef: refOf(v.kubeObject), constructPath: loc?.constructPath, annotation: exemption.annotation,
            reason: exemption.reason === '' ? '(no reason given)' : exemption.reason, suppressed: [v.message],
          });
        }
        continue;
      }
      findings.push({
        ruleId: rule.id, severity: level, objectRef: refOf(v.kubeObject), constructPath: loc?.constructPath, file: loc?.file,
        line: loc?.line, column: loc?.column, path: v.path, message: v.message, fix: v.fix ?? rule.fix, sources: rule.sources,
        ...(v.checks ? { checks: v.checks } : {}),
      });
    }
  }
  const sorted = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')];
  const errorCount = findings.filter((f) => f.severity === 'error').length;
  return {
    profile,
    findings: sorted,
    exemptions: [...exemptions.values()],
    disabled,
    objectCount: located.length,
    rulesRun,
    errorCount,
    warningCount: findings.length - errorCount,
    passed: errorCount === 0,
  };
}
