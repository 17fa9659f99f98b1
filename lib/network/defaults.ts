/**
 * Every opinion of the namespace, entry and cluster-wide network constructs, as data keyed by profile.
 *
 * ProductionNamespace, ProductionIngress and ClusterDefaultDeny read their defaults from here and never
 * inline literals. The border with `lib/defaults.ts`: what a workload needs, including the cluster DNS that every
 * workload's own NetworkPolicy allows, is there; what only these constructs need is here. The README's network
 * section is written from these values.
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
