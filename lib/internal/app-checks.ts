import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CLUSTER_SCOPED_KINDS } from './names';
import { CLUSTER_CONTEXT_KEY } from './scope';
import { Warnings } from '../warnings';

/**
 * The environment variable that silences the dev-profile warnings printed on every synthesis (`1` or `true`).
 *
 * @internal
 */
export const QUIET_ENV = 'CDK8S_PRODUCTION_QUIET';

/**
 * The file, next to cdk8s's `construct-metadata.json`, that maps every object by apiVersion, kind,
 * namespace and name to its construct path (cdk8s's own file is keyed by name alone, and the
 * objects of one app often share a name).
 *
 * @internal
 */
export const CONSTRUCT_PATHS_FILE = 'production-construct-paths.json';

/**
 * The key of an object in `production-construct-paths.json`: `apiVersion/kind/namespace/name`,
 * the namespace empty when the object has none.
 *
 * @internal
 */
export function constructPathKey(object: { apiVersion?: unknown; kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } }): string {
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return [str(object.apiVersion), str(object.kind), str(object.metadata?.namespace), str(object.metadata?.name)].join('/');
}

/** The roots (apps) the checks are registered on, once each. */
const REGISTERED = new WeakSet<IConstruct>();

/**
 * Registers, once per app, the checks that need the whole app: the same object emitted twice, and printing the
 * dev-profile warnings. cdk8s runs them with every other validation, once per synthesis.
 *
 * @internal
 */
export function _registerAppChecks(scope: IConstruct): void {
  const root = scope.node.root;
  if (REGISTERED.has(root)) {
    return;
  }
  REGISTERED.add(root);
  root.node.addValidation({
    validate: () => {
      printWarnings(root);
      recordConstructPaths(root);
      return duplicateObjects(root);
    },
  });
}

/**
 * Two ApiObjects with the same apiVersion, kind, namespace and name (in the same cluster, when they are in
 * `Environment`s): at apply time the API server keeps one (or
 * refuses the second create) and the other is silently lost.
 */
function duplicateObjects(root: IConstruct): string[] {
  const first = new Map<string, ApiObject>();
  const problems: string[] = [];
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) {
      continue;
    }
    const namespace = CLUSTER_SCOPED_KINDS.includes(c.kind) ? undefined : c.metadata.namespace;
    // objects of environments applied to different clusters (staging and prod) are different objects
    const cluster = c.node.tryGetContext(CLUSTER_CONTEXT_KEY);
    const key = `${typeof cluster === 'string' ? cluster : ''} ${c.apiVersion} ${c.kind} ${namespace ?? ''}/${c.name}`;
    const other = first.get(key);
    if (other === undefined) {
      first.set(key, c);
      continue;
    }
    problems.push(`'${ownerPath(other)}' and '${ownerPath(c)}' both emit ${c.apiVersion} ${c.kind} `
      + `${namespace ? `${namespace}/` : ''}${c.name}; at apply time one would overwrite or block the other. `
      + 'Fix: give one of the constructs another \'name\' (or namespace)');
  }
  return problems;
}

/**
 * Writes `<outdir>/production-construct-paths.json` when the app records construct metadata (as
 * cdk8s-cli asks when validation plugins are configured): every object as it is synthesized, keyed
 * by `constructPathKey`, with the path cdk8s records for it.
 */
function recordConstructPaths(root: IConstruct): void {
  const outdir = recordingOutdir(root);
  if (outdir === undefined) {
    return;
  }
  const objects = root.node.findAll().filter(ApiObject.isApiObject);
  const deferral = DEFERRED.get(root);
  if (deferral !== undefined) {
    deferral.pending = { outdir, objects };
    return;
  }
  writeConstructPaths(outdir, objects, new Map());
}

/** The app's output folder when it records construct metadata, else undefined. */
function recordingOutdir(root: IConstruct): string | undefined {
  // cdk8s keeps the flag private; it is the one that decides whether construct-metadata.json is written
  const app = App.of(root) as unknown as { readonly recordConstructMetadata?: unknown; readonly outdir?: unknown };
  return app.recordConstructMetadata === true && typeof app.outdir === 'string' ? app.outdir : undefined;
}

/**
 * Writes `production-construct-paths.json`: every object by the key of its rendered JSON (`constructPathKey`, the
 * one a reader of the manifest computes), taken from `rendered` or, for an object not in it, rendered now.
 */
function writeConstructPaths(outdir: string, objects: ApiObject[], rendered: ReadonlyMap<ApiObject, string>): void {
  const resources: { [key: string]: { path: string } } = {};
  for (const o of objects) {
    resources[rendered.get(o) ?? constructPathKey(o.toJson())] = { path: o.node.path };
  }
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, CONSTRUCT_PATHS_FILE), `${JSON.stringify({ version: '1.0.0', resources }, undefined, 2)}\n`);
}

/** What a validation would have written, for a synthesis that writes the construct paths once it has rendered them. */
interface Deferral {
  pending?: { readonly outdir: string; readonly objects: ApiObject[] };
}

/** The apps being synthesized by `Synth`, whose construct paths are written from the objects it renders. */
const DEFERRED = new WeakMap<IConstruct, Deferral>();

/**
 * Runs `validate` (the app's validations) so that `production-construct-paths.json` is not written while the app
 * validates, which would render every object once more, but by `write`, from the objects the validation saw and
 * the keys of the JSON the synthesis rendered for them. The file is the same: the same objects, in the same order, with the
 * same rendered keys.
 *
 * @returns `write(rendered)`: writes the file when the app records construct metadata and a library construct
 *   registered the app's checks (as the validation would have); `rendered` holds the `constructPathKey` of each
 *   object the synthesis rendered (any other object is rendered for its key).
 * @internal
 */
export function _deferConstructPaths(app: App, validate: () => void): (rendered: ReadonlyMap<ApiObject, string>) => void {
  const root = app.node.root;
  const deferral: Deferral = {};
  DEFERRED.set(root, deferral);
  try {
    validate();
  } finally {
    DEFERRED.delete(root);
  }
  return (rendered) => {
    if (deferral.pending !== undefined) {
      writeConstructPaths(deferral.pending.outdir, deferral.pending.objects, rendered);
    }
  };
}

/** The path of the construct that owns an ApiObject: the cdk8s-plus object for its inner `Resource`. */
function ownerPath(object: ApiObject): string {
  return object.node.id === 'Resource' && object.node.scope ? object.node.scope.node.path : object.node.path;
}

/** The warnings already printed, per app: cdk8s validates more than once per synthesis. */
const PRINTED = new WeakMap<IConstruct, Set<string>>();

/** Prints every dev-profile warning of the app to stderr once, unless silenced with `CDK8S_PRODUCTION_QUIET`. */
function printWarnings(root: IConstruct): void {
  const quiet = (process.env[QUIET_ENV] ?? '').toLowerCase();
  if (quiet === '1' || quiet === 'true') {
    return;
  }
  const printed = PRINTED.get(root) ?? new Set<string>();
  PRINTED.set(root, printed);
  for (const warning of Warnings.collect(root)) {
    if (!printed.has(warning)) {
      printed.add(warning);
      process.stderr.write(`[cdk8s-production] warning: ${warning}\n`);
    }
  }
}
