import { isDeepStrictEqual } from 'util';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { dump } from 'js-yaml';
import { stringify } from 'yaml';
import { readQuickly } from '../../lib/cli/_quick-yaml';
import { readExactly, readYaml } from '../../lib/cli/load';

// readYaml must return what the `yaml` package returns reading the text as YAML 1.1 (readExactly), for every
// text: the quick reader either gives exactly that or declines.

/** Keys and strings from YAML's troublemakers: 1.1 booleans and numbers, indicators, markers, line breaks. */
const tricky = fc.constantFrom('yes', 'No', 'on', 'OFF', 'y', 'Y', 'n', '~', 'null', 'NULL', '', '0o17', '017', '0b101', '0x1F', '1_000',
  '1:20', '190:20:30.15', '1e3', '1.', '.5', '+12', '-0', '.inf', '-.Inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5', '<<', '=', '!tag', '!!str', '&a', '*a', '%TAG ! x', '---', '...', '- x', '? x', ': x', '#c', 'a #b',
  '"q"', "'s'", ' lead', 'trail ', 'a\nb', 'a\n\n b', '\n', '@x', '|', '>', '{', '[', 'é', '\u00a0', 'true', 'False', '8080');
const str = fc.oneof(tricky, fc.string({ maxLength: 10 }));
const json = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    str, fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }), fc.boolean(), fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(str, tie('v'), { maxKeys: 5 }),
  ),
})).v;
/** A document: mostly a mapping (a manifest), sometimes anything. */
const doc = fc.oneof({ weight: 4, arbitrary: fc.dictionary(str, json, { minKeys: 1, maxKeys: 6 }) }, { weight: 1, arbitrary: json });

/** The same documents written the ways manifests are written: cdk8s, the yaml package (1.1 and 1.2), js-yaml. */
const written = fc.tuple(fc.array(doc, { minLength: 1, maxLength: 4 }), fc.constantFrom('cdk8s', 'yaml-1.1', 'yaml-1.2', 'js-yaml', 'flow'))
  .map(([docs, how]) => {
    switch (how) {
      case 'cdk8s': return Yaml.stringify(...docs);
      case 'yaml-1.1': return docs.map((d) => stringify(d, { version: '1.1' })).join('---\n');
      case 'yaml-1.2': return docs.map((d) => stringify(d)).join('---\n');
      case 'js-yaml': return docs.map((d) => dump(d)).join('---\n');
      default: return docs.map((d) => stringify(d, { collectionStyle: 'flow' })).join('---\n# between\n');
    }
  });

function expectSameAsExact(text: string): void {
  const exact = readExactly(text, 'f.yaml');
  const read = readYaml(text, 'f.yaml');
  if (!isDeepStrictEqual(read, exact)) {
    // the failing text, so that a counterexample can be read
    expect({ text, read }).toEqual({ text, read: exact });
  }
}

describe('readYaml reads as the yaml package reads YAML 1.1', () => {
  test('manifests written by cdk8s and by other writers: the same objects, lines and columns', () => {
    fc.assert(fc.property(written, (text) => expectSameAsExact(text)), { numRuns: 600, seed: 20261130 });
  });

  test('texts with random damage: the quick reader gives the same result or declines', () => {
    // Insert, delete or replace characters anywhere: the quick reader must never read a text differently.
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', ' ', '  ', '\n', '-', ':', ': ', '#', '"', "'", '{', '}', '[',
      ']', ',', '?', '&a ', '*a', '!x ', '|', '>', '---\n', '...\n', '<<: ', '\t', '\r', 'x', '1'));
    fc.assert(fc.property(written, fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
      let damaged = text;
      for (const [at, remove, insert] of edits) {
        const i = at % (damaged.length + 1);
        damaged = damaged.slice(0, i) + insert + damaged.slice(i + remove);
      }
      expectSameAsExact(damaged);
    }), { numRuns: 1500, seed: 20261130 });
  });

  test('a manifest such as cdk8s writes it is read by the quick reader', () => {
    const text = Yaml.stringify(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } }, spec: { ports: [{ port: 8080, name: 'http' }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { octal: '0o17', yes: 'yes', number: '10', empty: '', multi: 'a\nb\n' } },
    );
    expect(readQuickly(text)).toBeDefined();
    expectSameAsExact(text);
    const [service, config] = readYaml(text, 'f.yaml');
    expect(service).toMatchObject({ file: 'f.yaml', line: 1, column: 1 });
    expect((service.kubeObject as any).spec.ports[0].port).toBe(8080);
    expect(config.line).toBe(12);
    expect((config.kubeObject as any).data).toEqual({ octal: '0o17', yes: 'yes', number: '10', empty: '', multi: 'a\nb\n' });
  });

  test('plain scalars are read with the yaml package\'s YAML 1.1 schema', () => {
    const text = 'apiVersion: v1\nkind: X\nmetadata: {name: x}\nvalues: [0o17, 017, 0b11, 1_000, 1:20, yes, off, ~, 1e3, .inf, "017", \'yes\']\n';
    expect(readQuickly(text)).toBeDefined();
    expect((readYaml(text, 'f')[0].kubeObject as any).values).toEqual(['0o17', 15, 3, 1000, 80, true, false, null, 1000, Infinity, '017', 'yes']);
    expectSameAsExact(text);
  });

  test('a __proto__ key is an own key, as the yaml package reads it, and sets no prototype', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  __proto__: {polluted: true}\n';
    expect(readQuickly(text)).toBeDefined();
    expectSameAsExact(text);
    const metadata = readYaml(text, 'f.yaml')[0].kubeObject.metadata as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(metadata)).toEqual(['name', '__proto__']);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a merge key without a mapping is a problem of its document, not a crash', () => {
    // cdk8s writes a `<<` key unquoted; read as YAML 1.1 it is a merge key, and Kubernetes refuses it as such too.
    const text = Yaml.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { '<<': 'text' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } });
    const [broken, fine] = readYaml(text, 'f.yaml');
    expect(broken).toMatchObject({ line: 1, column: 1, problem: 'document 1 is not valid YAML: Merge sources must be maps or map aliases' });
    expect(fine.kubeObject.metadata?.name).toBe('y');
    expectSameAsExact(text);
  });

  test.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a merge key', 'base: {a: 1}\nm:\n  <<: {b: 2}\n'],
    ['a number as a key', '8080: http\n'],
    ['a boolean as a key', 'on: push\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a directive', '%YAML 1.1\n---\na: 1\n'],
    ['an empty document', 'a: 1\n---\n---\nb: 2\n'],
    ['a document that is a list', '- a\n- b\n'],
    ['a document that is a string', 'just text\n'],
    ['a carriage return', 'a: 1\r\nb: 2\r\n'],
    ['a tab', 'a:\t1\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['a byte-order mark', '\ufeffa: 1\n'],
    ['a block scalar with a line of spaces only', 'a: |1+\n  \nb: 1\n'],
  ])('leaves a text with %s to the yaml package', (_what, text) => {
    expect(readQuickly(text)).toBeUndefined();
    expect(readYaml(text, 'f.yaml')).toEqual(readExactly(text, 'f.yaml'));
  });
});
