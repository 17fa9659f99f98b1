import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ADMISSION_API_MINORS, ADMISSION_KUBERNETES_VERSION, ADMISSION_NAME_PREFIX, FLOORS_LABEL, PROFILE_LABEL,
} from './defaults';
import { CEL_IDENTIFIER, CEL_RESERVED, POD_SPEC_PATHS } from './_schema-facts';
import { _registerAppChecks } from '../internal/app-checks';
import { FactoryProblems, PropErrors, PropProblem } from '../internal/errors';
import { isDns1123Label, isDns1123Subdomain } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import type { ProductionNamespace } from '../network/production-namespace';
import { Profile } from '../profile';
import { clusterScoped, exemptionAnnotations, objectMetadata } from '../workload/_metadata';

/**
 * The API version the ValidatingAdmissionPolicies are written in.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 */
export class AdmissionApiVersion {
  /**
   * `admissionregistration.k8s.io/v1beta1`: beta from Kubernetes 1.28, where the `ValidatingAdmissionPolicy` feature
   * gate and the `admissionregistration.k8s.io/v1beta1` API must be enabled on the API server (both off by default
   * before 1.30).
   */
  public static readonly V1BETA1 = new AdmissionApiVersion('admissionregistration.k8s.io/v1beta1', ADMISSION_API_MINORS.v1beta1);
  /** `admissionregistration.k8s.io/v1`: GA and on by default from Kubernetes 1.30. */
  public static readonly V1 = new AdmissionApiVersion('admissionregistration.k8s.io/v1', ADMISSION_API_MINORS.v1);

  private constructor(
    /** The `apiVersion` of the objects. */
    public readonly value: string,
    /** The first Kubernetes minor version that serves it. */
    public readonly sinceMinor: number,
  ) {}

  public toString(): string {
    return this.value;
  }
}

/**
 * What the API server does when an admission floor is broken.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/#validation-actions
 */
export enum AdmissionAction {
  /** Refuse the request. */
  DENY = 'Deny',
  /** Let it through with a warning to the client. */
  WARN = 'Warn',
  /** Let it through and record the failure in the audit event. */
  AUDIT = 'Audit',
}

/**
 * Options of `AdmissionPodKind.custom`: a kind whose objects make pods, and where its pod spec is.
 */
export interface AdmissionPodKindOptions {
  /** The API group (`''` for the core group). */
  readonly apiGroup: string;
  /** The API version, e.g. `v1alpha1`. */
  readonly apiVersion: string;
  /** The resource (lowercase plural), e.g. `rollouts`. */
  readonly resource: string;
  /** The kind, e.g. `Rollout`. */
  readonly kind: string;
  /**
   * The dot-separated path of the pod spec from the object's root, e.g. `spec.template.spec`. For a kind the library
   * knows (every built-in kind that makes pods, and Argo Rollouts), it is checked against the Kubernetes 1.28 and CRD
   * schemas; for another kind, only that every field name is one CEL can read.
   */
  readonly podSpecPath: string;
}

/**
 * A kind whose objects make pods, which the pod floors check: the pod spec is found on its own path per kind (a CEL
 * variable), so a Deployment is refused when it is applied, not when its ReplicaSet fails to make pods.
 */
export class AdmissionPodKind {
  /** Pods (`spec`), and ephemeral containers added to them. */
  public static readonly POD = AdmissionPodKind.known('', 'v1', 'pods', 'Pod');
  /** Deployments (`spec.template.spec`). */
  public static readonly DEPLOYMENT = AdmissionPodKind.known('apps', 'v1', 'deployments', 'Deployment');
  /** StatefulSets (`spec.template.spec`). */
  public static readonly STATEFUL_SET = AdmissionPodKind.known('apps', 'v1', 'statefulsets', 'StatefulSet');
  /** DaemonSets (`spec.template.spec`). */
  public static readonly DAEMON_SET = AdmissionPodKind.known('apps', 'v1', 'daemonsets', 'DaemonSet');
  /** ReplicaSets (`spec.template.spec`). */
  public static readonly REPLICA_SET = AdmissionPodKind.known('apps', 'v1', 'replicasets', 'ReplicaSet');
  /** Jobs (`spec.template.spec`). */
  public static readonly JOB = AdmissionPodKind.known('batch', 'v1', 'jobs', 'Job');
  /** CronJobs (`spec.jobTemplate.spec.template.spec`). */
  public static readonly CRON_JOB = AdmissionPodKind.known('batch', 'v1', 'cronjobs', 'CronJob');
  /** Argo Rollouts (`spec.template.spec`; a Rollout with `workloadRef` has none, and its Deployment is checked). */
  public static readonly ARGO_ROLLOUT = AdmissionPodKind.known('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout');

