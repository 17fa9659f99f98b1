import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Helm, Include, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  budgetsOf, ChartWorkloadInfo, chartWorkloads, documentProblems, isClusterScoped, manifestFiles, mountsToken, PlainObject,
  servicesOf, targetPortOf,
} from './_chart';
import {
  HELM_CONTAINER_SECURITY_CONTEXT, HELM_DISRUPTION_BUDGET_KINDS, HELM_METRICS_PORT_NAMES, HELM_MINIMUM_ID, HELM_NAME_CLASH_SUFFIX,
  HELM_POD_SECURITY_CONTEXT, HELM_WRITABLE_PATHS,
} from './defaults';
import { HelmChartWorkload } from './helm-chart-workload';
import { EXEMPTION_CHECKS, PDB_UNHEALTHY_POD_EVICTION_POLICY } from '../../defaults';
import { _registerAppChecks } from '../../internal/app-checks';
import { PropErrors } from '../../internal/errors';
import { editDistance, isDns1123Label, isInt32, isLabelValue, isQualifiedName, parseImage } from '../../internal/names';
import { assertPropTypes } from '../../internal/prop-types';
import { _namespaceOf, API_SERVER_CONTEXT_KEY, _uniqueId } from '../../internal/scope';
import { METRICS_PATH, SCRAPE_INTERVAL } from '../../observability/defaults';
import type { ObservabilityStack } from '../../observability/observability-stack';
import { Profile } from '../../profile';
import { Report } from '../../rules';
import { checkManifests, DEFAULT_RULES } from '../../rules/engine';
import { EXEMPT_PREFIX, PROFILE_ANNOTATION } from '../../rules/exemptions';
import { asArray, asObject } from '../../rules/context';
import { Warnings } from '../../warnings';
import { exemptionAnnotations, objectMetadata } from '../../workload/_metadata';
import type { AppDisruptionBudgetOptions } from '../../app/hardened-deployment';
import type { AppPort } from '../../workload/hardened-pod';

/**
 * How a `ProductionHelmRelease` reports the rule pack's findings on the chart and its additions.
 */
export enum HelmReleaseValidation {
  /**
   * Findings of severity error fail the synthesis in staging and prod (every finding listed with its fix); in dev,
   * and for findings of severity warning, they are printed as warnings.
   */
  ENFORCE = 'enforce',
  /** Every finding is printed as a warning; nothing fails. */
  WARN = 'warn',
  /** The release does not run the rule pack (the validation plugin or `cdk8s-production-check` still may). */
  OFF = 'off',
}

/**
 * How to render a chart with the `helm` command (`helm template`), through the cdk8s `Helm` construct.
 *
 * @see https://helm.sh/docs/helm/helm_template/
 */
export interface HelmTemplateOptions {
  /** The chart: a local directory (`./charts/webshop`), `repo/name`, or an OCI reference. */
  readonly chart: string;
  /**
   * The chart repository URL (`--repo`).
   *
   * @default - none; the chart is local or from a configured repository
   */
  readonly repo?: string;
  /**
   * The chart version (`--version`). Pin it: an unpinned chart renders something else tomorrow.
   *
   * @default - the latest version (an error in staging and prod)
   */
  readonly version?: string;
  /**
   * The release name (the first argument of `helm template`).
   *
   * @default - derived from the construct path, as the cdk8s `Helm` construct does
   */
  readonly releaseName?: string;
  /**
   * Values passed to the chart (written to a values file, `-f`).
   *
   * @default - the chart's defaults
   */
  readonly values?: { [key: string]: any };
  /**
   * The `helm` executable: a command on the PATH or a path.
   *
   * @default 'helm'
   */
  readonly helmExecutable?: string;
  /**
   * More flags for `helm template`.
   *
   * @default - none
   */
  readonly helmFlags?: string[];
}

/**
 * What the release does for one workload of the chart, keyed in `workloads` by the workload's name (or
 * `Kind/name` when two workloads of different kinds share a name).
 */
export interface HelmWorkloadOptions {
  /**
   * Whether the release adds its objects (NetworkPolicy, PodDisruptionBudget, monitor) around the workload. `false`
   * leaves the workload as the chart wrote it; the rule pack still judges it.
   *
   * @default true
   */
  readonly additions?: boolean;
  /**
   * The PodDisruptionBudget added when the chart has none selecting the pods. Give at most one field.
   *
   * @default { maxUnavailable: 1 }, as for a ProductionApp
   */
  readonly disruptionBudget?: AppDisruptionBudgetOptions;
  /**
   * Resources per container name (containers and init containers): a JSON patch replaces the container's
   * `resources` with these.
   *
   * @default - the chart's resources are kept
   */
  readonly resources?: { [container: string]: kplus.ContainerResources };
  /**
   * Images per container name (containers and init containers): a JSON patch replaces the container's `image`,
   * e.g. to pin a digest the chart's values cannot set. Each needs a tag other than `latest`, or a digest.
   *
   * @default - the chart's images are kept
   */
  readonly images?: { [container: string]: string };
  /**
   * Applies the restricted security context to this workload (overrides the release's `hardenSecurityContext`).
   *
   * @default - the release's `hardenSecurityContext`
   */
  readonly hardenSecurityContext?: boolean;
  /**
   * The name of the container port that serves Prometheus metrics.
   *
   * @default - the first container port named 'metrics' or 'http-metrics'
   */
  readonly metricsPortName?: string;
}

