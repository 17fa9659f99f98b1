import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { loadYamlFile } from '../../lib/cli/load';
import { ExitCode, main } from '../../lib/cli/main';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd: FIXTURES });
  return { code, out, err };
}

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-production-check-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}
function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('exit code 0 and 1', () => {
  test('a folder of good manifests passes with exit code 0', () => {
    const r = run('good');
    expect(r.code).toBe(ExitCode.OK);
    // one line: the total
    expect(r.out).toMatch(/^Production readiness \(prod\): passed, 0 error\(s\), 0 warning\(s\), 0 exemption\(s\) in \d+ object\(s\)\n$/);
    expect(r.err).toBe('');
  });

  test('a bad manifest fails with exit code 1 and names the rule, object, file and fix', () => {
    const r = run('bad/host-ports.yaml');
    expect(r.code).toBe(ExitCode.FINDINGS);
    expect(r.out).toBe([
      'bad/host-ports.yaml:13:1 (Deployment shop/bad-host-ports)',
      "  ERROR host-ports: container 'app' binds host port 8080 (at spec.template.spec.containers[0])",
      'Fixes:',
      '  host-ports: Remove hostPort and expose the container through a Service',
      'Production readiness (prod): failed, 1 error(s), 0 warning(s), 0 exemption(s) in 7 object(s)',
      '',
    ].join('\n'));
  });

  test('--json prints the report as JSON', () => {
    const r = run('--json', 'bad/host-ports.yaml');
    expect(r.code).toBe(ExitCode.FINDINGS);
    const report = JSON.parse(r.out);
    expect(report.profile).toBe('prod');
    expect(report.passed).toBe(false);
    expect(report.findings).toEqual([expect.objectContaining({
      ruleId: 'host-ports', severity: 'error', file: 'bad/host-ports.yaml', line: 13, column: 1,
      objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', namespaceName: 'shop', name: 'bad-host-ports' },
    })]);
  });

  test('--profile dev turns floors into warnings and exits 0; --strict fails on them', () => {
    expect(run('--profile', 'dev', 'bad/host-ports.yaml').code).toBe(ExitCode.OK);
    expect(run('--profile=dev', 'bad/host-ports.yaml').out).toContain('WARNING host-ports');
    expect(run('--profile=dev', '--strict', 'bad/host-ports.yaml').code).toBe(ExitCode.FINDINGS);
  });

  test('warnings alone pass in prod', () => {
    const r = run('bad/priority-class.yaml');
    expect(r.code).toBe(ExitCode.OK);
    expect(r.out).toContain('WARNING priority-class');
  });

  test('several paths are checked together, so cross-object rules see them all', () => {
    const dir = path.join(tmp, 'split');
    const objects = fs.readFileSync(path.join(FIXTURES, 'good', 'hardened-web-app.yaml'), 'utf-8').split(/^---$/m);
    objects.forEach((doc, i) => write(`split/${i}.yml`, doc));
    expect(run(dir).code).toBe(ExitCode.OK);
    expect(run(path.join(dir, '1.yml')).code).toBe(ExitCode.FINDINGS);
  });

  test('a kind: List is expanded', () => {
    const file = write('list.yaml', 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: x}\n    spec: {type: NodePort}\n');
    const r = run(file);
    expect(r.out).toMatch(/list\.yaml:\d+:\d+ \(Service x\)\n  ERROR service-type: /);
  });
});

describe('exit code 2: usage errors', () => {
  test.each([
    [[], 'no file or folder given'],
    [['--profile', 'production', 'good'], "'--profile' (\"production\") must be one of dev, staging, prod"],
    [['--profile'], "'--profile' needs a value"],
    [['--yaml', 'good'], "unknown option '--yaml'"],
  ])('%j: %s', (argv, message) => {
    const r = run(...argv);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.err).toContain(`cdk8s-production-check: ${message}`);
    expect(r.err).toContain('Usage: cdk8s-production-check');
    expect(r.out).toBe('');
  });

  test('--help prints the usage and exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(ExitCode.OK);
    expect(r.out).toContain('Exit codes: 0 passed, 1 findings at error severity, 2 usage error, 3 input error');
  });
});

