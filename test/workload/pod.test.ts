import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { AppProbe, AppSize, HardenedPodProps, Profile } from '../../lib';
import { PropErrors } from '../../lib/internal/errors';
import { ResolvedPod, renderProbes, resolveMounts, resolvePod } from '../../lib/workload/_resolve';
import { applyPod, createMounts, renderPodTemplate, workloadPodProps } from '../../lib/workload/_render';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const PORTS = [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }];

function resolve(scope: Construct, props: HardenedPodProps, profile = Profile.PROD): ResolvedPod {
  const errors = new PropErrors(scope, 'Test', profile);
  const pod = resolvePod(errors, scope, profile, props, { component: 'server', ports: PORTS });
  errors.throwIfAny();
  return pod;
}

/**
 * Renders the same props both ways: applied to a cdk8s-plus Deployment, and as a plain pod template in a v1
 * PodTemplate (an L1 object, so cdk8s sanitizes it the same way). Returns the two synthesized pod templates.
 */
function bothOutputs(pod0: HardenedPodProps): { applied: any; rendered: any } {
  const props = { name: 'web', ...pod0 };
  const chart = Testing.chart();
  Profile.use(chart, Profile.PROD);
  const viaKplus = new Construct(chart, 'ViaKplus');
  const pod = resolve(viaKplus, props);
  const sa = new kplus.ServiceAccount(viaKplus, 'ServiceAccount', { metadata: { name: 'web' } });
  const deployment = new kplus.Deployment(viaKplus, 'Deployment', { ...workloadPodProps(pod, sa), metadata: { name: 'web' } });
  const selector = { matchLabels: { ...deployment.matchLabels } };
  applyPod(deployment, pod, createMounts(viaKplus, pod), selector, '/spec/template/spec');

  const viaL1 = new Construct(chart, 'ViaL1');
  const podL1 = resolve(viaL1, props);
  new k8s.KubePodTemplate(viaL1, 'Template', {
    metadata: { name: 'web' },
    template: renderPodTemplate(podL1, createMounts(viaL1, podL1), selector, sa.name, 'Always'),
  });
  const manifests = Testing.synth(chart);
  return {
    applied: manifests.find((m) => m.kind === 'Deployment').spec.template,
    rendered: manifests.find((m) => m.kind === 'PodTemplate').template,
  };
}

