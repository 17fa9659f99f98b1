import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { _describe, _groupOf, _isClusterScoped, _renderChart, _repoUrlProblem } from './_gitops';
import { ARGOCD_NAMESPACE, ORPHANED_RESOURCES, PLATFORM_OWNED_KINDS } from './argocd-defaults';
import { Environment } from './environment';
import { Environments } from './environments';
import { AppProject, AppProjectProps } from '../../imports/appproject-argoproj.io';
import { propsError, PropErrors } from '../internal/errors';
import { isDns1123Label } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';

/**
 * Where an Argo CD project may deploy: a cluster (by name or API server URL) and a namespace.
 */
export interface ArgoCdDestination {
  /**
   * The cluster's Argo CD name.
   *
   * @default - the cluster is given by `server`
   */
  readonly clusterName?: string;

  /**
   * The cluster's API server URL.
   *
   * @default - the cluster is given by `clusterName`
   */
  readonly server?: string;

  /** The namespace. */
  readonly namespaceName: string;
}

/**
 * Props of an `ArgoCdAppProject`.
 */
export interface ArgoCdAppProjectProps {
  /** The team that owns the project; a DNS-1123 label. */
  readonly team: string;

  /**
   * The project's name, which Applications reference.
   *
   * @default - the team
   */
  readonly projectName?: string;

  /**
   * The config repository the rendered manifests are committed to (`https://...`, `ssh://...` or
   * `git@host:org/repo.git`): the project's only source.
   */
  readonly repoUrl: string;

  /** The team's apps, each in its environments: the project's destinations and allowed kinds are derived from them. */
  readonly apps: Environments[];

  /**
   * The destinations as the platform team wrote them: a cross-check. Each must be the cluster and namespace of one
   * of the apps' environments, and each environment must be listed.
   *
   * @default - derived from the environments
   */
  readonly destinations?: ArgoCdDestination[];

  /**
   * The project's description.
   *
   * @default - "Team <team>: <apps>"
   */
  readonly description?: string;

  /**
   * The namespace Argo CD runs in.
   *
   * @default - the chart's namespace, else `argocd`
   */
  readonly namespaceName?: string;
}

/**
 * An Argo CD `AppProject` for one team, with least privilege:
 *
 * - `sourceRepos`: exactly the config repository;
 * - `destinations`: exactly the cluster and namespace of each environment of the team's apps;
 * - `namespaceResourceWhitelist`: exactly the kinds the environments' charts synthesize (derived when the app is
 *   synthesized), and ResourceQuota and LimitRange blacklisted (the platform owns them);
 * - `clusterResourceWhitelist: []`: no cluster-scoped kind (a cluster-scoped object in an environment chart is an
 *   error: it belongs in the platform's charts);
 * - `orphanedResources.warn`: objects in the namespaces that no Application manages are reported.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [
 *     { tier: EnvironmentTier.STAGING, cluster: { name: 'staging' }, namespaceName: 'web' },
 *     { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' },
 *   ],
 * });
 * const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
 * new ArgoCdAppProject(argocd, 'Storefront', {
 *   team: 'storefront', repoUrl: 'https://git.example.com/storefront/config.git', apps: [web],
 * });
 */
