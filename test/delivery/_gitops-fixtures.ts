import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ArgoCdAppProject, ArgoCdApplicationSet, ArgoCdSyncWaves, Environment, EnvironmentOptions, Environments, EnvironmentTier, ProductionApp } from '../../lib';

export const REPO = 'https://git.example.com/storefront/config.git';

/** dev and test on a shared non-prod cluster, staging, prod on a dedicated cluster. */
export function fourEnvironments(): EnvironmentOptions[] {
  return [
    { tier: EnvironmentTier.DEV, cluster: { name: 'nonprod' }, namespaceName: 'web-dev' },
    { tier: EnvironmentTier.TEST, cluster: { name: 'nonprod' }, namespaceName: 'web-test' },
    { tier: EnvironmentTier.STAGING, cluster: { name: 'staging' }, namespaceName: 'web' },
    { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' },
  ];
}

/** A web app in each environment; `tweak` may change the props per environment. */
export function webApp(app: App = Testing.app(), opts: {
  environments?: EnvironmentOptions[];
  tweak?: (env: Environment) => object;
  waves?: boolean;
  autoscaling?: boolean;
} = {}): Environments {
  const web = new Environments(app, 'Web', { appName: 'web', environments: opts.environments ?? fourEnvironments() });
  for (const env of web.all) {
    new ProductionApp(env, 'Web', {
      name: 'web',
      image: 'registry.example.com/storefront/web:2.3.1',
      port: 8080,
      healthPath: '/healthz',
      autoscaling: opts.autoscaling ? (env.isProd ? { minReplicas: 3, maxReplicas: 12 } : {}) : undefined,
      ...(opts.tweak?.(env) ?? {}),
    });
    if (opts.waves ?? true) {
      ArgoCdSyncWaves.apply(env);
    }
  }
  return web;
}

/** The Argo CD chart with a project and an ApplicationSet over `web`. */
export function argocdFor(app: App, web: Environments): { chart: Chart; project: ArgoCdAppProject; appSet: ArgoCdApplicationSet } {
  const chart = new Chart(app, 'argocd', { namespace: 'argocd' });
  const project = new ArgoCdAppProject(chart, 'Storefront', { team: 'storefront', repoUrl: REPO, apps: [web] });
  const appSet = new ArgoCdApplicationSet(chart, 'Web', { project, app: web });
  return { chart, project, appSet };
}

/** A canary Rollout routed by the Gateway API plugin, with an HPA on it and its HTTPRoute (minimal objects). */
export function addCanaryRollout(env: Environment): void {
  new ApiObject(env, 'Rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'shop' } },
        spec: { containers: [{ name: 'main', image: 'registry.example.com/shop@sha256:' + 'a'.repeat(64) }] },
      },
      strategy: {
        canary: {
          stableService: 'shop-stable',
          canaryService: 'shop-canary',
          steps: [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 50 }, { pause: { duration: '10m' } }],
          trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'shop' } } },
        },
      },
    },
  });
  new ApiObject(env, 'Hpa', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' }, minReplicas: 2, maxReplicas: 4 },
  });
}

/** The objects of a chart of one kind. */
export function kind(objects: readonly any[], k: string): any[] {
  return objects.filter((o) => o.kind === k);
}
