import { Testing } from 'cdk8s';
import { ProductionClusterSecretStore, Profile, SecretStoreProvider } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const AWS = SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso', serviceAccountNamespace: 'external-secrets' });

describe('ProductionClusterSecretStore', () => {
  test('is restricted to the listed namespaces and namespace labels', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionClusterSecretStore(chart, 'Aws', { name: 'aws', provider: AWS, namespaces: ['shop', 'billing'], namespaceSelector: { 'platform.io/tenant': 'shop' } });
    const manifests = Testing.synth(chart);
    const store = one(manifests, 'ClusterSecretStore');
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec.conditions).toEqual([{ namespaces: ['shop', 'billing'] }, { namespaceSelector: { matchLabels: { 'platform.io/tenant': 'shop' } } }]);
    expect(store.spec.provider.aws.auth.jwt.serviceAccountRef).toEqual({ name: 'eso', namespace: 'external-secrets' });
    expectValidManifests(manifests);
  });

  test('throws for a ClusterSecretStore without namespace conditions, and a ServiceAccount without a namespace', () => {
    const chart = chartFor(Profile.PROD);
    const msg = errorOf(() => new ProductionClusterSecretStore(chart, 'Aws', { provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso' }) }));
    expect(msg).toContain("'namespaces' (not set) and 'namespaceSelector' are both unset, so every namespace could read the store's secrets");
    expect(msg).toContain("'provider.serviceAccountNamespace' (not set) is not set, and a cluster-wide store must say which namespace its ServiceAccount is in");
  });

  test('throws for a bad namespace and a bad selector label', () => {
    const chart = chartFor(Profile.PROD);
    const msg = errorOf(() => new ProductionClusterSecretStore(chart, 'Aws', { provider: AWS, namespaces: ['Shop'], namespaceSelector: { 'bad key!': 'x' } }));
    expect(msg).toContain("'namespaces[0]' (\"Shop\") is not a namespace name");
    expect(msg).toContain("'namespaceSelector.bad key!' (\"bad key!\") is not a valid label key");
  });
});
