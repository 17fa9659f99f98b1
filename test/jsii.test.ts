import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// The jsii build: the public API compiles with jsii with no error and no warning (reserved words included), so
// that it can be used from Python, Java, C# and Go; jsii-pacmak generates the Python package from the assembly;
// API.md is what jsii-docgen generates from it. One run of scripts/jsii.js does all three (jsii takes a minute
// or two on its own), and every assertion reads its output.
const ROOT = path.join(__dirname, '..');
const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'jsii.js'), '--python', '--docs-check'], {
  cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
});
const output = `${result.stdout}${result.stderr}`;

describe('jsii build', () => {
  test('jsii compiles the public API with zero errors and zero warnings', () => {
    expect(output.match(/^.*\b(error|warning) (JSII|TS)\d+.*$/gm) ?? []).toEqual([]);
    expect(output).toMatch(/^jsii: 0 errors, 0 warnings/m);
    expect(fs.existsSync(path.join(ROOT, 'build-jsii', '.jsii'))).toBe(true);
  });

  test('the assembly exposes the static members that replace the free functions', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, 'build-jsii', '.jsii'), 'utf8'));
    const statics = (fqn: string): string[] => [
      ...(assembly.types[fqn]?.methods ?? []), ...(assembly.types[fqn]?.properties ?? []),
    ].filter((m: { static?: boolean }) => m.static).map((m: { name: string }) => m.name);
    expect(statics('@platform/cdk8s-production.RulePack')).toEqual(expect.arrayContaining(['check', 'formatReport', 'DEFAULT_RULES']));
    expect(statics('@platform/cdk8s-production.Synth')).toEqual(expect.arrayContaining(['app', 'appYaml', 'appManifests']));
    expect(statics('@platform/cdk8s-production.Warnings')).toEqual(expect.arrayContaining(['collect', 'METADATA_KEY']));
    expect(statics('@platform/cdk8s-production.Reachability')).toEqual(['mayReach']);
    expect(assembly.targets.python).toEqual({ module: 'cdk8s_production', distName: 'platform-cdk8s-production' });
  });

  test('jsii-pacmak generates the Python package', () => {
    const pkg = path.join(ROOT, 'dist-jsii', 'python');
    expect(output).toMatch(/jsii-pacmak: Python package in dist-jsii[/\\]python/);
    expect(fs.readFileSync(path.join(pkg, 'setup.py'), 'utf8')).toContain('platform-cdk8s-production');
    const init = fs.readFileSync(path.join(pkg, 'src', 'cdk8s_production', '__init__.py'), 'utf8');
    expect(init).toMatch(/^class ProductionApp\(/m);
    expect(init).toMatch(/^class RulePack\(/m);
    // the npm tarball inside, which the jsii runtime loads: the compiled library and its assembly
    const jsiiDir = path.join(pkg, 'src', 'cdk8s_production', '_jsii');
    const tarball = fs.readdirSync(jsiiDir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe('cdk8s-production@0.1.0.jsii.tgz');
    const listing = spawnSync('tar', ['tzf', path.join(jsiiDir, tarball!)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/.jsii', 'package/build/lib/index.js', 'package/package.json']));
  });

  test('API.md is up to date with the public API', () => {
    expect(output).toMatch(/api-docs: API\.md is up to date/);
    expect(result.status).toBe(0);
  });
});
