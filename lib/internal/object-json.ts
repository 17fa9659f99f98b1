import { createHash } from 'crypto';
import {
  ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver,
  resolve as cdk8sResolve,
} from 'cdk8s';

/*
 * Rendering API objects to Kubernetes JSON with less work per value than cdk8s's ApiObject.toJson.
 *
 * cdk8s resolves every value of every object through `resolve(key, value, apiObject)`: for each
 * value it walks up the construct tree to the App for its resolvers (`App.of`), allocates a
 * ResolutionContext and a copy of the key path, and asks each resolver in turn; then it sanitizes
 * the result in a second pass (nulls dropped, keys sorted). With the App's built-in resolvers only
 * (Lazy, implicit tokens, number-or-string unions), none of them reads the key or the object, so
 * the same result is reached by asking the three questions directly, and sanitizing in the same
 * pass: `resolveAndSanitize`. Producers still run in cdk8s's order, the first error is cdk8s's, and
 * what the mirror does not walk itself is handed to cdk8s's own sanitizer. JSON patches, the
 * top-level key order and the error wrapping follow ApiObject.toJson line by line.
 *
 * Generated L1 classes (KubeDeployment, ...) override `toJson()` and call `super.toJson()`, so the
 * mirror can only take effect by standing in for `ApiObject.prototype.toJson` while a synthesis
 * runs. `ObjectJson.during` does that, and restores the original in every case.
 *
 * The mirror is only used when it is known to be exact: the cdk8s functions it mirrors have the
 * source text they had when it was written (their SHA-256 digests below), and the object's App has
 * exactly the built-in resolvers (checked per object: a producer may render another app's objects).
 * Otherwise objects render through cdk8s's own toJson. `test/internal/object-json.test.ts` fails
 * when the installed cdk8s no longer matches, so the mirror is re-checked on an upgrade instead of
 * silently switched off, and compares both renderings on generated values.
 */

/** SHA-256 of the source text of each cdk8s function the mirror follows (cdk8s 2.70.x). */
const MIRRORED: Array<[string, () => unknown, string]> = [
  ['ApiObject.prototype.toJson', () => ApiObject.prototype.toJson, '11689f70a332265cfec6813dbb8936a5ed56de5f53df9424f708c7c7a9d16c99'],
  ['ApiObjectMetadataDefinition.prototype.toJson', () => ApiObjectMetadataDefinition.prototype.toJson, '657fa74a665382f2ef575a5cabb985153533b837003130d57d1a863e0b3d3190'],
  ['resolve', () => cdk8sResolve, '320031eb67d2ab3eb5e7291d184033da92a891f66f801288dfbd6e71ee0bf672'],
  ['LazyResolver.prototype.resolve', () => LazyResolver.prototype.resolve, 'a0d3c19ce494b8442a174c07120fc2f195553a97b38329f15022d4cf1a8bf7d3'],
  ['ImplicitTokenResolver.prototype.resolve', () => ImplicitTokenResolver.prototype.resolve, 'abf53e1af48ce72ba19398cd7825bf83d68c89c0d70d32468292765fb6aa9aa0'],
  ['NumberStringUnionResolver.prototype.resolve', () => NumberStringUnionResolver.prototype.resolve, '89c89f9b28283d7e6220bf8862b26bd99b7b8a58269cfba90819268b2ebf3343'],
];

/** The types NumberStringUnionResolver turns into `{ value }` (its private TYPES). */
const UNION_TYPES = ['number', 'string'];

type Sanitize = (obj: unknown, options?: { filterEmptyArrays?: boolean; filterEmptyObjects?: boolean; sortKeys?: boolean }) => any;

/** cdk8s's own sanitizeValue (not exported from its index), or a reason why it cannot be used. */
function loadSanitize(): Sanitize | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const util = require('cdk8s/lib/_util');
    return typeof util.sanitizeValue === 'function' ? util.sanitizeValue : 'cdk8s/lib/_util has no sanitizeValue';
  } catch (e) {
    return `cdk8s/lib/_util cannot be loaded (${(e as Error).message})`;
  }
}

function digest(f: unknown): string {
  return createHash('sha256').update(String(f)).digest('hex');
}

/** cdk8s's sanitizer, loaded once. */
const SANITIZE = loadSanitize();
/** The sanitizer, where the mirror runs (only when it was found). */
const SANITIZE_FN = SANITIZE as Sanitize;

let mismatchCache: string[] | undefined;

/** cdk8s's own ApiObject.toJson, as loaded (the function the digest above describes). */
const CDK8S_TO_JSON = ApiObject.prototype.toJson;

/** Per App, whether the mirror is exact for it; renewed for each synthesis. */
let exactFor = new WeakMap<object, boolean>();

/** Whether the mirror renders `obj` exactly: its root is an App with only the built-in resolvers. */
function mirrorApplies(obj: ApiObject): boolean {
  const root = App.of(obj);
  let exact = exactFor.get(root);
  if (exact === undefined) {
    exact = root instanceof App && ObjectJson.appliesTo(root);
    exactFor.set(root, exact);
  }
  return exact;
}