  /** The built-in kinds that make pods, checked by default. */
  public static builtIns(): AdmissionPodKind[] {
    return [AdmissionPodKind.POD, AdmissionPodKind.DEPLOYMENT, AdmissionPodKind.STATEFUL_SET, AdmissionPodKind.DAEMON_SET,
      AdmissionPodKind.REPLICA_SET, AdmissionPodKind.JOB, AdmissionPodKind.CRON_JOB];
  }

  /**
   * Another kind that makes pods. Its problems (a field path the schema does not have, a name that is not a resource)
   * are reported by the ProductionAdmissionPolicies that uses it.
   */
  public static custom(options: AdmissionPodKindOptions): AdmissionPodKind {
    const problems = new FactoryProblems();
    const o: Partial<AdmissionPodKindOptions> = typeof options === 'object' && options !== null ? options : {};
    const group = String(o.apiGroup ?? '');
    const gvk = `${group === '' ? '' : `${group}/`}${o.apiVersion}/${o.kind}`;
    problems.check(typeof o.apiGroup !== 'string' || (group !== '' && !isDns1123Subdomain(group)), 'apiGroup', o.apiGroup,
      'is not an API group', 'use \'\' for the core group or a DNS subdomain such as \'argoproj.io\'');
    problems.check(typeof o.apiVersion !== 'string' || !/^v[0-9]+((alpha|beta)[0-9]+)?$/.test(o.apiVersion), 'apiVersion', o.apiVersion,
      'is not an API version', 'use a version such as \'v1\' or \'v1alpha1\'');
    problems.check(typeof o.resource !== 'string' || !isDns1123Label(o.resource), 'resource', o.resource,
      'is not a resource (a lowercase plural)', 'use the plural the CRD declares, e.g. \'rollouts\'');
    problems.check(typeof o.kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(o.kind), 'kind', o.kind, 'is not a kind', 'use an UpperCamelCase kind');
    const path = typeof o.podSpecPath === 'string' ? o.podSpecPath : '';
    const segments = path.split('.');
    const bad = segments.find((s) => !CEL_IDENTIFIER.test(s) || CEL_RESERVED.includes(s));
    problems.check(bad !== undefined, 'podSpecPath', o.podSpecPath, bad === undefined || bad === ''
      ? 'is not a dot-separated field path' : `has the field name '${bad}', which CEL cannot read without escaping`,
    'write the path of the pod spec from the object\'s root, e.g. \'spec.template.spec\'');
    const known = POD_SPEC_PATHS[gvk];
    problems.check(bad === undefined && known !== undefined && known !== path, 'podSpecPath', o.podSpecPath,
      `is not the path of the pod spec in ${gvk} in the Kubernetes 1.28 or CRD schema`, `use '${known}'`);
    return new AdmissionPodKind(group, String(o.apiVersion), String(o.resource), String(o.kind), path, problems.problems);
  }

  private static known(apiGroup: string, apiVersion: string, resource: string, kind: string): AdmissionPodKind {
    return new AdmissionPodKind(apiGroup, apiVersion, resource, kind, POD_SPEC_PATHS[`${apiGroup === '' ? '' : `${apiGroup}/`}${apiVersion}/${kind}`], []);
  }

