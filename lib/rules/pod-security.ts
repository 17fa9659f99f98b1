import { ADVISORY, capabilities, fieldOf, Part, perContainer, perPod, securityContext, skipOnWindows, src, STRICT } from './_helpers';
import { asArray, asObject, asStringMap, containersOf, JsonObject, Workload } from './context';

const ALL_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];
import { IRule } from './rule';

/**
 * Containers must not run as root.
 *
 * Either `runAsNonRoot: true` or a non-zero `runAsUser`, on the container or inherited from the
 * pod, and never `runAsUser: 0`.
 *
 * Sources: Polaris runAsRootAllowed; kube-linter run-as-non-root;
 * PSS restricted "Running as Non-root" and "Running as Non-root user".
 */
export const runAsNonRoot: IRule = {
  id: 'run-as-non-root',
  description: 'Containers run as a non-root user',
  sources: src('polaris:runAsRootAllowed', 'kube-linter:run-as-non-root', 'pss-restricted:Running as Non-root',
    'pss-restricted:Running as Non-root user'),
  severity: STRICT,
  fix: 'Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser',
  check: (ctx) => [
    // PSS reads the pod level on its own: runAsUser 0 or runAsNonRoot false there fails even when every container overrides it
    ...perPod(ctx, (w) => {
      const pod = asObject(w.podSpec.securityContext);
      const out: Part[] = [];
      if (pod.runAsUser === 0) {
        out.push({ message: 'pod sets runAsUser 0 (root)', path: `${w.podSpecPath}.securityContext.runAsUser` });
      }
      if (pod.runAsNonRoot === false) {
        out.push({ message: 'pod sets runAsNonRoot: false', path: `${w.podSpecPath}.securityContext.runAsNonRoot` });
      }
      return out;
    }),
    ...perContainer(ctx, ALL_LISTS, (c, w) => {
      if (securityContext(c).runAsUser === 0) {
        return 'runs as user 0 (root)';
      }
      if (fieldOf(c, w, 'runAsNonRoot') !== true) {
        const user = fieldOf(c, w, 'runAsUser');
        return typeof user === 'number' && user > 0
          ? 'does not set runAsNonRoot: true'
          : 'may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set';
      }
      return undefined;
    }),
  ],
};

/**
 * Containers run with a high user and group id, outside the range of host users.
 *
 * Sources: kube-score container-security-context-user-group-id (UID and GID above 10000).
 */
export const highUserGroupId: IRule = {
  id: 'high-user-group-id',
  description: 'Containers run with a user id and group id above 10000',
  sources: src('kube-score:container-security-context-user-group-id'),
  severity: STRICT,
  fix: 'Set securityContext.runAsUser and runAsGroup to values above 10000 (e.g. 10001)',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers'], (c, w) => {
    const problems: string[] = [];
    const user = fieldOf(c, w, 'runAsUser');
    const group = fieldOf(c, w, 'runAsGroup');
    if (!(typeof user === 'number' && user > 10000)) {
      problems.push(`runAsUser is ${user ?? 'not set'}`);
    }
    if (!(typeof group === 'number' && group > 10000)) {
      problems.push(`runAsGroup is ${group ?? 'not set'}`);
    }
    return problems.length ? `${problems.join(' and ')}; both must be above 10000` : undefined;
  }),
};

/**
 * Containers have a read-only root filesystem.
 *
 * Sources: Polaris notReadOnlyRootFilesystem; kube-score
 * container-security-context-readonlyrootfilesystem; kube-linter no-read-only-root-fs.
 */
export const readOnlyRootFilesystem: IRule = {
  id: 'read-only-root-filesystem',
  description: 'Containers have a read-only root filesystem',
  sources: src('polaris:notReadOnlyRootFilesystem', 'kube-score:container-security-context-readonlyrootfilesystem',
    'kube-linter:no-read-only-root-fs'),
  severity: STRICT,
  fix: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers'], (c) =>
    securityContext(c).readOnlyRootFilesystem === true ? undefined : 'does not set readOnlyRootFilesystem: true'),
};

/**
 * Containers cannot gain more privileges than their parent process.
 *
 * Pod Security skips "Privilege Escalation" for a Windows pod (`spec.os.name: windows`, policy
 * 1.25 and later); Polaris and kube-linter read no `spec.os` and still report it.
 *
 * Sources: Polaris privilegeEscalationAllowed; kube-linter privilege-escalation-container;
 * PSS restricted "Privilege Escalation".
 */
