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
 * A duration as Kubernetes counts it, for messages: `300s`.
 *
 * @internal
 */
export function secondsText(value: Duration): string {
  return `${value.toMilliseconds({ integral: false }) / 1000}s`;
}
