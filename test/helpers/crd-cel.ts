/**
 * Evaluates the CEL rules (`x-kubernetes-validations`) of the imported CRD schemas against synthesized objects, as the
 * API server does after defaulting: the schema helper (ajv) checks the structure, this checks the rules (unique
 * listener names, path characters, timeouts, filter combinations, ...).
 *
 * The schemas are the committed `imports/schemas/crds.json`; the rules run with @bufbuild/cel. Transition rules
 * (`oldSelf`) are skipped: there is no old object at create time.
 *
 * @example
 *   expect(celViolations(Testing.synth(chart)).violations).toEqual([]);
 */
import * as fs from 'fs';
import * as path from 'path';
import { run } from '@bufbuild/cel';
import { SCHEMA_DIR } from './schema';

type Schema = { [keyword: string]: any };

const CRDS: { [gvk: string]: { schema: Schema } } = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'crds.json'), 'utf8'));

/** Property names Kubernetes escapes in CEL (reserved words), as `__name__`. */
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** The escaped name of a property, as the Kubernetes CEL environment exposes it. */
function escaped(name: string): string {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/** A JSON value as CEL sees it: objects as maps (with escaped keys), whole numbers as ints. */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [escaped(k), toCel(v)]));
  }
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

/** Applies the schema's defaults, as the API server does before validating. */
function withDefaults(schema: Schema, value: any): any {
  if (Array.isArray(value)) {
    return schema.items ? value.map((v) => withDefaults(schema.items, v)) : value;
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const out: any = { ...value };
  for (const [name, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    if (out[name] === undefined && prop.default !== undefined) {
      out[name] = JSON.parse(JSON.stringify(prop.default));
    }
    if (out[name] !== undefined) {
      out[name] = withDefaults(prop, out[name]);
    }
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const name of Object.keys(out)) {
      if (!(name in (schema.properties ?? {}))) out[name] = withDefaults(schema.additionalProperties, out[name]);
    }
  }
  return out;
}

function walk(schema: Schema, value: any, where: string, out: { violations: string[]; evaluated: number }): void {
  if (value === undefined) return;
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    if (String(v.rule).includes('oldSelf')) continue;
    out.evaluated++;
    let result: unknown;
    try {
      result = run(v.rule, { self: toCel(value) as any });
    } catch (e) {
      result = `error: ${(e as Error).message}`;
    }
    if (result !== true) out.violations.push(`${where}: ${v.message ?? v.rule}${result === false ? '' : ` (${String(result)})`}`);
  }
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => walk(schema.items, item, `${where}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [name, prop] of Object.entries<Schema>(schema.properties ?? {})) {
    walk(prop, value[name], `${where}.${name}`, out);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const name of Object.keys(value).filter((n) => !(n in (schema.properties ?? {})))) {
      walk(schema.additionalProperties, value[name], `${where}.${name}`, out);
    }
  }
}

/**
 * Every CEL rule violation of the objects that have an imported CRD schema, as `<Kind>/<name> <path>: <message>`, and
 * how many rules were evaluated (so that a test can prove it checked something).
 */
export function celViolations(objects: any[]): { violations: string[]; evaluated: number } {
  const out = { violations: [] as string[], evaluated: 0 };
  for (const o of objects) {
    const crd = CRDS[`${o.apiVersion}/${o.kind}`];
    if (crd === undefined) continue;
    walk(crd.schema, withDefaults(crd.schema, o), `${o.kind}/${o.metadata?.name}`, out);
  }
  return out;
}
