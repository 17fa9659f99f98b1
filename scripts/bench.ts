/**
 * Synthesis benchmark: ProductionApp against plain cdk8s-plus Deployment + Service pairs.
 *
 * Run with `npm run bench` (compiles, then `node --expose-gc build/scripts/bench.js`).
 *
 * For each N in 10, 100 and 1000 and each variant, the parent process forks one child process per
 * measurement, so every number comes from a fresh heap and `resourceUsage().maxRSS` is a clean peak.
 * A child loads the library, warms the JIT up on throwaway apps of the same variant, then builds N
 * apps in ONE chart (the layout ARCHITECTURE.md recommends) and synthesizes them with
 * `app.synthYaml()`: the same resolve, validate, dependency ordering and YAML rendering as
 * `cdk8s synth`, without writing files. Nothing is written to disk. Small N is repeated in-process
 * and the best repetition kept.
 *
 * Prints a table (best of the runs), then two verdicts: ProductionApp/plain time per app at each N
 * (target <= 2x) and linearity, time per app at 1000 against 100 (target <= 1.5x). The verdicts use
 * CPU time (process.cpuUsage), which other processes on a shared machine do not inflate; wall time
 * is printed beside it. It always exits 0
 * when the measurements ran: it is a measurement, not a test.
 *
 * Options (after the script path):
 *   --quick                  one run per measurement, N = 10 and 100 only
 *   --runs <k>               runs per measurement (default 3; N = 1000 runs at most 3 times)
 *   --child <variant> <n>    run one measurement in this process and print it as JSON (used by the
 *                            parent)
 *   --profile <file>         with --child: CPU-profile only the measured construct + synth (not the
 *                            warm-up), write <file> (.cpuprofile, opens in Chrome DevTools) and print
 *                            where the time goes, by area, to stderr
 *
 * Example: node --expose-gc build/scripts/bench.js --child production 1000 --profile /tmp/app.cpuprofile
 */
import { fork } from 'child_process';
import * as fs from 'fs';
import { Session } from 'inspector';
import * as os from 'os';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProductionApp, Profile } from '../lib';

const IMAGE = 'registry.example.com/app:1.0.0';
const PORT = 8080;
// The JIT needs several hundred apps before times settle (measured: 100 ProductionApps take ~570 ms
// in the first round and ~240 ms from the sixth on).
const WARMUP_APPS = 100;
const WARMUP_ROUNDS = 6;

type Variant = 'production' | 'plain';
const VARIANTS: Variant[] = ['production', 'plain'];
const LABEL: Record<Variant, string> = { production: 'ProductionApp', plain: 'plain kplus' };

interface Sample {
  readonly variant: Variant;
  readonly n: number;
  /** Building the construct tree, ms. */
  readonly constructMs: number;
  /** app.synthYaml(), ms. */
  readonly synthMs: number;
  readonly totalMs: number;
  /** CPU time (user + system, all threads) of construct + synth, ms: unlike wall time, it does not grow when other processes take the CPU. */
  readonly cpuMs: number;
  /** Kubernetes objects in the synthesized YAML. */
  readonly objects: number;
  /** Bytes of YAML. */
  readonly yamlBytes: number;
  /** Peak resident set size of the child process, bytes. */
  readonly maxRss: number;
  /** Resident set size after loading and warm-up, before the measured work, bytes. */
  readonly baseRss: number;
  /** Heap still used by the app and its YAML after a full GC, minus the heap before, bytes. */
  readonly retainedHeap: number;
}

function build(variant: Variant, n: number): { app: App; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, 'Bench');
  if (variant === 'production') {
    Profile.use(chart, Profile.PROD);
    for (let i = 0; i < n; i++) {
      new ProductionApp(chart, 'App' + i, { image: IMAGE, port: PORT, healthPath: '/healthz' });
    }
  } else {
    for (let i = 0; i < n; i++) {
      const deployment = new kplus.Deployment(chart, 'D' + i, { containers: [{ image: IMAGE, portNumber: PORT }] });
      deployment.exposeViaService();
    }
  }
  return { app, chart };
}

/** Holds the measured app and YAML so the GC before the retained-heap reading cannot free them. */
const keepAlive: unknown[] = [];

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function countDocuments(yaml: string): number {
  // Yaml.stringify separates documents with a line holding only '---'.
  return yaml.split('\n').filter((line) => line === '---').length + (yaml.trim() === '' ? 0 : 1);
}

