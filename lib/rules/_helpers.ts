import { asArray, asObject, ContainerInfo, containersOf, JsonObject, RuleContext, Workload, workloadOf } from './context';
import { KubeObject, RuleSource, SeverityByProfile, Violation } from './types';

/**
 * Error in staging and prod, warning in dev: the default for production floors.
 *
 * @internal
 */
export const STRICT: SeverityByProfile = { dev: 'warning', staging: 'error', prod: 'error' };

/**
 * A warning in every profile: advice that should not block a release.
 *
 * @internal
 */
export const ADVISORY: SeverityByProfile = { dev: 'warning', staging: 'warning', prod: 'warning' };

/**
 * Not checked in dev (single replicas allowed there), an error in staging and prod.
 *
 * @internal
 */
export const HA: SeverityByProfile = { dev: 'off', staging: 'error', prod: 'error' };

/**
 * Shorthand for a list of sources.
 *
 * @internal
 */
export function src(...pairs: string[]): { tool: string; check: string; optional?: boolean }[] {
  return sources(...pairs);
}

/**
 * Container lists that run the application (ephemeral debug containers excluded).
 *
 * @internal
 */
export const APP_LISTS = ['initContainers', 'containers'];

/**
 * One violation found inside a workload: what, where, and which scanners' checks report it.
 *
 * @internal
 */
export interface Part {
  readonly message: string;
  readonly path?: string;
  /** `tool:check` names; default: every source of the rule. */
  readonly checks?: string[];
}

/**
 * Shorthand for a default source, and for one that is optional in its tool (`?tool:check`).
 *
 * @internal
 */
export function sources(...pairs: string[]): { tool: string; check: string; optional?: boolean }[] {
  return pairs.map((p) => {
    const optional = p.startsWith('?');
    const q = optional ? p.slice(1) : p;
    const i = q.indexOf(':');
    return { tool: q.slice(0, i), check: q.slice(i + 1), ...(optional ? { optional: true } : {}) };
  });
}

/**
 * The security-context field as the Pod Security Standards read it for one container: the
 * container's own field when it sets it (an empty object or a null does not count as set),
 * else the pod's.
 *
 * @internal
 */
export function fieldOf(c: ContainerInfo, w: Workload, ...pathParts: string[]): unknown {
  const read = (root: unknown) => pathParts.reduce<unknown>((v, k) => asObject(v)[k], root);
  const own = read(c.spec.securityContext);
  return own !== undefined && own !== null ? own : read(w.podSpec.securityContext);
}

/**
 * Runs `fn` on every container of every workload and collects the violations.
 *
 * @internal
 */
export function perContainer(ctx: RuleContext, lists: readonly string[],
  fn: (c: ContainerInfo, w: Workload) => string | undefined | Part[],
  filter: (w: Workload) => boolean = () => true): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workloads()) {
    if (!filter(w)) {
      continue;
    }
    for (const c of containersOf(w.podSpec, w.podSpecPath, lists)) {
      const r = fn(c, w);
      if (typeof r === 'string') {
        out.push({ kubeObject: w.kubeObject, message: `container '${c.name}' ${r}`, path: c.path });
      } else if (Array.isArray(r)) {
        for (const v of r) {
          out.push({ kubeObject: w.kubeObject, message: `container '${c.name}' ${v.message}`, path: v.path ?? c.path, checks: v.checks });
        }
      }
    }
  }
  return out;
}

/**
 * Runs `fn` on every workload's pod spec and collects the violations.
 *
 * @internal
 */
export function perPod(ctx: RuleContext, fn: (w: Workload) => string | undefined | Part[],
  filter: (w: Workload) => boolean = () => true): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workloads()) {
    if (!filter(w)) {
      continue;
    }
    const r = fn(w);
    if (typeof r === 'string') {
      out.push({ kubeObject: w.kubeObject, message: r, path: w.podSpecPath });
    } else if (Array.isArray(r)) {
      for (const v of r) {
        out.push({ kubeObject: w.kubeObject, message: v.message, path: v.path ?? w.podSpecPath, checks: v.checks });
      }
    }
  }
  return out;
}

/**
 * The container's own security context.
 *
 * @internal
 */
export function securityContext(c: ContainerInfo): JsonObject {
  return asObject(c.spec.securityContext);
}

/**
 * Capability names exactly as written: Pod Security compares them as strings, so `all` or
 * `CAP_SYS_ADMIN` are not `ALL` or `SYS_ADMIN`.
 *
 * @internal
 */
export function capabilities(list: unknown): string[] {
  return asArray(list).map((x) => String(x));
}

/**
 * True when the object is one of the long-running replicated kinds checked for availability.
 *
 * @internal
 */
export function isAvailabilityTarget(w: Workload): boolean {
  return w.isReplicated;
}

/**
 * The number of replicas the workload runs at least: the HPA's minReplicas when one targets
 * it, else `spec.replicas` (1 when unset).
 *
 * @internal
 */
export function minReplicas(ctx: RuleContext, object: KubeObject): number {
  const hpas = ctx.autoscalersOf(object);
  if (hpas.length > 0) {
    return Math.min(...hpas.map((h) => numberOr(asObject(h.spec).minReplicas, 1)));
  }
  return numberOr(asObject(object.spec).replicas, 1);
}

/**
 * The number, or the fallback when the value is not a number.
 *
 * @internal
 */
export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * True when the pod declares `spec.os.name: windows`, the field Pod Security reads (policy
 * 1.25 and later) to skip the restricted controls that only mean something on Linux.
 *
 * @internal
 */
export function isWindowsPod(w: Workload): boolean {
  return asObject(w.podSpec.os).name === 'windows';
}

/**
 * Drops a Linux-only Pod Security control from the violations of Windows pods, as Pod Security
 * 1.28 does: the control no longer reports them, and a violation no other check reports is
 * dropped. The other tools' checks read no `spec.os` and still report theirs.
 *
 * @param sources the rule's sources, the checks of a violation that names none
 * @param control the `pss-restricted:<control>` that Windows pods skip
 * @internal
 */
export function skipOnWindows(sources: readonly RuleSource[], control: string, violations: Violation[]): Violation[] {
  return violations.flatMap((v) => {
    const w = workloadOf(v.kubeObject);
    if (w === undefined || !isWindowsPod(w)) {
      return [v];
    }
    const checks = (v.checks ?? sources.map((s) => `${s.tool}:${s.check}`)).filter((c) => c !== control);
    return checks.length > 0 ? [{ ...v, checks }] : [];
  });
}
