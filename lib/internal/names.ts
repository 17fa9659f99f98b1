/**
 * Kubernetes syntax facts: names, image references, port names, Ingress hosts and certificate
 * coverage, secret-looking values, NetworkPolicy defaulting.
 *
 * The one place these facts live: constructs validate their props with them and the rule pack
 * judges manifests with them, so the two cannot disagree. Plain functions over strings and
 * objects; nothing from cdk8s.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
import { BlockList, isIP } from 'net';

/** A DNS-1123 label: lowercase alphanumerics and '-', at most 63 characters. @internal */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** A DNS-1035 label (what a Service name must be): a DNS-1123 label that starts with a letter. @internal */
export function isDns1035Label(value: string): boolean {
  return value.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** A DNS-1123 subdomain: dot-separated labels, at most 253 characters. @internal */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => isDns1123Label(label));
}

/**
 * An IANA service name, what a named container or Service port must be.
 *
 * At most 15 characters, lowercase alphanumerics and '-', at least one letter, no '-' at either
 * end and no '--'.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6335#section-5.1
 * @internal
 */
export function isPortName(value: string): boolean {
  return value.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && /[a-z]/.test(value) && !value.includes('--');
}

/** A label value: at most 63 characters, alphanumerics with '-', '_' and '.' inside. @internal */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

/** A C identifier, what an environment variable name should be. @internal */
export function isEnvVarName(value: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value);
}

/**
 * The parts of an image reference: `[registry/]repository[:tag][@digest]`.
 *
 * @internal
 */
export interface ImageReference {
  /** The name, with its registry host (and port) when it has one, as written. */
  readonly repository: string;
  /** The tag, such as `1.25.3` or `latest`. */
  readonly tag?: string;
  /** `algorithm:hex`, for example `sha256:` and 64 lowercase hex digits. */
  readonly digest?: string;
}

/** The digest algorithms the container runtimes accept, and the length of their (lowercase) hex encoding. */
const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([['sha256', 64], ['sha512', 128]]);

/** A registry host (DNS name, IPv4 address, or bracketed IPv6 address) with an optional port. */
const REGISTRY = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?$/;

/** One path component of a repository: lowercase alphanumerics joined by '.', '_', '__' or runs of '-'. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A tag: a word character, then up to 127 word characters, '.' or '-'. */
const TAG = /^\w[\w.-]{0,127}$/;

/** The longest name (registry included) the reference grammar allows. */
const NAME_MAX_LENGTH = 255;

/** `algorithm:hex` with an algorithm the runtimes know and a hex part of exactly its length. */
function isImageDigest(value: string): boolean {
  const [algorithm, hex, ...rest] = value.split(':');
  const length = DIGEST_HEX_LENGTHS.get(algorithm);
  return rest.length === 0 && length !== undefined && hex !== undefined && hex.length === length && /^[a-f0-9]+$/.test(hex);
}

/**
 * Whether `name` is a repository name, with or without a registry.
 *
 * The first component is the registry only when more follow and it looks like a host: it has a
 * '.' or a ':', is `localhost`, or has an uppercase letter (repository paths are lowercase).
 */
function isRepositoryName(name: string): boolean {
  const components = name.split('/');
  const first = components[0];
  const hasRegistry = components.length > 1
    && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const path = hasRegistry ? components.slice(1) : components;
  return name.length <= NAME_MAX_LENGTH && (!hasRegistry || REGISTRY.test(first)) && path.every((c) => PATH_COMPONENT.test(c));
}

/**
 * Parses an image reference; undefined when it is not one.
 *
 * Follows the distribution reference grammar: an optional registry host (with port), lowercase
 * path components, an optional tag, and an optional digest, which must be `sha256:` with 64 or
 * `sha512:` with 128 lowercase hex digits (anything else after '@' is not a digest, and the
 * reference is refused).
 *
 * @see https://github.com/distribution/reference/blob/main/reference.go
 * @internal
 */
