/**
 * Every opinion of the namespace, entry and cluster-wide network constructs, as data keyed by profile.
 *
 * ProductionNamespace, ProductionGateway and its routes, ProductionIngress and ClusterDefaultDeny read their defaults
 * from here and never inline literals. The border with `lib/defaults.ts`: what a workload needs, including the cluster
 * DNS that every workload's own NetworkPolicy allows, is there; what only these constructs need is here. The README's
 * network section is written from these values.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { _ProfileValues } from '../profile';

/**
 * The Pod Security Admission version the namespace labels pin, so a cluster upgrade never tightens or loosens
 * the policy silently.
 *
 * @internal
 */
export const POD_SECURITY_VERSION = 'v1.28';

/** The label prefix of Pod Security Admission. @internal */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io';

/** Where a ProductionNamespace records why Pod Security was relaxed. @internal */
export const POD_SECURITY_REASON_ANNOTATION = 'production.platform.io/pod-security-reason';

/** The ResourceQuota of a ProductionNamespace, per profile. @internal */
export const NAMESPACE_QUOTA = {
  requestsCpu: { dev: kplus.Cpu.units(4), staging: kplus.Cpu.units(8), prod: kplus.Cpu.units(32) } as _ProfileValues<kplus.Cpu>,
  limitsCpu: { dev: kplus.Cpu.units(8), staging: kplus.Cpu.units(16), prod: kplus.Cpu.units(64) } as _ProfileValues<kplus.Cpu>,
  requestsMemory: { dev: Size.gibibytes(8), staging: Size.gibibytes(16), prod: Size.gibibytes(64) } as _ProfileValues<Size>,
  limitsMemory: { dev: Size.gibibytes(16), staging: Size.gibibytes(32), prod: Size.gibibytes(128) } as _ProfileValues<Size>,
  pods: { dev: 50, staging: 100, prod: 300 } as _ProfileValues<number>,
  persistentVolumeClaims: { dev: 10, staging: 20, prod: 50 } as _ProfileValues<number>,
};

/** The ingress-nginx controller: its class, namespace, pod labels and annotation set. @internal */
export const INGRESS_NGINX = {
  ingressClassName: 'nginx',
  namespaceName: 'ingress-nginx',
  podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } as Record<string, string>,
  httpsRedirectAnnotations: {
    'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
  } as Record<string, string>,
  // ingress-nginx has no per-Ingress HSTS annotation: its ConfigMap key `hsts` (on by default, max-age one
  // year) adds the header to every TLS host. Snippet annotations are off by default for security reasons.
  hstsAnnotations: {} as Record<string, string>,
  rateLimitAnnotation: 'nginx.ingress.kubernetes.io/limit-rps',
  bodySizeAnnotation: 'nginx.ingress.kubernetes.io/proxy-body-size',
};

/** The external-dns annotation that publishes an Ingress's hosts. @internal */
export const EXTERNAL_DNS_HOSTNAME_ANNOTATION = 'external-dns.alpha.kubernetes.io/hostname';

/** cert-manager's annotations on an Ingress (ingress-shim). @internal */
export const CERT_MANAGER_ANNOTATIONS = {
  clusterIssuer: 'cert-manager.io/cluster-issuer',
  issuer: 'cert-manager.io/issuer',
};

/** The cert-manager API group. @internal */
export const CERT_MANAGER_GROUP = 'cert-manager.io';

/** The Gateway listener a route attaches to when none is named (the HTTPS listener). @internal */
export const GATEWAY_SECTION_NAME = 'https';

/** The port of the Kubernetes API server endpoints when none is given. @internal */
export const API_SERVER_PORT = 443;

/** Namespaces a cluster-wide default deny leaves alone (the control plane and the CNI run there). @internal */
export const CLUSTER_DEFAULT_DENY_EXCLUDED_NAMESPACES = ['kube-system'];

/** The names of the objects a ProductionNamespace creates in itself (one of each per namespace). @internal */
export const NAMESPACE_OBJECT_NAMES = {
  defaultDeny: 'default-deny',
  allowDns: 'allow-dns',
  quota: 'quota',
  limits: 'limits',
};

/**
 * CNI facts the cluster-wide default deny is written against.
 *
 * They are facts about Cilium and Calico, not opinions; the one opinion (the Calico order) is marked.
 *
 * @internal
 */
export const CLUSTER_DEFAULT_DENY = {
  /** The label Cilium gives every pod endpoint with its namespace (`k8s:` is the label source). */
  ciliumNamespaceLabel: 'k8s:io.kubernetes.pod.namespace',
  /** The label source prefix Cilium puts on Kubernetes pod labels. */
  ciliumLabelSource: 'k8s:',
  /** The DNS names the Cilium DNS proxy lets through (all: the proxy is there for visibility, not filtering). */
  ciliumDnsMatchPattern: '*',
  /** The label Calico gives every namespace with its name. */
  calicoNamespaceLabel: 'projectcalico.org/name',
  /**
   * Calico evaluates policies of a tier by ascending `order`; Kubernetes NetworkPolicies get 1000. The default deny
   * comes after them, so that every allow is seen first (opinion).
   */
  calicoOrder: 2000,
};

