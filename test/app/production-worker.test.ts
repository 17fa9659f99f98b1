import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe, NetworkPeer, ProductionApp, IngressController, ProductionIngress, Profile, TlsCertificate, CertManagerIssuer, RulePack, Warnings } from '../../lib';
import { ProductionWorker, ProductionWorkerProps } from '../../lib/app/production-worker';
import { errorOf } from '../helpers/errors';
import { expectValidManifests } from '../helpers/schema';
import { chartFor } from '../helpers/manifests';

const IMAGE = 'registry.example.com/shop/billing-worker:2.0.1';
const READY = AppProbe.exec(['test', '-f', '/tmp/ready']);
const ALIVE = AppProbe.exec(['/bin/healthcheck', '--max-age=60s']);
const LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/component',
  'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];

/** A worker with the two probes it must have, and `props` on top. */
function newWorker(chart: Chart, props: Partial<ProductionWorkerProps> = {}, id = 'Worker'): ProductionWorker {
  return new ProductionWorker(chart, id, { image: IMAGE, readiness: READY, liveness: ALIVE, ...props });
}

function synthWorker(props: Partial<ProductionWorkerProps> = {}, profile: Profile = Profile.PROD): { worker: ProductionWorker; manifests: any[] } {
  const chart = chartFor(profile);
  const worker = newWorker(chart, props);
  return { worker, manifests: Testing.synth(chart) };
}

