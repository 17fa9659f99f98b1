import * as fs from 'fs';
import * as path from 'path';
import { RulePack } from '../../lib/rules';
import { renderRulesTable, renderSources, replaceRulesSection } from '../../lib/rules/docs';

describe('rules documentation', () => {
  const table = renderRulesTable(RulePack.DEFAULT_RULES);

  test('has one row per rule with its severity per profile, sources and fix', () => {
    const rows = table.split('\n').slice(2);
    expect(rows).toHaveLength(RulePack.DEFAULT_RULES.length);
    expect(rows).toContain('| `host-ports` | Containers do not bind ports on the host | warning | error | error |  | '
      + 'Polaris: hostPortSet; PSS baseline: Host Ports | Remove hostPort and expose the container through a Service |');
    expect(rows.find((r) => r.startsWith('| `deployment-replicas` '))).toContain('| off | error | error |');
  });

  test('marks opinions and the sources that are optional in their tool', () => {
    const rows = table.split('\n').slice(2);
    expect(rows.find((r) => r.startsWith('| `recommended-labels` '))).toContain('| warning | warning | warning | opinion |');
    expect(rows.find((r) => r.startsWith('| `deployment-replicas` '))).toContain('kube-linter: minimum-three-replicas (optional)');
    // every opinion is a warning by default; every rule that is not an opinion names a default check of some tool
    for (const r of RulePack.DEFAULT_RULES) {
      if (r.opinion) {
        expect([r.id, r.severity.prod]).toEqual([r.id, 'warning']);
      } else if (!['manifest-input', 'duplicate-object'].includes(r.id)) {
        expect([r.id, r.sources.some((s) => s.tool !== 'platform' && !s.optional)]).toEqual([r.id, true]);
      }
    }
  });

  test('groups sources by tool', () => {
    expect(renderSources([{ tool: 'polaris', check: 'a' }, { tool: 'kube-linter', check: 'b' }, { tool: 'polaris', check: 'c' }]))
      .toBe('Polaris: a, c; kube-linter: b');
  });

  test('rewrites only the marked region', () => {
    const readme = '# Title\n\nintro\n<!-- rules:start -->\nold table\n<!-- rules:end -->\n\n## After\n';
    expect(replaceRulesSection(readme, 'NEW')).toBe('# Title\n\nintro\n<!-- rules:start -->\nNEW\n<!-- rules:end -->\n\n## After\n');
  });

  test('leaves a README without markers alone', () => {
    expect(replaceRulesSection('# Title\n', 'NEW')).toBeUndefined();
    expect(replaceRulesSection('<!-- rules:end --> <!-- rules:start -->', 'NEW')).toBeUndefined();
  });

  test('escapes pipes inside cells', () => {
    const t = renderRulesTable([{ ...RulePack.DEFAULT_RULES[0], fix: 'a | b' }]);
    expect(t).toContain('a \\| b');
  });

  test('the README carries the current table (regenerate with npm run rules-doc)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(replaceRulesSection(readme, table)).toBe(readme);
  });
});
