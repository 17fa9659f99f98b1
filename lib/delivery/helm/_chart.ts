/**
 * What `ProductionHelmRelease` reads from a chart's rendered manifests: the files, the documents that are not
 * Kubernetes objects, the workloads and their pods, the Services and disruption budgets that select them, and the
 * ports they serve. Pure functions over plain objects; the construct turns their problems into prop errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { HELM_WORKLOAD_KINDS } from './defaults';
import type { PodMonitorProps } from '../../../imports/podmonitor-monitoring.coreos.com';
import type { ServiceMonitorProps } from '../../../imports/servicemonitor-monitoring.coreos.com';
import { CLUSTER_SCOPED_KINDS, whyUnjudgeable } from '../../internal/names';
import { asArray, asObject, asStringMap, LabelSelector, mapSelectorMatches, selectorMatches } from '../../rules/context';
import type { ObjectMetadata } from '../../workload/_metadata';
import type { ResolvedAccess } from '../../workload/_resolve';
import type { AppPort } from '../../workload/hardened-pod';

/**
 * A problem with the rendered manifests, for the `manifests` (or `helm`) prop.
 *
 * @internal
 */
export interface ManifestProblem {
  readonly where: string;
  readonly problem: string;
  readonly fix: string;
}

/**
 * The YAML files of `manifestsPath`: the file itself, or every `.yaml`/`.yml` file below the directory (as
 * `helm template --output-dir` writes them), in code-unit order of their relative paths so that the output does not
 * depend on the file system.
 *
 * @internal
 */
export function manifestFiles(manifestsPath: string): { files: string[]; problem?: ManifestProblem } {
  const resolved = path.resolve(manifestsPath);
  if (!fs.existsSync(resolved)) {
    return {
      files: [],
      problem: {
        where: resolved, problem: 'does not exist',
        fix: 'render the chart with `helm template <release> <chart> > <file>` and give the file (or its directory); a relative path is read from the folder cdk8s synth runs in',
      },
    };
  }
  if (fs.statSync(resolved).isFile()) {
    return { files: [resolved] };
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/\.ya?ml$/.test(entry.name)) {
        files.push(full);
      }
    }
  };
  walk(resolved);
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) {
    return { files, problem: { where: resolved, problem: 'is a directory without .yaml or .yml files', fix: 'point at the folder `helm template --output-dir` wrote, or at the rendered file' } };
  }
  return { files };
}

/**
 * The documents of one rendered file that cdk8s `Include` cannot turn into objects the rule pack can judge: YAML
 * that does not parse, a document that is not a mapping, a `List`, an object without apiVersion, kind or name.
 * The file is parsed as cdk8s `Include` parses it (YAML 1.1).
 *
 * @internal
 */
export function documentProblems(file: string, display: string, seen: Set<string> = new Set()): ManifestProblem[] {
  const text = fs.readFileSync(file, 'utf-8');
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', lineCounter });
  const out: ManifestProblem[] = [];
  let index = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    index++;
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    const where = `${display}:${line} (document ${index})`;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const at = e.linePos?.[0]?.line ?? line;
      out.push({ where: `${display}:${at} (document ${index})`, problem: `is not valid YAML: ${e.message.split('\n')[0]}`, fix: 'render the chart again; rendered manifests are never edited by hand' });
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0)) {
      continue;
    }
    const o = value as { kind?: unknown; metadata?: { name?: unknown } };
    if (typeof o === 'object' && !Array.isArray(o) && typeof o.kind === 'string' && o.kind.endsWith('List')) {
      out.push({ where, problem: `is a ${o.kind}, which cdk8s Include keeps as one object`, fix: 'render with `helm template`, which writes one document per object' });
      continue;
    }
    const why = whyUnjudgeable(value);
    if (why !== undefined) {
      out.push({ where, problem: `is ${why.startsWith('not ') ? why : `not judgeable: ${why}`}`, fix: 'render the chart again; every document must be an object with apiVersion, kind and metadata.name' });
    } else if (typeof o.metadata?.name !== 'string') {
      out.push({ where, problem: 'has only metadata.generateName, which kubectl apply cannot use', fix: 'give the object a metadata.name in the chart\'s values or templates' });
    } else {
      const k = value as { apiVersion: string; kind: string; metadata: { name: string; namespace?: unknown } };
      const key = `${k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : ''}/${k.kind}/${String(k.metadata.namespace ?? '')}/${k.metadata.name}`;
      if (seen.has(key)) {
        out.push({ where, problem: `defines ${k.kind} ${k.metadata.name} a second time, and kubectl apply keeps only the last one`, fix: 'remove one copy (a directory may hold two renderings of the chart)' });
      }
      seen.add(key);
    }
  }
  return out;
}