  private constructor(
    /** The API group (`''` for the core group). */
    public readonly apiGroup: string,
    /** The API version. */
    public readonly apiVersion: string,
    /** The resource. */
    public readonly resource: string,
    /** The kind. */
    public readonly kind: string,
    /** The dot-separated path of the pod spec. */
    public readonly podSpecPath: string,
    private readonly problems: PropProblem[],
  ) {}

  /**
   * Records what `custom` found wrong, under `prefix`.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(`${prefix}(AdmissionPodKind.custom)`, this.problems);
  }

  /** `group/version/Kind`. */
  public toString(): string {
    return `${this.apiGroup === '' ? '' : `${this.apiGroup}/`}${this.apiVersion}/${this.kind}`;
  }
}

/**
 * Props of `ProductionAdmissionPolicies`.
 */
export interface ProductionAdmissionPoliciesProps {
  /**
   * The registries (and optional repository prefixes) images may come from: `registry.example.com`,
   * `registry.example.com:5000/team`. Write the host as images name it; an image without a registry host (`nginx`)
   * comes from Docker Hub and matches only `docker.io/library`-style entries it does not start with, so it is refused.
   */
  readonly allowedRegistries: string[];

  /**
   * The Kubernetes minor version of the cluster (`1.28`). It decides which API versions are served.
   *
   * @default '1.28'
   */
  readonly kubernetesVersion?: string;

  /**
   * The API version of the policies and bindings. `V1` needs `kubernetesVersion` 1.30 or later.
   *
   * @default - AdmissionApiVersion.V1 from Kubernetes 1.30, else AdmissionApiVersion.V1BETA1
   */
  readonly apiVersion?: AdmissionApiVersion;

  /**
   * What the API server does when a floor is broken. `DENY` and `WARN` cannot be combined.
   *
   * @default [AdmissionAction.DENY]
   */
  readonly validationActions?: AdmissionAction[];

  /**
   * The kinds whose pods are checked.
   *
   * @default AdmissionPodKind.builtIns(): Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob
   */
  readonly podKinds?: AdmissionPodKind[];

  /**
   * The namespaces where Services of type LoadBalancer or NodePort are allowed (e.g. the ingress controller's).
   *
   * @default - none: every floored namespace refuses them
   */
  readonly externalServiceNamespaces?: string[];

  /**
   * Whether every container must set a CPU limit. Turn it off where apps run with `cpuLimitExemption`.
   *
   * @default true
   */
  readonly requireCpuLimits?: boolean;
}

/** One policy, before rendering: its validations, and whether it binds only to prod namespaces. */
interface PolicyDefinition {
  readonly id: string;
  readonly name: string;
  readonly prodOnly: boolean;
  readonly resourceRules: object[];
  readonly variables?: Array<{ name: string; expression: string }>;
  readonly validations: Array<{ expression: string; message: string; reason: string }>;
}

/**
 * The security floors of the library enforced again by the API server, for what reaches the cluster without passing
 * the library (kubectl apply by hand, a chart someone else installs): ValidatingAdmissionPolicies and their bindings.
 *
 * Floors, each a policy (named `production-floors-<floor>`) bound to the namespaces labelled
 * `production.platform.io/admission-floors: enforced`:
 * - `images`: every container, init and ephemeral container image comes from `allowedRegistries` and is pinned (a tag
 *   other than `latest`, or a digest);
 * - `image-digests` (bound only to namespaces also labelled `production.platform.io/admission-profile: prod`): every
 *   image is pinned by digest;
 * - `resources`: every container and init container requests CPU and memory and limits memory (and CPU, see
 *   `requireCpuLimits`);
 * - `host-isolation`: no privileged container, no hostPath volume, no host network, PID or IPC namespace;
 * - `external-services`: Services of type LoadBalancer or NodePort only in `externalServiceNamespaces`.
 *
 * Label the library's namespaces with `enforceIn(namespace)`. The expressions use only standard CEL (no Kubernetes
 * extension library), so they are evaluated in the library's tests exactly as written.
 *
 * @example
 * const floors = new ProductionAdmissionPolicies(platform, 'Floors', { allowedRegistries: ['registry.example.com'] });
 * floors.enforceIn(shop);
 */
