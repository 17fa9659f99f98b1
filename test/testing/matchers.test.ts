import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubeObject } from '../../lib/rules';
import '../../lib/testing/register';
import { manifestsOf, toBeProductionReady, toPassRule } from '../../lib/testing';
import { loadFixture } from '../rules/_load';

const good = () => loadFixture(path.join('good', 'hardened-web-app.yaml'));

function plainChart() {
  const chart = Testing.chart();
  new kplus.Deployment(chart, 'Web', { containers: [{ image: 'registry.example.com/web:1.0.0', portNumber: 8080 }] });
  return chart;
}

describe('toBeProductionReady', () => {
  test('passes on hardened manifests', () => {
    expect(good()).toBeProductionReady();
  });

  test('fails on a plain cdk8s-plus chart, listing each finding with its construct path and fix', () => {
    // GIVEN a chart of cdk8s-plus defaults
    const chart = plainChart();
    // WHEN the matcher runs
    const result = toBeProductionReady(chart);
    // THEN it fails and says why, in terms of the user's constructs
    expect(result.pass).toBe(false);
    const message = result.message();
    expect(message).toMatch(/^Expected the manifests to be production ready \(prod\), but \d+ finding\(s\) were reported:/);
    // grouped under the construct path, one line per finding, the fix once per rule, as the command line prints them
    expect(message).toMatch(/\n  test\/Web\/Resource \(Deployment test-web-c854d28f\)\n(    .+\n)*    ERROR readiness-probe: container 'main' has no readiness probe/);
    expect(message.match(/^    readiness-probe: Add a readinessProbe/gm)).toHaveLength(1);
    expect(message).toMatch(/\n  Fixes:\n/);
    expect(() => expect(chart).toBeProductionReady()).toThrow(/readiness-probe/);
  });

  test('.not passes on the plain chart and fails on hardened manifests', () => {
    expect(plainChart()).not.toBeProductionReady();
    expect(() => expect(good()).not.toBeProductionReady()).toThrow('Expected the manifests not to be production ready (prod)');
  });

  test('respects the profile: warnings in dev do not fail, unless strict', () => {
    const objects = good();
    (objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    expect(objects).toBeProductionReady({ profile: 'dev' });
    expect(objects).not.toBeProductionReady({ profile: 'prod' });
    expect(toBeProductionReady(objects, { profile: 'dev', strict: true }).message()).toContain('WARNING read-only-root-filesystem');
  });

  test('lists exemptions in its message', () => {
    const objects = good();
    const d = objects.find((o) => o.kind === 'Deployment') as any;
    d.spec.template.spec.hostNetwork = true;
    d.metadata.annotations = { 'production.platform.io/exempt-host-namespaces': 'CNI agent' };
    expect(toBeProductionReady(objects).message()).toContain('host-namespaces on Deployment web (production.platform.io/exempt-host-namespaces): CNI agent');
  });

  test('takes the same rule configuration as the plugin and the command line', () => {
    // GIVEN manifests whose only problem is an opinion (a warning by default)
    const objects = good();
    delete (objects.find((o) => o.kind === 'Deployment') as any).metadata.labels['app.kubernetes.io/instance'];
    expect(objects).toBeProductionReady();
    // WHEN a platform team raises the opinion to an error in prod, THEN the matcher fails on it
    const config = { severity: { 'recommended-labels': { prod: 'error' as const } } };
    expect(toBeProductionReady(objects, { config }).message()).toContain('ERROR recommended-labels');
    // AND a disabled rule is gone for toPassRule, which says so
    expect(() => toPassRule(objects, 'recommended-labels', { config: { disabled: { 'recommended-labels': 'labels come from Kustomize' } } }))
      .toThrow("toPassRule: unknown rule 'recommended-labels'");
  });

  test('throws a clear error on input that is not manifests', () => {
    expect(() => toBeProductionReady('deployment.yaml')).toThrow('Expected a cdk8s Chart or an array of Kubernetes objects (e.g. Testing.synth(chart)), got string');
  });
});

describe('toPassRule', () => {
  test('passes when the rule reports nothing, on synthesized manifests', () => {
    expect(Testing.synth(plainChart())).toPassRule('run-as-non-root');
  });

  test('fails with the rule\'s findings', () => {
    const result = toPassRule(Testing.synth(plainChart()) as KubeObject[], 'seccomp-profile');
    expect(result.pass).toBe(false);
    expect(result.message()).toContain("Expected rule 'seccomp-profile' to pass (prod), but it reported 1 finding(s):");
    expect(result.message()).toContain("container 'main' has no seccomp profile");
    expect(plainChart()).not.toPassRule('seccomp-profile');
  });

  test('counts warnings as failures too', () => {
    const objects = good();
    delete (objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.priorityClassName;
    expect(objects).toBeProductionReady();
    expect(objects).not.toPassRule('priority-class');
  });

  test('throws on an unknown rule id', () => {
    expect(() => toPassRule(good(), 'no-such-rule')).toThrow("toPassRule: unknown rule 'no-such-rule'");
  });
});

describe('manifestsOf', () => {
  test('maps every chart object to its construct path', () => {
    const located = manifestsOf(plainChart());
    expect(located.map((l) => [l.kubeObject.kind, l.constructPath])).toEqual([['Deployment', 'test/Web/Resource']]);
  });
});