/**
 * A plain Kubernetes object of the chart, as rendered.
 *
 * @internal
 */
export interface PlainObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: { [key: string]: string } };
  readonly [field: string]: any;
}

/**
 * One container port of a workload.
 *
 * @internal
 */
export interface ContainerPortInfo {
  readonly container: string;
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

/**
 * A workload of the chart and what the additions need to know about it.
 *
 * @internal
 */
export interface ChartWorkloadInfo {
  /** The index of the object in the chart's objects. */
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** `Kind/name`, as messages and the `workloads` keys write it. */
  readonly ref: string;
  /** The JSON pointer of the pod spec, e.g. `/spec/template/spec`. */
  readonly podSpecPointer: string;
  readonly podSpec: { [key: string]: any };
  readonly podLabels: { [key: string]: string };
  /** The labels that select the pods, when they can be derived. */
  readonly selector?: { [key: string]: string };
  /** Why the selector cannot be derived. */
  readonly selectorProblem?: string;
  /** `spec.replicas`, 1 when unset (as the API server defaults it). */
  readonly replicas: number;
  readonly containerPorts: ContainerPortInfo[];
}

/** The pod template and its pointer, for the kinds the release wraps. */
function templateOf(o: PlainObject): { template: { [key: string]: any }; pointer: string } | undefined {
  if (o.kind === 'CronJob') {
    return { template: asObject(asObject(asObject(asObject(o.spec).jobTemplate).spec).template), pointer: '/spec/jobTemplate/spec/template' };
  }
  if (HELM_WORKLOAD_KINDS.includes(o.kind) && ['apps', 'batch'].includes(o.apiVersion.split('/')[0])) {
    return { template: asObject(asObject(o.spec).template), pointer: '/spec/template' };
  }
  return undefined;
}

/**
 * The workloads of the chart (the kinds of `HELM_WORKLOAD_KINDS`), in the chart's order.
 *
 * @internal
 */
export function chartWorkloads(objects: PlainObject[]): ChartWorkloadInfo[] {
  const out: ChartWorkloadInfo[] = [];
  objects.forEach((o, index) => {
    const t = templateOf(o);
    if (t === undefined) {
      return;
    }
    const podSpec = asObject(t.template.spec);
    const podLabels = asStringMap(asObject(t.template.metadata).labels);
    const derived = selectorOf(o, podLabels);
    const containerPorts: ContainerPortInfo[] = [];
    for (const c of asArray(podSpec.containers)) {
      const container = asObject(c);
      for (const p of asArray(container.ports)) {
        const port = asObject(p);
        if (typeof port.containerPort === 'number') {
          containerPorts.push({
            container: String(container.name), name: typeof port.name === 'string' ? port.name : undefined, port: port.containerPort,
            protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
          });
        }
      }
    }
    const replicas = asObject(o.spec).replicas;
    out.push({
      index, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, ref: `${o.kind}/${o.metadata.name}`,
      podSpecPointer: `${t.pointer}/spec`, podSpec, podLabels, selector: derived.selector, selectorProblem: derived.problem,
      replicas: typeof replicas === 'number' ? replicas : 1, containerPorts,
    });
  });
  return out;
}

/**
 * The labels that select a workload's pods: `spec.selector.matchLabels` for the controllers that have a selector,
 * the pod template's labels for jobs (their own selector is generated by the API server).
 */
function selectorOf(o: PlainObject, podLabels: { [key: string]: string }): { selector?: { [key: string]: string }; problem?: string } {
  if (o.kind === 'Job' || o.kind === 'CronJob') {
    return Object.keys(podLabels).length === 0
      ? { problem: 'has a pod template without labels, so no NetworkPolicy can select its pods' }
      : { selector: { ...podLabels } };
  }
  const selector = asObject(asObject(o.spec).selector) as LabelSelector;
  if (asObject(o.spec).selector === undefined) {
    return { problem: 'has no spec.selector' };
  }
  if (asArray(selector.matchExpressions).length > 0) {
    return { problem: 'selects its pods with matchExpressions, which a NetworkPolicy peer or a label map cannot repeat exactly' };
  }
  const labels = asStringMap(selector.matchLabels);
  if (Object.keys(labels).length === 0) {
    return { problem: 'has an empty spec.selector, which selects every pod of the namespace' };
  }
  if (!selectorMatches(selector, podLabels)) {
    return { problem: `has a spec.selector (${JSON.stringify(labels)}) that does not match its pod template's labels (${JSON.stringify(podLabels)})` };
  }
  return { selector: labels };
}

/**
 * Whether the object lives in the workload's namespace (both unset counts as the same).
 *
 * @internal
 */
export function sameNamespace(a: PlainObject, namespace: string | undefined): boolean {
  return (a.metadata.namespace ?? '') === (namespace ?? '');
}

/**
 * The Services of the chart that select the workload's pods.
 *
 * @internal
 */
export function servicesOf(objects: PlainObject[], w: ChartWorkloadInfo): PlainObject[] {
  return objects.filter((o) => o.kind === 'Service' && o.apiVersion === 'v1' && sameNamespace(o, w.namespace)
    && mapSelectorMatches(asStringMap(asObject(o.spec).selector), w.podLabels));
}

/**
 * The PodDisruptionBudgets of the chart that select the workload's pods.
 *
 * @internal
 */
export function budgetsOf(objects: PlainObject[], w: ChartWorkloadInfo): PlainObject[] {
  return objects.filter((o) => o.kind === 'PodDisruptionBudget' && sameNamespace(o, w.namespace)
    && asObject(o.spec).selector !== undefined && selectorMatches(asObject(o.spec).selector as LabelSelector, w.podLabels));
}

/**
 * The container port a Service port sends traffic to, or undefined when its `targetPort` names no port of the
 * workload's containers.
 *
 * @internal
 */
export function targetPortOf(servicePort: { [key: string]: any }, w: ChartWorkloadInfo): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') {
    return target;
  }
  if (typeof target === 'string' && /^\d+$/.test(target)) {
    return Number(target);
  }
  return w.containerPorts.find((p) => p.name === target)?.port;
}

