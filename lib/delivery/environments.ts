import { Construct } from 'constructs';
import { Environment, EnvironmentOptions, EnvironmentTier } from './environment';
import { DEDICATED_TIERS } from './environment-defaults';
import { _checkParityOptions } from './_parity';
import { EnvironmentParity, EnvironmentParityOptions } from './environment-parity';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';

/**
 * Props of `Environments`.
 */
export interface EnvironmentsProps {
  /** The app's name: names its folders (`deploy/<env>/<app>`) and its Argo CD Applications; a DNS-1123 label. */
  readonly appName: string;

  /** The environments, e.g. dev and test on a shared non-production cluster, staging, prod on its own cluster. */
  readonly environments: EnvironmentOptions[];

  /**
   * What may differ between staging and prod. Every staging environment is compared with every prod environment
   * when the app is synthesized, and a difference outside the allow-list fails synthesis.
   *
   * @default - every `ParityKnob` may differ, nothing else
   */
  readonly parity?: EnvironmentParityOptions;
}

/**
 * The environments of one app: one `Environment` chart per environment, created next to this construct with the id
 * `<appName>-<environment>`, plus the checks that make the set safe:
 *
 * - environment names are unique, and no two environments deploy to the same namespace of the same cluster;
 * - prod runs on dedicated clusters: a cluster (by name or API server URL) of a prod environment is used by no
 *   environment of another tier; dev and test may share a non-production cluster;
 * - a cluster name always has the same API server URL, and either every cluster has a URL or none has;
 * - staging is a replica of prod: when the app is synthesized, each staging environment's objects are compared with
 *   each prod environment's (`EnvironmentParity`), and any difference outside `parity`'s allow-list is an error.
 *
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [
 *     { tier: EnvironmentTier.DEV, cluster: { name: 'nonprod' }, namespaceName: 'web-dev' },
 *     { tier: EnvironmentTier.STAGING, cluster: { name: 'staging' }, namespaceName: 'web' },
 *     { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' },
 *   ],
 * });
 * for (const env of web.all) {
 *   new ProductionApp(env, 'Web', { name: 'web', image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 * }
 */
export class Environments extends Construct {
  /** The app's name. */
  public readonly appName: string;
  /** The environment charts, in the order given. */
  public readonly all: Environment[];
  /** What may differ between staging and prod. */
  public readonly parity: EnvironmentParityOptions;

  public constructor(scope: Construct, id: string, props: EnvironmentsProps) {
    super(scope, _uniqueId(scope, id, 'Environments'));
    const errors = new PropErrors(this, 'Environments');
    assertPropTypes(errors, props, 'EnvironmentsProps');
    this.appName = props.appName;
    this.parity = props.parity ?? {};
    const options = props.environments;
    errors.check(options.length === 0, 'environments', options, 'is empty', 'give at least one environment');
    errors.checkDnsLabel('appName', props.appName);
    options.forEach((o, i) => {
      for (const p of Environment._problems({ ...o, appName: props.appName }).filter((x) => x.prop !== 'appName')) {
        errors.add(`environments[${i}].${p.prop}`, p.value, p.problem, p.fix);
      }
    });
    checkSet(errors, options);
    for (const p of _checkParityOptions(this.parity)) {
      errors.add('parity', this.parity, p, 'use ParityKnob values in \'allow\' and \'Kind:path\' patterns in \'allowPaths\'');
    }
    errors.throwIfAny();

    this.all = options.map((o) => new Environment(scope, `${props.appName}-${o.name ?? o.tier}`, { ...o, appName: props.appName }));
    this.node.addValidation({ validate: () => this.parityProblems() });
  }

  /**
   * The environment with this name.
   *
   * @throws if there is none
   */
  public environment(name: string): Environment {
    const found = this.all.find((e) => e.environmentName === name);
    if (found === undefined) {
      throw new Error(`Environments '${this.node.path}': no environment is named '${name}'; the environments are ${this.all.map((e) => `'${e.environmentName}'`).join(', ')}`);
    }
    return found;
  }

