/**
 * One table of Kubernetes syntax cases, shared by every side that judges them.
 *
 * `names.test.ts` feeds it to the syntax functions in `lib/internal/names.ts` and to the rule
 * pack; construct tests can feed the same rows to the constructs' prop validation, so that
 * constructs and rules provably agree. Each row states the Kubernetes fact, not what one
 * implementation happens to do.
 */
import { ImageReference } from '../../lib/internal/names';

const HEX64 = '0d5f4bdbc2c1e8a3f1c7f3c6a2b9e4d8c5a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7';
const HEX128 = `${HEX64}${HEX64.split('').reverse().join('')}`;

/** A sha256 digest, for building references. */
export const SHA256_DIGEST = `sha256:${HEX64}`;
/** A sha512 digest, for building references. */
export const SHA512_DIGEST = `sha512:${HEX128}`;

/** An image reference and what it is. */
export interface ImageCase {
  readonly image: string;
  /** Its parts, or undefined when the string is not an image reference. */
  readonly reference: ImageReference | undefined;
  /** Pinned: a valid reference with a digest, or with a tag other than `latest`. */
  readonly pinned: boolean;
}

/** Image references, valid and not. */
export const IMAGE_CASES: readonly ImageCase[] = [
  { image: 'nginx', reference: { repository: 'nginx' }, pinned: false },
  { image: 'nginx:1.25.3', reference: { repository: 'nginx', tag: '1.25.3' }, pinned: true },
  { image: 'nginx:latest', reference: { repository: 'nginx', tag: 'latest' }, pinned: false },
  { image: 'registry.example.com/shop/web:4.2.1', reference: { repository: 'registry.example.com/shop/web', tag: '4.2.1' }, pinned: true },
  { image: 'registry.example.com:5000/shop/web', reference: { repository: 'registry.example.com:5000/shop/web' }, pinned: false },
  { image: 'registry.example.com:5000/shop/web:4.2.1', reference: { repository: 'registry.example.com:5000/shop/web', tag: '4.2.1' }, pinned: true },
  { image: 'localhost:5000/web:1.0', reference: { repository: 'localhost:5000/web', tag: '1.0' }, pinned: true },
  { image: 'localhost/web', reference: { repository: 'localhost/web' }, pinned: false },
  { image: '[fd00::1]:5000/web:1.0', reference: { repository: '[fd00::1]:5000/web', tag: '1.0' }, pinned: true },
  { image: 'Registry.Example.com/shop/web:1.0', reference: { repository: 'Registry.Example.com/shop/web', tag: '1.0' }, pinned: true },
  { image: 'shop/web--api__v2.x:v1_RC', reference: { repository: 'shop/web--api__v2.x', tag: 'v1_RC' }, pinned: true },
  { image: `web@${SHA256_DIGEST}`, reference: { repository: 'web', digest: SHA256_DIGEST }, pinned: true },
  { image: `web@${SHA512_DIGEST}`, reference: { repository: 'web', digest: SHA512_DIGEST }, pinned: true },
  {
    image: `registry.example.com:5000/shop/web:latest@${SHA256_DIGEST}`,
    reference: { repository: 'registry.example.com:5000/shop/web', tag: 'latest', digest: SHA256_DIGEST },
    pinned: true,
  },
  // malformed digests
  { image: 'web@sha256:abc', reference: undefined, pinned: false },
  { image: `web@sha256:${HEX64}0`, reference: undefined, pinned: false },
  { image: `web@sha256:${HEX64.toUpperCase()}`, reference: undefined, pinned: false },
  { image: `web@sha512:${HEX64}`, reference: undefined, pinned: false },
  { image: `web@md5:${HEX64.slice(0, 32)}`, reference: undefined, pinned: false },
  { image: `web@${HEX64}`, reference: undefined, pinned: false },
  { image: `web@${SHA256_DIGEST}@${SHA256_DIGEST}`, reference: undefined, pinned: false },
  // malformed names and tags
  { image: 'Nginx:1.25', reference: undefined, pinned: false },
  { image: 'shop/Web:1.0', reference: undefined, pinned: false },
  { image: 'my_registry.example.com/web:1.0', reference: undefined, pinned: false },
  { image: 'registry.example.com:http/web:1.0', reference: undefined, pinned: false },
  { image: 'web:', reference: undefined, pinned: false },
  { image: 'web:-1', reference: undefined, pinned: false },
  { image: `web:${'a'.repeat(129)}`, reference: undefined, pinned: false },
  { image: 'not an image!', reference: undefined, pinned: false },
  { image: '', reference: undefined, pinned: false },
];

