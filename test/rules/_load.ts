import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from '../../lib/rules';

/** The fixtures folder. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Reads every object of a YAML fixture. */
export function loadFixture(file: string): KubeObject[] {
  const text = fs.readFileSync(path.isAbsolute(file) ? file : path.join(FIXTURES, file), 'utf-8');
  return parseAllDocuments(text).map((d) => d.toJS() as KubeObject).filter((o) => o !== null);
}

/** The YAML files of a fixtures subfolder. */
export function fixtureFiles(folder: string): string[] {
  return fs.readdirSync(path.join(FIXTURES, folder)).filter((f) => f.endsWith('.yaml')).sort();
}
