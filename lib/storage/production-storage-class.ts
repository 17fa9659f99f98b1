import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import {
  ALLOW_VOLUME_EXPANSION, DEFAULT_FS_TYPE, DEFAULT_STORAGE_CLASS_ANNOTATION, DRIVERS, VOLUME_BINDING_MODE,
} from './defaults';
import { StorageDriverProblem } from './_helpers';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { isDns1123Subdomain } from '../internal/names';
import { Profile } from '../profile';
import { clusterScoped, objectMetadata } from '../workload/_metadata';

/**
 * Options of the AWS EBS CSI driver preset.
 *
 * @see https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
 */
export interface AwsEbsOptions {
  /**
   * The EBS volume type.
   *
   * @default 'gp3'
   */
  readonly volumeType?: string;
  /**
   * The KMS key (ARN) the volumes are encrypted with. Volumes are always encrypted.
   *
   * @default - the account's default EBS key
   */
  readonly kmsKeyId?: string;
  /**
   * Provisioned IOPS (gp3, io1, io2). Cannot be combined with `iopsPerGb`.
   *
   * @default - the volume type's baseline (gp3: 3000)
   */
  readonly iops?: number;
  /**
   * Provisioned IOPS per GiB (io1, io2). Cannot be combined with `iops`.
   *
   * @default - none
   */
  readonly iopsPerGb?: number;
  /**
   * Throughput in MiB/s (gp3).
   *
   * @default - the volume type's baseline (gp3: 125)
   */
  readonly throughput?: number;
}

/**
 * Options of the GCE Persistent Disk CSI driver preset.
 *
 * @see https://github.com/kubernetes-sigs/gcp-compute-persistent-disk-csi-driver
 */
export interface GcePdOptions {
  /**
   * The disk type.
   *
   * @default 'pd-balanced'
   */
  readonly volumeType?: string;
  /**
   * Replicate each disk over two zones (`replication-type: regional-pd`), for single-replica stateful apps that
   * must survive a zone loss.
   *
   * @default false
   */
  readonly regional?: boolean;
  /**
   * The Cloud KMS key the disks are encrypted with (customer-managed encryption).
   *
   * @default - Google-managed encryption
   */
  readonly kmsKey?: string;
}

/**
 * Options of the Azure Disk CSI driver preset.
 *
 * @see https://github.com/kubernetes-sigs/azuredisk-csi-driver/blob/master/docs/driver-parameters.md
 */
export interface AzureDiskOptions {
  /**
   * The disk SKU; `Premium_ZRS` or `StandardSSD_ZRS` for zone-redundant disks.
   *
   * @default 'Premium_LRS'
   */
  readonly skuName?: string;
  /**
   * The host caching mode; `None` for write-heavy database logs.
   *
   * @default 'ReadOnly'
   */
  readonly cachingMode?: string;
  /**
   * The disk encryption set (customer-managed keys).
   *
   * @default - platform-managed encryption
   */
  readonly diskEncryptionSetId?: string;
}

/**
 * Options of the Rook Ceph RBD CSI driver preset.
 *
 * @see https://rook.io/docs/rook/latest/Storage-Configuration/Block-Storage-RBD/block-storage/
 */
export interface RookCephRbdOptions {
  /** The Rook cluster's namespace (the `clusterID` parameter). */
  readonly clusterId: string;
  /** The CephBlockPool. */
  readonly pool: string;
  /** The KMS connection the volumes are encrypted with (`encryptionKMSID`); volumes are always encrypted. */
  readonly encryptionKmsId: string;
  /**
   * The namespace of the provisioner, node-stage and expansion secrets.
   *
   * @default - the value of `clusterId`
   */
  readonly secretNamespace?: string;
}

/**
 * A CSI driver with its production parameters.
 *
 * Every parameter is rendered as a string, as the StorageClass API requires.
 */
export class StorageDriver {
  /** AWS EBS (`ebs.csi.aws.com`): gp3, always encrypted. */
  public static awsEbs(options: AwsEbsOptions = {}): StorageDriver {
    const params: Record<string, string> = { type: options.volumeType ?? DRIVERS.awsEbs.volumeType, encrypted: 'true' };
    setIf(params, 'kmsKeyId', options.kmsKeyId);
    setIf(params, 'iops', options.iops);
    setIf(params, 'iopsPerGB', options.iopsPerGb);
    setIf(params, 'throughput', options.throughput);
    const problems: StorageDriverProblem[] = [];
    if (options.iops !== undefined && options.iopsPerGb !== undefined) {
      problems.push({ prop: 'driver.iopsPerGb', value: options.iopsPerGb, problem: 'is set together with \'iops\', and the EBS driver takes one of them',
        fix: 'remove \'iops\' or \'iopsPerGb\'' });
    }
    for (const [prop, v] of [['iops', options.iops], ['iopsPerGb', options.iopsPerGb], ['throughput', options.throughput]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
        problems.push({ prop: `driver.${prop}`, value: v, problem: 'is not a positive integer', fix: 'use a whole number above 0' });
      }
    }
    return new StorageDriver('AWS EBS', DRIVERS.awsEbs.provisioner, params, DRIVERS.awsEbs.topologyKeys, problems);
  }