function one(manifests: any[], kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

function mainContainer(manifests: any[]): any {
  return one(manifests, 'Deployment').spec.template.spec.containers.find((c: any) => c.name === 'main');
}

function policyOf(workload: { networkPolicy: any }): any {
  return ApiObject.of(workload.networkPolicy).toJson().spec;
}

/** The error a worker with `props` throws; the props are cast, since a plain-JavaScript user is not stopped by types. */
function workerError(props: Record<string, unknown>, profile: Profile = Profile.PROD): string {
  const chart = chartFor(profile);
  return errorOf(() => new ProductionWorker(chart, 'Worker', { image: IMAGE, readiness: READY, liveness: ALIVE, ...props } as ProductionWorkerProps));
}

describe('ProductionWorker defaults (prod)', () => {
  // GIVEN only an image and the two exec probes, in prod
  const { worker, manifests } = synthWorker();

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('emits exactly ServiceAccount, Deployment, PodDisruptionBudget and NetworkPolicy, and no Service', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount']);
    expect(worker.service).toBeUndefined();
    expect(worker.autoscaler).toBeUndefined();
  });

  test('every object is valid against the Kubernetes 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('every object carries the labels with component "worker" and the profile stamp', () => {
    for (const m of manifests) {
      expect(m.metadata.labels).toEqual({
        'app.kubernetes.io/name': worker.name,
        'app.kubernetes.io/instance': m.metadata.name,
        'app.kubernetes.io/version': '2.0.1',
        'app.kubernetes.io/component': 'worker',
        'app.kubernetes.io/part-of': worker.name,
        'app.kubernetes.io/managed-by': 'cdk8s-production',
      });
      expect(m.metadata.annotations).toEqual({ 'production.platform.io/profile': 'prod' });
    }
    expect(Object.keys(worker.labels).sort()).toEqual([...LABELS].sort());
    expect(one(manifests, 'Deployment').spec.template.metadata.labels).toMatchObject(worker.labels);
  });

  test('exposes every object and resolved value', () => {
    expect(worker.profile).toBe(Profile.PROD);
    expect(worker.name).toMatch(/^test-worker-[0-9a-f]{8}$/);
    expect(worker.namespaceName).toBeUndefined();
    expect(worker.ports).toEqual([]);
    expect(worker.replicas).toBe(3);
    expect(worker.minReplicas).toBe(3);
    expect(worker.image).toBe(IMAGE);
    expect(worker.serviceAccountToken).toBe(false);
    expect(worker.priorityClassName).toBe('platform-high');
    expect(worker.deployment).toBeInstanceOf(kplus.Deployment);
    expect(worker.container!.name).toBe('main');
    expect(worker.serviceAccount).toBeInstanceOf(kplus.ServiceAccount);
    expect(worker.podSelector).toEqual(one(manifests, 'Deployment').spec.selector.matchLabels);
    expect(worker.peerDescription).toBe('ProductionWorker test/Worker');
  });

  test('runs 3 replicas with a zero-downtime rolling update', () => {
    const spec = one(manifests, 'Deployment').spec;
    expect(spec.replicas).toBe(3);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.revisionHistoryLimit).toBe(5);
  });

  test('has exec probes only: readiness, a different liveness, and startup on the readiness check', () => {
    const c = mainContainer(manifests);
    expect(c.readinessProbe).toEqual({
      exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1,
    });
    expect(c.livenessProbe).toEqual({
      exec: { command: ['/bin/healthcheck', '--max-age=60s'] }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1,
    });
    expect(c.startupProbe).toEqual({
      exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24, successThreshold: 1,
    });
  });

  test('the container has no port', () => {
    expect(mainContainer(manifests).ports).toBeUndefined();
  });

  test('the pod is the hardened pod: restricted security, no token, priority, spread and graceful shutdown', () => {
    const spec = one(manifests, 'Deployment').spec.template.spec;
    const selector = { matchLabels: worker.podSelector };
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(one(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe(one(manifests, 'ServiceAccount').metadata.name);
    expect(spec.priorityClassName).toBe('platform-high');
    expect(spec.securityContext).toEqual({
      fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', runAsGroup: 10001, runAsNonRoot: true, runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(mainContainer(manifests).securityContext).toMatchObject({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(spec.topologySpreadConstraints.every((t: any) => t.whenUnsatisfiable === 'ScheduleAnyway')).toBe(true);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
    ]);
    expect(mainContainer(manifests).lifecycle.preStop.exec.command).toEqual(['sleep', '10']);
    expect(spec.terminationGracePeriodSeconds).toBe(30);
  });

  test('the PodDisruptionBudget allows one pod down and always evicts unhealthy pods', () => {
    expect(one(manifests, 'PodDisruptionBudget').spec).toEqual({
      selector: { matchLabels: worker.podSelector }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('the NetworkPolicy allows DNS out and lets nothing in', () => {
    const spec = one(manifests, 'NetworkPolicy').spec;
    expect(spec.podSelector).toEqual({ matchLabels: worker.podSelector });
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    // The only ingress rule names the worker's own replicas, which listen on no port: no other pod is admitted.
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: worker.podSelector } }] }]);
  });
});

