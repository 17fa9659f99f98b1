import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AdmissionAction, AdmissionApiVersion, AdmissionPodKind, ProductionAdmissionPolicies, ProductionAdmissionPoliciesProps, ProductionNamespace, Profile, RulePack } from '../../lib';
import { expectValidManifests } from '../helpers/schema';
import { evaluatePolicy } from './cel';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function synth(props: Partial<ProductionAdmissionPoliciesProps> = {}): any[] {
  const chart = Testing.chart();
  Profile.use(chart, Profile.PROD);
  new ProductionAdmissionPolicies(chart, 'Floors', { allowedRegistries: ['registry.example.com'], ...props });
  return Testing.synth(chart);
}

function policy(manifests: any[], name: string): any {
  const found = manifests.find((m) => m.kind === 'ValidatingAdmissionPolicy' && m.metadata.name === `production-floors-${name}`);
  expect(found).toBeDefined();
  return found;
}

/** A container that passes every floor. */
function good(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'app', image: 'registry.example.com/shop/web:1.2.3',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    ...extra,
  };
}

/** The same pod spec wrapped as each kind that makes pods, at the kind's own path. */
function asKinds(spec: Record<string, unknown>): Array<[string, any]> {
  const template = { metadata: { labels: { app: 'web' } }, spec };
  return [
    ['Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }],
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: {}, template } }],
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { selector: {}, template } }],
    ['DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: {}, template } }],
    ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: {}, template } }],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template } }],
    ['CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } }],
    ['Rollout', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template } }],
  ];
}

