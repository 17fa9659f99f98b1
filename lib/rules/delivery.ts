import { ADVISORY, src } from './_helpers';
import { apiGroup, asArray, asObject, asStringMap, JsonObject, nameOf, namespaceOf, RuleContext } from './context';
import { ROLLOUT_POD_TEMPLATE_HASH_LABEL } from '../internal/names';
import { IRule } from './rule';
import { KubeObject, Violation } from './types';

// Rules for progressive delivery with Argo Rollouts: what none of the scanners looks at. A Rollout's pod template is
// judged by the pod rules like a Deployment's (see `workloadOf`); these rules judge the objects around it.

/** The label keys a label selector names (matchLabels and matchExpressions). */
function selectorKeys(selector: unknown): string[] {
  const sel = asObject(selector);
  return [...Object.keys(asStringMap(sel.matchLabels)), ...asArray(sel.matchExpressions).map((e) => String(asObject(e).key))];
}

/** Every label selector of a NetworkPolicy: the pods it applies to, and the pod selectors of its peers. */
function networkPolicySelectors(np: KubeObject): { selector: unknown; path: string }[] {
  const spec = asObject(np.spec);
  const out = [{ selector: spec.podSelector, path: 'spec.podSelector' }];
  for (const direction of ['ingress', 'egress'] as const) {
    const peersField = direction === 'ingress' ? 'from' : 'to';
    asArray(spec[direction]).forEach((rule, i) => {
      asArray(asObject(rule)[peersField]).forEach((peer, j) => {
        const podSelector = asObject(peer).podSelector;
        if (podSelector !== undefined) {
          out.push({ selector: podSelector, path: `spec.${direction}[${i}].${peersField}[${j}].podSelector` });
        }
      });
    });
  }
  return out;
}

/**
 * No Service, PodDisruptionBudget or NetworkPolicy of ours selects pods by `rollouts-pod-template-hash`: the label
 * changes with every revision, so such a selector loses the pods at the next release. The Argo Rollouts controller
 * adds the label to the canary, stable, active and preview Services itself.
 *
 * Sources: our opinion (Argo Rollouts `docs/features/ephemeral-metadata.md`, `rollout/sync.go`).
 */
export const noPodTemplateHashSelector: IRule = {
  id: 'no-pod-template-hash-selector',
  description: 'Services, PodDisruptionBudgets and NetworkPolicies do not select pods by rollouts-pod-template-hash',
  sources: src('platform:no-pod-template-hash-selector'),
  severity: ADVISORY,
  opinion: true,
  fix: "Select the pods by their stable app labels (app.kubernetes.io/name and app.kubernetes.io/instance); the Argo Rollouts controller adds the hash to the canary and stable Services itself",
  check: (ctx) => {
    const out: Violation[] = [];
    const flag = (object: KubeObject, keys: string[], path: string) => {
      if (keys.includes(ROLLOUT_POD_TEMPLATE_HASH_LABEL)) {
        out.push({ kubeObject: object, message: `selects pods by '${ROLLOUT_POD_TEMPLATE_HASH_LABEL}', which changes with every revision`, path });
      }
    };
    for (const svc of ctx.ofKind('Service', '')) {
      flag(svc, Object.keys(asStringMap(asObject(svc.spec).selector)), 'spec.selector');
    }
    for (const pdb of ctx.ofKind('PodDisruptionBudget', 'policy')) {
      flag(pdb, selectorKeys(asObject(pdb.spec).selector), 'spec.selector');
    }
    for (const np of ctx.ofKind('NetworkPolicy', 'networking.k8s.io')) {
      for (const { selector, path } of networkPolicySelectors(np)) {
        flag(np, selectorKeys(selector), path);
      }
    }
    return out;
  },
};

/** The canary Rollouts with traffic routing, with their stable and canary Service names. */
function routedCanaries(ctx: RuleContext): { rollout: KubeObject; canary: JsonObject }[] {
  return ctx.ofKind('Rollout', 'argoproj.io')
    .map((rollout) => ({ rollout, canary: asObject(asObject(asObject(rollout.spec).strategy).canary) }))
    .filter(({ rollout, canary }) => apiGroup(rollout) === 'argoproj.io' && canary.trafficRouting !== undefined && canary.trafficRouting !== null);
}

