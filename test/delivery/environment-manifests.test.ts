import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { EnvironmentManifests, YamlEmitter } from '../../lib';
import { errorOf } from '../helpers/errors';
import { argocdFor, webApp } from './_gitops-fixtures';

function render(options: { environmentNames?: string[]; yamlEmitter?: YamlEmitter } = {}, outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-'))) {
  const app = Testing.app();
  const web = webApp(app, { autoscaling: true });
  argocdFor(app, web);
  const files = EnvironmentManifests.synth(app, { outdir, ...options });
  const read = () => Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  return { outdir, files, read };
}

describe('EnvironmentManifests.synth', () => {
  test('writes deploy/<env>/<app>/ with one file per object, and the Argo CD chart in its own folder', () => {
    const { files, read } = render();
    expect(files.filter((f) => f.startsWith('prod/'))).toEqual([
      'prod/web/Deployment.web.yaml',
      'prod/web/HorizontalPodAutoscaler.web.yaml',
      'prod/web/NetworkPolicy.web.yaml',
      'prod/web/PodDisruptionBudget.web.yaml',
      'prod/web/Service.web.yaml',
      'prod/web/ServiceAccount.web.yaml',
    ]);
    expect(files.filter((f) => f.startsWith('argocd/'))).toEqual(['argocd/AppProject.storefront.yaml', 'argocd/ApplicationSet.web.yaml']);
    expect(new Set(files.map((f) => f.split('/').slice(0, -1).join('/')))).toEqual(new Set(['argocd', 'dev/web', 'test/web', 'staging/web', 'prod/web']));
    // one object per file, in the environment's namespace
    const deployment = parse(read()['prod/web/Deployment.web.yaml']);
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.metadata.namespace).toBe('web');
  });

  test('is deterministic: the same app writes the same bytes, with either emitter', () => {
    expect(render().read()).toEqual(render().read());
    expect(render({ yamlEmitter: YamlEmitter.JS_YAML }).read()).toEqual(render({ yamlEmitter: YamlEmitter.JS_YAML }).read());
  });

  test('empties the folders it writes, so a removed object disappears; other folders are left alone', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-'));
    fs.mkdirSync(path.join(outdir, 'prod', 'web'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'prod', 'web', 'ConfigMap.stale.yaml'), 'stale');
    fs.mkdirSync(path.join(outdir, 'prod', 'other-app'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'prod', 'other-app', 'Service.x.yaml'), 'kept');
    render({}, outdir);
    expect(fs.existsSync(path.join(outdir, 'prod', 'web', 'ConfigMap.stale.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(outdir, 'prod', 'other-app', 'Service.x.yaml'), 'utf8')).toBe('kept');
  });

  test('environmentNames writes one environment only (a CI job per environment)', () => {
    const { files } = render({ environmentNames: ['staging'] });
    expect(new Set(files.map((f) => f.split('/')[0]))).toEqual(new Set(['staging']));
  });

  test('throws on an unknown environment name', () => {
    const app = Testing.app();
    webApp(app);
    expect(errorOf(() => EnvironmentManifests.synth(app, { outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-')), environmentNames: ['qa'] })))
      .toContain("'environmentNames' (\"qa\") is not the name of an Environment of the app. Fix: use one of 'dev', 'test', 'staging', 'prod'");
  });
});
