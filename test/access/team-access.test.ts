import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ApiResource, ProductionApp, ProductionNamespace, Profile, TeamAccess, TeamRole, TeamSubject, RulePack, Warnings } from '../../lib';
import { ofKind } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

const APP = { name: 'web', image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' };
const DEVS = [TeamSubject.group('shop-developers')];

function setup(profile = Profile.PROD): { app: ReturnType<typeof Testing.app>; chart: Chart; ns: ProductionNamespace } {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  Profile.use(chart, profile);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
  return { app, chart, ns };
}

function roleOf(out: any[], name: string): any {
  return ofKind(out, 'Role').find((r) => r.metadata.name === name);
}

function grantsOn(rules: any[], group: string, resource: string): string[] {
  return rules.filter((r) => r.apiGroups.includes(group) && r.resources.includes(resource)).flatMap((r) => r.verbs);
}

describe('TeamAccess', () => {
  test('a viewer reads the workload kinds and never Secrets', () => {
    const { chart, ns } = setup();
    const access = ns.grantTeam('shop', TeamRole.VIEWER, DEVS);
    const out = Testing.synth(chart);
    const role = roleOf(out, 'team-shop-viewer');
    expect(role.metadata.namespace).toBe('shop');
    for (const [g, r] of [['', 'pods'], ['apps', 'deployments'], ['batch', 'cronjobs'], ['', 'services'], ['', 'configmaps']]) {
      expect(grantsOn(role.rules, g, r)).toEqual(['get', 'list', 'watch']);
    }
    expect(grantsOn(role.rules, '', 'secrets')).toEqual([]);
    expect(grantsOn(role.rules, '', 'pods/log')).toEqual([]);
    expect(JSON.stringify(role.rules)).not.toMatch(/create|update|patch|delete|\*/);
    const binding = ofKind(out, 'RoleBinding').find((b) => b.metadata.name === 'team-shop-viewer');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-shop-viewer' });
    expect(binding.subjects).toEqual([{ kind: 'Group', name: 'shop-developers', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(access.node.id).toBe('TeamShopViewer');
    expect(ofKind(out, 'ClusterRole')).toEqual([]);
  });

  test('a developer adds logs and port-forward, and no exec in prod', () => {
    const { chart, ns } = setup();
    ns.grantTeam('shop', TeamRole.DEVELOPER, DEVS);
    const role = roleOf(Testing.synth(chart), 'team-shop-developer');
    expect(grantsOn(role.rules, '', 'pods/log')).toEqual(['get']);
    expect(grantsOn(role.rules, '', 'pods/portforward')).toEqual(['get', 'create']);
    expect(grantsOn(role.rules, '', 'pods/exec')).toEqual([]);
    expect(grantsOn(role.rules, '', 'pods/attach')).toEqual([]);
    expect(grantsOn(role.rules, '', 'secrets')).toEqual([]);
  });

  test('podExec is dev only: a warning and a recorded exemption in dev', () => {
    const { chart, ns } = setup(Profile.DEV);
    ns.grantTeam('shop', TeamRole.DEVELOPER, DEVS, { podExec: true });
    const out = Testing.synth(chart);
    const role = roleOf(out, 'team-shop-developer');
    expect(grantsOn(role.rules, '', 'pods/exec')).toEqual(['get', 'create']);
    expect(role.metadata.annotations['production.platform.io/exempt-rbac-no-pod-exec']).toMatch(/dev/);
    expect(Warnings.collect(chart).join('\n')).toContain('lets the team run commands in every pod');
    expect(RulePack.check(out, { profile: 'dev' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('subjects can be groups, users and ServiceAccounts', () => {
    const { chart, ns } = setup();
    ns.grantTeam('ops', TeamRole.VIEWER, [TeamSubject.group('ops'), TeamSubject.user('jane@example.com'), TeamSubject.serviceAccount('ci', 'ci-system')]);
    const binding = ofKind(Testing.synth(chart), 'RoleBinding')[0];
    expect(binding.subjects).toEqual([
      { kind: 'Group', name: 'ops', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'User', name: 'jane@example.com', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'ci-system' },
    ]);
  });

  test('a deployer gets exactly the kinds synthesized in its namespace, from every chart, derived at synthesis', () => {
    // GIVEN a deployer created before the objects it must apply
    const { app, chart, ns } = setup();
    ns.grantTeam('ci', TeamRole.DEPLOYER, [TeamSubject.serviceAccount('argocd-application-controller', 'argocd')]);
    new ProductionApp(ns, 'Web', APP);
    // a Secret and a CRD object in the same namespace from another chart, and an object of another namespace
    const other = new Chart(app, 'extra', { namespace: 'shop' });
    new ApiObject(other, 'Tls', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-tls' } });
    new ApiObject(other, 'Canary', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web' } });
    new ApiObject(other, 'Db', { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db' } });
    new ApiObject(new Chart(app, 'elsewhere', { namespace: 'billing' }), 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    // WHEN
    const role = roleOf(Testing.synth(chart), 'team-ci-deployer');
    // THEN
    const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    for (const [g, r] of [['', 'services'], ['', 'serviceaccounts'], ['apps', 'deployments'], ['policy', 'poddisruptionbudgets'],
      ['networking.k8s.io', 'networkpolicies'], ['argoproj.io', 'rollouts'], ['external-secrets.io', 'externalsecrets'],
      ['rbac.authorization.k8s.io', 'roles']]) {
      expect(grantsOn(role.rules, g, r)).toEqual(all);
    }
    expect(grantsOn(role.rules, '', 'configmaps')).toEqual([]);
    expect(grantsOn(role.rules, '', 'namespaces')).toEqual([]);
    expect(role.rules.filter((r: any) => r.resources.includes('secrets'))).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['shop-tls'], verbs: ['get', 'update', 'patch', 'delete'] },
    ]);
    expect(JSON.stringify(role.rules)).not.toContain('*');
  });

  test('a deployer holds every permission of the Roles it applies (RBAC escalation prevention), but never exec', () => {
    // GIVEN a workload Role, a developer Role (with exec, in dev) and a second deployer in the namespace
    const { chart, ns } = setup(Profile.DEV);
    ns.grantTeam('ci', TeamRole.DEPLOYER, [TeamSubject.group('ci')]);
    ns.grantTeam('other', TeamRole.DEPLOYER, [TeamSubject.group('other')], { deployerResources: [ApiResource.LEASES] });
    ns.grantTeam('shop', TeamRole.DEVELOPER, DEVS, { podExec: true });
    const web = new ProductionApp(ns, 'Web', { ...APP, serviceAccountToken: true });
    web.grantRead(ApiResource.SECRETS, { resourceNames: ['web-tls'] });
    // WHEN
    const role = roleOf(Testing.synth(chart), 'team-ci-deployer');
    // THEN
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['secrets'], resourceNames: ['web-tls'], verbs: ['get', 'list'] });
    expect(grantsOn(role.rules, '', 'pods/log')).toEqual(['get']);
    expect(grantsOn(role.rules, '', 'pods/portforward')).toEqual(['get', 'create']);
    expect(grantsOn(role.rules, 'coordination.k8s.io', 'leases')).toContain('create');
    expect(grantsOn(role.rules, '', 'pods/exec')).toEqual([]);
  });

  test('deployerResources add what another tool applies with the same identity', () => {
    const { chart, ns } = setup();
    ns.grantTeam('ci', TeamRole.DEPLOYER, [TeamSubject.group('ci')], {
      deployerResources: [ApiResource.custom({ apiGroup: 'monitoring.coreos.com', resource: 'servicemonitors', kind: 'ServiceMonitor' })],
    });
    const role = roleOf(Testing.synth(chart), 'team-ci-deployer');
    expect(grantsOn(role.rules, 'monitoring.coreos.com', 'servicemonitors')).toContain('create');
  });

  test('a TeamAccess in a chart with a namespace works without a ProductionNamespace', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'tools' });
    new TeamAccess(chart, 'Viewers', { team: 'tools', role: TeamRole.VIEWER, subjects: [TeamSubject.group('tools')] });
    expect(roleOf(Testing.synth(chart), 'team-tools-viewer').metadata.namespace).toBe('tools');
  });

  test('every role is valid against the 1.28 schema, with zero rule-pack findings in prod', () => {
    const { chart, ns } = setup();
    new ProductionApp(ns, 'Web', APP);
    for (const role of Object.values(TeamRole)) {
      ns.grantTeam('shop', role, DEVS);
    }
    const out = Testing.synth(chart);
    expectValidManifests(out);
    expect(RulePack.check(out, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('property: in staging and prod no team role grants Secrets without names, exec, or a wildcard', () => {
    fc.assert(fc.property(fc.constantFrom(Profile.STAGING, Profile.PROD), fc.constantFrom(...Object.values(TeamRole)),
      fc.boolean(), (profile, role, withSecret) => {
        const { app, chart, ns } = setup(profile);
        ns.grantTeam('t', role, DEVS);
        new ProductionApp(ns, 'Web', APP);
        if (withSecret) {
          new ApiObject(new Chart(app, 'more', { namespace: 'shop' }), 'S', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
        }
        const rules = ofKind(Testing.synth(chart), 'Role').flatMap((r) => r.rules);
        for (const r of rules) {
          expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
          expect(r.resources.includes('secrets') && r.resourceNames === undefined).toBe(false);
          expect(r.resources.some((x: string) => x === 'pods/exec' || x === 'pods/attach')).toBe(false);
        }
      }), { numRuns: 20, seed: 20261130 });
  });
});
