import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { Cdk8sYaml } from '../../lib/internal/cdk8s-yaml';

// Cdk8sYaml.stringify must return what cdk8s's Yaml.stringify returns, for every list of documents.

describe('Cdk8sYaml', () => {
  test('skips the directive walk with the installed cdk8s: Yaml.stringify and its yaml package are the ones it was checked on', () => {
    // A cdk8s upgrade that changes Yaml.stringify fails here: re-check the reasoning in
    // lib/internal/cdk8s-yaml.ts against the new code and update the digest.
    expect(Cdk8sYaml.mismatch()).toBe('');
  });

  test('renders generated documents byte for byte as Yaml.stringify does', () => {
    // Keys and strings from YAML's troublemakers as well as at random: indicators, 1.1 booleans,
    // numbers in strings, tags, anchors, directives, document markers, line breaks, unicode.
    const tricky = fc.constantFrom('yes', 'No', 'on', 'OFF', 'y', '~', 'null', '0o17', '0x1F', '1:20', '1e3', '.inf', '-.nan',
      '!tag', '!!str', '&a', '*a', '%TAG ! x', '---', '...', '- x', '? x', ': x', '#c', 'a #b', '"q"', "'s'", '\t', ' lead', 'trail ',
      'a\nb', 'a\n', '\n', '=', '<<', '@x', '`x', '|', '>', '{', '[', 'é', '\u2028', '\u00a0', '');
    const str = fc.oneof(tricky, fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
    const json = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(str, tie('v'), { maxKeys: 5 }),
      ),
    })).v;
    const doc = fc.oneof(fc.dictionary(str, json, { maxKeys: 6 }), fc.constant(undefined), json);
    fc.assert(fc.property(fc.array(doc, { maxLength: 4 }), (docs) => {
      expect(Cdk8sYaml.stringify(docs)).toBe(Yaml.stringify(...docs));
    }), { numRuns: 500, seed: 20261130 });
  });

  test('renders a document list longer than an engine takes as arguments', () => {
    const docs = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const text = Cdk8sYaml.stringify(docs);
    expect(text.split('---\n')).toHaveLength(200_000);
    expect(text.startsWith('i: 0\n---\ni: 1\n')).toBe(true);
  });
});
