import { Testing } from 'cdk8s';
import {
  LogsOptions, ObservabilityStack, ObservabilityStackProps, Profile,
} from '../../lib';
import { chartFor } from '../helpers/manifests';
import { named, stackProps } from '../helpers/observability';
import { expectValidManifests } from '../helpers/schema';

function synth(logs: LogsOptions = {}, profile: Profile = Profile.PROD, extra: Partial<ObservabilityStackProps> = {}): { stack: ObservabilityStack; manifests: any[] } {
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
