// What route constructs and workloads tell each other (not public API).

/**
 * A Service and port a route sends traffic to, with its starting weight when traffic is split.
 */
export interface RouteBackendRef {
  readonly name: string;
  readonly port: number;
  readonly weight?: number;
}

/**
 * A route object that sends traffic to a workload.
 */
export interface AttachedRouteRef {
  readonly kind: 'HTTPRoute' | 'GRPCRoute';
  readonly name: string;
  readonly namespace?: string;
}
