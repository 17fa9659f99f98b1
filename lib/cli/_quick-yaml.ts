import {
  constructFromEvents, defineScalarTag, Event, EVENT_ID, getScalarValue, mapTag, NOT_RESOLVED, parseEvents, Schema,
  SCALAR_STYLE, seqTag, strTag,
} from 'js-yaml';
import { LineCounter, parse, Schema as YamlSchema } from 'yaml';

// Reading manifests is the largest cost of checking a big app: the `yaml` package parses about 3 MB a second,
// js-yaml about seven times that. The checker must read a manifest exactly as the `yaml` package reads it as
// YAML 1.1 (`loadYamlFile`'s contract), so js-yaml is used only where it gives the same result by construction:
//   - js-yaml builds the structure (mappings, sequences, quoted and block scalars: the same in YAML 1.1 and 1.2);
//   - every plain scalar that the `yaml` package's YAML 1.1 schema would read as something other than a string
//     (its own tags' tests decide) is read by the `yaml` package itself;
//   - anything where the two could differ is left to the `yaml` package: the whole file is read by it when the
//     file has a tag, an anchor or alias, a directive, a key that is not a plain string (a merge key `<<`, a
//     number, a collection), a document that is empty or not a mapping, a character that YAML 1.1 and 1.2 treat
//     differently (carriage return, NEL, line and paragraph separators, a byte-order mark) or a tab or other
//     control character, a block scalar with a line of spaces only, or anything js-yaml refuses (syntax errors,
//     duplicate keys, depth).
// test/cli/quick-yaml.test.ts compares both readers on generated and damaged documents, test/synth.test.ts on every
// example's output.

/**
 * A document read by the quick reader: its value and the offset of its first content.
 *
 * @internal
 */
export interface QuickDocument {
  readonly value: unknown;
  readonly offset: number;
}

/** The tests of the `yaml` package's YAML 1.1 schema for plain scalars that are not strings (and the merge key). */
const NOT_STRING_TESTS = new YamlSchema({ schema: 'yaml-1.1' }).tags
  .filter((t) => t.default !== false && t.test !== undefined && t.tag !== 'tag:yaml.org,2002:str')
  .map((t) => t.test!);

/** The same tests as one expression (a text matches it when it matches one of them), when they have no flags. */
const NOT_STRING = NOT_STRING_TESTS.every((re) => re.flags === '')
  ? new RegExp(NOT_STRING_TESTS.map((re) => `(?:${re.source})`).join('|')) : undefined;

/** Characters after which the two parsers could disagree: the file is left to the `yaml` package. */
const UNSAFE_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/;

/** A line that holds spaces and nothing else. */
const SPACES_ONLY_LINE = /(?:^|\n) +(?:\n|$)/;

function readsAsString(text: string): boolean {
  return NOT_STRING !== undefined ? !NOT_STRING.test(text) : !NOT_STRING_TESTS.some((re) => re.test(text));
}

/**
 * Plain scalars that are not strings, as the `yaml` package reads them (primitives only: a Date is not shared), for
 * the text being read: manifests repeat the same few (`8080`, `true`, `3`). Emptied after each text.
 */
const plainValues = new Map<string, unknown>();

function plainValue(text: string): unknown {
  if (plainValues.has(text)) {
    return plainValues.get(text);
  }
  const value: unknown = parse(text, { version: '1.1' });
  if (value === null || typeof value !== 'object') {
    plainValues.set(text, value);
  }
  return value;
}

/** js-yaml's structure, with plain scalars resolved by the `yaml` package's YAML 1.1 schema. */
const SCHEMA = new Schema([seqTag, mapTag, strTag, defineScalarTag('tag:cdk8s-production,2026:yaml-1.1-plain', {
  implicit: true,
  implicitFirstChars: null,
  resolve: (text: string) => (readsAsString(text) ? NOT_RESOLVED : plainValue(text)),
  identify: () => false,
})]);

/**
 * Reads a YAML stream with js-yaml where that gives what the `yaml` package gives when it reads the stream as YAML
 * 1.1, else returns undefined (the caller reads it with the `yaml` package).
 *
 * @internal
 */
export function readQuickly(text: string): QuickDocument[] | undefined {
  if (UNSAFE_CHARACTERS.test(text)) {
    return undefined;
  }
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  const offsets = documentOffsets(text, events);
  if (offsets === undefined) {
    return undefined;
  }
  let values: unknown[];
  try {
    values = constructFromEvents(events, { source: text, schema: SCHEMA });
  } catch {
    return undefined;
  } finally {
    plainValues.clear();
  }
  if (values.length !== offsets.length || values.some((v) => v === null || typeof v !== 'object' || Array.isArray(v))) {
    return undefined;
  }
  return values.map((value, i) => ({ value, offset: offsets[i] }));
}

/** One open collection while walking the events. */
interface Frame {
  readonly mapping: boolean;
  items: number;
}

/**
 * The offset of each document's root mapping, or undefined when an event has what the quick reader leaves to the
 * `yaml` package: a directive, tag, anchor or alias, a root that is not a mapping, or a key that is not a plain
 * one-line string.
 */
function documentOffsets(text: string, events: Event[]): number[] | undefined {
  const offsets: number[] = [];
  const stack: Frame[] = [];
  let atRoot = false;
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.DOCUMENT:
        if (e.directives.length > 0) {
          return undefined;
        }
        atRoot = true;
        continue;
      case EVENT_ID.POP:
        stack.pop();
        continue;
      case EVENT_ID.ALIAS:
        return undefined;
      default:
        break;
    }
    if (e.anchorStart !== -1 || e.tagStart !== -1) {
      return undefined;
    }
    const parent = stack[stack.length - 1];
    const isKey = parent !== undefined && parent.mapping && parent.items % 2 === 0;
    if (parent !== undefined) {
      parent.items++;
    }
    if (e.type === EVENT_ID.SCALAR) {
      if (atRoot) {
        return undefined;
      }
      // A line of spaces only in a block scalar: js-yaml keeps the spaces past the indentation, the yaml package
      // reads an empty line.
      if ((e.style === SCALAR_STYLE.LITERAL_BLOCK || e.style === SCALAR_STYLE.FOLDED_BLOCK) && SPACES_ONLY_LINE.test(text.slice(e.valueStart, e.valueEnd))) {
        return undefined;
      }
      if (isKey && e.style === SCALAR_STYLE.PLAIN) {
        const key = getScalarValue(text, e);
        if (key.includes('\n') || !readsAsString(key)) {
          return undefined;
        }
      }
      continue;
    }
    if (isKey || (atRoot && e.type !== EVENT_ID.MAPPING)) {
      return undefined;
    }
    if (atRoot) {
      offsets.push(e.start);
      atRoot = false;
    }
    stack.push({ mapping: e.type === EVENT_ID.MAPPING, items: 0 });
  }
  return offsets;
}

/**
 * The line and column of an offset, as the `yaml` package's LineCounter gives them for the same text (it counts a
 * line at every `\n`, in scalars too).
 *
 * @internal
 */
export function lineCounterOf(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    counter.addNewLine(i + 1);
  }
  return counter;
}
