import { Chart } from 'cdk8s';
import { _renderChart } from './_gitops';
import { _compareSides, _tokensOf, Side } from './_parity';
import { Environment } from './environment';
import { propsError } from '../internal/errors';

/**
 * A group of fields that may differ between two environments that must otherwise be identical (staging and prod).
 *
 * @see https://12factor.net/dev-prod-parity
 */
export enum ParityKnob {
  /** `spec.replicas` of Deployments, StatefulSets, ReplicaSets and Rollouts. */
  REPLICAS = 'replicas',
  /** `spec.minReplicas` and `spec.maxReplicas` of HorizontalPodAutoscalers. */
  AUTOSCALING_BOUNDS = 'autoscaling-bounds',
  /** Container (and init container) resources, emptyDir size limits, volume claim sizes, quotas and limit ranges. */
  RESOURCES = 'resources',
  /** Hostnames of Ingresses, HTTPRoutes, GRPCRoutes, Gateway listeners and Certificates. */
  HOSTNAMES = 'hostnames',
  /** Names of referenced Secrets (env, volumes, TLS, image pull), external secret keys and sealed secret data. */
  SECRET_REFERENCES = 'secret-references',
  /** Rollout canary pause durations and blue/green auto-promotion delays. */
  PAUSE_DURATIONS = 'pause-durations',
  /** AnalysisTemplate metric `interval` and `initialDelay`. */
  ANALYSIS_TIMING = 'analysis-timing',
  /** The Prometheus address of AnalysisTemplate metrics. */
  PROMETHEUS_ADDRESS = 'prometheus-address',
  /**
   * The pods' `priorityClassName`: the profiles' defaults schedule staging below prod (`platform-default` and
   * `platform-high`, the library's own defaults, see `lib/defaults.ts`).
   */
  PRIORITY_CLASS = 'priority-class',
}

/**
 * What may differ between two environments compared by `EnvironmentParity`.
 */
export interface EnvironmentParityOptions {
  /**
   * The knobs that may differ.
   *
   * @default - every knob of `ParityKnob`
   */
  readonly allow?: ParityKnob[];

  /**
   * More fields that may differ, as `Kind:path` patterns: `Deployment:spec.template.metadata.annotations.*`,
   * `*:**.env[*].value` (`*` any kind or one segment, `**` any number of segments, `[*]` any array index).
   *
   * @default - none
   */
  readonly allowPaths?: string[];
}

/**
 * One difference between two environments outside the allow-list.
 */
export interface ParityDifference {
  /** The object, as `Kind namespace/name` (environment-specific names replaced by a token). */
  readonly objectName: string;
  /** The field, as `spec.template.spec.containers[0].image`; empty when the whole object is missing on one side. */
  readonly path: string;
  /** The value in the first environment, as JSON (`absent` when missing). */
  readonly firstValue: string;
  /** The value in the second environment, as JSON (`absent` when missing). */
  readonly secondValue: string;
}

/**
 * The result of comparing two environments.
 */
export class ParityReport {
  /**
   * @param firstName the first environment's name
   * @param secondName the second environment's name
   * @param differences the differences outside the allow-list, sorted by object and path
   */
  public constructor(
    /** The first environment's name. */
    public readonly firstName: string,
    /** The second environment's name. */
    public readonly secondName: string,
    /** The differences outside the allow-list, sorted by object and path. */
    public readonly differences: ParityDifference[],
  ) {}

  /** True when no field outside the allow-list differs. */
  public get passed(): boolean {
    return this.differences.length === 0;
  }

  /** The differences, one per line: object, field, both values. */
  public toString(): string {
    if (this.passed) {
      return `'${this.firstName}' and '${this.secondName}' differ only in allow-listed fields`;
    }
    const lines = this.differences.map((d) => `  - ${d.objectName}${d.path === '' ? '' : ` ${d.path}`}: ${this.firstName}=${d.firstValue}, ${this.secondName}=${d.secondValue}`);
    return `'${this.firstName}' and '${this.secondName}' differ in ${this.differences.length} field(s) outside the allow-list:\n${lines.join('\n')}`;
  }
}

/**
 * Compares the synthesized output of two environments object by object, field by field, and reports every
 * difference outside an allow-list of knobs (replicas, autoscaling bounds, resources, hostnames, secret
 * references, ...): the proof that staging is a replica of prod.
 *
 * Objects are matched by apiVersion, kind, namespace and name after the environment-specific values are replaced by
 * tokens: the environment's namespace, its profile stamp, and (for charts) names cdk8s derives from construct paths
 * (object names, `cdk8s.io/metadata.addr` selectors), which differ because the charts do.
 *
 * Call it in your own jest suites (`EnvironmentParity.verify(staging, prod)`), or use the matcher
 * `expect(staging).toHaveParityWith(prod)` of `@platform/cdk8s-production/testing`. `Environments` runs it on its
 * staging and prod environments when the app is synthesized.
 *
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [
 *     { tier: EnvironmentTier.STAGING, cluster: { name: 'staging' }, namespaceName: 'web' },
 *     { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' },
 *   ],
 * });
 * EnvironmentParity.verify(web.environment('staging'), web.environment('prod'), { allow: [ParityKnob.REPLICAS] });
 */
export class EnvironmentParity {
  /**
   * Compares two charts (usually two `Environment`s).
   *
   * @param first the first chart (staging)
   * @param second the second chart (prod)
   * @param options what may differ
   */
  public static compare(first: Chart, second: Chart, options: EnvironmentParityOptions = {}): ParityReport {
    for (const [what, c] of [['first', first], ['second', second]] as const) {
      if (!Chart.isChart(c)) {
        throw propsError(`EnvironmentParity.compare: '${what}' is ${c === null ? 'null' : typeof c}, not a cdk8s Chart. Fix: pass two charts (e.g. two Environments)`);
      }
    }
    return compareSides(
      { name: nameOf(first), objects: _renderChart(first), tokens: _tokensOf(first), namespace: first.namespace },
      { name: nameOf(second), objects: _renderChart(second), tokens: _tokensOf(second), namespace: second.namespace },
      options);
  }

  /**
   * Compares two sets of synthesized manifests (read back from `deploy/<env>/<app>/`, say).
   *
   * @param first the first environment's objects
   * @param second the second environment's objects
   * @param options what may differ
   * @param firstNamespace the first environment's namespace, replaced by a token before comparing
   * @param secondNamespace the second environment's namespace
   */
  public static compareManifests(first: any[], second: any[], options: EnvironmentParityOptions = {},
    firstNamespace?: string, secondNamespace?: string): ParityReport {
    return compareSides(
      { name: firstNamespace ?? 'first', objects: first, tokens: new Map(), namespace: firstNamespace },
      { name: secondNamespace ?? 'second', objects: second, tokens: new Map(), namespace: secondNamespace },
      options);
  }

  /**
   * Throws an error listing every difference outside the allow-list (object, field, both values).
   *
   * @param first the first chart (staging)
   * @param second the second chart (prod)
   * @param options what may differ
   */
  public static verify(first: Chart, second: Chart, options: EnvironmentParityOptions = {}): void {
    const report = EnvironmentParity.compare(first, second, options);
    if (!report.passed) {
      throw new Error(report.toString());
    }
  }
}

function compareSides(first: Side, second: Side, options: EnvironmentParityOptions): ParityReport {
  return new ParityReport(first.name, second.name, _compareSides(first, second, options).differences);
}

function nameOf(chart: Chart): string {
  return Environment.isEnvironment(chart) ? chart.environmentName : chart.node.id;
}
