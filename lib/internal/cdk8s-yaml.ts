import { createHash } from 'crypto';
import * as path from 'path';
import { Yaml } from 'cdk8s';

/*
 * cdk8s's Yaml.stringify, minus one pass that cannot change its output.
 *
 * Yaml.stringify calls the `yaml` package's stringify on each document with `keepUndefined`,
 * `lineWidth: 0` and YAML version 1.1. For each document the package then walks the whole node tree
 * once more, collecting the tags in use, to decide which `%TAG` directives to print before the
 * document. It prints one only for a tag handle other than the default `!!`, and a document made
 * from plain values, with those options, has no other handle: the walk always ends in no
 * directive. `directives: false` skips the walk (about 8% of emission) and prints the same bytes.
 *
 * It is used only when it is known to give Yaml.stringify's bytes: Yaml.stringify's source is the
 * one described here (its SHA-256 below), cdk8s's own copy of the `yaml` package is the one called,
 * and a probe document with YAML 1.1-sensitive scalars renders identically both ways. Otherwise
 * emission goes through Yaml.stringify itself. `test/internal/cdk8s-yaml.test.ts` fails when the
 * installed cdk8s no longer matches, and compares both on generated documents.
 */

/** SHA-256 of the source text of Yaml.stringify (cdk8s 2.70.x). */
const YAML_STRINGIFY_DIGEST = 'e78807a4d74feeaa635b5b8bd39745dcd37cb545ada111794bc40abcdb0197a2';

/** Yaml.stringify's options, and the one that skips the directive walk. */
const OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1', directives: false } as const;

/** A document whose rendering depends on the YAML version and on the options (1.1 quotes 'yes', 'on', '0o17', '1:20'). */
const PROBE = [{
  a: 'yes', b: 'on', c: '0o17', d: '1:20', e: '', f: 'multi\nline\n', g: ['~', null, 'null', 1e21, -0, '=', '<<'], h: {}, i: [], j: undefined,
  k: 'a'.repeat(120) + ' ' + 'b'.repeat(120), l: '!tag', m: '%directive', n: '---',
}, undefined, { k8s: { 'x.io/y': 'true' } }];

type Stringify = (value: unknown, options: object) => string;

let cached: { stringify?: Stringify; mismatch: string } | undefined;

function load(): { stringify?: Stringify; mismatch: string } {
  const digest = createHash('sha256').update(String(Yaml.stringify)).digest('hex');
  if (digest !== YAML_STRINGIFY_DIGEST) {
    return { mismatch: `Yaml.stringify has changed (its source now has SHA-256 ${digest})` };
  }
  let stringify: Stringify;
  try {
    const cdk8sDir = path.dirname(require.resolve('cdk8s/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    stringify = require(require.resolve('yaml', { paths: [cdk8sDir] })).stringify;
  } catch (e) {
    return { mismatch: `cdk8s's copy of the yaml package cannot be loaded (${(e as Error).message})` };
  }
  if (typeof stringify !== 'function') {
    return { mismatch: 'cdk8s\'s copy of the yaml package has no stringify' };
  }
  if (render(stringify, PROBE) !== Yaml.stringify(...PROBE)) {
    return { mismatch: 'the probe document renders differently' };
  }
  return { stringify, mismatch: '' };
}

function render(stringify: Stringify, docs: readonly unknown[]): string {
  return docs.map((d) => (d === undefined ? '\n' : stringify(d, OPTIONS))).join('---\n');
}

/**
 * cdk8s's Yaml.stringify over a list of documents, without the directive walk when that is exact.
 *
 * @internal
 */
export class Cdk8sYaml {
  /** Why the shortcut is not used with the installed cdk8s; empty when it is. */
  public static mismatch(): string {
    cached ??= load();
    return cached.mismatch;
  }

  /** The documents as one YAML text, byte for byte what `Yaml.stringify(...docs)` returns. */
  public static stringify(docs: readonly unknown[]): string {
    cached ??= load();
    if (cached.stringify) {
      return render(cached.stringify, docs);
    }
    // Yaml.stringify takes the documents as arguments; a huge chart would overflow the call stack,
    // so it is called on slices and the slices joined with its own separator.
    const parts: string[] = [];
    for (let i = 0; i < docs.length; i += SLICE) {
      parts.push(Yaml.stringify(...docs.slice(i, i + SLICE)));
    }
    return parts.join('---\n');
  }

  private constructor() {}
}

/** Documents per Yaml.stringify call: far below any engine's argument limit. */
const SLICE = 4096;
