import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type { PropErrors } from './errors';
import { editDistance } from './names';
import { checkWholeSeconds } from './quantity';

/**
 * The generated shapes, loaded on first use: they refer to the library's own classes, whose modules import this
 * one, so a load-time import would be circular.
 */
function propShapes(): typeof import('./_prop-shapes.generated').PROP_SHAPES {
  // Kept after the first load: every construct checks its props, and require() is not free.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loadedShapes ??= (require('./_prop-shapes.generated') as typeof import('./_prop-shapes.generated')).PROP_SHAPES;
  return loadedShapes;
}
let loadedShapes: typeof import('./_prop-shapes.generated').PROP_SHAPES | undefined;

/** The fields of a shape as entries, listed once per shape: every construct's props walk them. */
function entriesOf<T extends object>(fields: T): Array<[string, T[keyof T]]> {
  let entries = fieldEntries.get(fields);
  if (!entries) {
    entries = Object.entries(fields);
    fieldEntries.set(fields, entries);
  }
  return entries as Array<[string, T[keyof T]]>;
}
const fieldEntries = new WeakMap<object, Array<[string, unknown]>>();

/**
 * The run-time check of one declared type (see scripts/prop-shapes.ts, which writes them from the declarations).
 *
 * @internal
 */
export type PropShape =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'object' | 'any' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'array'; readonly of: PropShape }
  | { readonly kind: 'map'; readonly of: PropShape }
  | { readonly kind: 'struct'; readonly name: string }
  | { readonly kind: 'instance'; readonly name: string; readonly type: () => unknown };

/**
 * Checks `props` against the declared shape of `struct` at run time: missing required props, values of the wrong
 * type (a string where a number belongs, a string where an `AppSize` belongs, ...) and props the struct does not
 * have. TypeScript users never see these errors; JavaScript users and values read from JSON or YAML do.
 *
 * @param prefix the prop path of `props` inside the construct's props (`''` at the top)
 * @param handled props the caller reports itself with a better message (never reported as unknown here)
 * @returns true when nothing was recorded
 * @internal
 */
export function checkPropTypes(errors: PropErrors, props: unknown, struct: string, prefix = '', handled: readonly string[] = []): boolean {
  // Every field is checked, so that one run reports every wrongly typed prop.
  const before = errors.count;
  const fields = propShapes()[struct];
  if (fields === undefined) {
    throw new Error(`checkPropTypes: no shape for '${struct}' (run \`npm run shapes\`)`);
  }
  const here = prefix === '' ? 'props' : prefix.replace(/\.$/, '');
  if (!isPlainObject(props)) {
    const required = Object.keys(fields).filter((f) => !fields[f].optional);
    errors.add(here, props, `is ${describe(props)}, not an object with the fields of ${struct}`,
      required.length > 0 ? `pass an object with at least ${required.map((f) => `'${f}'`).join(', ')}` : 'pass an object (it may be empty)');
    return false;
  }
  const given = props as Record<string, unknown>;
  for (const [name, field] of entriesOf(fields)) {
    const value = given[name];
    if (value === undefined) {
      // Most props are optional and unset: the message is built only for a missing required one.
      if (!field.optional) {
        errors.add(`${prefix}${name}`, value, 'is required', `set '${prefix}${name}' to ${expected(field.shape)}`);
      }
      continue;
    }
    checkValue(errors, value, field.shape, `${prefix}${name}`);
  }
  for (const name of Object.keys(given)) {
    if (fields[name] === undefined && !handled.includes(name) && given[name] !== undefined) {
      const near = nearest(name, Object.keys(fields));
      errors.add(`${prefix}${name}`, given[name], `is not a prop of ${struct}, so it would be ignored`,
        near !== undefined ? `did you mean '${prefix}${near}'?` : `remove it; the props are ${Object.keys(fields).sort().map((f) => `'${f}'`).join(', ')}`);
    }
  }
  return errors.count === before;
}

function checkValue(errors: PropErrors, value: unknown, shape: PropShape, prop: string): void {
  const wrong = () => errors.add(prop, value, `is ${describe(value)}, not ${expected(shape)}`, `pass ${expected(shape)}`);
  switch (shape.kind) {
    case 'string':
    case 'boolean':
      if (typeof value !== shape.kind) wrong();
      return;
    case 'number':
      if (typeof value !== 'number' || Number.isNaN(value)) wrong();
      return;
    case 'object':
      if (typeof value !== 'object' || value === null) wrong();
      return;
    case 'any':
      return;
    case 'enum':
      if (typeof value !== 'string' || !shape.values.includes(value)) {
        errors.add(prop, value, `is not one of ${shape.values.map((v) => JSON.stringify(v)).join(', ')}`, 'use one of the enum\'s members');
      }
      return;
    case 'instance': {
      const type = shape.type() as (new (...args: never[]) => unknown) | undefined;
      if (typeof type === 'function' && !(value instanceof type)) {
        wrong();
      } else if (value instanceof Duration) {
        checkWholeSeconds(errors, value, prop);
      } else if (value instanceof Size) {
        checkWholeMebibytes(errors, value, prop);
      }
      return;
    }
    case 'struct':
      checkPropTypes(errors, value, shape.name, `${prop}.`);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        wrong();
        return;
      }
      value.forEach((item, i) => checkValue(errors, item, shape.of, `${prop}[${i}]`));
      return;
    case 'map':
      if (!isPlainObject(value)) {
        wrong();
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        checkValue(errors, v, shape.of, `${prop}.${k}`);
      }
      return;
  }
}

/** Every size the library writes is a whole number of MiB: a fraction would be rounded or fail at synthesis. */
function checkWholeMebibytes(errors: PropErrors, value: Size, prop: string): void {
  const mebibytes = value.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  errors.check(!Number.isFinite(mebibytes) || mebibytes % 1 !== 0, prop, `${mebibytes}Mi`, 'is not a whole number of MiB, which is how the size is written',
    `use Size.mebibytes(n) with a whole n, e.g. Size.mebibytes(${Math.max(1, Math.ceil(Number.isFinite(mebibytes) ? mebibytes : 1))})`);
}

/** What a shape asks for, in words. */
function expected(shape: PropShape): string {
  switch (shape.kind) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'object': return 'an object';
    case 'any': return 'any value';
    case 'enum': return `one of ${shape.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'instance': return `${article(shape.name)} ${shape.name}`;
    case 'struct': return `an object of ${shape.name}`;
    case 'array': return `an array of ${expected(shape.of).replace(/^an? /, '')}s`;
    case 'map': return `an object mapping names to ${expected(shape.of).replace(/^an? /, '')}s`;
  }
}

/** What a value is, in words. */
function describe(value: unknown): string {
  if (value === undefined) return 'not set';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    return ctor && ctor !== Object ? `${article(ctor.name)} ${ctor.name}` : 'an object';
  }
  return `${article(typeof value)} ${typeof value}`;
}

function article(word: string): string {
  return /^[AEIOUaeiou]/.test(word) ? 'an' : 'a';
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field name closest to a misspelled one, if any is close. */
function nearest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Checks `props` against `struct` and throws every type problem at once, before any other check reads a value of
 * the wrong type.
 *
 * @internal
 */
export function assertPropTypes(errors: PropErrors, props: unknown, struct: string, handled: readonly string[] = []): void {
  if (!checkPropTypes(errors, props, struct, '', handled)) {
    errors.throwIfAny();
  }
}
