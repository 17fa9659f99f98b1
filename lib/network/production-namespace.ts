import { ApiObject, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { mebibytesOf, millicoresOf } from '../internal/quantity';
import { validateResources } from '../workload/_resolve';
import { CLUSTER_DNS, DEFAULT_SIZE, SIZES } from '../defaults';
import { clusterScoped, objectMetadata } from '../workload/_metadata';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { NAMESPACE_NAME_LABEL, isDns1123Label, isInt32 } from '../internal/names';
import {
  ADMITTED_NAMESPACES_CONTEXT_KEY, API_SERVER_CONTEXT_KEY, NAMESPACE_CONTEXT_KEY, _markLibraryChildren, _uniqueId,
} from '../internal/scope';
import { Profile } from '../profile';
import {
  NAMESPACE_OBJECT_NAMES, NAMESPACE_QUOTA, POD_SECURITY_LABEL_PREFIX, POD_SECURITY_REASON_ANNOTATION, POD_SECURITY_VERSION,
} from './defaults';
import { KubernetesApiServer } from './kubernetes-api-server';
import { ApiResource } from '../access/api-grant';
import { TeamAccess, TeamRole, TeamSubject } from '../access/team-access';

/**
 * Options of `ProductionNamespace.grantTeam`.
 */
export interface TeamGrantOptions {
  /**
   * Let a developer exec into pods; dev only (see `TeamAccessProps.podExec`).
   *
   * @default false
   */
  readonly podExec?: boolean;

  /**
   * Resources a deployer needs beyond the kinds synthesized into the namespace (see `TeamAccessProps.deployerResources`).
   *
   * @default - none
   */
  readonly deployerResources?: ApiResource[];
}

/**
 * A Pod Security Standards level, as used by Pod Security Admission.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class PodSecurityLevel {
  /** Heavily restricted: the current pod hardening best practices. */
  public static readonly RESTRICTED = new PodSecurityLevel('restricted');
  /** Minimally restrictive: prevents known privilege escalations. */
  public static readonly BASELINE = new PodSecurityLevel('baseline');
  /** Unrestricted. */
  public static readonly PRIVILEGED = new PodSecurityLevel('privileged');

  private constructor(
    /** The label value: `restricted`, `baseline` or `privileged`. */
    public readonly value: string,
  ) {}

  public toString(): string {
    return this.value;
  }
}

/**
 * The ResourceQuota of a ProductionNamespace. Each field overrides one value of the profile's quota.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export interface NamespaceQuotaOptions {
  /**
   * The sum of CPU requests of all pods.
   *
   * @default - 4 cores in dev, 8 in staging, 32 in prod
   */
  readonly requestsCpu?: kplus.Cpu;

  /**
   * The sum of CPU limits of all pods.
   *
   * @default - 8 cores in dev, 16 in staging, 64 in prod
   */
  readonly limitsCpu?: kplus.Cpu;

  /**
   * The sum of memory requests of all pods.
   *
   * @default - 8 GiB in dev, 16 GiB in staging, 64 GiB in prod
   */
  readonly requestsMemory?: Size;

  /**
   * The sum of memory limits of all pods.
   *
   * @default - 16 GiB in dev, 32 GiB in staging, 128 GiB in prod
   */
  readonly limitsMemory?: Size;

  /**
   * The number of pods.
   *
   * @default - 50 in dev, 100 in staging, 300 in prod
   */
  readonly pods?: number;

  /**
   * The number of PersistentVolumeClaims.
   *
   * @default - 10 in dev, 20 in staging, 50 in prod
   */
  readonly persistentVolumeClaims?: number;
}

/**
 * Props of a `ProductionNamespace`.
 */
export interface ProductionNamespaceProps {
  /**
   * The namespace's name (a DNS-1123 label).
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;

  /**
   * The Pod Security level that is enforced (pods that break it are rejected). Below `RESTRICTED` it needs
   * `podSecurityReason` in staging and prod (an error without it) and in dev (a warning without it).
   *
   * @default PodSecurityLevel.RESTRICTED
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   */
  readonly podSecurityEnforce?: PodSecurityLevel;

