import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MIN_SEALED_VALUE_LENGTH, SEALED_SECRET_SCOPE_ANNOTATIONS, VELERO_EXCLUDE_LABEL } from './defaults';
import { SealedSecret } from '../../imports/sealedsecret-bitnami.com';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { isDns1123Label, isDns1123Subdomain } from '../internal/names';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { validateLabels } from '../workload/_resolve';

/**
 * What a SealedSecret's ciphertext is bound to, as chosen when it was sealed (`kubeseal --scope`).
 *
 * @see https://github.com/bitnami-labs/sealed-secrets#scopes
 */
export enum SealingScope {
  /** Bound to one name and namespace (kubeseal's default). */
  STRICT = 'strict',
  /** Bound to one namespace; the name may change. */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Not bound: any name, any namespace. */
  CLUSTER_WIDE = 'cluster-wide',
}

/**
 * Props of a `SealedSecretRef`.
 */
export interface SealedSecretRefProps {
  /** The Secret's name, exactly as it was sealed (never derived: the ciphertext is bound to it). */
  readonly name: string;
  /** The Secret's namespace, exactly as it was sealed. */
  readonly namespaceName: string;
  /** The values as `kubeseal` wrote them (ciphertext only), by key. */
  readonly encryptedData: { [key: string]: string };
  /**
   * The scope the values were sealed with.
   *
   * @default SealingScope.STRICT
   */
  readonly scope?: SealingScope;
  /**
   * The Secret type.
   *
   * @default - Opaque
   */
  readonly secretType?: string;

  /**
   * Labels on the SealedSecret, e.g. an app's `podSelector` so that the app's BackupPolicy backs it up (the Secret it
   * writes is left out of backups and re-created after a restore).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A secret sealed with Sealed Secrets: a `bitnami.com/v1alpha1` SealedSecret whose values only the cluster's
 * controller can decrypt, and a reference to the Secret it unseals into.
 *
 * Back up the controller's sealing keys separately: without them nothing can be unsealed after a cluster loss.
 *
 * @see https://github.com/bitnami-labs/sealed-secrets
 *
 * @example
 * // what `kubeseal --raw` printed for the value (hundreds of base64 characters)
 * const sealedPassword = 'AgB' + 'x7Qp'.repeat(40) + '==';
 * const secret = new SealedSecretRef(shop, 'OrdersDb', {
 *   name: 'orders-db', namespaceName: 'snippet-shop', encryptedData: { password: sealedPassword },
 * });
 * void secret.secret;
 */
export class SealedSecretRef extends Construct {
  /** The Secret's name. */
  public readonly name: string;
  /** The Secret's namespace. */
  public readonly namespaceName: string;
  /** The scope. */
  public readonly scope: SealingScope;
  /** The Secret the controller unseals, to use in `env`, `envFrom` and volumes. */
  public readonly secret: kplus.ISecret;
  /** The SealedSecret. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: SealedSecretRefProps) {
    super(scope, _uniqueId(scope, id, 'SealedSecretRef'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'SealedSecretRef', profile);
    assertPropTypes(errors, props, 'SealedSecretRefProps');
    this.name = props.name;
    this.namespaceName = props.namespaceName;
    this.scope = props.scope ?? SealingScope.STRICT;
    errors.check(typeof props.name !== 'string' || !isDns1123Subdomain(props.name), 'name', props.name,
      'is not an explicit Secret name, and the ciphertext is bound to the name it was sealed with', 'give the name used with kubeseal');
    errors.check(typeof props.namespaceName !== 'string' || !isDns1123Label(props.namespaceName), 'namespaceName', props.namespaceName,
      'is not an explicit namespace, and the ciphertext is bound to the namespace it was sealed with', 'give the namespace used with kubeseal');
    const entries = Object.entries(props.encryptedData ?? {});
    errors.check(entries.length === 0, 'encryptedData', props.encryptedData, 'is empty', 'paste the encryptedData kubeseal wrote');
    for (const [key, value] of entries) {
      errors.check(!/^[-._a-zA-Z0-9]+$/.test(key), `encryptedData.${key}`, key, 'is not a valid Secret key', 'use letters, digits, \'-\', \'_\' and \'.\'');
      const sealed = typeof value === 'string' && value.length >= MIN_SEALED_VALUE_LENGTH && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
      errors.check(!sealed, `encryptedData.${key}`, '<redacted>', 'is not kubeseal ciphertext (base64, hundreds of characters), so it may be a plain value',
        'seal it with kubeseal --raw and paste the output');
    }
    validateLabels(errors, 'labels', props.labels ?? {}, false);
    errors.throwIfAny();

    const annotations: Record<string, string> = {};
    if (this.scope === SealingScope.NAMESPACE_WIDE) {
      annotations[SEALED_SECRET_SCOPE_ANNOTATIONS.namespaceWide] = 'true';
    } else if (this.scope === SealingScope.CLUSTER_WIDE) {
      annotations[SEALED_SECRET_SCOPE_ANNOTATIONS.clusterWide] = 'true';
    }
    this.resource = new SealedSecret(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, this.namespaceName, { ...(props.labels ?? {}) }, annotations),
      spec: {
        encryptedData: Object.fromEntries(entries),
        template: {
          type: props.secretType,
          metadata: { labels: { [VELERO_EXCLUDE_LABEL]: 'true' } },
        },
      },
    });
    this.secret = kplus.Secret.fromSecretName(this, 'Secret', this.name);
  }
}