export const noPrivilegeEscalation: IRule = {
  id: 'no-privilege-escalation',
  description: 'Containers set allowPrivilegeEscalation: false',
  sources: src('polaris:privilegeEscalationAllowed', 'kube-linter:privilege-escalation-container',
    'pss-restricted:Privilege Escalation'),
  severity: STRICT,
  fix: 'Set securityContext.allowPrivilegeEscalation: false on every container',
  check: (ctx) => skipOnWindows(noPrivilegeEscalation.sources, 'pss-restricted:Privilege Escalation',
    perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) =>
      securityContext(c).allowPrivilegeEscalation === false ? undefined : 'does not set allowPrivilegeEscalation: false')),
};

/**
 * Containers are not privileged.
 *
 * Sources: Polaris runAsPrivileged; kube-score container-security-context-privileged;
 * kube-linter privileged-container; PSS baseline "Privileged Containers".
 */
export const noPrivileged: IRule = {
  id: 'no-privileged',
  description: 'Containers do not run privileged',
  sources: src('polaris:runAsPrivileged', 'kube-score:container-security-context-privileged',
    'kube-linter:privileged-container', 'pss-baseline:Privileged Containers'),
  severity: STRICT,
  fix: 'Remove securityContext.privileged (or set it to false); grant single capabilities instead',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) =>
    securityContext(c).privileged === true ? 'runs privileged' : undefined),
};

/**
 * Containers drop all Linux capabilities.
 *
 * Pod Security skips the restricted "Capabilities" control for a Windows pod (`spec.os.name:
 * windows`); the other tools still report it.
 *
 * Sources: Polaris insecureCapabilities and linuxHardening; kube-linter drop-net-raw-capability;
 * PSS restricted "Capabilities" (drop ALL).
 */
export const dropAllCapabilities: IRule = {
  id: 'drop-all-capabilities',
  description: "Containers drop all capabilities (capabilities.drop: ['ALL'])",
  sources: src('polaris:insecureCapabilities', 'polaris:linuxHardening', 'kube-linter:drop-net-raw-capability',
    'pss-restricted:Capabilities'),
  severity: STRICT,
  fix: "Set securityContext.capabilities.drop: ['ALL'] and add back only NET_BIND_SERVICE if needed",
  check: (ctx) => skipOnWindows(dropAllCapabilities.sources, 'pss-restricted:Capabilities', perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) => {
    const dropped = capabilities(asObject(securityContext(c).capabilities).drop);
    if (dropped.includes('ALL')) {
      return undefined;
    }
    // kube-linter reads only NET_RAW; Polaris and PSS ask for ALL
    const checks = ['polaris:insecureCapabilities', 'polaris:linuxHardening', 'pss-restricted:Capabilities',
      ...(dropped.some((x) => ['NET_RAW', 'ALL'].includes(x.toUpperCase().replace(/^CAP_/, ''))) ? [] : ['kube-linter:drop-net-raw-capability'])];
    const near = dropped.filter((x) => x.toUpperCase().replace(/^CAP_/, '') === 'ALL');
    return [{ message: near.length ? `drops '${near[0]}', which Pod Security does not read as 'ALL'` : 'does not drop ALL capabilities', checks }];
  })),
};

/** Capabilities PSS baseline lets a container add. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/**
 * Containers add no capability except NET_BIND_SERVICE.
 *
 * The message says when an added capability is also outside the baseline set (ALL, SYS_ADMIN,
 * NET_ADMIN ...), which is the dangerous case.
 *
 * A Windows pod (`spec.os.name: windows`) skips the restricted "Capabilities" control; the
 * baseline one still applies to it.
 *
 * Sources: Polaris dangerousCapabilities; PSS baseline "Capabilities" (only the default set may
 * be added); PSS restricted "Capabilities" (only NET_BIND_SERVICE may be added).
 */
export const restrictedCapabilities: IRule = {
  id: 'no-added-capabilities',
  description: 'Containers add no capability other than NET_BIND_SERVICE',
  sources: src('polaris:dangerousCapabilities', 'pss-baseline:Capabilities', 'pss-restricted:Capabilities'),
  severity: STRICT,
  fix: 'Remove the capability from securityContext.capabilities.add; only NET_BIND_SERVICE is allowed',
  check: (ctx) => skipOnWindows(restrictedCapabilities.sources, 'pss-restricted:Capabilities',
    perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) => {
      const added = capabilities(asObject(securityContext(c).capabilities).add).filter((x) => x !== 'NET_BIND_SERVICE');
      if (added.length === 0) {
        return undefined;
      }
      const dangerous = added.filter((x) => !BASELINE_CAPABILITIES.has(x));
      return `adds capabilities ${added.join(', ')}${dangerous.length ? ` (${dangerous.join(', ')} break even the baseline policy)` : ''}`;
    })),
};

