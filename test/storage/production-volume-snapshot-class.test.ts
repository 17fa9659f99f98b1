import { Testing } from 'cdk8s';
import { ProductionVolumeSnapshotClass, Profile, SnapshotDeletionPolicy, StorageDriver } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

describe('ProductionVolumeSnapshotClass', () => {
  test('defaults: Retain, labelled for Velero, not the default, valid against the CRD', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionVolumeSnapshotClass(chart, 'Snap', { name: 'ebs-retain', driver: StorageDriver.awsEbs() });
    const manifests = Testing.synth(chart);
    expect(manifests).toEqual([{
      apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', driver: 'ebs.csi.aws.com', deletionPolicy: 'Retain',
      metadata: { name: 'ebs-retain', labels: { 'velero.io/csi-volumesnapshot-class': 'true', 'app.kubernetes.io/managed-by': 'cdk8s-production' },
        annotations: { 'production.platform.io/profile': 'prod' } },
    }]);
    expectValidManifests(manifests);
  });

  test('Delete, default class and parameters on request', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionVolumeSnapshotClass(chart, 'Snap', { driver: StorageDriver.azureDisk(), deletionPolicy: SnapshotDeletionPolicy.DELETE,
      isDefault: true, forVelero: false, parameters: { incremental: 'true' } });
    const m = one(Testing.synth(chart), 'VolumeSnapshotClass');
    expect(m.deletionPolicy).toBe('Delete');
    expect(m.parameters).toEqual({ incremental: 'true' });
    expect(m.metadata.annotations['snapshot.storage.kubernetes.io/is-default-class']).toBe('true');
    expect(m.metadata.labels['velero.io/csi-volumesnapshot-class']).toBeUndefined();
  });

  test('throws for two Velero classes or two default classes of one driver', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionVolumeSnapshotClass(chart, 'A', { driver: StorageDriver.awsEbs(), isDefault: true });
    new ProductionVolumeSnapshotClass(chart, 'Other', { driver: StorageDriver.gcePd(), isDefault: true });
    const msg = errorOf(() => new ProductionVolumeSnapshotClass(chart, 'B', { driver: StorageDriver.awsEbs(), isDefault: true }));
    expect(msg).toContain("'forVelero' (true) makes a second Velero class for driver 'ebs.csi.aws.com' beside 'test/A'");
    expect(msg).toContain("'isDefault' (true) makes a second default class for driver 'ebs.csi.aws.com' beside 'test/A'");
  });
});
