import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// A user's program (`node main.js`, what `cdk8s synth` runs) that gives a construct invalid props ends with the
// library's message, exactly as the README shows it, and exit code 1, without library stack frames.

const LIB = path.join(__dirname, '..', '..', 'lib', 'index.ts');
const REGISTER = path.join(__dirname, '..', 'helpers', 'ts-register.js');

function runProgram(body: string, env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clean-exit-'));
  const file = path.join(dir, 'main.js');
  fs.writeFileSync(file, `const { App, Chart } = require('cdk8s');\nconst lib = require(${JSON.stringify(LIB)});\n`
    + `const app = new App({ outdir: ${JSON.stringify(path.join(dir, 'dist'))} });\n${body}\n`);
  const result = spawnSync(process.execPath, ['-r', REGISTER, file], {
    encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(__dirname, '..', '..', 'node_modules'), ...env }, cwd: dir,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

const INVALID = `const chart = new Chart(app, 'shop');
lib.Profile.use(chart, lib.Profile.PROD);
new lib.ProductionApp(chart, 'Web', { image: 'registry.example.com/web:latest', port: 8080, replicas: 1, healthPath: '/healthz' });
app.synth();`;

test('an invalid prop ends the program with the message alone and exit code 1', () => {
  const { status, stderr, stdout } = runProgram(INVALID);
  expect(status).toBe(1);
  expect(stdout).toBe('');
  expect(stderr).toBe("ProductionApp 'shop/Web' has 2 invalid props:\n"
    + "  - 'image' (\"registry.example.com/web:latest\") uses the mutable tag 'latest', which is not allowed in prod. Fix: pin a version tag or (preferred) a digest\n"
    + "  - 'replicas' (1) must be an integer of at least 2 in prod (and at most 2147483647). Fix: set it to 2 or more, or turn on 'autoscaling'\n");
});

test('CDK8S_PRODUCTION_STACK=1 keeps the stack', () => {
  const { status, stderr } = runProgram(INVALID, { CDK8S_PRODUCTION_STACK: '1' });
  expect(status).toBe(1);
  expect(stderr).toMatch(/^ProductionPropsError: ProductionApp 'shop\/Web' has 2 invalid props:/);
  expect(stderr).toMatch(/\n\s+at .*_resolve\.ts:\d+:\d+/);
});

test('an error that is not the library\'s keeps its stack and exit code 1', () => {
  const { status, stderr } = runProgram('try { new lib.ProductionApp(new Chart(app, "a"), "W", {}); } catch (e) {}\nnull.boom;');
  expect(status).toBe(1);
  expect(stderr).toMatch(/^TypeError: Cannot read properties of null \(reading 'boom'\)\n\s+at /);
});

test('an app that handles uncaught exceptions itself keeps control', () => {
  const { status, stdout } = runProgram(`process.on('uncaughtException', (e) => { console.log('handled: ' + e.name); });\n${INVALID}`);
  expect(status).toBe(0);
  expect(stdout).toBe('handled: ProductionPropsError\n');
});
