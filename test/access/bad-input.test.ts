import { Chart, Testing } from 'cdk8s';
import {
  AdmissionAction, AdmissionApiVersion, AdmissionPodKind, ApiGrant, ApiResource, ApiVerb, KubernetesApiServer, ProductionAdmissionPolicies,
  ProductionAdmissionPoliciesProps, ProductionApp, ProductionNamespace, Profile, TeamAccess, TeamRole, TeamSubject,
} from '../../lib';
import { errorOf } from '../helpers/errors';

// Every bad input of the access and admission constructs gives one clear error naming the construct path, the prop,
// the bad value and the fix.

const APP = { name: 'web', image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' };

function inNamespace(build: (ns: ProductionNamespace, chart: Chart) => void, profile = Profile.PROD): void {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop', apiServer: KubernetesApiServer.endpoints(['10.0.0.10/32']) });
  build(ns, chart);
}

function floors(props: Partial<ProductionAdmissionPoliciesProps>): void {
  const chart = Testing.chart();
  new ProductionAdmissionPolicies(chart, 'Floors', { allowedRegistries: ['registry.example.com'], ...props } as ProductionAdmissionPoliciesProps);
}

const grantOn = (...apiAccess: ApiGrant[]) => () => inNamespace((ns) => new ProductionApp(ns, 'Web', { ...APP, apiAccess }));
const team = (props: Record<string, unknown>) => () => inNamespace((ns) => new TeamAccess(ns, 'Team', {
  team: 'shop', role: TeamRole.VIEWER, subjects: [TeamSubject.group('shop')], ...props,
} as any));

const CASES: Array<[string, () => unknown, string[]]> = [
  // ---- workload grants ----
  ['a Secret grant without resourceNames', grantOn(ApiGrant.read(ApiResource.SECRETS)),
    ["ProductionApp 'test/Shop/Web'", "'apiAccess[0](ApiGrant.read).resourceNames' (not set) is not set on a Secrets grant", "list the Secrets it needs in 'resourceNames'"]],
  ['a wildcard verb', grantOn(ApiGrant.of(ApiResource.PODS, ['*' as ApiVerb])),
    ["'apiAccess[0](ApiGrant.of).verbs[0]' (\"*\") is a wildcard, which grants every verb", 'use ApiVerb values']],
  ['a wildcard resource', grantOn(ApiGrant.read(ApiResource.custom({ apiGroup: 'apps', resource: '*' }))),
    ["'apiAccess[0](ApiGrant.read).resource.resource' (\"*\") is a wildcard, which grants every resource"]],
  ['a cluster-scoped resource in a namespaced grant', grantOn(ApiGrant.read(ApiResource.NODES)),
    ["'apiAccess[0](ApiGrant.read).resource' (\"nodes\") is cluster-scoped, and a grant is a rule of a namespaced Role", 'a ClusterRole reviewed by the platform team']],
  ['a grant on an unknown built-in resource', grantOn(ApiGrant.read(ApiResource.ofKind('apps', 'Deploymnet'))),
    ["'apiAccess[0](ApiGrant.read).resource.kind' (\"apps/Deploymnet\") is not a resource the library knows in a built-in API group"]],
  ['a grant that is not an ApiGrant', grantOn('configmaps' as unknown as ApiGrant),
    ["'apiAccess[0]' (\"configmaps\") is a string, not an ApiGrant"]],
  ['exec into pods in prod', grantOn(ApiGrant.of(ApiResource.PODS_EXEC, [ApiVerb.CREATE])),
    ["'apiAccess[0]' (\"create on pods/exec\") runs commands in the containers of every pod of the namespace, which is not allowed in prod"]],
  ['an empty resourceNames list', grantOn(ApiGrant.read(ApiResource.CONFIG_MAPS, { resourceNames: [] })),
    ["'apiAccess[0](ApiGrant.read).resourceNames' ([]) is empty, which Kubernetes reads as every object"]],
  ['a grant with the token explicitly off', () => inNamespace((ns) => new ProductionApp(ns, 'Web', {
    ...APP, serviceAccountToken: false, apiAccess: [ApiGrant.read(ApiResource.CONFIG_MAPS)],
  })), ["'serviceAccountToken' (false) turns the token off, but 'apiAccess' grants API access"]],
  ['a grant on a workload without a namespace', () => {
    const chart = Testing.chart();
    new ProductionApp(chart, 'Web', { ...APP, apiAccess: [ApiGrant.read(ApiResource.CONFIG_MAPS)] });
  }, ["'apiAccess' (\"1 grant(s)\") needs a namespace"]],
  ['a grant in a namespace that does not know the API server', () => {
    const chart = Testing.chart();
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    new ProductionApp(ns, 'Web', { ...APP, apiAccess: [ApiGrant.read(ApiResource.CONFIG_MAPS)] });
  }, ["'apiAccess' (true) mounts a token, but the ProductionNamespace \"shop\" has no 'apiServer'", "set 'apiServer' on the ProductionNamespace"]],
  ['a custom resource that is not a plural', grantOn(ApiGrant.read(ApiResource.custom({ apiGroup: 'argoproj.io', resource: 'Rollout' }))),
    ["'apiAccess[0](ApiGrant.read).resource.resource' (\"Rollout\") is not a resource: a lowercase plural"]],
  // ---- team access ----
  ['a team without subjects', team({ subjects: [] }), ["TeamAccess 'test/Shop/Team'", "'subjects' ([]) is empty, so the role is bound to nobody"]],
  ['an empty group name', team({ subjects: [TeamSubject.group('')] }), ["'subjects[0](TeamSubject.group).name' (\"\") is empty"]],
  ['a system: group', team({ subjects: [TeamSubject.group('system:masters')] }),
    ["'subjects[0](TeamSubject.group).name' (\"system:masters\") is a 'system:' identity of Kubernetes itself"]],
  ['a ServiceAccount without a valid namespace', team({ subjects: [TeamSubject.serviceAccount('ci', 'CI System')] }),
    ["'subjects[0](TeamSubject.serviceAccount).namespaceName' (\"CI System\") is not a namespace name"]],
  ['a duplicate subject', team({ subjects: [TeamSubject.group('a'), TeamSubject.group('a')] }), ["'subjects[1]' (\"Group a\") is listed twice"]],
  ['exec for a developer in prod', team({ role: TeamRole.DEVELOPER, podExec: true }),
    ["'podExec' (true) lets the team run commands in every pod of the namespace, which is not allowed in prod"]],
  ['exec for a viewer', team({ podExec: true }), ["'podExec' (true) is only for TeamRole.DEVELOPER, not viewer"]],
  ['Secrets for a deployer', team({ role: TeamRole.DEPLOYER, deployerResources: [ApiResource.SECRETS] }),
    ["'deployerResources[0]' (\"secrets\") grants every Secret of the namespace"]],
  ['an invalid team name', team({ team: 'Shop Team' }), ["'team' (\"Shop Team\") is not a DNS-1123 label"]],
  ['a team outside any namespace', () => new TeamAccess(Testing.chart(), 'Team', { team: 'x', role: TeamRole.VIEWER, subjects: [TeamSubject.group('x')] }),
    ["'scope' (\"test/Team\") has no namespace"]],
  // ---- admission ----
  ['an empty registry list', () => floors({ allowedRegistries: [] }), ["ProductionAdmissionPolicies 'test/Floors'", "'allowedRegistries' ([]) is empty"]],
  ['a registry with a scheme', () => floors({ allowedRegistries: ['https://registry.example.com'] }),
    ["'allowedRegistries[0]' (\"https://registry.example.com\") has a URL scheme"]],
  ['a registry with a tag', () => floors({ allowedRegistries: ['registry.example.com/web:1.0'] }),
    ["'allowedRegistries[0]' (\"registry.example.com/web:1.0\") names a tag or digest"]],
  ['a registry without a host', () => floors({ allowedRegistries: ['library'] }), ["'allowedRegistries[0]' (\"library\") does not start with a registry host"]],
  ['a wildcard registry', () => floors({ allowedRegistries: ['*.example.com'] }), ["'allowedRegistries[0]' (\"*.example.com\") has a wildcard"]],
  ['v1 before Kubernetes 1.30', () => floors({ apiVersion: AdmissionApiVersion.V1 }),
    ["'apiVersion' (\"admissionregistration.k8s.io/v1\") is served from Kubernetes 1.30, and 'kubernetesVersion' is 1.28"]],
  ['a cluster older than 1.28', () => floors({ kubernetesVersion: '1.27' }), ["'kubernetesVersion' (\"1.27\") serves no ValidatingAdmissionPolicy"]],
  ['a version that is not a minor', () => floors({ kubernetesVersion: 'v1.28.3' }), ["'kubernetesVersion' (\"v1.28.3\") is not a Kubernetes minor version"]],
  ['Deny with Warn', () => floors({ validationActions: [AdmissionAction.DENY, AdmissionAction.WARN] }), ["'validationActions' ([\"Deny\",\"Warn\"]) combines Deny and Warn"]],
  ['no validation action', () => floors({ validationActions: [] }), ["'validationActions' ([]) is empty"]],
  ['an unknown field path for a known kind', () => floors({ podKinds: [AdmissionPodKind.custom({
    apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments', kind: 'Deployment', podSpecPath: 'spec.template.podSpec',
  })] }), ["'podKinds[0](AdmissionPodKind.custom).podSpecPath' (\"spec.template.podSpec\") is not the path of the pod spec in apps/v1/Deployment", "use 'spec.template.spec'"]],
  ['a field path CEL cannot read', () => floors({ podKinds: [AdmissionPodKind.custom({
    apiGroup: 'example.com', apiVersion: 'v1', resource: 'jobsets', kind: 'JobSet', podSpecPath: 'spec.replicated-jobs.spec',
  })] }), ["'podKinds[0](AdmissionPodKind.custom).podSpecPath' (\"spec.replicated-jobs.spec\") has the field name 'replicated-jobs'"]],
  ['an invalid external-service namespace', () => floors({ externalServiceNamespaces: ['Ingress'] }),
    ["'externalServiceNamespaces[0]' (\"Ingress\") is not a namespace name"]],
];

describe('bad input to the access and admission constructs', () => {
  test('covers at least 12 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(12);
  });

  test.each(CASES)('throws for %s', (_name, build, fragments) => {
    const message = errorOf(build);
    for (const f of fragments) {
      expect(message).toContain(f);
    }
    expect(message).toContain('Fix: ');
  });

  test('reports every problem of one construct in one error', () => {
    const message = errorOf(() => floors({ allowedRegistries: ['library', 'https://x.io'], kubernetesVersion: '1.27', validationActions: [] }));
    expect(message).toContain('4 invalid props');
  });

  test('a workload grant is checked the same way when added with a method', () => {
    inNamespace((ns) => {
      const app = new ProductionApp(ns, 'Web', { ...APP, apiAccess: [ApiGrant.read(ApiResource.CONFIG_MAPS)] });
      expect(errorOf(() => app.grantRead(ApiResource.SECRETS))).toContain("'grantRead(ApiGrant.read).resourceNames' (not set) is not set on a Secrets grant");
      expect(errorOf(() => app.grant(ApiResource.NAMESPACES, [ApiVerb.GET]))).toContain('is cluster-scoped');
    });
  });
});
