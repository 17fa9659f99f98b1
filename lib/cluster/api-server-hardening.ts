import { Duration, Size } from 'cdk8s';
import { ENCRYPTION_SECRET_KEY } from './defaults';
import { PodSecurityLevel } from '../network/production-namespace';
import { ExternalSecretRef } from '../storage/external-secret-ref';
import { SealedSecretRef } from '../storage/sealed-secret-ref';

/**
 * The lowest TLS version the API server accepts.
 */
export enum TlsVersion {
  /** TLS 1.2, with the cipher suites in `tlsCipherSuites` (CIS 1.2.29). */
  TLS12 = 'VersionTLS12',
  /** TLS 1.3 only (its cipher suites are not configurable). */
  TLS13 = 'VersionTLS13',
}

/**
 * One command-line flag of a control-plane component or kubelet, in the Cluster API v1beta2 list form.
 */
export interface KubeadmArg {
  /** The flag name without leading dashes, e.g. `event-ttl`. */
  readonly name: string;
  /** The flag value. */
  readonly value: string;
}

/**
 * Retention of the API server's audit log (CIS 1.2.17 to 1.2.19). Values below the CIS floors are errors.
 */
export interface AuditLogOptions {
  /**
   * How long rotated audit files are kept; whole days, at least 30.
   *
   * @default Duration.days(30)
   */
  readonly maxAge?: Duration;
  /**
   * How many rotated audit files are kept; at least 10.
   *
   * @default 10
   */
  readonly maxBackups?: number;
  /**
   * The size at which the audit file is rotated; whole mebibytes, at least 100.
   *
   * @default Size.mebibytes(100)
   */
  readonly maxSize?: Size;
}

/**
 * The cluster-wide Pod Security admission defaults (namespaces may still set their own labels).
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/
 */
export interface PodSecurityAdmissionOptions {
  /**
   * The level pods are refused below: baseline or restricted (privileged would switch the check off).
   *
   * @default PodSecurityLevel.BASELINE
   */
  readonly enforce?: PodSecurityLevel;
  /**
   * The level below which the API server records an audit annotation.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly audit?: PodSecurityLevel;
  /**
   * The level below which the client gets a warning.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly warn?: PodSecurityLevel;
  /**
   * Namespaces exempt from Pod Security admission.
   *
   * @default ['kube-system']
   */
  readonly exemptNamespaces?: string[];
}

/**
 * A KMS v2 plugin the API server encrypts data keys with (the strongest provider: keys never leave the KMS).
 *
 * The plugin runs on every control-plane node (a static pod or a systemd unit the machine image provides).
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/
 */
export interface KmsV2ProviderOptions {
  /** The provider name, unique in the EncryptionConfiguration (a DNS-1123 label), e.g. `aws-kms`. */
  readonly name: string;
  /** The plugin's gRPC endpoint, a unix socket: `unix:///var/run/kmsplugin/socket.sock`. */
  readonly endpoint: string;
  /**
   * How long the API server waits for the plugin.
   *
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;
}

/**
 * The Secret the EncryptionConfiguration is read from: created by an ExternalSecret or a SealedSecret, never a
 * plain Secret manifest (the file holds key material).
 *
 * The Secret lives in the management cluster, in the namespace of the cluster objects. Give each version of the
 * keys its own name ending in `-v<N>`: pointing the control plane at a new name is what rolls it, one machine at a
 * time (changing the content of a Secret does not).
 */
export class EncryptionConfigSecret {
  /** The Secret an ExternalSecretRef of this app creates. */
  public static fromExternalSecret(secretRef: ExternalSecretRef, key?: string): EncryptionConfigSecret {
    return new EncryptionConfigSecret(secretRef.secretName, key ?? ENCRYPTION_SECRET_KEY, 'ExternalSecret', secretRef.keys);
  }

  /** The Secret a SealedSecretRef of this app unseals. */
  public static fromSealedSecret(sealedSecret: SealedSecretRef, key?: string): EncryptionConfigSecret {
    return new EncryptionConfigSecret(sealedSecret.name, key ?? ENCRYPTION_SECRET_KEY, 'SealedSecret');
  }

