import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { _groupOf, _isRepoPath, _renderChart, _repoUrlProblem } from './_gitops';
import { DEPLOY_ROOT } from './argocd-defaults';
import { Environment } from './environment';
import {
  CANARY_TIMEOUT_MARGIN, FLUX_NAMESPACE, HEALTH_CHECKED_KINDS, HEALTH_TIMEOUT, RECONCILE_INTERVAL, RETRY_INTERVAL, ROLLOUT_HEALTH,
  SOURCE_BRANCH, SOURCE_INTERVAL,
} from './flux-defaults';
import { GitRepository } from '../../imports/gitrepository-source.toolkit.fluxcd.io';
import { Kustomization, KustomizationProps, KustomizationSpecSourceRefKind } from '../../imports/kustomization-kustomize.toolkit.fluxcd.io';
import { goDurationInLargestUnit } from '../internal/durations';
import { propsError, PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';

/**
 * Props of a `FluxEnvironmentSync`.
 */
export interface FluxEnvironmentSyncProps {
  /** The environment whose rendered manifests Flux applies. */
  readonly environment: Environment;

  /** The config repository (`https://...`, `ssh://...` or `git@host:org/repo.git`). */
  readonly repoUrl: string;

  /**
   * The name of the platform's Kustomization (CRDs and controllers: Argo Rollouts, the Gateway API, ...), which must
   * be ready before the app is applied.
   */
  readonly platformKustomizationName: string;

  /**
   * The namespace of the platform's Kustomization.
   *
   * @default - the namespace of this Kustomization
   */
  readonly platformKustomizationNamespace?: string;

  /**
   * The branch the GitRepository follows.
   *
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The Secret with a read-only token or deploy key for the repository.
   *
   * @default - no credentials (a public repository)
   */
  readonly secretRefName?: string;

  /**
   * The folder of the rendered manifests in the config repo; Flux applies `<deployRoot>/<env>/<app>`.
   *
   * @default 'deploy'
   */
  readonly deployRoot?: string;

  /**
   * How often the Kustomization corrects drift.
   *
   * @default Duration.minutes(60)
   */
  readonly interval?: Duration;

  /**
   * How soon a failed reconciliation is retried.
   *
   * @default Duration.minutes(2)
   */
  readonly retryInterval?: Duration;

  /**
   * How often the GitRepository checks for new commits.
   *
   * @default Duration.minutes(1)
   */
  readonly sourceInterval?: Duration;

  /**
   * How long the health checks may take; with Rollouts, at least the longest canary's pauses.
   *
   * @default - 5 minutes, or the longest canary's pauses plus 10 minutes when a Rollout has a canary
   */
  readonly timeout?: Duration;

  /**
   * The namespace of the GitRepository and the Kustomization (where Flux runs).
   *
   * @default - the chart's namespace, else `flux-system`
   */
  readonly namespaceName?: string;
}

/**
 * Flux as the GitOps target of one environment: a `GitRepository` on the config repo (only the environment's folder
 * is fetched) and a `Kustomization` that applies `./deploy/<env>/<app>` with prune, after the platform's
 * Kustomization is ready (`dependsOn`), and health-checks every workload it applies: Deployments, StatefulSets,
 * DaemonSets and Argo Rollouts (with a CEL health expression for Rollouts, whose status kstatus cannot read).
 *
 * Create it in the chart that is applied to the environment's cluster (Flux's own namespace).
 *
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [{ tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' }],
 * });
 * const flux = new Chart(app, 'flux-prod', { namespace: 'flux-system' });
 * new FluxEnvironmentSync(flux, 'Web', {
 *   environment: web.environment('prod'),
 *   repoUrl: 'https://git.example.com/storefront/config.git',
 *   platformKustomizationName: 'platform',
 * });
 */
export class FluxEnvironmentSync extends Construct {
  /** The name of the GitRepository and the Kustomization: `<app>-<env>`. */
  public readonly name: string;
  /** The path Flux applies. */
  public readonly path: string;
  /** The GitRepository (`source.toolkit.fluxcd.io/v1`). */
  public readonly gitRepository: ApiObject;
  /** The Kustomization (`kustomize.toolkit.fluxcd.io/v1`). */
  public readonly kustomization: ApiObject;

  public constructor(scope: Construct, id: string, props: FluxEnvironmentSyncProps) {
    super(scope, _uniqueId(scope, id, 'FluxEnvironmentSync'));
    const errors = new PropErrors(this, 'FluxEnvironmentSync');
    assertPropTypes(errors, props, 'FluxEnvironmentSyncProps');
    const env = props.environment;
    errors.check(!Environment.isEnvironment(env), 'environment', env, 'is not an Environment', 'pass one of Environments.all');
    errors.throwIfAny();
    this.name = `${env.appName}-${env.environmentName}`;
    const deployRoot = props.deployRoot ?? DEPLOY_ROOT;
    this.path = `./${deployRoot}/${env.environmentName}/${env.appName}`;
    const namespaceName = props.namespaceName ?? Chart.of(this).namespace ?? FLUX_NAMESPACE;
    const repo = _repoUrlProblem(props.repoUrl);
    errors.check(repo !== undefined, 'repoUrl', props.repoUrl, repo ?? '', 'give the config repository\'s clone URL, e.g. https://git.example.com/team/config.git');
    errors.check(!_isRepoPath(deployRoot), 'deployRoot', deployRoot, 'is not a relative path inside the repository', 'give a folder such as \'deploy\'');
    errors.check(this.name.length > 63, 'environment', env.environmentName, `makes the name '${this.name}' longer than 63 characters`, 'use a shorter app or environment name');
    errors.checkDnsLabel('platformKustomizationName', props.platformKustomizationName);
    errors.checkDnsLabel('platformKustomizationNamespace', props.platformKustomizationNamespace);
    errors.checkDnsLabel('secretRefName', props.secretRefName);
    errors.checkDnsLabel('namespaceName', namespaceName);
    errors.check(props.platformKustomizationName === this.name && (props.platformKustomizationNamespace ?? namespaceName) === namespaceName,
      'platformKustomizationName', props.platformKustomizationName, 'is this Kustomization itself', 'name the platform\'s Kustomization');
    const branch = props.branch ?? SOURCE_BRANCH;
    errors.check(branch.trim() === '' || /\s/.test(branch), 'branch', branch, 'is empty or holds whitespace', 'give a branch name');
    const interval = props.interval ?? RECONCILE_INTERVAL;
    const retryInterval = props.retryInterval ?? RETRY_INTERVAL;
    const sourceInterval = props.sourceInterval ?? SOURCE_INTERVAL;
    for (const [prop, d] of [['interval', interval], ['retryInterval', retryInterval], ['sourceInterval', sourceInterval], ['timeout', props.timeout]] as const) {
      errors.check(d !== undefined && d.toSeconds() < 1, prop, d === undefined ? undefined : `${d.toSeconds()}s`, 'is shorter than one second', 'give a Duration of at least a second');
    }
    errors.throwIfAny();

    const profile = Profile.of(this);
    const labels = { 'app.kubernetes.io/part-of': env.appName };
    this.gitRepository = new GitRepository(this, 'Source', {
      metadata: objectMetadata(profile, this.name, namespaceName, labels),
      spec: {
        url: props.repoUrl,
        interval: goDurationInLargestUnit(sourceInterval),
        ref: { branch },
        secretRef: props.secretRefName === undefined ? undefined : { name: props.secretRefName },
        ignore: `/*\n!/${deployRoot}/${env.environmentName}/${env.appName}/\n`,
      },
    });
    const derive = () => derivedHealth(env, props.timeout);
    this.kustomization = new DerivedKustomization(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, namespaceName, labels),
      spec: {
        path: this.path,
        prune: true,
        interval: goDurationInLargestUnit(interval),
        retryInterval: goDurationInLargestUnit(retryInterval),
        timeout: goDurationInLargestUnit(HEALTH_TIMEOUT),
        wait: false,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: this.name },
        dependsOn: [{ name: props.platformKustomizationName, namespace: props.platformKustomizationNamespace }],
      },
    }, derive);
    this.node.addValidation({ validate: () => derive().problems });
  }
}