/**
 * An exemption of one chart object from one rule, recorded with its reason in the library's exemption annotations
 * (and the scanners' forms where the library knows them).
 */
export interface HelmExemption {
  /** The object: its name, or `Kind/name` (e.g. `Service/webshop-web`) when names are shared. */
  readonly target: string;
  /** The rule id, as the rule pack reports it (e.g. `service-type`). */
  readonly ruleId: string;
  /** Why the object may break the rule; required. */
  readonly reason: string;
}

/**
 * Props of a `ProductionHelmRelease`. Give exactly one of `manifests` and `helm`.
 */
export interface ProductionHelmReleaseProps {
  /**
   * The chart's rendered manifests: a YAML file (`helm template <release> <chart> > rendered.yaml`) or a directory
   * (`helm template --output-dir`), read with cdk8s `Include`. A relative path is read from the folder cdk8s synth
   * runs in.
   *
   * @default - none; `helm` renders the chart
   */
  readonly manifests?: string;
  /**
   * Renders the chart with the `helm` command, through the cdk8s `Helm` construct. Needs `helm` on the machine that
   * synthesizes; rendered manifests checked into the repository (`manifests`) need nothing.
   *
   * @default - none; `manifests` is read
   */
  readonly helm?: HelmTemplateOptions;
  /**
   * The namespace of every namespaced chart object that has none (helm template writes none unless the chart does).
   * Objects that name a namespace other than the enclosing chart's keep it; cluster-scoped objects get none.
   *
   * @default - the enclosing ProductionNamespace's, else the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * What the release does for each workload, by workload name (or `Kind/name`).
   *
   * @default - every workload gets the additions, no patches
   */
  readonly workloads?: { [name: string]: HelmWorkloadOptions };
  /**
   * Applies the Pod Security "restricted" context to every workload with JSON patches: non-root with the library's
   * user, group and fsGroup (ids of the chart's above 10000 are kept), RuntimeDefault seccomp, and on every container
   * no privilege escalation, not privileged, a read-only root filesystem with a writable emptyDir at `/tmp` (unless
   * the chart mounts one there) and all capabilities dropped (the chart's added capabilities are removed). An image
   * that needs root or writes elsewhere on its filesystem breaks: test it.
   *
   * @default false
   */
  readonly hardenSecurityContext?: boolean;
  /**
   * The stack whose Prometheus scrapes the chart's metrics ports: a ServiceMonitor (or a PodMonitor) per workload
   * with a metrics port, and an allow from the Prometheus pods on that port.
   *
   * @default - no monitors
   */
  readonly stack?: ObservabilityStack;
  /**
   * Labels stamped on every chart object's metadata (never on selectors or pod templates, so nothing is recreated),
   * and on the additions. E.g. `{ 'app.kubernetes.io/part-of': 'shop' }`.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Exemptions of chart objects from rules, each with its reason.
   *
   * @default - none
   */
  readonly exemptions?: HelmExemption[];
  /**
   * How the rule pack's findings on the chart and its additions are reported at synthesis.
   *
   * @default HelmReleaseValidation.ENFORCE
   */
  readonly validation?: HelmReleaseValidation;
}

/**
 * A Helm chart's rendered manifests, included as they are and brought under the library's floors.
 *
 * Around every workload of the chart (Deployment, StatefulSet, DaemonSet, Job, CronJob) the release adds what the
 * chart lacks: a NetworkPolicy derived like a ProductionApp's (default deny, DNS egress, API server egress when a
 * token is mounted, and the allows added with `allowFrom`/`connectsTo` on the ports the containers declare or the
 * chart's Services target), a PodDisruptionBudget when none selects the pods (Deployments and StatefulSets), and a
 * ServiceMonitor or PodMonitor for a port named `metrics` when a `stack` is given. Chart objects are changed only
 * by what is asked: the namespace where none is set, metadata labels, exemption annotations, and the typed patches
 * (`hardenSecurityContext`, `resources`), all as JSON patches.
 *
 * The rule pack then judges the whole (chart and additions): with `HelmReleaseValidation.ENFORCE` a finding of
 * severity error fails the synthesis in staging and prod, with the rule, the object, what is wrong and the fix
 * (change the chart's values and render again, use a typed patch, or record an exemption with its reason).
 *
 * @example
 * const catalog = new ProductionHelmRelease(shop, 'Catalog', { manifests: 'examples/helm-chart/rendered' });
 * web.connectsTo(catalog.workload('catalog-api'));
 */
