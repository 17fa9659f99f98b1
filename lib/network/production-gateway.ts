import { ApiObject, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Certificate } from '../../imports/certificate-cert-manager.io';
import {
  Gateway, GatewaySpecListeners, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode,
} from '../../imports/gateway-gateway.networking.k8s.io';
import {
  HttpRoute, HttpRouteSpecRulesFiltersRequestRedirectScheme, HttpRouteSpecRulesFiltersRequestRedirectStatusCode, HttpRouteSpecRulesFiltersType,
} from '../../imports/httproute-gateway.networking.k8s.io';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { NAMESPACE_CONTEXT_KEY, _namespaceOf, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { INetworkPeer, NetworkPeer } from '../workload/network-peer';
import { isGatewayHostname, isSectionName } from './_gateway';
import { CERT_MANAGER_GROUP, GATEWAY } from './defaults';
import { TlsCertificate } from './production-ingress';
import type { ProductionNamespace } from './production-namespace';

/**
 * The protocol of a Gateway listener that routes HTTP.
 */
export enum GatewayProtocol {
  /** TLS terminated by the Gateway. */
  HTTPS = 'HTTPS',
  /** Plain HTTP. */
  HTTP = 'HTTP',
}

/**
 * A listener of a Gateway, as routes see it: its name (the `sectionName` a route attaches to), hostname and protocol.
 */
export interface GatewayListener {
  /** The listener's name. */
  readonly name: string;

  /**
   * The hostname the listener serves; a wildcard (`*.example.com`) serves one more label.
   *
   * @default - every hostname
   */
  readonly hostname?: string;

  /**
   * The protocol.
   *
   * @default GatewayProtocol.HTTPS
   */
  readonly protocol?: GatewayProtocol;

  /**
   * The port.
   *
   * @default - 443 for HTTPS, 80 for HTTP
   */
  readonly port?: number;
}

/**
 * A Gateway that routes attach to: one created by a ProductionGateway, or an existing one
 * (`ProductionGateway.fromGatewayAttributes`).
 */
export interface IGateway extends IConstruct {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. */
  readonly namespaceName: string;
  /** The listeners routes may attach to. */
  readonly listeners: GatewayListener[];
  /** The pods that carry the traffic to the routed workloads (their NetworkPolicies allow these pods in). */
  readonly dataPlane: INetworkPeer;
  /**
   * The labels a route's namespace must carry to attach (the listeners' `allowedRoutes` selector), or undefined
   * when unknown (an existing Gateway described without them).
   */
  readonly routeNamespaceLabels?: { [key: string]: string };
}

/**
 * An HTTPS (or, in dev, HTTP) listener of a ProductionGateway.
 */
export interface GatewayListenerOptions {
  /**
   * The hostname the listener serves, e.g. `shop.example.com` or `*.example.com` (which serves one more label:
   * its certificate covers no deeper name).
   */
  readonly hostname: string;

  /**
   * Where the listener's certificate comes from. `TlsCertificate.certManager(issuer)` (recommended) emits a
   * cert-manager Certificate for the hostname in the Gateway's namespace; `certManagerAnnotation(issuer)` relies on
   * cert-manager's gateway-shim, which must be turned on in cert-manager (`enableGatewayAPI`); `fromSecret` names a
   * TLS Secret in the Gateway's namespace.
   *
   * @default - none: a plain HTTP listener, an error in staging and prod and a warning in dev
   * @see https://cert-manager.io/docs/usage/gateway/
   */
  readonly certificate?: TlsCertificate;

  /**
   * The listener's name (the `sectionName` routes attach to).
   *
   * @default - `https-` (or `http-`) and the hostname, `*` written `wildcard` and `.` written `-`
   */
  readonly name?: string;

  /**
   * The port.
   *
   * @default - 443 with a certificate, 80 without
   */
  readonly port?: number;
}

/**
 * Props of a `ProductionGateway`.
 */
export interface ProductionGatewayProps {
  /** The GatewayClass, which names the implementation (e.g. `istio`, `eg` for Envoy Gateway, `cilium`, `nginx`). */
  readonly gatewayClassName: string;

  /** The listeners, one per hostname or wildcard. At least one. */
  readonly listeners: GatewayListenerOptions[];

  /**
   * The Gateway's name.
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;

  /**
   * The Gateway's namespace: usually the platform's gateway namespace, where the implementation runs the data-plane
   * pods. Its NetworkPolicies must let those pods receive traffic and reach the routed workloads (a ProductionNamespace
   * denies both by default).
   *
   * @default - the enclosing ProductionNamespace, else the chart's namespace
   */
  readonly namespaceName?: string;

  /**
   * Add an HTTP listener (`http`, port 80) whose only route redirects every request to HTTPS (301). Turning it off is an
   * error in staging and prod.
   *
   * @default true
   */
  readonly httpsRedirect?: boolean;

  /**
   * The pods that carry the Gateway's traffic (the implementation's data plane). Routes allow them into the
   * workloads they route to, on the routed port.
   *
   * @default - the pods labelled `gateway.networking.k8s.io/gateway-name: <name>` in the Gateway's namespace (how
   * Istio, NGINX Gateway Fabric and other in-cluster implementations label them); Envoy Gateway runs them in
   * `envoy-gateway-system` with `gateway.envoyproxy.io/owning-gateway-name` and `-namespace` labels
   */
  readonly dataPlane?: NetworkPeer;

  /**
   * The labels a namespace must carry for its routes to attach (every listener's `allowedRoutes` is this selector,
   * never `All`). `admitNamespace` puts them on a ProductionNamespace.
   *
   * @default - { 'gateway.production.platform.io/<name>': 'true' }
   */
  readonly routeNamespaceLabels?: { [key: string]: string };
}

/**
 * Describes an existing Gateway (not created by this app) for routes to attach to.
 */
export interface GatewayAttributes {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. */
  readonly namespaceName: string;
  /** Its listeners that routes may attach to, by name, hostname and protocol. */
  readonly listeners: GatewayListener[];

  /**
   * The pods that carry the Gateway's traffic.
   *
   * @default - the pods labelled `gateway.networking.k8s.io/gateway-name: <name>` in the Gateway's namespace
   */
  readonly dataPlane?: NetworkPeer;

  /**
   * The labels of the listeners' `allowedRoutes` namespace selector, so that routes in a ProductionNamespace are
   * checked against them.
   *
   * @default - unknown: route namespaces are not checked
   */
  readonly routeNamespaceLabels?: { [key: string]: string };
}

/**
 * The single public entry on the Gateway API: a shared Gateway with one HTTPS listener per hostname or wildcard
 * (certificates from cert-manager), an HTTP listener that only redirects to HTTPS, and routes admitted only from
 * namespaces carrying the Gateway's label.
 *
 * Workloads are routed with `ProductionHttpRoute` and `ProductionGrpcRoute`, in their own namespaces; each route
 * allows the Gateway's data-plane pods into its workload on the routed port.
 *
 * @example
 * const issuer = CertManagerIssuer.clusterIssuer('letsencrypt-prod');
 * const gateway = new ProductionGateway(chart, 'Gateway', {
 *   namespaceName: 'gateway-system',
 *   gatewayClassName: 'istio',
 *   listeners: [{ hostname: 'shop.example.com', certificate: TlsCertificate.certManager(issuer) }],
 * });
 * gateway.admitNamespace(shop);
 * new ProductionHttpRoute(shop, 'WebRoute', { gateway, hostname: 'shop.example.com', app: web });
 */
export class ProductionGateway extends Construct implements IGateway {
  /**
   * An existing Gateway, for routes to attach to.
   */
  public static fromGatewayAttributes(scope: Construct, id: string, attributes: GatewayAttributes): IGateway {
    return new ExistingGateway(scope, id, attributes);
  }

  /** The profile in force. */
  public readonly profile: Profile;
  /** The Gateway's name. */
  public readonly name: string;
  /** The Gateway's namespace. */
  public readonly namespaceName: string;
  /** The GatewayClass. */
  public readonly gatewayClassName: string;
  /** The listeners routes may attach to (the redirect listener is not among them). */
  public readonly listeners: GatewayListener[];
  /** Whether HTTP is redirected to HTTPS. */
  public readonly httpsRedirect: boolean;
  /** The data-plane pods. */
  public readonly dataPlane: INetworkPeer;
  /** The labels a route's namespace must carry (always set on a ProductionGateway). */
  public readonly routeNamespaceLabels?: { [key: string]: string };

  /** The Gateway. */
  public readonly gateway: ApiObject;
  /** The cert-manager Certificates, one per listener with `TlsCertificate.certManager`. */
  public readonly certificates: ApiObject[] = [];
  /** The HTTPRoute that redirects HTTP to HTTPS, when `httpsRedirect` is on. */
  public readonly redirectRoute?: ApiObject;

  public constructor(scope: Construct, id: string, props: ProductionGatewayProps) {
    super(scope, _uniqueId(scope, id, 'ProductionGateway'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionGateway', this.profile);
    assertPropTypes(errors, props, 'ProductionGatewayProps');

    this.name = props.name ?? Names.toDnsLabel(this);
    errors.checkName(props.name, this.name, isDns1123Subdomain(this.name), 'a DNS-1123 subdomain', 'use lowercase letters, digits, \'-\' and \'.\'');
    const enclosing = this.node.tryGetContext(NAMESPACE_CONTEXT_KEY) as string | undefined;
    errors.check(props.namespaceName !== undefined && enclosing !== undefined && props.namespaceName !== enclosing, 'namespaceName', props.namespaceName,
      `conflicts with the enclosing ProductionNamespace "${enclosing}"`, 'remove \'namespaceName\', or create the gateway outside the ProductionNamespace');
    const namespaceName = props.namespaceName ?? _namespaceOf(this);
    errors.check(namespaceName === undefined, 'namespaceName', namespaceName, 'is not set and no namespace is in force (routes in other namespaces must name the Gateway\'s)',
      'set \'namespaceName\', or create the gateway in a ProductionNamespace or a chart with a namespace');
    errors.checkDnsLabel('namespaceName', namespaceName);
    this.namespaceName = namespaceName ?? '';
    this.gatewayClassName = props.gatewayClassName;
    errors.check(typeof props.gatewayClassName === 'string' && !isDns1123Subdomain(props.gatewayClassName), 'gatewayClassName', props.gatewayClassName,
      'is not a GatewayClass name', 'use a DNS-1123 subdomain such as \'istio\' or \'eg\'');
    this.httpsRedirect = props.httpsRedirect ?? true;
    errors.enforce(!this.httpsRedirect, 'httpsRedirect', false, 'lets clients use plain HTTP without being sent to HTTPS',
      'remove it (the redirect is on by default)');
    this.dataPlane = props.dataPlane ?? NetworkPeer.inNamespace(this.namespaceName || 'default', { [GATEWAY.dataPlaneNameLabel]: this.name });
    if (props.dataPlane instanceof NetworkPeer) {
      props.dataPlane._reportProblems(errors, 'dataPlane');
    }

    const defaultKey = `${GATEWAY.routeNamespaceLabelPrefix}${this.name}`;
    errors.check(props.routeNamespaceLabels === undefined && !isQualifiedName(defaultKey), 'routeNamespaceLabels', undefined,
      `is not set, and the label derived from the gateway name ("${defaultKey}") is not a valid label key (the name is longer than 63 characters)`,
      'set \'routeNamespaceLabels\', or use a shorter \'name\'');
    const routeLabels = { ...(props.routeNamespaceLabels ?? { [defaultKey]: GATEWAY.routeNamespaceLabelValue }) };
    this.routeNamespaceLabels = routeLabels;
    checkLabels(errors, 'routeNamespaceLabels', routeLabels);

    // ---- listeners ----
    const listeners = Array.isArray(props.listeners) ? props.listeners : [];
    errors.check(listeners.length === 0, 'listeners', props.listeners, 'is empty', 'give at least one listener, e.g. { hostname: \'shop.example.com\', certificate: TlsCertificate.certManager(issuer) }');
    const room = this.httpsRedirect ? 63 : 64;
    errors.check(listeners.length > room, 'listeners', `${listeners.length} listeners`,
      `is more than the ${room} a Gateway holds${this.httpsRedirect ? ' besides its redirect listener' : ''} (64 in all)`, 'split them over several gateways');
    const resolved = listeners.map((l, i) => this.resolveListener(errors, l, i));
    this.listeners = resolved.map((r) => r.listener);
    const all: GatewayListener[] = [
      ...this.listeners,
      ...(this.httpsRedirect ? [{ name: GATEWAY.redirectListenerName, protocol: GatewayProtocol.HTTP, port: GATEWAY.httpPort }] : []),
    ];
    checkListenerConflicts(errors, all);
    const annotationIssuers = [...new Set(listeners.filter((l) => l.certificate?._kind === 'annotation').map((l) => String(l.certificate!.issuer)))];
    errors.check(annotationIssuers.length > 1, 'listeners', annotationIssuers, 'name more than one issuer by annotation, but a Gateway carries one issuer annotation',
      'use TlsCertificate.certManager(...) for the other issuers, or one issuer');
    errors.throwIfAny();

    // ================= objects =================
    const shim = listeners.find((l) => l.certificate?._kind === 'annotation')?.certificate?.issuer;
    const annotations: { [key: string]: string } = {};
    if (shim) {
      // cert-manager's gateway-shim reads the same issuer annotations as its ingress-shim.
      annotations[shim._annotation] = shim.name;
    }
    const selector = { matchLabels: { ...routeLabels } };
    const routeKinds = [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }, { group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }];
    const specListeners: GatewaySpecListeners[] = resolved.map(({ listener, secretName }) => ({
      name: listener.name,
      hostname: listener.hostname,
      port: listener.port!,
      protocol: listener.protocol!,
      tls: secretName !== undefined
        ? { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ group: '', kind: 'Secret', name: secretName }] }
        : undefined,
      allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR, selector }, kinds: routeKinds },
    }));
    if (this.httpsRedirect) {
      specListeners.push({
        name: GATEWAY.redirectListenerName,
        port: GATEWAY.httpPort,
        protocol: GatewayProtocol.HTTP,
        // Only the redirect route, which lives next to the Gateway, attaches here.
        allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }, kinds: [routeKinds[0]] },
      });
    }
    this.gateway = new Gateway(this, 'Resource', {
      metadata: objectMetadata(this.profile, this.name, this.namespaceName, {}, annotations),
      spec: { gatewayClassName: this.gatewayClassName, listeners: specListeners },
    });

    resolved.forEach(({ listener, secretName }, i) => {
      const certificate = listeners[i].certificate;
      if (certificate?._kind === 'certificate' && secretName !== undefined) {
        this.certificates.push(new Certificate(this, `Certificate${i}`, {
          metadata: objectMetadata(this.profile, secretName, this.namespaceName),
          spec: {
            secretName,
            dnsNames: [listener.hostname!],
            issuerRef: { name: certificate.issuer!.name, kind: certificate.issuer!.kind, group: CERT_MANAGER_GROUP },
          },
        }));
      }
    });

    if (this.httpsRedirect) {
      this.redirectRoute = new HttpRoute(this, 'HttpsRedirect', {
        metadata: objectMetadata(this.profile, `${this.name}-https-redirect`, this.namespaceName),
        spec: {
          parentRefs: [{ name: this.name, namespace: this.namespaceName, sectionName: GATEWAY.redirectListenerName }],
          rules: [{
            filters: [{
              type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
              requestRedirect: {
                scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                statusCode: GATEWAY.redirectStatusCode as HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
              },
            }],
          }],
        },
      });
    }
  }

  /**
   * Labels a ProductionNamespace with `routeNamespaceLabels`, so that routes in it may attach to this Gateway. Call it
   * before creating the routes in that namespace.
   */
  public admitNamespace(productionNamespace: ProductionNamespace): void {
    for (const [key, value] of Object.entries(this.routeNamespaceLabels ?? {})) {
      productionNamespace.namespaceObject.metadata.addLabel(key, value);
    }
  }

  private resolveListener(errors: PropErrors, options: GatewayListenerOptions, i: number): { listener: GatewayListener; secretName?: string } {
    const prop = `listeners[${i}]`;
    const host = options?.hostname;
    errors.check(!isGatewayHostname(host), `${prop}.hostname`, host, 'is not a valid hostname',
      'use lowercase RFC 1123 labels separated by \'.\', optionally starting with \'*.\' (e.g. \'shop.example.com\'), not an IP address');
    const tls = options?.certificate !== undefined;
    errors.enforce(!tls, `${prop}.certificate`, undefined, `leaves the listener for "${host}" without TLS (plain HTTP)`,
      'give a certificate, e.g. TlsCertificate.certManager(CertManagerIssuer.clusterIssuer(\'letsencrypt\'))');
    const protocol = tls ? GatewayProtocol.HTTPS : GatewayProtocol.HTTP;
    const derived = `${tls ? 'https' : 'http'}-${String(host).replace(/^\*/, 'wildcard').replace(/\./g, '-')}`;
    const name = options?.name ?? derived;
    if (options?.name !== undefined) {
      errors.check(!isSectionName(name), `${prop}.name`, name, 'is not a listener name', 'use lowercase letters, digits, \'-\' and \'.\', at most 253 characters');
    } else {
      errors.check(isGatewayHostname(host) && !isSectionName(name), `${prop}.name`, undefined,
        `is not set, and the name derived from the hostname ("${name}") is longer than 253 characters`, `set '${prop}.name'`);
    }
    const port = options?.port ?? (tls ? GATEWAY.httpsPort : GATEWAY.httpPort);
    errors.check(!(Number.isInteger(port) && port >= 1 && port <= 65535), `${prop}.port`, port, 'is not a port number', 'use 1 to 65535');
    let secretName: string | undefined;
    if (tls) {
      secretName = options.certificate!._kind === 'secret' ? options.certificate!.secret!.name : `${this.name}-${name}`;
      errors.check(!isDns1123Subdomain(secretName), `${prop}.certificate`, String(options.certificate),
        `gives the Secret name "${secretName}", which is not a DNS-1123 subdomain`, 'use a shorter gateway or listener \'name\'');
    }
    return { listener: { name, hostname: host, protocol, port }, secretName };
  }
}

