import { stringify } from 'yaml';
import { ANONYMOUS_PATHS, KUBE_VIP, KMS_TIMEOUT } from './defaults';

/** YAML as kubeadm writes it to disk: block style, no line folding, so the text is stable. @internal */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

/**
 * The audit policy: no health checks or kube-proxy watches or events; Metadata for Secrets, ConfigMaps and token
 * requests (never their content); full bodies for RBAC changes; request bodies for other writes; Metadata for the
 * rest (K8S-AUDIT, research §1.3).
 *
 * @internal
 */
export function renderAuditPolicy(): string {
  return toYaml({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
      { level: 'None', users: ['system:kube-proxy'], verbs: ['watch'], resources: [{ group: '', resources: ['endpoints', 'services', 'services/status'] }] },
      { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
      { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
      { level: 'RequestResponse', resources: [{ group: 'rbac.authorization.k8s.io' }] },
      { level: 'Request', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] },
      { level: 'Metadata' },
    ],
  });
}

/** The Pod Security admission configuration. @internal */
export function renderAdmissionConfiguration(enforce: string, audit: string, warn: string, exemptNamespaces: string[]): string {
  return toYaml({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [{
      name: 'PodSecurity',
      configuration: {
        apiVersion: 'pod-security.admission.config.k8s.io/v1',
        kind: 'PodSecurityConfiguration',
        defaults: {
          'enforce': enforce, 'enforce-version': 'latest',
          'audit': audit, 'audit-version': 'latest',
          'warn': warn, 'warn-version': 'latest',
        },
        exemptions: { usernames: [], runtimeClasses: [], namespaces: exemptNamespaces },
      },
    }],
  });
}

/** The authentication configuration that limits anonymous requests to the health and discovery paths. @internal */
export function renderAuthenticationConfiguration(apiVersion: string): string {
  return toYaml({
    apiVersion,
    kind: 'AuthenticationConfiguration',
    anonymous: { enabled: true, conditions: ANONYMOUS_PATHS.map((path) => ({ path })) },
  });
}

/** The KMS v2 provider, as rendered. @internal */
export interface RenderedKms {
  readonly name: string;
  readonly endpoint: string;
  readonly timeout?: string;
}

/**
 * The EncryptionConfiguration: KMS v2 first, then the secretbox keys (`{{ .name }}` placeholders, the ExternalSecret
 * template syntax), identity last (K8S-ENC).
 *
 * @internal
 */
export function renderEncryptionConfiguration(resources: string[], kms: RenderedKms | undefined, localKeyNames: string[]): string {
  const providers: unknown[] = [];
  if (kms !== undefined) {
    providers.push({ kms: { apiVersion: 'v2', name: kms.name, endpoint: kms.endpoint, timeout: kms.timeout ?? KMS_TIMEOUT } });
  }
  if (localKeyNames.length > 0) {
    providers.push({ secretbox: { keys: localKeyNames.map((name) => ({ name, secret: `{{ .${name} }}` })) } });
  }
  providers.push({ identity: {} });
  return toYaml({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{ resources, providers }],
  });
}

/** The sysctl file kubelet's protect-kernel-defaults expects. @internal */
export function renderSysctls(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The kube-vip settings. @internal */
export interface KubeVipSettings {
  readonly image: string;
  readonly vip: string;
  readonly port: number;
  readonly vipInterface: string;
}

/**
 * The kube-vip static pod: ARP mode, control-plane load balancing only, leader election through a Lease in
 * kube-system, with the admin kubeconfig of the node (kube-vip docs, "Static Pods").
 *
 * @internal
 */
export function renderKubeVipManifest(s: KubeVipSettings): string {
  const env: { [name: string]: string } = {
    vip_arp: 'true',
    port: String(s.port),
    vip_interface: s.vipInterface,
    vip_cidr: s.vip.includes(':') ? '128' : '32',
    cp_enable: 'true',
    cp_namespace: 'kube-system',
    svc_enable: 'false',
    vip_leaderelection: 'true',
    vip_leasename: KUBE_VIP.leaseName,
    vip_leaseduration: String(KUBE_VIP.leaseDurationSeconds),
    vip_renewdeadline: String(KUBE_VIP.renewDeadlineSeconds),
    vip_retryperiod: String(KUBE_VIP.retryPeriodSeconds),
    address: s.vip,
  };
  return toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kube-vip', namespace: 'kube-system' },
    spec: {
      hostNetwork: true,
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }],
      containers: [{
        name: 'kube-vip',
        image: s.image,
        imagePullPolicy: 'IfNotPresent',
        args: ['manager'],
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        securityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW'] } },
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        volumeMounts: [{ name: 'kubeconfig', mountPath: '/etc/kubernetes/admin.conf' }],
      }],
      volumes: [{ name: 'kubeconfig', hostPath: { path: '/etc/kubernetes/admin.conf', type: 'FileOrCreate' } }],
    },
  });
}
