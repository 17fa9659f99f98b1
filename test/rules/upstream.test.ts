import * as fc from 'fast-check';
import * as path from 'path';
import { KubeObject, RulePack } from '../../lib/rules';
import { skipOnWindows } from '../../lib/rules/_helpers';
import { loadFixture } from './_load';

// Each test names the upstream check it reproduces and the version read:
// - Pod Security Standards, policy version v1.28 (kubernetes.io/docs/concepts/security/pod-security-standards)
// - Polaris checks at FairwindsOps/polaris c0e23a2 (copied to shared/checkers/polaris)
// - kube-score at zegl/kube-score f05d0ee (README_CHECKS.md), score/* 98b697f, scorecard/scorecard.go (impliedIgnoreAnnotations)
// - kube-linter docs/generated/checks.md at stackrox/kube-linter 8d68919, job-ttl-seconds-after-finished at 5187aa3
// Every case starts from the fully hardened web app (zero findings) and changes one thing.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function web(): Json[] {
  return JSON.parse(JSON.stringify(loadFixture(path.join('good', 'hardened-web-app.yaml'))));
}
function statefulSet(): Json[] {
  return JSON.parse(JSON.stringify(loadFixture(path.join('good', 'hardened-statefulset.yaml'))));
}
function ofKind(objects: Json[], kind: string): Json {
  return objects.find((o) => o.kind === kind);
}
function pod(objects: Json[]): Json {
  return ofKind(objects, 'Deployment').spec.template.spec;
}
function app(objects: Json[]): Json {
  return pod(objects).containers[0];
}
/** The messages of one rule's findings, at any severity. */
function hits(objects: KubeObject[], ruleId: string): string[] {
  return RulePack.check(objects).findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
}
/** Applies `change` to a fresh hardened web app and returns the rule's messages. */
function after(ruleId: string, change: (objects: Json[]) => void, base: () => Json[] = web): string[] {
  const objects = base();
  change(objects);
  return hits(objects, ruleId);
}

test('the hardened base passes every rule', () => {
  expect(RulePack.check(web()).findings).toEqual([]);
  expect(RulePack.check(statefulSet()).findings).toEqual([]);
});

describe('PSS restricted v1.28 "Running as Non-root user": runAsUser 0 is refused at any level', () => {
  test.each([
    ['pod 0, every container sets its own user', (o: Json[]) => { pod(o).securityContext.runAsUser = 0; app(o).securityContext.runAsUser = 10001; }, ['pod sets runAsUser 0 (root)']],
    ['container 0, pod non-zero', (o: Json[]) => { app(o).securityContext.runAsUser = 0; }, ["container 'app' runs as user 0 (root)"]],
    ['pod unset, container non-zero', (o: Json[]) => { delete pod(o).securityContext.runAsUser; app(o).securityContext.runAsUser = 10001; }, []],
    ['both unset (runAsNonRoot still true)', (o: Json[]) => { delete pod(o).securityContext.runAsUser; }, []],
  ])('%s', (_name, change, expected) => {
    expect(after('run-as-non-root', change)).toEqual(expected);
  });
});

describe('PSS restricted v1.28 "Running as Non-root": runAsNonRoot true on the pod, or on every container; false nowhere', () => {
  test.each([
    ['pod false, container true', (o: Json[]) => { pod(o).securityContext.runAsNonRoot = false; }, ['pod sets runAsNonRoot: false']],
    ['pod true, container false', (o: Json[]) => { app(o).securityContext.runAsNonRoot = false; }, ["container 'app' does not set runAsNonRoot: true"]],
    ['pod true, container unset', (o: Json[]) => { delete app(o).securityContext.runAsNonRoot; }, []],
    ['pod true, container null', (o: Json[]) => { app(o).securityContext.runAsNonRoot = null; }, []],
    ['pod true, container securityContext empty', (o: Json[]) => { app(o).securityContext = {}; }, []],
    ['pod unset, container true', (o: Json[]) => { delete pod(o).securityContext.runAsNonRoot; }, []],
    ['pod unset, container unset', (o: Json[]) => { delete pod(o).securityContext.runAsNonRoot; delete app(o).securityContext.runAsNonRoot; },
      ["container 'app' does not set runAsNonRoot: true"]],
  ])('%s', (_name, change, expected) => {
    expect(after('run-as-non-root', change)).toEqual(expected);
  });
});

