import * as path from 'path';
import { RulePack } from '../../lib/rules';
import { fixtureFiles, loadFixture } from './_load';

/** `host-ports--variant.yaml` → `host-ports`. */
function ruleIdOf(file: string): string {
  return path.basename(file, '.yaml').split('--')[0];
}

const badFiles = fixtureFiles('bad');
const goodFiles = fixtureFiles('good');

describe('known-bad fixtures', () => {
  test('every default rule has at least one bad fixture', () => {
    // GIVEN the rule ids that have a fixture
    const covered = new Set(badFiles.map(ruleIdOf));
    // THEN no default rule is left without one
    expect(RulePack.DEFAULT_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test('every bad fixture names an existing rule', () => {
    const ids = new Set(RulePack.DEFAULT_RULES.map((r) => r.id));
    expect(badFiles.map(ruleIdOf).filter((id) => !ids.has(id))).toEqual([]);
  });

  test.each(badFiles)('%s is reported by its rule on a bad-* object', (file) => {
    // GIVEN a known-bad manifest
    const objects = loadFixture(path.join('bad', file));
    const ruleId = ruleIdOf(file);
    // WHEN checked in prod
    const report = RulePack.check(objects, { profile: 'prod' });
    // THEN the rule reports the object the fixture marks as bad
    const hits = report.findings.filter((f) => f.ruleId === ruleId);
    expect(hits.map((f) => RulePack.describeObject(f.objectRef))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\w+ (\w+\/)?bad-/)]));
    for (const hit of hits) {
      expect(hit.message).not.toEqual('');
      expect(hit.fix).not.toEqual('');
      expect(hit.sources.length).toBeGreaterThan(0);
    }
    // AND at the rule's prod severity, which decides whether the report passes
    const rule = RulePack.DEFAULT_RULES.find((r) => r.id === ruleId)!;
    expect(new Set(hits.map((h) => h.severity))).toEqual(new Set([rule.severity.prod]));
    if (rule.severity.prod === 'error') {
      expect(report.passed).toBe(false);
    }
  });
});

describe('known-good fixtures', () => {
  test.each(goodFiles.flatMap((f) => RulePack.PROFILE_NAMES.map((p) => [f, p] as const)))('%s has no finding in %s', (file, profile) => {
    // GIVEN a fully hardened manifest
    const objects = loadFixture(path.join('good', file));
    // WHEN checked
    const report = RulePack.check(objects, { profile });
    // THEN nothing is reported, and nothing needed an exemption
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    expect(report.exemptions).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.objectCount).toBe(objects.length);
  });

  test('all good fixtures together have no finding (cross-object rules see every object)', () => {
    const objects = goodFiles.flatMap((f) => loadFixture(path.join('good', f)));
    expect(RulePack.check(objects).findings.map(RulePack.formatFinding)).toEqual([]);
  });
});
