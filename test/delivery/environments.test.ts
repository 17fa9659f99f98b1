import { App, Testing } from 'cdk8s';
import { Environment, Environments, EnvironmentTier, ParityKnob, Profile, Synth } from '../../lib';
import { errorOf } from '../helpers/errors';
import { fourEnvironments, webApp } from './_gitops-fixtures';

describe('Environments', () => {
  test('creates one chart per environment next to itself, in its namespace, under its tier\'s profile', () => {
    // GIVEN / WHEN
    const app = Testing.app();
    const web = webApp(app);
    // THEN
    expect(web.all.map((e) => e.node.path)).toEqual(['web-dev', 'web-test', 'web-staging', 'web-prod']);
    expect(web.all.map((e) => e.namespace)).toEqual(['web-dev', 'web-test', 'web', 'web']);
    expect(web.all.map((e) => Profile.of(e))).toEqual([Profile.DEV, Profile.DEV, Profile.STAGING, Profile.PROD]);
    expect(web.all.map((e) => e.environmentName)).toEqual(['dev', 'test', 'staging', 'prod']);
    const prodObjects = Testing.synth(web.environment('prod'));
    expect(new Set(prodObjects.map((o: any) => o.metadata.namespace))).toEqual(new Set(['web']));
    expect(new Set(prodObjects.map((o: any) => o.metadata.annotations['production.platform.io/profile']))).toEqual(new Set(['prod']));
  });

  test('ofTier and environment find environments; an unknown name throws', () => {
    const web = webApp();
    expect(web.ofTier(EnvironmentTier.DEV).map((e) => e.environmentName)).toEqual(['dev']);
    expect(web.environment('staging').tier).toBe(EnvironmentTier.STAGING);
    expect(errorOf(() => web.environment('qa'))).toContain("no environment is named 'qa'; the environments are 'dev', 'test', 'staging', 'prod'");
  });

  test('several prod environments (regions) share a tier, each on its own dedicated cluster', () => {
    const web = webApp(Testing.app(), {
      environments: [
        ...fourEnvironments(),
        { tier: EnvironmentTier.PROD, name: 'prod-us1', cluster: { name: 'prod-us1' }, namespaceName: 'web' },
      ],
    });
    expect(web.ofTier(EnvironmentTier.PROD).map((e) => e.environmentName)).toEqual(['prod', 'prod-us1']);
  });

  test('synthesis passes when staging and prod differ only in allow-listed knobs', () => {
    const app = Testing.app();
    webApp(app, { autoscaling: true });
    expect(() => Synth.appManifests(app)).not.toThrow();
  });

  test('throws at synthesis when staging differs from prod outside the allow-list, naming object, field and both values', () => {
    // GIVEN a staging whose image is not prod's
    const app = Testing.app();
    webApp(app, { tweak: (env) => (env.tier === EnvironmentTier.STAGING ? { image: 'registry.example.com/storefront/web:2.4.0' } : {}) });
    // WHEN / THEN
    const message = errorOf(() => Synth.appManifests(app));
    expect(message).toContain("[Web] staging must be a replica of prod: 'staging' and 'prod' differ in");
    expect(message).toContain('apps/v1 Deployment <environment namespace>/web spec.template.spec.containers[0].image: staging="registry.example.com/storefront/web:2.4.0", prod="registry.example.com/storefront/web:2.3.1"');
    // dev may differ from prod: only staging is compared
    expect(message).not.toContain("'dev'");
  });

  test('the parity option narrows what may differ', () => {
    const app = Testing.app();
    const web = new Environments(app, 'Web', { appName: 'web', environments: fourEnvironments(), parity: { allow: [ParityKnob.HOSTNAMES] } });
    expect(web.parity.allow).toEqual([ParityKnob.HOSTNAMES]);
  });

  test('a standalone Environment uses the tier as its name and maps test to the dev profile', () => {
    const env = new Environment(new App(), 'web-test', { appName: 'web', tier: EnvironmentTier.TEST, cluster: { name: 'nonprod' }, namespaceName: 'web-test' });
    expect(env.environmentName).toBe('test');
    expect(env.profile).toBe(Profile.DEV);
    expect(env.isProd).toBe(false);
  });
});
