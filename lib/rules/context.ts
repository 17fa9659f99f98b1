import type { IRule } from './rule';
import { KubeObject } from './types';

/** A label selector as in `spec.selector` (matchLabels and matchExpressions). */
export interface LabelSelector {
  /** Labels that must all be present with these values. */
  readonly matchLabels?: { readonly [key: string]: string };
  /** Set-based requirements. */
  readonly matchExpressions?: LabelSelectorRequirement[];
}

/** One set-based requirement of a label selector. */
export interface LabelSelectorRequirement {
  /** The label key. */
  readonly key: string;
  /**
   * `In`, `NotIn`, `Exists` or `DoesNotExist`.
   *
   * TypeScript only: the Kubernetes field name `operator` is a reserved word in C#, so jsii
   * leaves it out.
   *
   * @jsii ignore
   */
  readonly operator: string;
  /** The values for `In` and `NotIn`. */
  readonly values?: string[];
}

/**
 * A container as the rules read it, with where it sits in its object.
 */
export interface ContainerInfo {
  /** The container spec. */
  readonly spec: JsonObject;
  /** The container's name. */
  readonly name: string;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly list: string;
  /** The field path of the container in its object, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
}

/**
 * An object that runs pods (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * Argo Rollout), with its pod template resolved.
 */
export interface Workload {
  /** The object itself. */
  readonly kubeObject: KubeObject;
  /** The pod template's metadata (for a Pod: the Pod's own metadata). */
  readonly podMetadata: JsonObject;
  /** The pod spec. */
  readonly podSpec: JsonObject;
  /** The field path of the pod spec in the object, e.g. `spec.template.spec`. */
  readonly podSpecPath: string;
  /** The labels its pods carry. */
  readonly podLabels: { readonly [key: string]: string };
  /** The object's namespace, `default` when unset. */
  readonly namespaceName: string;
  /** True for controllers that keep pods running (not Pod, Job, CronJob). */
  readonly isLongRunning: boolean;
  /** True for Deployment, StatefulSet, ReplicaSet and Rollout: the kinds with `spec.replicas`. */
  readonly isReplicated: boolean;
}

/** A JSON object read from a manifest. */
export type JsonObject = { readonly [key: string]: unknown };

/** Kinds whose `spec.template` is a pod template. */
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Rollout', 'ReplicationController']);
/** Kinds that have `spec.replicas` and are scaled horizontally. */
const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'Rollout', 'ReplicationController']);

/**
 * An object the pack cannot judge, or a document that is not an object: reported by the
 * `manifest-input` rule, and kept away from every other rule.
 */
export interface RejectedInput {
  /** The object as read (a stand-in naming the document when it was not a mapping). */
  readonly kubeObject: KubeObject;
  /** Why it cannot be judged. */
  readonly reason: string;
}

/** The key of an object: API group, kind, namespace and name. */
function objectKey(group: string, kind: string, namespace: string, name: string): string {
  return `${group}\u0000${kind}\u0000${namespace}\u0000${name}`;
}

/**
 * What a rule's check sees: all objects, plus helpers for the questions rules keep asking
 * (which objects run pods, which pods a selector matches, which object a reference names).
 *
 * Lookups are indexed (by kind, by kind, namespace and name, and by namespace and pod label),
 * so that cross-object rules stay linear in the number of objects.
 */
export class RuleContext {
  /**
   * The containers of a pod spec.
   *
   * @param podSpec the pod spec
   * @param podSpecPath its field path, e.g. `spec.template.spec`
   * @param lists which container lists to include
   * @default lists ['initContainers', 'containers', 'ephemeralContainers']
   */
  public static containersOf(podSpec: { [key: string]: any }, podSpecPath: string, lists?: string[]): ContainerInfo[] {
    return lists === undefined ? containersOf(podSpec, podSpecPath) : containersOf(podSpec, podSpecPath, lists);
  }

  /**
   * True when the label selector matches the labels. An empty or missing selector matches
   * everything, as in a NetworkPolicy's `podSelector: {}`.
   *
   * @param labels the labels of a pod
   * @param selector the selector
   */
  public static selectorMatches(labels: { [key: string]: string }, selector?: LabelSelector): boolean {
    return selectorMatches(selector, labels);
  }

  /** True when a selector has no requirement at all (and so selects everything). */
  public static isEmptySelector(selector?: LabelSelector): boolean {
    return isEmptySelector(selector);
  }

  /** Matches a Service-style selector (a plain label map) against labels; empty matches nothing. */
  public static mapSelectorMatches(selector: { [key: string]: string }, labels: { [key: string]: string }): boolean {
    return mapSelectorMatches(selector, labels);
  }

  /** The object's API group (`''` for the core group). */
  public static apiGroup(kubeObject: KubeObject): string {
    return apiGroup(kubeObject);
  }

  /** The object's name, or `<unnamed>`. */
  public static nameOf(kubeObject: KubeObject): string {
    return nameOf(kubeObject);
  }

