import { Finding, ObjectRef, Report } from './types';

/**
 * Renders an object reference: `Deployment shop/web`.
 */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind || 'object'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/**
 * Renders one finding on one line, followed by its fix.
 */
export function formatFinding(f: Finding): string {
  const pos = f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : '';
  const where = f.constructPath ? ` [${f.constructPath}]` : f.file ? ` [${f.file}${pos}]` : '';
  return `${f.severity.toUpperCase()} ${f.ruleId}: ${describeObject(f.object)}${where}: ${f.message}${f.path ? ` (at ${f.path})` : ''}\n    fix: ${f.fix}`;
}

/**
 * Renders a report for people: a summary line, every finding with its fix, then the exemptions.
 */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  lines.push(`Production readiness (${report.profile}): ${report.objectCount} object(s), ${report.errorCount} error(s), `
    + `${report.warningCount} warning(s), ${report.exemptions.length} exemption(s)`);
  for (const f of report.findings) {
    lines.push(`  ${formatFinding(f).replace(/\n/g, '\n  ')}`);
  }
  if (report.disabled.length > 0) {
    lines.push('Disabled by configuration:');
    for (const d of report.disabled) {
      lines.push(`  ${d.ruleId}: ${d.reason}`);
    }
  }
  if (report.exemptions.length > 0) {
    lines.push('Exemptions:');
    for (const e of report.exemptions) {
      lines.push(`  ${e.ruleId}: ${describeObject(e.object)}${e.constructPath ? ` [${e.constructPath}]` : ''} by ${e.annotation}: ${e.reason}`);
    }
  }
  lines.push(report.passed ? 'Result: passed' : 'Result: failed');
  return lines.join('\n');
}
