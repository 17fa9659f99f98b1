import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { parseAllDocuments, stringify } from 'yaml';
import { _registerAppChecks } from '../../lib/internal/app-checks';
import { ProductionReadinessValidation, ValidationContextLike, ValidationViolationReport } from '../../lib/validation';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** A fake cdk8s-cli context that records what the plugin reports, and what it writes to stdout and stderr. */
function fakeContext(manifests: string[], metadata: { [name: string]: { path: string } } = {}) {
  const violations: ValidationViolationReport[] = [];
  const submitted: { status: string; metadata?: { readonly [k: string]: string } }[] = [];
  const logs: string[] = [];
  const stdout: string[] = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { logs.push(String(chunk)); return true; });
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { stdout.push(String(chunk)); return true; });
  const context: ValidationContextLike = {
    manifests,
    metadata,
    report: {
      addViolation: (v) => violations.push(v),
      submit: (status, meta) => submitted.push({ status, metadata: meta }),
    },
    logger: { log: (m) => stdout.push(m) },
  };
  return { context, violations, submitted, logs, stdout };
}

/**
 * A copy of a fixture in a folder of its own, next to the `production-construct-paths.json` the
 * library writes when cdk8s records construct metadata.
 */
function withPaths(fixture: string, paths: { [key: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'fixture-'));
  const file = path.join(dir, path.basename(fixture));
  fs.copyFileSync(path.join(FIXTURES, fixture), file);
  const resources = Object.fromEntries(Object.entries(paths).map(([key, p]) => [key, { path: p }]));
  fs.writeFileSync(path.join(dir, 'production-construct-paths.json'), JSON.stringify({ version: '1.0.0', resources }));
  return file;
}

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prv-')); });
afterEach(() => jest.restoreAllMocks());
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('ProductionReadinessValidation', () => {
  test('passes good manifests and submits success with a summary', async () => {
    const { context, violations, submitted, logs, stdout } = fakeContext([path.join(FIXTURES, 'good', 'hardened-web-app.yaml')]);
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    expect(violations).toEqual([]);
    expect(submitted).toEqual([{ status: 'success', metadata: { profile: 'prod', objects: '11', errors: '0', warnings: '0', exemptions: '0' } }]);
    // one line on stderr, nothing on stdout
    expect(logs.join('')).toBe(`${path.relative(process.cwd(), path.join(FIXTURES, 'good'))}: Production readiness (prod): passed, 0 error(s), 0 warning(s), 0 exemption(s) in 11 object(s)\n`);
    expect(stdout).toEqual([]);
  });

  test('fails the synth on errors, grouping findings by rule with construct paths', async () => {
    // GIVEN a bad manifest, the construct metadata cdk8s-cli read from the output root and the library's own map
    const file = withPaths('bad/host-ports.yaml', { 'apps/v1/Deployment/shop/bad-host-ports': 'prod/Shop/Deployment/Resource' });
    const { context, violations, submitted, logs } = fakeContext([file], { 'bad-host-ports': { path: 'prod/Shop/Deployment/Resource' } });
    // WHEN the plugin validates
    await new ProductionReadinessValidation({ profile: 'prod' }).validate(context);
    // THEN the rule is reported with the object, the construct path, the recommendation and the fix
    expect(violations).toEqual([{
      ruleName: 'host-ports (error)',
      recommendation: 'Containers do not bind ports on the host',
      fix: 'Remove hostPort and expose the container through a Service',
      violatingResources: [{
        resourceName: 'bad-host-ports',
        manifestPath: file,
        locations: ["Deployment bad-host-ports (line 13) spec.template.spec.containers[0]: container 'app' binds host port 8080 [prod/Shop/Deployment/Resource]"],
      }],
    }]);
    expect(submitted[0].status).toBe('failure');
    expect(submitted[0].metadata).toEqual(expect.objectContaining({ errors: '1' }));
    expect(logs.join('')).toContain("prod/Shop/Deployment/Resource (Deployment shop/bad-host-ports)\n  ERROR host-ports: container 'app' binds host port 8080");
  });

  test('in dev the same findings are warnings and the synth succeeds, unless failOn is warning', async () => {
    const manifests = [path.join(FIXTURES, 'bad', 'host-ports.yaml')];
    const dev = fakeContext(manifests);
    await new ProductionReadinessValidation({ profile: 'dev' }).validate(dev.context);
    expect(dev.submitted[0].status).toBe('success');
    expect(dev.violations.map((v) => v.ruleName)).toEqual(['host-ports (warning)']);

    const strict = fakeContext(manifests);
    await new ProductionReadinessValidation({ profile: 'dev', failOn: 'warning' }).validate(strict.context);
    expect(strict.submitted[0].status).toBe('failure');
  });

  test('checks each output folder on its own and reads production-construct-paths.json next to the manifests', async () => {
    // GIVEN two example apps synthesized into dist/<example>/, one of them with its own construct metadata
    const good = path.join(tmp, 'dist', 'web');
    const bad = path.join(tmp, 'dist', 'jobs');
    fs.mkdirSync(good, { recursive: true });
    fs.mkdirSync(bad, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'good', 'hardened-web-app.yaml'), path.join(good, 'web.k8s.yaml'));
    fs.copyFileSync(path.join(FIXTURES, 'bad', 'cronjob-deadline.yaml'), path.join(bad, 'jobs.k8s.yaml'));
    fs.writeFileSync(path.join(bad, 'production-construct-paths.json'), JSON.stringify({
      version: '1.0.0', resources: { 'batch/v1/CronJob/shop/bad-cronjob-deadline': { path: 'jobs/Nightly/Resource' } },
    }));
    const { context, violations, submitted } = fakeContext([path.join(good, 'web.k8s.yaml'), path.join(bad, 'jobs.k8s.yaml')]);
    // WHEN validated
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    // THEN only the bad app is reported, with its construct path
    expect(violations.map((v) => v.ruleName)).toEqual(['cronjob-deadline (error)']);
    expect(violations[0].violatingResources[0].locations[0]).toContain('[jobs/Nightly/Resource]');
    expect(submitted[0].metadata).toEqual(expect.objectContaining({ objects: String(11 + 3), errors: '1' }));
  });

  test('lists exemptions in the summary', async () => {
    const file = path.join(tmp, 'exempt.yaml');
    const docs = parseAllDocuments(fs.readFileSync(path.join(FIXTURES, 'bad', 'host-ports.yaml'), 'utf-8')).map((d) => d.toJS());
    docs.find((d) => d.kind === 'Deployment').metadata.annotations = { 'production.platform.io/exempt-host-ports': 'node-local agent' };
    fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
    const { context, submitted } = fakeContext([file]);
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    expect(submitted[0]).toEqual({ status: 'success', metadata: expect.objectContaining({ exemptions: '1: host-ports on Deployment bad-host-ports (node-local agent)' }) });
  });

  test('reports a document it cannot read as a finding with its line, and judges the rest of the file', async () => {
    // GIVEN a manifest with a stray config document after a NodePort Service
    const file = path.join(tmp, 'junk.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: NodePort}\n---\njust: a config\n');
    const { context, violations, submitted } = fakeContext([file]);
    // WHEN validated
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    // THEN the document is a manifest-input error at line 6, and the Service was still judged
    expect(violations.map((v) => v.ruleName)).toEqual(['manifest-input (error)', 'service-type (error)']);
    expect(violations[0].violatingResources[0].locations[0]).toContain('(line 6)');
    expect(violations[0].violatingResources[0].locations[0]).toContain('not a Kubernetes object');
    expect(submitted[0].status).toBe('failure');
  });

  test('applies the rule configuration from the rules property: disabled rules, severities, custom rules', async () => {
    // GIVEN the NodePort Service, with service-type disabled and a custom rule from a module path
    const file = path.join(tmp, 'svc.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: NodePort}\n');
    const rulesModule = path.join(tmp, 'no-nodeport-name.js');
    fs.writeFileSync(rulesModule, `module.exports = { rules: [{ id: 'service-name-suffix', description: 'Services end in -svc',
      sources: [{ tool: 'platform', check: 'service-name-suffix' }], severity: { dev: 'off', staging: 'warning', prod: 'warning' }, fix: 'Rename',
      check: (ctx) => ctx.ofKind('Service').filter((s) => !s.metadata.name.endsWith('-svc')).map((s) => ({ kubeObject: s, message: 'is not named -svc' })) }] };\n`);
    const { context, violations, submitted, logs } = fakeContext([file]);
    const plugin = new ProductionReadinessValidation({
      rules: { disabled: { 'service-type': 'the edge proxy needs a node port (NET-4)' }, severity: { 'service-name-suffix': { prod: 'error' } }, customRules: [rulesModule] },
    });
    // WHEN validated
    await plugin.validate(context);
    // THEN the disabled rule is silent and listed, and the custom rule fails the synth at its configured severity
    expect(violations.map((v) => v.ruleName)).toEqual(['service-name-suffix (error)']);
    expect(violations[0].recommendation).toBe('Services end in -svc');
    expect(submitted[0].status).toBe('failure');
    expect(logs.join('\n')).toContain('service-type: the edge proxy needs a node port (NET-4)');
  });

  test('reads the rule configuration from a config file, and refuses rules and config together', () => {
    const file = path.join(tmp, 'rules.yaml');
    fs.writeFileSync(file, 'severity:\n  recommended-labels: { prod: error }\n');
    expect(new ProductionReadinessValidation({ config: file }).config.severity).toEqual({ 'recommended-labels': { prod: 'error' } });
    expect(() => new ProductionReadinessValidation({ config: file, rules: {} })).toThrow("'rules' and 'config'");
    expect(() => new ProductionReadinessValidation({ rules: { disabled: { 'cpu-limits': '' } } }))
      .toThrow("'disabled.cpu-limits' gives no reason");
  });

  test('throws on invalid properties, listing every problem', () => {
    expect(() => new ProductionReadinessValidation({ profile: 'production' as never, failOn: 'info' as never })).toThrow(
      "ProductionReadinessValidation properties in cdk8s.yaml are invalid:\n  - 'profile' (\"production\") must be one of dev, staging, prod\n  - 'failOn' (\"info\") must be 'error' or 'warning'");
  });

  test('works with the real cdk8s-cli ValidationContext', async () => {
    // GIVEN the context cdk8s-cli builds for a plugin
    const file = withPaths('bad/ingress-tls.yaml', { 'networking.k8s.io/v1/Ingress/shop/bad-ingress-tls': 'prod/Web/Ingress/Resource' });
    const context = new ValidationContext([file], '@platform/cdk8s-production', '0.1.0', { 'bad-ingress-tls': { path: 'prod/Web/Ingress/Resource' } });
    const log = jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // WHEN the plugin validates
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    // THEN the report fails and its table names the rule and the construct
    expect(context.report.success).toBe(false);
    const text = context.report.toString();
    expect(text).toContain('ingress-tls (error)');
    expect(text).toContain('Construct Path: prod/Web/Ingress/Resource');
    // the plugin's own report goes to stderr, never through cdk8s-cli's logger (stdout)
    expect(log).not.toHaveBeenCalled();
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('prod/Web/Ingress/Resource (Ingress '));
  });
});

