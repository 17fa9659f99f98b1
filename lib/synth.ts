import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Names, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DEFAULT_SCALAR_STYLE_RULES, dump as dumpJsYaml, SCALAR_STYLE, ScalarLayout } from 'js-yaml';
import { _deferConstructPaths, constructPathKey } from './internal/app-checks';
import { Cdk8sYaml } from './internal/cdk8s-yaml';
import { constructOrder } from './internal/construct-order';
import { PropErrors } from './internal/errors';
import { ObjectJson } from './internal/object-json';
import { assertPropTypes } from './internal/prop-types';

/**
 * Which YAML emitter writes the manifests.
 */
export class YamlEmitter {
  /**
   * The `yaml` package (cdk8s's own copy), with the options cdk8s's `Yaml.stringify` passes: the files
   * are byte-identical to `app.synth()`'s.
   *
   * It also tells the package to skip its search for `%TAG` directives, a walk over every document
   * that with these options never finds one; that only happens when the installed cdk8s is checked
   * to render the same bytes without the walk, otherwise `Yaml.stringify` itself is called.
   */
  public static readonly CDK8S = new YamlEmitter('cdk8s');

  /**
   * The `js-yaml` package (2-3x faster than the `yaml` package on manifests), set to write what the
   * `yaml` package writes: double quotes where a string needs quotes, single quotes for a one-line
   * string holding a double quote, no line folding, no anchors.
   *
   * The `yaml` parser (YAML 1.1, as cdk8s loads manifests) reads its files back to the same objects
   * as `app.synth()`'s, and on the benchmark's apps and all examples but one they are byte-identical.
   * It writes a few rare scalars differently: it quotes the strings `=` (an Alertmanager `matchType`,
   * which PyYAML cannot load unquoted), `<<` and `0o17`, escapes a tab, a no-break space or a line
   * separator, and writes `-0` and numbers with an exponent in another form; a pipeline that diffs
   * YAML text may see those once.
   */
  public static readonly JS_YAML = new YamlEmitter('js-yaml');

  private constructor(
    /** The emitter's name, as it appears in error messages. */
    public readonly name: string,
  ) {}

  /**
   * Renders documents as one multi-document YAML text.
   *
   * @internal
   */
  public _stringify(docs: readonly unknown[]): string {
    if (this === YamlEmitter.JS_YAML) {
      // The same document separator and empty-document rendering as cdk8s's Yaml.stringify.
      return docs.map((d) => (d === undefined ? '\n' : dumpJsYaml(d, JS_YAML_OPTIONS))).join('---\n');
    }
    return Cdk8sYaml.stringify(docs);
  }
}

/**
 * The `yaml` package single-quotes a one-line string that holds a double quote and no single quote
 * (a JSON value in an annotation, say); js-yaml would double-quote and escape it.
 */
function singleQuoteLikeYaml(layout: ScalarLayout): void {
  const value = layout.node.value;
  if (layout.style === SCALAR_STYLE.DOUBLE_QUOTED && value.includes('"') && !value.includes('\'') && !/[\n\t]/.test(value)
    && (layout.allowedStylesMask & (1 << SCALAR_STYLE.SINGLE_QUOTED)) !== 0) {
    layout.style = SCALAR_STYLE.SINGLE_QUOTED;
  }
}

const JS_YAML_OPTIONS = {
  lineWidth: -1,
  noRefs: true,
  quoteStyle: 'double',
  scalarStyleRules: [...Object.values(DEFAULT_SCALAR_STYLE_RULES), singleQuoteLikeYaml],
} as const;

/**
 * Options of `Synth.app` and `Synth.appYaml`.
 */
export interface SynthOptions {
  /**
   * How the manifests are written as YAML.
   *
   * @default YamlEmitter.CDK8S - byte-identical to `app.synth()`
   */
  readonly yamlEmitter?: YamlEmitter;
}

/**
 * The manifests of one chart, in the order `app.synth()` writes them.
 */
export interface ChartManifests {
  /** The chart. */
  readonly chart: Chart;
  /** Its objects as Kubernetes JSON, in dependency order. */
  readonly objects: any[];
}

