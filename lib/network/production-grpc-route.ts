import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GrpcRoute, GrpcRouteSpecRulesMatchesMethodType } from '../../imports/grpcroute-gateway.networking.k8s.io';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import type { IHardenedWorkload } from '../workload/hardened-workload';
import { isGrpcService } from './_gateway';
import { connectRoute, resolveRouteTarget, routeName, routeObjectParts } from './_route-target';
import type { IGateway } from './production-gateway';

/**
 * Props of a `ProductionGrpcRoute`.
 */
export interface ProductionGrpcRouteProps {
  /** The Gateway to attach to: a ProductionGateway, or `ProductionGateway.fromGatewayAttributes(...)`. */
  readonly gateway: IGateway;

  /** The hostname routed; a listener of the gateway must serve it. */
  readonly hostname: string;

  /** The gRPC workload. Its gRPC port is named `grpc` or `grpc-<suffix>`. The route is created in its namespace. */
  readonly app: IHardenedWorkload;

  /**
   * The fully qualified gRPC services routed to the workload (e.g. `shop.cart.v1.CartService`).
   *
   * @default - every service on the hostname
   */
  readonly services?: string[];

  /**
   * The workload's gRPC port.
   *
   * @default - the workload's first port named `grpc` or `grpc-<suffix>`
   */
  readonly port?: number;

  /**
   * The GRPCRoute's name.
   *
   * @default - derived from the construct path (`Names.toDnsLabel`)
   */
  readonly name?: string;
}

/**
 * The GRPCRoute of one gRPC workload and hostname on a Gateway, in the workload's namespace. The route tells the
 * implementation that the backend speaks gRPC, and the Service port's name (`grpc`, `grpc-<suffix>`) tells the
 * implementations that select the protocol by port name (Istio) too: the Gateway speaks HTTP/2 without TLS (h2c) to
 * the workload.
 *
 * Also allows the gateway's data-plane pods into the workload, on the routed port only.
 *
 * @example
 * const cart = new ProductionApp(shop, 'Cart', {
 *   image: 'registry.example.com/cart:1.0.0', port: 9090, portName: 'grpc', readiness: AppProbe.grpc(), liveness: AppProbe.tcpSocket(),
 * });
 * const gateway = ProductionGateway.fromGatewayAttributes(chart, 'Shared', {
 *   name: 'shared', namespaceName: 'gateway-system', listeners: [{ name: 'https', hostname: '*.example.com' }],
 * });
 * new ProductionGrpcRoute(shop, 'CartRoute', { gateway, hostname: 'api.example.com', app: cart, services: ['shop.cart.v1.CartService'] });
 */
export class ProductionGrpcRoute extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** The GRPCRoute's name. */
  public readonly name: string;
  /** The GRPCRoute's namespace (the workload's). */
  public readonly namespaceName?: string;
  /** The hostname. */
  public readonly hostname: string;
  /** The gRPC services routed, empty for every service. */
  public readonly services: string[];
  /** The workload's port. */
  public readonly port: number;
  /** The listener the route attaches to. */
  public readonly sectionName: string;

  /** The GRPCRoute. */
  public readonly route: ApiObject;

  public constructor(scope: Construct, id: string, props: ProductionGrpcRouteProps) {
    super(scope, _uniqueId(scope, id, 'ProductionGrpcRoute'));
    _registerAppChecks(this);
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionGrpcRoute', this.profile);
    assertPropTypes(errors, props, 'ProductionGrpcRouteProps');

    this.name = routeName(errors, this, props.name);
    this.hostname = props.hostname;
    const target = resolveRouteTarget(errors, props, true);
    this.services = [...(props.services ?? [])];
    errors.check(props.services !== undefined && this.services.length === 0, 'services', [], 'is empty', 'leave it out to route every service, or list them');
    errors.check(this.services.length > 64, 'services', `${this.services.length} services`, 'is more than the 64 matches a GRPCRoute rule holds', 'split the route');
    this.services.forEach((service, i) => {
      errors.check(!isGrpcService(service), `services[${i}]`, service, 'is not a gRPC service name, which the API server refuses',
        'write the fully qualified name, e.g. \'shop.cart.v1.CartService\'');
      errors.check(this.services.indexOf(service) < i, `services[${i}]`, service, 'is listed twice', 'list each service once');
    });
    errors.throwIfAny();

    // ================= objects =================
    this.port = target!.port;
    this.sectionName = target!.listener.name;
    this.namespaceName = target!.namespace;
    const { metadata, parentRefs, hostnames, backendRefs } = routeObjectParts(this.profile, this.name, props, target!);
    this.route = new GrpcRoute(this, 'Resource', {
      metadata,
      spec: {
        parentRefs,
        hostnames,
        rules: [{
          matches: this.services.length > 0
            ? this.services.map((service) => ({ method: { type: GrpcRouteSpecRulesMatchesMethodType.EXACT, service } }))
            : undefined,
          backendRefs,
        }],
      },
    });
    connectRoute(props, target!, { kind: 'GRPCRoute', name: this.name, namespace: this.namespaceName });
  }
}
