import { DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The constructs under `scope` (itself included) in the order of
 * `new DependencyGraph(scope.node).topology()`, computed with less work.
 *
 * cdk8s's graph keys its vertices by construct path in a plain object, adopts every vertex without
 * a dependant under an artificial root in that object's key order, and orders by a depth-first walk
 * that lists a vertex after its dependencies (in the order they were added), each vertex once. The
 * same steps run here on arrays, without cdk8s's per-edge cycle search and per-visit copies of the
 * edge sets. A dependency on a construct outside `scope` is left out, as in cdk8s (matched by path,
 * as cdk8s does).
 *
 * A dependency cycle is handed to cdk8s's own DependencyGraph, so it fails exactly as
 * `app.synth()` fails on it.
 *
 * @internal
 */
export function constructOrder(scope: IConstruct, all: IConstruct[] = scope.node.findAll()): IConstruct[] {
  const indexOfPath = new Map<string, number>();
  all.forEach((c, i) => {
    indexOfPath.set(c.node.path, i);
  });
  // Each vertex's dependencies, in the order they are first added (most constructs have none);
  // whether it has a dependant.
  const outbound = new Map<number, number[]>();
  const hasDependant = new Uint8Array(all.length);
  all.forEach((source, s) => {
    for (const target of source.node.dependencies) {
      const t = indexOfPath.get(target.node.path);
      if (t === undefined) {
        continue;
      }
      const edges = outbound.get(s);
      if (!edges) {
        outbound.set(s, [t]);
      } else if (!edges.includes(t)) {
        edges.push(t);
      }
      hasDependant[t] = 1;
    }
  });
  if (outbound.size === 0) {
    // No edges: every vertex is a root, listed in the path-keyed object's order.
    return keyOrder(all).map((v) => all[v]);
  }

  const order: IConstruct[] = [];
  // 0: not seen, 1: on the current path (a cycle when met again), 2: listed.
  const state = new Uint8Array(all.length);
  let cycle = false;
  const visit = (v: number): void => {
    state[v] = 1;
    for (const d of outbound.get(v) ?? []) {
      if (state[d] === 1) {
        cycle = true;
        return;
      }
      if (state[d] === 0) {
        visit(d);
        if (cycle) {
          return;
        }
      }
    }
    state[v] = 2;
    order.push(all[v]);
  };
  // The artificial root's children: the vertices without a dependant, in the key order of cdk8s's
  // path-keyed object.
  for (const v of keyOrder(all)) {
    if (!hasDependant[v] && state[v] === 0) {
      visit(v);
      if (cycle) {
        return new DependencyGraph(scope.node).topology();
      }
    }
  }
  if (order.length !== all.length) {
    // Vertices left unlisted all have dependants and none is reachable from a root: a cycle.
    return new DependencyGraph(scope.node).topology();
  }
  return order;
}

/**
 * The indices of `all` in the order a plain object keyed by their paths enumerates them: keys that
 * are array indices first, in ascending order, then the others in insertion order. Only a path
 * without a '/' can be an array index: the scope itself, or a chart directly under the app.
 */
function keyOrder(all: IConstruct[]): number[] {
  const indices: number[] = [];
  const others: number[] = [];
  all.forEach((c, i) => {
    const p = c.node.path;
    (isArrayIndex(p) ? indices : others).push(i);
  });
  indices.sort((a, b) => Number(all[a].node.path) - Number(all[b].node.path));
  return [...indices, ...others];
}

/** Whether a property key is an array index (a canonical integer below 2^32 - 1). */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  // Most paths start with a letter: no regular expression for them.
  return first >= 48 && first <= 57 && /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 4294967295;
}