export class ProductionHelmRelease extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The namespace given to chart objects without one, if any. */
  public readonly namespaceName?: string;
  /** Whether the restricted security context is patched onto every workload (unless a workload says otherwise). */
  public readonly hardenSecurityContext: boolean;
  /** How findings are reported. */
  public readonly validation: HelmReleaseValidation;
  /** The release name, when `helm` renders the chart. */
  public readonly releaseName?: string;
  /** Every object of the chart, in the order rendered. */
  public readonly objects: ApiObject[];
  /** The chart's workloads with their additions, in the order rendered. */
  public readonly workloads: HelmChartWorkload[];

  public constructor(scope: Construct, id: string, props: ProductionHelmReleaseProps) {
    super(scope, _uniqueId(scope, id, 'ProductionHelmRelease'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionHelmRelease', this.profile);
    assertPropTypes(errors, props, 'ProductionHelmReleaseProps');

    this.hardenSecurityContext = props.hardenSecurityContext ?? false;
    this.validation = props.validation ?? HelmReleaseValidation.ENFORCE;
    this.namespaceName = props.namespaceName ?? _namespaceOf(this);
    errors.checkDnsLabel('namespaceName', props.namespaceName);
    errors.check(!Object.values(HelmReleaseValidation).includes(this.validation), 'validation', this.validation, 'is not a HelmReleaseValidation',
      'use HelmReleaseValidation.ENFORCE, WARN or OFF');
    const labels = props.labels ?? {};
    for (const [key, value] of Object.entries(labels)) {
      errors.check(!isQualifiedName(key), `labels.${key}`, key, 'is not a valid label key', 'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
      errors.check(typeof value !== 'string' || !isLabelValue(value), `labels.${key}`, value, 'is not a valid label value',
        'use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
    }

    // ---- the chart's objects ----
    errors.check(props.manifests === undefined && props.helm === undefined, 'manifests', undefined, 'and \'helm\' are both unset, so there is no chart',
      'set \'manifests\' to the rendered file or directory, or \'helm\' to render the chart');
    errors.check(props.manifests !== undefined && props.helm !== undefined, 'helm', props.helm?.chart, 'is set together with \'manifests\'',
      'give one source of the chart: the rendered manifests, or helm to render them');
    let helmPath: string | undefined;
    if (props.helm !== undefined) {
      errors.check(typeof props.helm.chart !== 'string' || props.helm.chart.trim() === '', 'helm.chart', props.helm.chart, 'is empty', 'name the chart, e.g. \'./charts/webshop\'');
      errors.enforce(props.helm.version === undefined && !isLocalChart(props.helm.chart), 'helm.version', undefined,
        'is not set, so the chart renders differently whenever a new version is published', 'pin the chart version, e.g. \'1.4.2\'');
      errors.check(props.helm.releaseName !== undefined && !(isDns1123Label(props.helm.releaseName) && props.helm.releaseName.length <= 53),
        'helm.releaseName', props.helm.releaseName, 'is not a Helm release name', 'use lowercase letters, digits and \'-\', at most 53 characters');
      const executable = props.helm.helmExecutable ?? 'helm';
      helmPath = findExecutable(executable);
      errors.check(props.manifests === undefined && helmPath === undefined, 'helm.helmExecutable', executable,
        'is not an executable file, nor a command on the PATH', 'install helm, or render the chart once with `helm template` and give the output as \'manifests\'');
    }
    let files: string[] = [];
    if (props.manifests !== undefined && props.helm === undefined) {
      const found = manifestFiles(props.manifests);
      files = found.files;
      if (found.problem !== undefined) {
        errors.add('manifests', props.manifests, `(${found.problem.where}) ${found.problem.problem}`, found.problem.fix);
      }
      const seen = new Set<string>();
      for (const file of files) {
        for (const p of documentProblems(file, path.relative(process.cwd(), file) || file, seen)) {
          errors.add('manifests', props.manifests, `${p.where} ${p.problem}`, p.fix);
        }
      }
    }
    errors.throwIfAny();

    const includes: Include[] = [];
    if (props.helm !== undefined) {
      const helm = new Helm(this, 'Chart', {
        chart: props.helm.chart, repo: props.helm.repo, version: props.helm.version, releaseName: props.helm.releaseName,
        namespace: this.namespaceName, values: props.helm.values, helmExecutable: helmPath, helmFlags: props.helm.helmFlags,
      });
      this.releaseName = helm.releaseName;
      includes.push(helm);
    } else {
      const container = new Construct(this, 'Chart');
      const root = path.resolve(props.manifests!);
      const base = fs.statSync(root).isFile() ? path.dirname(root) : root;
      files.forEach((file) => includes.push(new Include(container, path.relative(base, file).replace(/[/\\]/g, '--'), { url: file })));
    }
    this.objects = includes.flatMap((i) => i.apiObjects);

    // ---- stamping: namespace, labels, profile ----
    const plain: PlainObject[] = this.objects.map((o) => {
      const json = o.toJson() as PlainObject;
      if (isClusterScoped(o.kind)) {
        if (json.metadata.namespace !== undefined) {
          o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
        }
        return { ...json, metadata: { ...json.metadata, namespace: undefined } };
      }
      // cdk8s gives an object without a namespace the chart's; one that names another namespace keeps it
      const inherited = json.metadata.namespace === undefined || json.metadata.namespace === o.chart.namespace;
      if (inherited && this.namespaceName !== undefined && json.metadata.namespace !== this.namespaceName) {
        o.addJsonPatch(JsonPatch.add('/metadata/namespace', this.namespaceName));
        return { ...json, metadata: { ...json.metadata, namespace: this.namespaceName } };
      }
      return json;
    });
    for (const o of this.objects) {
      for (const [key, value] of Object.entries(labels)) o.metadata.addLabel(key, value);
      o.metadata.addAnnotation(PROFILE_ANNOTATION, this.profile.name);
    }

    // ---- workloads ----
    const infos = chartWorkloads(plain);
    const options = this.resolveWorkloadOptions(errors, infos, props.workloads ?? {});
    const wrapped = infos.filter((w) => options.get(w)?.additions !== false);
    for (const w of wrapped) {
      errors.check(w.selectorProblem !== undefined, `workloads.${w.name}`, w.ref, `${w.selectorProblem}, so the additions cannot select its pods`,
        `fix the chart's selector, or set workloads['${w.name}'].additions to false and cover the pods yourself`);
    }
    for (const [i, a] of wrapped.entries()) {
      for (const b of wrapped.slice(i + 1)) {
        if (a.selector && b.selector && (a.namespace ?? '') === (b.namespace ?? '')
          && (Object.entries(a.selector).every(([k, v]) => b.podLabels[k] === v) || Object.entries(b.selector).every(([k, v]) => a.podLabels[k] === v))) {
          errors.add(`workloads.${b.name}`, b.ref, `has pods that ${a.ref}'s selector also selects (or the other way round), so a disruption budget or policy of one would cover both`,
            `give the chart's workloads distinct labels (e.g. app.kubernetes.io/component), or set workloads['${b.name}'].additions to false`);
        }
      }
    }
    const prepared = wrapped.map((w) => ({ w, opts: options.get(w) ?? {}, budget: this.resolveBudget(errors, plain, w, options.get(w) ?? {}) }));
    for (const w of infos) {
      this.patchWorkload(errors, w, options.get(w) ?? {});
    }
    this.applyExemptions(errors, plain, props.exemptions ?? []);
    const monitors = prepared.map(({ w, opts }) => this.resolveMonitor(errors, plain, w, opts, props.stack));
    errors.throwIfAny();

    const apiServer = this.node.tryGetContext(API_SERVER_CONTEXT_KEY) as { cidrs: string[]; port: number } | undefined;
    this.workloads = prepared.map(({ w, budget }, i) => {
      const services = servicesOf(plain, w);
      const ports = portsOf(plain, w);
      const metadata = objectMetadata(this.profile, additionName(plain, w), w.namespace, { ...labels, ...appLabels(plain[w.index]) });
      const monitor = monitors[i];
      const workload = HelmChartWorkload._create(this, `${w.kind}-${w.name}`, {
        resource: this.objects[w.index], controllerKind: w.kind, name: w.name, namespace: w.namespace, ports, podSelector: w.selector!,
        services: services.map((s) => this.objects[plain.indexOf(s)]), metadata,
        access: { serviceAccountToken: mountsToken(plain, w), apiGrants: [], apiServer, priorityClassName: w.podSpec.priorityClassName ?? '' },
        disruptionBudget: budget === undefined ? undefined : {
          metadata,
          spec: {
            selector: { matchLabels: { ...w.selector } },
            maxUnavailable: budget.maxUnavailable === undefined ? undefined : k8s.IntOrString.fromNumber(budget.maxUnavailable),
            minAvailable: budget.minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(budget.minAvailable),
            unhealthyPodEvictionPolicy: PDB_UNHEALTHY_POD_EVICTION_POLICY,
          },
        },
        serviceMonitor: monitor?.service === undefined ? undefined : {
          metadata: { ...metadata, labels: { ...metadata.labels, ...props.stack!.selectorLabels } },
          spec: {
            selector: { matchLabels: monitor.service.labels },
            namespaceSelector: w.namespace === undefined ? undefined : { matchNames: [w.namespace] },
            endpoints: [{ port: monitor.service.portName, path: METRICS_PATH, interval: `${SCRAPE_INTERVAL.toSeconds()}s` }],
          },
        },
        podMonitor: monitor === undefined || monitor.service !== undefined ? undefined : {
          metadata: { ...metadata, labels: { ...metadata.labels, ...props.stack!.selectorLabels } },
          spec: {
            selector: { matchLabels: { ...w.selector } },
            namespaceSelector: w.namespace === undefined ? undefined : { matchNames: [w.namespace] },
            podMetricsEndpoints: [{ port: monitor.containerPortName, path: METRICS_PATH, interval: `${SCRAPE_INTERVAL.toSeconds()}s` }],
          },
        },
      });
      if (monitor !== undefined) {
        workload.addIngressRule(props.stack!.prometheusPeer, { ports: [monitor.port] });
      }
      return workload;
    });

    if (this.validation !== HelmReleaseValidation.OFF) {
      this.node.addValidation({ validate: () => this.validateFindings() });
    }
  }

  /**
   * The chart workload named `name` (its `metadata.name`, or `Kind/name`).
   *
   * @throws when the chart has no such workload, or the release adds nothing around it
   */
  public workload(name: string): HelmChartWorkload {
    const found = this.workloads.filter((w) => w.name === name || `${w.controllerKind}/${w.name}` === name);
    if (found.length === 1) {
      return found[0];
    }
    const errors = new PropErrors(this, 'ProductionHelmRelease', this.profile);
    const known = this.workloads.map((w) => `${w.controllerKind}/${w.name}`);
    if (found.length > 1) {
      errors.add('workload', name, `names ${found.length} workloads (${found.map((w) => `${w.controllerKind}/${w.name}`).join(', ')})`, 'use \'Kind/name\'');
    } else {
      errors.add('workload', name, 'is not a workload of the chart with additions', `use one of ${known.join(', ') || '(none)'}${didYouMean(name, this.workloads.map((w) => w.name))}`);
    }
    errors.throwIfAny();
    return found[0];
  }

  /**
   * Runs the rule pack on the chart's objects and the additions, as they synthesize now, in the release's profile:
   * the findings and exemptions of the release's own objects, judged among every object of the app (so that a
   * ServiceAccount or a NetworkPolicy defined elsewhere in the app counts).
   */
  public check(): Report {
    const objects = this.node.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))
      .map((o) => ({ kubeObject: o.toJson(), constructPath: o.node.path }));
    const full = checkManifests(objects, { profile: this.profile.name as 'dev' | 'staging' | 'prod' });
    const ours = (constructPath: string | undefined) => constructPath !== undefined && constructPath.startsWith(`${this.node.path}/`);
    const findings = full.findings.filter((f) => ours(f.constructPath));
    const errorCount = findings.filter((f) => f.severity === 'error').length;
    return {
      ...full,
      findings,
      exemptions: full.exemptions.filter((e) => ours(e.constructPath)),
      objectCount: objects.filter((o) => ours(o.constructPath)).length,
      errorCount,
      warningCount: findings.length - errorCount,
      passed: errorCount === 0,
    };
  }

  /** The validation: findings of severity error fail in staging and prod under ENFORCE; the rest are warnings. */
  private validateFindings(): string[] {
    const report = this.check();
    const fail = this.validation === HelmReleaseValidation.ENFORCE && this.profile.isProductionLike;
    const line = (f: Report['findings'][number]) =>
      `${f.ruleId}: ${f.objectRef.kind} ${f.objectRef.namespaceName ? `${f.objectRef.namespaceName}/` : ''}${f.objectRef.name}${f.path ? ` (${f.path})` : ''} ${f.message}. Fix: ${f.fix}`;
    const errors = report.findings.filter((f) => fail && f.severity === 'error');
    for (const f of report.findings.filter((x) => !errors.includes(x))) {
      const text = `${f.severity}: ${line(f)}`;
      if (!this.node.metadata.some((m) => m.type === Warnings.METADATA_KEY && m.data === text)) {
        this.node.addMetadata(Warnings.METADATA_KEY, text);
      }
    }
    if (errors.length === 0) {
      return [];
    }
    return [`ProductionHelmRelease '${this.node.path}': the chart and its additions have ${errors.length} finding(s) of severity error in ${this.profile.name}:\n`
      + errors.map((f) => `  - ${line(f)}`).join('\n')
      + '\nFix: change the chart\'s values and render it again, use a patch of the release (\'hardenSecurityContext\', \'workloads.<name>.resources\'), '
      + 'or record an exemption with its reason (\'exemptions\': [{ target: \'Kind/name\', ruleId: \'<rule>\', reason: \'<why>\' }])'];
  }

  /** The options of each workload, by its info; unknown and ambiguous keys are errors. */
  private resolveWorkloadOptions(errors: PropErrors, infos: ChartWorkloadInfo[], given: { [name: string]: HelmWorkloadOptions }): Map<ChartWorkloadInfo, HelmWorkloadOptions> {
    const out = new Map<ChartWorkloadInfo, HelmWorkloadOptions>();
    for (const [key, opts] of Object.entries(given)) {
      const found = infos.filter((w) => w.name === key || w.ref === key);
      if (found.length === 0) {
        errors.add(`workloads.${key}`, key, `is not a workload of the chart (it has ${infos.map((w) => w.ref).join(', ') || 'no workloads'})`,
          `key the options by a workload's name${didYouMean(key, infos.map((w) => w.name))}`);
      } else if (found.length > 1) {
        errors.add(`workloads.${key}`, key, `names ${found.length} workloads (${found.map((w) => w.ref).join(', ')})`, 'key the options by \'Kind/name\'');
      } else {
        errors.check(out.has(found[0]), `workloads.${key}`, key, `names ${found[0].ref}, which another key names too`, 'keep one key per workload');
        out.set(found[0], opts ?? {});
      }
    }
    return out;
  }

  /** The disruption budget to add, or undefined when the chart has one or the kind gets none. */
  private resolveBudget(errors: PropErrors, plain: PlainObject[], w: ChartWorkloadInfo, opts: HelmWorkloadOptions): { maxUnavailable?: number; minAvailable?: number } | undefined {
    const at = `workloads.${w.name}.disruptionBudget`;
    const pdb = opts.disruptionBudget;
    const existing = budgetsOf(plain, w);
    const eligible = HELM_DISRUPTION_BUDGET_KINDS.includes(w.kind);
    errors.check(pdb !== undefined && !eligible, at, pdb, `is set, but a ${w.kind} gets no disruption budget (its pods are not drained like a replicated workload's)`, 'remove it');
    errors.check(pdb !== undefined && eligible && existing.length > 0, at, pdb,
      `is set, but the chart's PodDisruptionBudget ${existing.map((b) => b.metadata.name).join(', ')} already selects the pods (two budgets over one pod block every eviction)`,
      'change the chart\'s budget through its values, or remove this option');
    if (!eligible || existing.length > 0) {
      return undefined;
    }
    const budget = pdb ?? {};
    errors.check(budget.maxUnavailable !== undefined && budget.minAvailable !== undefined, at, budget, 'sets both maxUnavailable and minAvailable', 'set only one of them');
    errors.check(budget.maxUnavailable !== undefined && !isInt32(budget.maxUnavailable, 1), `${at}.maxUnavailable`, budget.maxUnavailable,
      'blocks every eviction, so node drains hang', 'set it to 1 or more');
    errors.check(budget.minAvailable !== undefined && (!isInt32(budget.minAvailable) || budget.minAvailable >= w.replicas), `${at}.minAvailable`, budget.minAvailable,
      `must be below the chart's replicas (${w.replicas}), else no pod can ever be evicted`, `set it to ${Math.max(w.replicas - 1, 0)} or less, or use maxUnavailable 1`);
    return budget.minAvailable === undefined ? { maxUnavailable: budget.maxUnavailable ?? 1 } : { minAvailable: budget.minAvailable };
  }

  /** The typed patches of one workload: resources per container, and the restricted security context. */
  private patchWorkload(errors: PropErrors, w: ChartWorkloadInfo, opts: HelmWorkloadOptions): void {
    const object = this.objects[w.index];
    const lists = ['initContainers', 'containers'].map((list) => ({ list, containers: asArray(w.podSpec[list]).map(asObject) }));
    const names = lists.flatMap((l) => l.containers.map((c) => String(c.name)));
    for (const [container, resources] of Object.entries(opts.resources ?? {})) {
      const at = `workloads.${w.name}.resources.${container}`;
      const list = lists.find((l) => l.containers.some((c) => c.name === container));
      if (list === undefined) {
        errors.add(at, container, `is not a container of ${w.ref} (it has ${names.join(', ')})`, `key resources by container name${didYouMean(container, names)}`);
        continue;
      }
      const rendered = renderResources(errors, at, resources);
      const index = list.containers.findIndex((c) => c.name === container);
      object.addJsonPatch(JsonPatch.add(`${w.podSpecPointer}/${list.list}/${index}/resources`, rendered));
    }
    for (const [container, image] of Object.entries(opts.images ?? {})) {
      const at = `workloads.${w.name}.images.${container}`;
      const list = lists.find((l) => l.containers.some((c) => c.name === container));
      const ref = typeof image === 'string' ? parseImage(image) : undefined;
      errors.check(list === undefined, at, container, `is not a container of ${w.ref} (it has ${names.join(', ')})`, `key images by container name${didYouMean(container, names)}`);
      errors.check(ref === undefined, at, image, 'is not an image reference', 'write it as registry/repository:tag or registry/repository@sha256:<64 hex digits>');
      errors.check(ref !== undefined && ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest'), at, image,
        'has no tag but latest and no digest, so what runs changes without a change here', 'pin a version tag or (preferred) a digest');
      if (list !== undefined && ref !== undefined) {
        object.addJsonPatch(JsonPatch.replace(`${w.podSpecPointer}/${list.list}/${list.containers.findIndex((c) => c.name === container)}/image`, image));
      }
    }
    if (opts.hardenSecurityContext ?? this.hardenSecurityContext) {
      const pod = asObject(w.podSpec.securityContext);
      const keepId = (v: unknown) => typeof v === 'number' && v >= HELM_MINIMUM_ID;
      object.addJsonPatch(JsonPatch.add(`${w.podSpecPointer}/securityContext`, {
        ...pod,
        ...HELM_POD_SECURITY_CONTEXT,
        ...(keepId(pod.runAsUser) ? { runAsUser: pod.runAsUser } : {}),
        ...(keepId(pod.runAsGroup) ? { runAsGroup: pod.runAsGroup } : {}),
        ...(keepId(pod.fsGroup) ? { fsGroup: pod.fsGroup } : {}),
      }));
      const writable: typeof HELM_WRITABLE_PATHS = [];
      for (const { list, containers } of lists) {
        containers.forEach((c, index) => {
          const own = { ...asObject(c.securityContext) };
          // A container-level id below the floor would override the pod's; dropping it lets the pod's apply.
          for (const id of ['runAsUser', 'runAsGroup']) {
            if (own[id] !== undefined && !keepId(own[id])) delete own[id];
          }
          object.addJsonPatch(JsonPatch.add(`${w.podSpecPointer}/${list}/${index}/securityContext`, { ...own, ...HELM_CONTAINER_SECURITY_CONTEXT }));
          // the root filesystem is read-only now: the library's writable paths, where the chart mounts nothing
          const mounts = asArray(c.volumeMounts).map(asObject);
          const missing = HELM_WRITABLE_PATHS.filter((p) => !mounts.some((m) => m.mountPath === p.mountPath));
          if (missing.length > 0) {
            writable.push(...missing.filter((p) => !writable.includes(p)));
            object.addJsonPatch(JsonPatch.add(`${w.podSpecPointer}/${list}/${index}/volumeMounts`,
              [...mounts, ...missing.map((p) => ({ name: p.volume, mountPath: p.mountPath }))]));
          }
        });
      }
      if (writable.length > 0) {
        object.addJsonPatch(JsonPatch.add(`${w.podSpecPointer}/volumes`, [
          ...asArray(w.podSpec.volumes), ...HELM_WRITABLE_PATHS.filter((p) => writable.includes(p)).map((p) => ({ name: p.volume, emptyDir: { sizeLimit: p.sizeLimit } })),
        ]));
      }
    }
  }

  /** The exemption annotations on the chart objects they name. */
  private applyExemptions(errors: PropErrors, plain: PlainObject[], exemptions: HelmExemption[]): void {
    const ruleIds = DEFAULT_RULES.map((r) => r.id);
    exemptions.forEach((e, i) => {
      const at = `exemptions[${i}]`;
      const found = plain.filter((o) => o.metadata.name === e.target || `${o.kind}/${o.metadata.name}` === e.target);
      errors.check(found.length === 0, `${at}.target`, e.target, 'is not an object of the chart',
        `name an object as 'Kind/name' or by its name${didYouMean(e.target, plain.map((o) => `${o.kind}/${o.metadata.name}`))}`);
      errors.check(found.length > 1, `${at}.target`, e.target, `names ${found.length} objects (${found.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')})`, 'use \'Kind/name\'');
      errors.check(!ruleIds.includes(e.ruleId), `${at}.ruleId`, e.ruleId, 'is not a rule of the rule pack', `use a rule id from a finding${didYouMean(e.ruleId, ruleIds)}`);
      errors.check(typeof e.reason !== 'string' || e.reason.trim() === '', `${at}.reason`, e.reason, 'is empty; an exemption needs a reason', 'say why the object may break the rule');
      if (found.length !== 1 || !ruleIds.includes(e.ruleId) || !(e.reason ?? '').trim()) {
        return;
      }
      const object = this.objects[plain.indexOf(found[0])];
      const annotations = e.ruleId in EXEMPTION_CHECKS
        ? exemptionAnnotations([{ ruleId: e.ruleId as keyof typeof EXEMPTION_CHECKS, reason: e.reason }])
        : { [`${EXEMPT_PREFIX}${e.ruleId}`]: e.reason };
      for (const [key, value] of Object.entries(annotations)) object.metadata.addAnnotation(key, value);
    });
  }

  /** Where the workload serves metrics, when a stack scrapes them: a named Service port, or the container port. */
  private resolveMonitor(errors: PropErrors, plain: PlainObject[], w: ChartWorkloadInfo, opts: HelmWorkloadOptions, stack: ObservabilityStack | undefined):
  { port: number; containerPortName: string; service?: { labels: { [key: string]: string }; portName: string } } | undefined {
    const named = w.containerPorts.filter((p) => p.name !== undefined);
    const port = opts.metricsPortName !== undefined ? named.find((p) => p.name === opts.metricsPortName)
      : named.find((p) => HELM_METRICS_PORT_NAMES.includes(p.name!));
    errors.check(opts.metricsPortName !== undefined && port === undefined, `workloads.${w.name}.metricsPortName`, opts.metricsPortName,
      `is not a named container port of ${w.ref} (it has ${named.map((p) => p.name).join(', ') || 'none'})`, `use one of its port names${didYouMean(opts.metricsPortName ?? '', named.map((p) => p.name!))}`);
    errors.check(opts.metricsPortName !== undefined && stack === undefined, `workloads.${w.name}.metricsPortName`, opts.metricsPortName,
      'is set, but the release has no \'stack\' to scrape it', 'set \'stack\' to the ObservabilityStack, or remove the option');
    if (port === undefined || stack === undefined) {
      return undefined;
    }
    for (const s of servicesOf(plain, w)) {
      const sp = asArray(asObject(s.spec).ports).map(asObject).find((p) => typeof p.name === 'string' && targetPortOf(p, w) === port.port);
      const serviceLabels = s.metadata.labels ?? {};
      if (sp !== undefined && Object.keys(serviceLabels).length > 0) {
        return { port: port.port, containerPortName: port.name!, service: { labels: { ...serviceLabels }, portName: String(sp.name) } };
      }
    }
    return { port: port.port, containerPortName: port.name! };
  }
}

/** Whether a chart reference is a local directory or archive (its version is whatever is on disk, so no pin applies). */
function isLocalChart(chart: string): boolean {
  return typeof chart === 'string' && !chart.includes('://') && (chart.startsWith('.') || chart.startsWith('/') || fs.existsSync(path.resolve(chart)));
}

/** The executable's path: `name` itself when it has a slash, else the first match on the PATH. */
function findExecutable(name: string): string | undefined {
  const executable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/') || name.includes(path.sep)) {
    return executable(path.resolve(name)) ? name : undefined;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '')) {
    if (executable(path.join(dir, name))) {
      return path.join(dir, name);
    }
  }
  return undefined;
}

