import { App, Chart, Testing } from 'cdk8s';
import { ProductionApp, ProductionNamespace, ProductionWorker, Profile } from '../../lib';
import { chartFor } from '../helpers/manifests';

const APP = { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' };

describe('the same object emitted twice is a synth error naming both construct paths', () => {
  test('GIVEN two ProductionApps named web in one namespace THEN synthesis fails and names both', () => {
    const chart = chartFor(Profile.PROD);
    const a = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    new ProductionApp(a, 'Web', { ...APP, name: 'web' });
    new ProductionApp(a, 'Storefront', { ...APP, name: 'web' });
    expect(() => Testing.synth(chart)).toThrow(
      /'test\/Shop\/Web\/ServiceAccount' and 'test\/Shop\/Storefront\/ServiceAccount' both emit v1 ServiceAccount shop\/web; at apply time one would overwrite or block the other\. Fix: give one of the constructs another 'name'/);
  });

  test('GIVEN the same name in two charts with one namespace THEN every duplicated kind is reported', () => {
    const app = Testing.app();
    const one = new Chart(app, 'one', { namespace: 'shop' });
    const two = new Chart(app, 'two', { namespace: 'shop' });
    new ProductionApp(one, 'Web', { ...APP, name: 'web' });
    new ProductionWorker(two, 'Web', { image: APP.image, name: 'web', readiness: require('../../lib').AppProbe.exec(['true']), liveness: require('../../lib').AppProbe.exec(['/alive']) });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    for (const kind of ['ServiceAccount', 'Deployment', 'PodDisruptionBudget', 'NetworkPolicy']) {
      expect(message).toContain(`both emit ${kind === 'Deployment' ? 'apps/v1' : kind === 'PodDisruptionBudget' ? 'policy/v1' : kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'v1'} ${kind} shop/web`);
    }
  });

  test('GIVEN the same name in different namespaces THEN nothing is reported', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(new ProductionNamespace(chart, 'A', { name: 'a' }), 'Web', { ...APP, name: 'web' });
    new ProductionApp(new ProductionNamespace(chart, 'B', { name: 'b' }), 'Web', { ...APP, name: 'web' });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('dev-profile warnings are printed on every synthesis, without user code', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    spy.mockRestore();
    process.env.CDK8S_PRODUCTION_QUIET = '1';
  });

  test('GIVEN a dev app with a policy breach WHEN synthesized THEN the warning is on stderr, with its construct path', () => {
    delete process.env.CDK8S_PRODUCTION_QUIET;
    const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'warn-')) });
    const chart = new Chart(app, 'dev');
    Profile.use(chart, Profile.DEV);
    new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:latest', port: 8080, healthPath: '/healthz' });
    app.synth();
    expect(written).toEqual([expect.stringMatching(/^\[cdk8s-production\] warning: dev\/Web: 'image' \("registry\.example\.com\/web:latest"\) uses the mutable tag 'latest'\. Fix: /)]);
  });

  test('GIVEN CDK8S_PRODUCTION_QUIET=1 THEN nothing is printed', () => {
    process.env.CDK8S_PRODUCTION_QUIET = '1';
    const chart = chartFor(Profile.DEV);
    new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:latest', port: 8080, healthPath: '/healthz' });
    Testing.synth(chart);
    expect(written).toEqual([]);
  });
});

describe('cluster-scoped objects never carry the chart\'s namespace', () => {
  test('GIVEN a chart with a namespace THEN the Namespace, PriorityClasses, StorageClass and cluster-wide policy have none', () => {
    const { PriorityClasses, ProductionStorageClass, StorageDriver, ClusterDefaultDeny, Cni } = require('../../lib');
    const chart = new Chart(Testing.app(), 'apps', { namespace: 'apps' });
    new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    new PriorityClasses(chart, 'PriorityClasses');
    new ProductionStorageClass(chart, 'Ssd', { name: 'ssd', driver: StorageDriver.awsEbs() });
    new ClusterDefaultDeny(chart, 'Deny', { cni: Cni.CILIUM });
    const manifests = Testing.synth(chart);
    const clusterScoped = manifests.filter((m) => ['Namespace', 'PriorityClass', 'StorageClass', 'CiliumClusterwideNetworkPolicy'].includes(m.kind));
    expect(clusterScoped.map((m) => m.kind).sort()).toEqual(['CiliumClusterwideNetworkPolicy', 'Namespace', 'PriorityClass', 'PriorityClass', 'PriorityClass', 'StorageClass']);
    for (const m of clusterScoped) {
      expect(m.metadata.namespace).toBeUndefined();
    }
    // namespaced objects keep theirs
    expect(manifests.find((m) => m.kind === 'ResourceQuota').metadata.namespace).toBe('shop');
  });

  test('GIVEN two ProductionNamespaces named shop in charts with different namespaces THEN the duplicate Namespace is reported', () => {
    const app = Testing.app();
    new ProductionNamespace(new Chart(app, 'one', { namespace: 'a' }), 'Shop', { name: 'shop' });
    new ProductionNamespace(new Chart(app, 'two', { namespace: 'b' }), 'Shop', { name: 'shop' });
    expect(() => app.synth()).toThrow(/'one\/Shop\/Resource' and 'two\/Shop\/Resource' both emit v1 Namespace shop;/);
  });
});
