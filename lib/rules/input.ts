import { src } from './_helpers';
import { apiGroup, nameOf, RuleContext } from './context';
import { IRule } from './rule';
import { SeverityByProfile, Violation } from './types';

/** An error in every profile: input that is wrong whatever the environment. */
const ALWAYS: SeverityByProfile = { dev: 'error', staging: 'error', prod: 'error' };

/**
 * Every input is an object the pack can judge: a YAML document that parses, is a mapping with
 * an apiVersion, a kind its API group serves and a name. A document that fails is reported
 * here with its file and position, and every other object is judged as usual.
 *
 * Sources: our own policy (what is not judged must not pass silently).
 */
export const manifestInput: IRule = {
  id: 'manifest-input',
  description: 'Every document is a Kubernetes object the pack can judge',
  sources: src('platform:manifest-input'),
  severity: ALWAYS,
  fix: 'Fix the document at the position shown: valid YAML, a mapping with apiVersion, a kind of that API group, and metadata.name',
  check: (ctx: RuleContext) => ctx.rejected.map((r) => ({ kubeObject: r.kubeObject, message: r.reason })),
};

/**
 * No object (API group, kind, namespace and name) appears twice in the input: at apply time
 * the last one silently replaces the others.
 *
 * Objects without a namespace are compared as written (the namespace they land in depends on
 * the client), and objects named only by `generateName` are never duplicates.
 *
 * Sources: our own policy.
 */
export const duplicateObject: IRule = {
  id: 'duplicate-object',
  description: 'No object (API group, kind, namespace, name) is defined twice',
  sources: src('platform:duplicate-object'),
  severity: ALWAYS,
  fix: 'Remove one of the copies, or give them different names (or namespaces)',
  check: (ctx: RuleContext) => {
    const seen = new Map<string, number>();
    const out: Violation[] = [];
    for (const o of ctx.objects) {
      if (typeof o.metadata?.name !== 'string') {
        continue;
      }
      const ns = o.metadata.namespace;
      const key = `${apiGroup(o)}\u0000${o.kind}\u0000${ns ?? ''}\u0000${nameOf(o)}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n > 1) {
        out.push({
          kubeObject: o, path: 'metadata.name',
          message: `is the ${n === 2 ? 'second' : `${n}th`} definition of ${o.kind} ${ns ? `${ns}/` : ''}${nameOf(o)} `
            + `(${apiGroup(o) || 'core'} group); only the last one survives kubectl apply`,
        });
      }
    }
    return out;
  },
};

/** The input rules, in report order. */
export const INPUT_RULES: readonly IRule[] = [manifestInput, duplicateObject];