/** The name of an addition: the workload's, unless the chart has an object of that name the addition would clash with. */
function additionName(plain: PlainObject[], w: ChartWorkloadInfo): string {
  const clash = plain.some((o) => ['PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor', 'PodMonitor'].includes(o.kind)
    && o.metadata.name === w.name && (o.metadata.namespace ?? '') === (w.namespace ?? ''));
  return clash ? `${w.name}-${HELM_NAME_CLASH_SUFFIX}` : w.name;
}

/** The recommended labels of the workload that the additions repeat (never Helm's own bookkeeping labels). */
function appLabels(o: PlainObject): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/part-of', 'app.kubernetes.io/component'].includes(k)) {
      out[k] = v;
    }
  }
  return out;
}

/** The workload's ports: the ones the chart's Services target first, then the other declared container ports. */
function portsOf(plain: PlainObject[], w: ChartWorkloadInfo): AppPort[] {
  const out: AppPort[] = [];
  const add = (port: number) => {
    if (!out.some((p) => p.port === port)) {
      const declared = w.containerPorts.find((p) => p.port === port && p.name !== undefined);
      out.push({ name: declared?.name ?? `port-${port}`, port });
    }
  };
  for (const s of servicesOf(plain, w)) {
    for (const p of asArray(asObject(s.spec).ports).map(asObject)) {
      const target = targetPortOf(p, w);
      if (target !== undefined) add(target);
    }
  }
  w.containerPorts.forEach((p) => add(p.port));
  return out;
}

