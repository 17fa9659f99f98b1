#!/usr/bin/env node
// The `app:` of cdk8s.yaml: synthesizes every example app into its own output folder.
//
// For each folder examples/<name>/ (sorted by name), runs the compiled app
// `node build/examples/<name>/main.js` (each ends with `synthApp(app)`, the library's drop-in for
// `app.synth()`) with CDK8S_OUTDIR=<CDK8S_OUTDIR or dist>/<name>. Every other
// environment variable (CDK8S_RECORD_CONSTRUCT_METADATA, ...) is passed through unchanged.
//
// `npm run synth` compiles first (`npm run compile`), then `cdk8s synth` empties the output folder
// and runs this script. Run on its own, the script empties each example's folder before running it,
// so stale files never survive.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const buildDir = path.join(root, 'build');
// Relative to where cdk8s (or the user) runs us, as cdk8s itself does.
const outdir = path.resolve(process.env.CDK8S_OUTDIR || 'dist');

/** A path as the user would type it: relative when inside the working directory. */
function show(p) {
  const rel = path.relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

function fail(message) {
  console.error(`synth-examples: ${message}`);
  process.exit(1);
}

const names = fs.existsSync(examplesDir)
  ? fs.readdirSync(examplesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    // Plain code-unit order: the same on every machine and in every locale.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  : [];

// cdk8s synth requires the output folder to exist, even when there is nothing to synthesize.
fs.mkdirSync(outdir, { recursive: true });

if (names.length === 0) {
  console.log(`synth-examples: no examples/<name>/ folders found; nothing to synthesize into ${show(outdir)}`);
  process.exit(0);
}

// Check everything before running anything, so that one message lists every problem.
const problems = [];
const entryPoint = path.join(buildDir, 'lib', 'index.js');
if (!fs.existsSync(entryPoint)) {
  problems.push(`the compiled library ${path.relative(root, entryPoint)} is missing (the examples import it as '@platform/cdk8s-production')`);
}
for (const name of names) {
  const source = path.join(examplesDir, name, 'main.ts');
  const compiled = path.join(buildDir, 'examples', name, 'main.js');
  if (!fs.existsSync(source)) {
    problems.push(`example '${name}': ${path.relative(root, source)} is missing (every folder under examples/ must be an app with a main.ts)`);
  } else if (!fs.existsSync(compiled)) {
    problems.push(`example '${name}': build output ${path.relative(root, compiled)} is missing`);
  }
}
if (problems.length > 0) {
  fail(`cannot synthesize the examples:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`
    + 'Run `npm run compile` first (`npm run synth` does it for you)');
}

const failed = [];
for (const name of names) {
  const compiled = path.join(buildDir, 'examples', name, 'main.js');
  const target = path.join(outdir, name);
  fs.rmSync(target, { recursive: true, force: true });
  console.log(`synth-examples: examples/${name} -> ${show(target)}`);
  const result = spawnSync(process.execPath, [compiled], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CDK8S_OUTDIR: target },
  });
  if (result.error) {
    failed.push(`example '${name}': could not run node ${path.relative(root, compiled)}: ${result.error.message}`);
  } else if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
    failed.push(`example '${name}': node ${path.relative(root, compiled)} ${how} (see its output above)`);
  } else if (!fs.existsSync(target) || !fs.readdirSync(target).some((f) => f.endsWith('.yaml'))) {
    failed.push(`example '${name}': wrote no manifest to ${show(target)} (does main.ts call synthApp(app) or app.synth()?)`);
  }
}

if (failed.length > 0) {
  fail(`${failed.length} of ${names.length} example(s) failed:\n${failed.map((f) => `  - ${f}`).join('\n')}`);
}
console.log(`synth-examples: synthesized ${names.length} example(s): ${names.join(', ')}`);
