import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from './helpers/schema';

// Every app under examples/ is run here exactly as `cdk8s synth` runs it (its module calls synthApp(app)),
// with the output directed to a temporary folder.
const EXAMPLES_DIR = path.join(__dirname, '..', 'examples');
const examples = fs.readdirSync(EXAMPLES_DIR).filter((n) => fs.existsSync(path.join(EXAMPLES_DIR, n, 'main.ts'))).sort();

/** Runs one example and returns its output files (name -> YAML text), sorted by name. */
export function synthExample(name: string): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      require(path.join(EXAMPLES_DIR, name, 'main.ts'));
    });
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort();
  const out = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  fs.rmSync(outdir, { recursive: true, force: true });
  return out;
}

function objectsOf(files: Record<string, string>): any[] {
  return Object.values(files).flatMap((text) => parseAllDocuments(text).map((d) => d.toJS())).filter((o) => o);
}

// Cluster API infrastructure providers' objects (AWSCluster, AWSMachineTemplate, ...): their CRDs are not among the
// imports, so they cannot be schema-checked here. Nothing else is skipped.
const UNCHECKED_PROVIDER_KINDS = ['AWSCluster', 'AWSClusterTemplate', 'AWSMachineTemplate', 'VSphereCluster', 'VSphereClusterTemplate', 'VSphereMachineTemplate'];
function isUncheckedProviderObject(o: any): boolean {
  return typeof o.apiVersion === 'string' && o.apiVersion.startsWith('infrastructure.cluster.x-k8s.io/') && UNCHECKED_PROVIDER_KINDS.includes(o.kind);
}

// ValidatingAdmissionPolicy and its binding went GA in Kubernetes 1.30 as admissionregistration.k8s.io/v1 with the
// fields of the 1.28 v1beta1 API; the cluster example targets a 1.33 cluster, so its policies are v1. Only the 1.28
// definitions are available offline: such objects are checked against the v1beta1 definitions of the same kind.
const ADMISSION_V1_KINDS = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
function asCheckable(o: any): any {
  return o.apiVersion === 'admissionregistration.k8s.io/v1' && ADMISSION_V1_KINDS.includes(o.kind)
    ? { ...o, apiVersion: 'admissionregistration.k8s.io/v1beta1' }
    : o;
}

test('there is at least one example per public construct family', () => {
  expect(examples).toEqual(expect.arrayContaining(['production-app', 'environments']));
});

describe.each(examples)('example %s', (name) => {
  const files = synthExample(name);
  const objects = objectsOf(files);

  test('synthesizes at least one object', () => {
    expect(objects.length).toBeGreaterThan(0);
  });

  test('matches the reviewed snapshot', () => {
    expect(files).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes 1.28 and CRD schemas', () => {
    expectValidManifests(objects.filter((o) => !isUncheckedProviderObject(o)).map(asCheckable));
  });

  test('synthesizes byte-identical YAML on a second run', () => {
    expect(synthExample(name)).toEqual(files);
  });
});
