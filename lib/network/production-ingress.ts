import { ApiObject, Lazy, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Certificate } from '../../imports/certificate-cert-manager.io';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/httproute-gateway.networking.k8s.io';
import { NetworkPeer } from '../workload/network-peer';
import { Warnings } from '../warnings';
import { isGrpcPort } from './_gateway';
import { attachRoute, routeBackends } from './_route-target';
import { _registerAppChecks } from '../internal/app-checks';
import { FactoryProblems, PropErrors, PropProblem } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import {
  INGRESS_PATH_INVALID_SEQUENCES, INGRESS_PATH_INVALID_SUFFIXES, hostCovers, isDns1123Label, isDns1123Subdomain, isHost, isInt32,
} from '../internal/names';
import { NAMESPACE_CONTEXT_KEY, _namespaceOf, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import type { IHardenedWorkload } from '../workload/hardened-workload';
import {
  CERT_MANAGER_ANNOTATIONS, CERT_MANAGER_GROUP, EXTERNAL_DNS_HOSTNAME_ANNOTATION, GATEWAY_SECTION_NAME, INGRESS_HAPROXY, INGRESS_NGINX,
  INGRESS_NGINX_GRPC_ANNOTATIONS, INGRESS_NGINX_RETIRED, INGRESS_TRAEFIK,
} from './defaults';

/**
 * What an ingress controller is: its IngressClass, where its pods run, and the annotations it understands.
 */
export interface IngressControllerOptions {
  /** The IngressClass name the controller watches. */
  readonly ingressClassName: string;

  /** The namespace the controller's pods run in (the source of the traffic that reaches the apps). */
  readonly namespaceName: string;

  /** The labels of the controller's pods. */
  readonly podLabels: { [key: string]: string };

  /**
   * Annotations that redirect HTTP to HTTPS.
   *
   * @default - none
   */
  readonly httpsRedirectAnnotations?: { [key: string]: string };

  /**
   * Annotations that turn on HSTS.
   *
   * @default - none (the controller sends HSTS by its own configuration, or not at all)
   */
  readonly hstsAnnotations?: { [key: string]: string };

  /**
   * The annotation that limits requests per second per client (its value is the integer limit).
   *
   * @default - the controller cannot limit rates by annotation; `rateLimitPerSecond` is an error
   */
  readonly rateLimitAnnotation?: string;

  /**
   * The annotation that caps the request body size (its value is in megabytes, e.g. `8m`).
   *
   * @default - the controller cannot cap body sizes by annotation; `maxBodySize` is an error
   */
  readonly bodySizeAnnotation?: string;

  /**
   * Annotations that make the controller speak gRPC (HTTP/2) to the backends of an Ingress. Routes to a gRPC port
   * (named `grpc` or `grpc-<suffix>`) go on a second Ingress, `<name>-grpc`, that carries them.
   *
   * @default - none
   */
  readonly grpcAnnotations?: { [key: string]: string };

  /**
   * Annotations on the backend Service that make the controller speak gRPC (HTTP/2) to it, for controllers that read
   * the backend protocol from the Service.
   *
   * @default - none; with neither this nor `grpcAnnotations`, a route to a gRPC port is an error
   */
  readonly grpcServiceAnnotations?: { [key: string]: string };
}

/**
 * An ingress controller, with the annotation set the ProductionIngress writes for it.
 */
export class IngressController {
  /**
   * ingress-nginx (kubernetes/ingress-nginx): class `nginx`, pods `app.kubernetes.io/name: ingress-nginx` in the
   * `ingress-nginx` namespace. HTTPS redirect by annotation; HSTS is sent for every TLS host by the controller's
   * ConfigMap (`hsts`, on by default), since ingress-nginx has no per-Ingress HSTS annotation; gRPC backends by
   * `nginx.ingress.kubernetes.io/backend-protocol: GRPC`.
   *
   * Retired by Kubernetes SIG Network: no releases or security fixes since March 2026. Choosing it is a warning at
   * synthesis; use a ProductionGateway, or another controller.
   *
   * @see https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/
   */
  public static readonly NGINX = new IngressController({ ...INGRESS_NGINX, grpcAnnotations: INGRESS_NGINX_GRPC_ANNOTATIONS }, [], true);

  /**
   * Traefik Proxy (its Helm chart's defaults): class `traefik`, pods `app.kubernetes.io/name: traefik` in the `traefik`
   * namespace. The routers listen on the `websecure` entry point with TLS only (`router.entrypoints`, `router.tls`),
   * so plain HTTP never reaches the app; the redirect of the `web` entry point and HSTS are Traefik's own configuration
   * (entry point redirections and a headers middleware), not Ingress annotations. gRPC backends: the Service
   * annotation `traefik.ingress.kubernetes.io/service.serversscheme: h2c`. No rate-limit or body-size annotation.
   *
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/
   */
  public static readonly TRAEFIK = new IngressController({
    ...INGRESS_TRAEFIK, grpcAnnotations: INGRESS_TRAEFIK.grpcIngressAnnotations,
  });

  /**
   * HAProxy Kubernetes Ingress Controller (haproxytech/kubernetes-ingress): class `haproxy`, pods
   * `app.kubernetes.io/name: kubernetes-ingress` in the `haproxy-controller` namespace. HTTPS redirect by
   * `haproxy.org/ssl-redirect` (301), HSTS by `haproxy.org/response-set-header`, rate limit by
   * `haproxy.org/rate-limit-requests` (per second), gRPC backends by `haproxy.org/server-proto: h2`. No body-size
   * annotation.
   *
   * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md
   */
  public static readonly HAPROXY = new IngressController({
    ...INGRESS_HAPROXY, grpcAnnotations: INGRESS_HAPROXY.grpcIngressAnnotations,
  });

  /**
   * Any other controller (Contour, Kong, a second Traefik with another class, ...).
   */
  public static custom(options: IngressControllerOptions): IngressController {
    const problems = new FactoryProblems();
    const given = options ?? ({} as IngressControllerOptions);
    problems.check(typeof given.ingressClassName !== 'string' || !isDns1123Subdomain(given.ingressClassName), 'ingressClassName', given.ingressClassName,
      'is not a valid IngressClass name', 'use a DNS-1123 subdomain');
    problems.check(typeof given.namespaceName !== 'string' || !isDns1123Label(given.namespaceName), 'namespaceName', given.namespaceName, 'is not a namespace name',
      'use a DNS-1123 label');
    problems.check(typeof given.podLabels !== 'object' || given.podLabels === null || Object.keys(given.podLabels).length === 0, 'podLabels', given.podLabels,
      'is empty, which would admit every pod of the controller namespace', 'give the labels of the controller pods');
    return new IngressController({ ...given, podLabels: { ...(given.podLabels ?? {}) } }, problems.problems);
  }

  /** The IngressClass name. */
  public readonly ingressClassName: string;
  /** The namespace of the controller's pods. */
  public readonly namespaceName: string;
  /** The labels of the controller's pods. */
  public readonly podLabels: { [key: string]: string };
  /** Annotations that redirect HTTP to HTTPS. */
  public readonly httpsRedirectAnnotations: { [key: string]: string };
  /** Annotations that turn on HSTS. */
  public readonly hstsAnnotations: { [key: string]: string };
  /** The rate-limit annotation, if the controller has one. */
  public readonly rateLimitAnnotation?: string;
  /** The body-size annotation, if the controller has one. */
  public readonly bodySizeAnnotation?: string;
  /** Annotations on an Ingress whose backends speak gRPC. */
  public readonly grpcAnnotations: { [key: string]: string };
  /** Annotations on a backend Service that speaks gRPC. */
  public readonly grpcServiceAnnotations: { [key: string]: string };

  private constructor(options: IngressControllerOptions, private readonly problems: PropProblem[] = [],
    /** Whether the controller is retired upstream (a warning whenever it is used). @internal */
    public readonly _retired: boolean = false) {
    this.ingressClassName = options.ingressClassName;
    this.namespaceName = options.namespaceName;
    this.podLabels = { ...options.podLabels };
    this.httpsRedirectAnnotations = { ...(options.httpsRedirectAnnotations ?? {}) };
    this.hstsAnnotations = { ...(options.hstsAnnotations ?? {}) };
    this.rateLimitAnnotation = options.rateLimitAnnotation;
    this.bodySizeAnnotation = options.bodySizeAnnotation;
    this.grpcAnnotations = { ...(options.grpcAnnotations ?? {}) };
    this.grpcServiceAnnotations = { ...(options.grpcServiceAnnotations ?? {}) };
  }

  /** Whether the controller can be told that a backend speaks gRPC. */
  public get supportsGrpc(): boolean {
    return Object.keys(this.grpcAnnotations).length + Object.keys(this.grpcServiceAnnotations).length > 0;
  }

  /**
   * Records what `custom` found wrong in its options, under `prefix`, in the errors of the construct that uses it.
   *
   * @internal
   */
  public _reportProblems(errors: PropErrors, prefix: string): void {
    errors.addAll(`${prefix}(IngressController.custom)`, this.problems);
  }

  /** The controller's pods, as a network peer. */
  public get peer(): NetworkPeer {
    return NetworkPeer.inNamespace(this.namespaceName, this.podLabels);
  }
}

/**
 * A cert-manager issuer, by name.
 *
 * @see https://cert-manager.io/docs/concepts/issuer/
 */
export class CertManagerIssuer {
  /** A cluster-scoped ClusterIssuer. */
  public static clusterIssuer(name: string): CertManagerIssuer {
    return new CertManagerIssuer(name, 'ClusterIssuer', CERT_MANAGER_ANNOTATIONS.clusterIssuer);
  }

  /** A namespaced Issuer, in the namespace of the ingress. */
  public static issuer(name: string): CertManagerIssuer {
    return new CertManagerIssuer(name, 'Issuer', CERT_MANAGER_ANNOTATIONS.issuer);
  }

  private constructor(
    /** The issuer's name. */
    public readonly name: string,
    /** `ClusterIssuer` or `Issuer`. */
    public readonly kind: string,
    /** The ingress-shim annotation that names this kind of issuer. @internal */
    public readonly _annotation: string,
  ) {}

  public toString(): string {
    return `${this.kind}/${this.name}`;
  }
}

/**
 * Where the TLS certificate of a set of hosts comes from.
 */
export class TlsCertificate {
  /**
   * A cert-manager `Certificate` object for the hosts, issued by `issuer` into a Secret named after the ingress.
   */
  public static certManager(issuer: CertManagerIssuer): TlsCertificate {
    return new TlsCertificate('certificate', issuer, undefined);
  }

  /**
   * cert-manager's ingress-shim: the issuer annotation on the Ingress; cert-manager creates the Certificate.
   * One Ingress carries one issuer annotation, so every entry of this kind must name the same issuer.
   */
  public static certManagerAnnotation(issuer: CertManagerIssuer): TlsCertificate {
    return new TlsCertificate('annotation', issuer, undefined);
  }

  /**
   * A TLS Secret you provide (type `kubernetes.io/tls`, in the namespace of the ingress).
   */
  public static fromSecret(secret: kplus.ISecret): TlsCertificate {
    return new TlsCertificate('secret', undefined, secret);
  }

  /** The issuer, for the cert-manager kinds. */
  public readonly issuer?: CertManagerIssuer;
  /** The Secret, for `fromSecret`. */
  public readonly secret?: kplus.ISecret;
  /** How the certificate is obtained. @internal */
  public readonly _kind: string;

  private constructor(kind: string, issuer: CertManagerIssuer | undefined, secret: kplus.ISecret | undefined) {
    this._kind = kind;
    this.issuer = issuer;
    this.secret = secret;
  }

  public toString(): string {
    return this._kind === 'secret' ? `Secret ${this.secret?.name}` : `${this._kind} ${this.issuer}`;
  }
}

/**
 * A TLS entry of a ProductionIngress: a set of hosts and its certificate.
 */
export interface IngressTlsOptions {
  /** Where the certificate comes from. */
  readonly certificate: TlsCertificate;

  /**
   * The hosts the certificate covers. A wildcard (`*.example.com`) covers one label below it.
   *
   * @default - every routed host that no other entry lists, except wildcard hosts (which need an entry that
   * lists them, since HTTP-01 cannot issue wildcard certificates)
   */
  readonly hosts?: string[];
}

/**
 * Emit the routes as Gateway API HTTPRoutes attached to an existing Gateway, instead of an Ingress.
 *
 * TLS is terminated by the Gateway's HTTPS listener, which is why routes attach to it by `sectionName`.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export interface IngressGatewayOptions {
  /** The Gateway's name. */
  readonly name: string;

  /**
   * The Gateway's namespace.
   *
   * @default - the namespace of the ingress
   */
  readonly namespaceName?: string;

  /**
   * The Gateway listener the routes attach to.
   *
   * @default 'https'
   */
  readonly sectionName?: string;

  /**
   * The labels of the Gateway's data-plane pods, which send the traffic to the apps.
   *
   * @default - every pod of the Gateway's namespace
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * Options for `ProductionIngress.addRoute` and `addServiceRoute`.
 */
export interface IngressRouteOptions {
  /**
   * The port of the app (or Service) to route to.
   *
   * @default - the app's main port; a Service's only port
   */
  readonly port?: number;

  /**
   * How the path is matched.
   *
   * @default kplus.HttpIngressPathType.PREFIX
   */
  readonly pathType?: kplus.HttpIngressPathType;
}

/**
 * Props of a `ProductionIngress`.
 */
export interface ProductionIngressProps {
  /**
   * The name of the Ingress (or the prefix of the HTTPRoutes and Certificates).
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;

  /**
   * The namespace. An Ingress routes only to Services in its own namespace.
   *
   * @default - the enclosing ProductionNamespace, else the chart's namespace
   */
  readonly namespaceName?: string;

  /**
   * The ingress controller: its class, its pods (allowed into the routed apps) and its annotations. Required for an
   * Ingress: the library has no default controller since ingress-nginx, the old default, was retired (no releases or
   * security fixes since March 2026); choosing IngressController.NGINX is a warning at synthesis. For new entries use
   * a ProductionGateway.
   *
   * @default - none: an error for an Ingress; unused with `gateway`
   */
  readonly controller?: IngressController;

  /**
   * The IngressClass.
   *
   * @default - the controller's class (`nginx` for IngressController.NGINX)
   */
  readonly ingressClassName?: string;

  /**
   * TLS entries. Every routed host must be covered; a host without TLS is an error in staging and prod and a
   * warning in dev.
   *
   * @default - no TLS
   */
  readonly tls?: IngressTlsOptions[];

  /**
   * Redirect HTTP to HTTPS. Turning it off is an error in staging and prod.
   *
   * @default true
   */
  readonly httpsRedirect?: boolean;

  /**
   * Send Strict-Transport-Security. Turning it off is an error in staging and prod.
   *
   * @default true
   */
  readonly hsts?: boolean;

  /**
   * Requests per second allowed per client address.
   *
   * @default - no limit
   */
  readonly rateLimitPerSecond?: number;

  /**
   * The largest request body accepted.
   *
   * @default - the controller's default (1 MiB for ingress-nginx)
   */
  readonly maxBodySize?: Size;

  /**
   * Publish the hosts with external-dns (`external-dns.alpha.kubernetes.io/hostname`).
   *
   * @default false
   */
  readonly externalDns?: boolean;

  /**
   * Emit Gateway API HTTPRoutes attached to this Gateway instead of an Ingress.
   *
   * @default - an Ingress is emitted
   */
  readonly gateway?: IngressGatewayOptions;
}

/** One route, as recorded. */
interface Route {
  readonly host: string;
  readonly path: string;
  readonly pathType: kplus.HttpIngressPathType;
  /** The Services and weights the route sends traffic to (one, except for a workload whose traffic is split). */
  readonly backends: Array<{ readonly name: string; readonly port: number; readonly weight?: number }>;
  /** The workload routed to, for the routes that reference it. */
  readonly app?: IHardenedWorkload;
  /** Whether the backend speaks gRPC. */
  readonly grpc: boolean;
}

/**
 * The public entry of a set of apps on clusters that use the Ingress API: host and path routes over TLS, through an
 * ingress controller (Traefik, HAProxy, or your own; ingress-nginx is retired). New entries use a ProductionGateway.
 *
 * Routing to a hardened workload also allows the controller's pods into it, on the routed port only. Emits
 * an Ingress (with cert-manager Certificates when asked), or Gateway API HTTPRoutes with `gateway`.
 *
 * @example
 * const ingress = new ProductionIngress(shop, 'Ingress', {
 *   controller: IngressController.TRAEFIK,
 *   tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) }],
 * });
 * ingress.addRoute('shop.example.com', '/', web);
 */
export class ProductionIngress extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The name of the Ingress (the prefix of the HTTPRoutes and Certificates). */
  public readonly name: string;
  /** The namespace. */
  public readonly namespaceName?: string;
  /** The ingress controller; undefined in Gateway mode when none is given. */
  public readonly controller?: IngressController;
  /** The IngressClass, or undefined in Gateway mode. */
  public readonly ingressClassName?: string;
  /** Whether HTTP is redirected to HTTPS. */
  public readonly httpsRedirect: boolean;
  /** Whether HSTS is on. */
  public readonly hsts: boolean;
  /** Whether external-dns publishes the hosts. */
  public readonly externalDns: boolean;

  /** The Ingress, unless `gateway` is set. */
  public readonly ingress?: kplus.Ingress;
  private grpcIngressResource?: kplus.Ingress;
  /** The cert-manager Certificates, one per `TlsCertificate.certManager` entry. */
  public readonly certificates: ApiObject[] = [];
  /** The HTTPRoutes, one per host, when `gateway` is set. */
  public readonly httpRoutes: ApiObject[] = [];

  private readonly routes: Route[] = [];
  private readonly tlsEntries: Array<{ hosts: string[]; explicit: boolean }> = [];
  private readonly gateway?: IngressGatewayOptions;
  private readonly sourcePeer: NetworkPeer;
  private readonly ingressController: IngressController;
  /** The annotations of the main Ingress that the gRPC Ingress shares (not the issuer nor external-dns). */
  private baseAnnotations: Record<string, string> = {};
  /** The Secret of each TLS entry. */
  private readonly tlsSecrets: kplus.ISecret[] = [];

  public constructor(scope: Construct, id: string, props: ProductionIngressProps = {}) {
    super(scope, _uniqueId(scope, id, 'ProductionIngress'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionIngress', this.profile);
    assertPropTypes(errors, props, 'ProductionIngressProps');
    const policy = errors.enforce.bind(errors);

    this.name = props.name ?? Names.toDnsLabel(this);
    errors.checkName(props.name, this.name, isDns1123Subdomain(this.name), 'a DNS-1123 subdomain', 'use lowercase letters, digits, \'-\' and \'.\'');
    this.namespaceName = props.namespaceName ?? _namespaceOf(this);
    const enclosing = this.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
    errors.check(props.namespaceName !== undefined && enclosing !== undefined && props.namespaceName !== enclosing, 'namespaceName', props.namespaceName,
      `conflicts with the enclosing ProductionNamespace "${enclosing}"`, 'remove \'namespaceName\', or create the ingress outside the ProductionNamespace');
    this.controller = props.controller;
    // Gateway mode reads nothing of the controller; the placeholder only keeps the guarded Ingress code typed.
    this.ingressController = props.controller ?? IngressController.NGINX;
    props.controller?._reportProblems(errors, 'controller');
    errors.check(props.controller === undefined && props.gateway === undefined, 'controller', undefined,
      `is not set, and an Ingress needs one: the library has no default controller since ${INGRESS_NGINX_RETIRED}`,
      'enter through a ProductionGateway (Gateway API), or give IngressController.TRAEFIK, IngressController.HAPROXY, IngressController.custom(...), '
      + 'or knowingly IngressController.NGINX');
    if (props.controller?._retired && props.gateway === undefined) {
      // A warning in every profile: the choice is the user's, but nobody should make it without knowing.
      this.node.addMetadata(Warnings.METADATA_KEY, '\'controller\' (IngressController.NGINX): '
        + `${INGRESS_NGINX_RETIRED}. Fix: route through a ProductionGateway (Gateway API), or choose a maintained controller `
        + '(IngressController.TRAEFIK, IngressController.HAPROXY or IngressController.custom)');
    }
    this.gateway = props.gateway;
    this.httpsRedirect = props.httpsRedirect ?? true;
    this.hsts = props.hsts ?? true;
    this.externalDns = props.externalDns ?? false;
    policy(!this.httpsRedirect, 'httpsRedirect', false, 'serves plain HTTP', 'remove it (HTTPS redirect is on by default)');
    policy(!this.hsts, 'hsts', false, 'lets browsers fall back to plain HTTP', 'remove it (HSTS is on by default)');

    const rate = props.rateLimitPerSecond;
    errors.check(rate !== undefined && !isInt32(rate, 1), 'rateLimitPerSecond', rate, 'is not a whole number from 1 to 2147483647', 'use 1 or more');
    const bodyMebibytes = props.maxBodySize?.toMebibytes();
    errors.check(bodyMebibytes !== undefined && !(bodyMebibytes > 0), 'maxBodySize', bodyMebibytes === undefined ? undefined : `${bodyMebibytes}Mi`,
      'is not a positive size', 'use Size.mebibytes(n) with n > 0');

    if (this.gateway) {
      const gw = this.gateway;
      errors.check(!isDns1123Subdomain(gw.name), 'gateway.name', gw.name, 'is not a Gateway name', 'use a DNS-1123 subdomain');
      errors.check(gw.namespaceName !== undefined && !isDns1123Label(gw.namespaceName), 'gateway.namespaceName', gw.namespaceName, 'is not a namespace name', 'use a DNS-1123 label');
      errors.check(props.ingressClassName !== undefined, 'ingressClassName', props.ingressClassName, 'is set together with \'gateway\'',
        'remove it; the Gateway\'s class decides the controller');
      errors.check(props.tls !== undefined, 'tls', '(set)', 'is set together with \'gateway\'; a Gateway terminates TLS on its HTTPS listener',
        'configure the certificate on the Gateway listener and remove \'tls\'');
      errors.check(rate !== undefined, 'rateLimitPerSecond', rate, 'is an ingress controller annotation and cannot apply to an HTTPRoute',
        'configure the limit on the Gateway implementation, or remove it');
      errors.check(props.maxBodySize !== undefined, 'maxBodySize', `${bodyMebibytes}Mi`, 'is an ingress controller annotation and cannot apply to an HTTPRoute',
        'configure it on the Gateway implementation, or remove it');
      errors.check(this.externalDns, 'externalDns', true, 'is set together with \'gateway\'', 'let external-dns read the HTTPRoutes (its gateway-httproute source)');
    } else {
      this.ingressClassName = props.ingressClassName ?? this.ingressController.ingressClassName;
      errors.check(!isDns1123Subdomain(this.ingressClassName), 'ingressClassName', this.ingressClassName, 'is not an IngressClass name',
        'use a DNS-1123 subdomain such as \'nginx\'');
      errors.check(rate !== undefined && this.ingressController.rateLimitAnnotation === undefined, 'rateLimitPerSecond', rate,
        'is set, but the controller has no rate-limit annotation', 'give \'rateLimitAnnotation\' in IngressController.custom, or remove it');
      errors.check(props.maxBodySize !== undefined && this.ingressController.bodySizeAnnotation === undefined, 'maxBodySize', `${bodyMebibytes}Mi`,
        'is set, but the controller has no body-size annotation', 'give \'bodySizeAnnotation\' in IngressController.custom, or remove it');
    }

    // ---- TLS entries ----
    const tls = props.tls ?? [];
    const seen = new Map<string, number>();
    tls.forEach((entry, i) => {
      (entry.hosts ?? []).forEach((host, j) => {
        errors.check(!isHost(host), `tls[${i}].hosts[${j}]`, host, 'is not a valid DNS name',
          'use lowercase letters, digits, \'-\' and \'.\', optionally starting with \'*.\'');
        errors.check(seen.has(host), `tls[${i}].hosts[${j}]`, host, `is already covered by tls[${seen.get(host)}]`, 'list each host in one entry');
        seen.set(host, seen.get(host) ?? i);
      });
      errors.check(entry.hosts !== undefined && entry.hosts.length === 0, `tls[${i}].hosts`, [], 'is empty', 'list the hosts, or leave \'hosts\' out to cover every other host');
    });
    const catchAll = tls.filter((e) => e.hosts === undefined);
    errors.check(catchAll.length > 1, 'tls', `${catchAll.length} entries without 'hosts'`, 'has more than one catch-all entry',
      'give \'hosts\' to all but one entry');
    const annotationIssuers = [...new Set(tls.filter((e) => e.certificate._kind === 'annotation').map((e) => String(e.certificate.issuer)))];
    errors.check(annotationIssuers.length > 1, 'tls', annotationIssuers, 'names more than one issuer by annotation, but an Ingress carries one issuer annotation',
      'use TlsCertificate.certManager(...) for the other issuers, or one issuer');

    errors.throwIfAny();
    this.node.addValidation({
      validate: () => (this.routes.length === 0 ? [`ProductionIngress '${this.node.path}' has no routes. Fix: call addRoute(host, path, app)`] : []),
    });

    // ================= objects =================
    this.sourcePeer = this.gateway
      ? NetworkPeer.inNamespace(this.gateway.namespaceName ?? this.namespaceName ?? 'default', this.gateway.podLabels)
      : this.ingressController.peer;
    if (this.gateway) {
      return;
    }

    const annotations: Record<string, string> = {};
    if (this.httpsRedirect) Object.assign(annotations, this.ingressController.httpsRedirectAnnotations);
    if (this.hsts) Object.assign(annotations, this.ingressController.hstsAnnotations);
    if (rate !== undefined) annotations[this.ingressController.rateLimitAnnotation!] = String(rate);
    if (bodyMebibytes !== undefined) annotations[this.ingressController.bodySizeAnnotation!] = `${Math.ceil(bodyMebibytes)}m`;
    this.baseAnnotations = { ...annotations };
    const shim = tls.find((e) => e.certificate._kind === 'annotation')?.certificate.issuer;
    if (shim) annotations[shim._annotation] = shim.name;
    if (this.externalDns) {
      annotations[EXTERNAL_DNS_HOSTNAME_ANNOTATION] = Lazy.any({ produce: () => this.hostsOf(false).join(',') }) as string;
    }

    this.ingress = new kplus.Ingress(this, 'Resource', {
      metadata: objectMetadata(this.profile, this.name, this.namespaceName, {}, annotations),
      className: this.ingressClassName,
    });

    tls.forEach((entry, i) => {
      const hosts = entry.hosts ? [...entry.hosts] : [];
      this.tlsEntries.push({ hosts, explicit: entry.hosts !== undefined });
      const secretName = tls.length === 1 ? `${this.name}-tls` : `${this.name}-tls-${i}`;
      const cert = entry.certificate;
      if (cert._kind === 'certificate') {
        this.certificates.push(new Certificate(this, `Certificate${i}`, {
          metadata: objectMetadata(this.profile, secretName, this.namespaceName),
          spec: {
            secretName,
            dnsNames: hosts,
            issuerRef: { name: cert.issuer!.name, kind: cert.issuer!.kind, group: CERT_MANAGER_GROUP },
          },
        }));
      }
      const secret = cert.secret ?? kplus.Secret.fromSecretName(this, `TlsSecret${i}`, secretName);
      this.tlsSecrets.push(secret);
      // The array is ours and filled by addRoute; kplus renders it at synthesis.
      this.ingress!.addTls([{ hosts, secret }]);
    });
  }

  /**
   * Routes `host` + `path` to a hardened workload with a Service (a ProductionApp, ...), and allows the
   * controller's pods into it on that port. A port named `grpc` or `grpc-<suffix>` is routed as gRPC: with the
   * controller's gRPC annotations on a second Ingress (`<name>-grpc`), or on the workload's Service.
   *
   * @throws if the host is not a DNS name, the host and path are already routed, the port is not a port of the
   * app, the app is in another namespace, the app's traffic is split between several Services (an Ingress cannot
   * split traffic), or (in staging and prod) no TLS entry covers the host
   */
  public addRoute(host: string, path: string, app: IHardenedWorkload, options: IngressRouteOptions = {}): void {
    const port = options.port ?? app.ports[0]?.port;
    const errors = this.checkRoute(host, path, options.pathType);
    if (app.service === undefined || app.ports.length === 0) {
      errors.add('addRoute.app', app.node.path, 'has no Service and serves no port (a worker or a job), so nothing can be routed to it',
        'route to a workload that serves a port, such as a ProductionApp');
      errors.throwIfAny();
    }
    const appPort = app.ports.find((p) => p.port === port);
    errors.check(appPort === undefined, 'addRoute.port', port, `is not a port of workload '${app.node.path}'`,
      `use one of ${app.ports.map((p) => p.port).join(', ')}`);
    errors.check((app.namespaceName ?? '') !== (this.namespaceName ?? ''), 'addRoute.app', app.node.path,
      `is in namespace "${app.namespaceName ?? ''}" but the ingress is in "${this.namespaceName ?? ''}"; an Ingress routes only to Services in its own namespace`,
      'create the ProductionIngress in the app\'s namespace (one ingress per namespace)');
    const backends = appPort !== undefined ? routeBackends(app, port!) : [];
    errors.check(appPort !== undefined && backends.length === 0, 'addRoute.app', app.node.path, 'has no Service for the route to reach',
      'route to a workload with a Service');
    errors.check(!this.gateway && backends.length > 1, 'addRoute.app', app.node.path,
      `splits its traffic between the Services ${backends.map((b) => b.name).join(', ')}, which an Ingress cannot do (it has one backend per path)`,
      'route the workload through a ProductionGateway with a ProductionHttpRoute, whose backends carry the weights');
    errors.check(!this.gateway && backends.length === 1 && backends[0].name !== app.service?.name, 'addRoute.app', app.node.path,
      `sends its traffic to the Service '${backends[0]?.name}', not to its own Service '${app.service?.name}', and an Ingress backend is the workload's own Service`,
      'route the workload through a ProductionGateway with a ProductionHttpRoute');
    const grpc = isGrpcPort(appPort);
    this.checkGrpc(errors, grpc, 'addRoute.port', port);
    errors.throwIfAny();
    if (grpc && Object.keys(this.ingressController.grpcServiceAnnotations).length > 0 && !this.gateway) {
      annotate(app.service!, this.ingressController.grpcServiceAnnotations);
    }
    this.record(host, path, options.pathType, backends, grpc, app, app.service);
    app.addIngressRule(this.sourcePeer, { ports: [port!] });
  }

  /**
   * Routes `host` + `path` to a Service that is not a hardened workload. No NetworkPolicy is derived: allow the
   * controller into the Service's pods yourself.
   *
   * @throws as `addRoute`, for the Service's ports
   */
  public addServiceRoute(host: string, path: string, service: kplus.Service, options: IngressRouteOptions = {}): void {
    const ports = service.ports.map((p) => p.port);
    const port = options.port ?? (ports.length === 1 ? ports[0] : undefined);
    const errors = this.checkRoute(host, path, options.pathType);
    errors.check(port === undefined || !ports.includes(port), 'addServiceRoute.port', port, `is not a port of Service '${service.name}'`,
      `give one of ${ports.join(', ') || '(the Service has no ports)'}`);
    const servicePort = service.ports.find((p) => p.port === port);
    const grpc = servicePort?.name !== undefined && isGrpcPort({ name: servicePort.name, port: servicePort.port });
    this.checkGrpc(errors, grpc, 'addServiceRoute.port', port);
    errors.throwIfAny();
    if (grpc && Object.keys(this.ingressController.grpcServiceAnnotations).length > 0 && !this.gateway) {
      annotate(service, this.ingressController.grpcServiceAnnotations);
    }
    this.record(host, path, options.pathType, [{ name: service.name, port: port! }], grpc, undefined, service);
  }

  /**
   * The Ingress of the routes to gRPC ports (`<name>-grpc`, carrying the controller's `grpcAnnotations`), once one is
   * routed.
   */
  public get grpcIngress(): kplus.Ingress | undefined {
    return this.grpcIngressResource;
  }

  /** Every routed host, in the order first routed. */
  public hosts(): string[] {
    return [...new Set(this.routes.map((r) => r.host))];
  }

  /** The peer that sends the routed traffic: the controller's pods, or the Gateway's. */
  public get trafficSource(): NetworkPeer {
    return this.sourcePeer;
  }

  /** The hosts of the routes of the main Ingress (false) or of the gRPC Ingress (true). */
  private hostsOf(grpc: boolean): string[] {
    return [...new Set(this.routes.filter((r) => r.grpc === grpc || !this.splitsGrpc).map((r) => r.host))];
  }

  /** Whether gRPC routes go on their own Ingress (the controller marks gRPC backends per Ingress). */
  private get splitsGrpc(): boolean {
    return Object.keys(this.ingressController.grpcAnnotations).length > 0;
  }

  /** A route to a gRPC port needs a controller that can be told so, and Gateway mode routes HTTP only. */
  private checkGrpc(errors: PropErrors, grpc: boolean, prop: string, port: number | undefined): void {
    if (!grpc) {
      return;
    }
    if (this.gateway) {
      errors.add(prop, port, 'is a gRPC port, and the HTTPRoutes of the \'gateway\' mode carry HTTP only',
        'route it with a ProductionGrpcRoute on ProductionGateway.fromGatewayAttributes(...)');
      return;
    }
    errors.check(!this.ingressController.supportsGrpc, prop, port, 'is a gRPC port (named \'grpc\' or \'grpc-<suffix>\'), but the controller has no gRPC setting, so it would speak HTTP/1.1 to it',
      'give \'grpcAnnotations\' or \'grpcServiceAnnotations\' in IngressController.custom, or route it through a ProductionGateway with a ProductionGrpcRoute');
  }

  private checkRoute(host: string, path: string, pathType: kplus.HttpIngressPathType | undefined): PropErrors {
    const errors = new PropErrors(this, 'ProductionIngress', this.profile);
    const validHost = isHost(host);
    errors.check(!validHost, 'addRoute.host', host, 'is not a valid DNS name',
      'use lowercase letters, digits, \'-\' and \'.\' (e.g. \'shop.example.com\'), optionally starting with \'*.\'');
    errors.check(typeof path !== 'string' || !path.startsWith('/'), 'addRoute.path', path, 'is not an absolute path', `start it with '/', e.g. '/${path}'`);
    errors.check(typeof path === 'string' && ingressPathProblem(path) !== undefined, 'addRoute.path', path,
      `${ingressPathProblem(String(path))}, which the API server refuses for Prefix and Exact paths`, 'write the path without empty, \'.\' or \'..\' segments and without an encoded \'/\'');
    errors.check(this.routes.some((r) => r.host === host && r.path === path), 'addRoute.path', `${host}${path}`,
      'is already routed', 'route each host and path once');
    if (this.gateway) {
      errors.check(pathType === kplus.HttpIngressPathType.IMPLEMENTATION_SPECIFIC, 'addRoute.pathType', pathType,
        'has no HTTPRoute equivalent', 'use PREFIX or EXACT');
      return errors;
    }
    if (!validHost) {
      return errors;
    }
    const covered = this.tlsEntries.some((e) => (e.explicit ? e.hosts.some((h) => hostCovers(h, host)) : !host.startsWith('*.')));
    if (!covered) {
      const wildcard = host.startsWith('*.');
      const problem = wildcard
        ? 'is a wildcard host without a matching certificate'
        : 'has no TLS';
      const fix = wildcard
        ? `add a 'tls' entry with hosts ['${host}'] (a wildcard certificate: a DNS-01 issuer or TlsCertificate.fromSecret)`
        : 'add a \'tls\' entry (e.g. { certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer(\'letsencrypt\')) })';
      errors.enforce(true, 'addRoute.host', host, problem, fix);
    }
    return errors;
  }

  /**
   * Records a route. `service` is the Service object of the single backend, which an Ingress backend is built from
   * (the checks make sure an Ingress route has exactly that one backend).
   */
  private record(host: string, path: string, pathType: kplus.HttpIngressPathType | undefined, backends: Route['backends'], grpc: boolean,
    app: IHardenedWorkload | undefined, service: kplus.Service | undefined): void {
    const type = pathType ?? kplus.HttpIngressPathType.PREFIX;
    const isNewHost = !this.routes.some((r) => r.host === host);
    this.routes.push({ host, path, pathType: type, backends, app, grpc });
    if (this.ingress) {
      const target = grpc && this.splitsGrpc ? this.grpcIngressOf() : this.ingress;
      target.addHostRule(host, path, kplus.IngressBackend.fromService(service!, { port: backends[0].port }), type);
      if (isNewHost) {
        const entry = this.tlsEntries.find((e) => e.explicit && e.hosts.some((h) => hostCovers(h, host)))
          ?? this.tlsEntries.find((e) => !e.explicit);
        if (entry && !entry.explicit) {
          entry.hosts.push(host);
        }
      }
      return;
    }
    if (isNewHost) {
      this.addHttpRoute(host);
    }
    if (app !== undefined) {
      const index = this.hosts().indexOf(host);
      attachRoute(app, { kind: 'HTTPRoute', name: `${this.name}-${index}`, namespace: this.namespaceName });
    }
  }

  /** The Ingress of the gRPC routes, created with the first one: the main Ingress's TLS and annotations, and the controller's gRPC ones. */
  private grpcIngressOf(): kplus.Ingress {
    if (this.grpcIngressResource === undefined) {
      const annotations: Record<string, string> = { ...this.baseAnnotations, ...this.ingressController.grpcAnnotations };
      if (this.externalDns) {
        annotations[EXTERNAL_DNS_HOSTNAME_ANNOTATION] = Lazy.any({ produce: () => this.hostsOf(true).join(',') }) as string;
      }
      this.grpcIngressResource = new kplus.Ingress(this, 'Grpc', {
        metadata: objectMetadata(this.profile, `${this.name}-grpc`, this.namespaceName, {}, annotations),
        className: this.ingressClassName,
      });
      // The same hosts and Secrets as the main Ingress: the certificates are issued once, for both.
      this.tlsEntries.forEach((entry, i) => this.grpcIngressResource!.addTls([{ hosts: entry.hosts, secret: this.tlsSecrets[i] }]));
    }
    return this.grpcIngressResource;
  }

  private addHttpRoute(host: string): void {
    const gw = this.gateway!;
    const index = this.httpRoutes.length;
    const route = new HttpRoute(this, `Route${index}`, {
      metadata: objectMetadata(this.profile, `${this.name}-${index}`, this.namespaceName),
      spec: {
        parentRefs: [{ name: gw.name, namespace: gw.namespaceName, sectionName: gw.sectionName ?? GATEWAY_SECTION_NAME }],
        hostnames: [host],
        rules: Lazy.any({
          produce: () => this.routes.filter((r) => r.host === host).map((r) => ({
            matches: [{
              path: {
                type: r.pathType === kplus.HttpIngressPathType.EXACT ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
                value: r.path,
              },
            }],
            backendRefs: r.backends.map((b) => ({ name: b.name, port: b.port, weight: b.weight })),
          })),
        }),
      },
    });
    this.httpRoutes.push(route);
  }
}

/** Adds annotations to a Service, keeping any value already set by its owner. */
function annotate(service: kplus.Service, annotations: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(annotations)) {
    if (service.metadata.toJson().annotations?.[key] === undefined) {
      service.metadata.addAnnotation(key, value);
    }
  }
}

/** What the API server refuses in an Ingress path of type Prefix or Exact, or undefined when it is fine. */
function ingressPathProblem(path: string): string | undefined {
  const sequence = INGRESS_PATH_INVALID_SEQUENCES.find((s) => path.includes(s));
  if (sequence !== undefined) {
    return `contains '${sequence}'`;
  }
  const suffix = INGRESS_PATH_INVALID_SUFFIXES.find((s) => path.endsWith(s));
  return suffix !== undefined ? `ends with '${suffix}'` : undefined;
}