/**
 * Pods run under a seccomp profile: RuntimeDefault or Localhost, on the pod or every container.
 *
 * A Windows pod (`spec.os.name: windows`) skips the restricted "Seccomp" control (a profile is
 * required); the baseline one (never Unconfined) still applies to it.
 *
 * Sources: PSS restricted "Seccomp"; PSS baseline "Seccomp" (never Unconfined);
 * Polaris linuxHardening; kube-score container-seccomp-profile (optional there).
 */
export const seccompProfile: IRule = {
  id: 'seccomp-profile',
  description: 'Containers run with the RuntimeDefault or a Localhost seccomp profile',
  sources: src('pss-restricted:Seccomp', 'pss-baseline:Seccomp', 'polaris:linuxHardening', '?kube-score:container-seccomp-profile'),
  severity: STRICT,
  fix: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod',
  check: (ctx) => skipOnWindows(seccompProfile.sources, 'pss-restricted:Seccomp', [
    // baseline forbids Unconfined at the pod level even when every container sets its own profile
    ...perPod(ctx, (w) => asObject(asObject(w.podSpec.securityContext).seccompProfile).type === 'Unconfined'
      ? [{ message: "pod uses seccomp profile 'Unconfined'", path: `${w.podSpecPath}.securityContext.seccompProfile` }] : undefined),
    ...perContainer(ctx, ALL_LISTS, (c, w) => {
      const type = fieldOf(c, w, 'seccompProfile', 'type');
      if (type === 'RuntimeDefault' || type === 'Localhost') {
        return undefined;
      }
      // baseline allows an unset profile: only the restricted control and the scanners ask for one
      return type === undefined || type === null
        ? [{ message: 'has no seccomp profile (pod or container)', checks: ['pss-restricted:Seccomp', 'polaris:linuxHardening', 'kube-score:container-seccomp-profile'] }]
        : `uses seccomp profile '${String(type)}'`;
    }),
  ]),
};

/**
 * Pods do not share the host's network, PID or IPC namespaces.
 *
 * Sources: Polaris hostNetworkSet, hostPIDSet, hostIPCSet; kube-linter host-network, host-pid,
 * host-ipc; PSS baseline "Host Namespaces".
 */
export const hostNamespaces: IRule = {
  id: 'host-namespaces',
  description: "Pods do not share the host's network, PID or IPC namespace",
  sources: src('polaris:hostNetworkSet', 'polaris:hostPIDSet', 'polaris:hostIPCSet', 'kube-linter:host-network',
    'kube-linter:host-pid', 'kube-linter:host-ipc', 'pss-baseline:Host Namespaces'),
  severity: STRICT,
  fix: 'Remove hostNetwork, hostPID and hostIPC from the pod spec',
  check: (ctx) => perPod(ctx, (w) => ['hostNetwork', 'hostPID', 'hostIPC']
    .filter((f) => w.podSpec[f] === true)
    .map((f) => ({
      message: `pod sets ${f}: true`, path: `${w.podSpecPath}.${f}`,
      checks: [`polaris:${f}Set`, `kube-linter:host-${f.slice(4).toLowerCase()}`, 'pss-baseline:Host Namespaces'],
    }))),
};

/**
 * Containers do not bind host ports.
 *
 * Sources: Polaris hostPortSet; PSS baseline "Host Ports".
 */
export const hostPorts: IRule = {
  id: 'host-ports',
  description: 'Containers do not bind ports on the host',
  sources: src('polaris:hostPortSet', 'pss-baseline:Host Ports'),
  severity: STRICT,
  fix: 'Remove hostPort and expose the container through a Service',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) =>
    asArray(c.spec.ports).map(asObject).filter((p) => p.hostPort !== undefined && p.hostPort !== 0)
      .map((p) => ({ message: `binds host port ${String(p.hostPort)}` }))),
};

/**
 * Pods mount no hostPath volume (and so never the Docker socket or system directories).
 *
 * Sources: Polaris hostPathSet; kube-linter sensitive-host-mounts and docker-sock;
 * PSS baseline "HostPath Volumes".
 */
