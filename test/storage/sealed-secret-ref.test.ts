import { Testing } from 'cdk8s';
import { Profile, SealedSecretRef, SealedSecretRefProps, SealingScope, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const CIPHER = `AgB${'x7Qp'.repeat(40)}==`;

describe('SealedSecretRef', () => {
  test('a bitnami.com/v1alpha1 SealedSecret with the exact name and namespace, ciphertext only', () => {
    const chart = chartFor(Profile.PROD);
    const ref = new SealedSecretRef(chart, 'Db', { name: 'orders-db', namespaceName: 'shop', encryptedData: { password: CIPHER } });
    const manifests = Testing.synth(chart);
    const s = one(manifests, 'SealedSecret');
    expect(s.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(s.metadata).toMatchObject({ name: 'orders-db', namespace: 'shop' });
    expect(Object.keys(s.metadata.annotations)).toEqual(['production.platform.io/profile']);
    expect(s.spec).toEqual({ encryptedData: { password: CIPHER }, template: { metadata: { labels: { 'velero.io/exclude-from-backup': 'true' } } } });
    expect(ref.secret.name).toBe('orders-db');
    expect(ref.scope).toBe(SealingScope.STRICT);
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('the scope annotation only for namespace-wide and cluster-wide sealing', () => {
    const chart = chartFor(Profile.PROD);
    new SealedSecretRef(chart, 'A', { name: 'a', namespaceName: 'shop', encryptedData: { k: CIPHER }, scope: SealingScope.NAMESPACE_WIDE });
    new SealedSecretRef(chart, 'B', { name: 'b', namespaceName: 'shop', encryptedData: { k: CIPHER }, scope: SealingScope.CLUSTER_WIDE, secretType: 'kubernetes.io/tls' });
    const [a, b] = Testing.synth(chart);
    expect(a.metadata.annotations['sealedsecrets.bitnami.com/namespace-wide']).toBe('true');
    expect(b.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(b.spec.template.type).toBe('kubernetes.io/tls');
  });

  test('throws for a SealedSecret without an explicit name and namespace', () => {
    const chart = chartFor(Profile.PROD);
    // Missing (a plain JavaScript user), and empty.
    const missing = errorOf(() => new SealedSecretRef(chart, 'Db', { encryptedData: { password: CIPHER } } as unknown as SealedSecretRefProps));
    expect(missing).toContain("'name' (not set) is required");
    expect(missing).toContain("'namespaceName' (not set) is required");
    const msg = errorOf(() => new SealedSecretRef(chart, 'Empty', { name: '', namespaceName: '', encryptedData: { password: CIPHER } }));
    expect(msg).toContain("'name' (\"\") is not an explicit Secret name, and the ciphertext is bound to the name it was sealed with");
    expect(msg).toContain("'namespaceName' (\"\") is not an explicit namespace, and the ciphertext is bound to the namespace it was sealed with");
  });

  test('throws for a value that is not ciphertext, never printing it', () => {
    const chart = chartFor(Profile.PROD);
    const msg = errorOf(() => new SealedSecretRef(chart, 'Db', { name: 'db', namespaceName: 'shop', encryptedData: { password: 'hunter2' } }));
    expect(msg).toContain("'encryptedData.password' (\"<redacted>\") is not kubeseal ciphertext");
    expect(msg).not.toContain('hunter2');
    expect(errorOf(() => new SealedSecretRef(chart, 'E', { name: 'db', namespaceName: 'shop', encryptedData: {} }))).toContain("'encryptedData' ({}) is empty");
  });
});
