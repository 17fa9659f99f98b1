import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { EnvironmentParity, EnvironmentTier, ParityKnob } from '../../lib';
import '../../lib/testing/register';
import { errorOf } from '../helpers/errors';
import { webApp } from './_gitops-fixtures';

const staging = () => webApp(Testing.app(), { autoscaling: true }).environment('staging');

describe('EnvironmentParity', () => {
  test('passes on a staging and a prod that differ only in allow-listed knobs (replicas, HPA bounds, sizes, priority)', () => {
    const web = webApp(Testing.app(), { autoscaling: true, tweak: (env) => (env.isProd ? { size: undefined } : {}) });
    const report = EnvironmentParity.compare(web.environment('staging'), web.environment('prod'));
    expect(report.differences).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.toString()).toBe("'staging' and 'prod' differ only in allow-listed fields");
    expect(() => EnvironmentParity.verify(web.environment('staging'), web.environment('prod'))).not.toThrow();
    expect(web.environment('staging')).toHaveParityWith(web.environment('prod'));
  });

  test('fails when the allowed knob is not in the allow-list: HPA bounds differ', () => {
    const web = webApp(Testing.app(), { autoscaling: true });
    const report = EnvironmentParity.compare(web.environment('staging'), web.environment('prod'),
      { allow: [ParityKnob.REPLICAS, ParityKnob.PRIORITY_CLASS, ParityKnob.RESOURCES] });
    expect(report.differences.map((d) => `${d.objectName} ${d.path} ${d.firstValue} ${d.secondValue}`)).toEqual([
      'autoscaling/v2 HorizontalPodAutoscaler <environment namespace>/web spec.maxReplicas 4 12',
      'autoscaling/v2 HorizontalPodAutoscaler <environment namespace>/web spec.minReplicas 2 3',
    ]);
    expect(web.environment('staging')).not.toHaveParityWith(web.environment('prod'), { allow: [ParityKnob.REPLICAS, ParityKnob.PRIORITY_CLASS, ParityKnob.RESOURCES] });
  });

  test('reports an object present on one side only, and a probe that differs', () => {
    const web = webApp(Testing.app(), {
      tweak: (env) => (env.tier === EnvironmentTier.STAGING ? { healthPath: '/ready', autoscaling: { minReplicas: 2, maxReplicas: 4 } } : {}),
    });
    const message = errorOf(() => EnvironmentParity.verify(web.environment('staging'), web.environment('prod')));
    expect(message).toContain('autoscaling/v2 HorizontalPodAutoscaler <environment namespace>/web: staging=present, prod=absent');
    expect(message).toContain('spec.template.spec.containers[0].readinessProbe.httpGet.path: staging="/ready", prod="/healthz"');
    expect(message).toContain('metadata.annotations["production.platform.io/exemption-reason"]: staging="the HorizontalPodAutoscaler owns the replica count", prod=absent');
  });

  test('allowPaths adds fields; an invalid pattern or knob throws', () => {
    const web = webApp(Testing.app(), { tweak: (env) => (env.tier === EnvironmentTier.STAGING ? { image: 'registry.example.com/storefront/web:2.4.0' } : {}) });
    const [s, p] = [web.environment('staging'), web.environment('prod')];
    expect(EnvironmentParity.compare(s, p).passed).toBe(false);
    const version = '*:**.labels["app.kubernetes.io/version"]';
    expect(EnvironmentParity.compare(s, p, { allowPaths: ['Deployment:spec.template.spec.containers[*].image'] }).passed).toBe(false);
    expect(EnvironmentParity.compare(s, p, { allowPaths: ['Deployment:spec.template.spec.containers[*].image', version] }).passed).toBe(true);
    expect(EnvironmentParity.compare(s, p, { allowPaths: ['*:**.image', version] }).passed).toBe(true);
    expect(EnvironmentParity.compare(s, p, { allowPaths: ['Service:**.image', version] }).passed).toBe(false);
    expect(errorOf(() => EnvironmentParity.compare(s, p, { allowPaths: ['spec.replicas'] })))
      .toContain("'spec.replicas' is not a 'Kind:path' pattern");
    expect(errorOf(() => EnvironmentParity.compare(s, p, { allow: ['sizes' as ParityKnob] })))
      .toContain("'allow' holds \"sizes\", which is not a ParityKnob");
    expect(errorOf(() => EnvironmentParity.compare(s, {} as Chart))).toContain("'second' is object, not a cdk8s Chart");
  });

  test('compareManifests compares plain objects, replacing the given namespaces', () => {
    const a = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'web-staging' }, data: { a: '1' } }];
    const b = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'web-prod' }, data: { a: '2' } }];
    const report = EnvironmentParity.compareManifests(a, b, {}, 'web-staging', 'web-prod');
    expect(report.differences).toEqual([{ objectName: 'v1 ConfigMap <environment namespace>/c', path: 'data.a', firstValue: '"1"', secondValue: '"2"' }]);
  });
});

