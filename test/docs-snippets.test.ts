import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as lib from '../lib';

// Every TypeScript snippet of README.md, and every example of API.md (from the TSDoc `@example` of each construct),
// is type-checked and run: a snippet a user copies must compile and synthesize in prod.
//
// Snippets may use a few names without declaring them, as documentation does: `app`, `chart` (a prod chart),
// `platform` (a chart without a namespace), `shop` and `ns` (a ProductionNamespace), `web` and `api` (apps in it,
// api serving port 9000) and `database` (a NetworkPeer for a database outside the cluster). A snippet that
// declares one of them itself uses its own.

const ROOT = path.join(__dirname, '..');

interface Snippet {
  readonly source: string;
  readonly line: number;
  readonly code: string;
}

/**
 * The ```ts blocks of README.md; in API.md (jsii-docgen's shape) the ```typescript blocks of the `*Example*`
 * sections, which hold the TSDoc `@example` of each construct and class.
 */
function snippetsOf(file: string, examplesOnly: boolean): Snippet[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== (examplesOnly ? '```typescript' : '```ts')) continue;
    const heading = lines.slice(Math.max(0, i - 3), i).some((l) => l.trim() === '*Example*');
    const end = lines.indexOf('```', i + 1);
    if (!examplesOnly || heading) {
      out.push({ source: file, line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return out;
}

const VALUE_EXPORTS = Object.keys(lib).filter((k) => k !== 'default');

/** Every name the package root exports, types included (interfaces such as `IRule` are only types). */
function exportedNames(): string[] {
  const entry = path.join(ROOT, 'lib', 'index.ts');
  const program = ts.createProgram([entry], { skipLibCheck: true, noResolve: false, types: [] });
  const checker = program.getTypeChecker();
  return checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!).map((s) => s.getName());
}
const TYPE_EXPORTS = exportedNames().filter((n) => !VALUE_EXPORTS.includes(n));
const CDK8S_NAMES = ['ApiObject', 'App', 'Chart', 'Duration', 'JsonPatch', 'Size', 'Testing'];

/** The snippet as a module: its imports hoisted, the documented names provided, the body in its own block. */
function moduleOf(snippet: Snippet, outdir: string): string {
  const imports = snippet.code.split('\n').filter((l) => /^import /.test(l));
  const body = snippet.code.split('\n').filter((l) => !/^import /.test(l)).join('\n');
  const imported = new Set(imports.flatMap((l) => (/\{([^}]*)\}/.exec(l)?.[1] ?? '').split(',').map((n) => n.trim()).filter(Boolean)));
  const libNames = VALUE_EXPORTS.filter((n) => !imported.has(n));
  const cdk8sNames = CDK8S_NAMES.filter((n) => !imported.has(n));
  return [
    ...imports,
    'import * as __cdk8s from \'cdk8s\';',
    'import * as __lib from \'@platform/cdk8s-production\';',
    `import type { ${TYPE_EXPORTS.filter((n) => !imported.has(n)).join(', ')} } from '@platform/cdk8s-production';`,
    ...(imports.some((l) => /\bkplus\b/.test(l)) ? [] : ['import * as kplus from \'cdk8s-plus-28\';']),
    '',
    'export function run(): void {',
    `  process.env.CDK8S_OUTDIR = ${JSON.stringify(outdir)};`,
    `  const { ${cdk8sNames.join(', ')} } = __cdk8s;`,
    `  const { ${libNames.join(', ')} } = __lib;`,
    '  const app = new App();',
    '  const chart = new Chart(app, \'snippet\', { namespace: \'snippet\' });',
    '  const platform = new Chart(app, \'snippet-platform\');',
    '  const shop = new ProductionNamespace(chart, \'SnippetShop\', { name: \'snippet-shop\' });',
    '  const ns = shop;',
    '  const web = new ProductionApp(shop, \'SnippetWeb\', { name: \'snippet-web\', image: \'registry.example.com/web:1.0.0\', port: 8080, healthPath: \'/healthz\' });',
    '  const api = new ProductionApp(shop, \'SnippetApi\', { name: \'snippet-api\', image: \'registry.example.com/api:1.0.0\', port: 9000, healthPath: \'/healthz\' });',
    '  const database = NetworkPeer.cidr(\'10.30.0.0/24\');',
    '  void [platform, ns, web, api, database, kplus];',
    '  {',
    body.split('\n').map((l) => `    ${l}`).join('\n'),
    '  }',
    '  app.synth();',
    '}',
    '',
  ].join('\n');
}

const SNIPPETS = [...snippetsOf('README.md', false), ...snippetsOf('API.md', true)];
// Inside the repository (build/ is ignored by git), so that the snippets resolve cdk8s and the library as a user's app does.
fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
const WORK = fs.mkdtempSync(path.join(ROOT, 'build', 'snippets-'));
const FILES = SNIPPETS.map((s, i) => {
  const file = path.join(WORK, `snippet-${i}.ts`);
  fs.writeFileSync(file, moduleOf(s, path.join(WORK, `dist-${i}`)));
  return file;
});

/** Type errors of every snippet, by file, from one TypeScript program with the repository's settings. */
function typeErrors(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.test.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined,
  })!;
  const options: ts.CompilerOptions = {
    ...config.options, noEmit: true, incremental: false, rootDir: undefined, noUnusedLocals: false, baseUrl: ROOT,
    paths: { ...(config.options.paths ?? {}) },
  };
  const program = ts.createProgram(FILES, options);
  const out = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file || !FILES.includes(d.file.fileName)) continue;
    const list = out.get(d.file.fileName) ?? [];
    list.push(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    out.set(d.file.fileName, list);
  }
  return out;
}

describe('every documented snippet compiles and synthesizes', () => {
  let errors: Map<string, string[]>;
  beforeAll(() => {
    errors = typeErrors();
  });
  afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

  test('there are snippets in README.md and API.md', () => {
    expect(SNIPPETS.filter((s) => s.source === 'README.md').length).toBeGreaterThanOrEqual(4);
    expect(SNIPPETS.filter((s) => s.source === 'API.md').length).toBeGreaterThanOrEqual(8);
  });

  test.each(SNIPPETS.map((s, i) => [`${s.source}:${s.line}`, i] as const))('%s', (_where, i) => {
    expect(errors.get(FILES[i]) ?? []).toEqual([]);
    process.env.CDK8S_PRODUCTION_QUIET = '1';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(FILES[i]) as { run: () => void };
    expect(() => mod.run()).not.toThrow();
  });
});