  /**
   * The Pod Security level that is audited. Dev may relax it freely; staging and prod need `podSecurityReason`.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityAudit?: PodSecurityLevel;

  /**
   * The Pod Security level that is warned about. Dev may relax it freely; staging and prod need
   * `podSecurityReason`.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityWarn?: PodSecurityLevel;

  /**
   * Why Pod Security is relaxed below `restricted`. Recorded in the annotation
   * `production.platform.io/pod-security-reason`.
   *
   * @default - none; relaxing enforce is an error in staging and prod
   */
  readonly podSecurityReason?: string;

  /**
   * The Pod Security Standards version the labels pin (`v1.<minor>`).
   *
   * @default 'v1.28'
   */
  readonly podSecurityVersion?: string;

  /**
   * The namespace of the cluster DNS that pods may query.
   *
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;

  /**
   * The labels of the cluster DNS pods (CoreDNS keeps the kube-dns label).
   *
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: { [key: string]: string };

  /**
   * The ResourceQuota, overriding single values of the profile's quota.
   *
   * @default - the profile's quota (see `NamespaceQuotaOptions`)
   */
  readonly quota?: NamespaceQuotaOptions;

  /**
   * The requests and limits the LimitRange gives a container that sets none. Fields not given come from the
   * profile's default app size.
   *
   * @default - AppSize.SMALL in dev and staging, AppSize.MEDIUM in prod
   * @see https://kubernetes.io/docs/concepts/policy/limit-range/
   */
  readonly containerDefaults?: kplus.ContainerResources;

  /**
   * The other namespaces that apps in this namespace may admit traffic from. When set, an allow from any other
   * namespace (`allowFrom`, or a ProductionIngress whose controller runs elsewhere) is an error. The namespace
   * itself is always admitted.
   *
   * @default - any namespace may be admitted by an explicit allow
   */
  readonly allowedIngressNamespaces?: string[];

  /**
   * The Kubernetes API server endpoints. Apps in the namespace that mount a service account token get an
   * egress rule to them; without it, such an app is an error in staging and prod.
   *
   * @default - no app may reach the API server
   */
  readonly apiServer?: KubernetesApiServer;
}

/**
 * A namespace laid out for production: Pod Security Admission at `restricted`, a namespace-wide default deny
 * with DNS allowed, and a ResourceQuota and LimitRange sized from the profile.
 *
 * ProductionApps (and ProductionIngresses) created inside it land in it without repeating the namespace.
 *
 * @example
 * const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
 * new ProductionApp(shop, 'Web', { image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz' });
 */
