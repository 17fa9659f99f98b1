import { spawnSync } from 'child_process';
import * as path from 'path';

// API.md is generated from the TSDoc of the public API (scripts/api-docs.js); it must match the code.
test('API.md is up to date with the public API', () => {
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'api-docs.js'), '--check'], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
  });
  expect(`${result.stdout}${result.stderr}`).toMatch(/API\.md is up to date/);
  expect(result.status).toBe(0);
}, 120_000);
