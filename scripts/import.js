#!/usr/bin/env node
// Regenerates everything under imports/ (never edit those files by hand):
//  1. the cdk8s L1 classes for every CRD listed under `imports:` in cdk8s.yaml (`cdk8s import`);
//  2. imports/schemas/k8s-1.28.json: the Kubernetes 1.28 API definitions, for strict validation in tests;
//  3. imports/schemas/crds.json: the openAPIV3Schema of every served version of every imported CRD,
//     keyed by "<group>/<version>/<Kind>".
// Needs ../shared (the reference material beside the repository); nothing else in the project does.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const shared = path.resolve(root, '..', 'shared');
const schemaDir = path.join(root, 'imports', 'schemas');

if (!fs.existsSync(shared)) {
  console.error(`npm run import: ${shared} not found; the CRDs and the Kubernetes schema are read from there`);
  process.exit(1);
}

const config = YAML.parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
const specs = config.imports ?? [];

// 1. cdk8s import of every CRD (the CLI reads the `imports:` list itself).
execFileSync(process.execPath, [
  path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'),
  'import', '--no-check-upgrade', '--language', 'typescript', '--output', 'imports',
], { cwd: root, stdio: 'inherit' });

fs.mkdirSync(schemaDir, { recursive: true });

// 2. Kubernetes 1.28 definitions.
const k8s = JSON.parse(fs.readFileSync(path.join(shared, 'k8s-schema', 'v1.28.0', '_definitions.json'), 'utf8'));
fs.writeFileSync(path.join(schemaDir, 'k8s-1.28.json'), JSON.stringify(k8s) + '\n');

// 3. CRD schemas.
const crds = {};
for (const spec of specs) {
  const file = spec.split(':=')[1];
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.resolve(root, file), 'utf8'))) {
    const crd = doc.toJS();
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      crds[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = {
        scope: crd.spec.scope,
        schema: version.schema.openAPIV3Schema,
      };
    }
  }
}
const sorted = Object.fromEntries(Object.keys(crds).sort().map((k) => [k, crds[k]]));
fs.writeFileSync(path.join(schemaDir, 'crds.json'), JSON.stringify(sorted) + '\n');
console.log(`imports/schemas: k8s-1.28.json (${Object.keys(k8s.definitions).length} definitions), crds.json (${Object.keys(sorted).length} kinds)`);