describe('ProductionWorker passes the production-readiness rule pack', () => {
  test.each(Profile.all())('a default worker has zero findings in %s', (profile) => {
    // GIVEN
    const chart = chartFor(profile);
    // WHEN
    newWorker(chart);
    // THEN
    const report = RulePack.check(Testing.synth(chart), { profile: profile.name as 'dev' | 'staging' | 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('a worker with every option, connected to an app, has zero findings in prod and records its exemptions', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const api = new ProductionApp(chart, 'Api', { image: IMAGE, port: 9000, healthPath: '/healthz' });
    // WHEN
    const worker = newWorker(chart, {
      autoscaling: { maxReplicas: 20 }, cpuLimitExemption: 'bursty batch parsing', serviceAccountToken: true,
      sidecars: [{ name: 'shipper', image: 'registry.example.com/shipper:1.2.0', readiness: AppProbe.exec(['/ready']), liveness: AppProbe.exec(['/alive']) }],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1.0.0' }],
    });
    worker.connectsTo(api);
    // THEN
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    const report = RulePack.check(manifests, { profile: 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    // The exemptions that suppressed a finding; the autoscaled replica count is recorded for the scanners but
    // breaks none of our rules, since our rule reads the HorizontalPodAutoscaler.
    expect(report.exemptions.map((e) => e.ruleId).sort()).toEqual(['cpu-limits', 'service-account-token']);
    expect(Object.keys(manifests.find((m: any) => m.kind === 'Deployment' && m.metadata.name === worker.name).metadata.annotations).filter((k) => k.startsWith('production.platform.io/exempt-')).sort()).toEqual([
      'production.platform.io/exempt-cpu-limits', 'production.platform.io/exempt-deployment-replicas', 'production.platform.io/exempt-service-account-token',
    ]);
  });

  test('the rule pack does see a weakened worker (the checks above can fail)', () => {
    // GIVEN a worker without probes, which dev only warns about
    const chart = chartFor(Profile.DEV);
    new ProductionWorker(chart, 'Worker', { image: IMAGE });
    // WHEN judged as prod
    const report = RulePack.check(Testing.synth(chart), { profile: 'prod' });
    // THEN
    expect(report.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['readiness-probe', 'liveness-probe']));
  });
});

describe('ProductionWorker options', () => {
  test('autoscaling emits an autoscaling/v2 HPA, drops static replicas and records the exemption', () => {
    // GIVEN / WHEN
    const { worker, manifests } = synthWorker({ autoscaling: { minReplicas: 2, maxReplicas: 30, memoryUtilizationPercent: 75 } });
    // THEN
    expect(one(manifests, 'HorizontalPodAutoscaler')).toMatchObject({
      apiVersion: 'autoscaling/v2',
      metadata: { name: worker.name, labels: worker.labels, annotations: { 'production.platform.io/profile': 'prod' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: worker.deployment!.name },
        minReplicas: 2,
        maxReplicas: 30,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
        ],
      },
    });
    const deployment = one(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toMatch(/HorizontalPodAutoscaler/);
    expect(deployment.metadata.annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
    expect(worker.replicas).toBeUndefined();
    expect(worker.minReplicas).toBe(2);
    expect(worker.autoscaler).toBeDefined();
    expectValidManifests(manifests);
  });

  test('the dev profile runs a single, small replica with a low priority, and records the single replica as an exemption', () => {
    // GIVEN / WHEN
    const { worker, manifests } = synthWorker({}, Profile.DEV);
    // THEN
    const deployment = one(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.metadata.annotations).toEqual({
      'production.platform.io/profile': 'dev',
      'production.platform.io/exempt-deployment-replicas': 'the dev profile runs fewer than 2 replicas on purpose (Profile.DEV)',
      'polaris.fairwinds.com/deploymentMissingReplicas-exempt': 'true',
      'production.platform.io/exemption-reason': 'the dev profile runs fewer than 2 replicas on purpose (Profile.DEV)',
    });
    expect(worker.replicas).toBe(1);
    expect(mainContainer(manifests).resources.requests).toEqual({ 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '1Gi' });
    expect(worker.priorityClassName).toBe('platform-low');
    for (const m of manifests) {
      expect(m.metadata.annotations['production.platform.io/profile']).toBe('dev');
    }
  });

  test('an autoscaler minimum of 1 in dev is recorded on the HorizontalPodAutoscaler as an exemption', () => {
    // GIVEN / WHEN
    const { manifests } = synthWorker({ autoscaling: { minReplicas: 1 } }, Profile.DEV);
    // THEN
    const hpa = one(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.metadata.annotations['production.platform.io/exempt-hpa-replicas']).toMatch(/dev profile/);
    expect(hpa.metadata.annotations['polaris.fairwinds.com/hpaMinAvailability-exempt']).toBe('true');
    expect(one(manifests, 'Deployment').metadata.annotations['production.platform.io/exempt-deployment-replicas']).toMatch(/HorizontalPodAutoscaler/);
  });

  test('the chart-values props of the pod reach the worker\'s objects', () => {
    // GIVEN / WHEN
    const { manifests } = synthWorker({
      nodeSelector: { 'example.com/pool': 'batch' }, podLabels: { 'example.com/team': 'billing' },
      podAnnotations: { 'example.com/scrape': 'false' },
      serviceAccountLabels: { 'example.com/team': 'billing' }, serviceAccountAnnotations: { 'example.com/role': 'billing-worker' },
    });
    // THEN
    const template = one(manifests, 'Deployment').spec.template;
    expect(template.spec.nodeSelector).toEqual({ 'example.com/pool': 'batch' });
    expect(template.metadata.labels['example.com/team']).toBe('billing');
    expect(template.metadata.annotations).toEqual({ 'example.com/scrape': 'false' });
    const sa = one(manifests, 'ServiceAccount').metadata;
    expect(sa.labels['example.com/team']).toBe('billing');
    expect(sa.labels['app.kubernetes.io/component']).toBe('worker');
    expect(sa.annotations).toEqual({ 'example.com/role': 'billing-worker', 'production.platform.io/profile': 'prod' });
    expectValidManifests(manifests);
  });

  test('rollout, disruption budget, component, explicit startup probe and exemptions are taken from the props', () => {
    // GIVEN / WHEN
    const { manifests } = synthWorker({
      replicas: 4, maxSurge: 2, minReady: Duration.seconds(30), progressDeadline: Duration.minutes(20), revisionHistoryLimit: 2,
      disruptionBudget: { minAvailable: 2 }, component: 'consumer', startup: AppProbe.exec(['/bin/started']),
      cpuLimitExemption: 'bursty batch parsing',
    });
    // THEN
    const deployment = one(manifests, 'Deployment');
    expect(deployment.spec).toMatchObject({
      replicas: 4, minReadySeconds: 30, progressDeadlineSeconds: 1200, revisionHistoryLimit: 2,
      strategy: { rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } },
    });
    expect(one(manifests, 'PodDisruptionBudget').spec.minAvailable).toBe(2);
    expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBeUndefined();
    expect(deployment.metadata.labels['app.kubernetes.io/component']).toBe('consumer');
    expect(mainContainer(manifests).startupProbe.exec.command).toEqual(['/bin/started']);
    expect(mainContainer(manifests).resources.limits.cpu).toBeUndefined();
    expect(deployment.metadata.annotations['production.platform.io/exempt-cpu-limits']).toBe('bursty batch parsing');
  });

  test('a worker is named as a DNS-1123 label, so its name may start with a digit', () => {
    const { worker, manifests } = synthWorker({ name: '1st-billing-worker' });
    expect(worker.name).toBe('1st-billing-worker');
    expect(manifests.map((m) => m.metadata.name)).toEqual(Array(4).fill('1st-billing-worker'));
  });
});

describe('ProductionWorker network policy', () => {
  test('connectsTo a ProductionApp adds the egress on the worker and the ingress on the app', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const api = new ProductionApp(chart, 'Api', { image: IMAGE, port: 9000, healthPath: '/healthz' });
    const worker = newWorker(chart);
    // WHEN
    worker.connectsTo(api);
    // THEN
    Testing.synth(chart);
    expect(policyOf(worker).egress).toContainEqual({ to: [{ podSelector: { matchLabels: api.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] });
    expect(policyOf(api).ingress).toEqual([{ from: [{ podSelector: { matchLabels: worker.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] }]);
    // and the worker still admits nobody
    expect(policyOf(worker).ingress).toEqual([{ from: [{ podSelector: { matchLabels: worker.podSelector } }] }]);
  });

  test('an app in another namespace sees the worker through a namespace selector', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const api = new ProductionApp(chart, 'Api', { image: IMAGE, port: 9000, healthPath: '/healthz', namespaceName: 'back' });
    const worker = newWorker(chart, { namespaceName: 'jobs' });
    // WHEN
    api.allowFrom(worker);
    // THEN
    expect(policyOf(api).ingress[0].from).toEqual([{
      podSelector: { matchLabels: worker.podSelector }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'jobs' } },
    }]);
    expect(policyOf(worker).egress).toContainEqual({
      to: [{ podSelector: { matchLabels: api.podSelector }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'back' } } }],
      ports: [{ port: 9000, protocol: 'TCP' }],
    });
  });

  test('connectsTo a NetworkPeer needs ports and adds only egress', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const worker = newWorker(chart);
    // WHEN
    worker.connectsTo(NetworkPeer.cidr('10.20.0.0/16'), { ports: [5672] });
    // THEN
    expect(policyOf(worker).egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5672, protocol: 'TCP' }] });
    expect(errorOf(() => worker.connectsTo(NetworkPeer.cidr('10.0.0.0/8')))).toMatch(/^ProductionWorker 'test\/Worker': 'connectsTo' \(cidr 10.0.0.0\/8\) needs 'ports'/);
  });

  test('throws when anything is allowed in: allowFrom on the worker, or an app connecting to it', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const worker = newWorker(chart);
    const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    // WHEN / THEN
    const message = errorOf(() => worker.allowFrom(NetworkPeer.inNamespace('monitoring')));
    expect(message).toMatch(/^ProductionWorker 'test\/Worker': 'allowFrom' \(namespace monitoring\) cannot admit traffic: the workload serves no port/);
    expect(message).toMatch(/Fix: remove the allow; for traffic the workload starts, use 'connectsTo' on it$/);
    expect(errorOf(() => web.connectsTo(worker))).toMatch(/^ProductionWorker 'test\/Worker': 'allowFrom' \(ProductionApp test\/Web\) cannot admit traffic/);
    // nothing was added on either side
    expect(policyOf(worker).ingress).toHaveLength(1);
    expect(policyOf(web).egress).toHaveLength(1);
  });

  test('addEgressRule and addIngressRule change only the worker\'s own policy (the escape hatch)', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const worker = newWorker(chart);
    // WHEN
    worker.addEgressRule(NetworkPeer.inNamespace('queues'), { ports: [5672], protocols: [kplus.Protocol.TCP] });
    worker.addIngressRule(NetworkPeer.inNamespace('monitoring'), { ports: [9100] });
    // THEN
    expect(policyOf(worker).egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'queues' } } }], ports: [{ port: 5672, protocol: 'TCP' }],
    });
    expect(policyOf(worker).ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9100, protocol: 'TCP' }],
    }]);
  });

  test('throws when a ProductionIngress routes to a worker', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const worker = newWorker(chart);
    const ingress = new ProductionIngress(chart, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('le')) }] });
    // WHEN / THEN
    expect(errorOf(() => ingress.addRoute('shop.example.com', '/', worker))).toMatch(
      /^ProductionIngress 'test\/Ingress' has 1 invalid prop:\n {2}- 'addRoute.app' \("test\/Worker"\) has no Service and serves no port .*Fix: /);
    expect(policyOf(worker).ingress).toEqual([{ from: [{ podSelector: { matchLabels: worker.podSelector } }] }]);
  });
});

