// What ProductionHttpRoute and ProductionGrpcRoute resolve alike: the listener, the port, the backends and the
// namespace check (not public API).
import { ApiObjectMetadata, Chart, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { PropErrors } from '../internal/errors';
import { isDns1123Subdomain } from '../internal/names';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { HardenedWorkload, IHardenedWorkload } from '../workload/hardened-workload';
import type { AttachedRouteRef, RouteBackendRef } from '../workload/_routes';
import { chartOf, isGatewayHostname, isGrpcPort, listenerServes } from './_gateway';
import type { GatewayListener, IGateway } from './production-gateway';
import { GatewayProtocol } from './production-gateway';
import { ProductionNamespace } from './production-namespace';

/** What a route attaches to and sends traffic to. @internal */
export interface RouteTarget {
  readonly listener: GatewayListener;
  readonly port: number;
  readonly backends: RouteBackendRef[];
  readonly namespace?: string;
}

/** The props both route kinds share. @internal */
export interface RouteTargetProps {
  readonly gateway: IGateway;
  readonly hostname: string;
  readonly app: IHardenedWorkload;
  readonly port?: number;
}

/**
 * Checks what both route kinds share and records every problem in `errors`; returns undefined when the target
 * cannot be resolved (the errors say why).
 *
 * @param grpc whether the route is a GRPCRoute (the port must serve gRPC) or an HTTPRoute (it must not)
 * @internal
 */
export function resolveRouteTarget(errors: PropErrors, props: RouteTargetProps, grpc: boolean): RouteTarget | undefined {
  const { gateway, hostname, app } = props;
  const kind = grpc ? 'ProductionGrpcRoute' : 'ProductionHttpRoute';
  const other = grpc ? 'ProductionHttpRoute' : 'ProductionGrpcRoute';
  const isGateway = Array.isArray(gateway?.listeners) && typeof gateway?.name === 'string' && typeof gateway?.namespaceName === 'string'
    && typeof gateway?.dataPlane?.toNetworkPolicyPeer === 'function';
  const isWorkload = Array.isArray(app?.ports) && typeof app?.addIngressRule === 'function' && app?.node !== undefined;
  errors.check(!isGateway, 'gateway', gateway, 'is not a gateway', 'pass a ProductionGateway, or ProductionGateway.fromGatewayAttributes(...)');
  errors.check(!isWorkload, 'app', app, 'is not a hardened workload', 'pass a ProductionApp (or another workload of the library) that serves a port');
  if (!isGateway || !isWorkload) {
    return undefined;
  }

  // ---- hostname and listener ----
  let listener: GatewayListener | undefined;
  if (!isGatewayHostname(hostname)) {
    errors.add('hostname', hostname, 'is not a valid hostname',
      'use lowercase RFC 1123 labels separated by \'.\', optionally starting with \'*.\' (e.g. \'shop.example.com\'), not an IP address');
  } else {
    const serving = gateway.listeners.filter((l) => listenerServes(l.hostname, hostname));
    // An exact listener wins over a wildcard one, and HTTPS over HTTP, as a client reaching the host would see it.
    listener = serving.find((l) => l.hostname === hostname && l.protocol === GatewayProtocol.HTTPS)
      ?? serving.find((l) => l.protocol === GatewayProtocol.HTTPS)
      ?? serving[0];
    const hosts = gateway.listeners.map((l) => l.hostname ?? '(any)').join(', ');
    errors.check(listener === undefined, 'hostname', hostname, `is served by no listener of Gateway '${gateway.namespaceName}/${gateway.name}' (listeners: ${hosts})`,
      `add a listener { hostname: '${hostname}', certificate: ... } to the gateway, or route a hostname it serves`);
    errors.enforce(listener !== undefined && listener.protocol !== GatewayProtocol.HTTPS, 'hostname', hostname,
      `is served by the plain-HTTP listener "${listener?.name}"`, 'give the gateway\'s listener for this hostname a certificate');
  }

  // ---- workload, port, backends ----
  if (app?.service === undefined || app.ports.length === 0) {
    errors.add('app', app?.node?.path, 'has no Service and serves no port (a worker or a job), so nothing can be routed to it',
      'route to a workload that serves a port, such as a ProductionApp');
    return undefined;
  }
  const port = props.port ?? (grpc ? app.ports.find((p) => isGrpcPort(p)) ?? app.ports[0] : app.ports[0]).port;
  const appPort = app.ports.find((p) => p.port === port);
  errors.check(appPort === undefined, 'port', port, `is not a port of workload '${app.node.path}'`,
    `use one of ${app.ports.map((p) => `${p.port} (${p.name})`).join(', ')}`);
  if (appPort !== undefined && isGrpcPort(appPort) !== grpc) {
    errors.add('port', port, grpc
      ? `is port "${appPort.name}" of workload '${app.node.path}', which does not serve gRPC (a gRPC port is named 'grpc' or 'grpc-<suffix>')`
      : `is port "${appPort.name}" of workload '${app.node.path}', which serves gRPC`,
    grpc ? `name the gRPC port 'grpc' in the workload, or route HTTP with ${other}` : `route it with ${other}`);
  }
  const backends = appPort !== undefined ? routeBackends(app, port) : [];
  errors.check(appPort !== undefined && backends.length === 0, 'app', app.node.path, 'has no Service for the route to reach',
    'route to a workload with a Service');

  // ---- namespaces ----
  const namespace = app.namespaceName;
  const admitted = admittingNamespace(app, namespace);
  const labels = gateway.routeNamespaceLabels;
  if (admitted !== undefined && labels !== undefined) {
    const missing = Object.entries(labels).filter(([k, v]) => admitted.namespaceObject.metadata.getLabel(k) !== v);
    errors.check(missing.length > 0, 'app', app.node.path,
      `is in namespace "${namespace}", which lacks the label${missing.length > 1 ? 's' : ''} ${missing.map(([k, v]) => `${k}=${v}`).join(', ')} `
      + `that Gateway '${gateway.namespaceName}/${gateway.name}' admits routes from, so the route would never attach`,
      `call gateway.admitNamespace(<the ProductionNamespace "${namespace}">) before creating the ${kind}`);
  }
  return listener !== undefined && appPort !== undefined ? { listener, port, backends, namespace } : undefined;
}

/**
 * The ProductionNamespace of the workload's namespace, when the app knows it: the one the workload is in, else one of
 * that name in the workload's chart.
 */
function admittingNamespace(app: IHardenedWorkload, namespace: string | undefined): ProductionNamespace | undefined {
  if (namespace === undefined) {
    return undefined;
  }
  const enclosing = app.node.scopes.find((s) => s instanceof ProductionNamespace && s.name === namespace) as ProductionNamespace | undefined;
  if (enclosing !== undefined) {
    return enclosing;
  }
  const chart: Chart | undefined = chartOf(app);
  return chart?.node.findAll().find((c) => c instanceof ProductionNamespace && c.name === namespace) as ProductionNamespace | undefined;
}

/**
 * The backends of a route to `port` of a workload: what a HardenedWorkload says (its Service, or the Services a
 * delivery controller splits traffic between), else the workload's Service.
 *
 * @internal
 */
export function routeBackends(app: IHardenedWorkload, port: number): RouteBackendRef[] {
  if (app instanceof HardenedWorkload) {
    return app._routeBackends(port);
  }
  return app.service !== undefined ? [{ name: app.service.name, port }] : [];
}

/** Tells a HardenedWorkload that a route references its backends. @internal */
export function attachRoute(app: IHardenedWorkload, route: AttachedRouteRef): void {
  if (app instanceof HardenedWorkload) {
    app._attachRoute(route);
  }
}

/** The recommended labels of a workload, for the objects made for it. @internal */
export function workloadLabels(app: IHardenedWorkload): { [key: string]: string } {
  return app instanceof HardenedWorkload ? { ...app.labels } : {};
}

/**
 * A route's name: the one given, or one derived from the construct path; records a name the API server refuses.
 *
 * @internal
 */
export function routeName(errors: PropErrors, route: Construct, name: string | undefined): string {
  const resolved = name ?? Names.toDnsLabel(route);
  errors.checkName(name, resolved, isDns1123Subdomain(resolved), 'a DNS-1123 subdomain', 'use lowercase letters, digits, \'-\' and \'.\'');
  return resolved;
}

/** What both route kinds write alike into their object. @internal */
export interface RouteObjectParts {
  readonly metadata: ApiObjectMetadata;
  readonly parentRefs: Array<{ name: string; namespace: string; sectionName: string }>;
  readonly hostnames: string[];
  readonly backendRefs: Array<{ name: string; port: number; weight?: number }>;
}

/**
 * The metadata, the listener the route attaches to, the hostname and the backends of a route object, from its
 * resolved target.
 *
 * @internal
 */
export function routeObjectParts(profile: Profile, name: string, props: RouteTargetProps, target: RouteTarget): RouteObjectParts {
  const { gateway, app, hostname } = props;
  return {
    metadata: objectMetadata(profile, name, target.namespace, workloadLabels(app)),
    parentRefs: [{ name: gateway.name, namespace: gateway.namespaceName, sectionName: target.listener.name }],
    hostnames: [hostname],
    backendRefs: target.backends.map((b) => ({ name: b.name, port: b.port, weight: b.weight })),
  };
}

/**
 * Once the route object exists: tells the workload that the route references its backends, and admits the
 * gateway's data plane into the workload on the routed port.
 *
 * @internal
 */
export function connectRoute(props: RouteTargetProps, target: RouteTarget, route: AttachedRouteRef): void {
  attachRoute(props.app, route);
  props.app.addIngressRule(props.gateway.dataPlane, { ports: [target.port] });
}
