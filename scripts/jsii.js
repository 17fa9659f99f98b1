#!/usr/bin/env node
// Builds the library with jsii, the compiler of cdk8s and cdk8s-plus, which checks that the public API
// can be used from Python, Java, C# and Go, and writes the jsii assembly (`.jsii`) that jsii-pacmak and
// jsii-docgen read.
//
// jsii compiles into the `outDir` of its tsconfig, and finds the entry point through package.json's
// `types` (build/lib/index.d.ts), so its outDir has to be `build/`. To leave the tsc build in `build/`
// alone, the package is staged in `build-jsii/` (git-ignored): package.json, tsconfig.jsii.json, the
// docs files, `lib/` and `imports/` are copied there, `node_modules` is linked, and jsii runs in that
// copy. The assembly is build-jsii/.jsii and the compiled package build-jsii/build/.
//
// Usage:
//   node scripts/jsii.js              compile; exit 1 on any jsii error or warning (--fail-on-warnings)
//
// One warning is turned off, JSII6 (metadata/missing-dev-dependency): jsii's packaging convention
// that each devDependency on a peer be that peer's floor version. Here the devDependencies are
// deliberately the newest cdk8s and constructs, and scripts/consumer-test.sh installs the floors
// (cdk8s 2.68.12, constructs 10.3.0) in a scratch app. It says nothing about the public API; every
// API warning (reserved words, ...) stays on and fails the build.
//   node scripts/jsii.js --python     then generate the Python package into dist-jsii/python
//                                     (jsii-pacmak --code-only: the source package, no pip or twine)
//   node scripts/jsii.js --docs       then write API.md with jsii-docgen (as `npm run docs`)
//   node scripts/jsii.js --docs-check then exit 1 if API.md is not what jsii-docgen generates
//
// The summary line `jsii: <n> errors, <m> warnings` is what test/jsii.test.ts reads.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const stage = path.join(root, 'build-jsii');
const COPIED = ['package.json', 'tsconfig.jsii.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'lib', 'imports'];

function stagePackage() {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const entry of COPIED) {
    fs.cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  }
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(stage, 'node_modules'), 'dir');
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: stage, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function compile() {
  stagePackage();
  const jsii = path.join(path.dirname(require.resolve('jsii/package.json')), 'bin', 'jsii');
  const { status, output } = run([jsii, '--fail-on-warnings', '--silence-warnings', 'JSII6']);
  // Diagnostics look like `lib/x.ts:1:2 - error JSII1234: ...` or `warning JSII6: ...`.
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const errors = (plain.match(/\berror JSII\d+/g) ?? []).length + (plain.match(/\berror TS\d+/g) ?? []).length;
  const warnings = (plain.match(/\bwarning JSII\d+/g) ?? []).length;
  process.stdout.write(plain.split('\n').filter((l) => !/^!!/.test(l)).join('\n'));
  console.log(`jsii: ${errors} errors, ${warnings} warnings (assembly: build-jsii/.jsii)`);
  if (status !== 0 || errors > 0 || warnings > 0 || !fs.existsSync(path.join(stage, '.jsii'))) {
    console.error('jsii: the build failed');
    process.exit(1);
  }
}

function packagePython() {
  const outdir = path.join(root, 'dist-jsii');
  fs.rmSync(outdir, { recursive: true, force: true });
  const pacmak = path.join(path.dirname(require.resolve('jsii-pacmak/package.json')), 'bin', 'jsii-pacmak');
  const { status, output } = run([pacmak, '--targets', 'python', '--code-only', '--outdir', outdir, stage]);
  process.stdout.write(output.split('\n').filter((l) => !/^!!/.test(l)).join('\n'));
  const setup = path.join(outdir, 'python', 'setup.py');
  if (status !== 0 || !fs.existsSync(setup)) {
    console.error('jsii-pacmak: the Python package was not generated');
    process.exit(1);
  }
  console.log(`jsii-pacmak: Python package in ${path.relative(root, path.dirname(setup))}`);
}

module.exports = { root, stage, compile, packagePython, run };

if (require.main === module) {
  compile();
  if (process.argv.includes('--python')) {
    packagePython();
  }
  if (process.argv.includes('--docs') || process.argv.includes('--docs-check')) {
    require('./api-docs').apiDocs(process.argv.includes('--docs-check'));
  }
}
