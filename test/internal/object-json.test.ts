import { inspect } from 'util';
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { ProductionApp, Profile, Synth } from '../../lib';
import { ObjectJson } from '../../lib/internal/object-json';

// The mirror of ApiObject.toJson must give what cdk8s gives, for every value cdk8s can be handed:
// the same JSON (key order, undefined, -0 and holes included), the same error, and the producers
// run in the same order.

/** A value as a recipe, built afresh for each side so that producers and their side effects repeat. */
type Recipe =
  | { t: 'leaf'; v: unknown }
  | { t: 'lazy'; id: number; of: Recipe }
  | { t: 'token'; id: number; of: Recipe }
  | { t: 'union'; v: number | string | boolean }
  | { t: 'instance' }
  | { t: 'nullProto' }
  | { t: 'fn'; has: 'nothing' | 'resolve' | 'value' | 'lateResolve' }
  | { t: 'array'; items: Recipe[] }
  | { t: 'dict'; entries: Array<[string, Recipe]> };

class Unresolvable {
  constructor(public readonly x = 1) {}
}

/** Builds the value a recipe stands for; producers append their id to `log` when they run. */
function build(r: Recipe, log: number[]): unknown {
  switch (r.t) {
    case 'leaf': return r.v;
    case 'lazy': return Lazy.any({ produce: () => { log.push(r.id); return build(r.of, log); } });
    case 'token': return { resolve: () => { log.push(-r.id); return build(r.of, log); } };
    case 'union': return new (class Union { constructor(public readonly value: unknown) {} })(r.v);
    case 'instance': return new Unresolvable();
    case 'nullProto': return Object.assign(Object.create(null), { a: 1 });
    case 'fn': {
      // A function is kept by the sanitizer, unless a resolver takes it for a token or a union.
      const f = () => 'called';
      if (r.has === 'resolve') return Object.assign(f, { resolve: () => ({ resolved: 'fn' }) });
      if (r.has === 'value') return Object.assign(f, { value: 7 });
      if (r.has === 'lateResolve') {
        // No `resolve` when first asked, one afterwards: cdk8s's second pass over the metadata sees it.
        let asked = 0;
        return Object.defineProperty(f, 'resolve', { get: () => (asked++ === 0 ? undefined : () => 'late') });
      }
      return f;
    }
    case 'array': return r.items.map((i) => build(i, log));
    case 'dict': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of r.entries) {
        Object.defineProperty(out, k, { value: build(v, log), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

let nextId = 1;
const key = fc.oneof(fc.constantFrom('a', 'b', 'B', 'z', '10', '2', 'é', '__proto__', 'metadata', 'kind'), fc.string({ maxLength: 4 }));
const leaf = fc.oneof(
  fc.constantFrom(null, undefined, 0, -0, 1.5, NaN, true, false, '', 'x'),
  fc.string({ maxLength: 6 }),
  fc.integer(),
).map((v): Recipe => ({ t: 'leaf', v }));
const recipe: fc.Arbitrary<Recipe> = fc.letrec<{ r: Recipe }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ v: fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean()) }).map(({ v }): Recipe => ({ t: 'union', v })),
    fc.constant<Recipe>({ t: 'instance' }),
    fc.constant<Recipe>({ t: 'nullProto' }),
    fc.constantFrom<Recipe>({ t: 'fn', has: 'nothing' }, { t: 'fn', has: 'resolve' }, { t: 'fn', has: 'value' }, { t: 'fn', has: 'lateResolve' }),
    tie('r').map((of): Recipe => ({ t: 'lazy', id: nextId++, of })),
    tie('r').map((of): Recipe => ({ t: 'token', id: nextId++, of })),
    fc.array(tie('r'), { maxLength: 4 }).map((items): Recipe => ({ t: 'array', items })),
    fc.array(fc.tuple(key, tie('r')), { maxLength: 5 }).map((entries): Recipe => ({ t: 'dict', entries })),
  ),
})).r;

interface Case {
  readonly spec: Recipe;
  readonly labels: Recipe;
  readonly extraMetadata: Recipe;
  readonly patch: boolean;
  readonly unsorted: boolean;
  /** Props with a `resolve` function, which makes cdk8s's resolver replace the whole object. */
  readonly topResolve: boolean;
}

