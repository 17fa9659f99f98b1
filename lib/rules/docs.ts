import { IRule } from './rule';
import { RuleSource } from './types';

/** The marker that opens the generated rules table in the README. */
export const RULES_START_MARKER = '<!-- rules:start -->';
/** The marker that closes the generated rules table in the README. */
export const RULES_END_MARKER = '<!-- rules:end -->';

const TOOL_NAMES: { [tool: string]: string } = {
  'polaris': 'Polaris',
  'kube-score': 'kube-score',
  'kube-linter': 'kube-linter',
  'pss-baseline': 'PSS baseline',
  'pss-restricted': 'PSS restricted',
  'platform': 'platform',
};

/** Renders a rule's sources: `Polaris: a, b; kube-score: c`. */
export function renderSources(sources: readonly RuleSource[]): string {
  const byTool = new Map<string, string[]>();
  for (const s of sources) {
    byTool.set(s.tool, [...(byTool.get(s.tool) ?? []), s.optional ? `${s.check} (optional)` : s.check]);
  }
  return [...byTool].map(([tool, checks]) => `${TOOL_NAMES[tool] ?? tool}: ${checks.join(', ')}`).join('; ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * Renders the rules as a Markdown table: id, what it asks, severity per profile, whether it is
 * the library's opinion, sources (checks that are optional in their tool are marked), fix.
 */
export function renderRulesTable(rules: readonly IRule[]): string {
  const lines = [
    '| Rule | Asks for | dev | staging | prod | Opinion | Sources | Fix |',
    '|---|---|---|---|---|---|---|---|',
    ...rules.map((r) => `| \`${r.id}\` | ${cell(r.description)} | ${r.severity.dev} | ${r.severity.staging} | ${r.severity.prod} | `
      + `${r.opinion ? 'opinion' : ''} | ${cell(renderSources(r.sources))} | ${cell(r.fix)} |`),
  ];
  return lines.join('\n');
}

/**
 * Replaces the text between the rules markers with the table.
 *
 * @returns the new text, or undefined when the markers are absent or out of order
 */
export function replaceRulesSection(text: string, table: string): string | undefined {
  const start = text.indexOf(RULES_START_MARKER);
  const end = text.indexOf(RULES_END_MARKER);
  if (start < 0 || end < start) {
    return undefined;
  }
  return `${text.slice(0, start + RULES_START_MARKER.length)}\n${table}\n${text.slice(end)}`;
}