describe('the report people read (issue 8)', () => {
  test('one line per finding grouped by construct path, the fix once per rule, a one-line total, all on stderr', async () => {
    // GIVEN a manifest with several findings on one Deployment, and its construct path
    const file = withPaths('bad/host-ports.yaml', { 'apps/v1/Deployment/shop/bad-host-ports': 'prod/Shop/Deployment/Resource' });
    const { context, violations, logs, stdout } = fakeContext([file]);
    // WHEN validated
    await new ProductionReadinessValidation({ profile: 'prod' }).validate(context);
    const text = logs.join('').split('\n');
    // THEN the header names the path once, each finding is one line, each fix appears once, the total is the last line
    expect(text[0]).toBe('prod/Shop/Deployment/Resource (Deployment shop/bad-host-ports)');
    expect(text.filter((l) => l.startsWith('  ERROR ') || l.startsWith('  WARNING '))).toHaveLength(violations.flatMap((v) => v.violatingResources.flatMap((r) => r.locations)).length);
    expect(text.filter((l) => l === '  host-ports: Remove hostPort and expose the container through a Service')).toHaveLength(1);
    expect(text[text.length - 2]).toMatch(/: Production readiness \(prod\): failed, 1 error\(s\), 0 warning\(s\), 0 exemption\(s\) in \d+ object\(s\)$/);
    expect(text[text.length - 1]).toBe('');
    expect(stdout).toEqual([]);
  });

  test('cdk8s-cli gets one violation per rule and one resource per object, with one location per finding', async () => {
    // GIVEN a Deployment missing three resource settings (one rule, three findings)
    const objects = parseAllDocuments(fs.readFileSync(path.join(FIXTURES, 'good', 'hardened-web-app.yaml'), 'utf-8')).map((d) => d.toJS());
    const container = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    container.resources = { limits: { cpu: '1', 'ephemeral-storage': '1Gi' }, requests: { 'ephemeral-storage': '1Gi' } };
    const file = path.join(tmp, 'three-findings.yaml');
    fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    const { context, violations } = fakeContext([file]);
    // WHEN validated
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    // THEN one violation, one resource, three locations
    expect(violations.map((v) => v.ruleName)).toEqual(['container-resources (error)']);
    expect(violations[0].violatingResources).toHaveLength(1);
    expect(violations[0].violatingResources[0].locations).toHaveLength(3);
  });
});

