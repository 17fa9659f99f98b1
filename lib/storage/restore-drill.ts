import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackupPolicy } from './backup-policy';
import { boundedName } from './_helpers';
import { DRILL_EXCLUDED_RESOURCES, DRILL_FIRST_RUN, DRILL_NAMESPACE_SUFFIX, DRILL_POD_SECURITY } from './defaults';
import { POD_SECURITY_LABEL_PREFIX, POD_SECURITY_VERSION } from '../network/defaults';
import { Restore } from '../../imports/restore-velero.io';
import { ProductionJob } from '../app/production-job';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { isDns1123Label } from '../internal/names';
import { NAMESPACE_CONTEXT_KEY, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { NetworkPeer } from '../workload/network-peer';

/**
 * The check that a restored copy works, run as a Job in the drill namespace.
 */
export interface RestoreDrillVerification {
  /** The image, pinned. */
  readonly image: string;
  /**
   * The command. It starts while Velero is still restoring: let it wait and retry (it has `backoffLimit` retries)
   * until the restored app answers, then check the data (e.g. a row count).
   */
  readonly command: string[];
  /**
   * Ports of the restored app's pods the check connects to. The restored app's own NetworkPolicy must admit the
   * check's pods too.
   *
   * @default - none: the check only reads the Kubernetes API or DNS
   */
  readonly ports?: number[];
}

/**
 * Props of a `RestoreDrill`.
 */
export interface RestoreDrillProps {
  /** The policy whose latest successful backup is restored. */
  readonly policy: BackupPolicy;

  /**
   * The scratch namespace the copy is restored into; delete it after the drill.
   *
   * @default - `<namespace>-drill`
   */
  readonly drillNamespace?: string;

  /**
   * The drill run: a Velero Restore runs once, so each drill needs a new run id (e.g. '2026-12').
   *
   * @default '1'
   */
  readonly run?: string;

  /**
   * The check run against the restored copy.
   *
   * @default - none: the drill only restores
   */
  readonly verification?: RestoreDrillVerification;

  /**
   * Resources left out of the copy, because they would collide with the live app in the same cluster.
   *
   * @default - ingresses, HTTPRoutes, ServiceMonitors, PodMonitors and Certificates
   */
  readonly excludedResources?: string[];
}

/**
 * A restore drill: the latest scheduled backup of a `BackupPolicy`, restored with its volumes into a scratch
 * namespace (a `velero.io/v1` Restore), with an optional Job that checks the copy.
 *
 * Velero does not check that backups can be restored: a drill is how you find out before you need it. Run one
 * regularly (a new `run` each time) and delete the drill namespace afterwards. In a disaster, set the
 * BackupStorageLocation to `ReadOnly` while restoring.
 *
 * @see https://velero.io/docs/main/restore-reference/
 *
 * @example
 * const orders = new ProductionStatefulApp(shop, 'Orders', {
 *   image: 'registry.example.com/pg:16.4', port: 5432, readiness: AppProbe.exec(['pg_isready']), liveness: AppProbe.tcpSocket(),
 *   volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql', storage: Size.gibibytes(20), storageClassName: 'ssd-retain' }],
 * });
 * const policy = new BackupPolicy(shop, 'Nightly', { app: orders });
 * new RestoreDrill(shop, 'Drill', { policy, run: '2026-12' });
 */
export class RestoreDrill extends Construct {
  /** The scratch namespace. */
  public readonly drillNamespace: string;
  /** The Restore name. */
  public readonly name: string;
  /** The scratch Namespace. */
  public readonly namespaceObject: k8s.KubeNamespace;
  /** The Velero Restore. */
  public readonly restore: ApiObject;
  /** The verification Job, when a verification is given. */
  public readonly verification?: ProductionJob;

  public constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, _uniqueId(scope, id, 'RestoreDrill'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'RestoreDrill', profile);
    assertPropTypes(errors, props, 'RestoreDrillProps');
    const policy = props.policy;
    this.drillNamespace = props.drillNamespace ?? `${policy.namespaceName}${DRILL_NAMESPACE_SUFFIX}`;
    errors.checkDnsLabel('drillNamespace', this.drillNamespace);
    errors.check(this.drillNamespace === policy.namespaceName, 'drillNamespace', this.drillNamespace,
      'is the namespace of the live app: the drill would restore over it', 'use a scratch namespace');
    // What the drill creates for the copy (the check) lands in the drill namespace, even inside a ProductionNamespace.
    this.node.setContext(NAMESPACE_CONTEXT_KEY, this.drillNamespace);
    const run = props.run ?? DRILL_FIRST_RUN;
    this.name = boundedName([policy.name, 'drill', run]);
    errors.check(!isDns1123Label(run) || !isDns1123Label(this.name), 'run', run, 'does not make a valid Restore name',
      'use lowercase letters, digits and \'-\', e.g. \'2026-12\'');
    errors.check(props.verification !== undefined && props.verification.command.length === 0, 'verification.command', [], 'is empty',
      'give the command that checks the restored copy');
    errors.throwIfAny();

    const labels = policy._backupLabels('drill');
    // The copy runs under Pod Security "restricted", like the app it was taken from.
    const podSecurity = Object.fromEntries(['enforce', 'audit', 'warn'].flatMap((mode) => [
      [`${POD_SECURITY_LABEL_PREFIX}/${mode}`, DRILL_POD_SECURITY], [`${POD_SECURITY_LABEL_PREFIX}/${mode}-version`, POD_SECURITY_VERSION]]));
    this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: objectMetadata(profile, this.drillNamespace, undefined, { ...labels, ...podSecurity }),
    });
    const scope_ = policy._scope();
    this.restore = new Restore(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, policy.veleroNamespace, labels),
      spec: {
        scheduleName: policy.name,
        includedNamespaces: scope_.includedNamespaces,
        labelSelector: scope_.labelSelector,
        namespaceMapping: { [policy.namespaceName]: this.drillNamespace },
        restorePVs: true,
        excludedResources: [...(props.excludedResources ?? DRILL_EXCLUDED_RESOURCES)],
      },
    });
    if (props.verification !== undefined) {
      this.verification = new ProductionJob(this, 'Verification', {
        name: boundedName([policy.name, 'verify', run]),
        namespaceName: this.drillNamespace,
        image: props.verification.image,
        command: [...props.verification.command],
      });
      const ports = props.verification.ports ?? [];
      if (ports.length > 0 && scope_.labelSelector !== undefined) {
        this.verification.addEgressRule(NetworkPeer.pods(scope_.labelSelector.matchLabels), { ports });
      }
    }
  }
}
