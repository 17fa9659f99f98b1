import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { TIER_PROFILES } from './environment-defaults';
import { PropErrors } from '../internal/errors';
import { isDns1123Label } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId, CLUSTER_CONTEXT_KEY } from '../internal/scope';
import { Profile } from '../profile';

/**
 * The tier of an environment: what it is for, which profile it runs under and which cluster it may share.
 */
export enum EnvironmentTier {
  /** Developers' environment: the dev profile, may share a non-production cluster with test. */
  DEV = 'dev',
  /** Test environment: the dev profile, may share a non-production cluster with dev. */
  TEST = 'test',
  /** A replica of prod: the staging profile; only allow-listed knobs may differ from prod. */
  STAGING = 'staging',
  /** Production: the prod profile, on dedicated clusters that no other tier uses. */
  PROD = 'prod',
}

/**
 * The cluster an environment deploys to, as Argo CD knows it.
 */
export interface EnvironmentCluster {
  /**
   * The cluster's name (Argo CD's cluster name, `destination.name`): a DNS-1123 label.
   */
  readonly name: string;

  /**
   * The API server URL (`https://...`). When every cluster of a set of environments has one, Argo CD destinations
   * address clusters by `server`; otherwise by `name`.
   *
   * @default - the cluster is addressed by its name
   */
  readonly server?: string;
}

/**
 * One environment of an app: its tier, its cluster and its namespace.
 */
export interface EnvironmentOptions {
  /** The tier. */
  readonly tier: EnvironmentTier;

  /**
   * The environment's name, which names its folder (`deploy/<name>/<app>`) and its Argo CD Application; a DNS-1123
   * label. Give one when a tier has several environments (`prod-eu1`, `prod-us1`).
   *
   * @default - the tier (`dev`, `test`, `staging` or `prod`)
   */
  readonly name?: string;

  /** The cluster the environment deploys to. */
  readonly cluster: EnvironmentCluster;

  /** The namespace of the app's objects in that cluster (the platform creates it); a DNS-1123 label. */
  readonly namespaceName: string;
}

/**
 * Props of an `Environment`.
 */
export interface EnvironmentProps extends EnvironmentOptions {
  /** The app the environment runs (names its folder `deploy/<env>/<app>` and its Argo CD Application); a DNS-1123 label. */
  readonly appName: string;
}

/**
 * One environment of one app: a chart whose objects land in the environment's namespace, under the profile of its
 * tier (`Profile.DEV` for dev and test, `Profile.STAGING`, `Profile.PROD`).
 *
 * Usually created by `Environments`, which checks the set (names, dedicated prod clusters, staging parity).
 *
 * @example
 * const prod = new Environment(app, 'web-prod', {
 *   appName: 'web', tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web',
 * });
 * new ProductionApp(prod, 'Web', { name: 'web', image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 */
export class Environment extends Chart {
  /** Whether `x` is an Environment (of any copy of the library). */
  public static isEnvironment(x: unknown): x is Environment {
    return x !== null && typeof x === 'object' && ENVIRONMENT_SYMBOL in x;
  }

  /**
   * Implements `instanceof Environment` with `isEnvironment` (cdk8s's `Chart` answers `instanceof` for every chart).
   *
   * @internal
   */
  public static [Symbol.hasInstance](x: unknown): x is Environment {
    return Environment.isEnvironment(x);
  }

  /** The tier. */
  public readonly tier: EnvironmentTier;
  /** The environment's name. */
  public readonly environmentName: string;
  /** The app's name. */
  public readonly appName: string;
  /** The cluster. */
  public readonly cluster: EnvironmentCluster;
  /** The namespace of the app's objects. */
  public readonly namespaceName: string;
  /** The profile the environment's objects are built under. */
  public readonly profile: Profile;

  public constructor(scope: Construct, id: string, props: EnvironmentProps) {
    super(scope, _uniqueId(scope, id, 'Environment'), { namespace: typeof props?.namespaceName === 'string' ? props.namespaceName : undefined });
    Object.defineProperty(this, ENVIRONMENT_SYMBOL, { value: true });
    const errors = new PropErrors(this, 'Environment');
    assertPropTypes(errors, props, 'EnvironmentProps');
    this.tier = props.tier;
    this.environmentName = props.name ?? props.tier;
    this.appName = props.appName;
    this.cluster = props.cluster;
    this.namespaceName = props.namespaceName;
    for (const p of Environment._problems(props)) {
      errors.add(p.prop, p.value, p.problem, p.fix);
    }
    errors.throwIfAny();
    this.profile = Profile.named(TIER_PROFILES[this.tier]);
    Profile.use(this, this.profile);
    this.node.setContext(CLUSTER_CONTEXT_KEY, this.cluster.name);
  }

  /** True for the prod tier. */
  public get isProd(): boolean {
    return this.tier === EnvironmentTier.PROD;
  }

  /**
   * The problems of one environment's props (shared with `Environments`, which reports them under its own path).
   *
   * @internal
   */
  public static _problems(props: EnvironmentProps): { prop: string; value: unknown; problem: string; fix: string }[] {
    const out: { prop: string; value: unknown; problem: string; fix: string }[] = [];
    const label = (prop: string, value: string | undefined) => {
      if (value !== undefined && !isDns1123Label(value)) {
        out.push({ prop, value, problem: 'is not a DNS-1123 label', fix: 'use lowercase letters, digits and \'-\', at most 63 characters' });
      }
    };
    label('appName', props.appName);
    label('name', props.name);
    label('namespaceName', props.namespaceName);
    label('cluster.name', props.cluster?.name);
    if (props.cluster?.server !== undefined && !isServerUrl(props.cluster.server)) {
      out.push({ prop: 'cluster.server', value: props.cluster.server, problem: 'is not an https:// API server URL',
        fix: 'give the API server URL as Argo CD lists it, e.g. https://prod-eu1.k8s.example.com or https://kubernetes.default.svc' });
    }
    return out;
  }
}

const ENVIRONMENT_SYMBOL = Symbol.for('@platform/cdk8s-production.Environment');

function isServerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}