/**
 * A route rule that sends traffic to one of a canary's stable and canary Services names both: the traffic router
 * shifts weight between the two backends of the rule, so a rule with one of them either never reaches the canary
 * or bypasses the stable version.
 *
 * Sources: our opinion (Gateway API traffic router plugin `docs/quick-start.md`).
 */
export const canaryRouteBackends: IRule = {
  id: 'canary-route-backends',
  description: "Routes to a canary's stable or canary Service name both of them in the same rule",
  sources: src('platform:canary-route-backends'),
  severity: ADVISORY,
  opinion: true,
  fix: "List both the Rollout's stableService and canaryService (same port) in the rule's backendRefs; the traffic router sets their weights",
  check: (ctx) => {
    const out: Violation[] = [];
    const canaries = routedCanaries(ctx).map(({ rollout, canary }) => ({
      rollout, namespace: namespaceOf(rollout), stable: String(canary.stableService ?? ''), canary: String(canary.canaryService ?? ''),
    })).filter((c) => c.stable !== '' && c.canary !== '');
    if (canaries.length === 0) {
      return out;
    }
    const routes = [...ctx.ofKind('HTTPRoute', 'gateway.networking.k8s.io'), ...ctx.ofKind('GRPCRoute', 'gateway.networking.k8s.io')];
    for (const route of routes) {
      asArray(asObject(route.spec).rules).forEach((rule, i) => {
        const backends = asArray(asObject(rule).backendRefs).map(asObject)
          .filter((b) => (b.kind === undefined || b.kind === 'Service') && (b.group === undefined || b.group === ''))
          .map((b) => ({ name: String(b.name), namespace: b.namespace === undefined ? namespaceOf(route) : String(b.namespace) }));
        for (const c of canaries) {
          const named = (name: string) => backends.some((b) => b.name === name && b.namespace === c.namespace);
          const hasStable = named(c.stable);
          const hasCanary = named(c.canary);
          if (hasStable !== hasCanary) {
            const [present, missing] = hasStable ? [c.stable, c.canary] : [c.canary, c.stable];
            out.push({ kubeObject: route, path: `spec.rules[${i}].backendRefs`,
              message: `sends traffic to '${present}' of canary Rollout '${nameOf(c.rollout)}' without '${missing}', so the traffic router cannot shift weight between them` });
          }
        }
      });
    }
    return out;
  },
};

/**
 * A canary with traffic routing names its stable and canary Services, two different Services that are defined with
 * it: Argo Rollouts refuses the Rollout otherwise (or routes to nothing).
 *
 * Sources: our opinion (Argo Rollouts `pkg/apis/rollouts/validation/validation.go`).
 */
export const canaryServices: IRule = {
  id: 'canary-services',
  description: 'A canary Rollout with traffic routing names two different, defined stable and canary Services',
  sources: src('platform:canary-services'),
  severity: ADVISORY,
  opinion: true,
  fix: "Set spec.strategy.canary.stableService and canaryService to two Services of the Rollout's namespace that select its pods",
  check: (ctx) => {
    const out: Violation[] = [];
    const services = new Set(ctx.ofKind('Service', '').map((s) => `${namespaceOf(s)}/${nameOf(s)}`));
    for (const { rollout, canary } of routedCanaries(ctx)) {
      for (const field of ['stableService', 'canaryService'] as const) {
        const name = canary[field];
        if (typeof name !== 'string' || name === '') {
          out.push({ kubeObject: rollout, message: `has traffic routing but no ${field}`, path: `spec.strategy.canary.${field}` });
        } else if (!services.has(`${namespaceOf(rollout)}/${name}`)) {
          out.push({ kubeObject: rollout, message: `names ${field} '${name}', which is not defined`, path: `spec.strategy.canary.${field}` });
        }
      }
      if (typeof canary.stableService === 'string' && canary.stableService !== '' && canary.stableService === canary.canaryService) {
        out.push({ kubeObject: rollout, message: `uses '${canary.stableService}' as both stableService and canaryService`, path: 'spec.strategy.canary.canaryService' });
      }
    }
    return out;
  },
};

/** The progressive delivery rules, in documentation order. */
export const DELIVERY_RULES: readonly IRule[] = [noPodTemplateHashSelector, canaryRouteBackends, canaryServices];
