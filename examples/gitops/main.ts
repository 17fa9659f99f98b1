// One web app in dev, staging and prod, delivered by Argo CD: an AppProject for the team and an ApplicationSet that
// generates one Application per environment. dev runs on the shared non-production cluster, staging on its own
// cluster as a replica of prod (only allow-listed knobs may differ), prod on a dedicated cluster.
//
// In the config repository's CI, `EnvironmentManifests.synth(app)` writes the same charts into deploy/<env>/<app>/
// (see the README, "GitOps and environments"); here the app ends with Synth.app(app) like every example.
import { App, Chart } from 'cdk8s';
import { ArgoCdAppProject, ArgoCdApplicationSet, ArgoCdSyncWaves, Environments, EnvironmentTier, ProductionApp, Synth } from '@platform/cdk8s-production';

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

for (const env of web.all) {
  new ProductionApp(env, 'Web', {
    name: 'web',
    image: 'registry.example.com/storefront/web:2.3.1',
    port: 8080,
    healthPath: '/healthz',
    // the HPA owns the replica count; its bounds differ per environment (an allow-listed knob)
    autoscaling: env.isProd ? { minReplicas: 3, maxReplicas: 12 } : {},
  });
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