/**
 * In-process repetitions after the warm-up: small N is short enough for the JIT's and the GC's moods
 * to dominate one reading, so the child repeats it and keeps its best.
 */
function innerRepetitions(n: number): number {
  return n <= 10 ? 10 : n <= 100 ? 5 : 1;
}

/** One measurement, in this process. */
async function measure(variant: Variant, n: number, profileFile?: string): Promise<Sample> {
  // Warm-up: load every module and JIT the hot paths on throwaway apps of the same variant.
  for (let r = 0; r < WARMUP_ROUNDS; r++) {
    build(variant, WARMUP_APPS).app.synthYaml();
  }
  gc();
  const baseRss = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  // A forced full GC makes the next run markedly slower (up to 2x at N=100; the young generation
  // starts small again), so one more untimed round follows it and the timed repetitions never GC.
  build(variant, WARMUP_APPS).app.synthYaml();
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;

  let best: { constructMs: number; synthMs: number; totalMs: number; cpuMs: number } | undefined;
  let app: App | undefined;
  let yaml = '';
  const reps = profileFile ? 1 : innerRepetitions(n);
  for (let r = 0; r < reps; r++) {
    app = undefined;
    yaml = '';
    const profiler = profileFile ? await startProfiler() : undefined;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    app = build(variant, n).app;
    const t1 = process.hrtime.bigint();
    yaml = app.synthYaml();
    const t2 = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpu0);
    if (profiler && profileFile) {
      const profile = await profiler.stop();
      fs.writeFileSync(profileFile, JSON.stringify(profile));
      process.stderr.write(`CPU profile of ${LABEL[variant]} N=${n} (construct + synth only) written to ${profileFile}\n`);
      process.stderr.write(summarizeProfile(profile) + '\n');
    }
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (!best || cpuMs < best.cpuMs) {
      best = { constructMs: ms(t0, t1), synthMs: ms(t1, t2), totalMs: ms(t0, t2), cpuMs };
    }
  }

  const maxRss = process.resourceUsage().maxRSS * 1024;
  keepAlive.push(app, yaml);
  gc();
  const retainedHeap = process.memoryUsage().heapUsed - heapBefore;
  return {
    variant, n, ...best!,
    objects: countDocuments(yaml), yamlBytes: Buffer.byteLength(yaml),
    maxRss, baseRss, retainedHeap,
  };
}

interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: CpuProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

async function startProfiler(): Promise<{ stop: () => Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) => new Promise<T>((resolve, reject) =>
    session.post(method, params ?? {}, (err: Error | null, result?: unknown) => (err ? reject(err) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/**
 * Areas a sample is charged to: the innermost frame on its stack that matches an area wins, so a
 * cdk8s-plus function called from a Lazy is charged to cdk8s-plus, not to token resolution.
 */
const AREAS: Array<[string, (url: string, fn: string) => boolean]> = [
  ['garbage collection', (_u, fn) => fn === '(garbage collector)'],
  ['YAML rendering (yaml package, via cdk8s Yaml.stringify)', (u) => u.includes('/node_modules/yaml/')],
  ['JSON patches (cdk8s JsonPatch, fast-json-patch)', (u) => u.includes('fast-json-patch') || u.endsWith('/cdk8s/lib/json-patch.js')],
  ['names (cdk8s Names.toDnsLabel, hashing)', (u) => u.endsWith('/cdk8s/lib/names.js') || u.startsWith('node:crypto') || u.startsWith('node:internal/crypto')],
  ['token resolution (cdk8s resolve, Lazy)', (u) => u.endsWith('/cdk8s/lib/resolve.js') || u.endsWith('/cdk8s/lib/lazy.js')],
  ['sanitize and sort (cdk8s _util)', (u) => u.endsWith('/cdk8s/lib/_util.js')],
  ['dependency graph, validation, tree walks (cdk8s, constructs)', (u) => u.endsWith('/cdk8s/lib/dependency.js') || u.includes('/node_modules/constructs/')],
  ['k8s toJson_* conversions (cdk8s-plus imports)', (u) => u.includes('/cdk8s-plus-28/lib/imports/')],
  ['cdk8s-plus constructs (_toKube, containers, selectors)', (u) => u.includes('/cdk8s-plus-28/lib/')],
  ['other cdk8s (ApiObject, Chart, App, metadata)', (u) => u.includes('/node_modules/cdk8s/')],
  ['this library (build/lib)', (u) => u.includes('/build/lib/')],
  ['the benchmark itself', (u) => u.includes('/build/scripts/')],
];

function summarizeProfile(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const c of node.children ?? []) parentOf.set(c, node.id);
  }
  const areaOf = new Map<number, string>();
  const area = (id: number): string => {
    const cached = areaOf.get(id);
    if (cached !== undefined) return cached;
    const { url, functionName } = byId.get(id)!.callFrame;
    const hit = AREAS.find(([, test]) => test(url, functionName));
    const parent = parentOf.get(id);
    const result = hit ? hit[0] : (parent === undefined ? 'other (node internals, idle)' : area(parent));
    areaOf.set(id, result);
    return result;
  };
  const time = new Map<string, number>();
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    time.set(area(id), (time.get(area(id)) ?? 0) + dt);
    const { url, functionName, lineNumber } = byId.get(id)!.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/build\//, 'build/')}:${lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + dt);
  });
  const lines = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k)
    .map(([name, t]) => `  ${(t / 1000).toFixed(0).padStart(6)} ms ${(100 * t / total).toFixed(1).padStart(5)}%  ${name}`);
  return [`Time by area (${(total / 1000).toFixed(0)} ms sampled):`, ...lines(time, AREAS.length + 1),
    'Top functions by self time:', ...lines(self, 15)].join('\n');
}

