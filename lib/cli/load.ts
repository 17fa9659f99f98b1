import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { lineCounterOf, readQuickly } from './_quick-yaml';
import { KubeObject, LocatedObject } from '../rules';

/**
 * A problem with the checker's input that stops it: a missing path, or a folder without YAML
 * files. (A document that is not a Kubernetes object is a finding, not an error.)
 */
export class InputError extends Error {}

/**
 * Finds the YAML files under the given paths: files as given, folders recursively
 * (`.yaml` and `.yml`), in a stable order.
 *
 * @throws InputError for a missing path or a folder without YAML files
 */
export function findYamlFiles(paths: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) {
      throw new InputError(`${p}: no such file or folder`);
    }
    if (fs.statSync(abs).isDirectory()) {
      const found = walk(abs);
      if (found.length === 0) {
        throw new InputError(`${p}: the folder has no .yaml or .yml files`);
      }
      files.push(...found);
    } else {
      files.push(abs);
    }
  }
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        out.push(...walk(full));
      }
    } else if (/\.ya?ml$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Reads every document of a YAML file (multi-document files and `kind: List` included), each
 * with its file and the line and column where it starts, as YAML 1.1 (cdk8s's and Kubernetes').
 *
 * Never refuses the file for its content: a document that does not parse, or is not a mapping,
 * comes back with a `problem` (reported by the `manifest-input` rule), and every other document
 * is read as usual.
 *
 * @param file the file to read
 * @param display how to name the file in messages and findings
 */
export function loadYamlFile(file: string, display: string): LocatedObject[] {
  return readYaml(fs.readFileSync(file, 'utf-8'), display);
}

/**
 * Reads the documents of a YAML text as `loadYamlFile` does. Most manifests are read by js-yaml, about seven times
 * faster, with the same result by construction (see `_quick-yaml.ts`); every other text by the `yaml` package.
 *
 * @internal
 */
export function readYaml(text: string, display: string): LocatedObject[] {
  const quick = readQuickly(text);
  if (quick === undefined) {
    return readExactly(text, display);
  }
  const lines = lineCounterOf(text);
  return quick.flatMap((doc, i) => {
    const pos = lines.linePos(doc.offset);
    return expandList(doc.value, `document ${i + 1}`, i + 1).map((l) => ({ file: display, line: pos.line, column: pos.col, ...l }));
  });
}

/**
 * Reads the documents of a YAML text with the `yaml` package, as YAML 1.1: the reference `readYaml` matches.
 *
 * @internal
 */
export function readExactly(text: string, display: string): LocatedObject[] {
  const lineCounter = new LineCounter();
  // YAML 1.1, as cdk8s writes manifests and as Kubernetes reads them (sigs.k8s.io/yaml): read as
  // 1.2, a string cdk8s leaves unquoted such as `0o17` would come back as the number 15.
  const docs = parseAllDocuments(text, { prettyErrors: true, lineCounter, version: '1.1' });
  const result: LocatedObject[] = [];
  let index = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    index++;
    const where = (offset: number) => {
      const pos = lineCounter.linePos(offset);
      return { file: display, line: pos.line, column: pos.col };
    };
    // the document's first content, past comments and the '---' marker
    const start = where(doc.contents?.range?.[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const at = e.linePos?.[0] ? { file: display, line: e.linePos[0].line, column: e.linePos[0].col } : start;
      result.push({ ...at, kubeObject: standIn(index), problem: `document ${index} is not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      // A merge key `<<` whose value is not a mapping: YAML 1.1 has no reading of it (Kubernetes refuses it too).
      result.push({ ...start, kubeObject: standIn(index), problem: `document ${index} is not valid YAML: ${(e as Error).message}` });
      continue;
    }
    if (value === null || value === undefined) {
      continue;
    }
    result.push(...expandList(value, `document ${index}`, index).map((l) => ({ ...start, ...l })));
  }
  return result;
}

/** An object that stands for a document that is not one, so that findings can name it. */
function standIn(index: number): KubeObject {
  return { apiVersion: '', kind: 'Document', metadata: { name: `#${index}` } };
}

function expandList(value: unknown, where: string, index: number): LocatedObject[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ kubeObject: standIn(index), problem: `${where} is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata, got ${Array.isArray(value) ? 'a list' : typeof value})` }];
  }
  const object = value as KubeObject;
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && typeof object.apiVersion === 'string') {
    const items = (object as { items?: unknown }).items;
    if (!Array.isArray(items)) {
      return [{ kubeObject: object, problem: `${where}: a ${object.kind} without an items array` }];
    }
    return items.flatMap((item, i) => expandList(item, `${where}, item ${i}`, index));
  }
  return [{ kubeObject: object }];
}
