import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertmanagerConfig, AlertmanagerConfigSpecRouteMatchersMatchType } from '../../imports/alertmanagerconfig-monitoring.coreos.com';
import { AlertReceiver } from './alert-receiver';
import { ROUTE_GROUP_BY, ROUTE_TIMING } from './defaults';
import { ObservabilityStack } from './observability-stack';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors } from '../internal/errors';
import { isDns1123Label } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _namespaceOf, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';

/**
 * Props of a `TeamAlertRouting`.
 */
export interface TeamAlertRoutingProps {
  /** The stack whose Alertmanager loads the routes (it selects them by the stack label). */
  readonly stack: ObservabilityStack;
  /** Where the team's alerts go (a chat channel). Its Secret must be in the team's namespace. */
  readonly receiver: AlertReceiver;
  /**
   * Where the team's `severity="critical"` alerts go (a pager). Its Secret must be in the team's namespace.
   *
   * @default - `receiver`
   */
  readonly criticalReceiver?: AlertReceiver;
  /**
   * The team's namespace: the operator adds `namespace="<namespace>"` to the route, so only alerts of that namespace
   * are routed here.
   *
   * @default - the enclosing ProductionNamespace, else the chart's namespace
   */
  readonly namespaceName?: string;
  /**
   * The name of the AlertmanagerConfig.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;
}

/**
 * A team's alert routes: an AlertmanagerConfig in the team's namespace that sends the alerts of that namespace to the
 * team's receivers, critical ones to a pager. Credentials come from Secret keys in the same namespace.
 *
 * The cluster-wide routes (the Watchdog, the platform's receivers) stay in the stack's root configuration: the operator
 * scopes every route of an AlertmanagerConfig to its namespace.
 *
 * @see https://prometheus-operator.dev/docs/developer/alerting/
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * const stack = new ObservabilityStack(platform, 'Observability', {
 *   storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url'),
 * });
 * const payments = new Chart(app, 'payments', { namespace: 'payments' });
 * const credentials = kplus.Secret.fromSecretName(payments, 'Credentials', 'payments-alerting');
 * new TeamAlertRouting(payments, 'Alerts', {
 *   stack,
 *   receiver: AlertReceiver.slack(credentials, 'slack-url', '#payments'),
 *   criticalReceiver: AlertReceiver.pagerDuty(credentials, 'pd-key'),
 * });
 */
export class TeamAlertRouting extends Construct {
  /** The namespace the routes apply to. */
  public readonly namespaceName: string;
  /** The name of the AlertmanagerConfig. */
  public readonly name: string;
  /** The AlertmanagerConfig. */
  public readonly config: ApiObject;

  public constructor(scope: Construct, id: string, props: TeamAlertRoutingProps) {
    super(scope, _uniqueId(scope, id, 'TeamAlertRouting'));
    _registerAppChecks(this);
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'TeamAlertRouting', profile);
    assertPropTypes(errors, props, 'TeamAlertRoutingProps');
    this.namespaceName = props.namespaceName ?? _namespaceOf(this) ?? '';
    this.name = props.name ?? Names.toDnsLabel(this);
    errors.check(this.namespaceName === '', 'namespaceName', undefined, 'is not set and no namespace encloses the construct',
      'set \'namespaceName\' to the team\'s namespace, or create the construct in a ProductionNamespace or a chart with a namespace');
    errors.checkDnsLabel('namespaceName', props.namespaceName);
    errors.checkName(props.name, this.name, isDns1123Label(this.name), 'a DNS-1123 label', 'use lowercase letters, digits and \'-\'');
    errors.check(this.namespaceName === props.stack.namespaceName, 'namespaceName', this.namespaceName, 'is the stack\'s namespace, whose routes are the root configuration',
      'give the stack\'s receivers to the ObservabilityStack, and use TeamAlertRouting in the team\'s namespace');
    errors.addAll('receiver', props.receiver._problems);
    if (props.criticalReceiver !== undefined) errors.addAll('criticalReceiver', props.criticalReceiver._problems);
    errors.throwIfAny();

    const receivers = [props.receiver._toTeamConfig('team')];
    const routes = [];
    if (props.criticalReceiver !== undefined) {
      receivers.push(props.criticalReceiver._toTeamConfig('team-critical'));
      routes.push({
        receiver: 'team-critical',
        matchers: [{ name: 'severity', value: 'critical', matchType: AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUALS }],
        repeatInterval: ROUTE_TIMING.criticalRepeatInterval,
      });
    }
    const metadata = objectMetadata(profile, this.name, this.namespaceName,
      { 'app.kubernetes.io/name': 'alert-routing', 'app.kubernetes.io/instance': this.name, ...props.stack.selectorLabels });
    this.config = new AlertmanagerConfig(this, 'Resource', {
      metadata,
      spec: {
        route: {
          receiver: 'team',
          groupBy: ROUTE_GROUP_BY,
          groupWait: ROUTE_TIMING.groupWait,
          groupInterval: ROUTE_TIMING.groupInterval,
          repeatInterval: ROUTE_TIMING.repeatInterval,
          routes: routes.length > 0 ? routes : undefined,
        },
        receivers,
      },
    });
  }
}
