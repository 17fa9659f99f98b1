import { Chart, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PARITY_KNOB_PATHS, PARITY_TOKENS } from './environment-defaults';
import type { EnvironmentParityOptions, ParityDifference } from './environment-parity';
import { propsError } from '../internal/errors';
import { PROFILE_ANNOTATION } from '../rules/exemptions';

// The engine of EnvironmentParity: normalization, matching, the field diff and the allow-list patterns.

/**
 * Compares two sides object by object, field by field.
 *
 * @internal
 */
export function _compareSides(first: Side, second: Side, options: EnvironmentParityOptions): { differences: ParityDifference[] } {
  const patterns = allowPatterns(options);
  const a = indexObjects(first);
  const b = indexObjects(second);
  const differences: ParityDifference[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === undefined || y === undefined) {
      differences.push({ objectName: key, path: '', firstValue: x === undefined ? 'absent' : 'present', secondValue: y === undefined ? 'absent' : 'present' });
      continue;
    }
    const kind = String(x.kind);
    diff(x, y, [], (path, u, v) => {
      if (!patterns.some((p) => p.matches(kind, path))) {
        differences.push({ objectName: key, path: renderPath(path), firstValue: renderJson(u), secondValue: renderJson(v) });
      }
    });
  }
  return { differences };
}

/** One side of a comparison: its objects and what to replace in them. @internal */
export interface Side {
  readonly name: string;
  readonly objects: readonly any[];
  /** Exact string values to replace, with their tokens. */
  readonly tokens: Map<string, string>;
  /** The environment's namespace, replaced where a namespace is expected. */
  readonly namespace?: string;
}

/** The environment-specific strings of a chart: its namespace and the names cdk8s derives from construct paths. */
export function _tokensOf(chart: Chart): Map<string, string> {
  const tokens = new Map<string, string>();
  const base = chart.node.path === '' ? 0 : chart.node.path.split('/').length;
  for (const c of chart.node.findAll()) {
    const rel = c.node.path.split('/').slice(base).join('/');
    const token = PARITY_TOKENS.constructName(rel);
    for (const name of derivedNames(c)) {
      if (!tokens.has(name)) {
        tokens.set(name, token);
      }
    }
  }
  return tokens;
}

function derivedNames(c: IConstruct): string[] {
  if (c.node.path === '') {
    return [];
  }
  const out: string[] = [];
  for (const f of [() => Names.toDnsLabel(c), () => Names.toLabelValue(c)]) {
    try {
      out.push(f());
    } catch {
      // a path cdk8s cannot turn into a name has no derived name to replace
    }
  }
  return out;
}

function indexObjects(side: Side): Map<string, any> {
  const out = new Map<string, any>();
  for (const raw of side.objects) {
    if (raw === null || typeof raw !== 'object') {
      continue;
    }
    const obj = normalize(raw, side);
    const ns = obj.metadata?.namespace;
    const key = `${obj.apiVersion} ${obj.kind} ${ns === undefined ? '' : `${ns}/`}${obj.metadata?.name}`;
    out.set(key, obj);
  }
  return out;
}

/**
 * A deep copy with the environment-specific values replaced: the profile stamp, the namespace where a namespace is
 * expected (`namespace` fields, the `kubernetes.io/metadata.name` label, `namespaces` lists) and names derived
 * from construct paths anywhere.
 */
function normalize(value: any, side: Side, path: readonly string[] = []): any {
  if (typeof value === 'string') {
    if (path.length === 3 && path[0] === 'metadata' && path[1] === 'annotations' && path[2] === PROFILE_ANNOTATION) {
      return PARITY_TOKENS.profile;
    }
    const last = path[path.length - 1] ?? '';
    const inNamespaces = path.length >= 2 && path[path.length - 2] === 'namespaces';
    if (side.namespace !== undefined && value === side.namespace
      && (last === 'namespace' || last === NAMESPACE_NAME_LABEL || inNamespaces)) {
      return PARITY_TOKENS.namespace;
    }
    return side.tokens.get(value) ?? value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => normalize(v, side, [...path, `[${i}]`]));
  }
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: any } = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = normalize(v, side, [...path, k]);
    }
    return out;
  }
  return value;
}