/** A kplus.ContainerResources as a container's `resources`, with the request-above-limit problems recorded. */
function renderResources(errors: PropErrors, at: string, r: kplus.ContainerResources): { requests?: { [key: string]: string }; limits?: { [key: string]: string } } {
  const requests: { [key: string]: string } = {};
  const limits: { [key: string]: string } = {};
  if (r.cpu?.request) requests.cpu = r.cpu.request.amount;
  if (r.cpu?.limit) limits.cpu = r.cpu.limit.amount;
  const sizes: [string, kplus.MemoryResources | kplus.EphemeralStorageResources | undefined][] = [['memory', r.memory], ['ephemeral-storage', r.ephemeralStorage]];
  for (const [key, size] of sizes) {
    const request = size?.request?.toMebibytes();
    const limit = size?.limit?.toMebibytes();
    if (request !== undefined) requests[key] = `${request}Mi`;
    if (limit !== undefined) limits[key] = `${limit}Mi`;
    errors.check(request !== undefined && limit !== undefined && request > limit, `${at}.${key === 'memory' ? 'memory' : 'ephemeralStorage'}`,
      `${request}Mi > ${limit}Mi`, 'asks for more than its limit', 'make the request at most the limit');
  }
  return { requests: Object.keys(requests).length ? requests : undefined, limits: Object.keys(limits).length ? limits : undefined };
}

/** A " (did you mean ...)" hint, or nothing. */
function didYouMean(value: string, candidates: string[]): string {
  const near = candidates.filter((c) => editDistance(c, value) <= 3).sort((a, b) => editDistance(a, value) - editDistance(b, value))[0];
  return near === undefined ? '' : `; did you mean '${near}'?`;
}
