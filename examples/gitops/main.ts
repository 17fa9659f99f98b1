// One web app in dev, staging and prod, delivered by Argo CD: an AppProject for the team and an ApplicationSet that
// generates one Application per environment. It enters through the platform's shared Gateway (Gateway API); in staging
// and prod every release is a canary that Argo Rollouts shifts through the HTTPRoute's weights while an analysis of
// the new pods' success rate watches it. dev runs on the shared non-production cluster, staging on its own
// cluster as a replica of prod (only allow-listed knobs may differ), prod on a dedicated cluster.
//
// In the config repository's CI, `EnvironmentManifests.synth(app)` writes the same charts into deploy/<env>/<app>/
// (see the README, "GitOps and environments"); here the app ends with Synth.app(app) like every example.
import { App, Chart } from 'cdk8s';
import {
  ArgoCdAppProject, ArgoCdApplicationSet, ArgoCdSyncWaves, DeliveryStrategy, Environments, EnvironmentTier, ProductionApp, ProductionGateway,
  ProductionHttpRoute, Synth,
} from '@platform/cdk8s-production';

const app = new App();

// Each environment has its own namespace name, so that the three environments, judged together as one example,
// never define the same object twice.
const web = new Environments(app, 'Web', {
  appName: 'web',
  environments: [
    { tier: EnvironmentTier.DEV, cluster: { name: 'nonprod' }, namespaceName: 'web-dev' },
    { tier: EnvironmentTier.STAGING, cluster: { name: 'staging' }, namespaceName: 'web-staging' },
    { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web-prod' },
  ],
});

const hostnames: { [env: string]: string } = { dev: 'dev.shop.example.com', staging: 'staging.shop.example.com', prod: 'shop.example.com' };

for (const env of web.all) {
  const hostname = hostnames[env.environmentName];
  const app = new ProductionApp(env, 'Web', {
    name: 'web',
    image: 'registry.example.com/storefront/web:2.3.1',
    port: 8080,
    healthPath: '/healthz',
    // the HPA owns the replica count; its bounds differ per environment (an allow-listed knob)
    autoscaling: env.isProd ? { minReplicas: 3, maxReplicas: 12 } : {},
    // dev rolls; staging and prod release as canaries with analysis (the same strategy: staging is prod's replica)
    strategy: env.tier === EnvironmentTier.DEV
      ? DeliveryStrategy.rolling()
      : DeliveryStrategy.canary({ analysis: { prometheusAddress: 'http://prometheus-operated.observability.svc:9090' } }),
  });
  // The platform's shared Gateway in each cluster; the route's hostname is the environment's (an allow-listed knob).
  const gateway = ProductionGateway.fromGatewayAttributes(env, 'Gateway', {
    name: 'public',
    namespaceName: 'gateways',
    listeners: [{ name: 'https', hostname }],
  });
  new ProductionHttpRoute(env, 'WebRoute', { name: 'web', gateway, hostname, app });
  ArgoCdSyncWaves.apply(env);
}

const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
const project = new ArgoCdAppProject(argocd, 'Storefront', {
  team: 'storefront',
  repoUrl: 'https://git.example.com/storefront/config.git',
  apps: [web],
});
new ArgoCdApplicationSet(argocd, 'Web', { project, app: web });

Synth.app(app);
