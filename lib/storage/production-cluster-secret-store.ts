import { ApiObject, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { SecretStoreProvider } from './secret-store-provider';
import { ClusterSecretStore, ClusterSecretStoreSpecProvider } from '../../imports/clustersecretstore-external-secrets.io';
import { PropErrors } from '../internal/errors';
import { assertPropTypes } from '../internal/prop-types';
import { _uniqueId } from '../internal/scope';
import { isDns1123Label } from '../internal/names';
import { Profile } from '../profile';
import { clusterScoped, objectMetadata } from '../workload/_metadata';
import { validateLabels } from '../workload/_resolve';

/**
 * Props of a `ProductionClusterSecretStore`.
 */
export interface ProductionClusterSecretStoreProps {
  /** The secret manager and how the store authenticates to it; the ServiceAccount's namespace is required. */
  readonly provider: SecretStoreProvider;

  /**
   * The store name, which ExternalSecrets reference.
   *
   * @default - derived from the construct path
   */
  readonly name?: string;

  /**
   * The namespaces whose ExternalSecrets may use the store. Give this or `namespaceSelector` (or both).
   *
   * @default - none
   */
  readonly namespaces?: string[];

  /**
   * The labels of the namespaces whose ExternalSecrets may use the store. Give this or `namespaces` (or both).
   *
   * @default - none
   */
  readonly namespaceSelector?: { [key: string]: string };
}

/**
 * A cluster-wide External Secrets `ClusterSecretStore`, restricted to the namespaces that may use it: a store open
 * to every namespace lets any team read every secret it can reach.
 *
 * @see https://external-secrets.io/latest/guides/security-best-practices/
 *
 * @example
 * new ProductionClusterSecretStore(platform, 'Aws', {
 *   name: 'aws',
 *   provider: SecretStoreProvider.aws({ region: 'eu-west-1', serviceAccount: 'eso', serviceAccountNamespace: 'external-secrets' }),
 *   namespaces: ['shop', 'billing'],
 * });
 */
export class ProductionClusterSecretStore extends Construct {
  /** The store name. */
  public readonly name: string;
  /** The namespaces that may use the store. */
  public readonly namespaces: string[];
  /** The ClusterSecretStore. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: ProductionClusterSecretStoreProps) {
    super(scope, _uniqueId(scope, id, 'ProductionClusterSecretStore'));
    const profile = Profile.of(this);
    const errors = new PropErrors(this, 'ProductionClusterSecretStore', profile);
    assertPropTypes(errors, props, 'ProductionClusterSecretStoreProps');
    this.name = props.name ?? Names.toDnsLabel(this);
    this.namespaces = [...(props.namespaces ?? [])];
    const selector = props.namespaceSelector ?? {};
    errors.checkDnsLabel('name', this.name);
    errors.check(this.namespaces.length === 0 && Object.keys(selector).length === 0, 'namespaces', undefined,
      'and \'namespaceSelector\' are both unset, so every namespace could read the store\'s secrets', 'list the namespaces that may use the store');
    this.namespaces.forEach((ns, i) => errors.check(!isDns1123Label(ns), `namespaces[${i}]`, ns, 'is not a namespace name',
      'use lowercase letters, digits and \'-\''));
    validateLabels(errors, 'namespaceSelector', selector, false);
    for (const field of props.provider._missing()) {
      errors.add(`provider.${field}`, undefined, 'is empty', `give the ${props.provider.kind} store its ${field}`);
    }
    errors.check(!props.provider._hasServiceAccountNamespace(), 'provider.serviceAccountNamespace', undefined,
      'is not set, and a cluster-wide store must say which namespace its ServiceAccount is in', 'set \'serviceAccountNamespace\'');
    errors.throwIfAny();
    const conditions = [];
    if (this.namespaces.length > 0) {
      conditions.push({ namespaces: [...this.namespaces] });
    }
    if (Object.keys(selector).length > 0) {
      conditions.push({ namespaceSelector: { matchLabels: { ...selector } } });
    }
    this.resource = new ClusterSecretStore(this, 'Resource', {
      metadata: objectMetadata(profile, this.name, undefined),
      spec: {
        // The two generated provider types have the same shape; only their enum declarations differ.
        provider: props.provider._toProvider() as unknown as ClusterSecretStoreSpecProvider,
        conditions,
      },
    });
    clusterScoped(this.resource);
  }
}
