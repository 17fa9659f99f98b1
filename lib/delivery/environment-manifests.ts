import * as fs from 'fs';
import * as path from 'path';
import { App, Names } from 'cdk8s';
import { _isRepoPath } from './_gitops';
import { DEPLOY_ROOT } from './argocd-defaults';
import { Environment } from './environment';
import { propsError, PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { Synth, YamlEmitter } from '../synth';

/**
 * Options of `EnvironmentManifests.synth`.
 */
export interface EnvironmentManifestsOptions {
  /**
   * The folder the manifests are written to, relative to the working directory (or absolute).
   *
   * @default 'deploy'
   */
  readonly outdir?: string;

  /**
   * Write only these environments (a CI job per environment); the other charts are written only when this is unset.
   *
   * @default - every environment and every other chart
   */
  readonly environmentNames?: string[];

  /**
   * How the manifests are written as YAML.
   *
   * @default YamlEmitter.CDK8S
   */
  readonly yamlEmitter?: YamlEmitter;
}

/**
 * The rendered-manifests layout of a GitOps config repository: `deploy/<env>/<app>/`, one file per object.
 *
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [{ tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' }],
 * });
 * new ProductionApp(web.environment('prod'), 'Web', { name: 'web', image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 * // CI runs this with CDK8S_OUTDIR set to the config repo's deploy/ folder
 * EnvironmentManifests.synth(app, { outdir: app.outdir });
 */
export class EnvironmentManifests {
  /**
   * Synthesizes an app into the rendered-manifests layout that Argo CD and Flux sync: each `Environment` chart into
   * `<outdir>/<env>/<app>/`, every other chart (the Argo CD chart, say) into `<outdir>/<chart>/`, one file per
   * object named `<Kind>.<name>.yaml` (`<Kind>.<namespace>.<name>.yaml` when two objects of a chart share kind and
   * name). The app is validated first, as `synthApp` does (so a staging that is not a replica of prod fails here).
   *
   * Each folder written is emptied first, so an object removed from the app disappears from the repository;
   * folders of charts that are not written are left alone. The output is deterministic: the same app writes the
   * same bytes.
   *
   * @param app the app
   * @param options where and what to write
   * @returns the files written, relative to `outdir`, sorted
   */
  public static synth(app: App, options: EnvironmentManifestsOptions = {}): string[] {
    const errors = new PropErrors(app, 'EnvironmentManifests.synth');
    assertPropTypes(errors, options, 'EnvironmentManifestsOptions');
    const outdir = options.outdir ?? DEPLOY_ROOT;
    errors.check(outdir.trim() === '', 'outdir', outdir, 'is empty', 'give a folder such as \'deploy\'');
    const emitter = options.yamlEmitter ?? YamlEmitter.CDK8S;
    const charts = Synth.appManifests(app);
    const envs = charts.map((c) => c.chart).filter(Environment.isEnvironment);
    for (const name of options.environmentNames ?? []) {
      errors.check(!envs.some((e) => e.environmentName === name), 'environmentNames', name, 'is not the name of an Environment of the app',
        `use one of ${[...new Set(envs.map((e) => e.environmentName))].map((n) => `'${n}'`).join(', ')}`);
    }
    const folders = new Map<string, any[]>();
    for (const { chart, objects } of charts) {
      let folder: string;
      if (Environment.isEnvironment(chart)) {
        if (options.environmentNames !== undefined && !options.environmentNames.includes(chart.environmentName)) {
          continue;
        }
        folder = `${chart.environmentName}/${chart.appName}`;
      } else {
        if (options.environmentNames !== undefined) {
          continue;
        }
        folder = Names.toDnsLabel(chart);
      }
      errors.check(folders.has(folder), 'app', chart.node.path, `writes the folder '${folder}' that another chart writes too`,
        'give each Environment its own app and environment name');
      errors.check(!_isRepoPath(folder), 'app', chart.node.path, `would write the folder '${folder}', which is not a plain relative path`, 'rename the chart');
      folders.set(folder, [...objects]);
    }
    errors.throwIfAny();

    const written: string[] = [];
    for (const [folder, objects] of [...folders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const files = fileNames(folder, objects);
      const dir = path.resolve(outdir, folder);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      for (const [file, obj] of files) {
        fs.writeFileSync(path.join(dir, file), emitter._stringify([obj]), { encoding: 'utf8' });
        written.push(`${folder}/${file}`);
      }
    }
    return written.sort();
  }
}

/** One file name per object: `<Kind>.<name>.yaml`, with the namespace when two objects share kind and name. */
function fileNames(folder: string, objects: readonly any[]): [string, any][] {
  const clean = (s: string) => s.replace(/[^0-9a-zA-Z-_.]/g, '');
  const short = (o: any) => clean(`${o.kind}.${o.metadata?.name}`);
  const counts = new Map<string, number>();
  for (const o of objects) {
    counts.set(short(o), (counts.get(short(o)) ?? 0) + 1);
  }
  const out: [string, any][] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const base = counts.get(short(o))! > 1 ? clean(`${o.kind}.${o.metadata?.namespace ?? '_cluster'}.${o.metadata?.name}`) : short(o);
    const file = `${base}.yaml`;
    if (seen.has(file)) {
      throw propsError(`EnvironmentManifests.synth: two objects of '${folder}' would both be written to '${file}' (${o.kind} ${o.metadata?.name}). Fix: give them distinct names`);
    }
    seen.add(file);
    out.push([file, o]);
  }
  return out;
}
