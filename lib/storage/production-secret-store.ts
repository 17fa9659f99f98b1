import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretStoreProvider } from './secret-store-provider';
import { SecretStore } from '../../imports/secretstore-external-secrets.io';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { Profile } from '../profile';
import { objectMetadata } from '../workload/_metadata';
import { _namespaceOf, _uniqueId } from '../internal/scope';

/**
 * Props of a `ProductionSecretStore`.
 */
export interface ProductionSecretStoreProps {
  /** The secret manager and how the store authenticates to it. */
  readonly provider: SecretStoreProvider;

  /**
   * The store name, which ExternalSecrets reference.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * The namespace of the store; only ExternalSecrets in it can use it.
   *
   * @default - the enclosing ProductionNamespace, else the chart's namespace
   */
  readonly namespaceName?: string;
}

/**
 * A namespaced External Secrets `SecretStore` (`external-secrets.io/v1`) that authenticates by workload identity
 * (AWS IRSA, Vault Kubernetes auth, GKE Workload Identity), never with static keys.
 *
 * @see https://external-secrets.io/latest/api/secretstore/
 *
 * @example
 * new ProductionSecretStore(shop, 'Aws', {
 *   name: 'aws', provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso-reader' }),
 * });
 */
export class ProductionSecretStore extends Construct {
  /** The store name. */
  public readonly name: string;
  /** The namespace, if one is set. */
  public readonly namespaceName?: string;
  /** The SecretStore. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ProductionSecretStoreProps) {
    super(scope, _uniqueId(scope, id, 'ProductionSecretStore'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionSecretStore', profile);
    assertPropTypes(errors, props, 'ProductionSecretStoreProps');
    this.name = props.name ?? Names.toDnsLabel(this);
    this.namespaceName = props.namespaceName ?? _namespaceOf(this);
    errors.checkDnsLabel('name', this.name);
    errors.checkDnsLabel('namespaceName', this.namespaceName);
    for (const field of props.provider._missing()) {
      errors.add(`provider.${field}`, undefined, 'is empty', `give the ${props.provider.kind} store its ${field}`);
    }
    errors.throwIfAny();
    this.resource = new SecretStore(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, this.namespaceName),
      spec: { provider: props.provider._toProvider() },
    });
  }
}
