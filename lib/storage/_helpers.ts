import { Duration } from 'cdk8s';
import { createHash } from 'crypto';
import { MIN_BACKUP_TTL } from './defaults';
import type { PropErrors } from '../internal/errors';
import { checkMinDuration } from '../internal/quantity';

// Small helpers shared by the storage constructs.

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
 * Checks a backup retention: at least an hour (whole seconds are checked with the prop's type).
 *
 * @internal
 */
export function validateTtl(errors: PropErrors, prop: string, ttl: Duration): void {
  checkMinDuration(errors, prop, ttl, MIN_BACKUP_TTL.toSeconds(), 'backups would expire before anyone could restore from them');
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