describe('exit code 3: input that cannot be read at all, with a clear message and no stack trace', () => {
  test.each([
    ['a missing path', () => path.join(tmp, 'nope.yaml'), /nope\.yaml: no such file or folder/],
    ['an empty folder', () => { const d = path.join(tmp, 'empty'); fs.mkdirSync(d, { recursive: true }); write('empty/readme.txt', 'hi'); return d; },
      /empty: the folder has no \.yaml or \.yml files/],
    ['a file with only empty documents', () => write('blank.yaml', '---\n---\n'), /no Kubernetes objects found/],
  ])('%s', (_name, make, message) => {
    const r = run(make());
    expect(r.code).toBe(ExitCode.INPUT);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    expectNoStackTrace(r.err);
  });

  test('an invalid rule configuration names the file, the key and the fix', () => {
    const config = write('bad-config.yaml', 'disabled:\n  host-port: ""\n');
    const r = run('--config', config, 'bad/host-ports.yaml');
    expect(r.code).toBe(ExitCode.INPUT);
    expect(r.err).toContain("'disabled' names rule 'host-port', which does not exist. Did you mean 'host-ports'?");
    expectNoStackTrace(r.err);
  });
});

describe('documents the pack cannot judge are findings with file and position; the rest is judged', () => {
  const GOOD_CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: shop}\ndata: {a: b}\n';
  test.each([
    ['a document that is not YAML', 'kind: Deployment\n  metadata: [unclosed\n', /.*mixed-broken\.yaml:7:\d+ \(Document #2\)\n  ERROR manifest-input: document 2 is not valid YAML: /, 'broken'],
    ['YAML that is not a Kubernetes object', 'replicas: 3\nimage: nginx\n', /.*:7:1 \(object <unnamed>\)\n  ERROR manifest-input: not a Kubernetes object \(no apiVersion and kind\)/, 'config'],
    ['a YAML list', '- a\n- b\n', /.*:7:1 \(Document #2\)\n  ERROR manifest-input: document 2 is not a Kubernetes object \(expected a mapping .* got a list\)/, 'array'],
    ['an unknown kind in a built-in group', 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\n',
      /.*:7:1 \(Deploymnet web\)\n  ERROR manifest-input: unknown kind 'Deploymnet' for apiVersion 'apps\/v1'. Did you mean 'Deployment'\?/, 'typo'],
    ['a Deployment in v1', 'apiVersion: v1\nkind: Deployment\nmetadata: {name: web}\n',
      /.*:7:1 \(Deployment web\)\n  ERROR manifest-input: Deployment is not served by apiVersion 'v1': use apps\/v1/, 'v1'],
    ['an object without a name', 'apiVersion: v1\nkind: ConfigMap\ndata: {}\n', /.*:7:1 \(ConfigMap <unnamed>\)\n  ERROR manifest-input: ConfigMap has no metadata\.name/, 'noname'],
    ['a List without items', 'apiVersion: v1\nkind: List\n', /.*:7:1 \(List <unnamed>\)\n  ERROR manifest-input: document 2: a List without an items array/, 'list'],
  ])('%s', (_name, doc, message, stem) => {
    // GIVEN a good object, then the bad document, then another good object, in one file
    const file = write(`mixed-${stem}.yaml`, `# two good objects around a bad one\n${GOOD_CM}---\n${doc}---\n${GOOD_CM.replace('fine', 'also-fine')}`);
    // WHEN checked
    const r = run('--json', file);
    const report = JSON.parse(r.out);
    // THEN the bad document is one error, with its position, and both good objects were judged
    expect(r.code).toBe(ExitCode.FINDINGS);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['manifest-input']);
    expect(report.findings[0].line).toBe(7);
    expect(report.objectCount).toBe(3);
    const text = run(file);
    expect(text.out).toMatch(message);
    expect(text.err).toBe('');
  });

  test('the good objects around a bad document are still judged (a finding on them is reported)', () => {
    const file = write('mixed-judged.yaml', 'replicas: 3\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: NodePort}\n');
    const report = JSON.parse(run('--json', file).out);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['manifest-input', 'service-type']);
  });

  test('custom resources of unknown groups are accepted', () => {
    const file = write('crd.yaml', 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web, namespace: shop}\nspec: {}\n');
    expect(run(file).code).toBe(ExitCode.OK);
  });
});

describe('manifests are read as YAML 1.1, as cdk8s writes them and Kubernetes reads them', () => {
  test('a string cdk8s leaves unquoted reads back as the same string, and 1.1 booleans as booleans', () => {
    // GIVEN what cdk8s writes for these values (YAML 1.1: '0o17' is no number there, so it is not quoted)
    const written = Yaml.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { mode: '0o17', n: 15 } });
    expect(written).toContain('mode: 0o17');
    const file = write('yaml11/config.yaml', `${written}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\nimmutable: yes\n`);
    // WHEN
    const [config, other] = loadYamlFile(file, 'config.yaml').map((l) => l.kubeObject as any);
    // THEN
    expect(config.data).toEqual({ mode: '0o17', n: 15 });
    expect(other.immutable).toBe(true);
  });
});