describe('PSS baseline v1.28 "SELinux": type, user and role read at the pod and at each container on their own', () => {
  test.each([
    ['pod type spc_t hidden behind an empty container seLinuxOptions', (o: Json[]) => {
      pod(o).securityContext.seLinuxOptions = { type: 'spc_t' }; app(o).securityContext.seLinuxOptions = {};
    }, ["pod sets SELinux type 'spc_t'"]],
    ['pod user behind a container type', (o: Json[]) => {
      pod(o).securityContext.seLinuxOptions = { user: 'system_u' }; app(o).securityContext.seLinuxOptions = { type: 'container_t' };
    }, ["pod sets SELinux user 'system_u'"]],
    ['container role', (o: Json[]) => { app(o).securityContext.seLinuxOptions = { role: 'sysadm_r' }; }, ["container 'app' sets SELinux role 'sysadm_r'"]],
    ['container type outside the container types', (o: Json[]) => { app(o).securityContext.seLinuxOptions = { type: 'unconfined_t' }; },
      ["container 'app' sets SELinux type 'unconfined_t'"]],
    ['allowed types and empty strings', (o: Json[]) => {
      pod(o).securityContext.seLinuxOptions = { type: 'container_init_t', user: '', role: '' };
      app(o).securityContext.seLinuxOptions = { type: '', level: 's0:c123,c456' };
    }, []],
    ['unset everywhere', () => undefined, []],
  ])('%s', (_name, change, expected) => {
    expect(after('selinux-options', change)).toEqual(expected);
  });

  test("empty user and role pass PSS but are the library's opinion (a warning)", () => {
    const objects = web();
    pod(objects).securityContext.seLinuxOptions = { user: '' };
    app(objects).securityContext.seLinuxOptions = { role: '' };
    const report = RulePack.check(objects);
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}: ${f.message}`)).toEqual([
      'selinux-empty-user-role warning: pod sets an empty SELinux user',
      "selinux-empty-user-role warning: container 'app' sets an empty SELinux role",
    ]);
    expect(report.passed).toBe(true);
  });
});

describe('PSS baseline v1.28 "HostProcess" and Polaris hostProcess: each level on its own', () => {
  test.each([
    ['pod true behind an empty container windowsOptions', (o: Json[]) => {
      pod(o).securityContext.windowsOptions = { hostProcess: true }; app(o).securityContext.windowsOptions = {};
    }, ['pod sets windowsOptions.hostProcess: true']],
    ['pod true, container false', (o: Json[]) => {
      pod(o).securityContext.windowsOptions = { hostProcess: true }; app(o).securityContext.windowsOptions = { hostProcess: false };
    }, ['pod sets windowsOptions.hostProcess: true']],
    ['container true', (o: Json[]) => { app(o).securityContext.windowsOptions = { hostProcess: true }; }, ["container 'app' runs as a Windows HostProcess container"]],
    ['false and unset', (o: Json[]) => { pod(o).securityContext.windowsOptions = { hostProcess: false }; }, []],
  ])('%s', (_name, change, expected) => {
    expect(after('host-process', change)).toEqual(expected);
  });
});

describe('PSS restricted and baseline v1.28 "Seccomp": container type wins when set; Unconfined refused at any level', () => {
  test.each([
    ['pod RuntimeDefault, container seccompProfile empty', (o: Json[]) => { app(o).securityContext.seccompProfile = {}; }, []],
    ['pod RuntimeDefault, container Unconfined', (o: Json[]) => { app(o).securityContext.seccompProfile = { type: 'Unconfined' }; },
      ["container 'app' uses seccomp profile 'Unconfined'"]],
    ['pod Unconfined, container RuntimeDefault', (o: Json[]) => {
      pod(o).securityContext.seccompProfile = { type: 'Unconfined' }; app(o).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    }, ["pod uses seccomp profile 'Unconfined'"]],
    ['pod unset, container Localhost', (o: Json[]) => {
      delete pod(o).securityContext.seccompProfile; app(o).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    }, []],
    ['unset everywhere', (o: Json[]) => { delete pod(o).securityContext.seccompProfile; }, ["container 'app' has no seccomp profile (pod or container)"]],
  ])('%s', (_name, change, expected) => {
    expect(after('seccomp-profile', change)).toEqual(expected);
  });
});

describe('PSS restricted v1.28 and spec.os.name: windows: "Privilege Escalation", "Seccomp" and "Capabilities" skip Windows pods', () => {
  /** Every finding of the rule as `message <- checks`, the checks that report it. */
  const reported = (objects: KubeObject[], ruleId: string) => RulePack.check(objects).findings.filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.message} <- ${(f.checks ?? f.sources.map((x) => `${x.tool}:${x.check}`)).join(', ')}`);
  const os = (name: string | undefined) => (o: Json[]) => { if (name !== undefined) pod(o).os = { name }; };
  const change = (name: string | undefined, more: (o: Json[]) => void) => (o: Json[]) => { os(name)(o); more(o); };
  const run = (ruleId: string, f: (o: Json[]) => void) => { const o = web(); f(o); return reported(o, ruleId); };

  test.each([
    ['windows', ["container 'app' does not set allowPrivilegeEscalation: false <- polaris:privilegeEscalationAllowed, kube-linter:privilege-escalation-container"]],
    ['linux', ["container 'app' does not set allowPrivilegeEscalation: false <- polaris:privilegeEscalationAllowed, kube-linter:privilege-escalation-container, pss-restricted:Privilege Escalation"]],
    [undefined, ["container 'app' does not set allowPrivilegeEscalation: false <- polaris:privilegeEscalationAllowed, kube-linter:privilege-escalation-container, pss-restricted:Privilege Escalation"]],
  ])('"Privilege Escalation", spec.os.name %s, allowPrivilegeEscalation unset', (name, expected) => {
    expect(run('no-privilege-escalation', change(name, (o) => { delete app(o).securityContext.allowPrivilegeEscalation; }))).toEqual(expected);
  });

  test.each([
    ['windows', ["container 'app' does not drop ALL capabilities <- polaris:insecureCapabilities, polaris:linuxHardening, kube-linter:drop-net-raw-capability"]],
    [undefined, ["container 'app' does not drop ALL capabilities <- polaris:insecureCapabilities, polaris:linuxHardening, pss-restricted:Capabilities, kube-linter:drop-net-raw-capability"]],
  ])('restricted "Capabilities" (drop ALL), spec.os.name %s, capabilities unset', (name, expected) => {
    expect(run('drop-all-capabilities', change(name, (o) => { delete app(o).securityContext.capabilities; }))).toEqual(expected);
  });

  test.each([
    ['windows', ["container 'app' adds capabilities CHOWN <- polaris:dangerousCapabilities, pss-baseline:Capabilities"]],
    [undefined, ["container 'app' adds capabilities CHOWN <- polaris:dangerousCapabilities, pss-baseline:Capabilities, pss-restricted:Capabilities"]],
  ])('restricted "Capabilities" (add only NET_BIND_SERVICE), spec.os.name %s, add CHOWN; baseline still applies', (name, expected) => {
    expect(run('no-added-capabilities', change(name, (o) => { app(o).securityContext.capabilities.add = ['CHOWN']; }))).toEqual(expected);
  });

  test.each([
    ['windows', 'unset', (o: Json[]) => { delete pod(o).securityContext.seccompProfile; },
      ["container 'app' has no seccomp profile (pod or container) <- polaris:linuxHardening"]],
    [undefined, 'unset', (o: Json[]) => { delete pod(o).securityContext.seccompProfile; },
      ["container 'app' has no seccomp profile (pod or container) <- pss-restricted:Seccomp, polaris:linuxHardening"]],
    ['windows', 'pod Unconfined (baseline still applies)', (o: Json[]) => { pod(o).securityContext.seccompProfile = { type: 'Unconfined' }; }, [
      "pod uses seccomp profile 'Unconfined' <- pss-baseline:Seccomp, polaris:linuxHardening",
      "container 'app' uses seccomp profile 'Unconfined' <- pss-baseline:Seccomp, polaris:linuxHardening",
    ]],
  ])('"Seccomp", spec.os.name %s, profile %s', (name, _what, more, expected) => {
    expect(run('seccomp-profile', change(name, more))).toEqual(expected);
  });

  test('"Running as Non-root" is not skipped: a Windows pod that may run as root still fails Pod Security', () => {
    const mayRunAsRoot = (o: Json[]) => { delete pod(o).securityContext.runAsNonRoot; delete app(o).securityContext.runAsNonRoot; };
    const windows = run('run-as-non-root', change('windows', mayRunAsRoot));
    expect(windows).toEqual(run('run-as-non-root', mayRunAsRoot));
    expect(windows).toHaveLength(1);
    expect(windows[0]).toContain('pss-restricted:Running as Non-root');
  });

  test('a violation that only a skipped control reports is dropped for a Windows pod, kept for any other', () => {
    const only = [{ tool: 'pss-restricted', check: 'Seccomp' }];
    const of = (name: string | undefined) => { const o = web(); os(name)(o); return ofKind(o, 'Deployment'); };
    for (const [name, kept] of [['windows', 0], ['linux', 1], ['Windows', 1], [undefined, 1]] as const) {
      expect(skipOnWindows(only, 'pss-restricted:Seccomp', [{ kubeObject: of(name), message: 'm' }])).toHaveLength(kept);
    }
  });
});

