import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProductionStorageClass, ProductionStorageClassProps, Profile, StorageDriver, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

describe('ProductionStorageClass', () => {
  test('defaults: Retain, WaitForFirstConsumer, expansion, ext4, encrypted gp3, not the default class', () => {
    // GIVEN only a driver
    const chart = chartFor(Profile.PROD);
    const sc = new ProductionStorageClass(chart, 'Ssd', { driver: StorageDriver.awsEbs() });
    // WHEN synthesized
    const manifests = Testing.synth(chart);
    // THEN
    expect(manifests).toMatchSnapshot();
    const m = one(manifests, 'StorageClass');
    expect(m).toMatchObject({
      apiVersion: 'storage.k8s.io/v1', provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true, parameters: { 'type': 'gp3', 'encrypted': 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
    });
    expect(m.metadata.annotations).toEqual({ 'production.platform.io/profile': 'prod' });
    expect(m.mountOptions).toBeUndefined();
    expect(m.allowedTopologies).toBeUndefined();
    expect(sc.reclaimPolicy).toBe(kplus.PersistentVolumeReclaimPolicy.RETAIN);
    expect(sc.isDefault).toBe(false);
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('driver presets render every parameter as a string', () => {
    expect(StorageDriver.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k', iops: 6000, throughput: 250 }).parameters)
      .toEqual({ type: 'gp3', encrypted: 'true', kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k', iops: '6000', throughput: '250' });
    expect(StorageDriver.gcePd({ regional: true }).parameters).toEqual({ 'type': 'pd-balanced', 'replication-type': 'regional-pd' });
    expect(StorageDriver.azureDisk().parameters).toEqual({ skuName: 'Premium_LRS', cachingMode: 'ReadOnly', networkAccessPolicy: 'DenyAll' });
    const rook = StorageDriver.rookCephRbd({ clusterId: 'rook-ceph', pool: 'replicapool', encryptionKmsId: 'vault-kms' });
    expect(rook.provisioner).toBe('rook-ceph.rbd.csi.ceph.com');
    expect(rook.parameters).toMatchObject({ clusterID: 'rook-ceph', pool: 'replicapool', imageFeatures: 'layering', encrypted: 'true',
      encryptionKMSID: 'vault-kms', 'csi.storage.k8s.io/node-stage-secret-namespace': 'rook-ceph' });
    for (const d of [StorageDriver.awsEbs({ iops: 3000 }), StorageDriver.gcePd(), StorageDriver.azureDisk(), rook]) {
      expect(Object.values(d.parameters).every((v) => typeof v === 'string')).toBe(true);
    }
  });

  test('zones use the driver\'s topology key; the default class gets the annotation', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionStorageClass(chart, 'Gce', { name: 'regional', driver: StorageDriver.gcePd({ regional: true }), zones: ['europe-west1-b', 'europe-west1-c'], isDefault: true });
    const m = one(Testing.synth(chart), 'StorageClass');
    expect(m.allowedTopologies).toEqual([{ matchLabelExpressions: [{ key: 'topology.gke.io/zone', values: ['europe-west1-b', 'europe-west1-c'] }] }]);
    expect(m.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
  });

  test('throws for an unknown topology key of a known driver', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new ProductionStorageClass(chart, 'Ssd', { driver: StorageDriver.awsEbs(), zones: ['eu-west-1a'], topologyKey: 'topology.gke.io/zone' })))
      .toContain("'topologyKey' (\"topology.gke.io/zone\") is not a topology key of the AWS EBS driver, so no volume could ever be provisioned. Fix: use one of 'topology.kubernetes.io/zone', 'topology.ebs.csi.aws.com/zone'");
  });

  test('throws for iops together with iopsPerGb', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new ProductionStorageClass(chart, 'Io', { driver: StorageDriver.awsEbs({ volumeType: 'io2', iops: 1000, iopsPerGb: 50 }) })))
      .toContain("'driver.iopsPerGb' (50) is set together with 'iops', and the EBS driver takes one of them");
  });

  test('throws for two default classes in one app, naming the other', () => {
    // GIVEN a default class in another app, which does not count, and one in this app
    new ProductionStorageClass(chartFor(Profile.PROD), 'Elsewhere', { driver: StorageDriver.awsEbs(), isDefault: true });
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ProductionStorageClass(a, 'One', { driver: StorageDriver.awsEbs(), isDefault: true });
    expect(errorOf(() => new ProductionStorageClass(b, 'Two', { driver: StorageDriver.gcePd(), isDefault: true })))
      .toContain("'isDefault' (true) makes a second default StorageClass beside 'a/One'");
  });

  test('throws for a driver given as a string (a plain JavaScript user), naming the prop', () => {
    const chart = chartFor(Profile.PROD);
    const msg = errorOf(() => new ProductionStorageClass(chart, 'Ssd', { driver: 'ebs.csi.aws.com' } as unknown as ProductionStorageClassProps));
    expect(msg).toContain("ProductionStorageClass 'test/Ssd' has 1 invalid prop");
    expect(msg).toContain("'driver' (\"ebs.csi.aws.com\")");
    expect(msg).toContain('StorageDriver');
  });

  test('throws for zones with Rook (no zones), empty Rook options and a bad name, all at once', () => {
    const chart = chartFor(Profile.PROD);
    const msg = errorOf(() => new ProductionStorageClass(chart, 'Ceph', { name: 'Ceph_Block',
      driver: StorageDriver.rookCephRbd({ clusterId: '', pool: 'p', encryptionKmsId: ' ' }), zones: ['a'] }));
    expect(msg).toContain('has 4 invalid props');
    expect(msg).toContain("'zones' ([\"a\"]) cannot be used with the Rook Ceph RBD driver, which has no zone topology");
    expect(msg).toContain("'driver.clusterId' (\"\") is empty");
    expect(msg).toContain("'driver.encryptionKmsId' (\" \") is empty");
    expect(msg).toContain("'name' (\"Ceph_Block\") is not a DNS-1123 subdomain");
  });
});