  /** The object's namespace, `default` when unset. */
  public static namespaceOf(kubeObject: KubeObject): string {
    return namespaceOf(kubeObject);
  }

  /** The value as an object, or an empty object. */
  public static asObject(value: any): { [key: string]: any } {
    return asObject(value);
  }

  /** The value as an array, or an empty array. */
  public static asArray(value: any): any[] {
    return asArray(value);
  }

  /** The value as a map of strings (non-string values are stringified). */
  public static asStringMap(value: any): { [key: string]: string } {
    return asStringMap(value);
  }

  private _workloads?: Workload[];
  private _byObject?: Map<KubeObject, Workload>;
  private _byKind?: Map<string, KubeObject[]>;
  private _byName?: Map<string, KubeObject[]>;
  private _byNamespace?: Map<string, Workload[]>;
  private _byLabel?: Map<string, Workload[]>;
  private _autoscalers?: Map<string, KubeObject[]>;
  private readonly _memo = new Map<string, unknown>();

  /**
   * @param objects every object being checked, in input order
   * @param rules every rule being run (lets rules such as `exemption-annotation` see the others)
   * @param rejected the inputs that cannot be judged (reported by `manifest-input`)
   */
  public constructor(public readonly objects: KubeObject[], public readonly rules: IRule[] = [],
    public readonly rejected: RejectedInput[] = []) {}

  /** The objects of one kind (and, when given, API group, e.g. `networking.k8s.io`). */
  public ofKind(kind: string, group?: string): KubeObject[] {
    if (!this._byKind) {
      this._byKind = new Map();
      for (const o of this.objects) {
        push(this._byKind, o.kind, o);
      }
    }
    const all = this._byKind.get(kind) ?? [];
    return group === undefined ? [...all] : all.filter((o) => apiGroup(o) === group);
  }

  /**
   * The object of this kind, namespace and name, if it is among the checked objects.
   *
   * @param kind the kind
   * @param name the name
   * @param namespaceName the namespace
   * @default namespaceName - any namespace (for cluster-scoped kinds)
   */
  public find(kind: string, name: string, namespaceName?: string): KubeObject | undefined {
    if (!this._byName) {
      this._byName = new Map();
      for (const o of this.objects) {
        push(this._byName, objectKey('', o.kind, '', nameOf(o)), o);
      }
    }
    return (this._byName.get(objectKey('', kind, '', name)) ?? [])
      .find((o) => namespaceName === undefined || namespaceOf(o) === namespaceName);
  }

  /** Every object that runs pods, with its pod template resolved. */
  public workloads(): Workload[] {
    if (!this._workloads) {
      this._workloads = [];
      this._byObject = new Map();
      this._byNamespace = new Map();
      this._byLabel = new Map();
      for (const object of this.objects) {
        const w = workloadOf(object);
        if (w) {
          this._workloads.push(w);
          this._byObject.set(object, w);
          push(this._byNamespace, w.namespaceName, w);
          for (const [k, v] of Object.entries(w.podLabels)) {
            push(this._byLabel, labelKey(w.namespaceName, k, v), w);
          }
        }
      }
    }
    return this._workloads;
  }

  /** The workload whose object is `object`, if it runs pods. */
  public workloadOf(kubeObject: KubeObject): Workload | undefined {
    this.workloads();
    return this._byObject!.get(kubeObject);
  }

  /** The workloads in `namespace` whose pods the selector matches. An empty selector matches all. */
  public workloadsSelectedBy(namespaceName: string, selector: LabelSelector | undefined): Workload[] {
    return this.candidates(namespaceName, asStringMap(asObject(selector).matchLabels)).filter((w) => selectorMatches(selector, w.podLabels));
  }

  /** The workloads in `namespace` whose pods a Service-style selector (a label map) matches; an empty one matches none. */
  public workloadsSelectedByMap(namespaceName: string, selector: { readonly [key: string]: string }): Workload[] {
    if (Object.keys(selector).length === 0) {
      return [];
    }
    return this.candidates(namespaceName, selector).filter((w) => mapSelectorMatches(selector, w.podLabels));
  }

  /**
   * For every workload, the objects of `kind` whose selector (read by `selectorOf`) matches its
   * pods in its namespace; computed once per key and indexed, so asking for every workload is
   * linear.
   *
   * @param key a name for the memo (one per kind and selector reading)
   * @internal
   */
  public _selectingObjects(key: string, kind: string, selectorOf: (o: KubeObject) => LabelSelector | undefined,
    group?: string): Map<Workload, KubeObject[]> {
    const memo = this._memo.get(key) as Map<Workload, KubeObject[]> | undefined;
    if (memo) {
      return memo;
    }
    const result = new Map<Workload, KubeObject[]>();
    for (const o of this.ofKind(kind, group)) {
      const sel = selectorOf(o);
      if (sel === undefined) {
        continue;
      }
      for (const w of this.workloadsSelectedBy(namespaceOf(o), sel)) {
        push(result, w, o);
      }
    }
    this._memo.set(key, result);
    return result;
  }

