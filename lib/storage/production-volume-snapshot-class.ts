import { ApiObject, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_SNAPSHOT_CLASS_ANNOTATION, VELERO_SNAPSHOT_CLASS_LABEL } from './defaults';
import { StorageDriver } from './production-storage-class';
import { VolumeSnapshotClass, VolumeSnapshotClassDeletionPolicy } from '../../imports/volumesnapshotclass-snapshot.storage.k8s.io';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { isDns1123Subdomain } from '../internal/names';
import { Profile } from '../profile';
import { clusterScoped, objectMetadata } from '../workload/_metadata';

/**
 * What happens to a snapshot's data when its VolumeSnapshot object is deleted.
 */
export enum SnapshotDeletionPolicy {
  /** The snapshot is kept: it survives the loss of the namespace. Velero still deletes its own at expiry. */
  RETAIN = 'Retain',
  /** The snapshot is deleted with its object: for short-lived scratch snapshots. */
  DELETE = 'Delete',
}

/**
 * Props of a `ProductionVolumeSnapshotClass`.
 */
export interface ProductionVolumeSnapshotClassProps {
  /** The CSI driver the snapshots are taken by (the same as the StorageClass's). */
  readonly driver: StorageDriver;

  /**
   * The class name.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * What happens to the snapshot data when a VolumeSnapshot is deleted.
   *
   * @default SnapshotDeletionPolicy.RETAIN
   */
  readonly deletionPolicy?: SnapshotDeletionPolicy;

  /**
   * Make this the default class of its driver (for VolumeSnapshots that name none).
   *
   * @default false
   */
  readonly isDefault?: boolean;

  /**
   * Let Velero take its CSI snapshots with this class (at most one class per driver).
   *
   * @default true
   */
  readonly forVelero?: boolean;

  /**
   * Driver-specific parameters, e.g. Azure `incremental: 'true'`.
   *
   * @default - none
   */
  readonly parameters?: { [key: string]: string };
}

/**
 * A VolumeSnapshotClass (`snapshot.storage.k8s.io/v1`) that keeps its snapshots and is the one Velero uses for its
 * driver.
 *
 * The snapshot CRDs and the snapshot-controller are cluster prerequisites, not part of vanilla Kubernetes. Snapshots
 * are not backups: a driver may keep them on the same storage as the volume. Take them on a schedule through a
 * `BackupPolicy` (Velero, with data movement in prod).
 *
 * @see https://kubernetes.io/docs/concepts/storage/volume-snapshot-classes/
 *
 * @example
 * new ProductionVolumeSnapshotClass(platform, 'Snapshots', { name: 'ebs-retain', driver: StorageDriver.awsEbs() });
 */
export class ProductionVolumeSnapshotClass extends Construct {
  /** The class name. */
  public readonly name: string;
  /** The driver. */
  public readonly driver: StorageDriver;
  /** The deletion policy. */
  public readonly deletionPolicy: SnapshotDeletionPolicy;
  /** Whether this is its driver's default class. */
  public readonly isDefault: boolean;
  /** Whether Velero uses this class. */
  public readonly forVelero: boolean;
  /** The VolumeSnapshotClass. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ProductionVolumeSnapshotClassProps) {
    super(scope, _uniqueId(scope, id, 'ProductionVolumeSnapshotClass'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionVolumeSnapshotClass', profile);
    assertPropTypes(errors, props, 'ProductionVolumeSnapshotClassProps');
    this.name = props.name ?? Names.toDnsLabel(this);
    this.driver = props.driver;
    this.deletionPolicy = props.deletionPolicy ?? SnapshotDeletionPolicy.RETAIN;
    this.isDefault = props.isDefault ?? false;
    this.forVelero = props.forVelero ?? true;
    errors.check(!isDns1123Subdomain(this.name), 'name', this.name, 'is not a DNS-1123 subdomain', 'use lowercase letters, digits, \'-\' and \'.\'');
    const peers = this.node.root.node.findAll().filter((c): c is ProductionVolumeSnapshotClass =>
      c !== this && c instanceof ProductionVolumeSnapshotClass && c.driver.provisioner === this.driver.provisioner);
    const velero = peers.find((c) => c.forVelero);
    errors.check(this.forVelero && velero !== undefined, 'forVelero', true,
      `makes a second Velero class for driver '${this.driver.provisioner}' beside '${pathOf(velero)}', and Velero would pick either`,
      'set \'forVelero: false\' on one of them');
    const dflt = peers.find((c) => c.isDefault);
    errors.check(this.isDefault && dflt !== undefined, 'isDefault', true,
      `makes a second default class for driver '${this.driver.provisioner}' beside '${pathOf(dflt)}'`, 'mark one class as the default');
    errors.throwIfAny();

    const metadata = objectMetadata(profile, this.name, undefined, this.forVelero ? { [VELERO_SNAPSHOT_CLASS_LABEL]: 'true' } : {},
      this.isDefault ? { [DEFAULT_SNAPSHOT_CLASS_ANNOTATION]: 'true' } : {});
    this.resource = new VolumeSnapshotClass(this, 'Resource', {
      metadata,
      driver: this.driver.provisioner,
      deletionPolicy: this.deletionPolicy === SnapshotDeletionPolicy.RETAIN ? VolumeSnapshotClassDeletionPolicy.RETAIN : VolumeSnapshotClassDeletionPolicy.DELETE,
      parameters: props.parameters && Object.keys(props.parameters).length > 0 ? { ...props.parameters } : undefined,
    });
    clusterScoped(this.resource);
  }
}

function pathOf(c: IConstruct | undefined): string {
  return c?.node.path ?? '';
}