/**
 * Synthesizes every chart of an app to its output folder: a drop-in for `app.synth()` whose cost
 * grows linearly with the number of charts.
 *
 * `app.synth()` resolves dependencies and validates the whole app once for every chart it renders,
 * so an app of many small charts (a chart per app or per team) costs quadratic time. This function
 * runs the same steps once: it validates every construct (the same `node.validate()` calls, and the
 * same error), infers the same chart and object dependencies, orders charts and objects as cdk8s
 * does, and writes the same files (`app.outdir`, `app.yamlOutputType`, `app.outputFileExtension`,
 * `construct-metadata.json` when `app.recordConstructMetadata` is set). With the default emitter
 * every file is byte-identical to what `app.synth()` writes.
 *
 * A chart that overrides `toJson()` is rendered through its override, as `app.synth()` does.
 *
 * Use it in the app that `cdk8s synth` runs (`app:` in `cdk8s.yaml`): replace `app.synth()` with
 * `Synth.app(app)`.
 *
 * @param app the app to synthesize
 * @param options how to write the manifests
 */
function synthApp(app: App, options: SynthOptions = {}): void {
  const emitter = emitterOf('Synth.app', app, options);
  fs.mkdirSync(app.outdir, { recursive: true });
  const session = new SynthSession(app);
  session.validate();
  const hasDependantCharts = session.resolveDependencies();
  ObjectJson.during(app, () => {
    writeCharts(app, session, emitter, hasDependantCharts);
    session.writeConstructPaths();
  });
}

