import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubeObject, LocatedObject } from '../rules';

/**
 * A problem with the checker's input: a missing path, an empty folder, a file that is not YAML
 * or a document that is not a Kubernetes object.
 */
export class InputError extends Error {}

/** Kinds of the built-in API groups; a kind outside these, in one of these groups, is a typo. */
const BUILT_IN_KINDS: { readonly [group: string]: readonly string[] } = {
  '': ['Pod', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Namespace', 'PersistentVolumeClaim', 'PersistentVolume',
    'Endpoints', 'LimitRange', 'ResourceQuota', 'ReplicationController', 'Node', 'Event', 'PodTemplate', 'Binding', 'List'],
  'apps': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
  'batch': ['Job', 'CronJob'],
  'autoscaling': ['HorizontalPodAutoscaler'],
  'policy': ['PodDisruptionBudget', 'PodSecurityPolicy', 'Eviction'],
  'networking.k8s.io': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'rbac.authorization.k8s.io': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'storage.k8s.io': ['StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode', 'CSIStorageCapacity'],
  'admissionregistration.k8s.io': ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'scheduling.k8s.io': ['PriorityClass'],
  'coordination.k8s.io': ['Lease'],
  'discovery.k8s.io': ['EndpointSlice'],
  'node.k8s.io': ['RuntimeClass'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'events.k8s.io': ['Event'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'extensions': ['Deployment', 'DaemonSet', 'ReplicaSet', 'Ingress', 'NetworkPolicy', 'PodSecurityPolicy'],
};

function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/**
 * Finds the YAML files under the given paths: files as given, folders recursively
 * (`.yaml` and `.yml`), in a stable order.
 *
 * @throws InputError for a missing path or a folder without YAML files
 */
export function findYamlFiles(paths: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) {
      throw new InputError(`${p}: no such file or folder`);
    }
    if (fs.statSync(abs).isDirectory()) {
      const found = walk(abs);
      if (found.length === 0) {
        throw new InputError(`${p}: the folder has no .yaml or .yml files`);
      }
      files.push(...found);
    } else {
      files.push(abs);
    }
  }
  return files;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        out.push(...walk(full));
      }
    } else if (/\.ya?ml$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Reads every Kubernetes object of a YAML file (multi-document files and `kind: List`
 * included).
 *
 * @param file the file to read
 * @param display how to name the file in messages and findings
 * @throws InputError when the file is not YAML or a document is not a Kubernetes object
 */
export function loadYamlFile(file: string, display: string): LocatedObject[] {
  const text = fs.readFileSync(file, 'utf-8');
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const result: LocatedObject[] = [];
  let index = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    index++;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line;
      throw new InputError(`${display}${line ? `:${line}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) {
      continue;
    }
    for (const object of expandList(value, `${display} (document ${index})`)) {
      result.push({ object, file: display });
    }
  }
  return result;
}

function expandList(value: unknown, where: string): KubeObject[] {
  const object = asKubeObject(value, where);
  if (object.kind === 'List' || object.kind.endsWith('List')) {
    const items = (object as { items?: unknown }).items;
    if (!Array.isArray(items)) {
      throw new InputError(`${where}: a ${object.kind} without an items array`);
    }
    return items.flatMap((item, i) => expandList(item, `${where}, item ${i}`));
  }
  return [object];
}

function asKubeObject(value: unknown, where: string): KubeObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${where}: not a Kubernetes object (expected a mapping with apiVersion, kind and metadata, got ${Array.isArray(value) ? 'a list' : typeof value})`);
  }
  const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; generateName?: unknown } };
  const missing = [typeof o.apiVersion !== 'string' || o.apiVersion === '' ? 'apiVersion' : undefined,
    typeof o.kind !== 'string' || o.kind === '' ? 'kind' : undefined].filter((x) => x);
  if (missing.length > 0) {
    throw new InputError(`${where}: not a Kubernetes object (no ${missing.join(' and ')})`);
  }
  const apiVersion = o.apiVersion as string;
  const kind = o.kind as string;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const known = BUILT_IN_KINDS[group];
  if (known && !known.includes(kind) && !kind.endsWith('List')) {
    const near = known.filter((k) => distance(k, kind) <= 3).sort((a, b) => distance(a, kind) - distance(b, kind))[0];
    throw new InputError(`${where}: unknown kind '${kind}' for apiVersion '${apiVersion}'${near ? `. Did you mean '${near}'?` : ''}`);
  }
  if (!kind.endsWith('List') && typeof o.metadata?.name !== 'string' && typeof o.metadata?.generateName !== 'string') {
    throw new InputError(`${where}: ${kind} has no metadata.name`);
  }
  return value as KubeObject;
}
