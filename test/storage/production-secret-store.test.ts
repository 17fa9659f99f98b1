import { Testing } from 'cdk8s';
import { ProductionNamespace, ProductionSecretStore, Profile, SecretStoreProvider, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

describe('ProductionSecretStore', () => {
  test('presets authenticate by workload identity: AWS IRSA, Vault Kubernetes auth, GKE Workload Identity', () => {
    // GIVEN one store per provider in a namespace
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    new ProductionSecretStore(ns, 'Aws', { name: 'aws', provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso-reader' }) });
    new ProductionSecretStore(ns, 'Vault', { name: 'vault', provider: SecretStoreProvider.vault({ server: 'https://vault.example.com:8200', role: 'shop', serviceAccount: 'eso-reader' }) });
    new ProductionSecretStore(ns, 'Gcp', { name: 'gcp', provider: SecretStoreProvider.gcp({ projectId: 'shop-prod', serviceAccount: 'eso-reader',
      cluster: { location: 'europe-west1', name: 'prod' } }) });
    const manifests = Testing.synth(chart).filter((m) => m.kind === 'SecretStore');
    // THEN
    expect(manifests.map((m) => m.spec.provider)).toEqual([
      { aws: { service: 'SecretsManager', region: 'eu-west-1', auth: { jwt: { serviceAccountRef: { name: 'eso-reader' } } } } },
      { vault: { server: 'https://vault.example.com:8200', path: 'secret', version: 'v2',
        auth: { kubernetes: { mountPath: 'kubernetes', role: 'shop', serviceAccountRef: { name: 'eso-reader' } } } } },
      { gcpsm: { projectID: 'shop-prod', auth: { workloadIdentity: { serviceAccountRef: { name: 'eso-reader' }, clusterLocation: 'europe-west1',
        clusterName: 'prod', clusterProjectID: 'shop-prod' } } } },
    ]);
    for (const m of manifests) {
      expect(m.metadata.namespace).toBe('shop');
      expect(JSON.stringify(m)).not.toMatch(/secretRef|accessKey/);
    }
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('Parameter Store and an assumed role', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionSecretStore(chart, 'Ssm', { provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso', parameterStore: true,
      role: 'arn:aws:iam::1:role/reader' }) });
    expect(one(Testing.synth(chart), 'SecretStore').spec.provider.aws).toMatchObject({ service: 'ParameterStore', role: 'arn:aws:iam::1:role/reader' });
  });

  test('throws for empty required provider options', () => {
    const chart = chartFor(Profile.PROD);
    const msg = errorOf(() => new ProductionSecretStore(chart, 'S', { provider: SecretStoreProvider.vault({ server: '', role: 'r', serviceAccount: ' ' }) }));
    expect(msg).toContain("'provider.server' (not set) is empty. Fix: give the vault store its server");
    expect(msg).toContain("'provider.serviceAccount' (not set) is empty");
  });
});