describe('ProductionWorker bad input', () => {
  test('throws for a port, a Service type and a health path, naming each prop', () => {
    // GIVEN / WHEN
    const message = workerError({ port: 8080, additionalPorts: [{ name: 'metrics', port: 9100 }], serviceType: kplus.ServiceType.LOAD_BALANCER,
      serviceTypeReason: 'legacy', healthPath: '/healthz' });
    // THEN
    expect(message).toMatch(/^ProductionWorker 'test\/Worker' has 5 invalid props:/);
    expect(message).toContain("- 'port' (8080) is not a prop of a worker: a worker serves no port, so it has no Service and nothing may reach it. Fix: remove 'port'; for a workload that serves traffic use a ProductionApp");
    expect(message).toContain("- 'additionalPorts' ([{\"name\":\"metrics\",\"port\":9100}]) is not a prop of a worker: a worker serves no port");
    expect(message).toContain("- 'serviceType' (\"LoadBalancer\") is not a prop of a worker: a worker serves no port");
    expect(message).toContain("- 'serviceTypeReason' (\"legacy\") is not a prop of a worker");
    expect(message).toContain("- 'healthPath' (\"/healthz\") cannot be probed: the worker serves no port. Fix: remove 'healthPath' and give 'readiness' and 'liveness' as AppProbe.exec([...])");
  });

  test('throws for a port name alone, which only a port would need', () => {
    expect(workerError({ portName: 'grpc' })).toContain("- 'portName' (\"grpc\") is not a prop of a worker: a worker serves no port");
  });

  test('throws in prod when the probes are missing', () => {
    // GIVEN / WHEN
    const message = workerError({ readiness: undefined, liveness: undefined });
    // THEN
    expect(message).toBe("ProductionWorker 'test/Worker' has 1 invalid prop:\n"
      + "  - 'readiness and liveness' (not set) are not set, and the worker has no port to probe by default, which is not allowed in prod. "
      + "Fix: give 'readiness' and 'liveness' as AppProbe.exec([...]) (for instance a heartbeat file check)");
  });

  test('throws in staging when only liveness is missing', () => {
    expect(workerError({ liveness: undefined }, Profile.STAGING))
      .toContain("- 'liveness' (not set) is not set, and the worker has no port to probe by default, which is not allowed in staging. Fix: give 'liveness' as AppProbe.exec([...])");
  });

  test('warns (and emits no probes) in dev when the probes are missing', () => {
    // GIVEN
    const chart = chartFor(Profile.DEV);
    // WHEN
    new ProductionWorker(chart, 'Worker', { image: IMAGE });
    // THEN
    expect(Warnings.collect(chart)).toEqual([
      "test/Worker: 'readiness and liveness' (not set) are not set, and the worker has no port to probe by default. Fix: give 'readiness' and 'liveness' as AppProbe.exec([...]) (for instance a heartbeat file check)",
    ]);
    const c = mainContainer(Testing.synth(chart));
    expect([c.readinessProbe, c.livenessProbe, c.startupProbe]).toEqual([undefined, undefined, undefined]);
  });

  test('throws for probes that need a port (TCP, HTTP, gRPC)', () => {
    // GIVEN / WHEN
    const message = workerError({ readiness: AppProbe.tcpSocket(), liveness: AppProbe.httpGet('/live'), startup: AppProbe.grpc() });
    // THEN
    expect(message).toMatch(/^ProductionWorker 'test\/Worker' has 3 invalid props:/);
    expect(message).toContain("- 'readiness' (\"tcpSocket\") needs a port, and the worker has none. Fix: use AppProbe.exec([...])");
    expect(message).toContain("- 'liveness' (\"httpGet\") needs a port, and the worker has none. Fix: use AppProbe.exec([...])");
    expect(message).toContain("- 'startup' (\"grpc\") needs a port, and the worker has none. Fix: use AppProbe.exec([...])");
  });

  test('throws when liveness runs the same command as readiness', () => {
    const message = workerError({ liveness: AppProbe.exec(['test', '-f', '/tmp/ready'], { period: Duration.seconds(30) }) });
    expect(message).toMatch(/^ProductionWorker 'test\/Worker' has 1 invalid prop:\n {2}- 'liveness' \("same check as readiness"\) runs the same check as the readiness probe/);
    expect(message).toContain('Fix: ');
  });

  test('throws for an empty exec command', () => {
    expect(workerError({ liveness: AppProbe.exec([]) })).toContain("- 'liveness' ([]) has an empty command. Fix: give the command to run");
  });

  test('throws for a name that is not a DNS-1123 label, saying it names the Deployment', () => {
    expect(workerError({ name: 'Billing_Worker' })).toContain(
      "- 'name' (\"Billing_Worker\") is not a DNS-1123 label of at most 63 characters (it names the Deployment). Fix: use lowercase letters, digits and '-', at most 63 characters");
  });

  test('throws for replicas with autoscaling, too few replicas and a disruption budget that blocks drains, all at once', () => {
    // GIVEN / WHEN
    const message = workerError({ replicas: 1, autoscaling: { minReplicas: 1 }, disruptionBudget: { maxUnavailable: 0 } });
    // THEN
    expect(message).toMatch(/^ProductionWorker 'test\/Worker' has 3 invalid props:/);
    expect(message).toContain("- 'replicas' (1) is set together with 'autoscaling'; the autoscaler owns the replica count. Fix: remove 'replicas'");
    expect(message).toContain("- 'autoscaling.minReplicas' (1) must be an integer of at least 2 in prod (and at most 2147483647). Fix: set it to 2 or more");
    expect(message).toContain("- 'disruptionBudget.maxUnavailable' (0) blocks every eviction, so node drains hang. Fix: set it to 1 or more");
  });

  test('throws for a rollout that cannot progress', () => {
    const message = workerError({ maxSurge: 0, minReady: Duration.minutes(5), progressDeadline: Duration.minutes(1), revisionHistoryLimit: 0 });
    expect(message).toMatch(/^ProductionWorker 'test\/Worker' has 3 invalid props:/);
    expect(message).toContain("- 'maxSurge' (0) must be a positive integer");
    expect(message).toContain("- 'progressDeadline' (\"60s\") must be longer than 'minReady' (300s). Fix: raise progressDeadline or lower minReady");
    expect(message).toContain("- 'revisionHistoryLimit' (0) must keep at least one old ReplicaSet for rollback. Fix: set it to 1 or more");
  });

  test('reports problems of the pod and of the worker in one error', () => {
    const message = workerError({ image: 'registry.example.com/worker', port: 8080, replicas: 1 });
    expect(message).toMatch(/^ProductionWorker 'test\/Worker' has 3 invalid props:/);
    expect(message).toContain("- 'image' (\"registry.example.com/worker\") has no tag or digest");
    expect(message).toContain("- 'port' (8080) is not a prop of a worker");
    expect(message).toContain("- 'replicas' (1) must be an integer of at least 2 in prod");
  });
});

