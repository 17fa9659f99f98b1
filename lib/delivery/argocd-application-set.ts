import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { _describe, _groupOf, _isRepoPath, _renderChart } from './_gitops';
import { ArgoCdAppProject } from './argocd-app-project';
import {
  ARGOCD_NAMESPACE, AUTOMATED_SYNC, DEPLOY_ROOT, GATEWAY_API_PLUGIN, GO_TEMPLATE_OPTIONS, REPLICAS_POINTER, RESOURCES_FINALIZER,
  RESPECT_IGNORE_DIFFERENCES, REVISION_HISTORY_LIMIT, ROUTE_WEIGHT_JQ, SCALABLE_KINDS, SERVER_SIDE_APPLY, SYNC_OPTIONS, SYNC_RETRY,
  SYNC_WAVE_ANNOTATION, TARGET_REVISION,
} from './argocd-defaults';
import { EnvironmentTier } from './environment';
import { Environments } from './environments';
import { ApplicationSet, ApplicationSetProps } from '../../imports/applicationset-argoproj.io';
import { propsError, PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';

/**
 * Props of an `ArgoCdApplicationSet`.
 */
export interface ArgoCdApplicationSetProps {
  /** The team's project: every generated Application belongs to it (hard-coded, never templated). */
  readonly project: ArgoCdAppProject;

  /** The app and its environments: one Application per environment. */
  readonly app: Environments;

  /**
   * The branch, tag or commit the Applications follow.
   *
   * @default 'main'
   */
  readonly targetRevision?: string;

  /**
   * The folder of the rendered manifests in the config repo; each Application syncs `<deployRoot>/<env>/<app>`.
   *
   * @default 'deploy'
   */
  readonly deployRoot?: string;

  /**
   * Apply every object server-side (`ServerSideApply=true`). Off by default: server-side apply fights Argo Rollouts
   * over fields it manages (argo-rollouts#3437). Objects too large for client-side apply get it one by one from
   * `ArgoCdSyncWaves.apply`.
   *
   * @default false
   */
  readonly serverSideApply?: boolean;

  /**
   * Keep the objects of every environment when the ApplicationSet or one of its Applications is deleted.
   *
   * @default - true when the app has a prod environment
   */
  readonly preserveResourcesOnDeletion?: boolean;

  /**
   * Require every object of the environments to carry a sync wave (`ArgoCdSyncWaves.apply`).
   *
   * @default true
   */
  readonly requireSyncWaves?: boolean;
}

/**
 * An Argo CD `ApplicationSet` that generates one Application per environment of an app, from a list generator
 * (`goTemplate` with `missingkey=error`), each syncing `deploy/<env>/<app>` of the project's config repo into the
 * environment's cluster and namespace:
 *
 * - automated sync with prune and self heal (never an empty app), retries with exponential backoff (5s..3m, 5 times);
 * - sync options `CreateNamespace=false` (the platform owns namespaces), `PrunePropagationPolicy=foreground`,
 *   `PruneLast=true`, `ApplyOutOfSyncOnly=true`, and `RespectIgnoreDifferences=true` when differences are ignored;
 * - `ignoreDifferences` derived from the synthesized objects: `/spec/replicas` of every Deployment, StatefulSet or
 *   Rollout an HPA scales, and the backend weights of every HTTPRoute (GRPCRoute) a Rollout's Gateway API plugin
 *   shifts during a canary;
 * - prod is preserved: `preserveResourcesOnDeletion`, and only non-prod Applications carry the cascade-delete
 *   finalizer;
 * - every environment must be a destination of the project, and every object must carry a sync wave.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/
 * @example
 * const web = new Environments(app, 'Web', {
 *   appName: 'web',
 *   environments: [
 *     { tier: EnvironmentTier.DEV, cluster: { name: 'nonprod' }, namespaceName: 'web-dev' },
 *     { tier: EnvironmentTier.PROD, cluster: { name: 'prod-eu1' }, namespaceName: 'web' },
 *   ],
 * });
 * for (const env of web.all) {
 *   new ProductionApp(env, 'Web', { name: 'web', image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 *   ArgoCdSyncWaves.apply(env);
 * }
 * const argocd = new Chart(app, 'argocd', { namespace: 'argocd' });
 * const project = new ArgoCdAppProject(argocd, 'Storefront', {
 *   team: 'storefront', repoUrl: 'https://git.example.com/storefront/config.git', apps: [web],
 * });
 * new ArgoCdApplicationSet(argocd, 'Web', { project, app: web });
 */
export class ArgoCdApplicationSet extends Construct {
  /** The ApplicationSet's name (the app's name). */
  public readonly name: string;
  /** The revision the Applications follow. */
  public readonly targetRevision: string;
  /** The folder of the rendered manifests. */
  public readonly deployRoot: string;
  /** Whether the objects survive the deletion of their Application. */
  public readonly preserveResourcesOnDeletion: boolean;
  /** The ApplicationSet (`argoproj.io/v1alpha1`). */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, _uniqueId(scope, id, 'ArgoCdApplicationSet'));
    const errors = new PropErrors(this, 'ArgoCdApplicationSet');
    assertPropTypes(errors, props, 'ArgoCdApplicationSetProps');
    const app = props.app;
    this.name = app.appName;
    this.targetRevision = props.targetRevision ?? TARGET_REVISION;
    this.deployRoot = props.deployRoot ?? DEPLOY_ROOT;
    const hasProd = app.all.some((e) => e.tier === EnvironmentTier.PROD);
    this.preserveResourcesOnDeletion = props.preserveResourcesOnDeletion ?? hasProd;
    const namespaceName = Chart.of(this).namespace ?? ARGOCD_NAMESPACE;
    errors.check(this.targetRevision.trim() === '' || /\s/.test(this.targetRevision), 'targetRevision', this.targetRevision,
      'is empty or holds whitespace', 'give a branch, a tag or a commit SHA');
    errors.check(!_isRepoPath(this.deployRoot), 'deployRoot', this.deployRoot, 'is not a relative path inside the repository',
      'give a folder such as \'deploy\' (no leading \'/\', no \'..\')');
    errors.check(props.preserveResourcesOnDeletion === false && hasProd, 'preserveResourcesOnDeletion', false,
      'would delete the prod objects when the ApplicationSet or the prod Application is deleted', 'leave it unset');
    errors.check(namespaceName !== props.project.namespaceName, 'project', props.project.projectName,
      `is in namespace '${props.project.namespaceName}', not the ApplicationSet's namespace '${namespaceName}'`, 'create both in the Argo CD namespace\'s chart');
    for (const env of app.all) {
      errors.check(!props.project.allows(env), 'app', app.appName,
        `has environment '${env.environmentName}' (${JSON.stringify(ArgoCdAppProject.destinationOf(env))}), which is not a destination of project '${props.project.projectName}'`,
        'list the app in the project\'s \'apps\'');
    }
    errors.throwIfAny();

    const byServer = app.all.every((e) => e.cluster.server !== undefined);
    const elements = app.all.map((e) => ({
      environment: e.environmentName,
      tier: e.tier,
      cluster: byServer ? e.cluster.server : e.cluster.name,
      namespace: e.namespaceName,
    }));
    const templatePatch = this.preserveResourcesOnDeletion
      ? undefined
      : `{{- if ne .tier "${EnvironmentTier.PROD}" }}\nmetadata:\n  finalizers:\n    - ${RESOURCES_FINALIZER}\n{{- end }}\n`;
    const spec: ApplicationSetProps['spec'] = {
      goTemplate: true,
      goTemplateOptions: [...GO_TEMPLATE_OPTIONS],
      generators: [{ list: { elements } }],
      syncPolicy: { preserveResourcesOnDeletion: this.preserveResourcesOnDeletion },
      templatePatch,
      template: {
        metadata: {
          name: `${app.appName}-{{.environment}}`,
          labels: { 'app.kubernetes.io/part-of': app.appName, 'app.kubernetes.io/managed-by': 'cdk8s-production', environment: '{{.environment}}' },
        },
        spec: {
          project: props.project.projectName,
          source: {
            repoUrl: props.project.repoUrl,
            targetRevision: this.targetRevision,
            path: `${this.deployRoot}/{{.environment}}/${app.appName}`,
            directory: { recurse: false },
          },
          destination: byServer ? { server: '{{.cluster}}', namespace: '{{.namespace}}' } : { name: '{{.cluster}}', namespace: '{{.namespace}}' },
          revisionHistoryLimit: REVISION_HISTORY_LIMIT,
          syncPolicy: {
            automated: { ...AUTOMATED_SYNC },
            retry: { limit: SYNC_RETRY.limit, backoff: { ...SYNC_RETRY.backoff } },
            syncOptions: [...SYNC_OPTIONS, ...(props.serverSideApply === true ? [SERVER_SIDE_APPLY] : [])],
          },
        },
      },
    };
    const requireWaves = props.requireSyncWaves ?? true;
    const derive = () => derived(app, requireWaves);
    this.resource = new DerivedApplicationSet(this, 'Resource', {
      metadata: objectMetadata(Profile.of(this), this.name, namespaceName, { 'app.kubernetes.io/part-of': app.appName }),
      spec,
    }, derive);
    this.node.addValidation({ validate: () => derive().problems });
  }
}

