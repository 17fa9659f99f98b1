import { parser } from '@prometheus-io/lezer-promql';

/**
 * The problems the Prometheus project's own tooling finds in a PromQL expression: error nodes of the
 * `@prometheus-io/lezer-promql` grammar (syntax), then the diagnostics of the `@prometheus-io/codemirror-promql`
 * linter (types and arity: `rate(foo)`, `topk(foo, 3)`). Empty when the expression is valid.
 */
export function promqlProblems(expr: string): string[] {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) out.push(`syntax error at ${n.from}: '${expr.slice(Math.max(0, n.from - 10), n.from + 10)}'`);
    },
  });
  if (expr.trim() === '') out.push('empty');
  // The linter's Parser is a deep import: the package's public entry is the editor extension (see
  // ../shared/research/observability.md §6); it is pinned with the package.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { EditorState } = require('@codemirror/state');
  const { ensureSyntaxTree } = require('@codemirror/language');
  const { PromQLExtension } = require('@prometheus-io/codemirror-promql');
  const { Parser } = require('@prometheus-io/codemirror-promql/dist/cjs/parser/parser.js');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // An editor state parses only what a 20 ms budget and the first 2,000 characters allow; the linter would then
  // judge a partial tree (spurious errors on a loaded machine). Parse the whole expression, with no time limit
  // that matters, and hand the linter a state that holds the complete tree.
  const initial = EditorState.create({ doc: expr, extensions: new PromQLExtension().asExtension() });
  if (ensureSyntaxTree(initial, expr.length, 600_000) === null) {
    throw new Error('the PromQL grammar did not finish parsing the expression');
  }
  const state = initial.update({}).state;
  const p = new Parser(state);
  p.analyze();
  for (const d of p.getDiagnostics() as { from: number; message: string }[]) out.push(`linter at ${d.from}: ${d.message}`);
  return out;
}