describe('ProductionAdmissionPolicies', () => {
  const manifests = synth({ podKinds: [...AdmissionPodKind.builtIns(), AdmissionPodKind.ARGO_ROLLOUT] });

  test('emits one policy and one binding per floor, failing closed and denying by default', () => {
    // THEN
    const policies = manifests.filter((m) => m.kind === 'ValidatingAdmissionPolicy');
    const bindings = manifests.filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding');
    expect(policies.map((p) => p.metadata.name)).toEqual(['images', 'image-digests', 'resources', 'host-isolation', 'external-services']
      .map((n) => `production-floors-${n}`));
    expect(bindings.map((b) => b.spec.policyName)).toEqual(policies.map((p) => p.metadata.name));
    for (const p of policies) {
      expect(p.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
      expect(p.spec.failurePolicy).toBe('Fail');
      expect(p.metadata.namespace).toBeUndefined();
    }
    for (const b of bindings) {
      expect(b.spec.validationActions).toEqual(['Deny']);
    }
  });

  test('binds to namespaces labelled for the floors, and the digest floor only to prod namespaces', () => {
    const bindings = manifests.filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding');
    for (const b of bindings) {
      const expected: Record<string, string> = { 'production.platform.io/admission-floors': 'enforced' };
      if (b.spec.policyName === 'production-floors-image-digests') {
        expected['production.platform.io/admission-profile'] = 'prod';
      }
      expect(b.spec.matchResources).toEqual({ namespaceSelector: { matchLabels: expected } });
    }
  });

  test('matches every kind that makes pods, and ephemeral containers for the image and host floors', () => {
    const rules = policy(manifests, 'images').spec.matchConstraints.resourceRules;
    expect(rules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] },
      { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
      { apiGroups: ['argoproj.io'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['rollouts'] },
    ]);
    expect(policy(manifests, 'resources').spec.matchConstraints.resourceRules[0].resources).toEqual(['pods']);
  });

  test('every object is valid against the Kubernetes 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('has zero rule-pack findings in prod', () => {
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('writes v1 from Kubernetes 1.30, with the same shape as v1beta1', () => {
    // WHEN
    const v1 = synth({ kubernetesVersion: '1.30' });
    // THEN: the 1.28 schema has no v1 kinds; v1 is v1beta1 promoted without change, so it is validated as v1beta1
    expect(v1.every((m) => m.apiVersion === 'admissionregistration.k8s.io/v1')).toBe(true);
    expectValidManifests(v1.map((m) => ({ ...m, apiVersion: 'admissionregistration.k8s.io/v1beta1' })));
    expect(synth({ kubernetesVersion: '1.30', apiVersion: AdmissionApiVersion.V1BETA1 })[0].apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
  });

  test('Audit and Warn are selectable', () => {
    const out = synth({ validationActions: [AdmissionAction.WARN, AdmissionAction.AUDIT] });
    expect(out.filter((m) => m.kind === 'ValidatingAdmissionPolicyBinding').map((b) => b.spec.validationActions))
      .toEqual(Array(5).fill(['Warn', 'Audit']));
  });

  test('enforceIn labels a ProductionNamespace with the floors and its profile', () => {
    const chart = Testing.chart();
    Profile.use(chart, Profile.PROD);
    const floors = new ProductionAdmissionPolicies(chart, 'Floors', { allowedRegistries: ['registry.example.com'] });
    floors.enforceIn(new ProductionNamespace(chart, 'Shop', { name: 'shop' }));
    const ns = Testing.synth(chart).find((m) => m.kind === 'Namespace');
    expect(ns.metadata.labels).toMatchObject({
      'production.platform.io/admission-floors': 'enforced', 'production.platform.io/admission-profile': 'prod',
    });
  });

  // ---- the CEL, evaluated (see ./cel.ts for what the evaluator lacks and how the expressions avoid it) ----

  describe.each(asKinds({ containers: [good()] }).map(([k]) => k))('on a %s', (kind) => {
    const wrap = (spec: Record<string, unknown>) => asKinds(spec).find(([k]) => k === kind)![1];
    const cases: Array<[string, string, Record<string, unknown>, string[]]> = [
      ['images', 'a pinned image from an allowed registry passes', { containers: [good()] }, []],
      ['images', 'an image from another registry fails', { containers: [good({ image: 'docker.io/library/nginx:1.25' })] },
        ['every container image comes from an allowed registry (registry.example.com/)']],
      ['images', 'a look-alike host fails', { containers: [good({ image: 'registry.example.com.evil.io/web:1.0' })] },
        ['every container image comes from an allowed registry (registry.example.com/)']],
      ['images', 'an untagged image fails', { containers: [good({ image: 'registry.example.com/shop/web' })] },
        ['every container image is pinned by a version tag other than latest, or by a digest']],
      ['images', 'latest fails', { containers: [good()], initContainers: [good({ name: 'init', image: 'registry.example.com/init:latest' })] },
        ['every container image is pinned by a version tag other than latest, or by a digest']],
      ['images', 'latest pinned by digest passes', { containers: [good({ image: `registry.example.com/web:latest@${DIGEST}` })] }, []],
      ['images', 'a registry port is not a tag', { containers: [good({ image: 'registry.example.com:5000/web' })] },
        ['every container image comes from an allowed registry (registry.example.com/)',
          'every container image is pinned by a version tag other than latest, or by a digest']],
      ['image-digests', 'a digest passes', { containers: [good({ image: `registry.example.com/web@${DIGEST}` })] }, []],
      ['image-digests', 'a tag fails', { containers: [good()] }, ['every container image in a prod namespace is pinned by digest (image@sha256:...)']],
      ['resources', 'requests and limits pass', { containers: [good()], initContainers: [good({ name: 'init' })] }, []],
      ['resources', 'an init container without limits fails', { containers: [good()], initContainers: [good({ name: 'init', resources: { requests: { cpu: '1', memory: '1Gi' } } })] },
        ['every container and init container requests CPU and memory and limits cpu and memory']],
      ['resources', 'a container without resources fails', { containers: [{ name: 'app', image: 'registry.example.com/web:1.0' }] },
        ['every container and init container requests CPU and memory and limits cpu and memory']],
      ['host-isolation', 'a hardened pod passes', { containers: [good({ securityContext: { privileged: false } })], volumes: [{ name: 'tmp', emptyDir: {} }] }, []],
      ['host-isolation', 'a privileged init container fails', { containers: [good()], initContainers: [good({ securityContext: { privileged: true } })] },
        ['no container runs privileged']],
      ['host-isolation', 'hostPath fails', { containers: [good()], volumes: [{ name: 'h', hostPath: { path: '/var/run' } }] }, ['no pod mounts a hostPath volume']],
      ['host-isolation', 'host namespaces fail', { containers: [good()], hostNetwork: true, hostPID: true, hostIPC: true },
        ["no pod uses the node's network namespace (hostNetwork)", "no pod uses the node's process namespace (hostPID)", "no pod uses the node's IPC namespace (hostIPC)"]],
    ];
    test.each(cases)('%s: %s', (name, _what, spec, expected) => {
      expect(evaluatePolicy(policy(manifests, name), wrap(spec))).toEqual(expected);
    });
  });

  test('an ephemeral container added by kubectl debug is checked for its image, not for resources', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [good()], ephemeralContainers: [{ name: 'debug', image: 'busybox' }] } };
    expect(evaluatePolicy(policy(manifests, 'images'), pod)).toHaveLength(2);
    expect(evaluatePolicy(policy(manifests, 'resources'), pod)).toEqual([]);
  });

  test('a Rollout with workloadRef has no pod spec and passes (its Deployment is checked)', () => {
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', spec: { workloadRef: { kind: 'Deployment', name: 'web' } } };
    for (const name of ['images', 'resources', 'host-isolation']) {
      expect(evaluatePolicy(policy(manifests, name), rollout)).toEqual([]);
    }
  });

  test('the CPU limit can be left to cpuLimitExemption', () => {
    const relaxed = synth({ requireCpuLimits: false });
    const spec = { containers: [good({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } } })] };
    expect(evaluatePolicy(policy(relaxed, 'resources'), asKinds(spec)[1][1])).toEqual([]);
    expect(evaluatePolicy(policy(manifests, 'resources'), asKinds(spec)[1][1])).toHaveLength(1);
  });

  test.each([
    ['ClusterIP anywhere', 'ClusterIP', 'shop', []],
    ['no type anywhere', undefined, 'shop', []],
    ['LoadBalancer in an allowed namespace', 'LoadBalancer', 'ingress-nginx', []],
    ['LoadBalancer elsewhere', 'LoadBalancer', 'shop', ['Services of type LoadBalancer or NodePort are allowed only in ingress-nginx']],
    ['NodePort elsewhere', 'NodePort', 'shop', ['Services of type LoadBalancer or NodePort are allowed only in ingress-nginx']],
  ])('external services: %s', (_what, type, namespace, expected) => {
    const out = synth({ externalServiceNamespaces: ['ingress-nginx'] });
    const service = { apiVersion: 'v1', kind: 'Service', spec: { ...(type ? { type } : {}), ports: [{ port: 80 }] } };
    expect(evaluatePolicy(policy(out, 'external-services'), service, namespace)).toEqual(expected);
  });

  test('property: the image floor agrees with the library\'s image parser on pinned references', () => {
    const images = policy(manifests, 'images');
    const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
    fc.assert(fc.property(fc.constantFrom('registry.example.com', 'registry.example.com:5000', 'other.example.org'),
      fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9]{1,8}){0,2}$/), fc.option(tag), fc.boolean(), (host, repo, t, digest) => {
        const image = `${host}/${repo}${t === null ? '' : `:${t}`}${digest ? `@${DIGEST}` : ''}`;
        const failed = evaluatePolicy(images, { kind: 'Pod', spec: { containers: [good({ image })] } });
        const allowed = host === 'registry.example.com';
        const pinned = digest || (t !== null && t !== 'latest');
        expect(failed).toEqual([
          ...(allowed ? [] : ['every container image comes from an allowed registry (registry.example.com/)']),
          ...(pinned ? [] : ['every container image is pinned by a version tag other than latest, or by a digest']),
        ]);
      }), { numRuns: 60, seed: 20261130 });
  });
});

test('every chart of ProductionAdmissionPolicies is deterministic', () => {
  expect(synth()).toEqual(synth());
  expect(new Chart(Testing.app(), 'x')).toBeDefined();
});