export function parseImage(image: string): ImageReference | undefined {
  const at = image.indexOf('@');
  const named = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  // a ':' after the last '/' starts the tag; one before it belongs to the registry port
  const colon = named.indexOf(':', named.lastIndexOf('/') + 1);
  const repository = colon < 0 ? named : named.slice(0, colon);
  const tag = colon < 0 ? undefined : named.slice(colon + 1);
  if ((digest !== undefined && !isImageDigest(digest)) || (tag !== undefined && !TAG.test(tag)) || !isRepositoryName(repository)) {
    return undefined;
  }
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Environment variable names and ConfigMap keys that Polaris's default checks
 * (sensitiveContainerEnvVar, sensitiveConfigmapContent) refuse with any literal value, the empty
 * one included; kube-linter's env-var-secret (`(?i).*secret.*` with a non-empty value) is a
 * subset.
 */
const SCANNER_SECRET_NAMES: readonly RegExp[] = [
  /^AWS_SECRET_ACCESS_KEY$/i, /^GOOGLE_APPLICATION_CREDENTIALS$/i, /^AZURE_.+KEY$/i, /^OCI_CLI_KEY_CONTENT$/i,
  /password/i, /token/i, /bearer/i, /secret/i,
];

/**
 * A PEM private key, as Polaris matches it: a dash, BEGIN, anything, PRIVATE KEY, a dash, in any
 * case; so any number of dashes, any key type (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK).
 */
const PRIVATE_KEY = /-\s*BEGIN\s+.*PRIVATE KEY.*?-/i;

/** Names the library also takes for secrets (our opinion, beyond the scanners' defaults). */
const OPINION_SECRET_NAMES: readonly RegExp[] = [
  /passwd|credential/i,
  /(?:api|private|access)[-_.]?key/i,
];

/** Values that are secret material whatever their name (our opinion, beyond the scanners' defaults). */
const OPINION_SECRET_VALUES: readonly RegExp[] = [
  // AWS access key id (long-term AKIA, temporary ASIA)
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  // GitHub tokens: classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\bgithub_pat_[A-Za-z0-9_]{22,}/,
  // Slack tokens (xoxb-, xoxp-, xoxa-, ...)
  /\bxox[a-z]-[A-Za-z0-9-]{10,}/,
];

/**
 * Whether a literal environment variable or ConfigMap entry is secret material as the
 * scanners' default checks see it: a name Polaris refuses (whatever the value), or a value
 * holding a PEM private key.
 *
 * @internal
 */
export function looksSecretToScanners(name: string, value: string): boolean {
  return SCANNER_SECRET_NAMES.some((re) => re.test(name)) || PRIVATE_KEY.test(value);
}

/**
 * Whether a name and its literal value look like secret material.
 *
 * True when the scanners would say so (`looksSecretToScanners`), when a name of our own list
 * carries a non-blank value, or when the value itself looks like a cloud, GitHub or Slack token.
 * Used for environment variables and for ConfigMap entries alike, by the constructs (which refuse
 * such literals) and by the rule pack.
 *
 * @internal
 */
export function looksSecret(name: string, value: string): boolean {
  return looksSecretToScanners(name, value)
    || (value.trim() !== '' && OPINION_SECRET_NAMES.some((re) => re.test(name)))
    || OPINION_SECRET_VALUES.some((re) => re.test(value));
}

/**
 * An Ingress host: a DNS-1123 subdomain with at least two labels, optionally preceded by a `*.` wildcard.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
 * @internal
 */
export function isHost(host: string): boolean {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return name.includes('.') && isDns1123Subdomain(name);
}

/**
 * Whether a certificate name (maybe a wildcard) covers `host`.
 *
 * A name covers itself. A wildcard `*.example.com` covers exactly one more label
 * (`a.example.com`, not `a.b.example.com` nor `example.com`); a wildcard host is covered only by
 * the identical wildcard.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6125#section-6.4.3
 * @internal
 */
export function hostCovers(certHost: string, host: string): boolean {
  if (certHost === host) {
    return true;
  }
  if (!certHost.startsWith('*.') || host.startsWith('*.')) {
    return false;
  }
  const suffix = certHost.slice(1);
  const label = host.slice(0, -suffix.length);
  return host.endsWith(suffix) && label.length > 0 && !label.includes('.');
}

/**
 * The directions a NetworkPolicy restricts.
 *
 * Its `policyTypes` when set and not empty. Otherwise the API server's default: `Ingress` always,
 * and `Egress` too when the policy has at least one egress rule (`egress: []` does not count).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 * @internal
 */
export function effectivePolicyTypes(spec: { readonly policyTypes?: unknown; readonly egress?: unknown }): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    return spec.policyTypes.map(String);
  }
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** An IPv4 or IPv6 CIDR. @internal */
export function isCidr(value: string): boolean {
  return parseCidr(value) !== undefined;
}

