import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ArgoCdApplicationSet, ArgoCdAppProject, ArgoCdSyncWaves, EnvironmentOptions, Environments, EnvironmentTier, FluxEnvironmentSync, ParityKnob, Synth } from '../../lib';
import { errorOf } from '../helpers/errors';
import { fourEnvironments, REPO, webApp } from './_gitops-fixtures';

const envs = (...changes: Array<(e: EnvironmentOptions[]) => EnvironmentOptions[]>) => changes.reduce((e, f) => f(e), fourEnvironments());
const at = (i: number, change: Partial<EnvironmentOptions>) => (e: EnvironmentOptions[]) => e.map((x, j) => (j === i ? { ...x, ...change } : x));
const environments = (environments: EnvironmentOptions[], extra: object = {}) => () => new Environments(new App(), 'Web', { appName: 'web', environments, ...extra });

/** A project and an ApplicationSet over the usual app, with changed props. */
function argocd(project: object = {}, appSet: object = {}, prepare?: (app: App, web: Environments) => void): () => void {
  return () => {
    const app = Testing.app();
    const web = webApp(app, { waves: !prepare });
    prepare?.(app, web);
    const chart = new Chart(app, 'argocd', { namespace: 'argocd' });
    const p = new ArgoCdAppProject(chart, 'Storefront', { team: 'storefront', repoUrl: REPO, apps: [web], ...project });
    new ArgoCdApplicationSet(chart, 'Web', { project: p, app: web, ...appSet });
    Synth.appManifests(app);
  };
}

/** An extra object in every environment, then the sync waves. */
const extraObject = (props: object) => (_app: App, web: Environments) => {
  for (const env of web.all) {
    new ApiObject(env, 'Extra', props as any);
    ArgoCdSyncWaves.apply(env);
  }
};