describe('PSS baseline v1.28 "AppArmor": runtime/default or localhost/*; the fields RuntimeDefault or Localhost', () => {
  test.each([
    ['annotation unconfined', (o: Json[]) => { ofKind(o, 'Deployment').spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; }, 1],
    ['annotation runtime/default', (o: Json[]) => { ofKind(o, 'Deployment').spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }; }, 0],
    ['annotation localhost/k8s-web', (o: Json[]) => { ofKind(o, 'Deployment').spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/k8s-web' }; }, 0],
    ['pod field Unconfined', (o: Json[]) => { pod(o).securityContext.appArmorProfile = { type: 'Unconfined' }; }, 1],
    ['container field of an unknown type', (o: Json[]) => { app(o).securityContext.appArmorProfile = { type: 'Permissive' }; }, 1],
    ['container field Localhost', (o: Json[]) => { app(o).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-web' }; }, 0],
  ])('%s', (_name, change, count) => {
    expect(after('apparmor-profile', change)).toHaveLength(count);
  });
});

describe('PSS baseline v1.28 "Sysctls": the safe set of 1.28', () => {
  test.each([
    ['net.ipv4.ip_local_reserved_ports', 0],
    ['net.ipv4.ping_group_range', 0],
    ['net.core.somaxconn', 1],
    ['net.ipv4.tcp_keepalive_time', 1], // safe only from policy version 1.29
  ])('%s', (name, count) => {
    expect(after('safe-sysctls', (o) => { pod(o).securityContext.sysctls = [{ name, value: '1' }]; })).toHaveLength(count);
  });
});

describe('Polaris c0e23a2 RBAC checks', () => {
  const role = (name: string, rules: Json[], labels: Json = {}) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules,
  });
  const exec = [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }];

  test('clusterrolePodExecAttach: a system:-prefixed role written by a user is judged like any other', () => {
    expect(hits([role('system:debugger', exec)], 'rbac-no-pod-exec')).toEqual(['grants exec or attach into pods']);
  });

  test('clusterrolePodExecAttach: a role that carries the bootstrap-policy label is the cluster\'s own and is not judged', () => {
    expect(hits([role('system:debugger', exec, { 'kubernetes.io/bootstrapping': 'rbac-defaults' })], 'rbac-no-pod-exec')).toEqual([]);
  });

  test.each([
    [['*'], 1],
    [['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], 1],
    [['delete', 'patch', 'update', 'create', 'watch', 'list', 'get', 'deletecollection'], 1],
    [['get', 'list', 'watch', 'create', 'update', 'patch'], 0],
  ])('rolebindingClusterAdminRole: apiGroups * and resources * with verbs %j is cluster-admin equivalent: %d', (verbs, count) => {
    const objects = [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'power', namespace: 'shop' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'power', namespace: 'shop' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'power' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] },
    ];
    expect(hits(objects, 'rbac-no-cluster-admin-binding')).toHaveLength(count);
  });
});

