import { Testing } from 'cdk8s';
import { ObservabilityLogsOptions, ObservabilityStack, ObservabilityStackProps, Profile, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor, ofKind } from '../helpers/manifests';
import { named, stackProps } from '../helpers/observability';
import { expectValidManifests } from '../helpers/schema';

function synth(logs: ObservabilityLogsOptions = {}, profile: Profile = Profile.PROD, extra: Partial<ObservabilityStackProps> = {}): { stack: ObservabilityStack; manifests: any[] } {
  const chart = chartFor(profile);
  const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, { logs, ...extra }));
  return { stack, manifests: Testing.synth(chart) };
}

describe('Logs defaults (prod): Alloy', () => {
  const { manifests } = synth();
  const deployment = named(manifests, 'Deployment', 'alloy');
  const pod = deployment.spec.template.spec;
  const main = pod.containers.find((c: any) => c.name === 'main');
  const river: string = named(manifests, 'ConfigMap', 'alloy-config').data['config.alloy'];

  test('every object is valid against the 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('two replicas, the pinned image, args with clustering, probes, writable storage', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBeUndefined();
    expect(main.image).toBe('docker.io/grafana/alloy:v1.19.1');
    expect(main.args).toEqual(['run', '/etc/alloy/config.alloy', '--server.http.listen-addr=0.0.0.0:12345', '--storage.path=/var/lib/alloy',
      '--cluster.enabled=true', '--cluster.join-addresses=alloy-cluster.observability.svc:12345', '--disable-reporting']);
    expect(main.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http', scheme: 'HTTP' });
    const mounts = main.volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/tmp', '/var/lib/alloy', '/etc/alloy']));
  });

  test('runs at Pod Security restricted: no host path, non-root, read-only root, no privilege escalation, seccomp', () => {
    expect(JSON.stringify(pod.volumes)).not.toContain('hostPath');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(main.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(named(manifests, 'Namespace', 'observability').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('the pipeline tails pods through the API with clustering, labels namespace and app, pushes to Loki', () => {
    expect(river).toContain('discovery.kubernetes "pods" {\n  role = "pod"\n}');
    expect(river).toContain('loki.source.kubernetes "pods" {');
    expect(river).toContain('  clustering {\n    enabled = true\n  }');
    expect(river).toContain('    source_labels = ["__meta_kubernetes_namespace"]\n    target_label  = "namespace"');
    expect(river).toContain('    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]\n    target_label  = "app"');
    expect(river).toContain('regex         = "Pending|Succeeded|Failed|Unknown"\n    action        = "drop"');
    expect(river).toContain('url = "http://loki.observability.svc:3100/loki/api/v1/push"');
    expect(river).not.toContain('loki.source.file');
  });

  test('the ClusterRole allows get, list and watch of pods and pods/log only', () => {
    expect(named(manifests, 'ClusterRole', 'observability-alloy').rules).toEqual([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]);
    expect(named(manifests, 'ClusterRoleBinding', 'observability-alloy').subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'observability' }]);
  });

  test('the headless cluster Service selects the Alloy pods and publishes them before they are ready', () => {
    const service = named(manifests, 'Service', 'alloy-cluster');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.publishNotReadyAddresses).toBe(true);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('NetworkPolicy: Alloy reaches Loki, the API server and DNS; only its peers reach it', () => {
    const policy = named(manifests, 'NetworkPolicy', 'alloy');
    const own = deployment.spec.selector.matchLabels;
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: own } }], ports: [{ port: 12345, protocol: 'TCP' }] }]);
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(policy.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: named(manifests, 'StatefulSet', 'loki').spec.selector.matchLabels } }], ports: [{ port: 3100, protocol: 'TCP' }] });
    expect(policy.spec.egress.filter((r: any) => r.ports.some((p: any) => p.port === 12345))).toHaveLength(1);
  });
});

const REASON = 'the API server cannot carry the log volume of the cluster';

