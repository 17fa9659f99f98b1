import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AlertReceiver, ObservabilityStack, Profile, TeamAlertRouting, TeamAlertRoutingProps } from '../../lib';
import { errorOf } from '../helpers/errors';
import { one } from '../helpers/manifests';
import { expectValidManifests } from '../helpers/schema';

function setup(): { team: Chart; stack: ObservabilityStack; secret: kplus.ISecret } {
  const app = Testing.app();
  const platform = new Chart(app, 'platform');
  Profile.use(platform, Profile.PROD);
  const dms = kplus.Secret.fromSecretName(platform, 'Dms', 'alerting');
  const stack = new ObservabilityStack(platform, 'Observability', { storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(dms, 'url') });
  const team = new Chart(app, 'payments', { namespace: 'payments' });
  Profile.use(team, Profile.PROD);
  return { team, stack, secret: kplus.Secret.fromSecretName(team, 'Alerting', 'payments-alerting') };
}

describe('TeamAlertRouting', () => {
  // GIVEN a stack and a team namespace with a Slack and a PagerDuty credential
  const { team, stack, secret } = setup();
  const routing = new TeamAlertRouting(team, 'Alerts', {
    stack, receiver: AlertReceiver.slack(secret, 'slack-url', '#payments'), criticalReceiver: AlertReceiver.pagerDuty(secret, 'pd-key'),
  });
  const manifests = Testing.synth(team);
  const config = one(manifests, 'AlertmanagerConfig');

  test('an AlertmanagerConfig in the team\'s namespace, with the stack label the Alertmanager selects', () => {
    expect(routing.namespaceName).toBe('payments');
    expect(config.metadata.namespace).toBe('payments');
    expect(config.metadata.labels['observability.platform.example.com/stack']).toBe('main');
    expectValidManifests(manifests);
  });

  test('routes the team\'s alerts to its receiver, critical ones to the pager', () => {
    expect(config.spec.route).toEqual({
      receiver: 'team', groupBy: ['namespace', 'alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '12h',
      routes: [{ receiver: 'team-critical', matchers: [{ name: 'severity', value: 'critical', matchType: '=' }], repeatInterval: '4h' }],
    });
  });

  test('credentials are Secret key references, never values', () => {
    expect(config.spec.receivers).toEqual([
      { name: 'team', slackConfigs: [{ apiURL: { name: 'payments-alerting', key: 'slack-url' }, channel: '#payments', sendResolved: true }] },
      { name: 'team-critical', pagerdutyConfigs: [{ routingKey: { name: 'payments-alerting', key: 'pd-key' }, sendResolved: true }] },
    ]);
  });

  test('webhook and email receivers', () => {
    const s = setup();
    new TeamAlertRouting(s.team, 'Alerts', {
      stack: s.stack, receiver: AlertReceiver.webhook(s.secret, 'hook'),
      criticalReceiver: AlertReceiver.email({ to: 'oncall@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587', username: 'am', passwordSecret: s.secret, passwordKey: 'smtp' }),
    });
    const c = one(Testing.synth(s.team), 'AlertmanagerConfig');
    expect(c.spec.receivers[0].webhookConfigs).toEqual([{ urlSecret: { name: 'payments-alerting', key: 'hook' }, sendResolved: true }]);
    expect(c.spec.receivers[1].emailConfigs[0]).toMatchObject({ authPassword: { name: 'payments-alerting', key: 'smtp' }, requireTLS: true });
    expectValidManifests(Testing.synth(s.team));
  });

  test('without a critical receiver, one route', () => {
    const s = setup();
    new TeamAlertRouting(s.team, 'Alerts', { stack: s.stack, receiver: AlertReceiver.webhook(s.secret, 'hook') });
    const c = one(Testing.synth(s.team), 'AlertmanagerConfig');
    expect(c.spec.route.routes).toBeUndefined();
    expect(c.spec.receivers.map((r: any) => r.name)).toEqual(['team']);
  });

  test('throws for a receiver without credentials and routes in the stack\'s own namespace', () => {
    const s = setup();
    const message = errorOf(() => new TeamAlertRouting(s.team, 'Alerts', {
      stack: s.stack, namespaceName: 'observability', receiver: AlertReceiver.slack(s.secret, '', ''),
    } as TeamAlertRoutingProps));
    expect(message).toContain("TeamAlertRouting 'payments/Alerts' has 3 invalid props");
    expect(message).toContain("'namespaceName' (\"observability\") is the stack's namespace");
    expect(message).toContain("'receiver.key' (\"\") is empty");
    expect(message).toContain("'receiver.channel' (\"\") is empty");
  });

  test('throws without a namespace', () => {
    const s = setup();
    const bare = new Chart(s.team.node.scope as any, 'bare');
    expect(errorOf(() => new TeamAlertRouting(bare, 'Alerts', { stack: s.stack, receiver: AlertReceiver.webhook(s.secret, 'hook') })))
      .toContain("'namespaceName' (not set) is not set and no namespace encloses the construct");
  });
});