describe('Polaris c0e23a2 sensitiveContainerEnvVar / sensitiveConfigmapContent and kube-linter 8d68919 env-var-secret', () => {
  test.each([
    ['PASSWORD with an empty value (Polaris refuses the name whatever the value)', 'DB_PASSWORD', '', 1],
    ['a private key with three dashes', 'CERT', '---BEGIN RSA PRIVATE KEY---\nMIIE', 1],
    ['a private key with one dash, lowercase', 'CERT', '-begin private key-', 1],
    ['a PGP private key block', 'CERT', '-----BEGIN PGP PRIVATE KEY BLOCK-----', 1],
    ['a public key', 'CERT', '-----BEGIN PUBLIC KEY-----', 0],
    ['a plain name', 'LOG_LEVEL', 'debug', 0],
  ])('%s', (_name, name, value, count) => {
    expect(after('no-secrets-in-env', (o) => { app(o).env = [{ name, value }]; })).toHaveLength(count);
    expect(after('no-secrets-in-configmap', (o) => { ofKind(o, 'ConfigMap').data = { [name]: value }; })).toHaveLength(count);
  });

  test('names only the library takes for secrets are its opinion: secret-looking-values, a warning', () => {
    const objects = web();
    app(objects).env = [{ name: 'STRIPE_API_KEY', value: 'abc' }];
    const report = RulePack.check(objects);
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['secret-looking-values warning']);
  });
});

describe('Polaris c0e23a2 topologySpreadConstraint: every pod but Jobs and CronJobs declares one', () => {
  test.each([
    ['a Deployment without constraints', (o: Json[]) => { delete pod(o).topologySpreadConstraints; }, 1],
    ['a Deployment with an empty list', (o: Json[]) => { pod(o).topologySpreadConstraints = []; }, 1],
    ['a Deployment with a zone constraint', (o: Json[]) => { pod(o).topologySpreadConstraints[0].topologyKey = 'topology.kubernetes.io/zone'; }, 0],
  ])('%s', (_name, change, count) => {
    expect(after('topology-spread-declared', change)).toHaveLength(count);
  });
  test('a Job is not asked', () => {
    expect(hits([{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { spec: { containers: [] } } } } as KubeObject],
      'topology-spread-declared')).toEqual([]);
  });
});

describe('kube-score 98b697f pod-topology-spread-constraints', () => {
  test.each([
    ['no labelSelector', (t: Json) => { delete t.labelSelector; }, 'has no labelSelector'],
    ['maxSkew 0', (t: Json) => { t.maxSkew = 0; }, 'has maxSkew 0'],
    ['maxSkew unset', (t: Json) => { delete t.maxSkew; }, 'has maxSkew unset (0)'],
    ['minDomains 0', (t: Json) => { t.minDomains = 0; }, 'has minDomains 0'],
    ['empty topologyKey', (t: Json) => { t.topologyKey = ''; }, 'has no topologyKey'],
    ['unknown whenUnsatisfiable', (t: Json) => { t.whenUnsatisfiable = 'Sometimes'; }, 'has whenUnsatisfiable Sometimes'],
  ])('%s is invalid', (_name, change, message) => {
    expect(after('pod-topology-spread-constraints', (o) => change(pod(o).topologySpreadConstraints[0])))
      .toEqual([`topology spread constraint 0 ${message}`]);
  });

  test('valid constraints (minDomains 2 with DoNotSchedule) and no constraints at all pass', () => {
    expect(after('pod-topology-spread-constraints', (o) => Object.assign(pod(o).topologySpreadConstraints[0], { minDomains: 2, whenUnsatisfiable: 'DoNotSchedule' }))).toEqual([]);
    expect(after('pod-topology-spread-constraints', (o) => { delete pod(o).topologySpreadConstraints; })).toEqual([]);
  });
});

describe('kube-score 08ea9f4 deployment-strategy: Deployments a Service targets roll out with RollingUpdate', () => {
  test.each([
    ['Recreate behind a Service', (o: Json[]) => { ofKind(o, 'Deployment').spec.strategy = { type: 'Recreate' }; }, 1],
    ['Recreate with no Service', (o: Json[]) => {
      ofKind(o, 'Deployment').spec.strategy = { type: 'Recreate' };
      o.splice(o.indexOf(ofKind(o, 'Ingress')), 1);
      o.splice(o.indexOf(ofKind(o, 'Service')), 1);
    }, 0],
    ['RollingUpdate', (o: Json[]) => { ofKind(o, 'Deployment').spec.strategy = { type: 'RollingUpdate' }; }, 0],
  ])('%s', (_name, change, count) => {
    expect(after('deployment-strategy', change)).toHaveLength(count);
  });
});

