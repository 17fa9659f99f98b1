import { Chart, Duration, Testing } from 'cdk8s';
import { FluxEnvironmentSync, Synth } from '../../lib';
import { errorOf } from '../helpers/errors';
import { expectValidManifests } from '../helpers/schema';
import { addCanaryRollout, kind, REPO, webApp } from './_gitops-fixtures';

function flux(opts: { rollout?: boolean; timeout?: Duration } = {}) {
  const app = Testing.app();
  const web = webApp(app);
  if (opts.rollout) {
    web.all.forEach(addCanaryRollout);
  }
  const chart = new Chart(app, 'flux-prod', { namespace: 'flux-system' });
  const sync = new FluxEnvironmentSync(chart, 'Web', {
    environment: web.environment('prod'), repoUrl: REPO, platformKustomizationName: 'platform', timeout: opts.timeout,
  });
  return { app, chart, sync, objects: () => Testing.synth(chart) };
}

describe('FluxEnvironmentSync', () => {
  test('a GitRepository that fetches only the environment folder, with the recommended interval', () => {
    const { objects, sync } = flux();
    const repo = kind(objects(), 'GitRepository')[0];
    expect(repo.metadata).toMatchObject({ name: 'web-prod', namespace: 'flux-system' });
    expect(repo.spec).toEqual({ url: REPO, interval: '1m', ref: { branch: 'main' }, ignore: '/*\n!/deploy/prod/web/\n' });
    expect(sync.gitRepository.name).toBe('web-prod');
  });

  test('a Kustomization on deploy/<env>/<app> with prune, the platform dependency and the recommended timings', () => {
    const { objects, sync } = flux();
    const k = kind(objects(), 'Kustomization')[0];
    expect(sync.path).toBe('./deploy/prod/web');
    expect(k.spec).toMatchObject({
      path: './deploy/prod/web',
      prune: true,
      interval: '1h',
      retryInterval: '2m',
      timeout: '5m',
      wait: false,
      sourceRef: { kind: 'GitRepository', name: 'web-prod' },
      dependsOn: [{ name: 'platform' }],
    });
    // the workloads are health-checked; no Rollout, no CEL expression
    expect(k.spec.healthChecks).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'web' }]);
    expect(k.spec.healthCheckExprs).toBeUndefined();
  });

  test('Rollouts are health-checked with a CEL expression, and the timeout covers the canary pauses', () => {
    const { objects } = flux({ rollout: true });
    const k = kind(objects(), 'Kustomization')[0];
    expect(k.spec.healthChecks).toContainEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop', namespace: 'web' });
    expect(k.spec.healthCheckExprs).toEqual([{
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout',
      current: "status.phase == 'Healthy'", inProgress: "status.phase in ['Progressing', 'Paused']", failed: "status.phase == 'Degraded'",
    }]);
    // 5m + 10m of pauses, plus 10m of margin
    expect(k.spec.timeout).toBe('25m');
  });

  test('throws when the timeout is shorter than a canary\'s pauses', () => {
    const { app } = flux({ rollout: true, timeout: Duration.minutes(10) });
    expect(errorOf(() => Synth.appManifests(app))).toContain("[flux-prod/Web] 'timeout' (600s) is shorter than the pauses of a canary in environment 'prod' (900s), so every rollout would fail its health check. Fix: leave 'timeout' unset, or give at least 1500s");
  });

  test('a secret, a branch and a platform namespace pass through', () => {
    const app = Testing.app();
    const web = webApp(app);
    const chart = new Chart(app, 'flux-dev');
    new FluxEnvironmentSync(chart, 'Web', {
      environment: web.environment('dev'), repoUrl: 'ssh://git@git.example.com/storefront/config.git', platformKustomizationName: 'platform',
      platformKustomizationNamespace: 'flux-system', branch: 'release', secretRefName: 'config-repo-read',
    });
    const objects = Testing.synth(chart);
    expect(kind(objects, 'GitRepository')[0].spec).toMatchObject({ ref: { branch: 'release' }, secretRef: { name: 'config-repo-read' } });
    expect(kind(objects, 'GitRepository')[0].metadata.namespace).toBe('flux-system');
    expect(kind(objects, 'Kustomization')[0].spec.dependsOn).toEqual([{ name: 'platform', namespace: 'flux-system' }]);
  });

  test('every object is valid against the Flux CRD schemas', () => {
    const { objects } = flux({ rollout: true });
    expectValidManifests(objects());
  });
});
