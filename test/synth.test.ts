import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { ProductionApp, Profile, SynthOptions, YamlEmitter, Synth } from '../lib';
import { readQuickly } from '../lib/cli/_quick-yaml';
import { readExactly, readYaml } from '../lib/cli/load';

const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');
const examples = fs.readdirSync(EXAMPLES_DIR).filter((n) => fs.existsSync(path.join(EXAMPLES_DIR, n, 'main.ts'))).sort();

/** Every file under `dir` (relative path -> text), sorted by path. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p); else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `synth-${name}-`));
}

/**
 * Runs an example as `cdk8s synth` runs it and returns its files. An example may call `app.synth()`
 * or `Synth.app(app)`; both are routed to one implementation: cdk8s's own `app.synth()` when
 * `options` is undefined, `Synth.app(app, options)` otherwise. Both are taken from the example's
 * module registry, so that `instanceof` checks see the example's cdk8s classes.
 */
function runExample(name: string, options?: SynthOptions): Record<string, string> {
  const outdir = tempDir(name);
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  let calls = 0;
  try {
    jest.isolateModules(() => {
      const cdk8s = require('cdk8s');
      const synthModule = require('../lib/synth');
      const original = { synth: cdk8s.App.prototype.synth, app: synthModule.Synth.app };
      // The emitter of this registry, for the one the caller picked.
      const isolated = options && { yamlEmitter: options.yamlEmitter === YamlEmitter.JS_YAML ? synthModule.YamlEmitter.JS_YAML : synthModule.YamlEmitter.CDK8S };
      if (isolated) {
        cdk8s.App.prototype.synth = function synth(this: App) { calls++; original.app(this, isolated); };
        synthModule.Synth.app = (app: App) => { calls++; original.app(app, isolated); };
      } else {
        cdk8s.App.prototype.synth = function synth(this: App) { calls++; original.synth.call(this); };
        synthModule.Synth.app = (app: App) => { calls++; original.synth.call(app); };
      }
      try {
        require(path.join(EXAMPLES_DIR, name, 'main.ts'));
      } finally {
        cdk8s.App.prototype.synth = original.synth;
        synthModule.Synth.app = original.app;
      }
    });
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
  // The routing took: the example synthesized through the path under test.
  expect(calls).toBe(1);
  const files = readTree(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

/** The objects of a set of YAML files, read as cdk8s reads manifests (YAML 1.1). */
function objectsOf(files: Record<string, string>): unknown[] {
  return Object.keys(files).sort().flatMap((f) => parseAllDocuments(files[f], { version: '1.1' }).map((d) => d.toJS()));
}

/**
 * An app of `charts` charts: a ProductionApp in every fifth chart, a plain Deployment with a Service
 * in the others, a ConfigMap in each; every tenth chart depends on the chart before it, and one
 * chart is nested in another, so the dependency inference and the indexed file names are exercised.
 */
function manyChartApp(outdir: string, charts: number, yamlOutputType?: YamlOutputType): App {
  const app = new App({ outdir, yamlOutputType });
  let previous: Chart | undefined;
  for (let i = 0; i < charts; i++) {
    const chart = new Chart(app, `team-${i}`, { namespace: `team-${i % 7}` });
    Profile.use(chart, i % 3 === 0 ? Profile.PROD : Profile.DEV);
    if (i % 5 === 0) {
      new ProductionApp(chart, 'App', { image: `registry.example.com/team-${i}/app:1.${i}.0`, port: 8080 + (i % 3), healthPath: '/healthz' });
    } else {
      const deployment = new kplus.Deployment(chart, 'Deployment', { containers: [{ image: `registry.example.com/team-${i}:1.0.0`, portNumber: 80 }] });
      deployment.exposeViaService();
    }
    const config = new kplus.ConfigMap(chart, 'Config', { data: { index: String(i), yes: 'yes', multi: 'a\nb\n' } });
    if (previous && i % 10 === 0) {
      chart.addDependency(previous);
      config.node.addDependency(previous);
    }
    previous = chart;
  }
  const outer = app.node.findChild('team-1') as Chart;
  new kplus.ConfigMap(new Chart(outer, 'nested'), 'Inner', { data: { a: 'b' } });
  return app;
}

describe.each(examples)('example %s', (name) => {
  const expected = runExample(name);

  test('synthApp writes byte-identical files to app.synth()', () => {
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(runExample(name, {})).toEqual(expected);
  });

  test('the checker reads its manifests quickly, and as the yaml package reads them', () => {
    const manifests = Object.keys(expected).filter((f) => /\.ya?ml$/.test(f));
    expect(manifests.length).toBeGreaterThan(0);
    for (const file of manifests) {
      // the quick reader takes cdk8s's output, and gives what the yaml package gives (objects, lines, columns)
      expect(readQuickly(expected[file])).toBeDefined();
      expect(readYaml(expected[file], file)).toEqual(readExactly(expected[file], file));
    }
  });

  test('YamlEmitter.JS_YAML output reads back to the same objects, and differs only in the documented scalars', () => {
    const fast = runExample(name, { yamlEmitter: YamlEmitter.JS_YAML });
    expect(Object.keys(fast)).toEqual(Object.keys(expected));
    expect(objectsOf(fast)).toEqual(objectsOf(expected));
    // js-yaml quotes the YAML 1.1 indicators '=' and '<<' (and '0o17'), which the yaml package writes plain.
    const unquoted = (text: string) => text.replace(/"(=|<<|0o17)"$/gm, '$1');
    for (const file of Object.keys(expected)) {
      expect(unquoted(fast[file])).toBe(expected[file]);
    }
  });
});

describe('a generated app of 200 charts', () => {
  const reference = tempDir('reference');
  const linear = tempDir('linear');
  manyChartApp(reference, 200).synth();
  const referenceFiles = readTree(reference);

  afterAll(() => {
    fs.rmSync(reference, { recursive: true, force: true });
    fs.rmSync(linear, { recursive: true, force: true });
  });

  test('synthApp writes byte-identical files to app.synth()', () => {
    // GIVEN the same app built twice (synthesis adds dependencies to the tree)
    const app = manyChartApp(linear, 200);
    // WHEN
    Synth.app(app);
    // THEN the charts depend on each other, so the names are indexed, and every byte matches
    expect(Object.keys(referenceFiles)).toContain('0000-team-0.k8s.yaml');
    expect(Object.keys(referenceFiles).length).toBe(201);
    expect(readTree(linear)).toEqual(referenceFiles);
  });

  test('synthAppYaml is app.synthYaml()', () => {
    expect(Synth.appYaml(manyChartApp(linear, 200))).toEqual(manyChartApp(linear, 200).synthYaml());
  });

  test('synthAppManifests returns every chart in output order with its objects', () => {
    const manifests = Synth.appManifests(manyChartApp(linear, 200));
    // The files are named with a running index, so their sorted order is the charts' order.
    expect(manifests).toHaveLength(Object.keys(referenceFiles).length);
    expect(manifests.slice(0, 3).map((m) => m.chart.node.path)).toEqual(['team-0', 'team-1/nested', 'team-1']);
    expect(manifests.flatMap((m) => m.objects)).toEqual(objectsOf(referenceFiles));
  });
});

describe.each([
  ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
  ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
  ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
])('yamlOutputType %s', (_name, type) => {
  test('synthApp writes byte-identical files to app.synth()', () => {
    const reference = tempDir('reference');
    const linear = tempDir('linear');
    manyChartApp(reference, 12, type).synth();
    Synth.app(manyChartApp(linear, 12, type));
    const files = readTree(reference);
    expect(Object.keys(files).length).toBeGreaterThan(0);
    expect(readTree(linear)).toEqual(files);
  });
});

test('construct metadata is written as app.synth() writes it', () => {
  const reference = tempDir('reference');
  const linear = tempDir('linear');
  const build = (outdir: string) => {
    const app = new App({ outdir, recordConstructMetadata: true });
    new kplus.Deployment(new Chart(app, 'one'), 'Web', { containers: [{ image: 'registry.example.com/web:1.0.0' }] });
    return app;
  };
  build(reference).synth();
  Synth.app(build(linear));
  expect(readTree(reference)['construct-metadata.json']).toContain('one/Web/Resource');
  expect(readTree(linear)).toEqual(readTree(reference));
});

describe('production-construct-paths.json (written when the app records construct metadata, as under cdk8s synth with plugins)', () => {
  /** A ProductionApp and a raw ConfigMap of the same name, whose data counts how often the ConfigMap is rendered. */
  function recordingApp(outdir: string, type: YamlOutputType = YamlOutputType.FILE_PER_CHART): { app: App; renders: () => number } {
    let renders = 0;
    const app = new App({ outdir, recordConstructMetadata: true, yamlOutputType: type });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    Profile.use(chart, Profile.PROD);
    new ProductionApp(chart, 'Web', { name: 'web', image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
    new ApiObject(chart, 'Settings', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' },
      data: { rendered: Lazy.any({ produce: () => { renders++; return 'yes'; } }) },
    });
    return { app, renders: () => renders };
  }

  test.each([
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('Synth.app writes the same file as app.synth(), rendering each object once (%s)', (_name, type) => {
    const reference = tempDir('paths-reference');
    const linear = tempDir('paths-linear');
    const ref = recordingApp(reference, type);
    ref.app.synth();
    const lin = recordingApp(linear, type);
    Synth.app(lin.app);
    const file = readTree(linear)['production-construct-paths.json'];
    expect(JSON.parse(file).resources).toMatchObject({
      'apps/v1/Deployment/shop/web': { path: 'shop/Web/Deployment/Resource' },
      'v1/ConfigMap/shop/web': { path: 'shop/Settings' },
    });
    expect(readTree(linear)).toEqual(readTree(reference));
    // cdk8s renders the ConfigMap for the file at every validation and again for the YAML; Synth.app once
    expect(ref.renders()).toBeGreaterThan(1);
    expect(lin.renders()).toBe(1);
  });

  test('Synth.appManifests writes it too, as app.synthYaml()\'s validation does, from the manifests it returns', () => {
    const reference = tempDir('paths-reference');
    const linear = tempDir('paths-linear');
    recordingApp(reference).app.synthYaml();
    const lin = recordingApp(linear);
    const manifests = Synth.appManifests(lin.app);
    expect(manifests[0].objects.map((o) => o.kind)).toContain('ConfigMap');
    expect(lin.renders()).toBe(1);
    expect(readTree(linear)['production-construct-paths.json']).toEqual(readTree(reference)['production-construct-paths.json']);
  });

  test('a failing validation writes nothing, and the next synthesis of another app is not deferred', () => {
    const failing = tempDir('paths-failing');
    const bad = recordingApp(failing);
    new Construct(bad.app.node.findChild('shop'), 'Broken').node.addValidation({ validate: () => ['broken on purpose'] });
    expect(() => Synth.app(bad.app)).toThrow(/broken on purpose/);
    expect(fs.existsSync(path.join(failing, 'production-construct-paths.json'))).toBe(false);
    // app.synth() of an app is unaffected by an earlier Synth call: its validation writes the file
    const plain = tempDir('paths-plain');
    recordingApp(plain).app.synth();
    expect(fs.existsSync(path.join(plain, 'production-construct-paths.json'))).toBe(true);
  });
});

describe('validation', () => {
  /** An app of `charts` charts, each holding one construct that counts how often it is validated. */
  function countingApp(charts: number, errorAt?: number): { app: App; calls: () => number } {
    let calls = 0;
    const app = new App({ outdir: tempDir('validation') });
    for (let i = 0; i < charts; i++) {
      const chart = new Chart(app, `c${i}`);
      new ApiObject(chart, 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
      const counted = new Construct(chart, 'Counted');
      counted.node.addValidation({ validate: () => { calls++; return i === errorAt ? [`'replicas' (0) must be at least 1 in chart c${i}`] : []; } });
    }
    return { app, calls: () => calls };
  }

  test('runs each construct validation once, where app.synth() runs it once per chart and once more', () => {
    const reference = countingApp(5);
    reference.app.synth();
    expect(reference.calls()).toBe(5 * (5 + 1));

    const linear = countingApp(5);
    Synth.app(linear.app);
    expect(linear.calls()).toBe(5);
  });

  test('throws the same error as app.synth()', () => {
    const errorOf = (f: () => void) => {
      try { f(); } catch (e) { return (e as Error).message; }
      throw new Error('expected a validation error');
    };
    const expected = errorOf(() => countingApp(3, 1).app.synth());
    expect(expected).toContain('[c1/Counted]');
    expect(errorOf(() => Synth.app(countingApp(3, 1).app))).toBe(expected);
  });
});

test('a chart that overrides toJson() is rendered through its override', () => {
  class Annotated extends Chart {
    public toJson(): any[] {
      return super.toJson().map((o) => ({ ...o, metadata: { ...o.metadata, annotations: { overridden: 'yes' } } }));
    }
  }
  const app = new App({ outdir: tempDir('override') });
  new ApiObject(new Annotated(app, 'a'), 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
  new ApiObject(new Chart(app, 'b'), 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
  const yaml = Synth.appYaml(app);
  expect(yaml.match(/overridden: "yes"/g)).toHaveLength(1);
  expect(yaml).toBe(app.synthYaml());
});

describe('YamlEmitter.JS_YAML', () => {
  test('writes strings that YAML 1.1 would read as other types so that they read back as strings', () => {
    const values = ['yes', 'no', 'on', 'off', 'y', 'N', 'true', 'null', '~', '', '0775', '010', '0x1F', '1e3', '1_000', '12:30',
      '190:20:30', '.inf', '.NaN', '2001-12-14', '+1', '0b101', '0o17', '=', '<<', '- x', 'a: b', '#x', '@x', '`x', '%x', '*x',
      '!x', '&x', '|', '>', '"q"', "'s'", 'a\tb', '  lead', 'trail ', 'line1\nline2\n', 'é\u2028', 'x'.repeat(300)];
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', data: Object.fromEntries(values.map((v, i) => [`k${i}`, v])), numbers: [0, -1, 3.5, 1e21, null, true] };
    const text = YamlEmitter.JS_YAML._stringify([doc, doc]);
    expect(parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS())).toEqual([doc, doc]);
  });

  test('quotes a string holding a double quote as the yaml package does', () => {
    const doc = { metadata: { annotations: { hook: '["/bin/sh","-c","echo \'hi\'"]', json: '{"a": 1}', both: 'say "hi" it\'s' } } };
    const text = YamlEmitter.JS_YAML._stringify([doc]);
    expect(text).toContain(`json: '{"a": 1}'`);
    expect(text).toBe(YamlEmitter.CDK8S._stringify([doc]));
  });

  test('renders a missing document as cdk8s does', () => {
    expect(YamlEmitter.JS_YAML._stringify([undefined, { a: 1 }])).toBe(YamlEmitter.CDK8S._stringify([undefined, { a: 1 }]));
  });
});

describe('what a JavaScript caller passes is checked', () => {
  const messageOf = (f: () => unknown) => {
    try { f(); } catch (e) { return (e as Error).message; }
    throw new Error('expected an error');
  };

  test('throws when given a chart instead of the app', () => {
    const app = new App({ outdir: tempDir('wrong') });
    const chart = new Chart(app, 'shop');
    expect(messageOf(() => Synth.app(chart as unknown as App)))
      .toBe("Synth.app: 'app' (the chart 'shop') is not a cdk8s App. Fix: pass the App that holds the charts (new App()), as app.synth() is called on it");
  });

  test('throws on an emitter given by name, and on a misspelled option', () => {
    const app = new App({ outdir: tempDir('wrong') });
    expect(messageOf(() => Synth.appYaml(app, { yamlEmitter: 'js-yaml' } as unknown as SynthOptions)))
      .toContain("'yamlEmitter' (\"js-yaml\") is a string, not a YamlEmitter. Fix: pass a YamlEmitter");
    expect(messageOf(() => Synth.app(app, { yamlEmiter: YamlEmitter.JS_YAML } as unknown as SynthOptions)))
      .toContain("'yamlEmiter' ({\"name\":\"js-yaml\"}) is not a prop of SynthOptions, so it would be ignored. Fix: did you mean 'yamlEmitter'?");
  });
});
