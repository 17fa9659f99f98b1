import { Duration, Testing } from 'cdk8s';
import { AppProbe, ExternalSecretRef, ProductionApp, ProductionNamespace, ProductionSecretStore, Profile, SecretStoreProvider, SecretStoreReference, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

describe('ExternalSecretRef', () => {
  test('defaults: an external-secrets.io/v1 ExternalSecret with every server-side default written out', () => {
    // GIVEN a namespace with a store
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    // WHEN a secret is referenced
    const ref = new ExternalSecretRef(ns, 'DbPassword', { secretName: 'orders-db', store: SecretStoreReference.named('aws'),
      data: { password: { key: 'prod/orders/db', property: 'password' } } });
    const manifests = Testing.synth(chart);
    // THEN
    const es = one(manifests, 'ExternalSecret');
    expect(es).toMatchSnapshot();
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata).toMatchObject({ name: 'orders-db', namespace: 'shop' });
    expect(es.spec).toEqual({
      secretStoreRef: { name: 'aws', kind: 'SecretStore' },
      refreshInterval: '3600s',
      target: { name: 'orders-db', creationPolicy: 'Owner', deletionPolicy: 'Retain',
        template: { metadata: { labels: { 'velero.io/exclude-from-backup': 'true' } } } },
      data: [{ secretKey: 'password', remoteRef: { key: 'prod/orders/db', property: 'password', conversionStrategy: 'Default',
        decodingStrategy: 'None', metadataPolicy: 'None' } }],
    });
    expect(JSON.stringify(es)).not.toContain('nullBytePolicy');
    expect(ref.secret.name).toBe('orders-db');
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    expectValidManifests(manifests);
    expect(RulePack.check(manifests).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('is usable wherever an app takes env from a Secret', () => {
    const chart = chartFor(Profile.PROD);
    const ref = new ExternalSecretRef(chart, 'Db', { store: SecretStoreReference.clusterNamed('vault'), data: { password: { key: 'db' } } });
    new ProductionApp(chart, 'Api', { image: 'registry.example.com/api:1.0.0', port: 8080, healthPath: '/healthz',
      liveness: AppProbe.tcpSocket(), env: { DB_PASSWORD: ref.envValue('password') } });
    const manifests = Testing.synth(chart);
    const env = one(manifests, 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: ref.secretName, key: 'password' } } }]);
    expect(one(manifests, 'ExternalSecret').spec.secretStoreRef.kind).toBe('ClusterSecretStore');
    expect(() => ref.envValue('passwd')).toThrow("'key' (\"passwd\") is not a key of the Secret. Fix: use one of 'password'");
  });

  test('extract, a type, labels, a refresh interval and backups opted in', () => {
    const chart = chartFor(Profile.PROD);
    new ExternalSecretRef(chart, 'Pull', { store: SecretStoreReference.named('aws'), extract: [{ key: 'registry' }], secretType: 'kubernetes.io/dockerconfigjson',
      refreshInterval: Duration.minutes(15), excludeFromBackup: false, labels: { 'app.kubernetes.io/instance': 'api' } });
    const es = one(Testing.synth(chart), 'ExternalSecret');
    expect(es.spec.dataFrom).toEqual([{ extract: { key: 'registry', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } }]);
    expect(es.spec.target.template).toEqual({ type: 'kubernetes.io/dockerconfigjson' });
    expect(es.spec.refreshInterval).toBe('900s');
    expect(es.metadata.labels['app.kubernetes.io/instance']).toBe('api');
    expectValidManifests([es]);
  });

  test('throws for no keys, a bad key, an empty remote key and a store of another namespace, in one error', () => {
    const chart = chartFor(Profile.PROD);
    const other = new ProductionNamespace(chart, 'Other', { name: 'other' });
    const store = new ProductionSecretStore(other, 'Store', { provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso' }) });
    const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const msg = errorOf(() => new ExternalSecretRef(shop, 'Db', { store: SecretStoreReference.of(store), data: { 'pass word': { key: '' } } }));
    expect(msg).toContain("ExternalSecretRef 'test/Shop/Db' has 3 invalid props");
    expect(msg).toContain("'data.pass word' (\"pass word\") is not a valid Secret key");
    expect(msg).toContain("'data.pass word.key' (\"\") is empty");
    expect(msg).toContain(`'store' ("${store.name}") is a SecretStore in namespace 'other', and an ExternalSecret can only use a store of its own namespace ('shop')`);
    expect(errorOf(() => new ExternalSecretRef(shop, 'Empty', { store: SecretStoreReference.named('aws') })))
      .toContain("'data' (not set) and 'extract' are both empty");
  });
});
