import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  HttpRoute, HttpRouteSpecRulesFilters, HttpRouteSpecRulesFiltersType, HttpRouteSpecRulesMatchesPathType,
} from '../../imports/httproute-gateway.networking.k8s.io';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import type { IHardenedWorkload } from '../workload/hardened-workload';
import { httpPathProblem, isHeaderName } from './_gateway';
import { gatewayDuration } from '../internal/durations';
import { connectRoute, resolveRouteTarget, routeName, routeObjectParts } from './_route-target';
import { GATEWAY } from './defaults';
import type { IGateway } from './production-gateway';

/**
 * How an HTTPRoute path matches a request path.
 */
export enum RoutePathMatch {
  /** The path and everything below it, by whole segments (`/shop` matches `/shop/cart`, not `/shopping`). */
  PREFIX = 'PathPrefix',
  /** The path exactly. */
  EXACT = 'Exact',
}

/**
 * Headers an HTTPRoute sets, adds or removes (the standard RequestHeaderModifier and ResponseHeaderModifier filters).
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/#filters-optional
 */
export interface HttpHeaderOptions {
  /**
   * Headers to set, replacing any value the message has.
   *
   * @default - none
   */
  readonly set?: { [name: string]: string };

  /**
   * Headers to add to the values the message has.
   *
   * @default - none
   */
  readonly add?: { [name: string]: string };

  /**
   * Headers to remove.
   *
   * @default - none
   */
  readonly remove?: string[];
}

/**
 * Props of a `ProductionHttpRoute`.
 */
export interface ProductionHttpRouteProps {
  /** The Gateway to attach to: a ProductionGateway, or `ProductionGateway.fromGatewayAttributes(...)`. */
  readonly gateway: IGateway;

  /** The hostname routed; a listener of the gateway must serve it. */
  readonly hostname: string;

  /** The workload requests go to (a ProductionApp, ...). The route is created in its namespace. */
  readonly app: IHardenedWorkload;

  /**
   * The paths routed to the workload.
   *
   * @default ['/']
   */
  readonly paths?: string[];

  /**
   * How the paths match.
   *
   * @default RoutePathMatch.PREFIX
   */
  readonly pathMatch?: RoutePathMatch;

  /**
   * The workload's port.
   *
   * @default - the workload's main port
   */
  readonly port?: number;

  /**
   * The HTTPRoute's name.
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;

  /**
   * The longest a request may take, from the gateway receiving it to the response (`timeouts.request`).
   *
   * @default Duration.seconds(30)
   */
  readonly requestTimeout?: Duration;

  /**
   * The longest one request from the gateway to the workload may take (`timeouts.backendRequest`); at most
   * `requestTimeout`.
   *
   * @default - only the request timeout applies
   */
  readonly backendRequestTimeout?: Duration;

  /**
   * Headers changed on the way to the workload.
   *
   * @default - none
   */
  readonly requestHeaders?: HttpHeaderOptions;

  /**
   * Headers changed on the way to the client. A `Strict-Transport-Security` given here replaces the library's.
   *
   * @default - none besides HSTS
   */
  readonly responseHeaders?: HttpHeaderOptions;

  /**
   * Send `Strict-Transport-Security: max-age=31536000` with every response. Turning it off is an error in staging and
   * prod.
   *
   * @default true
   */
  readonly hsts?: boolean;
}

/**
 * The HTTPRoute of one workload and hostname on a Gateway: the paths, a request timeout, HSTS, and the backends the
 * workload gives (its Service, or the stable and canary Services of a canary), in the workload's namespace.
 *
 * Also allows the gateway's data-plane pods into the workload, on the routed port only.
 *
 * @example
 * const gateway = ProductionGateway.fromGatewayAttributes(chart, 'Shared', {
 *   name: 'shared', namespaceName: 'gateway-system', listeners: [{ name: 'https', hostname: '*.example.com' }],
 * });
 * new ProductionHttpRoute(shop, 'WebRoute', { gateway, hostname: 'shop.example.com', app: web, paths: ['/'] });
 */
