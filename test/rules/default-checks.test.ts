import * as path from 'path';
import { Finding, RulePack } from '../../lib/rules';
import { fixtureFiles, loadFixture } from './_load';

// One test per default check of each source: a known-bad fixture fails it (a finding attributed to that
// very check), and every known-good fixture passes it in every profile. The versions read:
const VERSIONS: { [tool: string]: string } = {
  'polaris': 'Polaris c0e23a2 (pkg/config/checks, default.yaml)',
  'kube-score': 'kube-score f05d0ee (README_CHECKS.md, score/*)',
  'kube-linter': 'kube-linter 8d68919 (docs/generated/checks.md)',
  'pss-baseline': 'Pod Security Standards baseline, policy v1.28',
  'pss-restricted': 'Pod Security Standards restricted, policy v1.28',
};

const bad = fixtureFiles('bad').map((file) => ({ file, findings: RulePack.check(loadFixture(path.join('bad', file))).findings }));
const good = fixtureFiles('good').flatMap((file) => RulePack.PROFILE_NAMES.map((profile) =>
  ({ file, profile, findings: RulePack.check(loadFixture(path.join('good', file)), { profile }).findings })));

/** Whether the finding is reported by `check` (the finding's own checks, else every source of its rule). */
function reportedBy(f: Finding, check: string): boolean {
  return (f.checks ?? f.sources.map((s) => `${s.tool}:${s.check}`)).includes(check);
}

const defaultChecks = [...new Set(RulePack.DEFAULT_RULES.flatMap((r) => r.sources)
  .filter((s) => VERSIONS[s.tool] !== undefined && !s.optional).map((s) => `${s.tool}:${s.check}`))].sort();

test('there are default checks of every source to prove', () => {
  expect(new Set(defaultChecks.map((c) => c.split(':')[0]))).toEqual(new Set(Object.keys(VERSIONS)));
});

describe.each(defaultChecks)('%s', (check) => {
  const version = VERSIONS[check.split(':')[0]];
  test(`${version}: a known-bad fixture fails it, at the fixture's bad-* object`, () => {
    const failing = bad.filter((b) => b.findings.some((f) => reportedBy(f, check) && /^bad-/.test(f.objectRef.name)));
    expect(failing.map((b) => b.file)).not.toEqual([]);
  });
  test(`${version}: every known-good fixture passes it in every profile`, () => {
    expect(good.filter((g) => g.findings.some((f) => reportedBy(f, check))).map((g) => `${g.file} ${g.profile}`)).toEqual([]);
  });
});
