import { Size, SizeRoundingBehavior } from 'cdk8s';
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