/**
 * An IP block: its address (as written), prefix length and family.
 *
 * @internal
 */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/**
 * Parses `address/prefix` with Node's own IP parser (`net.isIP`), as the API server parses an ipBlock; undefined
 * when it is not one. Zone-indexed addresses and leading zeros in the prefix are refused.
 *
 * @internal
 */
export function parseCidr(value: string): Cidr | undefined {
  const slash = value.indexOf('/');
  if (slash < 0 || value.indexOf('/', slash + 1) >= 0) {
    return undefined;
  }
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  const version = isIP(address);
  if (version === 0 || !/^(0|[1-9]\d{0,2})$/.test(prefixText) || address.includes('%')) {
    return undefined;
  }
  const prefix = Number(prefixText);
  const max = version === 4 ? 32 : 128;
  return prefix <= max ? { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } : undefined;
}

/**
 * Whether `inner` is a strict subset of `outer`: the same family, a longer prefix, and its address inside `outer`
 * (what the API server requires of an ipBlock's `except` entries).
 *
 * @internal
 */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix <= outer.prefix) {
    return false;
  }
  const block = new BlockList();
  block.addSubnet(outer.address, outer.prefix, outer.family);
  return block.check(inner.address, inner.family);
}

/**
 * A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63
 * alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric.
 *
 * @internal
 */
export function isQualifiedName(value: string): boolean {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && (prefix.length === 0 || !isDns1123Subdomain(prefix))) {
    return false;
  }
  return name.length >= 1 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

/** The label Kubernetes puts on every Namespace with its name (since 1.22). @internal */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The API server refuses objects whose annotations, keys and values together, exceed 256 KiB. @internal */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** The operators of a toleration (Kubernetes API). @internal */
export const TOLERATION_OPERATORS = ['Equal', 'Exists'];

/** The effects of a taint (Kubernetes API). @internal */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** The largest value of an int32 field of the Kubernetes API (replicas, thresholds, counts). @internal */
export const INT32_MAX = 2147483647;

/** A whole number from `min` to the int32 maximum, as the API server accepts for counts and thresholds. @internal */
export function isInt32(value: number, min = 0): boolean {
  return Number.isInteger(value) && value >= min && value <= INT32_MAX;
}

/** Sequences the API server refuses in an Ingress path of type Prefix or Exact (Kubernetes 1.28 validation). @internal */
export const INGRESS_PATH_INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];

/** Suffixes the API server refuses in an Ingress path of type Prefix or Exact. @internal */
export const INGRESS_PATH_INVALID_SUFFIXES = ['/..', '/.'];

/**
 * Kinds that are cluster-scoped, by `apiVersion/kind` group-less kind name: an object of these kinds has no namespace.
 *
 * @internal
 */