function runChild(variant: Variant, n: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', variant, String(n)], {
      execArgv: [...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')), '--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`bench: measurement ${variant} N=${n} failed (exit ${code}): ${out.trim()}`));
        return;
      }
      resolve(JSON.parse(line) as Sample);
    });
  });
}

/**
 * The run that used the least CPU time (so its columns belong together). Other processes only ever
 * add time, so on a shared machine the best run is the most repeatable; every run is printed too.
 */
function bestSample(samples: Sample[]): Sample {
  return samples.reduce((best, s) => (s.cpuMs < best.cpuMs ? s : best));
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const f = (x: number, digits = 1) => x.toFixed(digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const childAt = argv.indexOf('--child');
  if (childAt >= 0) {
    const variant = argv[childAt + 1] as Variant;
    const n = Number(argv[childAt + 2]);
    if (!VARIANTS.includes(variant) || !Number.isInteger(n) || n < 1) {
      throw new Error(`bench: '--child' needs a variant (${VARIANTS.join(' or ')}) and a positive N, got '${argv.slice(childAt + 1).join(' ')}'`);
    }
    const profileAt = argv.indexOf('--profile');
    const profileFile = profileAt >= 0 ? argv[profileAt + 1] : undefined;
    process.stdout.write(JSON.stringify(await measure(variant, n, profileFile)) + '\n');
    return;
  }

  const quick = argv.includes('--quick');
  const runsAt = argv.indexOf('--runs');
  const smallRuns = quick ? 1 : (runsAt >= 0 ? Number(argv[runsAt + 1]) : 3);
  const sizes = quick ? [10, 100] : [10, 100, 1000];
  const started = Date.now();

  console.log(`Synthesis benchmark: node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} CPUs,`
    + ` load average ${os.loadavg().map((l) => f(l, 2)).join(' ')}`);
  console.log(`Each run is a fresh child process: warm-up (${WARMUP_ROUNDS} x ${WARMUP_APPS} apps), then it builds N apps in one chart`);
  console.log('and synthesizes them with app.synthYaml() (in memory, nothing written to disk), repeated in-process');
  console.log(`${innerRepetitions(10)}x for N=10, ${innerRepetitions(100)}x for N=100, ${innerRepetitions(1000)}x for N=1000, keeping the best.`);
  console.log(`  ProductionApp: Profile.PROD, { image: '${IMAGE}', port: ${PORT}, healthPath: '/healthz' }`);
  console.log(`  plain kplus:   kplus.Deployment { containers: [{ image, portNumber: ${PORT} }] } + exposeViaService()`);
  console.log();

  const results = new Map<string, Sample>();
  const runsUsed = new Map<string, number>();
  for (const n of sizes) {
    for (const variant of VARIANTS) {
      // N = 1000 takes several seconds per run; at most 3 runs keep the benchmark around a minute.
      const runs = n >= 1000 ? Math.min(3, smallRuns) : smallRuns;
      const samples: Sample[] = [];
      for (let r = 0; r < runs; r++) {
        samples.push(await runChild(variant, n));
      }
      const s = bestSample(samples);
      results.set(`${variant}:${n}`, s);
      runsUsed.set(`${variant}:${n}`, runs);
      process.stdout.write(`  measured ${LABEL[variant].padEnd(13)} N=${String(n).padStart(4)}: `
        + `${samples.map((x) => `${f(x.totalMs, 0)} ms wall / ${f(x.cpuMs, 0)} ms CPU`).join(', ')}\n`);
    }
  }
  console.log();

  const header = ['variant', 'N', 'runs', 'construct ms', 'synth ms', 'total ms', 'CPU ms', 'ms/app', 'CPU ms/app', 'objects', 'obj/app',
    'YAML KiB', 'peak RSS MB', 'base RSS MB', 'retained heap MB'];
  const rows: string[][] = [];
  for (const n of sizes) {
    for (const variant of VARIANTS) {
      const s = results.get(`${variant}:${n}`)!;
      rows.push([LABEL[variant], String(n), String(runsUsed.get(`${variant}:${n}`)), f(s.constructMs), f(s.synthMs), f(s.totalMs), f(s.cpuMs),
        f(s.totalMs / n, 3), f(s.cpuMs / n, 3), String(s.objects), f(s.objects / n, 1), f(s.yamlBytes / 1024, 0),
        mb(s.maxRss), mb(s.baseRss), s.retainedHeap < 0.1 * 1024 * 1024 ? '< 0.1' : mb(s.retainedHeap)]);
    }
  }
  console.log('Results (best run of each measurement, by CPU time):');
  console.log(table(header, rows));
  console.log();
  console.log('  total = construct + synth, wall clock; CPU = user + system time of the process over the same span (all threads).');
  console.log('  peak RSS = process.resourceUsage().maxRSS of the child (includes node, modules and the warm-up apps);');
  console.log('  base RSS = RSS before the measured work; retained heap = heap held by the app and its YAML after a full GC.');
  console.log(`  Load average during the run: ${os.loadavg().map((l) => f(l, 2)).join(' ')} on ${os.cpus().length} CPUs`
    + ' (wall times are only as quiet as the machine; the verdicts use CPU time).');
  console.log();

  const get = (variant: Variant, n: number) => results.get(`${variant}:${n}`)!;
  const cpuPerApp = (variant: Variant, n: number) => get(variant, n).cpuMs / n;
  const wallPerApp = (variant: Variant, n: number) => get(variant, n).totalMs / n;
  console.log('Verdict 1: ProductionApp / plain kplus, CPU time per app (target <= 2.0x)');
  for (const n of sizes) {
    const p = get('production', n);
    const k = get('plain', n);
    const ratio = cpuPerApp('production', n) / cpuPerApp('plain', n);
    console.log(`  N=${String(n).padStart(4)}: ${f(ratio, 2)}x  ${ratio <= 2 ? 'OK' : 'OVER TARGET'}`
      + `  (wall ${f(wallPerApp('production', n) / wallPerApp('plain', n), 2)}x; construct only ${f(p.constructMs / k.constructMs, 2)}x;`
      + ` per object ${f((p.cpuMs / p.objects) / (k.cpuMs / k.objects), 2)}x; per KiB of YAML ${f((p.cpuMs / p.yamlBytes) / (k.cpuMs / k.yamlBytes), 2)}x;`
      + ` output ${f(p.objects / k.objects, 1)}x the objects, ${f(p.yamlBytes / k.yamlBytes, 1)}x the YAML)`);
  }
  console.log();
  if (sizes.includes(100) && sizes.includes(1000)) {
    console.log('Verdict 2: linearity, CPU time per app at N=1000 / at N=100 (target <= 1.5x, flat is 1.0x)');
    for (const variant of VARIANTS) {
      const ratio = cpuPerApp(variant, 1000) / cpuPerApp(variant, 100);
      console.log(`  ${LABEL[variant].padEnd(13)}: ${f(cpuPerApp(variant, 100), 3)} -> ${f(cpuPerApp(variant, 1000), 3)} ms/app = ${f(ratio, 2)}x`
        + `  ${ratio <= 1.5 ? 'OK' : 'NOT LINEAR'}  (wall ${f(wallPerApp(variant, 1000) / wallPerApp(variant, 100), 2)}x)`);
    }
  } else {
    console.log('Verdict 2: linearity needs N=100 and N=1000 (skipped with --quick)');
  }
  console.log();
  console.log(`Benchmark took ${f((Date.now() - started) / 1000)} s. It is a measurement, not a test: the exit code is 0 whatever the verdicts.`);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
