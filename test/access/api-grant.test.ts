import { Chart, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ApiGrant, ApiResource, AppProbe, ProductionCronJob, ProductionJob, ProductionStatefulApp, ApiVerb, KubernetesApiServer, ProductionApp, ProductionAppProps, ProductionNamespace, ProductionWorker, Profile, RulePack, Warnings } from '../../lib';
import { errorOf } from '../helpers/errors';
import { ofKind, one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const APP: ProductionAppProps = { name: 'web', image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' };

function namespaced(profile = Profile.PROD): { chart: Chart; ns: ProductionNamespace } {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop', apiServer: KubernetesApiServer.endpoints(['10.0.0.10/32'], { port: 6443 }) });
  return { chart, ns };
}

describe('typed API grants on a hardened workload', () => {
  test('apiAccess emits a Role with exactly those verbs and resources, bound to the workload\'s ServiceAccount', () => {
    // GIVEN
    const { chart, ns } = namespaced();
    // WHEN
    new ProductionApp(ns, 'Web', {
      ...APP,
      apiAccess: [
        ApiGrant.watch(ApiResource.CONFIG_MAPS),
        ApiGrant.read(ApiResource.SECRETS, { resourceNames: ['web-tls'] }),
        ApiGrant.of(ApiResource.LEASES, [ApiVerb.GET, ApiVerb.UPDATE, ApiVerb.CREATE]),
      ],
    });
    // THEN
    const out = Testing.synth(chart);
    const role = one(out, 'Role');
    expect(role.metadata).toMatchObject({ name: 'web', namespace: 'shop' });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['web-tls'], verbs: ['get', 'list'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ]);
    const binding = one(out, 'RoleBinding');
    const sa = one(out, 'ServiceAccount');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'shop' }]);
  });

  test.each([
    ['ProductionApp', (ns: ProductionNamespace, apiAccess: ApiGrant[]) => new ProductionApp(ns, 'W', { ...APP, apiAccess })],
    ['ProductionWorker', (ns: ProductionNamespace, apiAccess: ApiGrant[]) => new ProductionWorker(ns, 'W', {
      image: APP.image, readiness: AppProbe.exec(['cat', '/tmp/ready']), liveness: AppProbe.exec(['cat', '/tmp/alive']), apiAccess,
    })],
    ['ProductionJob', (ns: ProductionNamespace, apiAccess: ApiGrant[]) => new ProductionJob(ns, 'W', { image: APP.image, apiAccess })],
    ['ProductionCronJob', (ns: ProductionNamespace, apiAccess: ApiGrant[]) => new ProductionCronJob(ns, 'W', { image: APP.image, schedule: '0 3 * * *', apiAccess })],
    ['ProductionStatefulApp', (ns: ProductionNamespace, apiAccess: ApiGrant[]) => new ProductionStatefulApp(ns, 'W', {
      image: APP.image, port: 5432, portName: 'pg', readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(), apiAccess,
      volumeClaims: [{ name: 'data', mountPath: '/data', storage: Size.gibibytes(1), storageClassName: 'ssd' }],
    })],
  ])('%s binds its Role to its own ServiceAccount, mounts the token and reaches the API server', (_kind, create) => {
    const { chart, ns } = namespaced();
    create(ns, [ApiGrant.read(ApiResource.CONFIG_MAPS)]);
    const out = Testing.synth(chart);
    const sa = one(out, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(true);
    expect(one(out, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'shop' }]);
    expect(one(out, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]);
    const pod = JSON.stringify(out.filter((o) => ['Deployment', 'Job', 'CronJob', 'StatefulSet'].includes(o.kind)));
    expect(pod).toContain('"automountServiceAccountToken":true');
    expect(JSON.stringify(ofKind(out, 'NetworkPolicy'))).toContain('10.0.0.10/32');
    expectValidManifests(out);
  });

  test('a grant turns the token and the API-server egress on together', () => {
    const { chart, ns } = namespaced();
    new ProductionApp(ns, 'Web', { ...APP, apiAccess: [ApiGrant.read(ApiResource.CONFIG_MAPS)] });
    const out = Testing.synth(chart);
    expect(one(out, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(one(out, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
    const egress = ofKind(out, 'NetworkPolicy').find((p) => p.metadata.name === 'web').spec.egress;
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] });
    expect(one(out, 'Deployment').metadata.annotations['polaris.fairwinds.com/automountServiceAccountToken-exempt']).toBe('true');
  });

  test('without grants there is no token, no Role and no API-server egress', () => {
    const { chart, ns } = namespaced();
    const app = new ProductionApp(ns, 'Web', APP);
    const out = Testing.synth(chart);
    expect(ofKind(out, 'Role')).toEqual([]);
    expect(ofKind(out, 'RoleBinding')).toEqual([]);
    expect(app.serviceAccountToken).toBe(false);
    expect(app.apiRole).toBeUndefined();
    expect(JSON.stringify(ofKind(out, 'NetworkPolicy'))).not.toContain('10.0.0.10/32');
  });

  test('grantRead, grantWatch and grant add rules after construction, merged with apiAccess', () => {
    const { chart, ns } = namespaced();
    const app = new ProductionApp(ns, 'Web', { ...APP, apiAccess: [ApiGrant.read(ApiResource.CONFIG_MAPS)] });
    app.grantWatch(ApiResource.CONFIG_MAPS);
    app.grantRead(ApiResource.SERVICES);
    app.grant(ApiResource.EVENTS, [ApiVerb.CREATE, ApiVerb.PATCH]);
    const role = one(Testing.synth(chart), 'Role');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
    ]);
    expect(app.apiGrants).toHaveLength(4);
  });

  test('a workload that mounted a token for other reasons can get grants later', () => {
    const { chart, ns } = namespaced();
    const worker = new ProductionWorker(ns, 'Worker', {
      name: 'worker', image: 'registry.example.com/worker:1.0.0', serviceAccountToken: true,
      readiness: AppProbe.exec(['cat', '/tmp/ready']), liveness: AppProbe.exec(['cat', '/tmp/alive']),
    });
    worker.grantWatch(ApiResource.JOBS);
    expect(one(Testing.synth(chart), 'Role').rules).toEqual([{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'watch'] }]);
  });

  test('throws when a grant is added to a workload without a token', () => {
    const { ns } = namespaced();
    const app = new ProductionApp(ns, 'Web', APP);
    expect(errorOf(() => app.grantRead(ApiResource.CONFIG_MAPS))).toContain('\'grantRead\' ("get,list on configmaps") needs the service account token');
    expect(errorOf(() => app.grantRead(ApiResource.CONFIG_MAPS))).toContain('declare the grant in the \'apiAccess\' prop instead');
  });

  test('pods/exec is an error in prod and a warning in dev', () => {
    const prod = namespaced(Profile.PROD);
    expect(errorOf(() => new ProductionApp(prod.ns, 'Web', { ...APP, apiAccess: [ApiGrant.of(ApiResource.PODS_EXEC, [ApiVerb.CREATE])] })))
      .toContain("'apiAccess[0]' (\"create on pods/exec\") runs commands in the containers of every pod of the namespace, which is not allowed in prod");
    const dev = namespaced(Profile.DEV);
    new ProductionApp(dev.ns, 'Web', { ...APP, apiAccess: [ApiGrant.of(ApiResource.PODS_EXEC, [ApiVerb.CREATE])] });
    expect(Warnings.collect(dev.chart).join('\n')).toContain('runs commands in the containers');
  });

  test('the output is valid against the 1.28 schema and has zero rule-pack findings in prod', () => {
    const { chart, ns } = namespaced();
    new ProductionApp(ns, 'Web', {
      ...APP, apiAccess: [ApiGrant.watch(ApiResource.PODS), ApiGrant.read(ApiResource.SECRETS, { resourceNames: ['a', 'b'] })],
    });
    const out = Testing.synth(chart);
    expectValidManifests(out);
    expect(RulePack.check(out, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('property: the Role does not depend on the order or repetition of grants, and never has a wildcard', () => {
    const grantArb = fc.tuple(
      fc.constantFrom(ApiResource.CONFIG_MAPS, ApiResource.PODS, ApiResource.SERVICES, ApiResource.LEASES, ApiResource.DEPLOYMENTS),
      fc.subarray(Object.values(ApiVerb), { minLength: 1 }),
      fc.option(fc.subarray(['a', 'b', 'c'], { minLength: 1 }), { nil: undefined }),
    ).map(([r, verbs, names]) => ApiGrant.of(r, verbs, names ? { resourceNames: names } : {}));
    fc.assert(fc.property(fc.array(grantArb, { minLength: 1, maxLength: 6 }), fc.integer(), (grants, seed) => {
      const rulesOf = (list: ApiGrant[]) => {
        const { chart, ns } = namespaced();
        new ProductionApp(ns, 'Web', { ...APP, apiAccess: list });
        return one(Testing.synth(chart), 'Role').rules;
      };
      const shuffled = [...grants, ...grants.slice(0, 1)].sort((a, b) => ((a.toString().length * seed) % 7) - ((b.toString().length * seed) % 7));
      const rules = rulesOf(grants);
      expect(rulesOf(shuffled)).toEqual(rules);
      expect(JSON.stringify(rules)).not.toContain('*');
      // every granted verb is in the Role, for the resource and names it was granted on
      for (const g of grants) {
        const covered = g.verbs.every((v) => rules.some((r: any) => r.apiGroups[0] === g.resource.apiGroup && r.resources.includes(g.resource.resource)
          && r.verbs.includes(v) && JSON.stringify(r.resourceNames ?? null) === JSON.stringify(g.resourceNames ? [...new Set(g.resourceNames)].sort() : null)));
        expect(covered).toBe(true);
      }
    }), { numRuns: 40, seed: 20261130 });
  });
});
