import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type { PropErrors } from './errors';
import * as kplus from 'cdk8s-plus-28';

/**
 * A Size in mebibytes, for comparisons and messages; NaN when it cannot be converted.
 *
 * @internal
 */
export function mebibytesOf(size: Size | undefined): number | undefined {
  if (size === undefined) {
    return undefined;
  }
  try {
    return size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  } catch {
    return NaN;
  }
}

/**
 * A Cpu in millicores; NaN when its amount does not parse.
 *
 * @internal
 */
export function millicoresOf(cpu: kplus.Cpu | undefined): number | undefined {
  if (cpu === undefined) {
    return undefined;
  }
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(cpu.amount));
  if (!match) {
    return NaN;
  }
  const value = Number(match[1]);
  return match[2] === 'm' ? value : value * 1000;
}

/**
 * Records a problem when `value` is set and is shorter than `minSeconds`.
 *
 * @param why why the minimum, for the message
 * @internal
 */
export function checkMinDuration(errors: PropErrors, prop: string, value: Duration | undefined, minSeconds: number, why: string): void {
  if (value === undefined) {
    return;
  }
  // Whole seconds are checked with the prop's type (lib/internal/prop-types.ts), before this runs.
  const millis = value.toMilliseconds({ integral: false });
  errors.check(millis < minSeconds * 1000, prop, secondsText(value),
    minSeconds === 1 ? `is not positive: ${why}` : `is shorter than ${minSeconds}s: ${why}`, `set it to at least Duration.seconds(${minSeconds})`);
}

/**
 * Records a problem when `value` is not a whole number of seconds. Every duration of the Kubernetes API is a whole
 * number of seconds (`...Seconds` fields): a fraction would fail deep inside cdk8s without naming the prop, or be
 * rounded. The prop type check (lib/internal/prop-types.ts) runs it on every Duration prop.
 *
 * @returns true when nothing was recorded
 * @internal
 */
export function checkWholeSeconds(errors: PropErrors, value: Duration, prop: string): boolean {
  const millis = value.toMilliseconds({ integral: false });
  const whole = millis % 1000 === 0;
  errors.check(!whole, prop, `${millis / 1000}s`, 'is not a whole number of seconds, which is what Kubernetes stores',
    `use Duration.seconds(n) with a whole n, e.g. Duration.seconds(${Math.max(1, Math.round(millis / 1000))})`);
  return whole;
}

/**
 * Checks a Duration that no prop type check reaches (one held inside a class the user built, e.g. the duration of
 * `CanaryStep.pause(...)`): that it is a Duration at all, of whole seconds (`checkWholeSeconds`) and at least
 * `minSeconds` long (`checkMinDuration`). Records at most one problem.
 *
 * @param why why the minimum, for the message
 * @internal
 */
export function checkDuration(errors: PropErrors, prop: string, value: unknown, minSeconds: number, why: string): void {
  if (value === undefined) {
    return;
  }
  if (!(value instanceof Duration)) {
    errors.add(prop, value, 'is not a Duration', 'use e.g. Duration.minutes(5)');
    return;
  }
  if (checkWholeSeconds(errors, value, prop)) {
    checkMinDuration(errors, prop, value, minSeconds, why);
  }
}

/**
 * A duration as Kubernetes counts it, for messages: `300s`.
 *
 * @internal
 */
export function secondsText(value: Duration): string {
  return `${value.toMilliseconds({ integral: false }) / 1000}s`;
}
