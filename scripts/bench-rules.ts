/**
 * Measures how the rule pack scales with the number of apps it judges.
 *
 * Usage: npm run bench:rules [-- <small> <large> <runs>]   (defaults: 500 5000 3)
 *
 * Synthesizes `small` and `large` ProductionApps into one chart each, all in one namespace (the
 * worst case for cross-object rules: every selector, PDB, Service and NetworkPolicy shares it),
 * then judges each output `runs` times, interleaved, and reports the median CPU time of
 * `RulePack.check` alone (synthesis is not timed). The target (issue 11): judging `large` apps
 * costs at most (large / small) times judging `small`, i.e. linear. It then times the validation
 * plugin (what `cdk8s synth` runs) on the same outputs written as YAML, parsing included, against
 * the same target. A benchmark only: nothing here is asserted by the test suite.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { ProductionApp, ProductionReadinessValidation, Profile, YamlEmitter } from '../lib';
import { KubeObject, RulePack } from '../lib/rules';

function appsOutput(count: number): KubeObject[] {
  const chart = new Chart(Testing.app(), `bench-${count}`, { namespace: 'shop' });
  Profile.use(chart, Profile.PROD);
  for (let i = 0; i < count; i++) {
    new ProductionApp(chart, `App${i}`, { image: 'registry.example.com/shop/app:1.4.2', port: 8080, healthPath: '/healthz' });
  }
  return chart.toJson() as KubeObject[];
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(argv: readonly string[]): Promise<number> {
  const [small, large, runs] = [Number(argv[0] ?? 500), Number(argv[1] ?? 5000), Number(argv[2] ?? 3)];
  const sizes = [small, large];
  const outputs = new Map(sizes.map((n) => [n, appsOutput(n)]));
  const times = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const findings = new Map<number, number>();
  for (let r = 0; r < runs; r++) {
    for (const n of sizes) {
      let count = 0;
      times.get(n)!.push(cpuMs(() => { count = RulePack.check(outputs.get(n)!).findings.length; }));
      findings.set(n, count);
    }
  }
  const rows = sizes.map((n) => ({ apps: n, objects: outputs.get(n)!.length, ms: median(times.get(n)!), findings: findings.get(n)! }));
  process.stdout.write('| apps | objects | RulePack.check CPU (median of ' + runs + ') | per app | findings |\n|---|---|---|---|---|\n');
  for (const row of rows) {
    process.stdout.write(`| ${row.apps} | ${row.objects} | ${row.ms.toFixed(0)} ms | ${(row.ms / row.apps).toFixed(3)} ms | ${row.findings} |\n`);
  }
  const ratio = rows[1].ms / rows[0].ms;
  const allowed = large / small;
  process.stdout.write(`\n${large} apps cost ${ratio.toFixed(2)}x ${small} apps (linear: ${allowed}x): ${ratio <= allowed ? 'PASS' : 'FAIL'}\n`);

  // The validation plugin, as `cdk8s synth` runs it: it reads the YAML files back (parsing with
  // line numbers) before the same rule pack judges them.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rules-'));
  const plugin = new Map<number, number[]>(sizes.map((n) => [n, []]));
  try {
    const files = new Map(sizes.map((n) => {
      const file = path.join(dir, `apps-${n}.k8s.yaml`);
      fs.writeFileSync(file, YamlEmitter.CDK8S._stringify(outputs.get(n)!));
      return [n, file];
    }));
    for (let r = 0; r < runs; r++) {
      for (const n of sizes) {
        let outcome = '';
        const context = {
          manifests: [files.get(n)!],
          report: { addViolation: () => undefined, submit: (result: string) => { outcome = result; } },
          logger: { log: () => undefined },
        };
        const quiet = process.stderr.write;
        process.stderr.write = (() => true) as typeof process.stderr.write;
        const start = process.cpuUsage();
        try {
          await new ProductionReadinessValidation({ profile: 'prod' }).validate(context);
        } finally {
          process.stderr.write = quiet;
        }
        const used = process.cpuUsage(start);
        if (outcome !== 'success') {
          throw new Error(`bench-rules: the validation plugin reported '${outcome}' for ${n} apps`);
        }
        plugin.get(n)!.push((used.user + used.system) / 1000);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\n| apps | validation plugin CPU, YAML parse included (median of ${runs}) | per app |\n|---|---|---|\n`);
  for (const n of sizes) {
    const ms = median(plugin.get(n)!);
    process.stdout.write(`| ${n} | ${ms.toFixed(0)} ms | ${(ms / n).toFixed(3)} ms |\n`);
  }
  const pluginRatio = median(plugin.get(large)!) / median(plugin.get(small)!);
  process.stdout.write(`\nThe plugin on ${large} apps costs ${pluginRatio.toFixed(2)}x ${small} apps (linear: ${allowed}x): ${pluginRatio <= allowed ? 'PASS' : 'FAIL'}\n`);
  return ratio <= allowed && pluginRatio <= allowed ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
  console.error(e.stack ?? String(e));
  process.exitCode = 1;
});