export class ProductionAdmissionPolicies extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The registry prefixes images may come from, each ending with '/'. */
  public readonly allowedRegistries: string[];
  /** The Kubernetes minor version targeted. */
  public readonly kubernetesVersion: string;
  /** The API version of the objects. */
  public readonly apiVersion: AdmissionApiVersion;
  /** What the API server does when a floor is broken. */
  public readonly validationActions: AdmissionAction[];
  /** The kinds whose pods are checked. */
  public readonly podKinds: AdmissionPodKind[];
  /** The namespaces where LoadBalancer and NodePort Services are allowed. */
  public readonly externalServiceNamespaces: string[];
  /** Whether every container must set a CPU limit. */
  public readonly requireCpuLimits: boolean;
  /** The ValidatingAdmissionPolicies, in output order. */
  public readonly policies: ApiObject[] = [];
  /** The ValidatingAdmissionPolicyBindings, one per policy, in the same order. */
  public readonly bindings: ApiObject[] = [];

  public constructor(scope: Construct, id: string, props: ProductionAdmissionPoliciesProps) {
    super(scope, _uniqueId(scope, id, 'ProductionAdmissionPolicies'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionAdmissionPolicies', this.profile);
    assertPropTypes(errors, props, 'ProductionAdmissionPoliciesProps');

    this.allowedRegistries = resolveRegistries(errors, props.allowedRegistries);

    this.kubernetesVersion = props.kubernetesVersion ?? ADMISSION_KUBERNETES_VERSION;
    const minorMatch = /^1\.([0-9]+)$/.exec(this.kubernetesVersion);
    const minor = minorMatch ? Number(minorMatch[1]) : undefined;
    errors.check(minor === undefined, 'kubernetesVersion', this.kubernetesVersion, 'is not a Kubernetes minor version',
      `write it as '1.<minor>', e.g. '${ADMISSION_KUBERNETES_VERSION}'`);
    errors.check(minor !== undefined && minor < ADMISSION_API_MINORS.v1beta1, 'kubernetesVersion', this.kubernetesVersion,
      `serves no ValidatingAdmissionPolicy the library can write (v1beta1 from 1.${ADMISSION_API_MINORS.v1beta1}, v1 from 1.${ADMISSION_API_MINORS.v1})`,
      `upgrade the cluster to 1.${ADMISSION_API_MINORS.v1beta1} or later, or enforce the floors with a webhook`);
    this.apiVersion = props.apiVersion ?? (minor !== undefined && minor >= ADMISSION_API_MINORS.v1 ? AdmissionApiVersion.V1 : AdmissionApiVersion.V1BETA1);
    errors.check(!(this.apiVersion instanceof AdmissionApiVersion), 'apiVersion', this.apiVersion, 'is not an AdmissionApiVersion',
      'use AdmissionApiVersion.V1BETA1 or AdmissionApiVersion.V1');
    errors.check(this.apiVersion instanceof AdmissionApiVersion && minor !== undefined && minor >= ADMISSION_API_MINORS.v1beta1
      && minor < this.apiVersion.sinceMinor, 'apiVersion', this.apiVersion.toString(),
    `is served from Kubernetes 1.${this.apiVersion.sinceMinor}, and 'kubernetesVersion' is ${this.kubernetesVersion}`,
    'use AdmissionApiVersion.V1BETA1, or set \'kubernetesVersion\' to the cluster\'s version');

    this.validationActions = [...(props.validationActions ?? [AdmissionAction.DENY])];
    const actions = Object.values(AdmissionAction) as string[];
    errors.check(this.validationActions.length === 0, 'validationActions', [], 'is empty, so a broken floor has no effect',
      'use [AdmissionAction.DENY], or WARN or AUDIT to try the floors first');
    this.validationActions.forEach((a, i) => {
      errors.check(!actions.includes(a), `validationActions[${i}]`, a, 'is not an AdmissionAction', `use one of ${actions.join(', ')}`);
      errors.check(this.validationActions.indexOf(a) < i, `validationActions[${i}]`, a, 'is listed twice', 'list each action once');
    });
    errors.check(this.validationActions.includes(AdmissionAction.DENY) && this.validationActions.includes(AdmissionAction.WARN),
      'validationActions', this.validationActions, 'combines Deny and Warn, which the API server refuses', 'use Deny alone, or Warn (with Audit)');

    this.podKinds = [...(props.podKinds ?? AdmissionPodKind.builtIns())];
    errors.check(this.podKinds.length === 0, 'podKinds', [], 'is empty, so no pod is checked', 'omit it to check every built-in kind that makes pods');
    this.podKinds.forEach((k, i) => {
      if (!(k instanceof AdmissionPodKind)) {
        errors.add(`podKinds[${i}]`, k, 'is not an AdmissionPodKind', 'use an AdmissionPodKind constant or AdmissionPodKind.custom({...})');
        return;
      }
      k._reportProblems(errors, `podKinds[${i}]`);
      errors.check(this.podKinds.findIndex((o) => o instanceof AdmissionPodKind && o.toString() === k.toString()) < i, `podKinds[${i}]`,
        k.toString(), 'is listed twice', 'list each kind once');
    });

    this.externalServiceNamespaces = [...(props.externalServiceNamespaces ?? [])];
    this.externalServiceNamespaces.forEach((ns, i) => errors.check(typeof ns !== 'string' || !isDns1123Label(ns),
      `externalServiceNamespaces[${i}]`, ns, 'is not a namespace name', 'use a DNS-1123 label'));
    this.requireCpuLimits = props.requireCpuLimits ?? true;
    errors.throwIfAny();

    for (const policy of this.definitions()) {
      this.createPolicy(policy);
    }
  }

  /**
   * Puts a ProductionNamespace under the floors: labels its Namespace with
   * `production.platform.io/admission-floors: enforced` and `production.platform.io/admission-profile: <profile>`
   * (the prod-only floors bind to `prod`).
   */
  public enforceIn(productionNamespace: ProductionNamespace): void {
    const metadata = ApiObject.of(productionNamespace.namespaceObject).metadata;
    metadata.addLabel(FLOORS_LABEL.key, FLOORS_LABEL.value);
    metadata.addLabel(PROFILE_LABEL.key, productionNamespace.profile.name);
  }

  /** Every floor, in output order. */
  private definitions(): PolicyDefinition[] {
    const podRules = (subresources: boolean) => resourceRulesOf(this.podKinds, subresources);
    const podVariables = [
      { name: 'podSpec', expression: podSpecExpression(this.podKinds) },
      { name: 'containers', expression: listOf('variables.podSpec', ['containers', 'initContainers', 'ephemeralContainers']) },
      // Ephemeral containers cannot set resources, so the resources floor reads only these.
      { name: 'runContainers', expression: listOf('variables.podSpec', ['containers', 'initContainers']) },
    ];
    const registries = `[${this.allowedRegistries.map((r) => `'${r}'`).join(', ')}]`;
    const limits = this.requireCpuLimits ? ['cpu', 'memory'] : ['memory'];
    return [
      {
        id: 'Images', name: 'images', prodOnly: false, resourceRules: podRules(true), variables: podVariables,
        validations: [
          {
            expression: `variables.containers.all(c, has(c.image) && ${registries}.exists(r, c.image.startsWith(r)))`,
            message: `every container image comes from an allowed registry (${this.allowedRegistries.join(', ')})`,
            reason: 'Forbidden',
          },
          {
            expression: 'variables.containers.all(c, has(c.image) && (c.image.matches(\'@sha256:[a-f0-9]{64}$\')'
              + ' || (c.image.matches(\'^[^@]*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$\') && !c.image.matches(\':latest$\'))))',
            message: 'every container image is pinned by a version tag other than latest, or by a digest',
            reason: 'Invalid',
          },
        ],
      },
      {
        id: 'ImageDigests', name: 'image-digests', prodOnly: true, resourceRules: podRules(true), variables: podVariables,
        validations: [{
          expression: 'variables.containers.all(c, has(c.image) && c.image.matches(\'@sha256:[a-f0-9]{64}$\'))',
          message: 'every container image in a prod namespace is pinned by digest (image@sha256:...)',
          reason: 'Invalid',
        }],
      },
      {
        id: 'Resources', name: 'resources', prodOnly: false, resourceRules: podRules(false), variables: podVariables,
        validations: [{
          expression: 'variables.runContainers.all(c, has(c.resources) && has(c.resources.requests) && has(c.resources.limits)'
            + ' && \'cpu\' in c.resources.requests && \'memory\' in c.resources.requests'
            + limits.map((l) => ` && '${l}' in c.resources.limits`).join('') + ')',
          message: `every container and init container requests CPU and memory and limits ${limits.join(' and ')}`,
          reason: 'Invalid',
        }],
      },
      {
        id: 'HostIsolation', name: 'host-isolation', prodOnly: false, resourceRules: podRules(true), variables: podVariables,
        validations: [
          {
            expression: 'variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)',
            message: 'no container runs privileged',
            reason: 'Forbidden',
          },
          {
            expression: '!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))',
            message: 'no pod mounts a hostPath volume',
            reason: 'Forbidden',
          },
          ...(['hostNetwork', 'hostPID', 'hostIPC'] as const).map((field) => ({
            expression: `!has(variables.podSpec.${field}) || !variables.podSpec.${field}`,
            message: `no pod uses the node's ${field === 'hostNetwork' ? 'network' : field === 'hostPID' ? 'process' : 'IPC'} namespace (${field})`,
            reason: 'Forbidden',
          })),
        ],
      },
      {
        id: 'ExternalServices', name: 'external-services', prodOnly: false,
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services'] }],
        validations: [{
          expression: '!has(object.spec.type) || !(object.spec.type in [\'LoadBalancer\', \'NodePort\'])'
            + ` || request.namespace in [${this.externalServiceNamespaces.map((n) => `'${n}'`).join(', ')}]`,
          message: this.externalServiceNamespaces.length > 0
            ? `Services of type LoadBalancer or NodePort are allowed only in ${this.externalServiceNamespaces.join(', ')}`
            : 'Services of type LoadBalancer or NodePort are not allowed; expose apps through the ingress or gateway',
          reason: 'Forbidden',
        }],
      },
    ];
  }

  private createPolicy(d: PolicyDefinition): void {
    const name = `${ADMISSION_NAME_PREFIX}-${d.name}`;
    // Before 1.30 the API is served only as v1beta1: recorded as a deliberate exemption, not left as a finding.
    const beta = this.apiVersion === AdmissionApiVersion.V1BETA1;
    const metadata = objectMetadata(this.profile, name, undefined, {}, beta ? exemptionAnnotations([{
      ruleId: 'stable-api-version',
      reason: `ValidatingAdmissionPolicy is served as ${this.apiVersion.value} on Kubernetes ${this.kubernetesVersion} (v1 from 1.${ADMISSION_API_MINORS.v1})`,
    }]) : {});
    const policy = clusterScoped(new ApiObject(this, `${d.id}Policy`, {
      apiVersion: this.apiVersion.value,
      kind: 'ValidatingAdmissionPolicy',
      metadata,
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: d.resourceRules },
        ...(d.variables ? { variables: d.variables } : {}),
        validations: d.validations,
      },
    }));
    const matchLabels: { [key: string]: string } = { [FLOORS_LABEL.key]: FLOORS_LABEL.value };
    if (d.prodOnly) {
      matchLabels[PROFILE_LABEL.key] = PROFILE_LABEL.prodValue;
    }
    const binding = clusterScoped(new ApiObject(this, `${d.id}Binding`, {
      apiVersion: this.apiVersion.value,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata,
      spec: {
        policyName: name,
        validationActions: [...this.validationActions],
        matchResources: { namespaceSelector: { matchLabels } },
      },
    }));
    this.policies.push(policy);
    this.bindings.push(binding);
  }
}

