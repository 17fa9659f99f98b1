import { Chart, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { _renderChart } from './_gitops';
import { Environment } from './environment';
import { PARITY_KNOB_PATHS, PARITY_TOKENS } from './environment-defaults';
import { propsError } from '../internal/errors';
import { PROFILE_ANNOTATION } from '../rules';

/**
 * A group of fields that may differ between two environments that must otherwise be identical (staging and prod).
 *
 * @see https://12factor.net/dev-prod-parity
 */
export enum ParityKnob {
  /** `spec.replicas` of Deployments, StatefulSets, ReplicaSets and Rollouts. */
  REPLICAS = 'replicas',
  /** `spec.minReplicas` and `spec.maxReplicas` of HorizontalPodAutoscalers. */
  AUTOSCALING_BOUNDS = 'autoscaling-bounds',
  /** Container (and init container) resources, emptyDir size limits, volume claim sizes, quotas and limit ranges. */
  RESOURCES = 'resources',
  /** Hostnames of Ingresses, HTTPRoutes, GRPCRoutes, Gateway listeners and Certificates. */
  HOSTNAMES = 'hostnames',
  /** Names of referenced Secrets (env, volumes, TLS, image pull), external secret keys and sealed secret data. */
  SECRET_REFERENCES = 'secret-references',
  /** Rollout canary pause durations and blue/green auto-promotion delays. */
  PAUSE_DURATIONS = 'pause-durations',
  /** AnalysisTemplate metric `interval` and `initialDelay`. */
  ANALYSIS_TIMING = 'analysis-timing',
  /** The Prometheus address of AnalysisTemplate metrics. */
  PROMETHEUS_ADDRESS = 'prometheus-address',
  /**
   * The pods' `priorityClassName`: the profiles' defaults schedule staging below prod (`platform-default` and
   * `platform-high`, the library's own defaults, see `lib/defaults.ts`).
   */
  PRIORITY_CLASS = 'priority-class',
}

/**
 * What may differ between two environments compared by `EnvironmentParity`.
 */
export interface EnvironmentParityOptions {
  /**
   * The knobs that may differ.
   *
   * @default - every knob of `ParityKnob`
   */
  readonly allow?: ParityKnob[];

  /**
   * More fields that may differ, as `Kind:path` patterns: `Deployment:spec.template.metadata.annotations.*`,
   * `*:**.env[*].value` (`*` any kind or one segment, `**` any number of segments, `[*]` any array index).
   *
   * @default - none
   */
  readonly allowPaths?: string[];
}

/**
 * One difference between two environments outside the allow-list.
 */
export interface ParityDifference {
  /** The object, as `Kind namespace/name` (environment-specific names replaced by a token). */
  readonly objectName: string;
  /** The field, as `spec.template.spec.containers[0].image`; empty when the whole object is missing on one side. */
  readonly path: string;
  /** The value in the first environment, as JSON (`absent` when missing). */
  readonly firstValue: string;
  /** The value in the second environment, as JSON (`absent` when missing). */
  readonly secondValue: string;
}

/**
 * The result of comparing two environments.
 */
export class ParityReport {
  /**
   * @param firstName the first environment's name
   * @param secondName the second environment's name
   * @param differences the differences outside the allow-list, sorted by object and path
   */
  public constructor(
    /** The first environment's name. */
    public readonly firstName: string,
    /** The second environment's name. */
    public readonly secondName: string,
    /** The differences outside the allow-list, sorted by object and path. */
    public readonly differences: ParityDifference[],
  ) {}

  /** True when no field outside the allow-list differs. */
  public get passed(): boolean {
    return this.differences.length === 0;
  }

  /** The differences, one per line: object, field, both values. */
  public toString(): string {
    if (this.passed) {
      return `'${this.firstName}' and '${this.secondName}' differ only in allow-listed fields`;
    }
    const lines = this.differences.map((d) => `  - ${d.objectName}${d.path === '' ? '' : ` ${d.path}`}: ${this.firstName}=${d.firstValue}, ${this.secondName}=${d.secondValue}`);
    return `'${this.firstName}' and '${this.secondName}' differ in ${this.differences.length} field(s) outside the allow-list:\n${lines.join('\n')}`;
  }
}

/**
 * Compares the synthesized output of two environments object by object, field by field, and reports every
 * difference outside an allow-list of knobs (replicas, autoscaling bounds, resources, hostnames, secret
 * references, ...): the proof that staging is a replica of prod.
 *
 * Objects are matched by apiVersion, kind, namespace and name after the environment-specific values are replaced by
 * tokens: the environment's namespace, its profile stamp, and (for charts) names cdk8s derives from construct paths
 * (object names, `cdk8s.io/metadata.addr` selectors), which differ because the charts do.
 *
 * Call it in your own jest suites (`EnvironmentParity.assert(staging, prod)`), or use the matcher
 * `expect(staging).toHaveParityWith(prod)` of `@platform/cdk8s-production/testing`. `Environments` runs it on its
 * staging and prod environments when the app is synthesized.
 *
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [
 *     { tier: EnvironmentTier.STAGING, cluster: { name: 'staging' }, namespaceName: 'web' },
 *     { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' },
 *   ],
 * });
 * EnvironmentParity.assert(web.environment('staging'), web.environment('prod'), { allow: [ParityKnob.REPLICAS] });
 */
export class EnvironmentParity {
  /**
   * Compares two charts (usually two `Environment`s).
   *
   * @param first the first chart (staging)
   * @param second the second chart (prod)
   * @param options what may differ
   */
  public static compare(first: Chart, second: Chart, options: EnvironmentParityOptions = {}): ParityReport {
    for (const [what, c] of [['first', first], ['second', second]] as const) {
      if (!Chart.isChart(c)) {
        throw propsError(`EnvironmentParity.compare: '${what}' is ${c === null ? 'null' : typeof c}, not a cdk8s Chart. Fix: pass two charts (e.g. two Environments)`);
      }
    }
    return EnvironmentParity._compare(
      { name: nameOf(first), objects: _renderChart(first), tokens: tokensOf(first), namespace: first.namespace },
      { name: nameOf(second), objects: _renderChart(second), tokens: tokensOf(second), namespace: second.namespace },
      options);
  }

  /**
   * Compares two sets of synthesized manifests (read back from `deploy/<env>/<app>/`, say).
   *
   * @param first the first environment's objects
   * @param second the second environment's objects
   * @param options what may differ
   * @param firstNamespace the first environment's namespace, replaced by a token before comparing
   * @param secondNamespace the second environment's namespace
   */
  public static compareManifests(first: any[], second: any[], options: EnvironmentParityOptions = {},
    firstNamespace?: string, secondNamespace?: string): ParityReport {
    return EnvironmentParity._compare(
      { name: firstNamespace ?? 'first', objects: first, tokens: new Map(), namespace: firstNamespace },
      { name: secondNamespace ?? 'second', objects: second, tokens: new Map(), namespace: secondNamespace },
      options);
  }

  /**
   * Throws an error listing every difference outside the allow-list (object, field, both values).
   *
   * @param first the first chart (staging)
   * @param second the second chart (prod)
   * @param options what may differ
   */
  public static assert(first: Chart, second: Chart, options: EnvironmentParityOptions = {}): void {
    const report = EnvironmentParity.compare(first, second, options);
    if (!report.passed) {
      throw new Error(report.toString());
    }
  }

  /** @internal */
  public static _compare(first: Side, second: Side, options: EnvironmentParityOptions): ParityReport {
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
    return new ParityReport(first.name, second.name, differences);
  }
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

function nameOf(chart: Chart): string {
  return Environment.isEnvironment(chart) ? chart.environmentName : chart.node.id;
}

/** The environment-specific strings of a chart: its namespace and the names cdk8s derives from construct paths. */
function tokensOf(chart: Chart): Map<string, string> {
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
  const knobs = options.allow ?? Object.values(ParityKnob);
  const texts: string[] = [];
  const problems: string[] = [];
  for (const knob of knobs) {
    const paths = PARITY_KNOB_PATHS[knob as string];
    if (paths === undefined) {
      problems.push(`'allow' holds ${JSON.stringify(knob)}, which is not a ParityKnob (use ${Object.keys(ParityKnob).map((k) => `ParityKnob.${k}`).join(', ')})`);
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

/** The patterns of a set of options, checked; for constructs that validate options at construction. @internal */
export function _checkParityOptions(options: EnvironmentParityOptions): string[] {
  try {
    allowPatterns(options);
    return [];
  } catch (e) {
    return (e as Error).message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''));
  }
}
