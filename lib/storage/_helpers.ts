import { Duration } from 'cdk8s';
import { createHash } from 'crypto';

// Small helpers shared by the storage constructs.

/**
 * A duration as Go's `time.Duration` prints it, which is what Velero shows for `ttl` (`720h0m0s`).
 *
 * @internal
 */
export function goDuration(d: Duration): string {
  const total = Math.round(d.toSeconds());
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}h${m}m${s}s`;
}

/**
 * A stable number in [0, range) from a text: the same app always gets the same cron offset.
 *
 * @internal
 */
export function stableOffset(text: string, range: number, salt = ''): number {
  const digest = createHash('sha256').update(`${salt}:${text}`).digest();
  return digest.readUInt32BE(0) % range;
}

/**
 * The first `length` hex digits of the SHA-256 of a text.
 *
 * @internal
 */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * True when the duration is a whole number of seconds and positive.
 *
 * @internal
 */
export function isWholePositiveSeconds(d: Duration): boolean {
  const ms = d.toMilliseconds();
  return Number.isFinite(ms) && ms > 0 && ms % 1000 === 0;
}
