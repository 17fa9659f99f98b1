import { KubeadmArg } from './api-server-hardening';
import { MAX_EXTRA_ARGS } from './defaults';
import { PropErrors } from '../internal/errors';

/** Which component a flag list belongs to. @internal */
export type ArgComponent = 'kube-apiserver' | 'etcd' | 'kubelet';

/**
 * The names that occur more than once: what the CRD's CEL rule `self.all(x, self.exists_one(y, x.name == y.name))`
 * refuses and ajv cannot evaluate.
 *
 * @internal
 */
export function duplicateArgNames(args: readonly KubeadmArg[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const a of args) {
    if (seen.has(a.name)) dup.add(a.name); else seen.add(a.name);
  }
  return [...dup].sort();
}

/** Why a flag weakens a component, or undefined when it does not. */
function weakens(component: ArgComponent, name: string, value: string): string | undefined {
  const v = value.trim().toLowerCase();
  const list = value.split(',').map((s) => s.trim());
  switch (component) {
    case 'kube-apiserver':
      if (name === 'insecure-port' || name === 'insecure-bind-address') return 'serves the API without TLS or authentication (removed from kube-apiserver; CIS 1.2.x)';
      if (name === 'anonymous-auth') return 'changes anonymous access, which the library limits to the health and join-discovery paths with --authentication-config (true opens every path; false breaks kubeadm joins)';
      if (name === 'authorization-mode') return "replaces kubeadm's Node,RBAC authorization (CIS 1.2.6 to 1.2.8)";
      if (name === 'profiling') return 'turns profiling back on (CIS 1.2.15)';
      if (name === 'token-auth-file' || name === 'basic-auth-file') return 'adds static credentials (CIS 1.2.2)';
      if (name === 'service-account-lookup' && v === 'false') return 'accepts tokens of deleted service accounts (CIS 1.2.24)';
      if (name === 'secure-port' && v === '0') return 'switches off the secure port';
      if (name === 'disable-admission-plugins' && list.some((p) => p === 'NodeRestriction' || p === 'PodSecurity')) return 'disables NodeRestriction or PodSecurity (CIS 1.2.14)';
      if (name === 'kubelet-certificate-authority' && v === '') return 'switches off the kubelet certificate check';
      return undefined;
    case 'etcd':
      if (name === 'auto-tls' || name === 'peer-auto-tls') return 'makes etcd use self-signed certificates instead of the cluster\'s etcd CA (CIS 2.3, 2.6)';
      if ((name === 'client-cert-auth' || name === 'peer-client-cert-auth') && v === 'false') return 'switches off etcd client certificate authentication (CIS 2.2, 2.5)';
      return undefined;
    case 'kubelet':
      if (name === 'anonymous-auth' && v !== 'false') return 'lets anonymous requests reach the kubelet (CIS 4.2.1)';
      if (name === 'authorization-mode' && v.includes('alwaysallow')) return 'authorizes every kubelet request (CIS 4.2.2)';
      if (name === 'read-only-port' && v !== '0') return 'opens the unauthenticated read-only port (CIS 4.2.4)';
      if (name === 'protect-kernel-defaults' && v !== 'true') return 'lets kubelet change kernel defaults (CIS 4.2.6)';
      if (name === 'rotate-server-certificates' && v !== 'true') return 'stops rotating the kubelet serving certificate (CIS 4.2.12)';
      if (name === 'rotate-certificates' && v === 'false') return 'stops rotating the kubelet client certificate (CIS 4.2.11)';
      return undefined;
  }
}

/**
 * Checks a user's flags for one component: the flag syntax, the CRD's limits, duplicate names, names the library
 * sets itself (the typed prop is the way to change them), and flags that weaken the component.
 *
 * @param managed the names the library sets, with the prop that changes each
 * @internal
 */
export function checkUserArgs(errors: PropErrors, prop: string, component: ArgComponent, args: readonly KubeadmArg[] | undefined,
  managed: { [name: string]: string }): void {
  if (args === undefined) {
    return;
  }
  for (const [i, a] of args.entries()) {
    const at = `${prop}[${i}]`;
    if (typeof a?.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(a.name) || a.name.length > 256) {
      errors.add(`${at}.name`, a?.name, 'is not a flag name', "write the flag without leading dashes, e.g. 'event-ttl'");
      continue;
    }
    if (typeof a.value !== 'string' || a.value.length > MAX_EXTRA_ARGS.valueLength) {
      errors.add(`${at}.value`, a.value, `is not a string of at most ${MAX_EXTRA_ARGS.valueLength} characters`, 'give the flag value as a string');
      continue;
    }
    const why = weakens(component, a.name, a.value);
    if (why !== undefined) {
      errors.add(at, `${a.name}=${a.value}`, `weakens ${component}: it ${why}`, 'remove it; the library\'s setting is the hardened one');
    } else if (Object.prototype.hasOwnProperty.call(managed, a.name)) {
      errors.add(at, `${a.name}=${a.value}`, `is set by the library for ${component}`, managed[a.name]);
    }
  }
  for (const name of duplicateArgNames(args.filter((a) => typeof a?.name === 'string'))) {
    errors.add(prop, name, 'names a flag more than once, which the Cluster API CRD refuses (extraArgs names must be unique)', 'keep one entry per flag');
  }
}
