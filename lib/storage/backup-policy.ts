import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BACKUP_KIND_LABEL, BACKUP_POLICY_LABEL, BACKUP_TTL, BACKUP_WINDOW_UTC, SNAPSHOT_MOVE_DATA, VELERO_NAMESPACE,
} from './defaults';
import { VeleroBackupScope, boundedName, stableOffset, validateTtl } from './_helpers';
import { Schedule } from '../../imports/schedule-velero.io';
import { goDurationHoursMinutesSeconds } from '../internal/durations';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { isDns1123Label } from '../internal/names';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import type { IHardenedWorkload } from '../workload/hardened-workload';

/**
 * How often a BackupPolicy backs up. The minute (and the hour and weekday) are derived from a hash of the policy
 * name, so that backups of many apps do not all start at once, and the same app always gets the same time.
 */
export enum BackupFrequency {
  /** Every hour, at a fixed minute. */
  HOURLY = 'hourly',
  /** Every night (UTC), at a fixed time between 00:00 and 05:00. */
  DAILY = 'daily',
  /** Once a week, on a fixed day, at night (UTC). */
  WEEKLY = 'weekly',
}

/**
 * Props of a `BackupPolicy`.
 */
export interface BackupPolicyProps {
  /**
   * The app whose objects (and volumes) are backed up: every object with its `app.kubernetes.io/instance` label in
   * its namespace. Give this or `namespace`.
   *
   * @default - `namespace`
   */
  readonly app?: IHardenedWorkload;

  /**
   * Back up a whole namespace instead of one app. Give this or `app`.
   *
   * @default - the namespace of `app`
   */
  readonly namespaceName?: string;

  /**
   * How often.
   *
   * @default BackupFrequency.DAILY
   */
  readonly frequency?: BackupFrequency;

  /**
   * How long each backup is kept (Velero deletes it, and its snapshots, after that).
   *
   * @default - 3 days in dev, 7 days in staging, 30 days in prod
   */
  readonly ttl?: Duration;

  /**
   * The Velero BackupStorageLocation.
   *
   * @default - Velero's default location
   */
  readonly storageLocation?: string;

  /**
   * The namespace the Velero server runs in; the Schedule is created there.
   *
   * @default 'velero'
   */
  readonly veleroNamespace?: string;

  /**
   * Copy CSI snapshots to the backup storage (Velero's data mover), so a backup survives the loss of the volume's
   * storage or zone.
   *
   * @default - false in dev, true in staging and prod
   * @see https://velero.io/docs/main/csi-snapshot-data-movement/
   */
  readonly snapshotMoveData?: boolean;

  /**
   * The Schedule's name; its backups are named `<name>-<timestamp>`.
   *
   * @default - `<namespace>-<app>-<frequency>`, shortened with a hash to 63 characters
   */
  readonly name?: string;
}

/**
 * Scheduled backups of an app or a namespace with Velero: a `velero.io/v1` Schedule in the Velero namespace.
 *
 * Volumes are backed up by CSI snapshot (copied off the cluster's storage in staging and prod), the Kubernetes
 * objects with them, so one Restore brings the app back. Backups carry explicit labels (so GitOps tools never take
 * them for their own and prune them) and outlive the Schedule (no owner references).
 *
 * Velero must be installed with CSI support, and a VolumeSnapshotClass labelled for it (`ProductionVolumeSnapshotClass`).
 * Backup storage holds Secrets: encrypt the bucket and restrict access to it.
 *
 * @see https://velero.io/docs/main/api-types/schedule/
 *
 * @example
 * const orders = new ProductionStatefulApp(shop, 'Orders', {
 *   image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
 *   volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' }],
 * });
 * new BackupPolicy(shop, 'Nightly', { app: orders });
 */
export class BackupPolicy extends Construct {
  /** The Schedule name. */
  public readonly name: string;
  /** The namespace the Schedule is in. */
  public readonly veleroNamespace: string;
  /** The namespace that is backed up. */
  public readonly namespaceName: string;
  /** The app's instance label value, when the policy covers one app. */
  public readonly appInstance?: string;
  /** The cron expression (UTC). */
  public readonly schedule: string;
  /** How long each backup is kept. */
  public readonly ttl: Duration;
  /** Whether snapshot data is copied to the backup storage. */
  public readonly snapshotMoveData: boolean;
  /** The frequency. */
  public readonly frequency: BackupFrequency;
  /** The Velero Schedule. */
  public readonly resource: ApiObject;

  private readonly scope: VeleroBackupScope;