/** Renders a case's object with cdk8s's toJson, or with the mirror; returns what came out and the producers' order. */
function render(c: Case, mirror: boolean): { out: string; log: number[] } {
  const log: number[] = [];
  const app = new App();
  const chart = new Chart(app, 'c');
  const obj = new ApiObject(chart, 'o', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { labels: build(c.labels, log) as any, extra: build(c.extraMetadata, log) } as any,
    spec: build(c.spec, log),
    ...(c.topResolve ? { resolve: () => ({ apiVersion: 'v1', kind: 'ConfigMap', replaced: build(c.spec, log) }) } : {}),
  });
  if (c.patch) {
    obj.addJsonPatch(JsonPatch.add('/patched', { by: 'patch' }));
  }
  const previous = process.env.CDK8S_DISABLE_SORT;
  if (c.unsorted) process.env.CDK8S_DISABLE_SORT = '1'; else delete process.env.CDK8S_DISABLE_SORT;
  try {
    const json = mirror ? ObjectJson.during(app, () => obj.toJson()) : obj.toJson();
    return { out: inspect(json, { depth: null, sorted: false }), log };
  } catch (e) {
    return { out: `threw: ${(e as Error).message}`, log };
  } finally {
    if (previous === undefined) delete process.env.CDK8S_DISABLE_SORT; else process.env.CDK8S_DISABLE_SORT = previous;
  }
}

describe('the mirror of ApiObject.toJson', () => {
  test('is used with the installed cdk8s: the functions it follows are unchanged', () => {
    // A cdk8s upgrade that changes them fails here, naming them: re-check the mirror against the
    // new code and update the digests in lib/internal/object-json.ts.
    expect(ObjectJson.cdk8sMismatches()).toEqual([]);
    expect(ObjectJson.appliesTo(new App())).toBe(true);
  });

  test('renders every generated value as cdk8s does, fails as it does, and runs producers in its order', () => {
    const seen = { rendered: 0, errors: 0, producers: 0 };
    fc.assert(fc.property(
      fc.record({ spec: recipe, labels: recipe, extraMetadata: recipe, patch: fc.boolean(), unsorted: fc.boolean(), topResolve: fc.boolean() }),
      (c) => {
        const original = render(c, false);
        const mirrored = render(c, true);
        expect(mirrored.out).toBe(original.out);
        expect(mirrored.log).toEqual(original.log);
        seen[original.out.startsWith('threw:') ? 'errors' : 'rendered']++;
        if (original.log.length > 1) seen.producers++;
      },
    ), { numRuns: 400, seed: 20261130 });
    // The cases reached every outcome: rendered objects, errors, several producers in one object.
    expect(seen.rendered).toBeGreaterThan(50);
    expect(seen.errors).toBeGreaterThan(20);
    expect(seen.producers).toBeGreaterThan(20);
  });

  test('reports the error cdk8s reports for a value it cannot render, wrapped with the object path', () => {
    const c: Case = {
      spec: { t: 'dict', entries: [['b', { t: 'instance' }], ['a', { t: 'nullProto' }]] },
      labels: { t: 'leaf', v: undefined },
      extraMetadata: { t: 'leaf', v: undefined },
      patch: false,
      unsorted: false,
      topResolve: false,
    };
    const original = render(c, false).out;
    // Sorted keys: 'a' (no prototype) is judged before 'b' (a class instance).
    expect(original).toMatch(/^threw: Failed serializing construct at path 'c\/o'.*TypeError/);
    expect(render(c, true).out).toBe(original);
  });

  test('a producer error wins over an unrenderable value before it, as in cdk8s, which resolves everything first', () => {
    const c: Case = {
      spec: { t: 'dict', entries: [['a', { t: 'instance' }], ['b', { t: 'lazy', id: 99, of: { t: 'leaf', v: 1 } }]] },
      labels: { t: 'leaf', v: undefined },
      extraMetadata: { t: 'leaf', v: undefined },
      patch: false,
      unsorted: false,
      topResolve: false,
    };
    const rendered = (mirror: boolean) => {
      const app = new App();
      const obj = new ApiObject(new Chart(app, 'c'), 'o', {
        apiVersion: 'v1', kind: 'ConfigMap', spec: { a: new Unresolvable(), b: Lazy.any({ produce: () => { throw new Error('producer failed'); } }) },
      });
      try {
        return mirror ? ObjectJson.during(app, () => obj.toJson()) : obj.toJson();
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(rendered(false)).toMatch(/^Failed serializing construct at path 'c\/o' .*producer failed$/);
    expect(rendered(true)).toBe(rendered(false));
    // Without the failing producer, the unrenderable value is the error, on both sides.
    expect(render(c, false).out).toContain("can't render non-simple object of type 'Unresolvable'");
    expect(render(c, true).out).toBe(render(c, false).out);
  });

  test('is not used for an App with resolvers of its own, which renders through cdk8s', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (typeof context.value === 'string' && context.value.startsWith('upper:')) {
          context.replaceValue(context.value.slice('upper:'.length).toUpperCase());
        }
      }
    }
    const build = () => {
      const app = new App({ resolvers: [new Upper()] });
      new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { greeting: 'upper:hello' } });
      return app;
    };
    expect(ObjectJson.appliesTo(build())).toBe(false);
    const yaml = Synth.appYaml(build());
    expect(yaml).toContain('greeting: HELLO');
    expect(yaml).toBe(build().synthYaml());
  });
});