  /** The object's labels (empty when none). */
  public labelsOf(kubeObject: KubeObject): { readonly [key: string]: string } {
    return kubeObject.metadata?.labels ?? {};
  }

  /**
   * The HorizontalPodAutoscalers whose `scaleTargetRef` names this object.
   */
  public autoscalersOf(kubeObject: KubeObject): KubeObject[] {
    if (!this._autoscalers) {
      this._autoscalers = new Map();
      for (const hpa of this.ofKind('HorizontalPodAutoscaler')) {
        const ref = asObject(asObject(hpa.spec).scaleTargetRef);
        push(this._autoscalers, objectKey('', String(ref.kind), namespaceOf(hpa), String(ref.name)), hpa);
      }
    }
    return this._autoscalers.get(objectKey('', kubeObject.kind, namespaceOf(kubeObject), nameOf(kubeObject))) ?? [];
  }

  /** The workloads of the namespace that carry every label of `required` (the shortest posting list). */
  private candidates(namespace: string, required: { readonly [key: string]: string }): Workload[] {
    this.workloads();
    let best = this._byNamespace!.get(namespace) ?? [];
    for (const [k, v] of Object.entries(required)) {
      const list = this._byLabel!.get(labelKey(namespace, k, String(v))) ?? [];
      if (list.length < best.length) {
        best = list;
      }
    }
    return best;
  }
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * Resolves the pod template of an object that runs pods.
 *
 * @returns undefined for objects that do not run pods
 */
export function workloadOf(object: KubeObject): Workload | undefined {
  const spec = asObject(object.spec);
  let template: JsonObject | undefined;
  let path: string;
  if (object.kind === 'Pod' && object.apiVersion === 'v1') {
    template = { metadata: object.metadata ?? {}, spec };
    path = 'spec';
  } else if (object.kind === 'CronJob') {
    template = asObject(asObject(asObject(spec.jobTemplate).spec).template);
    path = 'spec.jobTemplate.spec.template.spec';
  } else if (object.kind === 'Rollout' && spec.template === undefined && spec.workloadRef !== undefined) {
    // a Rollout that borrows its pod template from a Deployment: the Deployment is checked itself
    return undefined;
  } else if (TEMPLATE_KINDS.has(object.kind) && isWorkloadApi(object)) {
    template = asObject(spec.template);
    path = 'spec.template.spec';
  } else {
    return undefined;
  }
  const podMetadata = asObject(template.metadata);
  return {
    kubeObject: object,
    podMetadata,
    podSpec: asObject(template.spec),
    podSpecPath: path,
    podLabels: asStringMap(podMetadata.labels),
    namespaceName: namespaceOf(object),
    isLongRunning: !['Pod', 'Job', 'CronJob'].includes(object.kind),
    isReplicated: REPLICATED_KINDS.has(object.kind),
  };
}

function isWorkloadApi(object: KubeObject): boolean {
  if (object.kind === 'Rollout') {
    return apiGroup(object) === 'argoproj.io';
  }
  return ['apps', 'batch', 'extensions', ''].includes(apiGroup(object));
}

/**
 * The containers of a pod spec.
 *
 * @param podSpec the pod spec
 * @param podSpecPath its field path
 * @param lists which container lists to include
 */
export function containersOf(podSpec: JsonObject, podSpecPath: string,
  lists: readonly string[] = ['initContainers', 'containers', 'ephemeralContainers']): ContainerInfo[] {
  const result: ContainerInfo[] = [];
  for (const list of lists) {
    asArray(podSpec[list]).forEach((c, i) => {
      const spec = asObject(c);
      result.push({ spec, name: String(spec.name ?? `#${i}`), list, path: `${podSpecPath}.${list}[${i}]` });
    });
  }
  return result;
}

/**
 * True when the label selector matches the labels. An empty or missing selector matches
 * everything, as in a NetworkPolicy's `podSelector: {}`.
 */
export function selectorMatches(selector: LabelSelector | undefined, labels: { readonly [key: string]: string }): boolean {
  if (!selector) {
    return true;
  }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) {
      return false;
    }
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': if (!has || !values.includes(labels[req.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[req.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** True when a selector has no requirement at all (and so selects everything). */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

/** Matches a Service-style selector (a plain label map) against labels; empty matches nothing. */
export function mapSelectorMatches(selector: { readonly [key: string]: string }, labels: { readonly [key: string]: string }): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The object's API group (`''` for the core group). */
export function apiGroup(object: KubeObject): string {
  const v = String(object.apiVersion ?? '');
  return v.includes('/') ? v.split('/')[0] : '';
}

/** The object's name, or `<unnamed>`. */
export function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '<unnamed>';
}

/** The object's namespace, `default` when unset. */
export function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? 'default';
}

/** The value as an object, or an empty object. */
export function asObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as JsonObject : {};
}

/** The value as an array, or an empty array. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a map of strings (non-string values are stringified). */
export function asStringMap(value: unknown): { [key: string]: string } {
  const result: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(asObject(value))) {
    result[k] = String(v);
  }
  return result;
}
