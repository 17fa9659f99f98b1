// Gateway API syntax facts and the checks ProductionGateway and its routes share (not public API).
import { isIP } from 'net';
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { AppPort } from '../workload/hardened-pod';
import { GRPC_PORT_NAME } from './defaults';
import { hostCovers } from '../internal/names';

/** What the Gateway API accepts as a listener or route hostname (the CRD pattern; IP addresses are refused). */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A listener name or route section name (`SectionName`). */
const SECTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The characters an Exact or PathPrefix path may hold (HTTPPathMatch CEL rule). */
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** An HTTP header name (HTTPHeaderName). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** A gRPC service name of an Exact method match. */
const GRPC_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;

/**
 * Whether the Gateway API accepts `value` as a hostname: at most 253 characters, lowercase RFC 1123 labels, an
 * optional leading `*.`, not an IP address.
 *
 * @internal
 */
export function isGatewayHostname(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 253 && HOSTNAME.test(value) && isIP(value) === 0;
}

/** Whether `value` is a listener name (SectionName): a DNS-1123 subdomain of at most 253 characters. @internal */
export function isSectionName(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 253 && SECTION_NAME.test(value);
}

/** Whether `value` is an HTTP header name the Gateway API accepts. @internal */
export function isHeaderName(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 256 && HEADER_NAME.test(value);
}

/** Whether `value` is a gRPC service name an Exact method match accepts. @internal */
export function isGrpcService(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 1024 && GRPC_SERVICE.test(value);
}

/**
 * What the API server refuses in an HTTPRoute path of type Exact or PathPrefix (the HTTPPathMatch CEL rules), or
 * undefined when it is fine.
 *
 * @internal
 */
export function httpPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    return 'is not an absolute path';
  }
  if (path.length > 1024) {
    return 'is longer than 1024 characters';
  }
  const sequence = ['//', '/./', '/../', '%2f', '%2F', '#'].find((s) => path.includes(s));
  if (sequence !== undefined) {
    return `contains '${sequence}'`;
  }
  const suffix = ['/..', '/.'].find((s) => path.endsWith(s));
  if (suffix !== undefined) {
    return `ends with '${suffix}'`;
  }
  return PATH_CHARACTERS.test(path) ? undefined : 'holds a character outside A-Z a-z 0-9 and -/._~!$&\'()*+,;=:@ (other bytes must be %-encoded)';
}

/** Whether a workload port serves gRPC, by its name (`grpc`, `grpc-*`). @internal */
export function isGrpcPort(port: AppPort | undefined): boolean {
  return port !== undefined && GRPC_PORT_NAME.test(port.name);
}

/** Whether a listener hostname (maybe a wildcard, maybe none = every host) serves a route hostname. @internal */
export function listenerServes(listenerHost: string | undefined, host: string): boolean {
  // A wildcard listener serves one more label only: its certificate covers no deeper name (RFC 6125).
  return listenerHost === undefined || hostCovers(listenerHost, host);
}

/** The chart a construct is in, if any. @internal */
export function chartOf(scope: IConstruct): Chart | undefined {
  return scope.node.scopes.slice().reverse().find((s) => Chart.isChart(s)) as Chart | undefined;
}