/**
 * Renders API objects to JSON, byte for byte as cdk8s does, through the mirror when it is exact.
 *
 * @internal
 */
export class ObjectJson {
  /**
   * Why the mirror cannot be used with the installed cdk8s: the functions whose source changed,
   * or why cdk8s's sanitizer is unreachable. Empty when it can.
   */
  public static cdk8sMismatches(): string[] {
    if (mismatchCache === undefined) {
      // The new digest is in the message, to update MIRRORED once the mirror is re-checked against the new source.
      const found = MIRRORED.filter(([, f, expected]) => digest(f()) !== expected).map(([name, f]) => `${name} has changed (its source now has SHA-256 ${digest(f())})`);
      if (typeof SANITIZE === 'string') {
        found.push(SANITIZE);
      }
      const types = (NumberStringUnionResolver as unknown as { TYPES?: unknown }).TYPES;
      if (JSON.stringify(types) !== JSON.stringify(UNION_TYPES)) {
        found.push(`NumberStringUnionResolver.TYPES is ${JSON.stringify(types)}`);
      }
      mismatchCache = found;
    }
    return mismatchCache;
  }

  /** Whether `app` renders through the mirror: the installed cdk8s matches and the App has only the built-in resolvers. */
  public static appliesTo(app: App): boolean {
    const r = app.resolvers;
    return ObjectJson.cdk8sMismatches().length === 0 && primitivesArePlain() && r.length === 3
      && r[0].constructor === LazyResolver && r[1].constructor === ImplicitTokenResolver && r[2].constructor === NumberStringUnionResolver;
  }

  /**
   * Runs `work` with `ApiObject.prototype.toJson` replaced by the mirror when it applies to `app`;
   * the original is back when `work` returns or throws.
   */
  public static during<T>(app: App, work: () => T): T {
    const current = ApiObject.prototype.toJson;
    if (current === mirroredToJson) {
      // Already inside a synthesis (a Lazy that synthesizes another app): the mirror is in place and
      // checks each object's own app.
      return work();
    }
    if (current !== CDK8S_TO_JSON || !ObjectJson.appliesTo(app)) {
      // Someone else's toJson is installed, or the mirror is not exact for this app: leave it all be.
      return work();
    }
    exactFor = new WeakMap();
    ApiObject.prototype.toJson = mirroredToJson;
    try {
      return work();
    } finally {
      ApiObject.prototype.toJson = current;
    }
  }

  private constructor() {}
}

/**
 * Whether no resolver can apply to a primitive: cdk8s asks every value for a `resolve` method and a
 * `value`, and a primitive finds them only if someone added them to its prototype (or Object's).
 */
function primitivesArePlain(): boolean {
  const prototypes = [String.prototype, Number.prototype, Boolean.prototype, BigInt.prototype, Symbol.prototype];
  return prototypes.every((p) => !('resolve' in p) && !('value' in p));
}

/** How the sanitizer is asked to treat empties and key order. */
interface SanitizeOptions {
  readonly filterEmptyArrays?: boolean;
  readonly filterEmptyObjects?: boolean;
  readonly sortKeys?: boolean;
}

/** Options of the sanitizer as ApiObjectMetadataDefinition.toJson passes them. */
const METADATA_SANITIZE: SanitizeOptions = { filterEmptyArrays: true, filterEmptyObjects: true };

/**
 * cdk8s's ApiObject.toJson, with `sanitizeValue(resolve(...))` replaced by `resolveAndSanitize`:
 * the same data, patches, top-level key order and error.
 */