  /** GCE Persistent Disk (`pd.csi.storage.gke.io`): pd-balanced, regional disks on request. */
  public static gcePd(options: GcePdOptions = {}): StorageDriver {
    const params: Record<string, string> = { type: options.volumeType ?? DRIVERS.gcePd.volumeType };
    if (options.regional === true) {
      params['replication-type'] = DRIVERS.gcePd.regionalReplication;
    }
    setIf(params, 'disk-encryption-kms-key', options.kmsKey);
    return new StorageDriver('GCE PD', DRIVERS.gcePd.provisioner, params, DRIVERS.gcePd.topologyKeys, []);
  }

  /** Azure Disk (`disk.csi.azure.com`): Premium_LRS, read-only host cache, no public network access. */
  public static azureDisk(options: AzureDiskOptions = {}): StorageDriver {
    const params: Record<string, string> = {
      skuName: options.skuName ?? DRIVERS.azureDisk.skuName,
      cachingMode: options.cachingMode ?? DRIVERS.azureDisk.cachingMode,
      networkAccessPolicy: DRIVERS.azureDisk.networkAccessPolicy,
    };
    setIf(params, 'diskEncryptionSetID', options.diskEncryptionSetId);
    return new StorageDriver('Azure Disk', DRIVERS.azureDisk.provisioner, params, DRIVERS.azureDisk.topologyKeys, []);
  }

  /** Rook Ceph RBD (`rook-ceph.rbd.csi.ceph.com`): layering images, always encrypted. */
  public static rookCephRbd(options: RookCephRbdOptions): StorageDriver {
    const ns = options.secretNamespace ?? options.clusterId;
    const params: Record<string, string> = {
      clusterID: options.clusterId,
      pool: options.pool,
      imageFormat: DRIVERS.rookCephRbd.imageFormat,
      imageFeatures: DRIVERS.rookCephRbd.imageFeatures,
      'encrypted': 'true',
      'encryptionKMSID': options.encryptionKmsId,
      'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/provisioner-secret-namespace': ns,
      'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
      'csi.storage.k8s.io/controller-expand-secret-namespace': ns,
      'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
      'csi.storage.k8s.io/node-stage-secret-namespace': ns,
    };
    const problems: StorageDriverProblem[] = [];
    for (const [prop, v] of [['clusterId', options.clusterId], ['pool', options.pool], ['encryptionKmsId', options.encryptionKmsId]] as const) {
      if (typeof v !== 'string' || v.trim() === '') {
        problems.push({ prop: `driver.${prop}`, value: v, problem: 'is empty', fix: `give the Rook ${prop}` });
      }
    }
    return new StorageDriver('Rook Ceph RBD', DRIVERS.rookCephRbd.provisioner, params, DRIVERS.rookCephRbd.topologyKeys, problems);
  }

  /**
   * Another CSI driver, with its parameters as given.
   *
   * @param topologyKeys the node labels the driver reports zones in; empty when it has no zones
   */
  public static custom(provisioner: string, parameters: { [key: string]: string } = {}, topologyKeys: string[] = []): StorageDriver {
    return new StorageDriver(provisioner, provisioner, { ...parameters }, [...topologyKeys], []);
  }

  private constructor(
    /** A name for messages. */
    public readonly displayName: string,
    /** The CSI driver name (the StorageClass `provisioner`). */
    public readonly provisioner: string,
    private readonly params: Record<string, string>,
    /** The node labels the driver reports zones in, the default first; empty when the driver has no zones. */
    public readonly topologyKeys: string[],
    private readonly problems: StorageDriverProblem[],
  ) {}

  /** The driver's parameters, every value a string. */
  public get parameters(): { [key: string]: string } {
    return { ...this.params };
  }

  /** @internal */
  public _problems(): StorageDriverProblem[] {
    return [...this.problems];
  }
}

function setIf(params: Record<string, string>, key: string, value: string | number | undefined): void {
  if (value !== undefined) {
    params[key] = String(value);
  }
}

/**
 * Props of a `ProductionStorageClass`.
 */
export interface ProductionStorageClassProps {
  /** The CSI driver and its parameters: `StorageDriver.awsEbs()`, `.gcePd()`, `.azureDisk()`, `.rookCephRbd({...})`. */
  readonly driver: StorageDriver;

  /**
   * The StorageClass name. StorageClasses are immutable: a changed parameter needs a new name.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * What happens to a volume when its claim is deleted. `Delete` is for scratch and cache data only.
   *
   * @default kplus.PersistentVolumeReclaimPolicy.RETAIN
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#reclaim-policy
   */
  readonly reclaimPolicy?: kplus.PersistentVolumeReclaimPolicy;