  /** The environments of one tier, in the order given. */
  public ofTier(tier: EnvironmentTier): Environment[] {
    return this.all.filter((e) => e.tier === tier);
  }

  /** Each staging environment compared with each prod environment: the differences outside the allow-list. */
  private parityProblems(): string[] {
    const out: string[] = [];
    for (const staging of this.ofTier(EnvironmentTier.STAGING)) {
      for (const prod of this.ofTier(EnvironmentTier.PROD)) {
        const report = EnvironmentParity.compare(staging, prod, this.parity);
        if (!report.passed) {
          out.push(`staging must be a replica of prod: ${report.toString()}\n  Fix: make the two environments equal, or allow the knob in 'parity' (allow: ParityKnob..., allowPaths: 'Kind:path')`);
        }
      }
    }
    return out;
  }
}

/** The checks across environments. */
function checkSet(errors: PropErrors, options: readonly EnvironmentOptions[]): void {
  const nameOf = (o: EnvironmentOptions) => o.name ?? o.tier;
  const seen = new Map<string, number>();
  options.forEach((o, i) => {
    const first = seen.get(nameOf(o));
    if (first !== undefined) {
      errors.add(`environments[${i}].name`, nameOf(o), `is also the name of environments[${first}]`,
        `give each environment its own 'name' (e.g. 'prod-eu1' and 'prod-us1')`);
    } else {
      seen.set(nameOf(o), i);
    }
  });
  // the same namespace of the same cluster
  const targets = new Map<string, number>();
  options.forEach((o, i) => {
    const key = `${clusterKey(o, options)}\u0000${o.namespaceName}`;
    const first = targets.get(key);
    if (first !== undefined) {
      errors.add(`environments[${i}].namespaceName`, o.namespaceName, `is also the namespace of environments[${first}] on the same cluster '${o.cluster.name}'`,
        'give environments that share a cluster their own namespaces (e.g. web-dev and web-test)');
    } else {
      targets.set(key, i);
    }
  });
  // one URL per cluster name
  const servers = new Map<string, string | undefined>();
  options.forEach((o, i) => {
    if (!servers.has(o.cluster.name)) {
      servers.set(o.cluster.name, o.cluster.server);
    } else if (servers.get(o.cluster.name) !== o.cluster.server) {
      errors.add(`environments[${i}].cluster.server`, o.cluster.server, `differs from the server of another environment on cluster '${o.cluster.name}' (${JSON.stringify(servers.get(o.cluster.name)) ?? 'not set'})`,
        'give one cluster name one API server URL');
    }
  });
  const withServer = options.filter((o) => o.cluster.server !== undefined).length;
  if (withServer > 0 && withServer < options.length) {
    const i = options.findIndex((o) => o.cluster.server === undefined);
    errors.add(`environments[${i}].cluster.server`, undefined, 'is not set while other environments address their cluster by URL',
      'give every cluster its API server URL, or none (Argo CD destinations use one field for all environments)');
  }
  // prod is dedicated
  options.forEach((o, i) => {
    if (!DEDICATED_TIERS.includes(o.tier)) {
      return;
    }
    const key = clusterKey(o, options);
    options.forEach((other, j) => {
      if (j !== i && other.tier !== o.tier && clusterKey(other, options) === key) {
        errors.add(`environments[${j}].cluster`, other.cluster, `is the cluster of the ${o.tier} environment '${nameOf(o)}' (environments[${i}]), and ${o.tier} clusters are dedicated`,
          `run the ${other.tier} environment '${nameOf(other)}' on a non-production cluster`);
      }
    });
  });
}

/** Clusters are the same when they share a name or an API server URL: the key is the first such name. */
function clusterKey(o: EnvironmentOptions, all: readonly EnvironmentOptions[]): string {
  const same = all.find((x) => x.cluster.name === o.cluster.name || (o.cluster.server !== undefined && x.cluster.server === o.cluster.server));
  return same?.cluster.name ?? o.cluster.name;
}
