/**
 * Generates the README's rules table from the rule definitions.
 *
 * Usage: node build/scripts/rules-doc.js [README.md] [--check]
 *
 * Rewrites only the region between `<!-- rules:start -->` and `<!-- rules:end -->`. Without
 * the markers it prints the table to standard output. With `--check` it changes nothing and
 * exits 1 when the README's table is out of date (for CI).
 */
import * as fs from 'fs';
import * as path from 'path';
import { RulePack } from '../lib/rules';
import { renderRulesTable, replaceRulesSection } from '../lib/rules/docs';

function rulesDoc(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const file = path.resolve(argv.find((a) => !a.startsWith('--')) ?? 'README.md');
  const table = renderRulesTable(RulePack.DEFAULT_RULES);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : '';
  const updated = replaceRulesSection(text, table);
  if (updated === undefined) {
    process.stdout.write(`${table}\n`);
    if (check) {
      process.stderr.write(`${file}: no <!-- rules:start --> / <!-- rules:end --> markers\n`);
      return 1;
    }
    return 0;
  }
  if (check) {
    if (updated !== text) {
      process.stderr.write(`${file}: the rules table is out of date; run npm run rules-doc\n`);
      return 1;
    }
    return 0;
  }
  if (updated !== text) {
    fs.writeFileSync(file, updated);
  }
  process.stdout.write(`${path.relative(process.cwd(), file)}: rules table ${updated === text ? 'already up to date' : 'updated'} (${RulePack.DEFAULT_RULES.length} rules)\n`);
  return 0;
}

process.exitCode = rulesDoc(process.argv.slice(2));
