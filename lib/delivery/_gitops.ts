import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

// Internal helpers shared by the environment model, the Argo CD constructs and the Flux constructs.

/**
 * A chart's own objects as Kubernetes JSON, in dependency order, without validating the app: what `chart.toJson()`
 * returns, but without cdk8s's whole-app validation, which would run the validations that call this function.
 *
 * @internal
 */
export function _renderChart(chart: Chart): any[] {
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map((o) => o.toJson());
}

/**
 * The API group of an object's apiVersion (`''` for the core group).
 *
 * @internal
 */
export function _groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Kinds that are cluster-scoped, by API group (the built-in ones of Kubernetes 1.28 and those of the CRDs the
 * library imports). An object of a chart with a namespace that carries no namespace is cluster-scoped too.
 *
 * @internal
 */
export const _CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass', 'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment', 'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'networking.k8s.io/IngressClass', 'node.k8s.io/RuntimeClass', 'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'gateway.networking.k8s.io/GatewayClass', 'cert-manager.io/ClusterIssuer', 'external-secrets.io/ClusterSecretStore',
  'cilium.io/CiliumClusterwideNetworkPolicy', 'crd.projectcalico.org/GlobalNetworkPolicy', 'projectcalico.org/GlobalNetworkPolicy',
  'snapshot.storage.k8s.io/VolumeSnapshotClass', 'argoproj.io/ClusterAnalysisTemplate',
]);

/**
 * Whether an object is cluster-scoped: a known cluster-scoped kind, or an object without a namespace in a chart
 * whose objects all get one.
 *
 * @internal
 */
export function _isClusterScoped(obj: any, chartHasNamespace: boolean): boolean {
  const key = `${_groupOf(String(obj.apiVersion))}/${obj.kind}`;
  return _CLUSTER_SCOPED_KINDS.has(key) || (chartHasNamespace && !obj.metadata?.namespace);
}

/**
 * A Git repository URL Argo CD and Flux accept: `https://host/path`, `ssh://[user@]host[:port]/path` or the scp form
 * `user@host:path`. Credentials in the URL are refused (they would be committed).
 *
 * @returns what is wrong, or undefined when the URL is fine
 * @internal
 */
export function _repoUrlProblem(url: string): string | undefined {
  if (url.trim() !== url || url === '' || /\s/.test(url)) {
    return 'is empty or holds whitespace';
  }
  const scp = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):([^/].*)$/.exec(url);
  if (scp) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL (https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git)';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'ssh:') {
    return `uses the scheme '${parsed.protocol.replace(/:$/, '')}'; only https and ssh are allowed`;
  }
  if (parsed.password !== '' || (parsed.protocol === 'https:' && parsed.username !== '')) {
    return 'holds credentials, which would be committed with the manifests';
  }
  if (parsed.hostname === '' || parsed.pathname === '/' || parsed.pathname === '') {
    return 'has no host or no repository path';
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return 'has a query or a fragment';
  }
  return undefined;
}

/**
 * A relative path inside a repository: no leading '/', no '..' or '.' segment, no empty segment, no backslash.
 *
 * @internal
 */
export function _isRepoPath(p: string): boolean {
  return p !== '' && !p.startsWith('/') && !p.endsWith('/') && !p.includes('\\')
    && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && /^[A-Za-z0-9._-]+$/.test(s));
}

/**
 * The cluster-scoped and namespaced objects of the charts, for messages.
 *
 * @internal
 */
export function _describe(obj: any): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
}

/**
 * Registers `problems` as a validation of `scope` (run by `synthApp` and `app.synth()` before rendering).
 *
 * @internal
 */
export function _validateWith(scope: IConstruct, problems: () => string[]): void {
  scope.node.addValidation({ validate: problems });
}
