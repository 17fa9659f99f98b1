import { promqlProblems } from './promql';
test('the linter judges the complete tree of an expression longer than the editor\'s first parse window', () => {
  const expr = Array.from({ length: 150 }, (_, i) => `sum(rate(http_requests_total{job="a${i}"}[5m]))`).join(' + ');
  expect(expr.length).toBeGreaterThan(2000);
  expect(promqlProblems(expr)).toEqual([]);
  expect(promqlProblems(expr + ' +')).not.toEqual([]);
});