export class ProductionNamespace extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The namespace's name. */
  public readonly name: string;
  /** The enforced Pod Security level. */
  public readonly podSecurityEnforce: PodSecurityLevel;
  /** The audited Pod Security level. */
  public readonly podSecurityAudit: PodSecurityLevel;
  /** The warned Pod Security level. */
  public readonly podSecurityWarn: PodSecurityLevel;
  /** The pinned Pod Security Standards version. */
  public readonly podSecurityVersion: string;
  /** The namespace of the cluster DNS. */
  public readonly dnsNamespace: string;
  /** The labels of the cluster DNS pods. */
  public readonly dnsPodLabels: { [key: string]: string };
  /** Other namespaces apps may admit traffic from, or undefined when any may be. */
  public readonly allowedIngressNamespaces?: string[];
  /** The API server that token-mounting apps may reach, if known. */
  public readonly apiServer?: KubernetesApiServer;

  /** The Namespace. */
  public readonly namespaceObject: kplus.Namespace;
  /** The NetworkPolicy that denies all ingress and egress of every pod in the namespace. */
  public readonly defaultDenyPolicy: k8s.KubeNetworkPolicy;
  /** The NetworkPolicy that lets every pod in the namespace query the cluster DNS. */
  public readonly dnsPolicy: k8s.KubeNetworkPolicy;
  /** The ResourceQuota. */
  public readonly resourceQuota: k8s.KubeResourceQuota;
  /** The LimitRange. */
  public readonly limitRange: k8s.KubeLimitRange;

  public constructor(scope: Construct, id: string, props: ProductionNamespaceProps = {}) {
    super(scope, _uniqueId(scope, id, 'ProductionNamespace'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const profile = this.profile;
    const errors = new PropErrors(this, 'ProductionNamespace', profile);
    assertPropTypes(errors, props, 'ProductionNamespaceProps');

    this.name = props.name ?? Names.toDnsLabel(this);
    errors.checkName(props.name, this.name, isDns1123Label(this.name), 'a DNS-1123 label', 'use lowercase letters, digits and \'-\', at most 63 characters');
    const outer = this.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
    errors.check(outer !== undefined, 'scope', outer, 'is inside another ProductionNamespace; namespaces do not nest',
      'create the ProductionNamespace directly in a chart');

    // ---- pod security ----
    this.podSecurityEnforce = props.podSecurityEnforce ?? PodSecurityLevel.RESTRICTED;
    this.podSecurityAudit = props.podSecurityAudit ?? PodSecurityLevel.RESTRICTED;
    this.podSecurityWarn = props.podSecurityWarn ?? PodSecurityLevel.RESTRICTED;
    this.podSecurityVersion = props.podSecurityVersion ?? POD_SECURITY_VERSION;
    const reason = (props.podSecurityReason ?? '').trim();
    errors.check(props.podSecurityReason !== undefined && reason === '', 'podSecurityReason', props.podSecurityReason,
      'is empty; relaxing Pod Security needs a written reason', 'say why the pods cannot run under \'restricted\'');
    const relaxed = this.podSecurityEnforce !== PodSecurityLevel.RESTRICTED;
    if (relaxed && reason === '') {
      const problem = 'relaxes the enforced Pod Security level below \'restricted\' without \'podSecurityReason\'';
      const fix = 'keep PodSecurityLevel.RESTRICTED, or give \'podSecurityReason\'';
      errors.enforce(true, 'podSecurityEnforce', this.podSecurityEnforce.value, problem, fix);
    }
    for (const [prop, level] of [['podSecurityAudit', this.podSecurityAudit], ['podSecurityWarn', this.podSecurityWarn]] as const) {
      errors.check(profile.isProductionLike && level !== PodSecurityLevel.RESTRICTED && reason === '', prop, level.value,
        `relaxes Pod Security below 'restricted' without 'podSecurityReason', which only dev may do`,
        'keep PodSecurityLevel.RESTRICTED, or give \'podSecurityReason\'');
    }
    errors.check(!/^v1\.[0-9]+$/.test(this.podSecurityVersion), 'podSecurityVersion', this.podSecurityVersion,
      'is not a pinned Kubernetes minor version (\'latest\' would change the policy on every upgrade)', `use a version such as '${POD_SECURITY_VERSION}'`);

    // ---- DNS ----
    this.dnsNamespace = props.dnsNamespace ?? CLUSTER_DNS.namespace;
    this.dnsPodLabels = props.dnsPodLabels ?? { ...CLUSTER_DNS.podLabels };
    errors.check(!isDns1123Label(this.dnsNamespace), 'dnsNamespace', this.dnsNamespace, 'is not a namespace name',
      'use a DNS-1123 label such as \'kube-system\'');
    errors.check(Object.keys(this.dnsPodLabels).length === 0, 'dnsPodLabels', this.dnsPodLabels,
      'is empty, which would allow port 53 to every pod of the DNS namespace', 'give the labels of the DNS pods, e.g. { \'k8s-app\': \'kube-dns\' }');

    // ---- quota and limits ----
    const quota = props.quota ?? {};
    const requestsCpu = quota.requestsCpu ?? profile._select(NAMESPACE_QUOTA.requestsCpu);
    const limitsCpu = quota.limitsCpu ?? profile._select(NAMESPACE_QUOTA.limitsCpu);
    const requestsMemory = quota.requestsMemory ?? profile._select(NAMESPACE_QUOTA.requestsMemory);
    const limitsMemory = quota.limitsMemory ?? profile._select(NAMESPACE_QUOTA.limitsMemory);
    const pods = quota.pods ?? profile._select(NAMESPACE_QUOTA.pods);
    const pvcs = quota.persistentVolumeClaims ?? profile._select(NAMESPACE_QUOTA.persistentVolumeClaims);
    for (const [prop, value] of [['quota.pods', pods], ['quota.persistentVolumeClaims', pvcs]] as const) {
      errors.check(!isInt32(value), prop, value, 'is not a count', 'use a whole number from 0 to 2147483647');
    }
    const cpu = { requestsCpu: millicoresOf(requestsCpu), limitsCpu: millicoresOf(limitsCpu) };
    for (const [prop, value, amount] of [['requestsCpu', cpu.requestsCpu, requestsCpu.amount], ['limitsCpu', cpu.limitsCpu, limitsCpu.amount]] as const) {
      errors.check(!Number.isFinite(value) || value! <= 0, `quota.${prop}`, amount, 'is not a positive CPU quantity', 'use Cpu.units(n) or Cpu.millis(n) with n > 0');
    }
    errors.check(cpu.requestsCpu! > cpu.limitsCpu!, 'quota.requestsCpu', requestsCpu.amount,
      `is above 'quota.limitsCpu' (${limitsCpu.amount})`, 'lower the requests or raise the limits');
    const memory = { requestsMemory: mebibytesOf(requestsMemory)!, limitsMemory: mebibytesOf(limitsMemory)! };
    for (const [prop, value] of Object.entries(memory)) {
      errors.check(!Number.isFinite(value) || value <= 0 || value % 1 !== 0, `quota.${prop}`, `${value}Mi`,
        'is not a positive whole number of MiB, which is how the quota is rendered', 'use Size.gibibytes(n) or Size.mebibytes(n) with a whole n > 0');
    }
    errors.check(memory.requestsMemory > memory.limitsMemory, 'quota.requestsMemory', `${memory.requestsMemory}Mi`,
      `is above 'quota.limitsMemory' (${memory.limitsMemory}Mi)`, 'lower the requests or raise the limits');
    const base = SIZES[profile._select(DEFAULT_SIZE)];
    const d = props.containerDefaults ?? {};
    const defaults = {
      cpu: { request: d.cpu?.request ?? base.cpu!.request!, limit: d.cpu?.limit ?? base.cpu!.limit! },
      memory: { request: d.memory?.request ?? base.memory!.request!, limit: d.memory?.limit ?? base.memory!.limit! },
      ephemeralStorage: {
        request: d.ephemeralStorage?.request ?? base.ephemeralStorage!.request!,
        limit: d.ephemeralStorage?.limit ?? base.ephemeralStorage!.limit!,
      },
    };
    validateResources(errors, 'containerDefaults', defaults, 'Mi');

    // ---- admitted namespaces and API server ----
    this.allowedIngressNamespaces = props.allowedIngressNamespaces ? [...props.allowedIngressNamespaces] : undefined;
    (this.allowedIngressNamespaces ?? []).forEach((ns, i) => errors.check(!isDns1123Label(ns), `allowedIngressNamespaces[${i}]`, ns,
      'is not a namespace name', 'use a DNS-1123 label'));
    this.apiServer = props.apiServer;
    this.apiServer?._reportProblems(errors, 'apiServer');

    errors.throwIfAny();

    // Context first, before any child exists, so that every construct created inside lands in this namespace.
    this.node.setContext(NAMESPACE_CONTEXT_KEY, this.name);
    if (this.allowedIngressNamespaces !== undefined) {
      this.node.setContext(ADMITTED_NAMESPACES_CONTEXT_KEY, { namespace: this.name, admitted: [...this.allowedIngressNamespaces] });
    }
    if (this.apiServer !== undefined) {
      this.node.setContext(API_SERVER_CONTEXT_KEY, this.apiServer._toContext());
    }

    // ================= objects =================
    const labels: Record<string, string> = {
      [`${POD_SECURITY_LABEL_PREFIX}/enforce`]: this.podSecurityEnforce.value,
      [`${POD_SECURITY_LABEL_PREFIX}/enforce-version`]: this.podSecurityVersion,
      [`${POD_SECURITY_LABEL_PREFIX}/audit`]: this.podSecurityAudit.value,
      [`${POD_SECURITY_LABEL_PREFIX}/audit-version`]: this.podSecurityVersion,
      [`${POD_SECURITY_LABEL_PREFIX}/warn`]: this.podSecurityWarn.value,
      [`${POD_SECURITY_LABEL_PREFIX}/warn-version`]: this.podSecurityVersion,
    };
    this.namespaceObject = new kplus.Namespace(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, undefined, labels, reason !== '' ? { [POD_SECURITY_REASON_ANNOTATION]: reason } : {}),
    });
    clusterScoped(ApiObject.of(this.namespaceObject));

    const objectMeta = (name: string) => objectMetadata(profile, name, this.name);
    this.defaultDenyPolicy = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: objectMeta(NAMESPACE_OBJECT_NAMES.defaultDeny),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    this.dnsPolicy = new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: objectMeta(NAMESPACE_OBJECT_NAMES.allowDns),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: this.dnsNamespace } },
            podSelector: { matchLabels: { ...this.dnsPodLabels } },
          }],
          ports: [kplus.Protocol.UDP, kplus.Protocol.TCP].map((protocol) => ({ port: k8s.IntOrString.fromNumber(CLUSTER_DNS.port), protocol })),
        }],
      },
    });

    this.resourceQuota = new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: objectMeta(NAMESPACE_OBJECT_NAMES.quota),
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(requestsCpu.amount),
          'limits.cpu': k8s.Quantity.fromString(limitsCpu.amount),
          'requests.memory': k8s.Quantity.fromString(`${requestsMemory.toMebibytes()}Mi`),
          'limits.memory': k8s.Quantity.fromString(`${limitsMemory.toMebibytes()}Mi`),
          'pods': k8s.Quantity.fromNumber(pods),
          'persistentvolumeclaims': k8s.Quantity.fromNumber(pvcs),
        },
      },
    });

    this.limitRange = new k8s.KubeLimitRange(this, 'Limits', {
      metadata: objectMeta(NAMESPACE_OBJECT_NAMES.limits),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: {
            'cpu': k8s.Quantity.fromString(defaults.cpu.request.amount),
            'memory': k8s.Quantity.fromString(`${defaults.memory.request.toMebibytes()}Mi`),
            'ephemeral-storage': k8s.Quantity.fromString(`${defaults.ephemeralStorage.request.toMebibytes()}Mi`),
          },
          default: {
            'cpu': k8s.Quantity.fromString(defaults.cpu.limit.amount),
            'memory': k8s.Quantity.fromString(`${defaults.memory.limit.toMebibytes()}Mi`),
            'ephemeral-storage': k8s.Quantity.fromString(`${defaults.ephemeralStorage.limit.toMebibytes()}Mi`),
          },
        }],
      },
    });
    _markLibraryChildren(this);
  }

  /**
   * Grants a team a role in this namespace: a `TeamAccess` (construct ID `Team<Team><Role>` in PascalCase, e.g.
   * `TeamShopDeveloper`) with a Role and a RoleBinding named `team-<team>-<role>`.
   *
   * @param team the team's name (a DNS-1123 label)
   * @param role what the team may do
   * @param subjects the team's groups, users or ServiceAccounts
   */
  public grantTeam(team: string, role: TeamRole, subjects: TeamSubject[], options: TeamGrantOptions = {}): TeamAccess {
    const pascal = (word: string) => String(word).split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    return new TeamAccess(this, `Team${pascal(team)}${pascal(role)}`, { team, role, subjects, ...options });
  }
}