// The base: a real staging environment's objects; the properties mutate a copy of them.
const base: any[] = Testing.synth(staging());
const allowed: { kind: string; path: (string | number)[]; value: fc.Arbitrary<unknown> }[] = [
  { kind: 'HorizontalPodAutoscaler', path: ['spec', 'minReplicas'], value: fc.integer({ min: 1, max: 50 }) },
  { kind: 'HorizontalPodAutoscaler', path: ['spec', 'maxReplicas'], value: fc.integer({ min: 1, max: 500 }) },
  { kind: 'Deployment', path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'], value: fc.integer({ min: 1, max: 8000 }).map((n) => `${n}m`) },
  { kind: 'Deployment', path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'requests', 'memory'], value: fc.integer({ min: 1, max: 8000 }).map((n) => `${n}Mi`) },
  { kind: 'Deployment', path: ['spec', 'template', 'spec', 'volumes', 0, 'emptyDir', 'sizeLimit'], value: fc.integer({ min: 1, max: 8000 }).map((n) => `${n}Mi`) },
  { kind: 'Deployment', path: ['spec', 'template', 'spec', 'priorityClassName'], value: fc.constantFrom('platform-high', 'platform-low') },
];

function set(obj: any, path: (string | number)[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]] = value;
}

/** Every leaf path of an object. */
function leaves(obj: any, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(obj)) return obj.flatMap((v, i) => leaves(v, [...path, i]));
  if (obj !== null && typeof obj === 'object') return Object.entries(obj).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

const isAllowedLeaf = (kindName: string, path: (string | number)[]) => {
  const p = path.join('.');
  return /(^|\.)resources\./.test(p) || /emptyDir\.sizeLimit$/.test(p) || /priorityClassName$/.test(p)
    || (['Deployment', 'StatefulSet'].includes(kindName) && p === 'spec.replicas')
    || (kindName === 'HorizontalPodAutoscaler' && /^spec\.(min|max)Replicas$/.test(p))
    || p === 'metadata.annotations.production.platform.io/profile';
};

describe('EnvironmentParity properties', () => {
  test('random differences in allowed knobs always pass', () => {
    fc.assert(fc.property(fc.subarray(allowed, { minLength: 1 }).chain((knobs) => fc.tuple(...knobs.map((k) => k.value)).map((values) => ({ knobs, values }))),
      ({ knobs, values }) => {
        const other = structuredClone(base);
        knobs.forEach((k, i) => set(other.find((o) => o.kind === k.kind), k.path, values[i]));
        return EnvironmentParity.compareManifests(base, other).passed;
      }), { numRuns: 60 });
  });

  test('any other changed field fails, and the report names its object, path and both values', () => {
    const candidates = base.flatMap((o, i) => leaves(o).filter((p) => !isAllowedLeaf(o.kind, p)).map((p) => ({ i, p })));
    fc.assert(fc.property(fc.constantFrom(...candidates), fc.string({ minLength: 1, maxLength: 8 }), ({ i, p }, suffix) => {
      const other = structuredClone(base);
      let o = other[i];
      for (const k of p.slice(0, -1)) o = o[k];
      const before = o[p[p.length - 1]];
      const after = typeof before === 'number' ? before + 1 : typeof before === 'boolean' ? !before : `${String(before)}-${suffix}`;
      o[p[p.length - 1]] = after;
      const report = EnvironmentParity.compareManifests(base, other);
      if (p.join('.') === 'metadata.name' || p.join('.') === 'metadata.namespace' || p.join('.') === 'apiVersion' || p.join('.') === 'kind') {
        // the object's identity changed: it is missing on one side and new on the other
        return report.differences.some((d) => d.secondValue === 'absent') && report.differences.some((d) => d.firstValue === 'absent');
      }
      return report.differences.length === 1 && report.differences[0].firstValue === JSON.stringify(before)
        && report.differences[0].secondValue === JSON.stringify(after);
    }), { numRuns: 200 });
  });
});