  public constructor(scope: Construct, id: string, props: BackupPolicyProps) {
    super(scope, _uniqueId(scope, id, 'BackupPolicy'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'BackupPolicy', profile);
    assertPropTypes(errors, props, 'BackupPolicyProps');
    errors.check(props.app === undefined && props.namespaceName === undefined, 'app', undefined, 'and \'namespaceName\' are both unset, so nothing is backed up',
      'give \'app\' (one app) or \'namespaceName\' (a whole namespace)');
    errors.check(props.app !== undefined && props.namespaceName !== undefined, 'namespaceName', props.namespaceName, 'is set together with \'app\'',
      'give one of them: the app\'s own namespace is used');
    errors.check(props.app !== undefined && props.app.namespaceName === undefined, 'app', props.app?.node.path,
      'has no namespace, and Velero backs up named namespaces only', 'set \'namespaceName\' on the app, or create it in a ProductionNamespace');
    this.namespaceName = props.namespaceName ?? props.app?.namespaceName ?? '';
    errors.checkDnsLabel('namespaceName', props.namespaceName);
    this.appInstance = props.app?.name;
    this.frequency = props.frequency ?? BackupFrequency.DAILY;
    this.veleroNamespace = props.veleroNamespace ?? VELERO_NAMESPACE;
    errors.checkDnsLabel('veleroNamespace', props.veleroNamespace);
    this.ttl = props.ttl ?? profile._select(BACKUP_TTL);
    validateTtl(errors, 'ttl', this.ttl);
    this.snapshotMoveData = props.snapshotMoveData ?? profile._select(SNAPSHOT_MOVE_DATA);
    errors.enforce(props.snapshotMoveData === false, 'snapshotMoveData', false,
      'keeps snapshots on the volume\'s own storage, where a storage or zone failure takes the backup with the data', 'remove it');
    this.name = props.name ?? boundedName([this.namespaceName, this.appInstance ?? NAMESPACE_POLICY, this.frequency]);
    errors.check(!isDns1123Label(this.name), 'name', this.name, 'is not a DNS-1123 label of at most 63 characters (backups are named after it)',
      'use lowercase letters, digits and \'-\'');
    errors.throwIfAny();

    this.schedule = cronOf(this.frequency, this.name);
    this.scope = {
      includedNamespaces: [this.namespaceName],
      labelSelector: this.appInstance !== undefined ? { matchLabels: { [INSTANCE_LABEL]: this.appInstance } } : undefined,
      snapshotVolumes: true,
      snapshotMoveData: this.snapshotMoveData,
      defaultVolumesToFsBackup: false,
      storageLocation: props.storageLocation,
    };
    const labels = this._backupLabels('schedule');
    this.resource = new Schedule(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, this.veleroNamespace, { ...labels, [INSTANCE_LABEL]: this.name }),
      spec: {
        schedule: this.schedule,
        useOwnerReferencesInBackup: false,
        paused: false,
        template: { ...this.scope, ttl: goDurationHoursMinutesSeconds(this.ttl), metadata: { labels } },
      },
    });
  }

  /**
   * What the policy's backups cover.
   *
   * @internal
   */
  public _scope(): VeleroBackupScope {
    return { ...this.scope, includedNamespaces: [...this.scope.includedNamespaces] };
  }

  /**
   * The labels of a backup made for this policy. No `app.kubernetes.io/instance`: GitOps tools that track by that
   * label would take the backups for their own, and prune them.
   *
   * @internal
   */
  public _backupLabels(kind: string): { [key: string]: string } {
    const subject = this.appInstance ?? this.namespaceName;
    return { [NAME_LABEL]: subject, [BACKUP_POLICY_LABEL]: this.name, [BACKUP_KIND_LABEL]: kind };
  }
}

/** The middle part of the name of a policy that backs up a whole namespace. */
const NAMESPACE_POLICY = 'all';
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

function cronOf(frequency: BackupFrequency, name: string): string {
  const minute = stableOffset(name, 60, 'minute');
  const hour = BACKUP_WINDOW_UTC.firstHour + stableOffset(name, BACKUP_WINDOW_UTC.hours, 'hour');
  const weekday = stableOffset(name, 7, 'weekday');
  switch (frequency) {
    case BackupFrequency.HOURLY: return `CRON_TZ=UTC ${minute} * * * *`;
    case BackupFrequency.WEEKLY: return `CRON_TZ=UTC ${minute} ${hour} * * ${weekday}`;
    default: return `CRON_TZ=UTC ${minute} ${hour} * * *`;
  }
}