/** The label every namespace carries with its own name (NetworkPolicy namespace selectors use it). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Calls `report` for every leaf where the two values differ. */
function diff(a: any, b: any, path: string[], report: (path: string[], a: any, b: any) => void): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      diff(a[i], b[i], [...path, `[${i}]`], report);
    }
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      diff(a[k], b[k], [...path, k], report);
    }
    return;
  }
  if (a === undefined && b !== undefined && (isObject(b) || Array.isArray(b))) {
    // report each leaf of a subtree present on one side only, so a pattern can allow it field by field
    diff(Array.isArray(b) ? [] : {}, b, path, (p, _x, y) => report(p, undefined, y));
    return;
  }
  if (b === undefined && a !== undefined && (isObject(a) || Array.isArray(a))) {
    diff(a, Array.isArray(a) ? [] : {}, path, (p, x) => report(p, x, undefined));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    report(path, a, b);
  }
}

function isObject(x: unknown): x is { [key: string]: any } {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function renderPath(path: readonly string[]): string {
  let out = '';
  for (const s of path) {
    if (s.startsWith('[')) {
      out += s;
    } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) {
      out += out === '' ? s : `.${s}`;
    } else {
      out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

function renderJson(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}

/** A compiled `Kind:path` pattern. */
class PathPattern {
  public static parse(text: string): PathPattern | string {
    const colon = text.indexOf(':');
    if (colon <= 0 || colon === text.length - 1) {
      return `'${text}' is not a 'Kind:path' pattern (e.g. 'Deployment:spec.replicas' or '*:**.env[*].value')`;
    }
    const kind = text.slice(0, colon);
    const segments = tokenize(text.slice(colon + 1));
    if (segments === undefined || segments.length === 0) {
      return `'${text}' has an invalid path (segments separated by '.', array indexes as [0] or [*], keys with dots as ["app.kubernetes.io/name"])`;
    }
    return new PathPattern(kind, segments);
  }

  private constructor(private readonly kind: string, private readonly segments: readonly string[]) {}

  public matches(kind: string, path: readonly string[]): boolean {
    return (this.kind === '*' || this.kind === kind) && match(this.segments, 0, path, 0);
  }
}

/** The segments of a path pattern, as `diff` names them (`[0]` for an index); undefined when it does not parse. */
function tokenize(path: string): string[] | undefined {
  const out: string[] = [];
  const re = /\.?([^.[\]"]+)|\[(\*|\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let i = 0;
  while (i < path.length) {
    re.lastIndex = i;
    const m = re.exec(path);
    if (m === null) {
      return undefined;
    }
    out.push(m[1] ?? (m[2] !== undefined ? `[${m[2]}]` : JSON.parse(`"${m[3]}"`)));
    i = re.lastIndex;
  }
  return out;
}

function match(p: readonly string[], i: number, path: readonly string[], j: number): boolean {
  if (i === p.length) {
    return j === path.length;
  }
  if (p[i] === '**') {
    for (let k = j; k <= path.length; k++) {
      if (match(p, i + 1, path, k)) {
        return true;
      }
    }
    return false;
  }
  if (j === path.length) {
    return false;
  }
  const s = p[i];
  const ok = s === path[j] || (s === '*' && !path[j].startsWith('[')) || (s === '[*]' && path[j].startsWith('['));
  return ok && match(p, i + 1, path, j + 1);
}

function allowPatterns(options: EnvironmentParityOptions): PathPattern[] {
  const knobs: string[] = options.allow ?? Object.keys(PARITY_KNOB_PATHS);
  const texts: string[] = [];
  const problems: string[] = [];
  for (const knob of knobs) {
    const paths = PARITY_KNOB_PATHS[knob as string];
    if (paths === undefined) {
      problems.push(`'allow' holds ${JSON.stringify(knob)}, which is not a ParityKnob (use one of ${Object.keys(PARITY_KNOB_PATHS).map((k) => `'${k}'`).join(', ')})`);
    } else {
      texts.push(...paths);
    }
  }
  texts.push(...(options.allowPaths ?? []));
  const out: PathPattern[] = [];
  for (const t of texts) {
    const p = typeof t === 'string' ? PathPattern.parse(t) : `'allowPaths' holds ${JSON.stringify(t)}, not a string`;
    if (typeof p === 'string') {
      problems.push(p);
    } else {
      out.push(p);
    }
  }
  if (problems.length > 0) {
    throw propsError(`EnvironmentParity: invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return out;
}

/**
 * The problems of a set of options, for constructs that validate options at construction.
 *
 * @internal
 */
export function _checkParityOptions(options: EnvironmentParityOptions): string[] {
  try {
    allowPatterns(options);
    return [];
  } catch (e) {
    return (e as Error).message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
  }
}
