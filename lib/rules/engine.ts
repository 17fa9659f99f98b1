import { AVAILABILITY_RULES } from './availability';
import { CONTAINER_RULES } from './containers';
import { nameOf, RuleContext } from './context';
import { exemptionAnnotation, findExemption, PROFILE_ANNOTATION } from './exemptions';
import { METADATA_RULES } from './metadata';
import { NETWORK_RULES } from './network';
import { POD_SECURITY_RULES } from './pod-security';
import { RBAC_RULES } from './rbac';
import { Rule } from './rule';
import { STORAGE_RULES } from './storage';
import { Exemption, Finding, KubeObject, LocatedObject, ObjectRef, ProfileName, Report } from './types';

/**
 * The default rule pack: the union of the default checks of Polaris, kube-score and
 * kube-linter, and of the Pod Security Standards baseline and restricted profiles (policy
 * version 1.28), merged where they ask the same thing.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  ...CONTAINER_RULES, ...POD_SECURITY_RULES, ...AVAILABILITY_RULES, ...NETWORK_RULES, ...METADATA_RULES, ...RBAC_RULES,
  ...STORAGE_RULES, exemptionAnnotation,
];

/** The profile names, in order of strictness. */
export const PROFILE_NAMES: readonly ProfileName[] = ['dev', 'staging', 'prod'];

/**
 * Options for `checkManifests`.
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
   * The rules to run. Extend the defaults with `[...DEFAULT_RULES, myRule]`.
   *
   * @default DEFAULT_RULES
   */
  readonly rules?: readonly Rule[];
}

function isLocated(x: KubeObject | LocatedObject): x is LocatedObject {
  return (x as { kind?: unknown }).kind === undefined && typeof (x as LocatedObject).object === 'object';
}

/**
 * A reference to the object, for findings.
 *
 * @internal
 */
export function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata?.namespace, name: nameOf(object) };
}

/**
 * Checks Kubernetes objects against the rules and returns every finding and exemption.
 *
 * Pure: it reads the objects and nothing else, so it serves the validation plugin, the jest
 * matchers, the command line and custom tooling alike.
 *
 * @param objects plain Kubernetes objects, or objects with their construct path and file
 * @param options the profile and the rules
 * @throws if the profile is unknown or two rules share an id
 */
export function checkManifests(objects: readonly (KubeObject | LocatedObject)[], options: CheckOptions = {}): Report {
  const profile = options.profile ?? 'prod';
  if (!PROFILE_NAMES.includes(profile)) {
    throw new Error(`Unknown profile '${String(profile)}': use one of ${PROFILE_NAMES.map((p) => `'${p}'`).join(', ')}`);
  }
  const rules = options.rules ?? DEFAULT_RULES;
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) {
      throw new Error(`Rule id '${r.id}' is used by two rules: give each rule a unique id`);
    }
    ids.add(r.id);
  }
  const located = objects.map((o) => (isLocated(o) ? o : { object: o }));
  const where = new Map<KubeObject, LocatedObject>(located.map((l) => [l.object, l]));
  const ctx = new RuleContext(located.map((l) => l.object), rules);

  // An object may name its own profile (set by the construct that made it); the others use the run's.
  const profileOf = (o: KubeObject): ProfileName => {
    const p = o.metadata?.annotations?.[PROFILE_ANNOTATION];
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
    for (const v of rule.check(ctx)) {
      const level = rule.severity[profileOf(v.object)];
      if (level === 'off') {
        continue;
      }
      const loc = where.get(v.object);
      const exemption = rule === exemptionAnnotation ? undefined : findExemption(rule, v.object);
      if (exemption) {
        const key = `${rule.id}\u0000${exemption.annotation}\u0000${located.indexOf(loc ?? { object: v.object })}`;
        const existing = exemptions.get(key);
        if (existing) {
          existing.suppressed.push(v.message);
        } else {
          exemptions.set(key, {
            ruleId: rule.id, object: refOf(v.object), constructPath: loc?.constructPath, annotation: exemption.annotation,
            reason: exemption.reason === '' ? '(no reason given)' : exemption.reason, suppressed: [v.message],
          });
        }
        continue;
      }
      findings.push({
        ruleId: rule.id, severity: level, object: refOf(v.object), constructPath: loc?.constructPath, file: loc?.file,
        path: v.path, message: v.message, fix: v.fix ?? rule.fix, sources: rule.sources,
      });
    }
  }
  const sorted = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')];
  const errorCount = findings.filter((f) => f.severity === 'error').length;
  return {
    profile,
    findings: sorted,
    exemptions: [...exemptions.values()],
    objectCount: located.length,
    rulesRun,
    errorCount,
    warningCount: findings.length - errorCount,
    passed: errorCount === 0,
  };
}