describe('ProductionWorker escape hatches', () => {
  test('the cdk8s-plus objects are public, JSON patches apply, and the children have stable IDs', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const worker = newWorker(chart);
    // WHEN
    worker.deployment!.podMetadata.addAnnotation('example.com/owner', 'team-billing');
    ApiObject.of(worker.deployment!).addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { 'example.com/pool': 'batch' }));
    // THEN
    const manifests = Testing.synth(chart);
    expect(one(manifests, 'Deployment').spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'team-billing' });
    expect(one(manifests, 'Deployment').spec.template.spec.nodeSelector).toEqual({ 'example.com/pool': 'batch' });
    expect(worker.node.children.map((c) => c.node.id)).toEqual(
      ['ServiceAccount', 'Writable0', 'Deployment', 'DisruptionBudget', 'NetworkPolicy']);
  });
});

describe('ProductionWorker singleReplicaReason', () => {
  test('one replica in staging with the exemption recorded, zero findings in prod', () => {
    // GIVEN a worker that must not run twice
    const { worker, manifests } = synthWorker({ singleReplicaReason: 'the scheduler must not run twice' }, Profile.STAGING);
    // THEN
    const deployment = one(manifests, 'Deployment');
    expect(worker.replicas).toBe(1);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBe('the scheduler must not run twice');
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('throws for an empty reason', () => {
    expect(workerError({ singleReplicaReason: '' })).toMatch(/'singleReplicaReason' \(""\) is empty/);
  });
});