/**
 * The ingress controllers the library knows besides ingress-nginx, as the upstream installs set them up.
 *
 * Traefik: the Helm chart's IngressClass `traefik` and pod label, its `websecure` entry point; HTTP-to-HTTPS redirects
 * and HSTS are Traefik middlewares, not Ingress annotations; a backend speaks h2c when its Service says so with
 * `traefik.ingress.kubernetes.io/service.serversscheme` (Traefik docs, "Kubernetes Ingress Routing Configuration":
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/).
 *
 * HAProxy Kubernetes Ingress Controller (haproxytech/kubernetes-ingress): IngressClass `haproxy`, the chart's pod label
 * `app.kubernetes.io/name: kubernetes-ingress`, namespace `haproxy-controller` as in its install guide; annotations from
 * documentation/annotations.md: `ssl-redirect` (+ `ssl-redirect-code`), `response-set-header` (HSTS),
 * `rate-limit-requests` (per `rate-limit-period`, 1s by default), `server-proto: h2` (HTTP/2 in the clear to the pods).
 *
 * @internal
 */
export const INGRESS_TRAEFIK = {
  ingressClassName: 'traefik',
  namespaceName: 'traefik',
  podLabels: { 'app.kubernetes.io/name': 'traefik' } as Record<string, string>,
  // The router listens on the TLS entry point only: plain HTTP never reaches the app. The 308 redirect of the `web`
  // entry point is Traefik's static configuration (`entryPoints.web.http.redirections`), set where Traefik is installed.
  httpsRedirectAnnotations: {
    'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
    'traefik.ingress.kubernetes.io/router.tls': 'true',
  } as Record<string, string>,
  hstsAnnotations: {} as Record<string, string>,
  grpcServiceAnnotations: { 'traefik.ingress.kubernetes.io/service.serversscheme': 'h2c' } as Record<string, string>,
  grpcIngressAnnotations: {} as Record<string, string>,
};

/** HAProxy Kubernetes Ingress Controller, see INGRESS_TRAEFIK for the sources. @internal */
export const INGRESS_HAPROXY = {
  ingressClassName: 'haproxy',
  namespaceName: 'haproxy-controller',
  podLabels: { 'app.kubernetes.io/name': 'kubernetes-ingress' } as Record<string, string>,
  httpsRedirectAnnotations: {
    'haproxy.org/ssl-redirect': 'true',
    'haproxy.org/ssl-redirect-code': '301',
  } as Record<string, string>,
  hstsAnnotations: { 'haproxy.org/response-set-header': 'Strict-Transport-Security "max-age=31536000"' } as Record<string, string>,
  rateLimitAnnotation: 'haproxy.org/rate-limit-requests',
  grpcIngressAnnotations: { 'haproxy.org/server-proto': 'h2' } as Record<string, string>,
  grpcServiceAnnotations: {} as Record<string, string>,
};

/** ingress-nginx's annotation for gRPC backends (applies to every path of the Ingress that carries it). @internal */
export const INGRESS_NGINX_GRPC_ANNOTATIONS: Record<string, string> = { 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' };

/**
 * Why ingress-nginx is no longer a default: SIG Network and the Security Response Committee retired it; best-effort
 * maintenance ended in March 2026 (kubernetes.io blog, 2025-11-11, "Ingress NGINX Retirement").
 *
 * @internal
 */
export const INGRESS_NGINX_RETIRED = 'ingress-nginx is retired (no releases or security fixes since March 2026)';

/**
 * A port serves gRPC when its name is `grpc` or starts with `grpc-`: the protocol-by-port-name convention of the
 * service meshes (Istio "Protocol Selection"), which the library uses to tell gRPC ports from HTTP ones.
 *
 * @internal
 */
export const GRPC_PORT_NAME = /^grpc(-|$)/;

/**
 * The Gateway API opinions of ProductionGateway and its routes.
 *
 * @internal
 */
export const GATEWAY = {
  /** The port of an HTTPS listener. */
  httpsPort: 443,
  /** The port of the HTTP listener (the redirect, or a plain-HTTP listener in dev). */
  httpPort: 80,
  /** The name of the HTTP listener that only redirects. */
  redirectListenerName: 'http',
  /** The status of the redirect to HTTPS (permanent: browsers and crawlers keep the https URL). */
  redirectStatusCode: 301,
  /**
   * The label a route's namespace carries to attach to a gateway: `<prefix><gateway name>: "true"` (the value is the
   * label's whole meaning; the key names the gateway, so a namespace can be admitted to several).
   */
  routeNamespaceLabelPrefix: 'gateway.production.platform.io/',
  routeNamespaceLabelValue: 'true',
  /**
   * The label the Gateway API asks implementations to put on the pods they run for a Gateway (GEP-1762, in-cluster
   * Gateway deployments: Istio, NGINX Gateway Fabric, kgateway, ...). Envoy Gateway runs them in its own namespace
   * with its own labels: give `dataPlane` then.
   */
  dataPlaneNameLabel: 'gateway.networking.k8s.io/gateway-name',
  /**
   * The whole-request timeout of an HTTPRoute rule (`timeouts.request`): long enough for an interactive request,
   * short enough that a hung backend frees the client and the proxy (Envoy's own route default is 15s).
   */
  requestTimeoutSeconds: 30,
  /** HSTS on every HTTPS route: one year, as ingress-nginx sends by default; no includeSubDomains (opinion: the
   * library does not know the other hosts of the domain). */
  hstsHeader: { name: 'Strict-Transport-Security', value: 'max-age=31536000' },
};
