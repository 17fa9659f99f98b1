import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
    expect(r.out).toMatch(/^Production readiness \(prod\): \d+ object\(s\), 0 error\(s\), 0 warning\(s\), 0 exemption\(s\)/);
    expect(r.out).toContain('Result: passed');
    expect(r.err).toBe('');
  });

  test('a bad manifest fails with exit code 1 and names the rule, object, file and fix', () => {
    const r = run('bad/host-ports.yaml');
    expect(r.code).toBe(ExitCode.FINDINGS);
    expect(r.out).toContain("ERROR host-ports: Deployment shop/bad-host-ports [bad/host-ports.yaml]: container 'app' binds host port 8080");
    expect(r.out).toContain('fix: Remove hostPort');
    expect(r.out).toContain('Result: failed');
  });

  test('--json prints the report as JSON', () => {
    const r = run('--json', 'bad/host-ports.yaml');
    expect(r.code).toBe(ExitCode.FINDINGS);
    const report = JSON.parse(r.out);
    expect(report.profile).toBe('prod');
    expect(report.passed).toBe(false);
    expect(report.findings).toEqual([expect.objectContaining({
      ruleId: 'host-ports', severity: 'error', file: 'bad/host-ports.yaml',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'bad-host-ports' },
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
    expect(r.out).toContain('ERROR service-type: Service x');
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

describe('exit code 3: input errors, with a clear message and no stack trace', () => {
  test.each([
    ['a missing path', () => path.join(tmp, 'nope.yaml'), /nope\.yaml: no such file or folder/],
    ['an empty folder', () => { const d = path.join(tmp, 'empty'); fs.mkdirSync(d, { recursive: true }); write('empty/readme.txt', 'hi'); return d; },
      /empty: the folder has no \.yaml or \.yml files/],
    ['a file that is not YAML', () => write('broken.yaml', 'kind: Deployment\n  metadata: [unclosed\n'), /broken\.yaml(:\d+)?: not valid YAML: /],
    ['YAML that is not a Kubernetes object', () => write('config.yaml', 'replicas: 3\nimage: nginx\n'),
      /config\.yaml \(document 1\): not a Kubernetes object \(no apiVersion and kind\)/],
    ['a YAML list', () => write('array.yaml', '- a\n- b\n'), /array\.yaml \(document 1\): not a Kubernetes object \(expected a mapping .* got a list\)/],
    ['an unknown kind in a built-in group', () => write('typo.yaml', 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\n'),
      /typo\.yaml \(document 1\): unknown kind 'Deploymnet' for apiVersion 'apps\/v1'. Did you mean 'Deployment'\?/],
    ['an object without a name', () => write('noname.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata: {}\n'), /noname\.yaml \(document 1\): ConfigMap has no metadata\.name/],
    ['a file with only empty documents', () => write('blank.yaml', '---\n---\n'), /no Kubernetes objects found/],
  ])('%s', (_name, make, message) => {
    const r = run(make());
    expect(r.code).toBe(ExitCode.INPUT);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    expectNoStackTrace(r.err);
  });

  test('custom resources of unknown groups are accepted', () => {
    const file = write('crd.yaml', 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web, namespace: shop}\nspec: {}\n');
    expect(run(file).code).toBe(ExitCode.OK);
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