describe('--config: the rule configuration file', () => {
  test('disables a rule with its reason, lists it, and raises an opinion to an error', () => {
    // GIVEN a configuration that turns host-ports off and recommended-labels into a prod error
    const config = write('rules.yaml', 'disabled:\n  host-ports: "node-local agents (PLAT-12)"\nseverity:\n  recommended-labels: { prod: error }\n');
    const unlabeled = write('unlabeled.yaml', fs.readFileSync(path.join(FIXTURES, 'bad', 'host-ports.yaml'), 'utf-8')
      .replace(/ *app\.kubernetes\.io\/instance: bad-host-ports\n/g, ''));
    // WHEN checked with it
    const r = run('--json', '--config', config, unlabeled);
    const report = JSON.parse(r.out);
    // THEN host-ports is gone and listed as disabled, and the labels are errors
    expect(report.disabled).toEqual([{ ruleId: 'host-ports', reason: 'node-local agents (PLAT-12)' }]);
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'host-ports')).toEqual([]);
    expect(report.findings.filter((f: { ruleId: string }) => f.ruleId === 'recommended-labels').map((f: { severity: string }) => f.severity))
      .toEqual(expect.arrayContaining(['error']));
    expect(run('--config', config, unlabeled).out).toContain('Disabled by configuration:\n  host-ports: node-local agents (PLAT-12)');
  });

  test('loads custom rules from a module path relative to the configuration file', () => {
    write('policy/team-label.js', `module.exports.rules = [{
      id: 'team-label', description: 'Workloads name their team', sources: [{ tool: 'platform', check: 'team-label' }],
      severity: { dev: 'warning', staging: 'error', prod: 'error' }, fix: 'Add platform.io/team',
      check: (ctx) => ctx.workloads().filter((w) => !ctx.labelsOf(w.kubeObject)['platform.io/team'])
        .map((w) => ({ kubeObject: w.kubeObject, message: 'has no team label' })),
    }];\n`);
    const config = write('custom.yaml', 'customRules:\n  - ./policy/team-label.js\n');
    const report = JSON.parse(run('--json', '--config', config, 'good/hardened-web-app.yaml').out);
    expect(report.rulesRun).toContain('team-label');
    expect(report.findings.map((f: { ruleId: string; objectRef: { name: string } }) => `${f.ruleId} ${f.objectRef.name}`)).toEqual(['team-label web']);
  });
});

describe('the bin entry', () => {
  test('package.json points the command at the compiled launcher, which starts with a shebang and runs main', () => {
    const root = path.join(__dirname, '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
    expect(pkg.bin).toEqual({ 'cdk8s-production-check': 'build/lib/cli/bin.js' });
    const source = fs.readFileSync(path.join(root, 'lib', 'cli', 'bin.ts'), 'utf-8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(source).toMatch(/import \{ run \} from '\.\/main';\s+run\(\);/);
  });
});