export const CLUSTER_SCOPED_KINDS = [
  'Namespace', 'Node', 'PersistentVolume', 'PriorityClass', 'StorageClass', 'CSIDriver', 'IngressClass', 'RuntimeClass',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'VolumeSnapshotClass', 'VolumeSnapshotContent',
  'ClusterIssuer', 'ClusterSecretStore', 'CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy', 'GatewayClass',
];

/**
 * The kinds each built-in API group serves; a kind outside these, in one of these groups, is a
 * typo or the wrong group (a Deployment in `v1`).
 *
 * @internal
 */
export const BUILT_IN_KINDS: { readonly [group: string]: readonly string[] } = {
  '': ['Pod', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Namespace', 'PersistentVolumeClaim', 'PersistentVolume',
    'Endpoints', 'LimitRange', 'ResourceQuota', 'ReplicationController', 'Node', 'Event', 'PodTemplate', 'Binding', 'List'],
  'apps': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
  'batch': ['Job', 'CronJob'],
  'autoscaling': ['HorizontalPodAutoscaler'],
  'policy': ['PodDisruptionBudget', 'PodSecurityPolicy', 'Eviction'],
  'networking.k8s.io': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'rbac.authorization.k8s.io': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'storage.k8s.io': ['StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode', 'CSIStorageCapacity'],
  'admissionregistration.k8s.io': ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'scheduling.k8s.io': ['PriorityClass'],
  'coordination.k8s.io': ['Lease'],
  'discovery.k8s.io': ['EndpointSlice'],
  'node.k8s.io': ['RuntimeClass'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'events.k8s.io': ['Event'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'extensions': ['Deployment', 'DaemonSet', 'ReplicaSet', 'Ingress', 'NetworkPolicy', 'PodSecurityPolicy'],
};

/** The edit distance of two names, ignoring case. @internal */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/**
 * Why a manifest object cannot be judged, or undefined when it can: no apiVersion or kind, a
 * kind its built-in API group does not serve (with the group that does, or a "Did you mean"),
 * or no `metadata.name` (nor `generateName`).
 *
 * @internal
 */
export function whyUnjudgeable(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `not a Kubernetes object (expected a mapping with apiVersion, kind and metadata, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value})`;
  }
  const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  const missing = [typeof o.apiVersion !== 'string' || o.apiVersion === '' ? 'apiVersion' : undefined,
    typeof o.kind !== 'string' || o.kind === '' ? 'kind' : undefined].filter((x) => x);
  if (missing.length > 0) {
    return `not a Kubernetes object (no ${missing.join(' and ')})`;
  }
  const apiVersion = o.apiVersion as string;
  const kind = o.kind as string;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const known = BUILT_IN_KINDS[group];
  if (known && !known.includes(kind) && !kind.endsWith('List')) {
    const home = Object.entries(BUILT_IN_KINDS).filter(([g, kinds]) => g !== 'extensions' && kinds.includes(kind)).map(([g]) => g)[0];
    if (home !== undefined) {
      return `${kind} is not served by apiVersion '${apiVersion}': use ${home === '' ? 'v1' : `${home}/v1`}`;
    }
    const near = known.filter((k) => editDistance(k, kind) <= 3).sort((a, b) => editDistance(a, kind) - editDistance(b, kind))[0];
    return `unknown kind '${kind}' for apiVersion '${apiVersion}'${near ? `. Did you mean '${near}'?` : ''}`;
  }
  const meta = o.metadata;
  const m = (meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : {}) as { name?: unknown; generateName?: unknown };
  if (!kind.endsWith('List') && (typeof m.name !== 'string' || m.name === '') && (typeof m.generateName !== 'string' || m.generateName === '')) {
    return `${kind} has no metadata.name`;
  }
  return undefined;
}

/**
 * The label Argo Rollouts adds to each ReplicaSet's pods and selector (and to the selectors of a canary's and a
 * blue/green's Services); it changes with every revision, so no object of ours may select on it.
 *
 * @internal
 */
export const ROLLOUT_POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