/** Writes the charts' files as `app.synth()` does, after validation and dependency resolution. */
function writeCharts(app: App, session: SynthSession, emitter: YamlEmitter, hasDependantCharts: boolean): void {
  const charts = session.charts();
  const write = (file: string, docs: readonly unknown[]) => fs.writeFileSync(file, emitter._stringify(docs), { encoding: 'utf8' });
  const ext = app.outputFileExtension;

  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP: {
      const docs = charts.flatMap((chart) => session.chartJson(chart));
      if (charts.length > 0) {
        write(path.join(app.outdir, `app${ext}`), docs);
      }
      break;
    }
    case YamlOutputType.FILE_PER_CHART: {
      const name = chartNamer(hasDependantCharts);
      for (const chart of charts) {
        write(path.join(app.outdir, name(chart) + ext), session.chartJson(chart));
      }
      break;
    }
    case YamlOutputType.FILE_PER_RESOURCE:
      for (const chart of charts) {
        for (const json of session.chartJson(chart)) {
          if (json !== undefined) {
            write(path.join(app.outdir, resourceFileName(json.kind, json.metadata.name) + ext), [json]);
          }
        }
      }
      break;
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
      const name = chartNamer(hasDependantCharts);
      for (const chart of charts) {
        const folder = path.join(app.outdir, name(chart));
        fs.mkdirSync(folder, { recursive: true });
        for (const obj of session.chartObjects(chart)) {
          write(path.join(folder, resourceFileName(obj.kind, String(obj.metadata.name)) + ext), [session.objectJson(obj)]);
        }
      }
      break;
    }
    default:
      break;
  }

  if (recordsConstructMetadata(app)) {
    const resources: Record<string, { path: string }> = {};
    // The charts again, as cdk8s lists them again after rendering.
    for (const obj of session.charts().flatMap((chart) => session.chartObjects(chart))) {
      resources[obj.name] = { path: obj.node.path };
    }
    fs.writeFileSync(path.join(app.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
  }
}

/**
 * Synthesizes an app into one YAML text, as `app.synthYaml()` does, in time linear in the number of
 * charts and objects.
 *
 * @param app the app to synthesize
 * @param options how to write the manifests
 * @returns every object of every chart, in `app.synthYaml()`'s order, separated by `---`
 */
function synthAppYaml(app: App, options: SynthOptions = {}): string {
  const emitter = emitterOf('Synth.appYaml', app, options);
  return emitter._stringify(synthAppManifests(app).flatMap((c) => c.objects));
}

/**
 * Synthesizes an app into Kubernetes JSON, chart by chart, in time linear in the number of charts
 * and objects: what `app.synth()` would write, before YAML. Feed `objects` to `RulePack.check` to
 * judge an app without writing files.
 *
 * @param app the app to synthesize
 * @returns one entry per chart, in the order `app.synth()` writes the charts
 */
function synthAppManifests(app: App): ChartManifests[] {
  checkApp('Synth.appManifests', app);
  const session = new SynthSession(app);
  session.resolveDependencies();
  session.validate();
  return ObjectJson.during(app, () => {
    const manifests = session.charts().map((chart) => ({ chart, objects: session.chartJson(chart) }));
    session.writeConstructPaths();
    return manifests;
  });
}

/**
 * Linear-time synthesis of a cdk8s app: drop-in replacements for `app.synth()` and
 * `app.synthYaml()`, and the manifests as JSON.
 *
 * @example
 * const app = new App();
 * const chart = new Chart(app, 'prod');
 * new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 * Synth.app(app);
 */
export class Synth {
  /**
   * Synthesizes every chart of an app to its output folder: a drop-in for `app.synth()` whose cost
   * grows linearly with the number of charts.
   *
   * `app.synth()` resolves dependencies and validates the whole app once for every chart it renders,
   * so an app of many small charts (a chart per app or per team) costs quadratic time. This function
   * runs the same steps once: it validates every construct (the same `node.validate()` calls, and the
   * same error), infers the same chart and object dependencies, orders charts and objects as cdk8s
   * does, and writes the same files (`app.outdir`, `app.yamlOutputType`, `app.outputFileExtension`,
   * `construct-metadata.json` when `app.recordConstructMetadata` is set). With the default emitter
   * every file is byte-identical to what `app.synth()` writes.
   *
   * A chart that overrides `toJson()` is rendered through its override, as `app.synth()` does.
   *
   * Use it in the app that `cdk8s synth` runs (`app:` in `cdk8s.yaml`): replace `app.synth()` with
   * `Synth.app(app)`.
   *
   * @param app the app to synthesize
   * @param options how to write the manifests
   */
  public static app(app: App, options: SynthOptions = {}): void {
    synthApp(app, options);
  }

  /**
   * Synthesizes an app into one YAML text, as `app.synthYaml()` does, in time linear in the number of
   * charts and objects.
   *
   * @param app the app to synthesize
   * @param options how to write the manifests
   * @returns every object of every chart, in `app.synthYaml()`'s order, separated by `---`
   */
  public static appYaml(app: App, options: SynthOptions = {}): string {
    return synthAppYaml(app, options);
  }

  /**
   * Synthesizes an app into Kubernetes JSON, chart by chart, in time linear in the number of charts
   * and objects: what `app.synth()` would write, before YAML. Feed `objects` to `RulePack.check` to
   * judge an app without writing files.
   *
   * @param app the app to synthesize
   * @returns one entry per chart, in the order `app.synth()` writes the charts
   */
  public static appManifests(app: App): ChartManifests[] {
    return synthAppManifests(app);
  }

  private constructor() {}
}

/** Checks what a JavaScript caller passed, and returns the emitter to use. */
function emitterOf(fn: string, app: App, options: SynthOptions): YamlEmitter {
  checkApp(fn, app);
  assertPropTypes(new PropErrors(app, fn), options, 'SynthOptions');
  return options.yamlEmitter ?? YamlEmitter.CDK8S;
}

function checkApp(fn: string, app: unknown): void {
  if (!(app instanceof App)) {
    const what = app instanceof Chart ? `the chart '${app.node.path}'` : `${app === null ? 'null' : typeof app}`;
    throw new Error(`${fn}: 'app' (${what}) is not a cdk8s App. Fix: pass the App that holds the charts (new App()), as app.synth() is called on it`);
  }
}

/**
 * One synthesis: the work cdk8s repeats for every chart (`App._synthChart`), done once.
 */
class SynthSession {
  private readonly all = new Map<IConstruct, IConstruct[]>();
  /** The key in `production-construct-paths.json` of every object rendered so far. */
  private readonly pathKeys = new Map<ApiObject, string>();
  private prepared = false;
  private constructPaths?: (rendered: ReadonlyMap<ApiObject, string>) => void;

  constructor(private readonly app: App) {}

  /**
   * Runs every construct's validations once; throws cdk8s's message when any fails. The library's
   * `production-construct-paths.json` is written later, by `writeConstructPaths`.
   */
  public validate(): void {
    this.constructPaths = _deferConstructPaths(this.app, () => {
      const errors: string[] = [];
      for (const c of this.descendants(this.app)) {
        for (const error of c.node.validate()) {
          errors.push(`[${c.node.path}] ${error}`);
        }
      }
      if (errors.length > 0) {
        throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
      }
    });
  }

  /**
   * Writes `production-construct-paths.json` when the validation would have, with the keys of the
   * objects as they were rendered (an object not rendered yet is rendered now), so that no object is
   * rendered twice.
   */
  public writeConstructPaths(): void {
    this.constructPaths?.(this.pathKeys);
  }

  /** An object as JSON, noting its key for `production-construct-paths.json` (the JSON itself is not kept). */
  public objectJson(obj: ApiObject): any {
    const json = obj.toJson();
    this.pathKeys.set(obj, constructPathKey(json));
    return json;
  }

  /**
   * Turns construct dependencies into chart and object dependencies, as cdk8s does before it renders
   * a chart. Adding a dependency twice is a no-op, so the result is the same however often it runs.
   *
   * @returns whether any chart depends on another (the file names then carry an index)
   */
  public resolveDependencies(): boolean {
    let dependantCharts = false;
    const isChart = (c: IConstruct): c is Chart => c instanceof Chart;
    // A chart depends on the charts nested in it.
    for (const parent of this.descendants(this.app).filter(isChart)) {
      for (const child of parent.node.children.filter(isChart)) {
        parent.node.addDependency(child);
        dependantCharts = true;
      }
    }
    // A dependency between constructs of two charts makes the charts depend on each other...
    for (const [source, target] of this.dependencies()) {
      const sourceChart = Chart.of(source);
      const targetChart = Chart.of(target);
      if (sourceChart !== targetChart) {
        sourceChart.node.addDependency(targetChart);
        dependantCharts = true;
      }
    }
    // ...and every object under the source on every object under the target (the chart edges just
    // added included).
    for (const [source, target] of this.dependencies()) {
      const sourceObjects = this.ownObjects(source);
      for (const t of this.ownObjects(target)) {
        for (const s of sourceObjects) {
          if (t !== s) {
            s.node.addDependency(t);
          }
        }
      }
    }
    this.prepared = true;
    return dependantCharts;
  }

  /** A chart's objects as JSON, as `chart.toJson()` returns them. */
  public chartJson(chart: Chart): any[] {
    if (!this.prepared) {
      throw new Error(`SynthSession: resolveDependencies() must run before rendering chart '${chart.node.path}'`);
    }
    // A chart class may render itself differently; respect it, at cdk8s's price.
    if (chart.toJson !== Chart.prototype.toJson) {
      return Object.values(chart.toJson());
    }
    return this.chartObjects(chart).map((obj) => this.objectJson(obj));
  }

  /** The app's charts, in `app.charts`' order. */
  public charts(): Chart[] {
    if (!this.prepared) {
      throw new Error(`SynthSession: resolveDependencies() must run before the charts of app '${this.app.node.path}' are ordered`);
    }
    // Walked afresh, as cdk8s does: a validation or a producer may have added constructs.
    return constructOrder(this.app).filter((c): c is Chart => c instanceof Chart);
  }

  /** A chart's own objects (not those of nested charts), in dependency order, as cdk8s renders them. */
  public chartObjects(chart: Chart): ApiObject[] {
    return constructOrder(chart).filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  }

  /** Every construct under `scope`, itself first (pre-order), computed once per scope. */
  private descendants(scope: IConstruct): IConstruct[] {
    let found = this.all.get(scope);
    if (!found) {
      found = scope.node.findAll();
      this.all.set(scope, found);
    }
    return found;
  }

  /** Every construct dependency in the app, as [source, target]. */
  private dependencies(): Array<[IConstruct, IConstruct]> {
    const deps: Array<[IConstruct, IConstruct]> = [];
    for (const c of this.descendants(this.app)) {
      for (const d of c.node.dependencies) {
        deps.push([c, d]);
      }
    }
    return deps;
  }

  /** The API objects under `scope` that belong to the same chart as `scope`. */
  private ownObjects(scope: IConstruct): ApiObject[] {
    const chart = Chart.of(scope);
    return this.descendants(scope).filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  }
}

/**
 * `App.recordConstructMetadata` (from the app's props or CDK8S_RECORD_CONSTRUCT_METADATA) is private
 * in cdk8s; `app.synth()` reads it, so a drop-in must too.
 */
function recordsConstructMetadata(app: App): boolean {
  const value = (app as unknown as { recordConstructMetadata?: unknown }).recordConstructMetadata;
  if (typeof value !== 'boolean') {
    throw new Error(`Synth.app: cannot tell whether app '${app.node.path}' records construct metadata (cdk8s's App.recordConstructMetadata is ${typeof value}, expected boolean): this cdk8s version is not supported, call app.synth() instead`);
  }
  return value;
}

/** cdk8s's chart file and folder names: prefixed with a running index when charts depend on each other. */
function chartNamer(indexed: boolean): (chart: Chart) => string {
  let index = 0;
  return (chart) => {
    const name = Names.toDnsLabel(chart);
    return indexed ? `${String(index++).padStart(4, '0')}-${name}` : name;
  };
}

function resourceFileName(kind: string, name: string): string {
  return `${kind}.${name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}
