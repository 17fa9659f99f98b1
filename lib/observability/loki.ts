import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { LOKI, LOKI_RETENTION, LOKI_STORAGE } from './defaults';
import { stackPodProps } from './_pods';
import type { ObservabilityStack } from './observability-stack';
import { PropErrors } from '../internal/errors';
import { isDns1123Subdomain } from '../internal/names';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { ProductionStatefulApp } from '../storage/production-stateful-app';
import { AppProbe } from '../workload/app-probe';
import { objectMetadata } from '../workload/_metadata';

/**
 * What the logs of a stack are stored with; `ObservabilityStackProps.logs` takes the same fields.
 */
export interface LogsOptions {
  /**
   * The StorageClass of the Loki volume, by name.
   *
   * @default - the stack's `storageClassName`
   */
  readonly storageClassName?: string;

  /**
   * The size of the Loki volume. Loki deletes by age only, never by free space: size it for the retention
   * (KubePersistentVolumeFillingUp fires before it is full).
   *
   * @default - 50Gi in prod, 20Gi in staging, 10Gi in dev
   */
  readonly storageSize?: Size;

  /**
   * How long Loki keeps logs; whole hours, at least a day.
   *
   * @default - Duration.days(31) in prod, Duration.days(14) in staging, Duration.days(7) in dev
   * @see https://grafana.com/docs/loki/latest/operations/storage/retention/
   */
  readonly retention?: Duration;
}

/**
 * Props of a `Loki`.
 */
export interface LokiProps extends LogsOptions {
  /** The stack whose namespace Loki runs in, and whose Grafana queries it. */
  readonly stack: ObservabilityStack;
}

/**
 * Single-binary Loki for an `ObservabilityStack`, as a hardened `ProductionStatefulApp`: one pod (recorded as an
 * exemption with its reason) with the filesystem store on a persistent volume, retention by the compactor, and no
 * usage reporting. Good for up to about 20GB of logs a day; beyond that, see the README's scalable mode.
 *
 * Nothing reaches Loki until a peer is allowed: the stack allows its Grafana (queries) and its Alloy (pushes).
 *
 * @example
 * const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
 * const stack = new ObservabilityStack(platform, 'Observability', {
 *   storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url'), apiServer: KubernetesApiServer.endpoints(['10.0.0.1/32']),
 * });
 * new Loki(platform, 'Loki', { stack, retention: Duration.days(14) });
 */
export class Loki extends Construct {
  /** The profile in force. */
  public readonly profile: Profile;
  /** How long Loki keeps logs. */
  public readonly retention: Duration;
  /** The size of the volume. */
  public readonly storageSize: Size;
  /** The StorageClass of the volume. */
  public readonly storageClassName: string;
  /** Where Grafana queries Loki. */
  public readonly url: string;
  /** Where collectors push logs. */
  public readonly pushUrl: string;

  /** The Loki configuration. */
  public readonly config: kplus.ConfigMap;
  /** The Loki app (StatefulSet, headless Service, PodDisruptionBudget, NetworkPolicy). */
  public readonly app: ProductionStatefulApp;

  public constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, _uniqueId(scope, id, 'Loki'));
    this.profile = Profile.of(this);
    const errors = new PropErrors(this, 'Loki', this.profile);
    assertPropTypes(errors, props, 'LokiProps');
    errors.throwIfAny();
    const { stack } = props;
    this.retention = props.retention ?? this.profile._select(LOKI_RETENTION);
    this.storageSize = props.storageSize ?? this.profile._select(LOKI_STORAGE);
    this.storageClassName = props.storageClassName ?? stack.storageClassName;
    const hours = this.retention.toHours({ integral: false });
    errors.check(!Number.isInteger(hours) || hours < 24, 'retention', `${hours}h`, 'is not a whole number of hours of at least a day',
      'use Duration.days(n) or Duration.hours(n) with n >= 24');
    const gib = this.storageSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    errors.check(!Number.isInteger(gib) || gib < 1, 'storageSize', `${this.storageSize.toMebibytes()}Mi`, 'is not a whole number of at least 1Gi',
      'use Size.gibibytes(n) with n >= 1');
    errors.check(!isDns1123Subdomain(this.storageClassName), 'storageClassName', this.storageClassName, 'is not a StorageClass name',
      'name an existing StorageClass (a DNS-1123 subdomain)');
    errors.throwIfAny();

    this.url = `http://${LOKI.name}.${stack.namespaceName}.svc:${LOKI.port}`;
    this.pushUrl = `${this.url}${LOKI.pushPath}`;
    this.config = new kplus.ConfigMap(this, 'Config', {
      metadata: objectMetadata(this.profile, `${LOKI.name}-config`, stack.namespaceName,
        { 'app.kubernetes.io/name': LOKI.name, 'app.kubernetes.io/instance': LOKI.name, 'app.kubernetes.io/part-of': 'observability' }),
      data: { [LOKI.configFile]: stringify(lokiConfig(hours)) },
    });
    this.app = new ProductionStatefulApp(this, 'App', {
      ...stackPodProps(stack.namespaceName),
      name: LOKI.name,
      image: LOKI.image,
      port: LOKI.port,
      additionalPorts: [{ name: LOKI.grpcPortName, port: LOKI.grpcPort }],
      args: [`-config.file=${LOKI.configPath}/${LOKI.configFile}`, '-target=all'],
      readiness: AppProbe.httpGet(LOKI.readinessPath),
      liveness: AppProbe.tcpSocket(),
      configFiles: [{ configMap: this.config, mountPath: LOKI.configPath }],
      volumeClaims: [{ name: LOKI.claimName, mountPath: LOKI.dataPath, storage: this.storageSize, storageClassName: this.storageClassName }],
      singleReplicaReason: LOKI.singleReplicaReason,
      // One pod: no peer to talk to.
      allowPeers: false,
    });
  }
}

/** The single-binary configuration: filesystem store, TSDB schema v13, retention by the compactor, no usage reports. */
function lokiConfig(retentionHours: number): Record<string, unknown> {
  return {
    auth_enabled: false,
    server: { http_listen_port: LOKI.port, grpc_listen_port: LOKI.grpcPort },
    common: {
      path_prefix: LOKI.dataPath,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: `${LOKI.dataPath}/chunks`, rules_directory: `${LOKI.dataPath}/rules` } },
    },
    schema_config: {
      configs: [{ from: LOKI.schemaFrom, store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'loki_index_', period: '24h' } }],
    },
    compactor: { working_directory: `${LOKI.dataPath}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' },
    limits_config: {
      retention_period: `${retentionHours}h`,
      reject_old_samples: true,
      reject_old_samples_max_age: `${LOKI.rejectOldSamplesMaxAge.toHours()}h`,
      max_entries_limit_per_query: LOKI.maxLines,
    },
    analytics: { reporting_enabled: false },
  };
}
