#!/usr/bin/env bash
# Proves that the package works for a consumer, the way it will be installed from the registry:
#  1. compiles the library and checks what `npm pack` would ship;
#  2. packs it, installs the tarball with its peer dependencies into a scratch cdk8s app created
#     OUTSIDE the repository (so nothing resolves through the repository's node_modules, tsconfig
#     paths or package self-reference);
#  3. compiles a TypeScript consumer that imports '@platform/cdk8s-production' (both with classic
#     `node` module resolution and with `node16`, which reads the `exports` map), runs it with node,
#     and checks the synthesized objects.
# Needs only the npm registry (for `npm install`). Set KEEP_TMP=1 to keep the scratch folders.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG_NAME='@platform/cdk8s-production'
# The peer dependency versions the library is developed and tested with (package.json devDependencies), and the
# floor of each peer range in package.json: the consumer is synthesized with both.
PEERS=(cdk8s@2.70.106 cdk8s-plus-28@2.5.6 constructs@10.8.1)
FLOOR_PEERS=(cdk8s@2.68.12 cdk8s-plus-28@2.5.6 constructs@10.3.0)
TOOLS=(typescript@5.9.3 @types/node@20.19.43 @types/jest@30.0.0)

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
step() { echo; echo "== $*"; }
abort() { echo "FAIL: $*"; echo; echo "consumer test: FAILED"; exit 1; }

PACK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-production-pack.XXXXXX")"
APP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-production-consumer.XXXXXX")"
cleanup() {
  if [[ "${KEEP_TMP:-}" == 1 ]]; then
    echo "kept: $PACK_DIR $APP_DIR"
  else
    rm -rf "$PACK_DIR" "$APP_DIR"
  fi
}
trap cleanup EXIT

