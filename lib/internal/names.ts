/**
 * Name and reference syntax from the Kubernetes API conventions.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

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

/** An IANA service name, what a named container port must be. @internal */
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
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference; undefined when it is not one. @internal */
export function parseImage(image: string): ImageReference | undefined {
  const match = /^([a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+(?=\/))?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/
    .exec(image.replace(/^([A-Za-z0-9.-]+(?::[0-9]+)?)\//, (m) => m.toLowerCase()));
  if (!match) {
    return undefined;
  }
  return { repository: match[1], tag: match[2], digest: match[3] };
}

/** An IPv4 or IPv6 CIDR. @internal */
export function isCidr(value: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (v4) {
    return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  }
  const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
  return !!v6 && v6[1].includes(':') && Number(v6[2]) <= 128;
}
