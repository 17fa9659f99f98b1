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
 * Environment variable names and ConfigMap keys whose literal value is taken to be a secret
 * (`AWS_SECRET_ACCESS_KEY` and `GOOGLE_APPLICATION_CREDENTIALS` are caught by the first).
 */
const SECRET_LOOKING_NAMES: readonly RegExp[] = [
  /password|passwd|secret|token|bearer|credential/i,
  /(?:api|private|access)[-_.]?key/i,
  /^AZURE_.+KEY$/i,
  /^OCI_CLI_KEY_CONTENT$/i,
];

/** Values that are secret material whatever their name. */
const SECRET_LOOKING_VALUES: readonly RegExp[] = [
  // PEM private key header: any run of five or more dashes, spaces allowed inside
  /-{5,} *BEGIN +(?:[A-Z0-9]+ +)*PRIVATE KEY *-{5,}/,
  // AWS access key id (long-term AKIA, temporary ASIA)
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
  // GitHub tokens: classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\bgithub_pat_[A-Za-z0-9_]{22,}/,
  // Slack tokens (xoxb-, xoxp-, xoxa-, ...)
  /\bxox[a-z]-[A-Za-z0-9-]{10,}/,
];

/**
 * Whether a name and its literal value look like secret material.
 *
 * True when the name suggests a secret and the value is not blank, or when the value itself looks
 * like a private key or a cloud, GitHub or Slack token. Used for environment variables and for
 * ConfigMap entries alike.
 *
 * @internal
 */
export function looksSecret(name: string, value: string): boolean {
  return (value.trim() !== '' && SECRET_LOOKING_NAMES.some((re) => re.test(name)))
    || SECRET_LOOKING_VALUES.some((re) => re.test(value));
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
