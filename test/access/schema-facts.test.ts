import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { AdmissionPodKind, ProductionAdmissionPolicies } from '../../lib';
import { POD_FIELDS, POD_SPEC_PATHS } from '../../lib/access/_schema-facts';
import { SCHEMA_DIR } from '../helpers/schema';

// The admission policies read the pod spec at a path per kind and a few fields inside it. The library keeps those
// paths as data (lib/access/_schema-facts.ts); this test walks each one through the Kubernetes 1.28 schema and the
// Argo Rollouts CRD schema, so a path the schema does not have fails here, not in a cluster.

const k8s = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'k8s-1.28.json'), 'utf8')).definitions as Record<string, any>;
const crds = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'crds.json'), 'utf8')) as Record<string, { schema: any }>;

function deref(schema: any): any {
  return schema?.$ref ? k8s[schema.$ref.replace('#/definitions/', '')] : schema?.allOf?.[0]?.$ref ? deref(schema.allOf[0]) : schema;
}

function rootOf(gvk: string): any {
  const parts = gvk.split('/');
  const [group, version, kind] = parts.length === 2 ? ['', parts[0], parts[1]] : parts;
  const name = Object.keys(k8s).find((d) => (k8s[d]['x-kubernetes-group-version-kind'] ?? [])
    .some((x: any) => x.group === group && x.version === version && x.kind === kind));
  return name ? k8s[name] : crds[gvk]?.schema;
}

/** The schema at a dot-separated path, or undefined when a field is missing. */
function walk(schema: any, fieldPath: string): any {
  return fieldPath.split('.').reduce((s, field) => (s === undefined ? undefined : deref(deref(s)?.properties?.[field])), schema);
}

const POD_SPEC = k8s['io.k8s.api.core.v1.PodSpec'];

test.each(Object.entries(POD_SPEC_PATHS))('the pod spec of %s is at %s', (gvk, podPath) => {
  const root = rootOf(gvk);
  expect(root).toBeDefined();
  const spec = walk(root, podPath);
  expect(spec).toBeDefined();
  // the built-in kinds point at the PodSpec definition itself; the CRD inlines a copy with the same fields
  for (const field of POD_FIELDS.podSpec) {
    expect(Object.keys(spec.properties)).toContain(field);
  }
  if (!gvk.includes('argoproj.io')) {
    expect(spec).toBe(POD_SPEC);
  }
});

test('the container, resources, security context and volume fields the policies read exist', () => {
  for (const def of ['Container', 'EphemeralContainer']) {
    const container = k8s[`io.k8s.api.core.v1.${def}`];
    for (const field of POD_FIELDS.container) expect(Object.keys(container.properties)).toContain(field);
    for (const field of POD_FIELDS.resources) expect(Object.keys(walk(container, 'resources').properties)).toContain(field);
    for (const field of POD_FIELDS.securityContext) expect(Object.keys(walk(container, 'securityContext').properties)).toContain(field);
  }
  for (const field of POD_FIELDS.volume) expect(Object.keys(k8s['io.k8s.api.core.v1.Volume'].properties)).toContain(field);
  for (const field of POD_FIELDS.service) expect(Object.keys(k8s['io.k8s.api.core.v1.ServiceSpec'].properties)).toContain(field);
});

test('the 1.28 schema has ValidatingAdmissionPolicy as v1beta1 and not as v1 (v1 is checked against 1.30 by prop)', () => {
  expect(rootOf('admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy')).toBeDefined();
  expect(rootOf('admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding')).toBeDefined();
  expect(rootOf('admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy')).toBeUndefined();
});

test('every field the generated CEL reads is one of these schema facts', () => {
  // GIVEN the policies for every kind the library knows
  const chart = Testing.chart();
  new ProductionAdmissionPolicies(chart, 'Floors', { allowedRegistries: ['registry.example.com'], podKinds: [...AdmissionPodKind.builtIns(), AdmissionPodKind.ARGO_ROLLOUT] });
  const policies = Testing.synth(chart).filter((m: any) => m.kind === 'ValidatingAdmissionPolicy');
  const variables = new Set<string>(policies.flatMap((p: any) => (p.spec.variables ?? []).map((v: any) => String(v.name))));
  const known = new Set<string>([
    ...Object.values(POD_FIELDS).flat(), ...Object.values(POD_SPEC_PATHS).flatMap((p) => p.split('.')),
    'kind', // object.kind, always present
    'namespace', // request.namespace, an admission request attribute
    ...variables,
  ]);
  // WHEN every field selection (a '.name' not followed by a call) is collected, string literals removed
  const read: string[] = policies.flatMap((p: any) => [...(p.spec.variables ?? []), ...p.spec.validations])
    .flatMap((e: any) => [...e.expression.replace(/'[^']*'/g, "''").matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()/g)].map((m: RegExpMatchArray) => m[1]));
  // THEN
  expect(read.length).toBeGreaterThan(20);
  expect([...new Set(read)].filter((f) => !known.has(f))).toEqual([]);
});
