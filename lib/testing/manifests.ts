import { ApiObject, Chart } from 'cdk8s';
import { KubeObject, LocatedObject } from '../rules';

/**
 * What the matchers and `manifestsOf` accept: a cdk8s Chart, or synthesized manifests (e.g.
 * the result of `Testing.synth(chart)`).
 */
export type ManifestsInput = Chart | readonly KubeObject[];

/**
 * The objects of a chart, each with the path of the construct that produced it, or the
 * manifests as given.
 *
 * @throws if the input is neither a Chart nor an array of Kubernetes objects
 */
export function manifestsOf(input: unknown): LocatedObject[] {
  if (Chart.isChart(input)) {
    const objects = input.toJson() as KubeObject[];
    const paths = new Map<string, string>();
    for (const c of input.node.findAll()) {
      if (ApiObject.isApiObject(c)) {
        paths.set(keyOf(c.kind, c.metadata.namespace, c.name), c.node.path);
      }
    }
    return objects.map((o) => ({ kubeObject: o, constructPath: paths.get(keyOf(o.kind, o.metadata?.namespace, o.metadata?.name)) }));
  }
  // objects the pack cannot judge (no kind, no name) are its findings (manifest-input), not a refusal here
  if (Array.isArray(input) && input.every((o) => o !== null && typeof o === 'object' && !Array.isArray(o))) {
    return input.map((o: KubeObject) => ({ kubeObject: o }));
  }
  throw new Error(`Expected a cdk8s Chart or an array of Kubernetes objects (e.g. Testing.synth(chart)), got ${describe(input)}`);
}

function keyOf(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name ?? ''}`;
}

function describe(x: unknown): string {
  if (Array.isArray(x)) {
    return 'an array with an element that is not an object';
  }
  return x === null ? 'null' : typeof x === 'object' ? `an object (${(x as object).constructor?.name ?? 'Object'})` : typeof x;
}
