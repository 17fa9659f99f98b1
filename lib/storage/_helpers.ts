import { Duration } from 'cdk8s';
import { createHash } from 'crypto';
import { MIN_BACKUP_TTL } from './defaults';
import type { PropErrors } from '../internal/errors';

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
 * The duration in seconds, fractions included (cdk8s's `toSeconds` throws on a fraction).
 *
 * @internal
 */
export function secondsOf(d: Duration): number {
  return d.toMilliseconds() / 1000;
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

/**
 * What a Velero backup of an app or a namespace covers, as every Backup, Schedule and Restore of the library
 * writes it.
 *
 * @internal
 */
export interface VeleroBackupScope {
  readonly includedNamespaces: string[];
  readonly labelSelector?: { readonly matchLabels: { [key: string]: string } };
  readonly snapshotVolumes: boolean;
  readonly snapshotMoveData: boolean;
  readonly defaultVolumesToFsBackup: boolean;
  readonly storageLocation?: string;
}

/**
 * Checks a backup retention: set, whole seconds, at least an hour.
 *
 * @internal
 */
export function validateTtl(errors: PropErrors, prop: string, ttl: Duration): void {
  const seconds = secondsOf(ttl);
  errors.check(!isWholePositiveSeconds(ttl), prop, `${seconds}s`, 'is not a positive whole number of seconds, so backups have no retention',
    'use Duration.days(n) or Duration.hours(n)');
  errors.check(isWholePositiveSeconds(ttl) && seconds < MIN_BACKUP_TTL.toSeconds(), prop, `${seconds}s`,
    `is below ${MIN_BACKUP_TTL.toHours()}h: backups would expire before anyone could restore from them`, 'keep backups for days, e.g. Duration.days(7)');
}

/**
 * A DNS label made of the parts, shortened with a hash of the whole when it is longer than 63 characters.
 *
 * @internal
 */
export function boundedName(parts: string[], max = 63): string {
  const full = parts.filter((p) => p !== '').join('-');
  if (full.length <= max) {
    return full;
  }
  const hash = shortHash(full);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * A problem with a driver preset's options, reported by the construct that uses it.
 *
 * @internal
 */
export interface StorageDriverProblem {
  readonly prop: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}
