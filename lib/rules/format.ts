import { Finding, ObjectRef, Report } from './types';

/**
 * Renders an object reference: `Deployment shop/web`.
 */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind || 'object'} ${ref.namespaceName ? `${ref.namespaceName}/` : ''}${ref.name}`;
}

/** Where a finding's object comes from: its construct path, else its file and position. */
function origin(f: Finding): string | undefined {
  const pos = f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : '';
  return f.constructPath ?? (f.file ? `${f.file}${pos}` : undefined);
}

/**
 * Renders one finding on one line: severity, rule, object, where it comes from, what is wrong
 * and the field at fault. The fix is the rule's, listed once per rule by `formatFindings`.
 */
export function formatFinding(f: Finding): string {
  const where = origin(f);
  return `${f.severity.toUpperCase()} ${f.ruleId}: ${describeObject(f.objectRef)}${where ? ` [${where}]` : ''}: ${f.message}${f.path ? ` (at ${f.path})` : ''}`;
}

/**
 * Renders findings for people: one line each, grouped under the construct path (or file) and
 * object they belong to, in order of first appearance, then the fix of each rule once.
 */
export function formatFindings(findings: readonly Finding[]): string {
  const groups = new Map<string, string[]>();
  for (const f of findings) {
    const where = origin(f);
    const key = `${where ? `${where} ` : ''}(${describeObject(f.objectRef)})`;
    const lines = groups.get(key) ?? [];
    lines.push(`  ${f.severity.toUpperCase()} ${f.ruleId}: ${f.message}${f.path ? ` (at ${f.path})` : ''}`);
    groups.set(key, lines);
  }
  const fixes = new Map<string, string>();
  for (const f of findings) {
    if (!fixes.has(f.ruleId)) {
      fixes.set(f.ruleId, f.fix);
    }
  }
  const lines = [...groups].flatMap(([key, items]) => [key, ...items]);
  if (fixes.size > 0) {
    lines.push('Fixes:', ...[...fixes].map(([rule, fix]) => `  ${rule}: ${fix}`));
  }
  return lines.join('\n');
}

/**
 * Renders the one-line total of a report: the profile, the verdict and the counts.
 */
export function formatTotal(report: Report): string {
  return `Production readiness (${report.profile}): ${report.passed ? 'passed' : 'failed'}, ${report.errorCount} error(s), `
    + `${report.warningCount} warning(s), ${report.exemptions.length} exemption(s) in ${report.objectCount} object(s)`;
}

/**
 * Renders a report for people: the findings grouped by construct path (or file), one line each,
 * the fix of each rule once, the disabled rules and the exemptions one line each, and the
 * one-line total last.
 */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  if (report.findings.length > 0) {
    lines.push(formatFindings(report.findings));
  }
  if (report.disabled.length > 0) {
    lines.push('Disabled by configuration:', ...report.disabled.map((d) => `  ${d.ruleId}: ${d.reason}`));
  }
  if (report.exemptions.length > 0) {
    lines.push('Exemptions:', ...report.exemptions.map((e) =>
      `  ${e.ruleId}: ${describeObject(e.objectRef)}${e.constructPath ? ` [${e.constructPath}]` : ''} by ${e.annotation}: ${e.reason}`));
  }
  lines.push(formatTotal(report));
  return lines.join('\n');
}