/** An existing Gateway, described by its attributes. */
class ExistingGateway extends Construct implements IGateway {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly listeners: GatewayListener[];
  public readonly dataPlane: INetworkPeer;
  public readonly routeNamespaceLabels?: { [key: string]: string };

  public constructor(scope: Construct, id: string, attributes: GatewayAttributes) {
    super(scope, _uniqueId(scope, id, 'ProductionGateway.fromGatewayAttributes'));
    const errors = new PropErrors(this, 'ProductionGateway.fromGatewayAttributes');
    assertPropTypes(errors, attributes, 'GatewayAttributes');
    this.name = attributes.name;
    this.namespaceName = attributes.namespaceName;
    errors.check(!isDns1123Subdomain(this.name), 'name', this.name, 'is not a Gateway name', 'use a DNS-1123 subdomain');
    errors.check(!isDns1123Label(this.namespaceName), 'namespaceName', this.namespaceName, 'is not a namespace name', 'use a DNS-1123 label');
    this.listeners = (attributes.listeners ?? []).map((l, i) => {
      errors.check(!isSectionName(l?.name), `listeners[${i}].name`, l?.name, 'is not a listener name', 'use the name of the listener in the Gateway\'s spec');
      errors.check(l?.hostname !== undefined && !isGatewayHostname(l.hostname), `listeners[${i}].hostname`, l?.hostname, 'is not a valid hostname',
        'use the hostname of the listener in the Gateway\'s spec, or leave it out for a listener without one');
      const protocol = l?.protocol ?? GatewayProtocol.HTTPS;
      return { name: l?.name, hostname: l?.hostname, protocol, port: l?.port ?? (protocol === GatewayProtocol.HTTPS ? GATEWAY.httpsPort : GATEWAY.httpPort) };
    });
    errors.check(this.listeners.length === 0, 'listeners', attributes.listeners, 'is empty', 'list the listeners routes attach to');
    checkListenerConflicts(errors, this.listeners);
    this.dataPlane = attributes.dataPlane ?? NetworkPeer.inNamespace(this.namespaceName, { [GATEWAY.dataPlaneNameLabel]: this.name });
    if (attributes.dataPlane instanceof NetworkPeer) {
      attributes.dataPlane._reportProblems(errors, 'dataPlane');
    }
    this.routeNamespaceLabels = attributes.routeNamespaceLabels ? { ...attributes.routeNamespaceLabels } : undefined;
    if (this.routeNamespaceLabels) {
      checkLabels(errors, 'routeNamespaceLabels', this.routeNamespaceLabels);
    }
    errors.throwIfAny();
  }
}