/** An environment variable (or ConfigMap entry) and whether it looks like secret material. */
export interface SecretCase {
  readonly name: string;
  readonly value: string;
  readonly secret: boolean;
}

/** Secret-looking names and values, and look-alikes that are not. */
export const SECRET_CASES: readonly SecretCase[] = [
  // by name
  { name: 'AUTH_BEARER', value: 'abc123', secret: true },
  { name: 'DB_PASSWORD', value: 'hunter2', secret: true },
  { name: 'smtp_passwd', value: 'hunter2', secret: true },
  { name: 'API_TOKEN', value: 'abc', secret: true },
  { name: 'CLIENT_SECRET', value: 'abc', secret: true },
  { name: 'STRIPE_API_KEY', value: 'abc', secret: true },
  { name: 'apikey', value: 'abc', secret: true },
  { name: 'SIGNING_PRIVATE_KEY', value: 'abc', secret: true },
  { name: 'S3_ACCESS_KEY', value: 'abc', secret: true },
  { name: 'SERVICE_CREDENTIALS', value: 'abc', secret: true },
  { name: 'AWS_SECRET_ACCESS_KEY', value: 'abc', secret: true },
  { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/gcp.json', secret: true },
  { name: 'AZURE_STORAGE_KEY', value: 'abc', secret: true },
  { name: 'OCI_CLI_KEY_CONTENT', value: 'abc', secret: true },
  // Polaris sensitiveContainerEnvVar refuses its names whatever the value, the blank one included
  { name: 'DB_PASSWORD', value: '', secret: true },
  { name: 'DB_PASSWORD', value: '   ', secret: true },
  // the library's own names (an opinion) need a value
  { name: 'smtp_passwd', value: '', secret: false },
  { name: 'S3_ACCESS_KEY', value: '  ', secret: false },
  // by value, whatever the name
  { name: 'UPSTREAM', value: 'AKIAIOSFODNN7EXAMPLE', secret: true },
  { name: 'UPSTREAM', value: 'ASIAIOSFODNN7EXAMPLE', secret: true },
  { name: 'GIT_REMOTE', value: `ghp_${'a1B2'.repeat(9)}`, secret: true },
  { name: 'GIT_REMOTE', value: `https://x:gho_${'a1B2'.repeat(9)}@github.com/o/r`, secret: true },
  { name: 'GIT_REMOTE', value: `github_pat_${'a1B2'.repeat(6)}_${'c3D4'.repeat(15)}`, secret: true },
  { name: 'SLACK_HOOK', value: 'xoxb-1234567890-abcdefghij', secret: true },
  { name: 'CERT', value: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', secret: true },
  { name: 'CERT', value: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg', secret: true },
  { name: 'CERT', value: '--------BEGIN OPENSSH PRIVATE KEY--------\nb3BlbnNzaC1rZXkt', secret: true },
  { name: 'CERT', value: '----- BEGIN EC PRIVATE KEY -----\nMHcCAQEE', secret: true },
  // Polaris matches any run of dashes and any case: -BEGIN ... PRIVATE KEY-
  { name: 'CERT', value: '----BEGIN RSA PRIVATE KEY----', secret: true },
  { name: 'CERT', value: '-BEGIN PRIVATE KEY-', secret: true },
  { name: 'CERT', value: '---begin encrypted private key---', secret: true },
  { name: 'CERT', value: '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQdGBF', secret: true },
  // look-alikes
  { name: 'LOG_LEVEL', value: 'info', secret: false },
  { name: 'KEYCLOAK_URL', value: 'https://sso.example.com', secret: false },
  { name: 'CACHE_KEY_PREFIX', value: 'web', secret: false },
  { name: 'CA_BUNDLE', value: '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE', secret: false },
  { name: 'CERT', value: 'BEGIN RSA PRIVATE KEY', secret: false },
  { name: 'CERT', value: '-----BEGIN PUBLIC KEY-----\nMIIBIjAN', secret: false },
  { name: 'GREETING', value: 'ghp_short', secret: false },
  { name: 'GREETING', value: 'akiaiosfodnn7example', secret: false },
  { name: 'GREETING', value: 'xoxb-short', secret: false },
];

/** A port name and whether it is an IANA service name. */
export interface PortNameCase {
  readonly name: string;
  readonly valid: boolean;
}

/** Port names, valid and not. */
export const PORT_NAME_CASES: readonly PortNameCase[] = [
  { name: 'http', valid: true },
  { name: 'h2c', valid: true },
  { name: 'grpc-web', valid: true },
  { name: '8080-http', valid: true },
  { name: 'abcdefghijklmno', valid: true },
  { name: 'abcdefghijklmnop', valid: false },
  { name: '8080', valid: false },
  { name: 'HTTP', valid: false },
  { name: '-http', valid: false },
  { name: 'http-', valid: false },
  { name: 'http--alt', valid: false },
  { name: 'http_alt', valid: false },
  { name: '', valid: false },
];

/** An Ingress host and whether it is one. */
export interface HostCase {
  readonly host: string;
  readonly valid: boolean;
}

/** Ingress hosts, valid and not. */
export const HOST_CASES: readonly HostCase[] = [
  { host: 'example.com', valid: true },
  { host: 'shop.example.com', valid: true },
  { host: '*.example.com', valid: true },
  { host: '*.shop.example.com', valid: true },
  { host: 'localhost', valid: false },
  { host: '*.com', valid: false },
  { host: 'Shop.example.com', valid: false },
  { host: 'shop..example.com', valid: false },
  { host: 'shop.example.com.', valid: false },
  { host: '*.*.example.com', valid: false },
  { host: 'a*.example.com', valid: false },
  { host: '-shop.example.com', valid: false },
  { host: `${'a'.repeat(64)}.example.com`, valid: false },
  { host: '', valid: false },
];

/** A certificate name, a host, and whether the certificate covers the host. */
export interface CoverageCase {
  readonly cert: string;
  readonly host: string;
  readonly covered: boolean;
}

/** Certificate coverage of hosts, wildcards included. */
export const COVERAGE_CASES: readonly CoverageCase[] = [
  { cert: 'shop.example.com', host: 'shop.example.com', covered: true },
  { cert: '*.example.com', host: 'shop.example.com', covered: true },
  { cert: '*.example.com', host: '*.example.com', covered: true },
  { cert: '*.example.com', host: 'a.shop.example.com', covered: false },
  { cert: '*.example.com', host: 'example.com', covered: false },
  { cert: '*.example.com', host: '.example.com', covered: false },
  { cert: '*.example.com', host: 'shopexample.com', covered: false },
  { cert: '*.example.com', host: 'shop.example.org', covered: false },
  { cert: 'shop.example.com', host: '*.example.com', covered: false },
  { cert: '*.shop.example.com', host: '*.example.com', covered: false },
  { cert: 'example.com', host: 'shop.example.com', covered: false },
];

/** A NetworkPolicy spec and the directions it restricts. */
export interface PolicyTypesCase {
  readonly spec: { readonly policyTypes?: readonly string[]; readonly egress?: readonly object[] };
  readonly types: readonly string[];
}

/** NetworkPolicy specs, with `policyTypes` set and left to the API server's default. */
export const POLICY_TYPES_CASES: readonly PolicyTypesCase[] = [
  { spec: {}, types: ['Ingress'] },
  { spec: { egress: [] }, types: ['Ingress'] },
  { spec: { egress: [{}] }, types: ['Ingress', 'Egress'] },
  { spec: { policyTypes: [], egress: [{ to: [] }] }, types: ['Ingress', 'Egress'] },
  { spec: { policyTypes: ['Egress'] }, types: ['Egress'] },
  { spec: { policyTypes: ['Ingress'], egress: [{}] }, types: ['Ingress'] },
  { spec: { policyTypes: ['Ingress', 'Egress'] }, types: ['Ingress', 'Egress'] },
];