describe('the hardened pod: two outputs of one resolved pod', () => {
  test('GIVEN the defaults WHEN applied to a Deployment and rendered as a pod template THEN the templates are identical', () => {
    const { applied, rendered } = bothOutputs({ image: IMAGE, healthPath: '/healthz' });
    expect(rendered).toEqual(applied);
    // The comparison is not vacuous: both carry the hardening.
    expect(rendered.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(rendered.spec.topologySpreadConstraints).toHaveLength(2);
    expect(rendered.spec.containers[0].readinessProbe.httpGet.path).toBe('/healthz');
  });

  test('GIVEN every pod option WHEN rendered both ways THEN the templates are identical', () => {
    const chart = Testing.chart();
    const configMap = new kplus.ConfigMap(chart, 'Config', { data: { 'app.yaml': 'a: 1' } });
    const secret = kplus.Secret.fromSecretName(chart, 'Secret', 'db');
    const { applied, rendered } = bothOutputs({
      image: IMAGE,
      healthPath: '/ready',
      liveness: AppProbe.httpGet('/live', { port: 'metrics' }),
      startup: AppProbe.exec(['cat', '/tmp/started']),
      command: ['/bin/web'],
      args: ['--port', '8080'],
      env: { LOG_LEVEL: kplus.EnvValue.fromValue('info'), DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
      envFrom: [kplus.Env.fromConfigMap(configMap)],
      configFiles: [{ configMap, mountPath: '/etc/web' }],
      writablePaths: ['/tmp', '/var/cache/web'],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/migrate:1.4.2', args: ['up'] }],
      sidecars: [{
        name: 'proxy', image: 'registry.example.com/proxy:2.0.1', ports: [{ name: 'proxy', port: 15000 }],
        readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket(),
      }],
      security: { addCapabilities: [kplus.Capability.NET_BIND_SERVICE], user: 20000, group: 20000, fsGroup: 20000 },
      serviceAccountToken: true,
      priorityClassName: 'platform-default',
      size: AppSize.LARGE,
      resources: { memory: { request: Size.mebibytes(300), limit: Size.mebibytes(600) } },
      cpuLimitExemption: 'latency-critical',
      preStopDelay: Duration.seconds(0),
      terminationGracePeriod: Duration.seconds(45),
      imagePullSecrets: [kplus.Secret.fromSecretName(chart, 'Pull', 'registry-credentials')],
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      tolerations: [kplus.NodeTaintQuery.is('dedicated', 'web', { effect: kplus.TaintEffect.NO_SCHEDULE })],
      nodeAffinity: [
        { node: kplus.Node.labeled(kplus.NodeLabelQuery.is('pool', 'web')) },
        { node: kplus.Node.labeled(kplus.NodeLabelQuery.in('tier', ['fast'])), weight: 50 },
      ],
      podLabels: { team: 'shop' },
      podAnnotations: { 'prometheus.io/scrape': 'true' },
    });
    expect(rendered).toEqual(applied);
    expect(rendered.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(rendered.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toHaveLength(1);
    expect(rendered.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    expect(rendered.spec.initContainers.map((c: any) => c.name)).toEqual(['migrate']);
    expect(rendered.spec.containers.map((c: any) => c.name)).toEqual(['main', 'proxy']);
    expect(rendered.spec.volumes.map((v: any) => v.name)).toEqual(['writable-0', 'writable-1', 'config-0']);
  });

  test('GIVEN generated pod props WHEN rendered both ways THEN the templates are always identical', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    const props = fc.record({
      healthPath: fc.constantFrom('/healthz', '/ready'),
      writablePaths: fc.uniqueArray(name.map((n) => `/${n}`), { maxLength: 3 }),
      env: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z_]{0,8}$/).filter((n) => !/PASS|SECRET|TOKEN|KEY|CRED|BEARER/.test(n)),
        fc.string({ maxLength: 10 }), { maxKeys: 3 }),
      sidecars: fc.uniqueArray(name, { maxLength: 2 }).map((names) => names.filter((n) => n !== 'main').map((n, i) => ({
        name: `s-${n}`, image: 'registry.example.com/sidecar:1.0.0', ports: [{ name: `p${i}`, port: 20000 + i }],
        readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket(),
      }))),
      shareVolume: fc.boolean(),
      nodeSelector: fc.dictionary(name, name, { maxKeys: 2 }),
      tolerate: fc.boolean(),
      weight: fc.option(fc.integer({ min: 1, max: 100 })),
      preStop: fc.integer({ min: 0, max: 30 }),
      user: fc.integer({ min: 10001, max: 65535 }),
    });
    fc.assert(fc.property(props, (p) => {
      const chart = Testing.chart();
      const shared = kplus.Volume.fromEmptyDir(chart, 'Shared', 'shared');
      const sharedMount = { volume: shared, path: '/var/shared', readOnly: false };
      const { applied, rendered } = bothOutputs({
        image: IMAGE,
        healthPath: p.healthPath,
        writablePaths: p.writablePaths,
        env: Object.fromEntries(Object.entries(p.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
        sidecars: p.sidecars.map((c) => ({ ...c, volumeMounts: p.shareVolume ? [sharedMount] : undefined })),
        volumeMounts: p.shareVolume ? [sharedMount] : undefined,
        nodeSelector: Object.keys(p.nodeSelector).length > 0 ? p.nodeSelector : undefined,
        tolerations: p.tolerate ? [kplus.NodeTaintQuery.exists('spot')] : undefined,
        nodeAffinity: [{ node: kplus.Node.labeled(kplus.NodeLabelQuery.exists('pool')), weight: p.weight ?? undefined }],
        preStopDelay: Duration.seconds(p.preStop),
        terminationGracePeriod: Duration.seconds(p.preStop + 20),
        security: { user: p.user },
      });
      expect(rendered).toEqual(applied);
    }), { numRuns: 40 });
  });
});

describe('the hardened pod: resolution', () => {
  test('GIVEN only an image THEN every default is resolved', () => {
    const chart = Testing.chart();
    const pod = resolve(new Construct(chart, 'Web'), { image: IMAGE, healthPath: '/healthz' });
    expect(pod.identity).toEqual({ name: 'test-web-c8b65d84', namespace: undefined, enclosingNamespace: undefined });
    expect(pod.labels).toEqual({
      'app.kubernetes.io/name': 'test-web-c8b65d84',
      'app.kubernetes.io/instance': 'test-web-c8b65d84',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/component': 'server',
      'app.kubernetes.io/part-of': 'test-web-c8b65d84',
      'app.kubernetes.io/managed-by': 'cdk8s-production',
    });
    expect(pod.security).toEqual({
      user: 10001, group: 10001, fsGroup: 10001, privileged: false, allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true, addCapabilities: [],
    });
    expect(pod.access).toEqual({ serviceAccountToken: false, apiGrants: [], apiServer: undefined, priorityClassName: 'platform-high' });
    expect(pod.shutdown.preStopDelay.toSeconds()).toBe(10);
    expect(pod.shutdown.terminationGracePeriod.toSeconds()).toBe(30);
    expect(pod.mounts).toEqual([{ emptyDir: { id: 'Writable0', name: 'writable-0' }, path: '/tmp', readOnly: false }]);
    expect(pod.main.ports).toEqual(PORTS);
    expect(pod.main.probes.readiness?.httpGet?.path).toBe('/healthz');
    expect(pod.main.probes.liveness?.tcpSocket).toBeDefined();
    expect(pod.main.probes.startup?.failureThreshold).toBe(24);
    expect(pod.helpers).toEqual([]);
    expect(pod.exemptions).toEqual([]);
  });

  test('GIVEN the profile THEN it picks the priority class and size', () => {
    const chart = Testing.chart();
    const pod = resolve(new Construct(chart, 'Web'), { image: IMAGE, healthPath: '/healthz' }, Profile.DEV);
    expect(pod.access.priorityClassName).toBe('platform-low');
    expect(pod.main.resources.memory?.limit?.toMebibytes()).toBe(256);
  });

  test('GIVEN exemptions THEN they are resolved in annotation order with their reasons', () => {
    const chart = Testing.chart();
    const pod = resolve(new Construct(chart, 'Web'), { image: IMAGE, healthPath: '/healthz', cpuLimitExemption: 'bursty', serviceAccountToken: true });
    expect(pod.exemptions.map((e) => e.ruleId)).toEqual(['cpu-limits', 'service-account-token']);
    expect(pod.exemptions[0].reason).toBe('bursty');
    expect(pod.main.resources.cpu?.limit).toBeUndefined();
  });

  test('the one probe renderer gives each kind its own timings', () => {
    const chart = Testing.chart();
    const errors = new PropErrors(chart, 'Test');
    const probe = AppProbe.tcpSocket();
    const out = renderProbes(errors, '', { readiness: probe, liveness: probe, startup: probe }, PORTS, 'the app');
    expect([out.readiness?.periodSeconds, out.liveness?.periodSeconds, out.startup?.failureThreshold]).toEqual([5, 10, 24]);
    expect(out.readiness?.tcpSocket?.port.value).toBe('http');
    expect(errors.isEmpty).toBe(true);
  });

  test('the probe checks name the container and the prop', () => {
    const chart = Testing.chart();
    const errors = new PropErrors(chart, 'Test');
    renderProbes(errors, '', { readiness: AppProbe.httpGet('healthz', { port: 'admin' }) }, PORTS, 'the app');
    expect(() => errors.throwIfAny()).toThrow(/'readiness.port' \("admin"\) is not a port of the app[\s\S]*'readiness' \("healthz"\) has an HTTP path that is not absolute/);
  });

  test('mounts: relative and repeated paths are errors', () => {
    const chart = Testing.chart();
    const errors = new PropErrors(chart, 'Test');
    resolveMounts(errors, { writablePaths: ['tmp', '/cache', '/cache'] });
    expect(() => errors.throwIfAny()).toThrow(/'writablePaths\[0\]' \("tmp"\) is not an absolute path[\s\S]*'writablePaths\[2\]' \("\/cache"\) is mounted twice/);
  });
});

// A chart type check: the layer never needs a ProductionApp.
test('the layer renders a pod inside any construct', () => {
  const chart: Chart = Testing.chart();
  const scope = new Construct(chart, 'Anything');
  const pod = resolve(scope, { image: IMAGE, healthPath: '/healthz' });
  const template = renderPodTemplate(pod, createMounts(scope, pod), { matchLabels: { app: 'x' } }, 'sa', 'Always');
  expect(template.metadata?.labels?.app).toBe('x');
  expect(template.spec?.serviceAccountName).toBe('sa');
});

describe('the hardened pod: one probe mistake, one message', () => {
  function probeErrors(props: HardenedPodProps, ports = PORTS, probes: 'served' | 'portless' = 'served'): string {
    const chart = Testing.chart();
    const errors = new PropErrors(chart, 'Test', Profile.PROD);
    resolvePod(errors, chart, Profile.PROD, props, { component: 'x', ports, probes });
    try {
      errors.throwIfAny();
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  }

  test('GIVEN a readiness probe on an unknown port THEN the startup probe derived from it is not reported again', () => {
    const message = probeErrors({ image: IMAGE, readiness: AppProbe.httpGet('/ready', { port: 'admin' }) });
    expect(message).toMatch(/'readiness\.port' \("admin"\) is not a port of the app/);
    expect(message).not.toMatch(/'startup/);
    expect(message).toMatch(/has 1 invalid prop:/);
  });

  test('GIVEN a probe with an explicit port on a pod without ports THEN it says the pod has no port, not an empty list', () => {
    const message = probeErrors({ image: IMAGE, readiness: AppProbe.tcpSocket({ port: '8080' }), liveness: AppProbe.exec(['true']) }, [], 'portless');
    expect(message).toMatch(/'readiness' \("tcpSocket"\) needs a port, and the app has none\. Fix: use AppProbe\.exec/);
    expect(message).not.toMatch(/use one of/);
  });

  test('GIVEN identical exec probes on a pod without ports THEN the fix suggests an exec check, not a TCP one', () => {
    const probe = AppProbe.exec(['cat', '/tmp/heartbeat']);
    const message = probeErrors({ image: IMAGE, readiness: probe, liveness: probe }, [], 'portless');
    expect(message).toMatch(/'liveness' .* runs the same check as the readiness probe.*AppProbe\.exec/);
    expect(message).not.toMatch(/tcpSocket/);
  });
});