export const hostPathVolumes: IRule = {
  id: 'host-path-volumes',
  description: 'Pods mount no hostPath volumes',
  sources: src('polaris:hostPathSet', 'kube-linter:sensitive-host-mounts', 'kube-linter:docker-sock',
    'pss-baseline:HostPath Volumes'),
  severity: STRICT,
  fix: 'Replace the hostPath volume with an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim',
  check: (ctx) => perPod(ctx, (w) => asArray(w.podSpec.volumes).map(asObject).flatMap((v, i) => {
    if (v.hostPath === undefined) {
      return [];
    }
    const path = String(asObject(v.hostPath).path ?? '');
    const note = /docker\.sock$|containerd\.sock$|crio\.sock$/.test(path) ? ' (a container runtime socket: full control of the node)'
      : /^\/(boot|dev|etc|lib|proc|sys|usr)?$/.test(path) ? ' (a sensitive host directory)' : '';
    const checks = ['polaris:hostPathSet', 'pss-baseline:HostPath Volumes',
      ...(/docker\.sock$/.test(path) ? ['kube-linter:docker-sock'] : []),
      ...(/^\/(boot|dev|etc|lib|proc|sys|usr)?$/.test(path) ? ['kube-linter:sensitive-host-mounts'] : [])];
    return [{ message: `volume '${String(v.name)}' mounts host path '${path}'${note}`, path: `${w.podSpecPath}.volumes[${i}]`, checks }];
  })),
};

/** Volume types PSS restricted allows. */
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral',
  'persistentVolumeClaim', 'projected', 'secret']);

/**
 * Pods use only the volume types of the restricted policy; hostPath is reported by
 * `host-path-volumes`.
 *
 * Sources: PSS restricted "Volume Types".
 */
export const volumeTypes: IRule = {
  id: 'restricted-volume-types',
  description: 'Pods use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes',
  sources: src('pss-restricted:Volume Types'),
  severity: STRICT,
  fix: 'Replace the volume with one of the allowed types, e.g. a PersistentVolumeClaim for network storage',
  check: (ctx) => perPod(ctx, (w) => asArray(w.podSpec.volumes).map(asObject).flatMap((v, i) => {
    const types = Object.keys(v).filter((k) => k !== 'name');
    const bad = types.filter((t) => !RESTRICTED_VOLUME_TYPES.has(t) && t !== 'hostPath');
    return bad.length ? [{ message: `volume '${String(v.name)}' is of type ${bad.join(', ')}`, path: `${w.podSpecPath}.volumes[${i}]` }] : [];
  })),
};

/**
 * Windows pods do not run as HostProcess containers.
 *
 * Sources: Polaris hostProcess; PSS baseline "HostProcess".
 */
export const hostProcess: IRule = {
  id: 'host-process',
  description: 'Windows containers do not run as HostProcess',
  sources: src('polaris:hostProcess', 'pss-baseline:HostProcess'),
  severity: STRICT,
  fix: 'Remove securityContext.windowsOptions.hostProcess',
  // each level is read on its own: a container's empty windowsOptions does not hide the pod's hostProcess
  check: (ctx) => [
    ...perPod(ctx, (w) => asObject(asObject(w.podSpec.securityContext).windowsOptions).hostProcess === true
      ? [{ message: 'pod sets windowsOptions.hostProcess: true', path: `${w.podSpecPath}.securityContext.windowsOptions.hostProcess` }] : undefined),
    ...perContainer(ctx, ALL_LISTS, (c) =>
      asObject(securityContext(c).windowsOptions).hostProcess === true ? 'runs as a Windows HostProcess container' : undefined),
  ],
};

/**
 * Containers keep the default /proc masks.
 *
 * Sources: Polaris procMount; kube-linter unsafe-proc-mount; PSS baseline "/proc Mount Type".
 */
export const procMount: IRule = {
  id: 'proc-mount',
  description: 'Containers keep the default /proc mount type',
  sources: src('polaris:procMount', '?kube-linter:unsafe-proc-mount', 'pss-baseline:/proc Mount Type'),
  severity: STRICT,
  fix: 'Remove securityContext.procMount (or set it to Default)',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) => {
    const pm = securityContext(c).procMount;
    return pm === undefined || pm === 'Default' ? undefined : `sets procMount: ${String(pm)}`;
  }),
};

/**
 * AppArmor is not turned off: the profile is the runtime default or a localhost profile.
 *
 * Policy version 1.28 reads the `container.apparmor.security.beta.kubernetes.io/<container>`
 * annotations; the `appArmorProfile` field of later versions is read too.
 *
 * Sources: PSS baseline "AppArmor".
 */
