import { Names } from 'cdk8s';
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
  readonly namespace?: string;
}

/**
 * A namespaced External Secrets `SecretStore` (`external-secrets.io/v1`) that authenticates by workload identity
 * (AWS IRSA, Vault Kubernetes auth, GKE Workload Identity), never with static keys.
 *
 * @see https://external-secrets.io/latest/api/secretstore/
 */
export class ProductionSecretStore extends Construct {
  /** The store name. */
  public readonly name: string;
  /** The namespace, if one is set. */
  public readonly namespace?: string;
  /** The SecretStore. */
  public readonly resource: SecretStore;

  public constructor(scope: Construct, id: string, props: ProductionSecretStoreProps) {
    super(scope, _uniqueId(scope, id, 'ProductionSecretStore'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionSecretStore', profile);
    assertPropTypes(errors, props, 'ProductionSecretStoreProps');
    this.name = props.name ?? Names.toDnsLabel(this);
    this.namespace = props.namespace ?? _namespaceOf(this);
    errors.checkDnsLabel('name', this.name);
    errors.checkDnsLabel('namespace', this.namespace);
    for (const field of props.provider._missing()) {
      errors.add(`provider.${field}`, undefined, 'is empty', `give the ${props.provider.kind} store its ${field}`);
    }
    errors.throwIfAny();
    this.resource = new SecretStore(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, this.namespace),
      spec: { provider: props.provider._toProvider() },
    });
  }
}
