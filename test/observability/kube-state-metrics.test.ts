import { Testing } from 'cdk8s';
import { KubeStateMetrics, KubernetesApiServer, ObservabilityStack, Profile, RulePack } from '../../lib';
import { errorOf } from '../helpers/errors';
import { chartFor } from '../helpers/manifests';
import { API_SERVER, named, stackProps } from '../helpers/observability';
import { expectValidManifests } from '../helpers/schema';

describe('KubeStateMetrics defaults (prod)', () => {
  // GIVEN a stack with kube-state-metrics
  const chart = chartFor(Profile.PROD);
  const stack = new ObservabilityStack(chart, 'Observability', stackProps(chart, { kubeStateMetrics: true }));
  const manifests = Testing.synth(chart);
  const deployment = named(manifests, 'Deployment', 'kube-state-metrics');
  const main = deployment.spec.template.spec.containers.find((c: any) => c.name === 'main');

  test('every object is valid against the 1.28 schema and the rule pack finds nothing in prod', () => {
    expectValidManifests(manifests);
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('one unsharded replica, recorded as an exemption with the reason', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(stack.kubeStateMetrics!.app.singleReplicaReason).toMatch(/not sharded/);
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas'])
      .toBe('kube-state-metrics is not sharded: a second replica would export every series twice');
  });

  test('the pinned image, its ports, probes and the resources it exports', () => {
    expect(main.image).toBe('registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0');
    expect(main.ports).toEqual([
      { containerPort: 8080, name: 'http-metrics', protocol: 'TCP' },
      { containerPort: 8081, name: 'telemetry', protocol: 'TCP' },
    ]);
    expect(main.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'telemetry', scheme: 'HTTP' });
    expect(main.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http-metrics', scheme: 'HTTP' });
    expect(main.args).toEqual(['--port=8080', '--telemetry-port=8081',
      '--resources=cronjobs,daemonsets,deployments,horizontalpodautoscalers,jobs,namespaces,nodes,persistentvolumeclaims,poddisruptionbudgets,pods,replicasets,statefulsets']);
    expect(main.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('the ClusterRole allows list and watch of exactly the exported resources, nothing else', () => {
    const role = named(manifests, 'ClusterRole', 'observability-kube-state-metrics');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods', 'persistentvolumeclaims', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['list', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['list', 'watch'] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list', 'watch'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list', 'watch'] },
    ]);
    const exported = role.rules.flatMap((r: any) => r.resources).sort().join(',');
    expect(main.args[2]).toBe(`--resources=${exported}`);
    const binding = named(manifests, 'ClusterRoleBinding', 'observability-kube-state-metrics');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-state-metrics', namespace: 'observability' }]);
    expect(binding.roleRef.name).toBe('observability-kube-state-metrics');
  });

  test('the stack\'s Prometheus scrapes it as job="kube-state-metrics", keeping its namespace and pod labels', () => {
    const monitor = named(manifests, 'ServiceMonitor', 'kube-state-metrics');
    expect(monitor.metadata.labels['observability.platform.example.com/stack']).toBe('main');
    expect(monitor.spec.jobLabel).toBe('app.kubernetes.io/name');
    expect(monitor.spec.endpoints).toEqual([{ port: 'http-metrics', interval: '30s', honorLabels: true }]);
    const service = named(manifests, 'Service', 'kube-state-metrics');
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) {
      expect(service.metadata.labels[k]).toBe(v);
    }
    expect(service.metadata.labels['app.kubernetes.io/name']).toBe('kube-state-metrics');
  });

  test('NetworkPolicy: only Prometheus reaches the metrics port; it reaches DNS and the API server', () => {
    const policy = named(manifests, 'NetworkPolicy', 'kube-state-metrics');
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'main' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(policy.spec.egress).toHaveLength(2);
  });
});

describe('KubeStateMetrics bad input', () => {
  test('throws without an API server', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { apiServer: undefined, kubeStateMetrics: true }))))
      .toMatch(/KubeStateMetrics 'test\/Observability\/KubeStateMetrics' has 1 invalid prop:\n.*'apiServer' \(not set\) is not known, but kube-state-metrics lists and watches/);
  });

  test('throws for a stack prop of the wrong type', () => {
    const chart = chartFor(Profile.PROD);
    expect(errorOf(() => new ObservabilityStack(chart, 'Observability', stackProps(chart, { kubeStateMetrics: 'yes' as unknown as boolean }))))
      .toMatch(/'kubeStateMetrics' \("yes"\) is a string, not true or false/);
  });

  test('standalone, the stack is required', () => {
    const chart = chartFor(Profile.PROD);
    KubernetesApiServer.use(chart, API_SERVER);
    expect(errorOf(() => new KubeStateMetrics(chart, 'Ksm', {} as any))).toMatch(/'stack'/);
  });
});
