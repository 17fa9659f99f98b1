/**
 * Kubernetes CronJob syntax facts: the schedule grammar, time zone names and the CronJob limits.
 *
 * The CronJob controller parses `spec.schedule` with robfig/cron's standard parser: five fields, or one of the
 * `@` macros. This module accepts what that parser accepts, except where the parser is lax in ways that only hide
 * typos (empty list items, signed numbers, `?` outside the day fields, `@every`). Plain functions over strings;
 * nothing from cdk8s.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 * @see https://pkg.go.dev/github.com/robfig/cron/v3#hdr-CRON_Expression_Format
 */

/**
 * The longest name a CronJob may have: the controller names each Job `<cronjob>-<11 characters>`, and Job names
 * must stay DNS-1123 labels of at most 63 characters.
 *
 * @internal
 */
export const CRON_JOB_NAME_MAX_LENGTH = 52;

/**
 * The shortest `startingDeadlineSeconds` that works: the controller looks at CronJobs every 10 seconds, so a
 * shorter deadline may skip runs.
 *
 * @internal
 */
export const CRON_JOB_MIN_STARTING_DEADLINE_SECONDS = 10;

/**
 * The five fields of a schedule, as they are rendered.
 *
 * @internal
 */
export interface CronFields {
  readonly minute: string;
  readonly hour: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
}

/**
 * What is wrong with a value, and how to fix it.
 *
 * @internal
 */
export interface SyntaxProblem {
  readonly problem: string;
  readonly fix: string;
}

/**
 * A parsed schedule: its fields, or what is wrong with it.
 *
 * @internal
 */
export type CronParseResult = { readonly fields: CronFields; readonly problem?: undefined }
| { readonly fields?: undefined; readonly problem: SyntaxProblem };

/** The macros the controller accepts, and the five fields each stands for. */
const MACROS: ReadonlyMap<string, string> = new Map([
  ['@yearly', '0 0 1 1 *'],
  ['@annually', '0 0 1 1 *'],
  ['@monthly', '0 0 1 * *'],
  ['@weekly', '0 0 * * 0'],
  ['@daily', '0 0 * * *'],
  ['@midnight', '0 0 * * *'],
  ['@hourly', '0 * * * *'],
]);

interface FieldSyntax {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Three-letter names, lowercase, numbered from `min`. */
  readonly names?: readonly string[];
  /** Whether `?` may stand for "any" (the day fields only, as in Quartz). */
  readonly question?: boolean;
}

const FIELDS: readonly FieldSyntax[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], question: true },
];

/** The most days each month can have (February in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const EXAMPLE = '\'0 3 * * *\' (03:00 every day), \'*/15 * * * *\' or \'@daily\'';

/**
 * Parses a CronJob schedule: five fields (minute, hour, day of month, month, day of week) with lists, ranges,
 * steps and month and weekday names, or a macro (`@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`,
 * `@yearly`, `@annually`), which is expanded to its five fields.
 *
 * A schedule that can never run (day 31 of a month that has 30 days) is refused too.
 *
 * @internal
 */
export function parseCronSchedule(schedule: string): CronParseResult {
  const text = schedule.trim();
  if (text === '') {
    return fail('is empty', `write five fields, e.g. ${EXAMPLE}`);
  }
  if (/^(CRON_)?TZ=/.test(text)) {
    return fail('sets its time zone inline, which Kubernetes refuses', 'remove the TZ= prefix and set \'timeZone\' instead');
  }
  if (text.startsWith('@')) {
    const expanded = MACROS.get(text);
    if (expanded === undefined) {
      const hint = [...MACROS.keys()].find((m) => m === text.toLowerCase());
      return fail(`is not a known macro${text.startsWith('@every') ? ' (\'@every\' runs relative to when the controller starts)' : ''}`,
        hint !== undefined ? `did you mean '${hint}'?` : `use one of ${[...MACROS.keys()].map((m) => `'${m}'`).join(', ')}, or five fields`);
    }
    return parseFields(expanded.split(' '));
  }
  const parts = text.split(/\s+/);
  if (parts.length !== FIELDS.length) {
    const fix = parts.length === 6
      ? 'Kubernetes schedules have no seconds (or year) field: remove it and keep minute, hour, day of month, month and day of week'
      : `write minute, hour, day of month, month and day of week, e.g. ${EXAMPLE}`;
    return fail(`has ${parts.length} field${parts.length === 1 ? '' : 's'} instead of 5`, fix);
  }
  return parseFields(parts);
}