const cases: Array<[string, () => unknown, string[]]> = [
  ['throws on duplicate environment names', environments(envs(at(3, { tier: EnvironmentTier.PROD, name: 'staging', cluster: { name: 'prod-eu1' } }))),
    ["Environments 'Web' has", "'environments[3].name' (\"staging\") is also the name of environments[2]. Fix: give each environment its own 'name'"]],
  ['throws when prod shares a cluster (by name) with staging', environments(envs(at(3, { cluster: { name: 'staging' }, namespaceName: 'web-prod' }))),
    ["'environments[2].cluster' ({\"name\":\"staging\"}) is the cluster of the prod environment 'prod' (environments[3]), and prod clusters are dedicated. Fix: run the staging environment 'staging' on a non-production cluster"]],
  ['throws when prod shares a cluster (by API server URL) with dev', environments(envs(
    (e) => e.map((x) => ({ ...x, cluster: { ...x.cluster, server: `https://${x.cluster.name}.example.com` } })),
    at(3, { cluster: { name: 'prod-eu1', server: 'https://nonprod.example.com' } }))),
  ["'environments[0].cluster'", "is the cluster of the prod environment 'prod' (environments[3]), and prod clusters are dedicated"]],
  ['throws when two environments share a namespace of one cluster', environments(envs(at(1, { namespaceName: 'web-dev' }))),
    ["'environments[1].namespaceName' (\"web-dev\") is also the namespace of environments[0] on the same cluster 'nonprod'"]],
  ['throws on a namespace that is not a DNS label', environments(envs(at(0, { namespaceName: 'Web_Dev' }))),
    ["'environments[0].namespaceName' (\"Web_Dev\") is not a DNS-1123 label"]],
  ['throws on an API server URL that is not https', environments(envs((e) => e.map((x) => ({ ...x, cluster: { ...x.cluster, server: `http://${x.cluster.name}.example.com` } })))),
    ["'environments[0].cluster.server' (\"http://nonprod.example.com\") is not an https:// API server URL"]],
  ['throws when only some clusters have an API server URL', environments(envs(at(3, { cluster: { name: 'prod-eu1', server: 'https://prod.example.com' } }))),
    ["'environments[0].cluster.server' (not set) is not set while other environments address their cluster by URL"]],
  ['throws when one cluster name has two API server URLs', environments(envs(
    at(0, { cluster: { name: 'nonprod', server: 'https://a.example.com' } }), at(1, { cluster: { name: 'nonprod', server: 'https://b.example.com' } }),
    at(2, { cluster: { name: 'staging', server: 'https://s.example.com' } }), at(3, { cluster: { name: 'prod-eu1', server: 'https://p.example.com' } }))),
  ["'environments[1].cluster.server' (\"https://b.example.com\") differs from the server of another environment on cluster 'nonprod'"]],
  ['throws when two Environments of one app name are created in one scope', () => {
    const app = new App();
    new Environments(app, 'Web', { appName: 'web', environments: fourEnvironments() });
    new Environments(app, 'Web2', { appName: 'web', environments: fourEnvironments() });
  }, ["Environment '<app>/web-dev' has 1 invalid prop", "'id' (\"web-dev\") is already used in '<app>' by Environment 'web-dev'"]],
  ['throws on no environment at all', environments([]), ["'environments' ([]) is empty"]],
  ['throws on an unknown parity knob', environments(envs(), { parity: { allow: ['sizes' as ParityKnob] } }),
    ["'parity.allow[0]' (\"sizes\") is not one of \"analysis-timing\", \"autoscaling-bounds\", \"hostnames\", \"pause-durations\", \"priority-class\""]],
  ['throws on an allowPaths pattern without a kind', environments(envs(), { parity: { allowPaths: ['spec.replicas'] } }),
    ["'parity'", "'spec.replicas' is not a 'Kind:path' pattern"]],
  ['throws at synthesis when staging differs from prod outside the allow-list', () => {
    const app = Testing.app();
    webApp(app, { tweak: (e) => (e.tier === EnvironmentTier.STAGING ? { port: 9090 } : {}) });
    Synth.appManifests(app);
  }, ['staging must be a replica of prod', 'spec.template.spec.containers[0].ports[0].containerPort: staging=9090, prod=8080']],
  ['throws on a repo URL over plain http', argocd({ repoUrl: 'http://git.example.com/storefront/config.git' }),
    ["'repoUrl' (\"http://git.example.com/storefront/config.git\") uses the scheme 'http'; only https and ssh are allowed"]],
  ['throws on a repo URL with credentials', argocd({ repoUrl: 'https://ci:token@git.example.com/storefront/config.git' }),
    ['holds credentials, which would be committed with the manifests']],
  ['throws on a repo URL that is not a URL', argocd({ repoUrl: 'config repo' }), ["'repoUrl' (\"config repo\") is empty or holds whitespace"]],
  ['throws on a project named default', argocd({ projectName: 'default' }),
    ["'projectName' (\"default\") is Argo CD's built-in project, which allows every repository, cluster and kind"]],
  ['throws on an AppProject destination that matches no environment', argocd({
    destinations: [...fourEnvironments().map((e) => ({ clusterName: e.cluster.name, namespaceName: e.namespaceName })), { clusterName: 'prod-eu1', namespaceName: 'kube-system' }],
  }), ["'destinations[4]' ({\"clusterName\":\"prod-eu1\",\"namespaceName\":\"kube-system\"}) matches no environment of the project's apps"]],
  ['throws when an environment is missing from the AppProject destinations', argocd({
    destinations: fourEnvironments().slice(0, 3).map((e) => ({ clusterName: e.cluster.name, namespaceName: e.namespaceName })),
  }), ['does not list {"clusterName":"prod-eu1","namespaceName":"web"}, where an environment deploys']],
  ['throws when the app of an ApplicationSet is not in its project', () => {
    const app = Testing.app();
    const web = webApp(app);
    const other = new Environments(app, 'Shop', { appName: 'shop', environments: [{ tier: EnvironmentTier.DEV, cluster: { name: 'nonprod' }, namespaceName: 'shop-dev' }] });
    const chart = new Chart(app, 'argocd', { namespace: 'argocd' });
    const project = new ArgoCdAppProject(chart, 'Storefront', { team: 'storefront', repoUrl: REPO, apps: [web] });
    new ArgoCdApplicationSet(chart, 'Shop', { project, app: other });
  }, ["'app' (\"shop\") has environment 'dev' ({\"clusterName\":\"nonprod\",\"namespaceName\":\"shop-dev\"}), which is not a destination of project 'storefront'"]],
  ['throws on a deploy root outside the repository', argocd({}, { deployRoot: '../deploy' }),
    ["'deployRoot' (\"../deploy\") is not a relative path inside the repository"]],
  ['throws when prod resources would be deleted with their Application', argocd({}, { preserveResourcesOnDeletion: false }),
    ["'preserveResourcesOnDeletion' (false) would delete the prod objects"]],
  ['throws at synthesis on a cluster-scoped object in an environment', argocd({}, {}, extraObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web-extra' } })),
    ["Namespace", "in environment 'dev' of app 'web' is cluster-scoped, and the project allows no cluster-scoped kind"]],
  ['throws at synthesis on an object outside the environment namespace', argocd({}, {}, extraObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } })),
    ["ConfigMap kube-system/x in environment 'dev' of app 'web' is in namespace 'kube-system', not the environment's namespace 'web-dev'"]],
  ['throws at synthesis on a platform-owned kind in an environment', argocd({}, {}, extraObject({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: {} })),
    ["ResourceQuota web-dev/q in environment 'dev' of app 'web' is a kind the platform owns (ResourceQuota, LimitRange)"]],
  ['throws on a Flux platform Kustomization name that is not a DNS label', () => {
    const app = Testing.app();
    const web = webApp(app);
    new FluxEnvironmentSync(new Chart(app, 'flux', { namespace: 'flux-system' }), 'Web', {
      environment: web.environment('prod'), repoUrl: 'git@git.example.com:storefront/config.git', platformKustomizationName: 'Platform Stack',
    });
  }, ["FluxEnvironmentSync 'flux/Web' has 1 invalid prop", "'platformKustomizationName' (\"Platform Stack\") is not a DNS-1123 label"]],
  ['throws on a Flux repo URL with another scheme', () => {
    const app = Testing.app();
    const web = webApp(app);
    new FluxEnvironmentSync(new Chart(app, 'flux', { namespace: 'flux-system' }), 'Web', {
      environment: web.environment('prod'), repoUrl: 'ftp://git.example.com/config.git', platformKustomizationName: 'platform',
    });
  }, ["'repoUrl' (\"ftp://git.example.com/config.git\") uses the scheme 'ftp'"]],
];

describe('bad input', () => {
  test.each(cases)('%s', (_name, build, expected) => {
    const message = errorOf(build);
    for (const e of expected) {
      expect(message).toContain(e);
    }
  });
});