export class ArgoCdAppProject extends Construct {
  /** The project's name. */
  public readonly projectName: string;
  /** The config repository. */
  public readonly repoUrl: string;
  /** The apps. */
  public readonly apps: Environments[];
  /** The destinations, one per environment. */
  public readonly destinations: ArgoCdDestination[];
  /** The namespace of the AppProject. */
  public readonly namespaceName: string;
  /** The AppProject (`argoproj.io/v1alpha1`). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdAppProjectProps) {
    super(scope, _uniqueId(scope, id, 'ArgoCdAppProject'));
    const errors = new PropErrors(this, 'ArgoCdAppProject');
    assertPropTypes(errors, props, 'ArgoCdAppProjectProps');
    this.projectName = props.projectName ?? props.team;
    this.repoUrl = props.repoUrl;
    this.apps = props.apps;
    this.namespaceName = props.namespaceName ?? Chart.of(this).namespace ?? ARGOCD_NAMESPACE;
    errors.checkDnsLabel('team', props.team);
    errors.check(!isDns1123Label(this.projectName) || this.projectName === 'default', props.projectName === undefined ? 'team' : 'projectName', this.projectName,
      this.projectName === 'default' ? 'is Argo CD\'s built-in project, which allows every repository, cluster and kind' : 'is not a DNS-1123 label',
      'name the project after the team');
    errors.checkDnsLabel('namespaceName', this.namespaceName);
    const repo = _repoUrlProblem(props.repoUrl);
    errors.check(repo !== undefined, 'repoUrl', props.repoUrl, repo ?? '', 'give the config repository\'s clone URL, e.g. https://git.example.com/team/config.git');
    errors.check(props.apps.length === 0, 'apps', props.apps, 'is empty', 'give the Environments of at least one app');
    const environments = props.apps.flatMap((a) => a.all);
    const names = new Set<string>();
    props.apps.forEach((a, i) => {
      errors.check(names.has(a.appName), `apps[${i}]`, a.appName, 'is an app already in the project', 'list each app once');
      names.add(a.appName);
    });
    this.destinations = uniqueDestinations(environments.map(ArgoCdAppProject.destinationOf));
    if (props.destinations !== undefined) {
      const key = (d: ArgoCdDestination) => `${d.server ?? ''}\u0000${d.clusterName ?? ''}\u0000${d.namespaceName}`;
      const derived = new Set(this.destinations.map(key));
      props.destinations.forEach((d, i) => {
        errors.check((d.server === undefined) === (d.clusterName === undefined), `destinations[${i}]`, d, 'must give exactly one of \'clusterName\' and \'server\'',
          'address the cluster as the environments do');
        errors.check(!derived.has(key(d)), `destinations[${i}]`, d, 'matches no environment of the project\'s apps',
          `list only environment destinations: ${this.destinations.map((x) => JSON.stringify(x)).join(', ')}`);
      });
      const given = new Set(props.destinations.map(key));
      for (const d of this.destinations) {
        errors.check(!given.has(key(d)), 'destinations', props.destinations, `does not list ${JSON.stringify(d)}, where an environment deploys`,
          'add the destination, or remove the environment');
      }
    }
    errors.throwIfAny();

    const spec = {
      description: props.description ?? `Team ${props.team}: ${props.apps.map((a) => a.appName).join(', ')}`,
      sourceRepos: [this.repoUrl],
      destinations: this.destinations.map((d) => ({ name: d.clusterName, server: d.server, namespace: d.namespaceName })),
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: PLATFORM_OWNED_KINDS.map((k) => ({ ...k })),
      namespaceResourceWhitelist: [],
      orphanedResources: { ...ORPHANED_RESOURCES },
    };
    const derive = () => this.derivedKinds();
    this.resource = new DerivedAppProject(this, 'Resource', {
      metadata: objectMetadata(Profile.of(this), this.projectName, this.namespaceName),
      spec,
    }, derive);
    this.node.addValidation({ validate: () => derive().problems });
  }

  /**
   * The destination of an environment: its cluster (by API server URL when it has one, else by name) and namespace.
   */
  public static destinationOf(environment: Environment): ArgoCdDestination {
    return environment.cluster.server !== undefined
      ? { server: environment.cluster.server, namespaceName: environment.namespaceName }
      : { clusterName: environment.cluster.name, namespaceName: environment.namespaceName };
  }

  /** Whether the project allows an environment as a destination. */
  public allows(environment: Environment): boolean {
    const d = ArgoCdAppProject.destinationOf(environment);
    return this.destinations.some((x) => x.clusterName === d.clusterName && x.server === d.server && x.namespaceName === d.namespaceName);
  }

  /** The kinds the environments synthesize, and what is wrong with them. */
  private derivedKinds(): { kinds: { group: string; kind: string }[]; problems: string[] } {
    const kinds = new Map<string, { group: string; kind: string }>();
    const problems: string[] = [];
    for (const env of this.apps.flatMap((a) => a.all)) {
      for (const obj of _renderChart(env)) {
        const group = _groupOf(String(obj.apiVersion));
        const where = `${_describe(obj)} in environment '${env.environmentName}' of app '${env.appName}'`;
        if (_isClusterScoped(obj, true)) {
          problems.push(`${where} is cluster-scoped, and the project allows no cluster-scoped kind. Fix: create it in the platform's charts, not in an environment`);
        } else if (obj.metadata.namespace !== env.namespaceName) {
          problems.push(`${where} is in namespace '${obj.metadata.namespace}', not the environment's namespace '${env.namespaceName}', which is the project's only destination on cluster '${env.cluster.name}'. Fix: create it without a namespace of its own`);
        } else if (PLATFORM_OWNED_KINDS.some((k) => k.group === group && k.kind === obj.kind)) {
          problems.push(`${where} is a kind the platform owns (${PLATFORM_OWNED_KINDS.map((k) => k.kind).join(', ')}), which the project denies. Fix: create it in the platform's charts (ProductionNamespace does)`);
        } else {
          kinds.set(`${group}/${obj.kind}`, { group, kind: String(obj.kind) });
        }
      }
    }
    const sorted = [...kinds.keys()].sort().map((k) => kinds.get(k)!);
    return { kinds: sorted, problems };
  }
}

/** An AppProject whose namespaceResourceWhitelist is derived from the environments when it is synthesized. */
class DerivedAppProject extends AppProject {
  public constructor(scope: Construct, id: string, props: AppProjectProps,
    private readonly derive: () => { kinds: { group: string; kind: string }[]; problems: string[] }) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    const { kinds, problems } = this.derive();
    if (problems.length > 0) {
      throw propsError(`ArgoCdAppProject '${this.node.scope!.node.path}' cannot be synthesized:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    json.spec.namespaceResourceWhitelist = kinds;
    return json;
  }
}

function uniqueDestinations(all: ArgoCdDestination[]): ArgoCdDestination[] {
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = JSON.stringify(d);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