function parseFields(parts: string[]): CronParseResult {
  const values: Array<Set<number>> = [];
  const stars: boolean[] = [];
  for (let i = 0; i < FIELDS.length; i++) {
    const field = parseField(parts[i], FIELDS[i]);
    if ('problem' in field) {
      return { problem: field.problem };
    }
    values.push(field.values);
    stars.push(field.star);
  }
  // With an unrestricted day of week, a run needs a selected day that exists in a selected month.
  const [, , days, months] = values;
  if (stars[4] && ![...months].some((m) => [...days].some((d) => d <= DAYS_IN_MONTH[m - 1]))) {
    return fail('never runs: none of the selected months has the selected day', 'pick a day that exists in the selected months');
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts;
  return { fields: { minute, hour, dayOfMonth, month, dayOfWeek } };
}

type FieldResult = { readonly values: Set<number>; readonly star: boolean } | { readonly problem: SyntaxProblem };

/** A field: a comma-separated list of `*`, `n`, `a-b`, each with an optional `/step`. */
function parseField(text: string, syntax: FieldSyntax): FieldResult {
  const values = new Set<number>();
  const items = text.split(',');
  const bad = (what: string, fix: string): FieldResult => ({ problem: { problem: `has an invalid ${syntax.name} field '${text}': ${what}`, fix } });
  const names = syntax.names?.map((n) => n.toUpperCase());
  const range = `${syntax.min}-${syntax.max}${names ? ` or ${names[0]}-${names[names.length - 1]}` : ''}`;
  let star = false;
  for (const item of items) {
    if (item === '') {
      return bad('a list item is empty', 'remove the extra \',\'');
    }
    const [span, step, ...extraSlashes] = item.split('/');
    if (extraSlashes.length > 0) {
      return bad(`'${item}' has more than one '/'`, 'write one step, e.g. \'*/5\'');
    }
    let increment = 1;
    if (step !== undefined) {
      if (!/^\d+$/.test(step) || Number(step) === 0) {
        return bad(`the step '${step}' is not a positive whole number`, 'write a step of 1 or more, e.g. \'*/5\'');
      }
      increment = Number(step);
    }
    let start: number;
    let end: number;
    if (span === '*' || (span === '?' && syntax.question)) {
      [start, end] = [syntax.min, syntax.max];
      // As in robfig/cron, '*' and '*/1' leave the field unrestricted; a larger step restricts it.
      star = star || increment === 1;
    } else {
      const [from, to, ...extraDashes] = span.split('-');
      if (extraDashes.length > 0) {
        return bad(`'${span}' has more than one '-'`, 'write a range as \'a-b\'');
      }
      const a = valueOf(from, syntax);
      const b = to === undefined ? undefined : valueOf(to, syntax);
      for (const [raw, v] of [[from, a], [to, b]] as const) {
        if (raw !== undefined && v === undefined) {
          const what = raw === '' ? `'${span}' is missing a number (negative numbers are not allowed)` : `'${raw}' is not a value`;
          return bad(what, `use ${range}${span === '?' ? ' (\'?\' is allowed only in the day fields)' : ''}`);
        }
        if (v !== undefined && (v < syntax.min || v > syntax.max)) {
          return bad(`${raw} is out of range`, `use ${range}`);
        }
      }
      start = a!;
      // A single value with a step ('5/15') runs from that value to the end of the field.
      end = b ?? (step !== undefined ? syntax.max : start);
      if (start > end) {
        return bad(`the range '${span}' runs backwards`, `write it as '${to}-${from}', or split it into two ranges`);
      }
    }
    for (let v = start; v <= end; v += increment) {
      values.add(v);
    }
  }
  return { values, star };
}

/** A number, or a name in a field that has names; undefined when it is neither. */
function valueOf(text: string, syntax: FieldSyntax): number | undefined {
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  const index = syntax.names?.indexOf(text.toLowerCase()) ?? -1;
  return index < 0 ? undefined : syntax.min + index;
}

function fail(problem: string, fix: string): CronParseResult {
  return { problem: { problem, fix } };
}

/**
 * What is wrong with a time zone name, or undefined when it is an IANA time zone name.
 *
 * The name must be spelled as in the tz database, case included (the controller loads it from the files of that
 * database), and be known to the ICU data of this Node.js, which holds the same names.
 *
 * @see https://www.iana.org/time-zones
 * @internal
 */
export function timeZoneProblem(name: string): SyntaxProblem | undefined {
  const fix = 'use an IANA time zone name such as \'Etc/UTC\' or \'Europe/Berlin\'';
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return { problem: 'is not an IANA time zone name', fix };
  }
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) {
    return { problem: 'is not spelled as in the tz database (names are case-sensitive)', fix: `did you mean '${resolved}'?` };
  }
  // Each part of a tz name starts with a capital letter ('America/Port-au-Prince', 'Etc/GMT+5'); this also refuses
  // UTC offsets such as '+01:00', which ICU accepts but Kubernetes does not.
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name)) {
    return { problem: 'is not an IANA time zone name', fix };
  }
  return undefined;
}