/**
 * Whether the pods mount a service account token: the pod's `automountServiceAccountToken`, else the
 * ServiceAccount's (in the chart), else Kubernetes' default (yes).
 *
 * @internal
 */
export function mountsToken(objects: PlainObject[], w: ChartWorkloadInfo): boolean {
  if (typeof w.podSpec.automountServiceAccountToken === 'boolean') {
    return w.podSpec.automountServiceAccountToken;
  }
  const accountName = w.podSpec.serviceAccountName ?? 'default';
  const account = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === accountName && sameNamespace(o, w.namespace));
  return account?.automountServiceAccountToken !== false;
}

/**
 * Whether the kind is cluster-scoped.
 *
 * @internal
 */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.includes(kind);
}

/**
 * What the release hands a chart workload when it creates it.
 *
 * @internal
 */
export interface ChartWorkloadSpec {
  readonly resource: ApiObject;
  readonly controllerKind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly ports: AppPort[];
  readonly podSelector: { [key: string]: string };
  readonly services: ApiObject[];
  readonly metadata: ObjectMetadata;
  readonly access: ResolvedAccess;
  /** The disruption budget to add, if any. */
  readonly disruptionBudget?: k8s.KubePodDisruptionBudgetProps;
  /** The ServiceMonitor to add, if any. */
  readonly serviceMonitor?: ServiceMonitorProps;
  /** The PodMonitor to add, if any. */
  readonly podMonitor?: PodMonitorProps;
}