export class ProductionHttpRoute extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The HTTPRoute's name. */
  public readonly name: string;
  /** The HTTPRoute's namespace (the workload's). */
  public readonly namespaceName?: string;
  /** The hostname. */
  public readonly hostname: string;
  /** The paths. */
  public readonly paths: string[];
  /** How the paths match. */
  public readonly pathMatch: RoutePathMatch;
  /** The workload's port. */
  public readonly port: number;
  /** The listener the route attaches to. */
  public readonly sectionName: string;
  /** The request timeout. */
  public readonly requestTimeout: Duration;
  /** The backend request timeout, if set. */
  public readonly backendRequestTimeout?: Duration;
  /** Whether HSTS is sent. */
  public readonly hsts: boolean;

  /** The HTTPRoute. */
  public readonly route: ApiObject;

  public constructor(scope: Construct, id: string, props: ProductionHttpRouteProps) {
    super(scope, _uniqueId(scope, id, 'ProductionHttpRoute'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionHttpRoute', this.profile);
    assertPropTypes(errors, props, 'ProductionHttpRouteProps');

    this.name = routeName(errors, this, props.name);
    this.hostname = props.hostname;
    const target = resolveRouteTarget(errors, props, false);

    // ---- paths ----
    this.paths = [...(props.paths ?? ['/'])];
    this.pathMatch = props.pathMatch ?? RoutePathMatch.PREFIX;
    errors.check(this.paths.length === 0, 'paths', [], 'is empty', 'leave it out to route every path, or list the paths');
    errors.check(this.paths.length > 64, 'paths', `${this.paths.length} paths`, 'is more than the 64 matches an HTTPRoute rule holds', 'route a common prefix, or split the route');
    this.paths.forEach((path, i) => {
      const problem = httpPathProblem(path);
      errors.check(problem !== undefined, `paths[${i}]`, path, `${problem}, which the API server refuses in an HTTPRoute path`,
        'write an absolute path without empty, \'.\' or \'..\' segments, \'#\', or an encoded \'/\' (e.g. \'/shop\')');
      errors.check(this.paths.indexOf(path) < i, `paths[${i}]`, path, 'is listed twice', 'list each path once');
    });

    // ---- timeouts ----
    this.requestTimeout = props.requestTimeout ?? Duration.seconds(GATEWAY.requestTimeoutSeconds);
    this.backendRequestTimeout = props.backendRequestTimeout;
    const request = gatewayDuration(this.requestTimeout);
    const backend = this.backendRequestTimeout !== undefined ? gatewayDuration(this.backendRequestTimeout) : undefined;
    errors.check(request === undefined || request === '0s', 'requestTimeout', `${this.requestTimeout.toMilliseconds()}ms`,
      'is not a positive whole number of milliseconds under 100000 hours (0 would turn the timeout off)', 'use e.g. Duration.seconds(30)');
    errors.check(this.backendRequestTimeout !== undefined && (backend === undefined || backend === '0s'), 'backendRequestTimeout',
      `${this.backendRequestTimeout?.toMilliseconds()}ms`, 'is not a positive whole number of milliseconds', 'use e.g. Duration.seconds(10)');
    errors.check(this.backendRequestTimeout !== undefined && this.backendRequestTimeout.toMilliseconds() > this.requestTimeout.toMilliseconds(),
      'backendRequestTimeout', backend, `is longer than 'requestTimeout' (${request}), which the API server refuses`,
      'make it at most the request timeout');

    // ---- headers ----
    this.hsts = props.hsts ?? true;
    errors.enforce(!this.hsts, 'hsts', false, 'lets browsers fall back to plain HTTP', 'remove it (HSTS is on by default)');
    const requestFilter = headerFilter(errors, 'requestHeaders', props.requestHeaders, undefined);
    const responseFilter = headerFilter(errors, 'responseHeaders', props.responseHeaders, this.hsts ? GATEWAY.hstsHeader : undefined);
    errors.throwIfAny();

    // ================= objects =================
    this.port = target!.port;
    this.sectionName = target!.listener.name;
    this.namespaceName = target!.namespace;
    const { metadata, parentRefs, hostnames, backendRefs } = routeObjectParts(this.profile, this.name, props, target!);
    const filters: HttpRouteSpecRulesFilters[] = [];
    if (requestFilter) filters.push({ type: HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: requestFilter });
    if (responseFilter) filters.push({ type: HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: responseFilter });
    this.route = new HttpRoute(this, 'Resource', {
      metadata,
      spec: {
        parentRefs,
        hostnames,
        // One rule: a delivery controller that splits traffic rewrites the weights of its backends.
        rules: [{
          matches: this.paths.map((value) => ({ path: { type: this.pathMatch as string as HttpRouteSpecRulesMatchesPathType, value } })),
          filters: filters.length > 0 ? filters : undefined,
          backendRefs,
          timeouts: { request, backendRequest: backend },
        }],
      },
    });
    connectRoute(props, target!, { kind: 'HTTPRoute', name: this.name, namespace: this.namespaceName });
  }
}

/** A header modifier filter, or undefined when it would be empty; records bad names and values. */
function headerFilter(errors: PropErrors, prop: string, options: HttpHeaderOptions | undefined,
  extra: { name: string; value: string } | undefined): { set?: Array<{ name: string; value: string }>; add?: Array<{ name: string; value: string }>; remove?: string[] } | undefined {
  const set = Object.entries(options?.set ?? {}).map(([name, value]) => ({ name, value }));
  const add = Object.entries(options?.add ?? {}).map(([name, value]) => ({ name, value }));
  const remove = [...(options?.remove ?? [])];
  if (extra !== undefined && !set.some((h) => h.name.toLowerCase() === extra.name.toLowerCase())) {
    set.push({ ...extra });
  }
  for (const [list, field] of [[set, 'set'], [add, 'add']] as const) {
    errors.check(list.length > 16, `${prop}.${field}`, `${list.length} headers`, 'is more than the 16 a filter holds', 'set fewer headers');
    for (const h of list) {
      errors.check(!isHeaderName(h.name), `${prop}.${field}`, h.name, 'is not an HTTP header name', 'use letters, digits and !#$%&\'*+-.^_`|~ only');
      errors.check(typeof h.value !== 'string' || h.value.length === 0 || h.value.length > 4096, `${prop}.${field}.${h.name}`, h.value,
        'is not a header value of 1 to 4096 characters', 'give a value, or use \'remove\' to drop the header');
    }
  }
  errors.check(remove.length > 16, `${prop}.remove`, `${remove.length} headers`, 'is more than the 16 a filter holds', 'remove fewer headers');
  remove.forEach((name, i) => errors.check(!isHeaderName(name), `${prop}.remove[${i}]`, name, 'is not an HTTP header name', 'use letters, digits and !#$%&\'*+-.^_`|~ only'));
  const names = [...set, ...add].map((h) => h.name.toLowerCase());
  const twice = [...new Set([...names, ...remove.map((n) => String(n).toLowerCase())].filter((n, i, all) => all.indexOf(n) !== i))];
  errors.check(twice.length > 0, prop, twice, 'names a header in more than one of set, add and remove', 'change each header once');
  if (set.length + add.length + remove.length === 0) {
    return undefined;
  }
  return { set: set.length > 0 ? set : undefined, add: add.length > 0 ? add : undefined, remove: remove.length > 0 ? remove : undefined };
}
