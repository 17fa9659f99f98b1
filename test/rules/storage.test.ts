import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubeObject, RulePack } from '../../lib/rules';
import { Profile } from '../../lib';
import { chartFor } from '../helpers/manifests';

const STORAGE_IDS = ['statefulset-service-selects-pods', 'statefulset-pvc-retention', 'pvc-storage-class', 'no-plain-secret-data'];

function findings(objects: KubeObject[], ruleId: string, profile: 'dev' | 'staging' | 'prod' = 'prod') {
  return RulePack.check(objects, { profile }).findings.filter((f) => f.ruleId === ruleId);
}

const sts = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' },
  spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [] } }, ...spec },
});
const headless = (selector: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' }, spec: { clusterIP: 'None', selector },
});
const claim = (storageClassName?: string) => ({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName } });

describe('storage rules', () => {
  test('are registered in the default rule pack', () => {
    expect(RulePack.DEFAULT_RULES.map((r) => r.id)).toEqual(expect.arrayContaining(STORAGE_IDS));
  });

  test('statefulset-service-selects-pods: a headless Service that selects other pods, or nothing', () => {
    expect(findings([sts({}), headless({ app: 'db' })], 'statefulset-service-selects-pods')).toEqual([]);
    expect(findings([sts({}), headless({ app: 'cache' })], 'statefulset-service-selects-pods').map((f) => f.message))
      .toEqual(["headless Service 'db' does not select the StatefulSet's pods"]);
    expect(findings([sts({}), headless({})], 'statefulset-service-selects-pods')).toHaveLength(1);
    // A missing or non-headless Service is statefulset-service-name's finding, not this rule's.
    expect(findings([sts({})], 'statefulset-service-selects-pods')).toEqual([]);
  });

  test('statefulset-pvc-retention: only StatefulSets with claim templates, each field reported', () => {
    expect(findings([sts({})], 'statefulset-pvc-retention')).toEqual([]);
    const unset = findings([sts({ volumeClaimTemplates: [claim('ssd')] })], 'statefulset-pvc-retention');
    expect(unset.map((f) => [f.path, f.message])).toEqual([
      ['spec.persistentVolumeClaimRetentionPolicy.whenDeleted', 'whenDeleted is not set, not Retain'],
      ['spec.persistentVolumeClaimRetentionPolicy.whenScaled', 'whenScaled is not set, not Retain']]);
    expect(findings([sts({ volumeClaimTemplates: [claim('ssd')], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } })],
      'statefulset-pvc-retention').map((f) => f.message)).toEqual(['whenDeleted is Delete, not Retain']);
    expect(findings([sts({ volumeClaimTemplates: [claim('ssd')], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } })],
      'statefulset-pvc-retention')).toEqual([]);
  });

  test('pvc-storage-class: claims and claim templates without a class; an explicit empty class counts as explicit', () => {
    const pvc = (storageClassName?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { storageClassName } });
    expect(findings([pvc()], 'pvc-storage-class')).toHaveLength(1);
    expect(findings([pvc('')], 'pvc-storage-class')).toEqual([]);
    expect(findings([sts({ volumeClaimTemplates: [claim('ssd'), claim()] })], 'pvc-storage-class').map((f) => f.path))
      .toEqual(['spec.volumeClaimTemplates[1].spec.storageClassName']);
  });

  test('no-plain-secret-data: a cdk8s-plus Secret with a literal is reported (an opinion: a warning unless the platform raises it)', () => {
    // GIVEN a plain Secret literal, written the way cdk8s-plus makes it easy to
    const chart = chartFor(Profile.PROD);
    new kplus.Secret(chart, 'Db', { stringData: { password: 'hunter2-hunter2' } });
    const manifests = Testing.synth(chart);
    // THEN the rule pack reports it in every profile, as a warning by default (issue 10: opinions beyond the tools' defaults)
    const prod = findings(manifests, 'no-plain-secret-data');
    expect(prod.map((f) => [f.severity, f.message])).toEqual([['warning', 'carries stringData in plain text in the manifest']]);
    expect(findings(manifests, 'no-plain-secret-data', 'dev').map((f) => f.severity)).toEqual(['warning']);
    // AND a platform team that raises it to an error in prod fails the check
    const raised = RulePack.check(manifests, { profile: 'prod', config: { severity: { 'no-plain-secret-data': { prod: 'error' } } } });
    expect(raised.findings.filter((f) => f.ruleId === 'no-plain-secret-data').map((f) => f.severity)).toEqual(['error']);
    expect(raised.passed).toBe(false);
    // AND a Secret without values (a name reference for a controller) is fine
    expect(findings([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'kubernetes.io/tls' }], 'no-plain-secret-data')).toEqual([]);
  });
});
