import { parse } from '@bufbuild/cel';
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ProductionAdmissionPolicies, Profile, RulePack } from '../../lib';
import { ProductionPropsError } from '../../lib/internal/errors';
import { validateManifests } from '../helpers/schema';

// Properties of the admission policies for every registry list, plausible and hostile: synthesis either throws the
// library's own error naming 'allowedRegistries', or emits schema-valid policies with zero rule-pack findings whose
// CEL parses and names every registry as a string literal (no registry string can change an expression).

const RUNS = { numRuns: 50, seed: 20261130 };

const hostile = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("registry.example.com') || true || ('", 'a.io/x\'y', 'a.io/*', 'http://a.io', 'a.io/app:1.0', 'a.io@sha256:x', ' ', 'A.IO'),
);
const plausible = fc.tuple(
  fc.stringMatching(/^[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){1,2}$/), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
  fc.option(fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9]{1,8})?$/), { nil: undefined }),
).map(([host, port, path]) => `${host}${port ? `:${port}` : ''}${path ? `/${path}` : ''}`);

test('property: any registry list gives a clean error or safe, valid policies', () => {
  const seen = { valid: 0, refused: 0 };
  fc.assert(fc.property(fc.array(fc.oneof(plausible, hostile), { maxLength: 4 }), (registries) => {
    const chart = Testing.chart();
    Profile.use(chart, Profile.PROD);
    let manifests: any[];
    try {
      new ProductionAdmissionPolicies(chart, 'Floors', { allowedRegistries: registries });
      manifests = Testing.synth(chart);
    } catch (error) {
      expect(error).toBeInstanceOf(ProductionPropsError);
      expect((error as Error).message).toContain("'allowedRegistries");
      expect((error as Error).message).toContain('Fix: ');
      seen.refused++;
      return;
    }
    seen.valid++;
    expect(validateManifests(manifests)).toEqual([]);
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
    const policies = manifests.filter((m) => m.kind === 'ValidatingAdmissionPolicy');
    for (const p of policies) {
      for (const e of [...(p.spec.variables ?? []), ...p.spec.validations]) {
        expect(() => parse(e.expression)).not.toThrow();
      }
    }
    const images = policies.find((p) => p.metadata.name === 'production-floors-images').spec.validations[0].expression;
    for (const r of registries) {
      expect(images).toContain(`'${r.replace(/\/+$/, '')}/'`);
    }
  }), RUNS);
  // both outcomes were exercised
  expect(seen.valid).toBeGreaterThan(5);
  expect(seen.refused).toBeGreaterThan(5);
});