describe('kube-score ed77d6e ingress-targets-service', () => {
  const legacy = (o: Json[], apiVersion: string) => {
    const ing = ofKind(o, 'Ingress');
    ing.apiVersion = apiVersion;
    ing.spec.rules[0].http.paths[0].backend = { serviceName: 'web', servicePort: 80 };
  };
  test('networking.k8s.io/v1 with the v1beta1 serviceName/servicePort fields is reported, not passed silently', () => {
    expect(after('ingress-targets-service', (o) => legacy(o, 'networking.k8s.io/v1')))
      .toEqual(["backend uses the v1beta1 fields serviceName/servicePort ('web'), which networking.k8s.io/v1 does not have"]);
  });
  test('in networking.k8s.io/v1beta1 the same fields name the Service and are checked as such', () => {
    expect(after('ingress-targets-service', (o) => legacy(o, 'networking.k8s.io/v1beta1'))).toEqual([]);
    expect(after('ingress-targets-service', (o) => { legacy(o, 'networking.k8s.io/v1beta1'); ofKind(o, 'Ingress').spec.rules[0].http.paths[0].backend.servicePort = 81; }))
      .toEqual(["backend port 81 is not a port of Service 'web'"]);
  });
});

describe('kube-score statefulset-has-servicename: the headless Service must select the StatefulSet\'s pods', () => {
  const headless = (o: Json[]) => o.find((x) => x.kind === 'Service' && x.spec.clusterIP === 'None');
  test('a headless Service selecting other pods is reported', () => {
    expect(after('statefulset-service-selects-pods', (o) => { headless(o).spec.selector = { 'app.kubernetes.io/name': 'other' }; }, statefulSet))
      .toEqual([`headless Service '${headless(statefulSet()).metadata.name}' does not select the StatefulSet's pods`]);
  });
  test('a Service without a selector selects nothing', () => {
    expect(after('statefulset-service-selects-pods', (o) => { delete headless(o).spec.selector; }, statefulSet)).toHaveLength(1);
  });
});

describe('kube-score deployment-has-host-podantiaffinity and kube-linter no-anti-affinity: the term must look at the pod\'s own namespace', () => {
  const antiAffinity = (o: Json[], term: Json) => {
    delete pod(o).topologySpreadConstraints;
    pod(o).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: {
      topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, ...term,
    } }] } };
  };
  test.each([
    ['no namespaces (the pod\'s own)', {}, 0],
    ['namespaces listing the pod\'s own', { namespaces: ['shop', 'other'] }, 0],
    ['namespaces listing only others', { namespaces: ['other'] }, 1],
    ['an empty namespaceSelector (every namespace)', { namespaceSelector: {} }, 0],
    ['a namespaceSelector for other namespaces', { namespaceSelector: { matchLabels: { team: 'other' } } }, 1],
  ])('%s', (_name, term, count) => {
    expect(after('spread-over-nodes', (o) => antiAffinity(o, term))).toHaveLength(count);
  });
});

describe('kube-linter 8d68919 liveness-port / readiness-port / startup-port: probes connect over TCP', () => {
  test.each([
    ['a tcpSocket probe on a UDP port', 'UDP', 1],
    ['a tcpSocket probe on an SCTP port', 'SCTP', 1],
    ['a tcpSocket probe on a TCP port', 'TCP', 0],
    ['a tcpSocket probe on a port without protocol (TCP)', undefined, 0],
  ])('%s', (_name, protocol, count) => {
    expect(after('probe-port-exposed', (o) => {
      app(o).ports = [{ name: 'dns', containerPort: 5353, ...(protocol ? { protocol } : {}) }];
      app(o).livenessProbe = { tcpSocket: { port: 'dns' } };
      app(o).readinessProbe = { exec: { command: ['true'] } };
    })).toHaveLength(count);
  });
});

describe('kube-linter 8d68919 invalid-target-ports: every Service, with a selector or without', () => {
  test('a Service without a selector still gets its targetPort name checked', () => {
    expect(after('service-target-port', (o) => { const s = ofKind(o, 'Service'); delete s.spec.selector; s.spec.ports[0].targetPort = 'Http_Port'; }))
      .toEqual(["targetPort 'Http_Port' is not a valid port name"]);
  });
  test("a valid name the pods do not declare is the library's opinion, not kube-linter's check", () => {
    const objects = web();
    ofKind(objects, 'Service').spec.ports[0].targetPort = 'metrics';
    expect(RulePack.check(objects).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['service-target-port-declared warning']);
  });
});

describe('kube-linter 5187aa3 job-ttl-seconds-after-finished', () => {
  const job = (spec: Json) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec });
  const cron = (jobSpec: Json) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: jobSpec } } });
  test.each([
    ['a Job without ttlSecondsAfterFinished', job({}), 1],
    ['a Job with ttlSecondsAfterFinished', job({ ttlSecondsAfterFinished: 86400 }), 0],
    ['a CronJob whose jobTemplate sets ttlSecondsAfterFinished', cron({ ttlSecondsAfterFinished: 600 }), 1],
    ['a CronJob whose jobTemplate does not', cron({}), 0],
  ])('%s', (_name, object, count) => {
    expect(hits([object as KubeObject], 'job-ttl-seconds-after-finished')).toHaveLength(count);
  });
});