/** Duplicate listener names, and two listeners on one port that the API server or the implementation refuse. */
function checkListenerConflicts(errors: PropErrors, listeners: GatewayListener[]): void {
  listeners.forEach((l, i) => {
    const earlier = listeners.slice(0, i);
    const sameName = earlier.findIndex((o) => o.name === l.name);
    errors.check(sameName >= 0, `listeners[${i}].name`, l.name, `is already the name of listeners[${sameName}]${l.name === GATEWAY.redirectListenerName ? ' (the HTTPS redirect listener)' : ''}`,
      'give every listener its own name');
    const sameBinding = earlier.findIndex((o) => o.port === l.port && o.protocol === l.protocol && o.hostname === l.hostname);
    errors.check(sameBinding >= 0 && sameName < 0, `listeners[${i}].hostname`, l.hostname,
      `is already served by listeners[${sameBinding}] on port ${l.port} (${l.protocol}); the API server refuses two listeners with one port, protocol and hostname`,
      'list each hostname once');
    const otherProtocol = earlier.find((o) => o.port === l.port && o.protocol !== l.protocol);
    errors.check(otherProtocol !== undefined, `listeners[${i}].port`, l.port,
      `is also the port of listener "${otherProtocol?.name}" with protocol ${otherProtocol?.protocol}; one port cannot serve both ${l.protocol} and ${otherProtocol?.protocol}`,
      `use another port, e.g. ${l.protocol === GatewayProtocol.HTTPS ? GATEWAY.httpsPort : GATEWAY.httpPort}`);
  });
}

/** Label keys and values of a selector, and not empty. */
function checkLabels(errors: PropErrors, prop: string, labels: { [key: string]: string }): void {
  errors.check(Object.keys(labels).length === 0, prop, labels, 'is empty, which would admit routes from every namespace', 'give at least one label');
  for (const [key, value] of Object.entries(labels)) {
    errors.check(!isQualifiedName(key), `${prop}.${key}`, key, 'is not a valid label key', 'use an optional DNS subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' or \'.\'');
    errors.check(typeof value !== 'string' || !isLabelValue(value), `${prop}.${key}`, value, 'is not a valid label value',
      'use at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit');
  }
}