describe('Logs with host-path tailing (prod): Alloy as a DaemonSet in its own namespace', () => {
  const { stack, manifests } = synth({ hostPathTailing: { reason: REASON } });
  const daemonSet = named(manifests, 'DaemonSet', 'alloy');
  const pod = daemonSet.spec.template.spec;
  const main = pod.containers.find((c: any) => c.name === 'main');
  const river: string = named(manifests, 'ConfigMap', 'alloy-config').data['config.alloy'];
  const namespace = named(manifests, 'Namespace', 'observability-logs');

  test('every object is valid against the 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('a DaemonSet replaces the Deployment and its cluster Service, in the namespace observability-logs', () => {
    expect(ofKind(manifests, 'Deployment').filter((d) => d.metadata.name === 'alloy')).toEqual([]);
    expect(ofKind(manifests, 'Service').filter((d) => d.metadata.name.startsWith('alloy'))).toEqual([]);
    expect(daemonSet.metadata.namespace).toBe('observability-logs');
    expect(named(manifests, 'ConfigMap', 'alloy-config').metadata.namespace).toBe('observability-logs');
    expect(daemonSet.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'alloy', 'app.kubernetes.io/instance': 'alloy' } });
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.priorityClassName).toBe('platform-high');
    expect(stack.alloy?.app).toBeUndefined();
    expect(stack.alloy?.daemonSet).toBeDefined();
    expect(stack.alloy?.collectorNamespace?.name).toBe('observability-logs');
  });

  test('the namespace enforces exactly privileged (hostPath is forbidden from baseline up) and records the reason', () => {
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/audit': 'privileged',
      'pod-security.kubernetes.io/warn': 'privileged',
    });
    expect(namespace.metadata.annotations['production.platform.io/pod-security-reason']).toBe(REASON);
    expect(named(manifests, 'Namespace', 'observability').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('/var/log/pods is mounted read-only from the host; the container is hardened as far as reading root-owned files allows', () => {
    expect(pod.volumes).toContainEqual({ name: 'pod-logs', hostPath: { path: '/var/log/pods', type: 'Directory' } });
    expect(pod.volumes.filter((v: any) => v.hostPath !== undefined)).toHaveLength(1);
    expect(main.volumeMounts).toContainEqual({ name: 'pod-logs', mountPath: '/var/log/pods', readOnly: true });
    expect(main.securityContext).toMatchObject({
      readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, runAsUser: 0,
    });
    expect(main.securityContext.capabilities.add).toBeUndefined();
    expect(pod.securityContext).toMatchObject({ runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.hostNetwork).toBe(false);
    expect(main.image).toBe('docker.io/grafana/alloy:v1.19.1');
    expect(main.args).toEqual(['run', '/etc/alloy/config.alloy', '--server.http.listen-addr=0.0.0.0:12345', '--storage.path=/var/lib/alloy',
      '--disable-reporting']);
    expect(main.env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });

  test('the exemptions are recorded on the DaemonSet with the reason, for the rule pack and the three scanners', () => {
    const ann = daemonSet.metadata.annotations;
    expect(ann['production.platform.io/exempt-host-path-volumes']).toBe(REASON);
    expect(ann['production.platform.io/exempt-run-as-non-root']).toBe(REASON);
    expect(ann['production.platform.io/exempt-high-user-group-id']).toBe(REASON);
    expect(ann['production.platform.io/exempt-service-account-token']).toBe('the app calls the Kubernetes API with its own ServiceAccount');
    expect(ann['polaris.fairwinds.com/hostPathSet-exempt']).toBe('true');
    expect(ann['polaris.fairwinds.com/runAsRootAllowed-exempt']).toBe('true');
    expect(ann['kube-score/ignore']).toBe('container-security-context-user-group-id');
    expect(ann['ignore-check.kube-linter.io/run-as-non-root']).toBe(REASON);
    expect(ann['ignore-check.kube-linter.io/sensitive-host-mounts']).toBe(REASON);
    expect(ann['production.platform.io/exemption-reason'].split('; ')).toContain(REASON);
  });

  test('no rule-pack findings in prod; the report lists exactly the recorded exemptions of the DaemonSet', () => {
    const report = RulePack.check(manifests, { profile: 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    const own = report.exemptions.filter((e) => e.objectRef.kind === 'DaemonSet');
    expect(own.map((e) => [e.ruleId, e.reason]).sort()).toEqual([
      ['high-user-group-id', REASON],
      ['host-path-volumes', REASON],
      ['run-as-non-root', REASON],
      ['service-account-token', 'the app calls the Kubernetes API with its own ServiceAccount'],
    ]);
  });

  test('the pipeline discovers the pods of its node and tails their files under /var/log/pods (CRI) to Loki', () => {
    expect(river).toContain('  selectors {\n    role  = "pod"\n    field = "spec.nodeName=" + sys.env("NODE_NAME")\n  }');
    expect(river).toContain('    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]\n    separator     = "/"\n'
      + '    target_label  = "__path__"\n    replacement   = "/var/log/pods/*$1/*.log"');
    expect(river).toContain('local.file_match "pods" {\n  path_targets = discovery.relabel.pods.output\n}');
    expect(river).toContain('loki.source.file "pods" {\n  targets    = local.file_match.pods.targets\n  forward_to = [loki.process.pods.receiver]\n}');
    expect(river).toContain('loki.process "pods" {\n  stage.cri {}\n  forward_to = [loki.write.default.receiver]\n}');
    expect(river).toContain('    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]\n    target_label  = "app"');
    expect(river).toContain('url = "http://loki.observability.svc:3100/loki/api/v1/push"');
    expect(river).not.toContain('loki.source.kubernetes');
    expect(river).not.toContain('clustering');
  });

  test('the ClusterRole allows get, list and watch of pods only (no pods/log), bound to the collector namespace', () => {
    expect(named(manifests, 'ClusterRole', 'observability-logs-alloy').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(named(manifests, 'ClusterRoleBinding', 'observability-logs-alloy').subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'observability-logs' }]);
    expect(named(manifests, 'ServiceAccount', 'alloy').metadata.namespace).toBe('observability-logs');
  });

  test('NetworkPolicy: no ingress; egress to Loki, the API server and DNS only; Loki admits the collector namespace', () => {
    const policy = ofKind(manifests, 'NetworkPolicy').find((p) => p.metadata.namespace === 'observability-logs' && p.metadata.name === 'alloy');
    const loki = named(manifests, 'StatefulSet', 'loki').spec.selector.matchLabels;
    const own = daemonSet.spec.selector.matchLabels;
    expect(policy.spec.podSelector).toEqual({ matchLabels: own });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: loki } }], ports: [{ port: 3100, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
    ]);
    const lokiPolicy = ofKind(manifests, 'NetworkPolicy').find((p) => p.metadata.namespace === 'observability' && p.metadata.name === 'loki');
    expect(lokiPolicy.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability-logs' } }, podSelector: { matchLabels: own } }],
      ports: [{ port: 3100, protocol: 'TCP' }],
    });
  });
});

describe('Logs with host-path tailing: bad input', () => {
  test.each([[''], ['   ']])('an empty reason (%j) is an error with the construct path, the prop, the value and the fix', (reason) => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { logs: { hostPathTailing: { reason } } })));
    expect(message).toContain('Observability/Alloy');
    expect(message).toContain(`'hostPathTailing.reason' (${JSON.stringify(reason)}) is empty`);
    expect(message).toMatch(/Fix: say why the logs cannot be read through the Kubernetes API/);
  });

  test('a missing reason is a type error at run time', () => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { logs: { hostPathTailing: {} as { reason: string } } })));
    expect(message).toMatch(/hostPathTailing\.reason/);
  });
});