/** Registry prefixes, each checked and ending with '/'. */
function resolveRegistries(errors: PropErrors, registries: string[]): string[] {
  errors.check(registries.length === 0, 'allowedRegistries', [], 'is empty, so every image would be refused',
    'list the registries images come from, e.g. [\'registry.example.com\']');
  registries.forEach((r, i) => {
    const problem = registryProblem(r);
    errors.check(problem !== undefined, `allowedRegistries[${i}]`, r, problem ?? '',
      'write the registry host as images name it, optionally with a port and a repository prefix: \'registry.example.com:5000/team\'');
    errors.check(registries.indexOf(r) < i, `allowedRegistries[${i}]`, r, 'is listed twice', 'list each registry once');
  });
  return registries.map((r) => (typeof r === 'string' ? `${r.replace(/\/+$/, '')}/` : String(r)));
}

/** What is wrong with a registry prefix, if anything. */
function registryProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') {
    return 'is not a registry';
  }
  if (/^[a-z]+:\/\//i.test(value)) {
    return 'has a URL scheme, which image references never have';
  }
  if (value.includes('*')) {
    return 'has a wildcard; list each registry';
  }
  const [host, ...path] = value.replace(/\/$/, '').split('/');
  if (value.includes('@') || path.some((c) => c.includes(':'))) {
    return 'names a tag or digest, not a registry';
  }
  const hostPattern = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::[0-9]{1,5})?$/;
  if (!hostPattern.test(host) || !(host.includes('.') || host.includes(':') || host.startsWith('localhost'))) {
    return 'does not start with a registry host (a DNS name with a \'.\' or a port, or localhost), so it would match no image';
  }
  if (path.some((c) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(c))) {
    return 'has a repository prefix that is not lowercase path components';
  }
  return undefined;
}