export const appArmor: IRule = {
  id: 'apparmor-profile',
  description: 'AppArmor profiles are the runtime default or a localhost profile, never unconfined',
  sources: src('pss-baseline:AppArmor'),
  severity: STRICT,
  fix: "Remove the AppArmor override, or use 'runtime/default' or a 'localhost/<profile>'",
  check: (ctx) => perPod(ctx, (w) => {
    const out: { message: string; path?: string }[] = [];
    for (const [key, value] of Object.entries(asStringMap(w.podMetadata.annotations))) {
      if (key.startsWith('container.apparmor.security.beta.kubernetes.io/')
        && value !== 'runtime/default' && !value.startsWith('localhost/')) {
        out.push({ message: `annotation '${key}' sets AppArmor profile '${value}'` });
      }
    }
    const allowed = (t: unknown) => t === undefined || t === null || t === 'RuntimeDefault' || t === 'Localhost';
    const podType = asObject(asObject(w.podSpec.securityContext).appArmorProfile).type;
    if (!allowed(podType)) {
      out.push({ message: `pod sets appArmorProfile ${String(podType)}` });
    }
    for (const list of ALL_LISTS) {
      for (const c of asArray(w.podSpec[list]).map(asObject)) {
        const t = asObject(asObject(c.securityContext).appArmorProfile).type;
        if (!allowed(t)) {
          out.push({ message: `container '${String(c.name)}' sets appArmorProfile ${String(t)}` });
        }
      }
    }
    return out;
  }),
};

/** SELinux types PSS baseline allows (policy 1.28); '' is the same as unset. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

/** The seLinuxOptions of the pod and of each container, each read on its own, as PSS reads them. */
function seLinuxLevels(w: Workload): { who: string; path: string; opts: JsonObject }[] {
  const levels = [{ who: 'pod', path: `${w.podSpecPath}.securityContext.seLinuxOptions`, opts: asObject(asObject(w.podSpec.securityContext).seLinuxOptions) }];
  for (const c of containersOf(w.podSpec, w.podSpecPath, ALL_LISTS)) {
    levels.push({ who: `container '${c.name}'`, path: `${c.path}.securityContext.seLinuxOptions`, opts: asObject(securityContext(c).seLinuxOptions) });
  }
  return levels;
}

/**
 * SELinux options set no custom user or role, nor a type outside the container types, at the
 * pod level or on any container (an empty container-level `seLinuxOptions: {}` does not hide
 * the pod's).
 *
 * Sources: PSS baseline "SELinux".
 */
export const seLinux: IRule = {
  id: 'selinux-options',
  description: 'SELinux options use only the container types and set no user or role',
  sources: src('pss-baseline:SELinux'),
  severity: STRICT,
  fix: 'Remove seLinuxOptions.user and role, and use type container_t (or leave it unset)',
  check: (ctx) => perPod(ctx, (w) => seLinuxLevels(w).flatMap(({ who, path, opts }) => {
    const bad: string[] = [];
    if (opts.type !== undefined && opts.type !== null && !SELINUX_TYPES.has(String(opts.type))) bad.push(`type '${String(opts.type)}'`);
    if (opts.user !== undefined && opts.user !== null && opts.user !== '') bad.push(`user '${String(opts.user)}'`);
    if (opts.role !== undefined && opts.role !== null && opts.role !== '') bad.push(`role '${String(opts.role)}'`);
    return bad.length ? [{ message: `${who} sets SELinux ${bad.join(', ')}`, path }] : [];
  })),
};

/**
 * SELinux options do not write an empty user or role: PSS allows `''` (it means unset), but
 * an empty field is noise that reads like an override.
 *
 * Sources: our opinion (beyond PSS baseline "SELinux", which allows the empty string).
 */