/** What the Application must ignore, and what is wrong with the environments' objects. */
interface Derived {
  readonly ignoreDifferences: { group: string; kind: string; name: string; namespace?: string; jsonPointers?: string[]; jqPathExpressions?: string[] }[];
  readonly problems: string[];
}

function derived(app: Environments, requireWaves: boolean): Derived {
  const ignored = new Map<string, Derived['ignoreDifferences'][number]>();
  const problems: string[] = [];
  for (const env of app.all) {
    const objects = _renderChart(env);
    const unordered = requireWaves ? objects.filter((o) => o.metadata?.annotations?.[SYNC_WAVE_ANNOTATION] === undefined).map(_describe) : [];
    if (unordered.length > 0) {
      const shown = unordered.slice(0, 3).join(', ') + (unordered.length > 3 ? ` and ${unordered.length - 3} more` : '');
      problems.push(`environment '${env.environmentName}' has ${unordered.length} object(s) without a '${SYNC_WAVE_ANNOTATION}' annotation (${shown}). Fix: call ArgoCdSyncWaves.apply(environment) after adding the last construct, or set requireSyncWaves: false`);
    }
    for (const obj of objects) {
      if (obj.kind === 'HorizontalPodAutoscaler') {
        const target = obj.spec?.scaleTargetRef ?? {};
        const group = _groupOf(String(target.apiVersion ?? ''));
        if (SCALABLE_KINDS.includes(`${group}/${target.kind}`)) {
          const entry = { group, kind: String(target.kind), name: String(target.name), jsonPointers: [REPLICAS_POINTER] };
          ignored.set(JSON.stringify(entry), entry);
        }
      }
      if (obj.kind === 'Rollout' && _groupOf(String(obj.apiVersion)) === 'argoproj.io') {
        for (const route of pluginRoutes(obj)) {
          ignored.set(JSON.stringify(route), route);
        }
      }
    }
  }
  const ignoreDifferences = [...ignored.keys()].sort().map((k) => ignored.get(k)!);
  return { ignoreDifferences, problems };
}