case "$APP_DIR/" in
  "$ROOT"/*) abort "the scratch app ($APP_DIR) must be outside the repository ($ROOT); set TMPDIR elsewhere" ;;
esac

cd "$ROOT"

step "compile the library (npm run compile)"
npm run compile --silent || abort "npm run compile failed"
pass "library compiled"

# ---------------------------------------------------------------------------------------------
step "check the tarball contents (npm pack --dry-run --json)"
npm pack --dry-run --json --ignore-scripts > "$PACK_DIR/pack.json" || abort "npm pack --dry-run failed"
node - "$PACK_DIR/pack.json" <<'EOF' || failures=$((failures + 1))
const fs = require('fs');
const [info] = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const files = info.files.map((f) => f.path).sort();
let failed = 0;
const check = (ok, what, offenders = []) => {
  console.log(`${ok ? 'PASS' : 'FAIL'}: tarball ${what}${ok || offenders.length === 0 ? '' : `: ${offenders.slice(0, 10).join(', ')}${offenders.length > 10 ? `, ... (${offenders.length} in all)` : ''}`}`);
  if (!ok) failed++;
};
const has = (f) => files.includes(f);
const matching = (re) => files.filter((f) => re.test(f));

console.log(`   ${info.name}@${info.version}: ${files.length} files, ${(info.size / 1024).toFixed(0)} kB packed, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked`);
check(has('package.json'), 'ships package.json');
check(has('README.md'), 'ships README.md');
check(has('build/lib/index.js') && has('build/lib/index.d.ts'), 'ships build/lib/index.js and build/lib/index.d.ts (main, types, exports)');
const js = matching(/^build\/lib\/.*\.js$/);
const missingDts = js.filter((f) => !has(f.replace(/\.js$/, '.d.ts')));
check(js.length > 0 && missingDts.length === 0, `ships a .d.ts beside each of the ${js.length} build/lib .js files`, missingDts);
// Every relative require() of a shipped file must resolve to a shipped file.
const dangling = [];
for (const f of js.concat(matching(/^build\/imports\/.*\.js$/))) {
  const source = fs.readFileSync(f, 'utf8');
  for (const m of source.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
    const target = require('path').posix.join(require('path').posix.dirname(f), m[1]);
    if (![target, `${target}.js`, `${target}.json`, `${target}/index.js`].some(has)) dangling.push(`${f} -> ${m[1]}`);
  }
}
check(dangling.length === 0, 'has every file that its compiled code requires', dangling);
check(matching(/^lib\//).length === 0, 'does not ship lib/ (TypeScript sources)', matching(/^lib\//));
check(matching(/(^|\/)[^/]+(?<!\.d)\.ts$/).length === 0, 'does not ship any .ts source (only .d.ts)', matching(/(^|\/)[^/]+(?<!\.d)\.ts$/));
check(matching(/^(build\/)?test\//).length === 0, 'does not ship test/', matching(/^(build\/)?test\//));
check(matching(/^(build\/)?examples\//).length === 0, 'does not ship examples/', matching(/^(build\/)?examples\//));
check(matching(/^(build\/)?scripts\//).length === 0, 'does not ship scripts/', matching(/^(build\/)?scripts\//));
// Only the runtime dependencies it bundles (bundledDependencies: jsii packages ship their non-jsii dependencies),
// with their own dependencies.
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const bundled = new Set(pkg.bundledDependencies ?? []);
for (const dep of [...bundled]) {
  for (const sub of Object.keys(JSON.parse(fs.readFileSync(`node_modules/${dep}/package.json`, 'utf8')).dependencies ?? {})) bundled.add(sub);
}
const unbundled = matching(/(^|\/)node_modules\//).filter((f) => !bundled.has(/^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]));
check(unbundled.length === 0, `ships only the bundled dependencies in node_modules (${[...bundled].sort().join(', ')})`, unbundled);
check(has('node_modules/yaml/package.json') && has('node_modules/js-yaml/package.json'), 'bundles yaml and js-yaml');
check(matching(/^imports\//).length === 0, 'does not ship imports/ sources', matching(/^imports\//));
check(matching(/(^|\/)schemas\/[^/]+\.json$/).length === 0, 'does not ship the test-only validation schemas', matching(/(^|\/)schemas\/[^/]+\.json$/));
check(matching(/^dist\//).length === 0, 'does not ship dist/ (synthesized examples)', matching(/^dist\//));
check(matching(/\.tsbuildinfo$|\.tgz$|(^|\/)\.ci\//).length === 0, 'does not ship build state, tarballs or CI files', matching(/\.tsbuildinfo$|\.tgz$|(^|\/)\.ci\//));
process.exit(failed === 0 ? 0 : 1);
EOF

# ---------------------------------------------------------------------------------------------
step "pack the library (npm pack)"
npm pack --json --ignore-scripts --pack-destination "$PACK_DIR" > "$PACK_DIR/packed.json" || abort "npm pack failed"
TARBALL="$PACK_DIR/$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename)' "$PACK_DIR/packed.json")"
[[ -f "$TARBALL" ]] || abort "npm pack did not write $TARBALL"
pass "packed $(basename "$TARBALL")"

# ---------------------------------------------------------------------------------------------
step "create a consumer cdk8s app in $APP_DIR and install the tarball with its peer dependencies"
cd "$APP_DIR"
cat > package.json <<'EOF'
{
  "name": "consumer-test-app",
  "version": "0.0.0",
  "private": true,
  "license": "UNLICENSED"
}
EOF
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "ES2020",
    "lib": ["es2020"],
    "module": "commonjs",
    "moduleResolution": "node",
    "strict": true,
    "declaration": false,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "types": ["node"],
    "outDir": "out"
  },
  "files": ["main.ts"]
}
EOF
# The same consumer with node16 resolution, which honours the package's `exports` map.
cat > tsconfig.node16.json <<'EOF'
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "module": "node16", "moduleResolution": "node16", "noEmit": true }
}
EOF
# The README's matcher snippet, compiled under each module resolution a cdk8s app uses: node (node10, the
# `cdk8s init typescript-app` template), node16 and bundler.
cat > matchers.ts <<'EOF'
import { Chart, Testing } from 'cdk8s';
import { ProductionApp } from '@platform/cdk8s-production';
import '@platform/cdk8s-production/testing';

export function checkChart(chart: Chart): void {
  new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.2.3', port: 8080, healthPath: '/healthz' });
  expect(chart).toBeProductionReady();
  expect(Testing.synth(chart)).toPassRule('ingress-tls');
}
EOF
for resolution in node node16 bundler; do
  module=commonjs
  [[ "$resolution" == node16 ]] && module=node16
  [[ "$resolution" == bundler ]] && module=esnext
  cat > "tsconfig.matchers.$resolution.json" <<EOF2
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "module": "$module", "moduleResolution": "$resolution", "noEmit": true, "types": ["node", "jest"] },
  "files": ["matchers.ts"]
}
EOF2
done
cat > main.ts <<'EOF'
import { App, Chart } from 'cdk8s';
import { ProductionApp, Synth } from '@platform/cdk8s-production';

const app = new App();
const chart = new Chart(app, 'consumer');
new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.2.3', port: 8080, healthPath: '/healthz' });
Synth.app(app);
EOF

echo "+ npm install --no-audit --no-fund $(basename "$TARBALL") ${PEERS[*]} ${TOOLS[*]}"
npm install --no-audit --no-fund --no-package-lock "$TARBALL" "${PEERS[@]}" "${TOOLS[@]}" \
  || abort "npm install of the tarball and its peer dependencies failed"
pass "installed $PKG_NAME from the tarball with ${PEERS[*]}"

[[ ! -e "node_modules/$PKG_NAME/lib" && ! -e "node_modules/$PKG_NAME/test" ]] \
  && pass "installed package has no sources or tests" \
  || fail "installed package contains lib/ or test/"

# Plain node resolution, from outside any TypeScript setup: the `exports` map must work.
if node -e "const m = require('$PKG_NAME'); if (typeof m.ProductionApp !== 'function') { console.error('ProductionApp is ' + typeof m.ProductionApp); process.exit(1); }"; then
  pass "require('$PKG_NAME') exports ProductionApp"
else
  fail "require('$PKG_NAME') does not export ProductionApp"
fi

# ---------------------------------------------------------------------------------------------
step "compile the consumer with tsc (moduleResolution node, then node16)"
if npx --no-install tsc -p tsconfig.json; then
  pass "consumer compiles (moduleResolution node)"
else
  fail "consumer does not compile (moduleResolution node)"
fi
if npx --no-install tsc -p tsconfig.node16.json; then
  pass "consumer compiles (moduleResolution node16, through the exports map)"
else
  fail "consumer does not compile (moduleResolution node16, through the exports map)"
fi

for resolution in node node16 bundler; do
  if npx --no-install tsc -p "tsconfig.matchers.$resolution.json"; then
    pass "the README's matcher snippet compiles (moduleResolution $resolution)"
  else
    fail "the README's matcher snippet does not compile (moduleResolution $resolution)"
  fi
done

step "synthesize the consumer (node out/main.js)"
rm -rf dist
if [[ ! -f out/main.js ]]; then
  fail "out/main.js was not emitted; cannot synthesize"
elif env -u CDK8S_OUTDIR node out/main.js; then
  pass "consumer synthesized"
else
  fail "node out/main.js failed"
fi

step "check the synthesized objects in dist/"
node - <<'EOF' || failures=$((failures + 1))
const fs = require('fs');
const path = require('path');
// a dependency the package bundles (bundledDependencies, as jsii requires), so it is installed inside the package
const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('@platform/cdk8s-production/package.json'))] }));
const files = fs.existsSync('dist') ? fs.readdirSync('dist').filter((f) => f.endsWith('.yaml')).sort() : [];
const objects = files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join('dist', f), 'utf8')).map((d) => d.toJS()).filter(Boolean));
console.log(`   ${files.length} manifest file(s): ${files.join(', ') || '(none)'}; ${objects.length} object(s): ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
let failed = 0;
for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceAccount']) {
  const found = objects.filter((o) => o.kind === kind);
  console.log(`${found.length > 0 ? 'PASS' : 'FAIL'}: dist/ contains a ${kind}${found.length > 0 ? ` (${found.map((o) => `${o.apiVersion} ${o.metadata?.name}`).join(', ')})` : ''}`);
  if (found.length === 0) failed++;
}
const deployment = objects.find((o) => o.kind === 'Deployment');
const images = (deployment?.spec?.template?.spec?.containers ?? []).map((c) => c.image);
const ok = images.includes('registry.example.com/web:1.2.3');
console.log(`${ok ? 'PASS' : 'FAIL'}: the Deployment runs registry.example.com/web:1.2.3 (images: ${images.join(', ') || 'none'})`);
if (!ok) failed++;
process.exit(failed === 0 ? 0 : 1);
EOF

step "check the synthesized app with the installed command line (npx cdk8s-production-check dist --profile prod)"
if check_out=$(cd "$APP_DIR" && npx --no-install cdk8s-production-check dist --profile prod 2>&1); then
  echo "$check_out" | sed 's/^/   /'
  if echo "$check_out" | grep -q "): passed, 0 error(s)"; then
    pass "the installed cdk8s-production-check reports the ProductionApp production ready"
  else
    fail "cdk8s-production-check exited 0 without a passing total line"
  fi
else
  echo "$check_out" | sed 's/^/   /'
  fail "cdk8s-production-check reported findings or failed"
fi

# ---------------------------------------------------------------------------------------------
step "synthesize the same consumer with the floor of every peer range (${FLOOR_PEERS[*]})"
FLOOR_DIR="$APP_DIR/floor"
mkdir -p "$FLOOR_DIR/out"
cp package.json "$FLOOR_DIR/" && cp out/main.js "$FLOOR_DIR/out/"
if (cd "$FLOOR_DIR" && npm install --no-audit --no-fund --no-package-lock "$TARBALL" "${FLOOR_PEERS[@]}" > install.log 2>&1); then
  versions=$(cd "$FLOOR_DIR" && node -e "console.log(['cdk8s', 'cdk8s-plus-28', 'constructs'].map((p) => p + '@' + require(p + '/package.json').version).join(' '))")
  if (cd "$FLOOR_DIR" && env -u CDK8S_OUTDIR node out/main.js && ls dist/*.yaml > /dev/null \
    && npx --no-install cdk8s-production-check dist --profile prod > check.log 2>&1); then
    pass "consumer synthesizes and passes the checks with $versions"
  else
    sed 's/^/   /' "$FLOOR_DIR/check.log" 2>/dev/null
    fail "consumer fails with $versions"
  fi
else
  tail -20 "$FLOOR_DIR/install.log" | sed 's/^/   /'
  fail "npm install of the tarball with the floor peer versions failed"
fi

echo
if (( failures > 0 )); then
  echo "consumer test: FAILED ($failures failed check group(s))"
  exit 1
fi
echo "consumer test: PASSED"
