import { ApiObject, Testing } from 'cdk8s';
import { ArgoCdApplicationSet, ArgoCdAppProject, ArgoCdSyncWaves, Synth } from '../../lib';
import { errorOf } from '../helpers/errors';
import { expectValidManifests } from '../helpers/schema';
import { addCanaryRollout, argocdFor, fourEnvironments, kind, REPO, webApp } from './_gitops-fixtures';

function synth(opts: Parameters<typeof webApp>[1] = {}, before?: (web: ReturnType<typeof webApp>) => void) {
  const app = Testing.app();
  const web = webApp(app, { ...opts, waves: false });
  before?.(web);
  web.all.forEach((e) => ArgoCdSyncWaves.apply(e));
  const { chart, project, appSet } = argocdFor(app, web);
  const charts = Synth.appManifests(app);
  const objects = charts.find((c) => c.chart === chart)!.objects;
  return { app, web, project, appSet, objects, charts, appProject: kind(objects, 'AppProject')[0], appSetJson: kind(objects, 'ApplicationSet')[0] };
}

describe('ArgoCdAppProject', () => {
  test('least privilege: the config repo, the exact destinations, the synthesized kinds, no cluster-scoped kind', () => {
    const { appProject, project } = synth({ autoscaling: true });
    expect(appProject.metadata).toMatchObject({ name: 'storefront', namespace: 'argocd' });
    expect(project.projectName).toBe('storefront');
    expect(appProject.spec.sourceRepos).toEqual([REPO]);
    expect(appProject.spec.destinations).toEqual([
      { name: 'nonprod', namespace: 'web-dev' },
      { name: 'nonprod', namespace: 'web-test' },
      { name: 'staging', namespace: 'web' },
      { name: 'prod-eu1', namespace: 'web' },
    ]);
    expect(appProject.spec.clusterResourceWhitelist).toEqual([]);
    expect(appProject.spec.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'Service' },
      { group: '', kind: 'ServiceAccount' },
      { group: 'apps', kind: 'Deployment' },
      { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
      { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
      { group: 'policy', kind: 'PodDisruptionBudget' },
    ]);
    expect(appProject.spec.namespaceResourceBlacklist).toEqual([{ group: '', kind: 'ResourceQuota' }, { group: '', kind: 'LimitRange' }]);
    expect(appProject.spec.orphanedResources).toEqual({ warn: true });
    expect(appProject.spec.description).toBe('Team storefront: web');
  });

  test('the whitelist follows what is synthesized: a Rollout adds argoproj.io/Rollout', () => {
    const { appProject } = synth({}, (web) => web.all.forEach(addCanaryRollout));
    expect(appProject.spec.namespaceResourceWhitelist).toContainEqual({ group: 'argoproj.io', kind: 'Rollout' });
    expect(appProject.spec.namespaceResourceWhitelist).toContainEqual({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' });
  });

  test('clusters with API server URLs are destinations by server', () => {
    const { appProject, appSetJson } = synth({
      environments: fourEnvironments().map((e) => ({ ...e, cluster: { ...e.cluster, server: `https://${e.cluster.name}.k8s.example.com` } })),
    });
    expect(appProject.spec.destinations[0]).toEqual({ server: 'https://nonprod.k8s.example.com', namespace: 'web-dev' });
    expect(appSetJson.spec.template.spec.destination).toEqual({ server: '{{.cluster}}', namespace: '{{.namespace}}' });
    expect(appSetJson.spec.generators[0].list.elements[3].cluster).toBe('https://prod-eu1.k8s.example.com');
  });

  test('explicit destinations that match the environments are accepted', () => {
    const app = Testing.app();
    const web = webApp(app);
    const chart = new (require('cdk8s').Chart)(app, 'argocd', { namespace: 'argocd' });
    expect(() => new ArgoCdAppProject(chart, 'P', {
      team: 'storefront', repoUrl: REPO, apps: [web],
      destinations: web.all.map((e) => ({ clusterName: e.cluster.name, namespaceName: e.namespaceName })),
    })).not.toThrow();
  });
});

describe('ArgoCdApplicationSet', () => {
  test('a list generator over the environments, goTemplate with missingkey=error, the project hard-coded', () => {
    const { appSetJson } = synth();
    expect(appSetJson.metadata).toMatchObject({ name: 'web', namespace: 'argocd' });
    expect(appSetJson.spec.goTemplate).toBe(true);
    expect(appSetJson.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(appSetJson.spec.generators).toEqual([{
      list: {
        elements: [
          { environment: 'dev', tier: 'dev', cluster: 'nonprod', namespace: 'web-dev' },
          { environment: 'test', tier: 'test', cluster: 'nonprod', namespace: 'web-test' },
          { environment: 'staging', tier: 'staging', cluster: 'staging', namespace: 'web' },
          { environment: 'prod', tier: 'prod', cluster: 'prod-eu1', namespace: 'web' },
        ],
      },
    }]);
    const spec = appSetJson.spec.template.spec;
    expect(appSetJson.spec.template.metadata.name).toBe('web-{{.environment}}');
    expect(spec.project).toBe('storefront');
    expect(spec.source).toEqual({ repoURL: REPO, targetRevision: 'main', path: 'deploy/{{.environment}}/web', directory: { recurse: false } });
    expect(spec.destination).toEqual({ name: '{{.cluster}}', namespace: '{{.namespace}}' });
    expect(spec.revisionHistoryLimit).toBe(10);
  });

  test('automated sync with prune and self heal, retries with backoff, the sync options', () => {
    const { appSetJson } = synth();
    const policy = appSetJson.spec.template.spec.syncPolicy;
    expect(policy.automated).toEqual({ enabled: true, prune: true, selfHeal: true, allowEmpty: false });
    expect(policy.retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
    expect(policy.syncOptions).toEqual(['CreateNamespace=false', 'PrunePropagationPolicy=foreground', 'PruneLast=true', 'ApplyOutOfSyncOnly=true']);
    expect(policy.syncOptions).not.toContain('ServerSideApply=true');
    // nothing to ignore without an HPA or a Rollout
    expect(appSetJson.spec.template.spec.ignoreDifferences).toBeUndefined();
  });

  test('serverSideApply adds ServerSideApply=true', () => {
    const app = Testing.app();
    const web = webApp(app);
    const chart = new (require('cdk8s').Chart)(app, 'argocd', { namespace: 'argocd' });
    const project = new ArgoCdAppProject(chart, 'P', { team: 'storefront', repoUrl: REPO, apps: [web] });
    new ArgoCdApplicationSet(chart, 'Web', { project, app: web, serverSideApply: true });
    const json = Testing.synth(chart).find((o: any) => o.kind === 'ApplicationSet');
    expect(json.spec.template.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });

  test('prod is preserved on deletion; only non-prod Applications would cascade', () => {
    const { appSetJson, appSet } = synth();
    expect(appSet.preserveResourcesOnDeletion).toBe(true);
    expect(appSetJson.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    // without prod, deletion cascades, except for a prod tier through the finalizer patch
    const app = Testing.app();
    const web = webApp(app, { environments: fourEnvironments().slice(0, 2) });
    const { chart, appSet: nonProd } = argocdFor(app, web);
    const json = Testing.synth(chart).find((o: any) => o.kind === 'ApplicationSet');
    expect(nonProd.preserveResourcesOnDeletion).toBe(false);
    expect(json.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: false });
    expect(json.spec.templatePatch).toBe('{{- if ne .tier "prod" }}\nmetadata:\n  finalizers:\n    - resources-finalizer.argocd.argoproj.io\n{{- end }}\n');
  });

  test('ignoreDifferences: replicas of what an HPA scales', () => {
    const { appSetJson } = synth({ autoscaling: true });
    const spec = appSetJson.spec.template.spec;
    expect(spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'web', jsonPointers: ['/spec/replicas'] }]);
    expect(spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  test('ignoreDifferences: Rollout replicas under an HPA and the HTTPRoute weights its Gateway API plugin shifts', () => {
    const { appSetJson } = synth({}, (web) => web.all.forEach(addCanaryRollout));
    expect(appSetJson.spec.template.spec.ignoreDifferences).toEqual([
      { group: 'argoproj.io', kind: 'Rollout', name: 'shop', jsonPointers: ['/spec/replicas'] },
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] },
    ]);
  });

  test('every object is valid against the Argo CD CRD schemas', () => {
    const { objects } = synth({ autoscaling: true }, (web) => web.all.forEach(addCanaryRollout));
    expect(objects.map((o) => o.kind)).toEqual(['AppProject', 'ApplicationSet']);
    expectValidManifests(objects);
  });

  test('the output is deterministic', () => {
    expect(JSON.stringify(synth({ autoscaling: true }).objects)).toEqual(JSON.stringify(synth({ autoscaling: true }).objects));
  });
});

describe('ArgoCdSyncWaves', () => {
  test('config first, then what workloads need, then workloads; an existing wave is kept', () => {
    const { charts } = synth({ autoscaling: true }, (web) => {
      for (const env of web.all) {
        new ApiObject(env, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', annotations: { 'argocd.argoproj.io/sync-wave': '-5' } } });
      }
    });
    const prod = charts.find((c) => c.chart.node.id === 'web-prod')!.objects;
    const wave = (k: string) => kind(prod, k)[0].metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect(wave('ServiceAccount')).toBe('-2');
    expect(wave('Service')).toBe('-1');
    expect(wave('NetworkPolicy')).toBe('-1');
    expect(wave('PodDisruptionBudget')).toBe('-1');
    expect(wave('HorizontalPodAutoscaler')).toBe('-1');
    expect(wave('Deployment')).toBe('0');
    expect(wave('ConfigMap')).toBe('-5');
    expect(ArgoCdSyncWaves.waveOf('HTTPRoute')).toBe(-1);
    expect(ArgoCdSyncWaves.waveOf('Rollout')).toBe(0);
    expect(ArgoCdSyncWaves.waveOf('ServiceMonitor')).toBe(1);
    expect(ArgoCdSyncWaves.waveOf('SomethingElse')).toBe(0);
  });

  test('an object too large for client-side apply is applied server-side, alone', () => {
    const app = Testing.app();
    const web = webApp(app, { waves: false });
    new ApiObject(web.environment('dev'), 'Big', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(300000) } });
    ArgoCdSyncWaves.apply(web.environment('dev'));
    const objects = Testing.synth(web.environment('dev'));
    expect(kind(objects, 'ConfigMap')[0].metadata.annotations['argocd.argoproj.io/sync-options']).toBe('ServerSideApply=true');
    expect(kind(objects, 'Deployment')[0].metadata.annotations['argocd.argoproj.io/sync-options']).toBeUndefined();
  });

  test('throws when objects of an environment have no wave', () => {
    const app = Testing.app();
    const web = webApp(app, { waves: false });
    argocdFor(app, web);
    const message = errorOf(() => Synth.appManifests(app));
    expect(message).toContain("[argocd/Web] environment 'dev' has 5 object(s) without a 'argocd.argoproj.io/sync-wave' annotation (ServiceAccount web-dev/web, Deployment web-dev/web, Service web-dev/web and 2 more). Fix: call ArgoCdSyncWaves.apply(environment)");
    expect(message.split('\n').filter((l) => l.includes('without a')).length).toBe(4);
  });
});