/** The matchConstraints rules of the pod kinds, grouped by API group and version. */
function resourceRulesOf(kinds: AdmissionPodKind[], subresources: boolean): object[] {
  const groups = new Map<string, { apiGroup: string; apiVersion: string; resources: string[] }>();
  for (const k of kinds) {
    const key = `${k.apiGroup}/${k.apiVersion}`;
    const entry = groups.get(key) ?? { apiGroup: k.apiGroup, apiVersion: k.apiVersion, resources: [] };
    entry.resources.push(k.resource);
    // kubectl debug adds ephemeral containers through this subresource of a Pod.
    if (subresources && k.apiGroup === '' && k.resource === 'pods') {
      entry.resources.push('pods/ephemeralcontainers');
    }
    groups.set(key, entry);
  }
  return [...groups.values()].map((g) => ({
    apiGroups: [g.apiGroup], apiVersions: [g.apiVersion], operations: ['CREATE', 'UPDATE'], resources: g.resources,
  }));
}

/**
 * The pod spec of the object, per kind: a chain of conditionals on `object.kind`, the most common path last, each path
 * guarded with `has()` so that an object without it (a Rollout with `workloadRef`) yields an empty pod spec instead of
 * an error (which `failurePolicy: Fail` would turn into a refusal).
 */
function podSpecExpression(kinds: AdmissionPodKind[]): string {
  const byPath = new Map<string, string[]>();
  for (const k of kinds) {
    byPath.set(k.podSpecPath, [...(byPath.get(k.podSpecPath) ?? []), k.kind]);
  }
  const paths = [...byPath.entries()].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : 1));
  const guarded = (path: string) => {
    const segments = path.split('.');
    const checks = segments.map((_, i) => `has(object.${segments.slice(0, i + 1).join('.')})`);
    return `(${checks.join(' && ')} ? object.${path} : {})`;
  };
  const last = paths[paths.length - 1];
  return paths.slice(0, -1).reduceRight((otherwise, [path, names]) =>
    `(object.kind in [${names.map((n) => `'${n}'`).join(', ')}] ? ${guarded(path)} : ${otherwise})`, guarded(last[0]));
}

/** The concatenation of the lists at `fields` of `base`, each empty when absent. */
function listOf(base: string, fields: string[]): string {
  return fields.map((f) => `(has(${base}.${f}) ? ${base}.${f} : [])`).join(' + ');
}
