/**
 * What a user's whole `cdk8s synth` costs, end to end: the cdk8s command line running an app of N
 * ProductionApps in one chart (`Synth.app`, profile prod) and then the library's validation plugin
 * on the output, as a consuming project configures it (README, "Checking production readiness").
 *
 * Usage: npm run bench:cli [-- <apps>...]   (defaults: 1000 5000)
 *
 * For each N it writes a throwaway project in the temp folder (`main.js`, `cdk8s.yaml` pointing at
 * this repository's build and plugin), then times, in wall-clock time (what a CI job waits for):
 *   - `cdk8s synth --no-check-upgrade` (the run's own CPU time is not visible from here);
 *   - the app alone, as cdk8s synth starts it (`node main.js` with CDK8S_OUTDIR and
 *     CDK8S_RECORD_CONSTRUCT_METADATA, which cdk8s-cli sets when plugins are configured);
 * and reports the difference: cdk8s-cli's own start and the validation plugin. Each is run twice and
 * keeps its least time. A benchmark only: it fails only when a run fails or the plugin does not pass.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = 2;

function writeProject(dir: string, apps: number): void {
  const lib = JSON.stringify(path.join(ROOT, 'build', 'lib'));
  const cdk8s = JSON.stringify(path.join(ROOT, 'node_modules', 'cdk8s'));
  fs.writeFileSync(path.join(dir, 'main.js'), [
    `const lib = require(${lib});`,
    `const { App, Chart } = require(${cdk8s});`,
    'const app = new App();',
    'const chart = new Chart(app, \'apps\', { namespace: \'shop\' });',
    'lib.Profile.use(chart, lib.Profile.PROD);',
    `for (let i = 0; i < ${apps}; i++) {`,
    '  new lib.ProductionApp(chart, `App${i}`, { image: \'registry.example.com/shop/app:1.4.2\', port: 8080, healthPath: \'/healthz\' });',
    '}',
    'lib.Synth.app(app);',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node main.js',
    'output: dist',
    'validations:',
    `  - package: ${ROOT}`,
    '    class: ProductionReadinessValidation',
    '    version: 0.1.0',
    '    properties:',
    '      profile: prod',
    '',
  ].join('\n'));
}

/** Runs a command in `dir` on a fresh output folder; returns its wall time in ms and its output. */
function timed(dir: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; output: string } {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) {
    throw new Error(`bench-cli: '${command} ${args.join(' ')}' exited with ${result.status}:\n${output.slice(-2000)}`);
  }
  return { ms, output };
}

function main(argv: string[]): number {
  const sizes = argv.length > 0 ? argv.map(Number) : [1000, 5000];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`bench-cli: the app counts must be positive whole numbers, got ${argv.join(' ')}`);
  }
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  process.stdout.write(`cdk8s synth of N ProductionApps in one chart, with the validation plugin: node ${process.version}, `
    + `${os.platform()}/${os.arch()}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n\n`);
  process.stdout.write('| apps | cdk8s synth, wall | the app alone, wall | cdk8s-cli and the validation plugin |\n|---|---|---|---|\n');
  for (const apps of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-cli-${apps}-`));
    try {
      writeProject(dir, apps);
      let synth = Infinity;
      let alone = Infinity;
      for (let r = 0; r < RUNS; r++) {
        const run = timed(dir, cli, ['synth', '--no-check-upgrade']);
        if (!/Production readiness \(prod\): passed/.test(run.output)) {
          throw new Error(`bench-cli: the validation plugin did not pass ${apps} apps:\n${run.output.slice(-2000)}`);
        }
        synth = Math.min(synth, run.ms);
        alone = Math.min(alone, timed(dir, process.execPath, ['main.js'], { CDK8S_OUTDIR: 'dist', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' }).ms);
      }
      process.stdout.write(`| ${apps} | ${(synth / 1000).toFixed(1)} s | ${(alone / 1000).toFixed(1)} s | ${((synth - alone) / 1000).toFixed(1)} s |\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
