import * as kplus from 'cdk8s-plus-28';
import type { AlertmanagerConfigSpecReceivers } from '../../imports/alertmanagerconfig-monitoring.coreos.com';
import { ALERTMANAGER_SECRETS_DIR } from './defaults';
import { FactoryProblems, PropProblem } from '../internal/errors';

/**
 * Options of an email receiver.
 */
export interface EmailReceiverOptions {
  /** The address the notifications go to. */
  readonly to: string;
  /** The sender address. */
  readonly fromAddress: string;
  /** The SMTP server, as `host:port`. */
  readonly smarthost: string;
  /** The SMTP user name. */
  readonly username: string;
  /** The Secret that holds the SMTP password. */
  readonly passwordSecret: kplus.ISecret;
  /** The key of the password in `passwordSecret`. */
  readonly passwordKey: string;
}

/**
 * Where Alertmanager sends notifications: a webhook, Slack, PagerDuty or email. Every credential is a key of a
 * Secret in the stack's namespace, mounted into the Alertmanager pods and read from a file; it never appears in the
 * configuration.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#receiver
 */
export class AlertReceiver {
  /**
   * A webhook (a dead-man's switch such as healthchecks.io, or any HTTP endpoint) whose URL is a Secret key.
   */
  public static webhook(urlSecret: kplus.ISecret, key: string): AlertReceiver {
    return new AlertReceiver('webhook', urlSecret, key, (file) => ({ webhook_configs: [{ url_file: file, send_resolved: true }] }),
      (ref) => ({ webhookConfigs: [{ urlSecret: ref, sendResolved: true }] }));
  }

  /**
   * A Slack channel, through an incoming-webhook URL that is a Secret key.
   */
  public static slack(apiUrlSecret: kplus.ISecret, key: string, channel: string): AlertReceiver {
    const receiver = new AlertReceiver('slack', apiUrlSecret, key,
      (file) => ({ slack_configs: [{ api_url_file: file, channel, send_resolved: true }] }),
      (ref) => ({ slackConfigs: [{ apiUrl: ref, channel, sendResolved: true }] }));
    receiver.problems.check(typeof channel !== 'string' || channel.trim() === '', 'channel', channel, 'is empty', 'name the channel, e.g. \'#alerts\'');
    return receiver;
  }

  /**
   * A PagerDuty service, through an Events API v2 routing key that is a Secret key.
   */
  public static pagerDuty(routingKeySecret: kplus.ISecret, key: string): AlertReceiver {
    return new AlertReceiver('pagerDuty', routingKeySecret, key, (file) => ({ pagerduty_configs: [{ routing_key_file: file, send_resolved: true }] }),
      (ref) => ({ pagerdutyConfigs: [{ routingKey: ref, sendResolved: true }] }));
  }

  /**
   * Email through an SMTP server that requires TLS and a password, which is a Secret key.
   */
  public static email(options: EmailReceiverOptions): AlertReceiver {
    const o = options ?? ({} as EmailReceiverOptions);
    const receiver = new AlertReceiver('email', o.passwordSecret, o.passwordKey, (file) => ({
      email_configs: [{ to: o.to, from: o.fromAddress, smarthost: o.smarthost, auth_username: o.username, auth_password_file: file, require_tls: true, send_resolved: true }],
    }), (ref) => ({
      emailConfigs: [{ to: o.to, from: o.fromAddress, smarthost: o.smarthost, authUsername: o.username, authPassword: ref, requireTls: true, sendResolved: true }],
    }));
    for (const field of ['to', 'fromAddress', 'smarthost', 'username'] as const) {
      receiver.problems.check(typeof o[field] !== 'string' || o[field].trim() === '', field, o[field], 'is empty', `set '${field}'`);
    }
    receiver.problems.check(typeof o.smarthost === 'string' && !/^[^:\s]+:[0-9]+$/.test(o.smarthost), 'smarthost', o.smarthost,
      'is not host:port', 'write it as e.g. \'smtp.example.com:587\'');
    return receiver;
  }

  private readonly problems = new FactoryProblems();

  private constructor(
    /** The kind of receiver, for messages. */
    public readonly receiverType: string,
    private readonly secret: kplus.ISecret | undefined,
    private readonly key: string | undefined,
    private readonly render: (file: string) => Record<string, unknown>,
    private readonly renderTeam: (ref: { name: string; key: string }) => Omit<AlertmanagerConfigSpecReceivers, 'name'>,
  ) {
    const secretName = (secret as { name?: unknown } | undefined)?.name;
    this.problems.check(typeof secretName !== 'string' || secretName === '', 'secret', secretName,
      'is missing: a receiver needs its credential from a Secret', 'pass a Secret (kplus.Secret.fromSecretName(...)) that holds the credential');
    this.problems.check(typeof key !== 'string' || key.trim() === '', 'key', key, 'is empty', 'name the key of the Secret that holds the credential');
  }

  /**
   * The name of the Secret that holds the credential.
   */
  public get secretName(): string {
    return this.secret?.name ?? '';
  }

  /**
   * The problems found in the factory's arguments.
   *
   * @internal
   */
  public get _problems(): readonly PropProblem[] {
    return this.problems.problems;
  }

  /**
   * The receiver entry of the Alertmanager configuration, named `name`.
   *
   * @internal
   */
  public _toConfig(name: string): Record<string, unknown> {
    return { name, ...this.render(`${ALERTMANAGER_SECRETS_DIR}/${this.secretName}/${this.key}`) };
  }

  /**
   * The receiver of a namespace-scoped AlertmanagerConfig, named `name`; the Secret must be in that namespace.
   *
   * @internal
   */
  public _toTeamConfig(name: string): AlertmanagerConfigSpecReceivers {
    return { name, ...this.renderTeam({ name: this.secretName, key: this.key ?? '' }) };
  }
}