function mirroredToJson(this: ApiObject): any {
  if (!mirrorApplies(this)) {
    // An object of another app (rendered from a producer, say) whose resolvers the mirror does not know.
    return CDK8S_TO_JSON.call(this);
  }
  const self = this as unknown as { props: object; patches: JsonPatch[] };
  try {
    const metadata = this.metadata;
    const mirrored = metadata.toJson === ApiObjectMetadataDefinition.prototype.toJson;
    const functionsBefore = functionsSeen;
    const data: any = { ...self.props, metadata: mirrored ? metadataJson(this, metadata) : metadata.toJson() };
    const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
    // cdk8s resolves and sanitizes the rendered metadata a second time with the rest. Rendered
    // metadata holds only primitives, arrays and plain objects, sorted and without nulls, on which
    // that second pass is the identity; unless it holds a function, which a resolver may still
    // replace, it is taken as it is.
    const settledKey = mirrored && functionsSeen === functionsBefore ? 'metadata' : undefined;
    // The data itself is a plain object; only a `resolve` function among the props makes a resolver take it.
    const json = settle(typeof data.resolve === 'function'
      ? resolveAndSanitize(this, data, { sortKeys })
      : sanitizeObject(this, data, Object.keys(data), { sortKeys }, settledKey));
    // JsonPatch.apply with no operations returns the document itself.
    const patched = self.patches.length > 0 ? JsonPatch.apply(json, ...self.patches) : json;
    const result: any = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
      if (k in patched) {
        result[k] = patched[k];
      }
    }
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

/** cdk8s's ApiObjectMetadataDefinition.toJson, with `sanitizeValue(resolve(...))` replaced by `resolveAndSanitize`. */
function metadataJson(obj: ApiObject, metadata: ApiObjectMetadataDefinition): any {
  // Its fields are private in cdk8s's typings; toJson reads them, so the mirror does too.
  const m = metadata as unknown as {
    _additionalAttributes: object; name?: string; namespace?: string; annotations: object; finalizers: string[]; ownerReferences: object[]; labels: object;
  };
  return settle(resolveAndSanitize(obj, {
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  }, METADATA_SANITIZE));
}

/** Functions met by resolveAndSanitize so far (they survive sanitizing); only differences are read. */
let functionsSeen = 0;

/** The error cdk8s's sanitizer throws on a value, held until every value is resolved. */
class SanitizeFailure {
  constructor(public readonly error: unknown) {}
}

/** The value, or the sanitizer's error thrown. */
function settle(value: unknown): any {
  if (value instanceof SanitizeFailure) {
    throw value.error;
  }
  return value;
}

/**
 * `sanitizeValue(resolve(value), options)` of cdk8s, in one pass, for an App whose resolvers are
 * the built-in ones, in their order.
 *
 * Resolving: a Lazy is produced, a value with a `resolve()` method is resolved, a non-plain object
 * whose `value` is a number or a string becomes `{ value }`; a replaced value is resolved again;
 * arrays and plain objects are resolved element by element in their own order, all of them, as
 * cdk8s does before it sanitizes (producers run in cdk8s's order).
 *
 * Sanitizing: `null` and `undefined` become `undefined` and are left out of objects; object keys
 * are sorted unless told not to; empties are dropped when asked. A value cdk8s's sanitizer rejects
 * (a class instance nothing resolved) is handed to that sanitizer, and its error is returned as a
 * SanitizeFailure so that the first error in the sanitizer's own order (sorted keys) wins, after
 * every value is resolved, as in cdk8s.
 */
function resolveAndSanitize(obj: ApiObject, value: any, options: SanitizeOptions): any {
  for (;;) {
    if (value == null) {
      return undefined;
    }
    const type = typeof value;
    if (type !== 'object' && type !== 'function') {
      // No resolver replaces a primitive: their prototypes have no `resolve` nor `value` (appliesTo checks).
      return value;
    }
    if (value instanceof Lazy) {
      value = value.produce();
    } else if (typeof value.resolve === 'function') {
      value = value.resolve();
    } else if (value.constructor !== Object && isNumberOrString(value.value)) {
      value = { value: value.value };
    } else {
      break;
    }
  }
  if (typeof value !== 'object') {
    // A function: the resolvers had no answer for it, and the sanitizer keeps it.
    functionsSeen++;
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map((x) => resolveAndSanitize(obj, x, options));
    if (options.filterEmptyArrays && value.length === 0) {
      return undefined;
    }
    for (const item of items) {
      if (item instanceof SanitizeFailure) {
        return item;
      }
    }
    return items;
  }
  // eslint-disable-next-line eqeqeq
  if (value.constructor != Object) {
    // Left as it is by the resolvers; cdk8s's sanitizer judges it.
    return sanitizeLeaf(value, options);
  }
  return sanitizeObject(obj, value, Object.keys(value), options);
}

/**
 * A plain object, resolved and sanitized key by key (resolved in its own key order, written in sorted
 * order unless told not to). The value under `settledKey`, if given, is already final.
 */
function sanitizeObject(obj: ApiObject, value: any, keys: string[], options: SanitizeOptions, settledKey?: string): any {
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    if (keys[i] === '__proto__') {
      // cdk8s's resolver copies keys by assignment, which sets the copy's prototype for this one:
      // let cdk8s's own resolve and sanitizer handle the object.
      return sanitizeLeaf(cdk8sResolve([], value, obj), options);
    }
  }
  const values = new Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    values[i] = key === settledKey ? value[key] : resolveAndSanitize(obj, value[key], options);
    if (i > 0 && keys[i - 1] > key) {
      sorted = false;
    }
  }
  let order: number[] | undefined;
  if (!sorted && (options.sortKeys ?? true)) {
    order = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
  }
  const result: any = {};
  let kept = 0;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const v = values[i];
    if (v instanceof SanitizeFailure) {
      return v;
    }
    if (v != null) {
      result[keys[i]] = v;
      kept++;
    }
  }
  return options.filterEmptyObjects && kept === 0 ? undefined : result;
}

function isNumberOrString(x: unknown): boolean {
  const t = typeof x;
  return t === 'number' || t === 'string';
}

/** cdk8s's sanitizer on a value the mirror does not walk itself: its result, or its error held. */
function sanitizeLeaf(value: unknown, options: SanitizeOptions): any {
  try {
    return SANITIZE_FN(value, options);
  } catch (e) {
    return new SanitizeFailure(e);
  }
}