describe('construct paths: every finding carries its own object\'s path, though the objects of one app share a name', () => {
  /** Synthesizes an app whose Deployment and NetworkPolicy are both named 'web', and validates it as cdk8s-cli does. */
  async function synthAndValidate(record: boolean) {
    // GIVEN a real app that records construct metadata (as cdk8s-cli asks when plugins are configured)
    const outdir = fs.mkdtempSync(path.join(tmp, 'paths-'));
    const app = new App({ outdir, recordConstructMetadata: record });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new ApiObject(chart, 'Web', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    });
    new ApiObject(chart, 'Policy', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web' },
      spec: { podSelector: { matchLabels: { app: 'nothing' } }, policyTypes: ['Ingress'] },
    });
    _registerAppChecks(chart);
    // WHEN cdk8s synthesizes it and cdk8s-cli runs the plugin with the construct metadata it read
    app.synth();
    const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join(outdir, f));
    const cdk8sMetadata = record ? JSON.parse(fs.readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf-8')).resources : {};
    const context = new ValidationContext(manifests, '@platform/cdk8s-production', '0.1.0', cdk8sMetadata);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    return { outdir, context, cdk8sMetadata };
  }

  test('with construct metadata recorded: the Deployment\'s findings name the Deployment, the NetworkPolicy\'s the NetworkPolicy', async () => {
    const { outdir, context, cdk8sMetadata } = await synthAndValidate(true);
    // THEN cdk8s's own map has one path for both objects (the last one wins), and ours one each
    expect(cdk8sMetadata).toEqual({ web: { path: 'shop/Policy' } });
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'production-construct-paths.json'), 'utf-8')).resources).toEqual({
      'apps/v1/Deployment/shop/web': { path: 'shop/Web' },
      'networking.k8s.io/v1/NetworkPolicy/shop/web': { path: 'shop/Policy' },
    });
    const occurrences = context.report.toJson().violations.flatMap((v) => v.violatingConstructs);
    const deployment = occurrences.filter((o) => o.locations.every((l) => l.startsWith('Deployment web')));
    const policy = occurrences.filter((o) => o.locations.every((l) => l.startsWith('NetworkPolicy web')));
    expect(deployment.length).toBeGreaterThan(5);
    expect(policy.length).toBeGreaterThan(0);
    expect(deployment.length + policy.length).toBe(occurrences.length);
    // every location names its own object's path, and cdk8s-cli's table never shows the other object's
    expect(deployment.every((o) => o.locations[0].endsWith('[shop/Web]') && o.constructPath !== 'shop/Policy')).toBe(true);
    expect(policy.every((o) => o.locations[0].endsWith('[shop/Policy]') && o.constructPath === 'shop/Policy')).toBe(true);
  });

  test('without construct metadata recorded: neither file is written, and no finding names a path', async () => {
    const { outdir, context } = await synthAndValidate(false);
    expect(fs.existsSync(path.join(outdir, 'production-construct-paths.json'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'construct-metadata.json'))).toBe(false);
    const occurrences = context.report.toJson().violations.flatMap((v) => v.violatingConstructs);
    expect(occurrences.length).toBeGreaterThan(5);
    expect(occurrences.every((o) => o.constructPath === undefined && !o.locations[0].endsWith(']'))).toBe(true);
  });

  test('falls back to cdk8s\'s name map when the library\'s file is absent', async () => {
    // GIVEN only cdk8s's construct-metadata.json next to a manifest whose objects have names of their own
    const dir = fs.mkdtempSync(path.join(tmp, 'fallback-'));
    const deployment = parseAllDocuments(fs.readFileSync(path.join(FIXTURES, 'bad', 'host-ports.yaml'), 'utf-8')).map((d) => d.toJS())
      .find((o) => o?.kind === 'Deployment');
    fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), stringify(deployment));
    fs.writeFileSync(path.join(dir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources: { 'bad-host-ports': { path: 'prod/Shop/Deployment/Resource' } } }));
    const { context, violations } = fakeContext([path.join(dir, 'app.k8s.yaml')]);
    // WHEN validated
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    // THEN the name map gives the path
    expect(violations[0].violatingResources[0].locations[0]).toMatch(/\[prod\/Shop\/Deployment\/Resource\]$/);
  });

  test('without the library\'s file, a name two objects share gets no path rather than another object\'s', async () => {
    // GIVEN an app of raw ApiObjects (no library construct writes the richer map) whose Deployment and Service share a name
    const { outdir } = await synthAndValidate(true);
    fs.rmSync(path.join(outdir, 'production-construct-paths.json'));
    const manifests = fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).map((f) => path.join(outdir, f));
    const { context, violations } = fakeContext(manifests, { web: { path: 'shop/Policy' } });
    // WHEN validated with cdk8s's name map only
    await new ProductionReadinessValidation().validate(context as unknown as ValidationContextLike);
    // THEN no finding names a path, and cdk8s-cli is given names it cannot map to the wrong path
    const resources = violations.flatMap((v) => v.violatingResources);
    expect(resources.length).toBeGreaterThan(5);
    expect(resources.every((r) => !r.locations[0].endsWith(']'))).toBe(true);
    expect(resources.every((r) => r.resourceName === 'Deployment/web' || r.resourceName === 'NetworkPolicy/web')).toBe(true);
  });
});
