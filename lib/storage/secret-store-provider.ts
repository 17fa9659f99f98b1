import {
  SecretStoreSpecProvider, SecretStoreSpecProviderAwsService, SecretStoreSpecProviderVaultVersion,
} from '../../imports/secretstore-external-secrets.io';
import { VAULT_DEFAULTS } from './defaults';

/**
 * Options of the AWS provider (Secrets Manager or Parameter Store), authenticated with IRSA or EKS Pod Identity.
 *
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
export interface AwsSecretStoreOptions {
  /** The AWS region. */
  readonly region: string;
  /** The ServiceAccount whose IAM role (annotation `eks.amazonaws.com/role-arn`) reads the secrets. */
  readonly serviceAccount: string;
  /**
   * The namespace of `serviceAccount`.
   *
   * @default - the namespace of each ExternalSecret (SecretStore only; required for a ClusterSecretStore)
   */
  readonly serviceAccountNamespace?: string;
  /**
   * Read from Parameter Store instead of Secrets Manager.
   *
   * @default false
   */
  readonly parameterStore?: boolean;
  /**
   * An IAM role to assume after authenticating.
   *
   * @default - none
   */
  readonly role?: string;
}

/**
 * Options of the HashiCorp Vault provider, authenticated with Vault's Kubernetes auth method.
 *
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/
 */
export interface VaultSecretStoreOptions {
  /** The Vault address, e.g. `https://vault.example.com:8200`. */
  readonly server: string;
  /** The Vault role bound to the ServiceAccount. */
  readonly role: string;
  /** The ServiceAccount whose token logs in to Vault. */
  readonly serviceAccount: string;
  /**
   * The namespace of `serviceAccount`.
   *
   * @default - the namespace of each ExternalSecret (SecretStore only; required for a ClusterSecretStore)
   */
  readonly serviceAccountNamespace?: string;
  /**
   * The KV mount path.
   *
   * @default 'secret'
   */
  readonly path?: string;
  /**
   * The mount path of the Kubernetes auth method.
   *
   * @default 'kubernetes'
   */
  readonly authMountPath?: string;
}

/**
 * Options of the Google Secret Manager provider, authenticated with GKE Workload Identity.
 *
 * @see https://external-secrets.io/latest/provider/google-secrets-manager/
 */
export interface GcpSecretStoreOptions {
  /** The Google Cloud project holding the secrets. */
  readonly projectId: string;
  /** The Kubernetes ServiceAccount bound to a Google service account. */
  readonly serviceAccount: string;
  /**
   * The namespace of `serviceAccount`.
   *
   * @default - the namespace of each ExternalSecret (SecretStore only; required for a ClusterSecretStore)
   */
  readonly serviceAccountNamespace?: string;
  /**
   * The cluster's location, name and project, when the controller does not run on the same GKE cluster.
   *
   * @default - the cluster the controller runs on
   */
  readonly cluster?: GcpClusterOptions;
}

/**
 * The GKE cluster that issues the Workload Identity tokens.
 */
export interface GcpClusterOptions {
  /** The cluster's region or zone. */
  readonly location: string;
  /** The cluster's name. */
  readonly name: string;
  /**
   * The cluster's project.
   *
   * @default - `projectId`
   */
  readonly projectId?: string;
}

/**
 * Where a SecretStore reads secrets from, and how it authenticates: by workload identity, never with static keys.
 */
export class SecretStoreProvider {
  /** AWS Secrets Manager (or Parameter Store) with IRSA / Pod Identity. */
  public static aws(options: AwsSecretStoreOptions): SecretStoreProvider {
    return new SecretStoreProvider('aws', options.serviceAccountNamespace, [['region', options.region], ['serviceAccount', options.serviceAccount]],
      (ns) => ({
        aws: {
          service: options.parameterStore === true ? SecretStoreSpecProviderAwsService.PARAMETER_STORE : SecretStoreSpecProviderAwsService.SECRETS_MANAGER,
          region: options.region,
          role: options.role,
          auth: { jwt: { serviceAccountRef: { name: options.serviceAccount, namespace: ns } } },
        },
      }));
  }

  /** HashiCorp Vault (KV v2) with Kubernetes auth. */
  public static vault(options: VaultSecretStoreOptions): SecretStoreProvider {
    return new SecretStoreProvider('vault', options.serviceAccountNamespace,
      [['server', options.server], ['role', options.role], ['serviceAccount', options.serviceAccount]],
      (ns) => ({
        vault: {
          server: options.server,
          path: options.path ?? VAULT_DEFAULTS.path,
          version: SecretStoreSpecProviderVaultVersion.V2,
          auth: {
            kubernetes: {
              mountPath: options.authMountPath ?? VAULT_DEFAULTS.mountPath,
              role: options.role,
              serviceAccountRef: { name: options.serviceAccount, namespace: ns },
            },
          },
        },
      }));
  }

  /** Google Secret Manager with GKE Workload Identity. */
  public static gcp(options: GcpSecretStoreOptions): SecretStoreProvider {
    return new SecretStoreProvider('gcp', options.serviceAccountNamespace, [['projectId', options.projectId], ['serviceAccount', options.serviceAccount]],
      (ns) => ({
        gcpsm: {
          projectId: options.projectId,
          auth: {
            workloadIdentity: {
              serviceAccountRef: { name: options.serviceAccount, namespace: ns },
              clusterLocation: options.cluster?.location,
              clusterName: options.cluster?.name,
              clusterProjectId: options.cluster === undefined ? undefined : (options.cluster.projectId ?? options.projectId),
            },
          },
        },
      }));
  }

  private constructor(
    /** The provider's name: `aws`, `vault` or `gcp`. */
    public readonly kind: string,
    private readonly saNamespace: string | undefined,
    private readonly required: Array<[string, string | undefined]>,
    private readonly render: (serviceAccountNamespace: string | undefined) => SecretStoreSpecProvider,
  ) {}

  /**
   * The provider's options that are required but empty.
   *
   * @internal
   */
  public _missing(): string[] {
    return this.required.filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
  }

  /**
   * The `spec.provider` of the store.
   *
   * @internal
   */
  public _toProvider(): SecretStoreSpecProvider {
    return this.render(this.saNamespace);
  }

  /**
   * Whether the ServiceAccount's namespace is given (a ClusterSecretStore needs it).
   *
   * @internal
   */
  public _hasServiceAccountNamespace(): boolean {
    return this.saNamespace !== undefined && this.saNamespace !== '';
  }
}