describe('kube-linter 8d68919 pdb-unhealthy-pod-eviction-policy asks only that the field is set', () => {
  test.each([
    ['unset', undefined, ['pdb-unhealthy-pod-eviction-policy error']],
    ['IfHealthyBudget', 'IfHealthyBudget', ['pdb-unhealthy-pod-eviction-always-allow warning']],
    ['AlwaysAllow', 'AlwaysAllow', []],
  ])('%s', (_name, policy, expected) => {
    const objects = web();
    const spec = ofKind(objects, 'PodDisruptionBudget').spec;
    if (policy === undefined) delete spec.unhealthyPodEvictionPolicy; else spec.unhealthyPodEvictionPolicy = policy;
    expect(RulePack.check(objects).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(expected);
  });
});

describe("exemptions as each tool reads its own annotation, never widened to a sibling check", () => {
  const annotate = (o: Json[], annotations: Json) => { ofKind(o, 'Deployment').metadata.annotations = { 'production.platform.io/exemption-reason': 'SEC-1', ...annotations }; };

  test('Polaris cpuRequestsMissing-exempt exempts the CPU request only, not the missing memory limit', () => {
    const objects = web();
    delete app(objects).resources.requests.cpu;
    delete app(objects).resources.limits.memory;
    annotate(objects, { 'polaris.fairwinds.com/cpuRequestsMissing-exempt': 'true' });
    const report = RulePack.check(objects);
    expect(report.findings.map((f) => f.message)).toEqual(["container 'app' does not set resources limits.memory"]);
    expect(report.exemptions.map((e) => e.suppressed)).toEqual([["container 'app' does not set resources requests.cpu"]]);
  });

  test('kube-score/ignore container-resources skips the ephemeral-storage check too, as kube-score does', () => {
    const objects = web();
    delete app(objects).resources.limits['ephemeral-storage'];
    delete app(objects).resources.limits.cpu;
    annotate(objects, { 'kube-score/ignore': 'container-resources' });
    const report = RulePack.check(objects);
    expect(report.findings).toEqual([]);
    expect(report.exemptions.map((e) => e.ruleId).sort()).toEqual(['container-ephemeral-storage', 'cpu-limits']);
  });

  test('kube-score/ignore container-ephemeral-storage-request-and-limit does not skip container-resources', () => {
    const objects = web();
    delete app(objects).resources.requests.memory;
    annotate(objects, { 'kube-score/ignore': 'container-ephemeral-storage-request-and-limit' });
    expect(RulePack.check(objects).findings.map((f) => f.ruleId)).toEqual(['container-resources']);
  });

  test('ignore-check.kube-linter.io/host-network exempts hostNetwork only, not hostPID', () => {
    const objects = web();
    pod(objects).hostNetwork = true;
    pod(objects).hostPID = true;
    annotate(objects, { 'ignore-check.kube-linter.io/host-network': 'CNI agent' });
    expect(RulePack.check(objects).findings.map((f) => f.message)).toEqual(['pod sets hostPID: true']);
  });

  test('ignore-check.kube-linter.io/drop-net-raw-capability does not exempt a container that drops NET_RAW but not ALL (Polaris and PSS still ask)', () => {
    const objects = web();
    app(objects).securityContext.capabilities.drop = ['NET_RAW'];
    annotate(objects, { 'ignore-check.kube-linter.io/drop-net-raw-capability': 'vendor image' });
    expect(RulePack.check(objects).findings.map((f) => f.ruleId)).toEqual(['drop-all-capabilities']);
  });

  test('the tool-wide forms need a written reason like every other exemption', () => {
    const objects = web();
    pod(objects).hostIPC = true;
    ofKind(objects, 'Deployment').metadata.annotations = { 'polaris.fairwinds.com/exempt': 'true', 'kube-linter.io/ignore-all': '' };
    expect(RulePack.check(objects).findings.map((f) => f.message)).toEqual([
      "annotation 'polaris.fairwinds.com/exempt' exempts every check of its tool without a reason; add production.platform.io/exemption-reason",
      "annotation 'kube-linter.io/ignore-all' exempts every check of its tool without a reason; add production.platform.io/exemption-reason",
    ]);
  });

  test('polaris.fairwinds.com/exempt exempts every Polaris check and nothing that only another tool reports', () => {
    const objects = web();
    pod(objects).hostIPC = true; // Polaris hostIPCSet
    delete app(objects).resources.limits['ephemeral-storage']; // kube-score only
    annotate(objects, { 'polaris.fairwinds.com/exempt': 'true' });
    expect(RulePack.check(objects).findings.map((f) => f.ruleId)).toEqual(['container-ephemeral-storage']);
  });
});

describe('kube-score kube-score/enable (scorecard/enabled.go at 9749393): an optional check runs only on the objects that enable it', () => {
  const SECCOMP = 'kube-score:container-seccomp-profile';
  /** The seccomp-profile findings as `checks`, and the annotations that exempted one. */
  const seccomp = (deployment: Json, template: Json = {}) => {
    const o = web();
    delete pod(o).securityContext.seccompProfile;
    ofKind(o, 'Deployment').metadata.annotations = { 'production.platform.io/exemption-reason': 'SEC-3', ...deployment };
    ofKind(o, 'Deployment').spec.template.metadata.annotations = template;
    const report = RulePack.check(o);
    return {
      checks: report.findings.filter((f) => f.ruleId === 'seccomp-profile').map((f) => f.checks),
      exemptedBy: report.exemptions.filter((e) => e.ruleId === 'seccomp-profile').map((e) => e.annotation),
    };
  };

  test('not enabled: the optional container-seccomp-profile does not report, Pod Security and Polaris do', () => {
    expect(seccomp({})).toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening']], exemptedBy: [] });
  });

  test.each([
    ['on the object', { 'kube-score/enable': 'container-seccomp-profile' }, {}],
    ['on the pod template', {}, { 'kube-score/enable': 'container-seccomp-profile' }],
    ['in a list, with spaces', { 'kube-score/enable': 'container-ports-check , container-seccomp-profile' }, {}],
  ])('enabled %s: it reports too', (_where, deployment, template) => {
    expect(seccomp(deployment, template)).toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening', SECCOMP]], exemptedBy: [] });
  });

  test('kube-score/ignore of an optional check that is not enabled exempts nothing: kube-score never ran it', () => {
    expect(seccomp({ 'kube-score/ignore': 'container-seccomp-profile' })).toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening']], exemptedBy: [] });
  });

  // an ignored optional check does not run, so it reports nothing to exempt: Pod Security and Polaris still ask
  test('ignore and enable on one level: ignore wins', () => {
    expect(seccomp({ 'kube-score/ignore': 'container-seccomp-profile', 'kube-score/enable': 'container-seccomp-profile' }))
      .toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening']], exemptedBy: [] });
  });

  test('the pod template is read before the object: its enable overrides the object\'s ignore, its ignore the object\'s enable', () => {
    expect(seccomp({ 'kube-score/ignore': 'container-seccomp-profile' }, { 'kube-score/enable': 'container-seccomp-profile' }))
      .toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening', SECCOMP]], exemptedBy: [] });
    expect(seccomp({ 'kube-score/enable': 'container-seccomp-profile' }, { 'kube-score/ignore': 'container-seccomp-profile' }))
      .toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening']], exemptedBy: [] });
  });

  test('a default check: enable on the pod template overrides ignore on the object, as kube-score reads it', () => {
    const objects = web();
    delete app(objects).resources.limits['ephemeral-storage'];
    ofKind(objects, 'Deployment').metadata.annotations = { 'production.platform.io/exemption-reason': 'SEC-3', 'kube-score/ignore': 'container-ephemeral-storage-request-and-limit' };
    expect(RulePack.check(objects).findings.map((f) => f.ruleId)).toEqual([]);
    ofKind(objects, 'Deployment').spec.template.metadata.annotations = { 'kube-score/enable': 'container-ephemeral-storage-request-and-limit' };
    expect(RulePack.check(objects).findings.map((f) => f.ruleId)).toEqual(['container-ephemeral-storage']);
  });

  test('kube-score/optional, the name of older kube-score releases, enables nothing', () => {
    expect(seccomp({ 'kube-score/optional': 'container-seccomp-profile' })).toEqual({ checks: [['pss-restricted:Seccomp', 'polaris:linuxHardening']], exemptedBy: [] });
  });
});

describe('duplicate-object: the same object twice is an error in every profile', () => {
  test.each([
    ['the same ConfigMap twice', (o: Json[]) => o.push(JSON.parse(JSON.stringify(ofKind(o, 'ConfigMap')))), 1],
    ['three copies', (o: Json[]) => { const cm = ofKind(o, 'ConfigMap'); o.push({ ...cm }, { ...cm }); }, 2],
    ['the same name in another namespace', (o: Json[]) => o.push({ ...ofKind(o, 'ConfigMap'), metadata: { name: 'web-config', namespace: 'other' } }), 0],
    ['the same name as another kind', (o: Json[]) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-config', namespace: 'shop' } }), 0],
  ])('%s', (_name, change, count) => {
    const objects = web();
    change(objects);
    for (const profile of ['dev', 'staging', 'prod'] as const) {
      const found = RulePack.check(objects, { profile }).findings.filter((f) => f.ruleId === 'duplicate-object');
      expect(found.map((f) => f.severity)).toEqual(new Array(count).fill('error'));
    }
  });
});

describe('rule configuration (RulePack.applyConfig, shared by the four entry points)', () => {
  test('reports every problem at once, each naming the key, the value and the fix', () => {
    expect(() => RulePack.applyConfig(RulePack.DEFAULT_RULES, {
      severity: { 'host-port': { prod: 'error' }, 'cpu-limits': { prod: 'fatal' as never, qa: 'off' } as never },
      disabled: { 'priority-class': ' ' },
      customRules: ['./does-not-exist.js'],
      extra: 1,
    } as never)).toThrow(new RegExp([
      "unknown key 'extra'",
      "'customRules' entry './does-not-exist.js'",
      "'severity' names rule 'host-port', which does not exist. Did you mean 'host-ports'\\?",
      "'severity.cpu-limits.prod' is \"fatal\": use error, warning or off",
      "'severity.cpu-limits' names profile 'qa': use dev, staging or prod",
      "'disabled.priority-class' gives no reason",
    ].join('[\\s\\S]*')));
  });

  test('overrides only the profiles it names and drops the disabled rules', () => {
    const { rules, disabled } = RulePack.applyConfig(RulePack.DEFAULT_RULES, {
      severity: { 'recommended-labels': { prod: 'error' } }, disabled: { 'priority-class': 'no priority classes on this cluster' },
    });
    expect(rules.find((r) => r.id === 'recommended-labels')!.severity).toEqual({ dev: 'warning', staging: 'warning', prod: 'error' });
    expect(rules.map((r) => r.id)).not.toContain('priority-class');
    expect(disabled).toEqual([{ ruleId: 'priority-class', reason: 'no priority classes on this cluster' }]);
    expect(rules).toHaveLength(RulePack.DEFAULT_RULES.length - 1);
  });
});

describe('objects the pack cannot judge are findings of manifest-input, and the others are judged (API and matchers)', () => {
  test.each([
    ['a Deployment in v1', { apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } }, "Deployment is not served by apiVersion 'v1': use apps/v1"],
    ['an HPA in apps/v1', { apiVersion: 'apps/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' } }, "HorizontalPodAutoscaler is not served by apiVersion 'apps/v1': use autoscaling/v1"],
    ['an object without a name', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, 'ConfigMap has no metadata.name'],
    ['an object with an empty name', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '' } }, 'ConfigMap has no metadata.name'],
    ['an object without a kind', { apiVersion: 'v1', metadata: { name: 'web' } }, 'not a Kubernetes object (no kind)'],
  ])('%s', (_name, object, message) => {
    // GIVEN the hardened app and one object the pack cannot judge
    const objects = [...web(), object as KubeObject];
    // WHEN checked
    const report = RulePack.check(objects);
    // THEN that object is one manifest-input error, and nothing else is reported (the app was judged and is clean)
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}: ${f.message}`)).toEqual([`manifest-input error: ${message}`]);
    expect(report.objectCount).toBe(objects.length);
  });

  test('an object named only by generateName is judged', () => {
    const report = RulePack.check([...web(), { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'migrate-', namespace: 'shop' }, spec: {} } as KubeObject]);
    expect(report.findings.map((f) => f.ruleId)).not.toContain('manifest-input');
    expect(report.findings.map((f) => f.objectRef.name)).toContain('migrate-*');
  });
});

describe('PSS v1.28 container-only fields: set, unset, empty securityContext and null', () => {
  test.each([
    ['no-privilege-escalation', { allowPrivilegeEscalation: true }, 1],
    ['no-privilege-escalation', {}, 1],
    ['no-privilege-escalation', { allowPrivilegeEscalation: null }, 1],
    ['no-privileged', { privileged: true }, 1],
    ['no-privileged', {}, 0],
    ['no-privileged', { privileged: null }, 0],
    ['proc-mount', { procMount: 'Unmasked' }, 1],
    ['proc-mount', { procMount: 'Default' }, 0],
    ['proc-mount', {}, 0],
    ['drop-all-capabilities', { capabilities: {} }, 1],
    ['drop-all-capabilities', { capabilities: { drop: ['ALL'] } }, 0],
    ['no-added-capabilities', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }, 0],
    ['no-added-capabilities', { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }, 1],
    ['no-added-capabilities', { capabilities: { drop: ['ALL'], add: [] } }, 0],
    // Pod Security compares capability names as written
    ['drop-all-capabilities', { capabilities: { drop: ['all'] } }, 1],
    ['drop-all-capabilities', { capabilities: { drop: ['CAP_ALL'] } }, 1],
    ['no-added-capabilities', { capabilities: { drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] } }, 1],
  ])('%s with container securityContext %j: %d', (ruleId, securityContext, count) => {
    expect(after(ruleId, (o) => { app(o).securityContext = securityContext; })).toHaveLength(count);
  });

  test("a lower-case 'all' is named in the message, since it looks right and is not", () => {
    expect(after('drop-all-capabilities', (o) => { app(o).securityContext.capabilities.drop = ['all']; }))
      .toEqual(["container 'app' drops 'all', which Pod Security does not read as 'ALL'"]);
    expect(after('no-added-capabilities', (o) => { app(o).securityContext.capabilities.add = ['chown']; }))
      .toEqual(["container 'app' adds capabilities chown (chown break even the baseline policy)"]);
  });

  test('kube-score container-security-context-user-group-id reads a null container field as unset and falls back to the pod', () => {
    expect(after('high-user-group-id', (o) => { app(o).securityContext.runAsUser = null; app(o).securityContext.runAsGroup = null; })).toEqual([]);
    expect(after('high-user-group-id', (o) => { app(o).securityContext.runAsUser = 1000; })).toEqual(["container 'app' runAsUser is 1000; both must be above 10000"]);
  });
});

describe('robustness: any JSON in any field never aborts the run', () => {
  // Fields hold the wrong JSON type as often as the right one; the pack must judge or report, never throw.
  const anyJson = fc.jsonValue({ maxDepth: 3 });
  const kinds = ['Deployment', 'StatefulSet', 'CronJob', 'Job', 'Pod', 'Service', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget',
    'HorizontalPodAutoscaler', 'Role', 'ClusterRole', 'RoleBinding', 'ConfigMap', 'Secret', 'PersistentVolumeClaim'];
  const apiVersions: { [kind: string]: string } = {
    Deployment: 'apps/v1', StatefulSet: 'apps/v1', CronJob: 'batch/v1', Job: 'batch/v1', Ingress: 'networking.k8s.io/v1',
    NetworkPolicy: 'networking.k8s.io/v1', PodDisruptionBudget: 'policy/v1', HorizontalPodAutoscaler: 'autoscaling/v2',
    Role: 'rbac.authorization.k8s.io/v1', ClusterRole: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
  };
  const object = fc.record({
    kind: fc.constantFrom(...kinds),
    metadata: fc.oneof(fc.record({ name: fc.constantFrom('web', 'db'), namespace: fc.constantFrom('shop', undefined), labels: anyJson, annotations: anyJson }), anyJson),
    spec: fc.oneof(anyJson, fc.record({ selector: anyJson, template: fc.record({ metadata: anyJson, spec: anyJson }), ports: anyJson, rules: anyJson })),
    rules: anyJson, roleRef: anyJson, data: anyJson,
  }).map((o) => ({ apiVersion: apiVersions[o.kind] ?? 'v1', ...o }));

  test('checkManifests judges or reports every object, in every profile, without throwing', () => {
    fc.assert(fc.property(fc.array(object, { maxLength: 6 }), fc.constantFrom('dev', 'staging', 'prod'), (objects, profile) => {
      const report = RulePack.check(objects as KubeObject[], { profile: profile as 'dev' | 'staging' | 'prod' });
      expect(report.objectCount).toBe(objects.length);
    }), { seed: 10, numRuns: 300 });
  });
});