export const seLinuxEmpty: IRule = {
  id: 'selinux-empty-user-role',
  description: "SELinux options do not write an empty user or role ('' means unset)",
  sources: src('platform:selinux-empty-user-role'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Remove the empty seLinuxOptions.user and role fields',
  check: (ctx) => perPod(ctx, (w) => seLinuxLevels(w).flatMap(({ who, path, opts }) =>
    ['user', 'role'].filter((f) => opts[f] === '').map((f) => ({ message: `${who} sets an empty SELinux ${f}`, path })))),
};

/** Sysctls PSS baseline allows in policy version 1.28. */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports']);

/**
 * Pods set only the safe sysctls.
 *
 * Sources: PSS baseline "Sysctls"; kube-linter unsafe-sysctls.
 */
export const safeSysctls: IRule = {
  id: 'safe-sysctls',
  description: 'Pods set only the sysctls the baseline policy deems safe',
  sources: src('pss-baseline:Sysctls', 'kube-linter:unsafe-sysctls'),
  severity: STRICT,
  fix: 'Remove the sysctl from securityContext.sysctls, or tune it on the node',
  check: (ctx) => perPod(ctx, (w) => asArray(asObject(w.podSpec.securityContext).sysctls).map(asObject)
    .filter((s) => !SAFE_SYSCTLS.has(String(s.name)))
    .map((s) => ({ message: `pod sets unsafe sysctl '${String(s.name)}'`, path: `${w.podSpecPath}.securityContext.sysctls` }))),
};

/**
 * Pods do not mount a service-account token unless they ask for it.
 *
 * The pod sets `automountServiceAccountToken: false`, or leaves it unset and its
 * ServiceAccount (when among the checked objects) sets it to false.
 *
 * Sources: Polaris automountServiceAccountToken.
 */
export const serviceAccountToken: IRule = {
  id: 'service-account-token',
  description: 'Pods do not automount a service-account token',
  sources: src('polaris:automountServiceAccountToken'),
  severity: STRICT,
  fix: 'Set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount); mount a projected token where the API is needed',
  check: (ctx) => perPod(ctx, (w) => {
    const own = w.podSpec.automountServiceAccountToken;
    if (own === false) {
      return undefined;
    }
    if (own === true) {
      return 'pod sets automountServiceAccountToken: true';
    }
    const saName = String(w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount ?? 'default');
    const sa = ctx.find('ServiceAccount', saName, w.namespaceName);
    if (sa && sa.automountServiceAccountToken === false) {
      return undefined;
    }
    return `pod mounts the token of service account '${saName}': automountServiceAccountToken is not false on the pod nor on the ServiceAccount`;
  }),
};

/**
 * A named ServiceAccount exists among the objects.
 *
 * Sources: kube-linter non-existent-service-account.
 */
export const serviceAccountExists: IRule = {
  id: 'service-account-exists',
  description: 'The ServiceAccount a pod names is defined with it',
  sources: src('kube-linter:non-existent-service-account'),
  severity: STRICT,
  fix: 'Define the ServiceAccount in the same namespace, or correct serviceAccountName',
  check: (ctx) => perPod(ctx, (w) => {
    const name = w.podSpec.serviceAccountName ?? w.podSpec.serviceAccount;
    if (name === undefined || name === 'default' || ctx.find('ServiceAccount', String(name), w.namespaceName)) {
      return undefined;
    }
    return [{ message: `service account '${String(name)}' is not defined in namespace '${w.namespaceName}'`, path: `${w.podSpecPath}.serviceAccountName` }];
  }),
};

/**
 * Pods use `serviceAccountName`, not the deprecated `serviceAccount` alias.
 *
 * Sources: kube-linter deprecated-service-account-field.
 */
export const deprecatedServiceAccountField: IRule = {
  id: 'deprecated-service-account-field',
  description: 'Pods name their ServiceAccount with serviceAccountName, not the deprecated serviceAccount',
  sources: src('kube-linter:deprecated-service-account-field'),
  severity: ADVISORY,
  fix: 'Rename serviceAccount to serviceAccountName',
  check: (ctx) => perPod(ctx, (w) => {
    if (w.podSpec.serviceAccount === undefined) {
      return undefined;
    }
    return w.podSpec.serviceAccountName === undefined || w.podSpec.serviceAccountName === w.podSpec.serviceAccount
      ? 'pod uses the deprecated serviceAccount field'
      : 'pod sets serviceAccount and serviceAccountName to different accounts';
  }),
};

/** Every pod-security rule, in report order. */
export const POD_SECURITY_RULES: readonly IRule[] = [
  runAsNonRoot, highUserGroupId, readOnlyRootFilesystem, noPrivilegeEscalation, noPrivileged, dropAllCapabilities,
  restrictedCapabilities, seccompProfile, hostNamespaces, hostPorts, hostPathVolumes, volumeTypes, hostProcess, procMount,
  appArmor, seLinux, seLinuxEmpty, safeSysctls, serviceAccountToken, serviceAccountExists, deprecatedServiceAccountField,
];