  /** The Secret an ExternalSecret managed elsewhere creates, by name. */
  public static externalSecretNamed(secretName: string, key?: string): EncryptionConfigSecret {
    return new EncryptionConfigSecret(secretName, key ?? ENCRYPTION_SECRET_KEY, 'ExternalSecret');
  }

  /** The Secret a SealedSecret managed elsewhere unseals, by name. */
  public static sealedSecretNamed(secretName: string, key?: string): EncryptionConfigSecret {
    return new EncryptionConfigSecret(secretName, key ?? ENCRYPTION_SECRET_KEY, 'SealedSecret');
  }

  private constructor(
    /** The Secret's name. */
    public readonly secretName: string,
    /** The Secret's data key holding the EncryptionConfiguration. */
    public readonly key: string,
    /** The kind of object that produces the Secret: `ExternalSecret` or `SealedSecret`. */
    public readonly producer: string,
    private readonly knownKeys?: string[],
  ) {}

  /** The keys the producing ExternalSecretRef declares, when known. @internal */
  public _knownKeys(): string[] | undefined {
    return this.knownKeys;
  }
}

/**
 * Encryption of Secrets at rest in etcd (CIS 1.2.27, 1.2.28).
 *
 * The library renders the EncryptionConfiguration (`ProductionCluster.encryptionConfiguration()`): the KMS v2
 * provider first, then the local secretbox keys, `identity` last (it reads data written before encryption was on).
 * The rendered text refers to each local key as `{{ .<name> }}`, the ExternalSecret template syntax; put it into
 * the Secret with the ExternalSecret's target template, or seal it with the keys filled in.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 */
export interface EncryptionAtRestOptions {
  /** The Secret holding the EncryptionConfiguration. */
  readonly secret: EncryptionConfigSecret;
  /**
   * The KMS v2 plugin; first in the provider list.
   *
   * @default - no KMS provider: `localKeyNames` must be set
   */
  readonly kms?: KmsV2ProviderOptions;
  /**
   * The secretbox keys, by name, newest (the one that encrypts) first; older ones only decrypt.
   *
   * @default - no local keys: `kms` must be set
   */
  readonly localKeyNames?: string[];
  /**
   * The resources encrypted.
   *
   * @default ['secrets']
   */
  readonly resources?: string[];
}

/**
 * API server hardening. Every default follows the CIS Kubernetes Benchmark; what would weaken it is an error.
 *
 * Always on (not configurable): `profiling=false` (CIS 1.2.15), NodeRestriction (1.2.14), the audit policy (1.2.16),
 * anonymous requests limited to the health endpoints and kubeadm's join discovery (1.2.1), and kubeadm's
 * `authorization-mode=Node,RBAC` (1.2.6 to 1.2.8) left untouched.
 */
export interface ApiServerHardeningOptions {
  /**
   * Audit log retention.
   *
   * @default - 30 days, 10 files, 100 MiB each
   */
  readonly audit?: AuditLogOptions;
  /**
   * Pod Security admission defaults.
   *
   * @default - enforce baseline, audit and warn restricted, kube-system exempt
   */
  readonly podSecurity?: PodSecurityAdmissionOptions;
  /**
   * The lowest TLS version accepted.
   *
   * @default TlsVersion.TLS12
   */
  readonly tlsMinVersion?: TlsVersion;
  /**
   * The TLS 1.2 cipher suites; only ECDHE suites with AES-GCM or ChaCha20 are accepted.
   *
   * @default - the six ECDHE AES-GCM and ChaCha20-Poly1305 suites
   */
  readonly tlsCipherSuites?: string[];
  /**
   * Admission plugins enabled besides NodeRestriction, which is always enabled.
   *
   * @default ['DenyServiceExternalIPs']
   */
  readonly admissionPlugins?: string[];
  /**
   * Whether service account tokens are extended to a year for clients that never reload them (CIS 1.2.30 wants
   * false).
   *
   * @default false
   */
  readonly extendServiceAccountTokenExpiration?: boolean;
  /**
   * Further kube-apiserver flags. Names must be unique and must not be one the library sets (use the typed prop),
   * and flags that weaken the API server (`anonymous-auth`, `insecure-port`, `authorization-mode`, `profiling`,
   * `disable-admission-plugins=NodeRestriction`, ...) are errors.
   *
   * @default - none
   */
  readonly extraArgs?: KubeadmArg[];
}