interface DerivedHealth {
  readonly healthChecks: { apiVersion: string; kind: string; name: string; namespace: string }[];
  readonly hasRollouts: boolean;
  readonly timeout: Duration;
  readonly problems: string[];
}

function derivedHealth(env: Environment, timeout: Duration | undefined): DerivedHealth {
  const healthChecks: DerivedHealth['healthChecks'] = [];
  let longestCanary = 0;
  let hasRollouts = false;
  for (const obj of _renderChart(env)) {
    if (HEALTH_CHECKED_KINDS.includes(`${_groupOf(String(obj.apiVersion))}/${obj.kind}`)) {
      healthChecks.push({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace });
    }
    if (obj.kind === 'Rollout') {
      hasRollouts = true;
      const steps: any[] = obj.spec?.strategy?.canary?.steps ?? [];
      longestCanary = Math.max(longestCanary, steps.reduce((sum, s) => sum + seconds(s?.pause?.duration), 0));
    }
  }
  const needed = longestCanary > 0 ? Duration.seconds(longestCanary + CANARY_TIMEOUT_MARGIN.toSeconds()) : HEALTH_TIMEOUT;
  const problems: string[] = [];
  if (timeout !== undefined && longestCanary > 0 && timeout.toSeconds() < longestCanary) {
    problems.push(`'timeout' (${timeout.toSeconds()}s) is shorter than the pauses of a canary in environment '${env.environmentName}' (${longestCanary}s), so every rollout would fail its health check. Fix: leave 'timeout' unset, or give at least ${needed.toSeconds()}s`);
  }
  healthChecks.sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
  return { healthChecks, hasRollouts, timeout: timeout ?? needed, problems };
}

/** Seconds of a Rollout pause duration (`30`, `"30s"`, `"5m"`, `"1h"`); 0 for an indefinite or unreadable one. */
function seconds(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  const m = typeof value === 'string' ? /^(\d+)(s|m|h)?$/.exec(value) : null;
  if (!m) {
    return 0;
  }
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as { [u: string]: number })[m[2] ?? 's'];
}

/** A Kustomization whose health checks and timeout are derived from the environment when it is synthesized. */
class DerivedKustomization extends Kustomization {
  public constructor(scope: Construct, id: string, props: KustomizationProps, private readonly derive: () => DerivedHealth) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    const { healthChecks, hasRollouts, timeout, problems } = this.derive();
    if (problems.length > 0) {
      throw propsError(`FluxEnvironmentSync '${this.node.scope!.node.path}' cannot be synthesized:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    json.spec.timeout = goDurationInLargestUnit(timeout);
    if (healthChecks.length > 0) {
      json.spec.healthChecks = healthChecks;
    }
    if (hasRollouts) {
      json.spec.healthCheckExprs = [{ ...ROLLOUT_HEALTH }];
    }
    return json;
  }
}