describe('ObjectJson.during', () => {
  const original = ApiObject.prototype.toJson;

  test('stands in for ApiObject.prototype.toJson while a synthesis runs, and puts it back', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    Profile.use(chart, Profile.PROD);
    new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
    let seen: unknown;
    new ApiObject(chart, 'Probe', { apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => { seen = ApiObject.prototype.toJson; return { a: 'b' }; } }) });
    const yaml = Synth.appYaml(app);
    expect(seen).not.toBe(original);
    expect(typeof seen).toBe('function');
    expect(ApiObject.prototype.toJson).toBe(original);
    expect(yaml).toContain('kind: Deployment');
  });

  test('puts it back when the synthesis throws', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new kplus.ConfigMap(chart, 'Config', { data: { a: 'b' } });
    new ApiObject(chart, 'Broken', { apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => { throw new Error('boom'); } }) });
    expect(() => Synth.appYaml(app)).toThrow(/Failed serializing construct at path 'c\/Broken'.*boom/);
    expect(ApiObject.prototype.toJson).toBe(original);
  });

  test('an app with resolvers of its own synthesized inside a producer renders through cdk8s', () => {
    class Upper implements IResolver {
      public resolve(context: ResolutionContext): void {
        if (context.value === 'shout') context.replaceValue('SHOUT');
      }
    }
    const inner = () => {
      const app = new App({ resolvers: [new Upper()] });
      new ApiObject(new Chart(app, 'inner'), 'Config', { apiVersion: 'v1', kind: 'ConfigMap', data: { word: 'shout' } });
      return app;
    };
    const outer = new App();
    new ApiObject(new Chart(outer, 'outer'), 'Holder', {
      apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => ({ inner: Synth.appYaml(inner()) }) }),
    });
    const yaml = Synth.appYaml(outer);
    expect(yaml).toContain('word: SHOUT');
    expect(Synth.appYaml(inner())).toBe(inner().synthYaml());
  });

  test('leaves a toJson installed by someone else in place', () => {
    const foreign = function foreign(this: ApiObject) { return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foreign' } }; };
    ApiObject.prototype.toJson = foreign;
    try {
      const app = new App();
      new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap' });
      let seen: unknown;
      expect(ObjectJson.during(app, () => { seen = ApiObject.prototype.toJson; return Synth.appYaml(app); })).toContain('name: foreign');
      expect(seen).toBe(foreign);
    } finally {
      ApiObject.prototype.toJson = original;
    }
  });

  test('nests: a synthesis inside a producer leaves the outer one in place', () => {
    const inner = new App();
    new kplus.ConfigMap(new Chart(inner, 'inner'), 'Config', { data: { a: 'b' } });
    const outer = new App();
    new ApiObject(new Chart(outer, 'outer'), 'Holder', {
      apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => ({ inner: Synth.appYaml(inner) }) }),
    });
    const yaml = Synth.appYaml(outer);
    expect(yaml).toContain('inner: |');
    expect(ApiObject.prototype.toJson).toBe(original);
  });
});