  /**
   * Make this the cluster's default class (at most one per app).
   *
   * @default false
   */
  readonly isDefault?: boolean;

  /**
   * The zones volumes may be created in (`allowedTopologies`). With WaitForFirstConsumer binding this is rarely needed.
   *
   * @default - any zone the pod is scheduled in
   */
  readonly zones?: string[];

  /**
   * The node label the zones are matched on; one of the driver's topology keys.
   *
   * @default - the driver's first topology key
   */
  readonly topologyKey?: string;

  /**
   * The filesystem of new volumes (`csi.storage.k8s.io/fstype`).
   *
   * @default 'ext4'
   */
  readonly fsType?: string;

  /**
   * Mount options. Not validated by Kubernetes: a wrong one makes every mount fail.
   *
   * @default - none
   */
  readonly mountOptions?: string[];
}

/**
 * A CSI StorageClass with production defaults: volumes are kept when their claim is deleted (`Retain`), created in
 * the zone of the pod that first uses them (`WaitForFirstConsumer`), can grow in place and are encrypted.
 *
 * StorageClasses cannot be changed once created: a changed parameter needs a new `name`. `Retain` leaves released
 * volumes behind: pair it with a runbook that reclaims them.
 *
 * @example
 * new ProductionStorageClass(chart, 'Ssd', { name: 'ssd-retain', driver: StorageDriver.awsEbs() });
 */
export class ProductionStorageClass extends Construct {
  /** The StorageClass name. */
  public readonly name: string;
  /** The reclaim policy. */
  public readonly reclaimPolicy: kplus.PersistentVolumeReclaimPolicy;
  /** Whether this is the default class. */
  public readonly isDefault: boolean;
  /** The driver. */
  public readonly driver: StorageDriver;
  /** The StorageClass. */
  public readonly resource: k8s.KubeStorageClass;

  public constructor(scope: Construct, id: string, props: ProductionStorageClassProps) {
    super(scope, _uniqueId(scope, id, 'ProductionStorageClass'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionStorageClass', profile);
    assertPropTypes(errors, props, 'ProductionStorageClassProps');
    this.driver = props.driver;
    this.name = props.name ?? Names.toDnsLabel(this);
    this.reclaimPolicy = props.reclaimPolicy ?? kplus.PersistentVolumeReclaimPolicy.RETAIN;
    this.isDefault = props.isDefault ?? false;
    for (const p of props.driver._problems()) {
      errors.add(p.prop, p.value, p.problem, p.fix);
    }
    errors.check(!isDns1123Subdomain(this.name), 'name', this.name, 'is not a DNS-1123 subdomain', 'use lowercase letters, digits, \'-\' and \'.\'');
    const zones = props.zones ?? [];
    const keys = props.driver.topologyKeys;
    const topologyKey = props.topologyKey ?? keys[0];
    errors.check(props.topologyKey !== undefined && keys.length > 0 && !keys.includes(props.topologyKey), 'topologyKey', props.topologyKey,
      `is not a topology key of the ${props.driver.displayName} driver, so no volume could ever be provisioned`, `use one of ${keys.map((k) => `'${k}'`).join(', ')}`);
    errors.check(zones.length > 0 && topologyKey === undefined, 'zones', zones,
      `cannot be used with the ${props.driver.displayName} driver, which has no zone topology`, 'remove \'zones\'');
    errors.check(zones.some((z) => typeof z !== 'string' || z.trim() === ''), 'zones', zones, 'contains an empty zone', 'list zone names');
    if (this.isDefault) {
      const other = otherDefault(this);
      errors.check(other !== undefined, 'isDefault', true, `makes a second default StorageClass beside '${other?.node.path}', and claims without a class then fail`,
        'mark one class as the default');
    }
    errors.throwIfAny();

    const metadata = objectMetadata(profile, this.name, undefined, {},
      this.isDefault ? { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' } : {});
    this.resource = new k8s.KubeStorageClass(this, 'Resource', {
      metadata,
      provisioner: props.driver.provisioner,
      parameters: { ...props.driver.parameters, 'csi.storage.k8s.io/fstype': props.fsType ?? DEFAULT_FS_TYPE },
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: VOLUME_BINDING_MODE,
      allowVolumeExpansion: ALLOW_VOLUME_EXPANSION,
      mountOptions: props.mountOptions && props.mountOptions.length > 0 ? [...props.mountOptions] : undefined,
      allowedTopologies: zones.length > 0 && topologyKey !== undefined
        ? [{ matchLabelExpressions: [{ key: topologyKey, values: [...zones] }] }] : undefined,
    });
    clusterScoped(this.resource);
  }
}

/** Another default ProductionStorageClass in the same app, if any. */
function otherDefault(self: ProductionStorageClass): IConstruct | undefined {
  return self.node.root.node.findAll().find((c) => c !== self && c instanceof ProductionStorageClass && c.isDefault);
}
