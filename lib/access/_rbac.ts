import { k8s } from 'cdk8s-plus-28';
import { VERB_ORDER } from './defaults';

// The one renderer of RBAC rules for the access constructs: grants on the same API group, resource and names are
// merged into one rule, verbs in the canonical order, rules sorted, so that the Role does not depend on the order in
// which grants were declared.

/**
 * One rule before merging: an API group, a resource, the verbs and the names it is limited to.
 *
 * @internal
 */
export interface RuleGrant {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/**
 * Merges grants into the rules of a Role: one rule per API group and set of names, listing every resource that has
 * exactly the same verbs.
 *
 * @internal
 */
export function renderRules(grants: readonly RuleGrant[]): k8s.PolicyRule[] {
  // First the verbs of each (group, resource, names), then group resources that share them.
  const byTarget = new Map<string, { apiGroup: string; resource: string; names?: string[]; verbs: Set<string> }>();
  for (const g of grants) {
    const names = g.resourceNames ? [...new Set(g.resourceNames)].sort() : undefined;
    const key = JSON.stringify([g.apiGroup, g.resource, names ?? null]);
    const entry = byTarget.get(key) ?? { apiGroup: g.apiGroup, resource: g.resource, names, verbs: new Set<string>() };
    g.verbs.forEach((v) => entry.verbs.add(v));
    byTarget.set(key, entry);
  }
  const byRule = new Map<string, { apiGroup: string; resources: string[]; names?: string[]; verbs: string[] }>();
  for (const e of byTarget.values()) {
    const verbs = VERB_ORDER.filter((v) => e.verbs.has(v));
    const key = JSON.stringify([e.apiGroup, e.names ?? null, verbs]);
    const rule = byRule.get(key) ?? { apiGroup: e.apiGroup, resources: [], names: e.names, verbs };
    rule.resources.push(e.resource);
    byRule.set(key, rule);
  }
  return [...byRule.values()]
    .map((r) => ({ ...r, resources: r.resources.sort() }))
    .sort((a, b) => compare(a.apiGroup, b.apiGroup) || compare(a.resources[0], b.resources[0])
      || compare(JSON.stringify(a.names ?? []), JSON.stringify(b.names ?? [])) || compare(a.verbs.join(), b.verbs.join()))
    .map((r) => ({
      apiGroups: [r.apiGroup],
      resources: r.resources,
      verbs: r.verbs,
      ...(r.names !== undefined ? { resourceNames: r.names } : {}),
    }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
