import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { constructOrder } from '../../lib/internal/construct-order';

// constructOrder(scope) must list what `new DependencyGraph(scope.node).topology()` lists, in its
// order, for every tree and every set of dependencies, and fail as it fails on a cycle.

const paths = (cs: IConstruct[]) => cs.map((c) => c.node.path);

/** cdk8s's order, or its error. */
function reference(scope: IConstruct): string[] | string {
  try {
    return paths(new DependencyGraph(scope.node).topology());
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

function ours(scope: IConstruct): string[] | string {
  try {
    return paths(constructOrder(scope));
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

interface TreeCase {
  /** Chart ids under the app (numeric ones exercise the key order of cdk8s's path-keyed object). */
  readonly charts: string[];
  /** For each construct to add: [parent index among those made so far, is an ApiObject]. */
  readonly nodes: Array<[number, boolean]>;
  /** Dependencies as [from, to] indices among all constructs made. */
  readonly deps: Array<[number, number]>;
}

/** Builds the app; dependencies go from a later construct to an earlier one unless `cyclic`. */
function buildTree(c: TreeCase, cyclic: boolean): { app: App; all: IConstruct[] } {
  const app = new App();
  const all: IConstruct[] = [];
  const ids = [...new Set(c.charts)];
  for (const id of ids) {
    all.push(new Chart(app, id));
  }
  c.nodes.forEach(([parent, isObject], i) => {
    const scope = all[parent % all.length] as Construct;
    all.push(isObject
      ? new ApiObject(scope, `o${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `o${i}` } })
      : new Construct(scope, `n${i}`));
  });
  for (const [a, b] of c.deps) {
    let [from, to] = [all[a % all.length], all[b % all.length]];
    if (!cyclic && all.indexOf(from) < all.indexOf(to)) {
      [from, to] = [to, from];
    }
    if (cyclic || from !== to) {
      from.node.addDependency(to);
    }
  }
  return { app, all };
}

const treeCase = fc.record({
  charts: fc.array(fc.oneof(fc.constantFrom('0', '1', '2', '10', '07', 'a', 'b', 'team'), fc.stringMatching(/^[a-z0-9]{1,3}$/)), { minLength: 1, maxLength: 5 }),
  nodes: fc.array(fc.tuple(fc.nat(60), fc.boolean()), { maxLength: 40 }),
  deps: fc.array(fc.tuple(fc.nat(60), fc.nat(60)), { maxLength: 25 }),
});

describe('constructOrder', () => {
  test('orders every acyclic tree as cdk8s\'s DependencyGraph does, for the app and for every chart', () => {
    fc.assert(fc.property(treeCase, (c) => {
      const { app, all } = buildTree(c, false);
      expect(ours(app)).toEqual(reference(app));
      for (const chart of all.filter((x) => x instanceof Chart)) {
        expect(ours(chart)).toEqual(reference(chart));
      }
    }), { numRuns: 300, seed: 20261130 });
  });

  test('on any dependencies, cycles included, gives what cdk8s gives or fails with its error', () => {
    let cycles = 0;
    fc.assert(fc.property(treeCase, (c) => {
      const { app } = buildTree(c, true);
      const expected = reference(app);
      if (typeof expected === 'string') cycles++;
      expect(ours(app)).toEqual(expected);
    }), { numRuns: 300, seed: 20261130 });
    expect(cycles).toBeGreaterThan(10);
  });

  test('lists charts with array-index ids first, in numeric order, as cdk8s does', () => {
    const app = new App();
    for (const id of ['b', '10', 'a', '2', '07', '0']) new Chart(app, id);
    expect(ours(app)).toEqual(['0', '2', '10', '', 'b', 'a', '07']);
    expect(ours(app)).toEqual(reference(app));
  });

  test('a dependency outside the scope is left out, and a dependant comes after what it depends on', () => {
    const app = new App();
    const one = new Chart(app, 'one');
    const two = new Chart(app, 'two');
    const a = new ApiObject(one, 'a', { apiVersion: 'v1', kind: 'ConfigMap' });
    const b = new ApiObject(one, 'b', { apiVersion: 'v1', kind: 'ConfigMap' });
    const c = new ApiObject(two, 'c', { apiVersion: 'v1', kind: 'ConfigMap' });
    a.node.addDependency(b, c);
    expect(ours(one)).toEqual(['one', 'one/b', 'one/a']);
    expect(ours(one)).toEqual(reference(one));
  });
});
