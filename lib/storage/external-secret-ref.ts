import { ApiObject, Duration, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EXTERNAL_SECRET_POLICY, EXTERNAL_SECRET_REFRESH, VELERO_EXCLUDE_LABEL } from './defaults';
import { ProductionClusterSecretStore } from './production-cluster-secret-store';
import { ProductionSecretStore } from './production-secret-store';

import {
  ExternalSecret, ExternalSecretSpecDataFromExtractConversionStrategy, ExternalSecretSpecDataFromExtractDecodingStrategy,
  ExternalSecretSpecDataFromExtractMetadataPolicy, ExternalSecretSpecDataRemoteRefConversionStrategy, ExternalSecretSpecDataRemoteRefDecodingStrategy,
  ExternalSecretSpecDataRemoteRefMetadataPolicy, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/externalsecret-external-secrets.io';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { isDns1123Subdomain } from '../internal/names';
import { _namespaceOf, _uniqueId } from '../internal/scope';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { validateLabels } from '../workload/_resolve';

/**
 * The SecretStore an ExternalSecret reads from.
 */
export class SecretStoreReference {
  /** A ProductionSecretStore of this app (same namespace). */
  public static of(store: ProductionSecretStore): SecretStoreReference {
    return new SecretStoreReference(store.name, false, store.namespaceName);
  }

  /** A ProductionClusterSecretStore of this app. */
  public static ofCluster(store: ProductionClusterSecretStore): SecretStoreReference {
    return new SecretStoreReference(store.name, true);
  }

  /** A namespaced SecretStore, by name. */
  public static named(name: string): SecretStoreReference {
    return new SecretStoreReference(name, false);
  }

  /** A ClusterSecretStore the platform provides, by name. */
  public static clusterNamed(name: string): SecretStoreReference {
    return new SecretStoreReference(name, true);
  }

  private constructor(
    /** The store name. */
    public readonly name: string,
    /** Whether it is a ClusterSecretStore. */
    public readonly cluster: boolean,
    private readonly storeNamespace?: string,
  ) {}

  /** @internal */
  public _namespace(): string | undefined {
    return this.storeNamespace;
  }
}

/**
 * One key of the secret manager.
 */
export interface RemoteSecretKey {
  /** The secret's key (name or path) in the secret manager. */
  readonly key: string;
  /**
   * A property of a JSON secret.
   *
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * A version of the secret.
   *
   * @default - the current version
   */
  readonly version?: string;
}

/**
 * Props of an `ExternalSecretRef`.
 */
export interface ExternalSecretRefProps {
  /** The store the values come from. */
  readonly store: SecretStoreReference;

  /**
   * The name of the Kubernetes Secret External Secrets writes (and the ExternalSecret's own name).
   *
   * @default - derived from the construct path
   */
  readonly secretName?: string;

  /**
   * The namespace of the ExternalSecret and its Secret.
   *
   * @default - the enclosing ProductionNamespace, else the chart's namespace
   */
  readonly namespaceName?: string;

  /**
   * Keys of the Secret, each from one value of the secret manager.
   *
   * @default - none; give this or `extract`
   */
  readonly data?: { [secretKey: string]: RemoteSecretKey };

  /**
   * JSON secrets whose every property becomes a key of the Secret.
   *
   * @default - none; give this or `data`
   */
  readonly extract?: RemoteSecretKey[];

  /**
   * How often the values are re-read (a pod sees a changed value on restart, or after the kubelet syncs a mounted file).
   *
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;

  /**
   * The Secret type, e.g. `kubernetes.io/dockerconfigjson`.
   *
   * @default - Opaque
   */
  readonly secretType?: string;

  /**
   * Leave the Secret out of Velero backups (External Secrets re-creates it after a restore, and backup storage
   * then holds no secret values).
   *
   * @default true
   */
  readonly excludeFromBackup?: boolean;

  /**
   * Labels on the ExternalSecret, e.g. an app's `podSelector` so that the app's BackupPolicy backs it up (the Secret it
   * writes is left out of backups and re-created after a restore).
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A secret that never sits in a manifest: an External Secrets `ExternalSecret` (`external-secrets.io/v1`) that
 * writes a Kubernetes Secret from a secret manager, and a reference to that Secret for env and files.
 *
 * Every field External Secrets would otherwise default on the server is written out, so GitOps tools see no drift.
 *
 * @example
 * const db = new ExternalSecretRef(ns, 'DbPassword', { store: SecretStoreReference.named('aws'), data: { password: { key: 'prod/db' } } });
 * new ProductionApp(ns, 'Api', {
 *   image: 'registry.example.com/shop/api:2.0.0', port: 9000, healthPath: '/healthz',
 *   env: { DB_PASSWORD: db.envValue('password') },
 * });
 */
export class ExternalSecretRef extends Construct {
  /** The Secret's name. */
  public readonly secretName: string;
  /** The namespace, if one is set. */
  public readonly namespaceName?: string;
  /** The Secret External Secrets writes, to use in `env`, `envFrom` and volumes. */
  public readonly secret: kplus.ISecret;
  /** The keys of the Secret written by `data`. */
  public readonly keys: string[];
  /** The ExternalSecret. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ExternalSecretRefProps) {
    super(scope, _uniqueId(scope, id, 'ExternalSecretRef'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ExternalSecretRef', profile);
    assertPropTypes(errors, props, 'ExternalSecretRefProps');
    this.secretName = props.secretName ?? Names.toDnsLabel(this);
    this.namespaceName = props.namespaceName ?? _namespaceOf(this);
    const data = props.data ?? {};
    const extract = props.extract ?? [];
    this.keys = Object.keys(data);
    errors.check(!isDns1123Subdomain(this.secretName), 'secretName', this.secretName, 'is not a valid Secret name', 'use lowercase letters, digits, \'-\' and \'.\'');
    errors.checkDnsLabel('namespaceName', this.namespaceName);
    errors.check(this.keys.length === 0 && extract.length === 0, 'data', undefined, 'and \'extract\' are both empty, so the Secret would be empty',
      'map at least one key');
    for (const k of this.keys) {
      errors.check(!/^[-._a-zA-Z0-9]+$/.test(k), `data.${k}`, k, 'is not a valid Secret key', 'use letters, digits, \'-\', \'_\' and \'.\'');
    }
    [...Object.entries(data), ...extract.map((e, i) => [`extract[${i}]`, e] as const)].forEach(([k, ref]) => {
      const prop = k.startsWith('extract[') ? `${k}.key` : `data.${k}.key`;
      errors.check(typeof ref.key !== 'string' || ref.key.trim() === '', prop, ref.key, 'is empty', 'give the key in the secret manager');
    });
    const refresh = props.refreshInterval ?? EXTERNAL_SECRET_REFRESH;
    // Whole seconds are checked with the prop's type; a Duration cannot be negative.
    const storeNs = props.store._namespace();
    errors.check(!props.store.cluster && storeNs !== undefined && storeNs !== this.namespaceName, 'store', props.store.name,
      `is a SecretStore in namespace '${storeNs}', and an ExternalSecret can only use a store of its own namespace ('${this.namespaceName}')`,
      'create the store in the same namespace, or use a ProductionClusterSecretStore');
    validateLabels(errors, 'labels', props.labels ?? {}, false);
    errors.throwIfAny();

    const labels = (props.excludeFromBackup ?? true) ? { [VELERO_EXCLUDE_LABEL]: 'true' } : undefined;
    this.resource = new ExternalSecret(this, 'Resource', {
      metadata: objectMetadata(profile, this.secretName, this.namespaceName, { ...(props.labels ?? {}) }),
      spec: {
        secretStoreRef: {
          name: props.store.name,
          kind: props.store.cluster ? ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.SECRET_STORE,
        },
        refreshInterval: `${refresh.toSeconds()}s`,
        target: {
          name: this.secretName,
          creationPolicy: EXTERNAL_SECRET_POLICY.creationPolicy as ExternalSecretSpecTargetCreationPolicy,
          deletionPolicy: EXTERNAL_SECRET_POLICY.deletionPolicy as ExternalSecretSpecTargetDeletionPolicy,
          template: labels !== undefined || props.secretType !== undefined
            ? { type: props.secretType, metadata: labels !== undefined ? { labels } : undefined } : undefined,
        },
        data: this.keys.length > 0 ? this.keys.map((secretKey) => ({
          secretKey,
          remoteRef: {
            key: data[secretKey].key, property: data[secretKey].property, version: data[secretKey].version,
            conversionStrategy: EXTERNAL_SECRET_POLICY.conversionStrategy as ExternalSecretSpecDataRemoteRefConversionStrategy,
            decodingStrategy: EXTERNAL_SECRET_POLICY.decodingStrategy as ExternalSecretSpecDataRemoteRefDecodingStrategy,
            metadataPolicy: EXTERNAL_SECRET_POLICY.metadataPolicy as ExternalSecretSpecDataRemoteRefMetadataPolicy,
          },
        })) : undefined,
        dataFrom: extract.length > 0 ? extract.map((e) => ({
          extract: {
            key: e.key, property: e.property, version: e.version,
            conversionStrategy: EXTERNAL_SECRET_POLICY.conversionStrategy as ExternalSecretSpecDataFromExtractConversionStrategy,
            decodingStrategy: EXTERNAL_SECRET_POLICY.decodingStrategy as ExternalSecretSpecDataFromExtractDecodingStrategy,
            metadataPolicy: EXTERNAL_SECRET_POLICY.metadataPolicy as ExternalSecretSpecDataFromExtractMetadataPolicy,
          },
        })) : undefined,
      },
    });
    this.secret = kplus.Secret.fromSecretName(this, 'Secret', this.secretName);
  }

  /** An environment variable from one key of the Secret. */
  public envValue(key: string): kplus.EnvValue {
    if (!this.keys.includes(key) && this.keys.length > 0) {
      throw new Error(`ExternalSecretRef '${this.node.path}': 'key' ("${key}") is not a key of the Secret. Fix: use one of ${this.keys.map((k) => `'${k}'`).join(', ')}`);
    }
    return kplus.EnvValue.fromSecretValue({ secret: this.secret, key });
  }
}