/** The routes whose weights a Rollout's Gateway API plugin rewrites. */
function pluginRoutes(rollout: any): Derived['ignoreDifferences'] {
  const plugin = rollout.spec?.strategy?.canary?.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN];
  if (plugin === undefined || plugin === null) {
    return [];
  }
  const out: Derived['ignoreDifferences'] = [];
  const add = (kind: string, name: unknown, namespace: unknown) => {
    if (typeof name === 'string' && name !== '') {
      out.push({
        group: 'gateway.networking.k8s.io', kind, name,
        ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
        jqPathExpressions: [ROUTE_WEIGHT_JQ],
      });
    }
  };
  add('HTTPRoute', plugin.httpRoute, plugin.namespace);
  add('GRPCRoute', plugin.grpcRoute, plugin.namespace);
  for (const r of Array.isArray(plugin.httpRoutes) ? plugin.httpRoutes : []) add('HTTPRoute', r?.name, plugin.namespace);
  for (const r of Array.isArray(plugin.grpcRoutes) ? plugin.grpcRoutes : []) add('GRPCRoute', r?.name, plugin.namespace);
  return out;
}

/** An ApplicationSet whose ignoreDifferences are derived from the environments when it is synthesized. */
class DerivedApplicationSet extends ApplicationSet {
  public constructor(scope: Construct, id: string, props: ApplicationSetProps, private readonly derive: () => Derived) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    const { ignoreDifferences, problems } = this.derive();
    if (problems.length > 0) {
      throw propsError(`ArgoCdApplicationSet '${this.node.scope!.node.path}' cannot be synthesized:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    if (ignoreDifferences.length > 0) {
      const spec = json.spec.template.spec;
      spec.ignoreDifferences = ignoreDifferences;
      spec.syncPolicy.syncOptions = [...spec.syncPolicy.syncOptions, RESPECT_IGNORE_DIFFERENCES];
      // the keys in cdk8s's order (sorted), as if the field had been there from the start
      json.spec.template.spec = Object.fromEntries(Object.keys(spec).sort().map((k) => [k, spec[k]]));
    }
    return json;
  }
}
