import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject, RulePack } from '../../lib/rules';

// Every app under examples/ is run as `cdk8s synth` runs it, and judged by the rule pack.
const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const examples = fs.existsSync(EXAMPLES_DIR)
  ? fs.readdirSync(EXAMPLES_DIR).filter((n) => fs.existsSync(path.join(EXAMPLES_DIR, n, 'main.ts'))).sort()
  : [];

function synthObjects(name: string): KubeObject[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `rules-example-${name}-`));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      require(path.join(EXAMPLES_DIR, name, 'main.ts'));
    });
    return fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort()
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
      .filter((o) => o);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('there are examples to judge', () => {
  expect(examples.length).toBeGreaterThan(0);
});


describe.each(examples)('example %s', (name) => {
  // synthesized in beforeAll, so that an example that fails to synthesize fails its own tests only
  let objects: KubeObject[] = [];
  beforeAll(() => {
    objects = synthObjects(name);
  });

  for (const profile of RulePack.PROFILE_NAMES) {
    test(`has zero findings in ${profile}`, () => {
      expect(objects.length).toBeGreaterThan(0);
      const report = RulePack.check(objects, { profile });
      expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    });
  }
});
