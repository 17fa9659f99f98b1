import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe, AppSize, NetworkPeer, ProductionApp, ProductionAppProps, Profile, Warnings } from '../../lib';
import '@platform/cdk8s-production/testing';
import { RulePack } from '../../lib';
import { expectValidManifests } from '../helpers/schema';
import { chartFor, ofKind, one } from '../helpers/manifests';
import { errorOf } from '../helpers/errors';

const IMAGE = 'registry.example.com/shop/web:1.4.2';

function synthApp(props: Partial<ProductionAppProps> = {}, profile: Profile = Profile.PROD): { app: ProductionApp; manifests: any[] } {
  const chart = chartFor(profile);
  const app = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz', ...props });
  return { app, manifests: Testing.synth(chart) };
}

function podSpec(manifests: any[]): any {
  return one(manifests, 'Deployment').spec.template.spec;
}

function mainContainer(manifests: any[]): any {
  return podSpec(manifests).containers.find((c: any) => c.name === 'main');
}

describe('ProductionApp defaults (prod)', () => {
  // GIVEN only image and port, in prod
  const { app, manifests } = synthApp({ healthPath: '/healthz' });

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('emits exactly ServiceAccount, Deployment, Service, PodDisruptionBudget and NetworkPolicy', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
  });

  test('every object is valid against the Kubernetes 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('every object carries the app.kubernetes.io labels, and instance matches metadata.name', () => {
    for (const m of manifests) {
      expect(m.metadata.labels).toEqual({
        'app.kubernetes.io/name': app.name,
        'app.kubernetes.io/instance': m.metadata.name,
        'app.kubernetes.io/version': '1.4.2',
        'app.kubernetes.io/component': 'server',
        'app.kubernetes.io/part-of': app.name,
        'app.kubernetes.io/managed-by': 'cdk8s-production',
      });
    }
    expect(one(manifests, 'Deployment').spec.template.metadata.labels).toMatchObject(app.labels);
  });

  test('runs 3 replicas with a zero-downtime rolling update', () => {
    const spec = one(manifests, 'Deployment').spec;
    expect(spec.replicas).toBe(3);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.revisionHistoryLimit).toBe(5);
  });

  test('spreads pods over zones and nodes without hard constraints', () => {
    const spec = podSpec(manifests);
    const selector = { matchLabels: app.podSelector };
    expect(spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ]);
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
    ]);
  });

  test('shuts down gracefully: preStop pause shorter than the grace period', () => {
    expect(mainContainer(manifests).lifecycle.preStop.exec.command).toEqual(['sleep', '10']);
    expect(podSpec(manifests).terminationGracePeriodSeconds).toBe(30);
  });

  test('has readiness, liveness and startup probes that differ, on the named port', () => {
    const c = mainContainer(manifests);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 });
    expect(c.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 24, successThreshold: 1 });
    expect(c.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
  });

  test('sets CPU, memory and ephemeral-storage requests and limits (medium in prod)', () => {
    expect(mainContainer(manifests).resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '2Gi' },
      limits: { 'cpu': '1', 'memory': '1024Mi', 'ephemeral-storage': '4Gi' },
    });
  });

  test('security floor: restricted pod and container security context', () => {
    const spec = podSpec(manifests);
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.hostNetwork).toBe(false);
    for (const c of spec.containers) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, privileged: false, allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.imagePullPolicy).toBe('Always');
    }
  });

  test('mounts a writable emptyDir at /tmp', () => {
    expect(mainContainer(manifests).volumeMounts).toEqual([{ mountPath: '/tmp', name: 'writable-0', readOnly: false }]);
    expect(podSpec(manifests).volumes).toEqual([{ name: 'writable-0', emptyDir: { sizeLimit: '1024Mi' } }]);
  });

  test('runs as a dedicated ServiceAccount without a token', () => {
    const sa = one(manifests, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(podSpec(manifests).serviceAccountName).toBe(sa.metadata.name);
    expect(podSpec(manifests).automountServiceAccountToken).toBe(false);
  });

  test('sets the prod priority class', () => {
    expect(podSpec(manifests).priorityClassName).toBe('platform-high');
  });

  test('exposes a ClusterIP Service selecting the pods', () => {
    const svc = one(manifests, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual(app.podSelector);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  test('has a PodDisruptionBudget that never blocks drains', () => {
    expect(one(manifests, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: app.podSelector }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('isolates the pods: ingress and egress deny, DNS egress only', () => {
    const np = one(manifests, 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: app.podSelector });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    // with no declared clients, only the app's own replicas may connect, on its port
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: app.podSelector } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('no HorizontalPodAutoscaler unless asked', () => {
    expect(app.autoscaler).toBeUndefined();
    expect(ofKind(manifests, 'HorizontalPodAutoscaler')).toHaveLength(0);
  });

  test('resolved defaults are exposed as properties', () => {
    expect(app.replicas).toBe(3);
    expect(app.minReplicas).toBe(3);
    expect(app.port).toBe(8080);
    expect(app.portName).toBe('http');
    expect(app.serviceAccountToken).toBe(false);
    expect(app.priorityClassName).toBe('platform-high');
    expect(app.profile).toBe(Profile.PROD);
  });
});

describe('ProductionApp defaults per profile', () => {
  test.each([
    [Profile.DEV, 1, 'platform-low', '100m'],
    [Profile.STAGING, 2, 'platform-default', '100m'],
    [Profile.PROD, 3, 'platform-high', '250m'],
  ])('%s: %d replicas, priority class %s, CPU request %s', (profile, replicas, priority, cpu) => {
    const { manifests } = synthApp({}, profile);
    expect(one(manifests, 'Deployment').spec.replicas).toBe(replicas);
    expect(podSpec(manifests).priorityClassName).toBe(priority);
    expect(mainContainer(manifests).resources.requests.cpu).toBe(cpu);
  });

  test('dev\'s single replica is recorded as an exemption the scanners read, with the reason', () => {
    const { manifests } = synthApp({}, Profile.DEV);
    const annotations = one(manifests, 'Deployment').metadata.annotations;
    expect(annotations['production.platform.io/exempt-deployment-replicas']).toBe('the dev profile runs fewer than 2 replicas on purpose (Profile.DEV)');
    expect(annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
    expect(annotations['production.platform.io/exemption-reason']).toBe('the dev profile runs fewer than 2 replicas on purpose (Profile.DEV)');
    // judged as prod, the dev Deployment is exempt from the replica check, and nothing else fails
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('dev\'s autoscaler minimum of 1 is recorded on the HorizontalPodAutoscaler', () => {
    const { manifests } = synthApp({ autoscaling: { minReplicas: 1 } }, Profile.DEV);
    const annotations = one(manifests, 'HorizontalPodAutoscaler').metadata.annotations;
    expect(annotations['production.platform.io/exempt-hpa-replicas']).toMatch(/dev profile lets the autoscaler scale down below 2/);
    expect(annotations['polaris.fairwinds.com/hpaMinAvailability-exempt']).toBe('true');
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('staging and prod carry no relaxation exemptions', () => {
    for (const profile of [Profile.STAGING, Profile.PROD]) {
      const { manifests } = synthApp({ autoscaling: {} }, profile);
      expect(Object.keys(one(manifests, 'HorizontalPodAutoscaler').metadata.annotations)).toEqual(['production.platform.io/profile']);
      expect(one(manifests, 'Deployment').metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBe('the HorizontalPodAutoscaler owns the replica count');
    }
  });

  test('a chart without a profile is treated as prod', () => {
    const chart = Testing.chart();
    const app = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    expect(app.profile).toBe(Profile.PROD);
    expect(app.replicas).toBe(3);
  });

  test('without a health endpoint, prod refuses the app: readiness and liveness would run the same TCP check', () => {
    const message = errorOf(() => new ProductionApp(chartFor(Profile.PROD), 'Web', { image: IMAGE, port: 8080 }));
    expect(message).toMatch(/'healthPath' \(not set\) and no 'readiness' probe leave readiness and liveness both checking only that the port is open, which is not allowed in prod\. Fix: set 'healthPath'/);
  });

  test('without a health endpoint, dev warns and probes the port by TCP', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080 });
    const c = mainContainer(Testing.synth(chart));
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(Warnings.collect(chart)).toEqual([expect.stringMatching(/^test\/Web: 'healthPath' \(not set\) and no 'readiness' probe/)]);
  });

  test('staging has the same objects and policies as prod; only sizes and counts differ', () => {
    // GIVEN the same app in staging and in prod
    const build = (profile: Profile) => {
      const chart = chartFor(profile);
      const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
      const api = new ProductionApp(chart, 'Api', { image: 'registry.example.com/shop/api:2.0.0', port: 9000, healthPath: '/healthz', autoscaling: {} });
      web.connectsTo(api);
      return Testing.synth(chart);
    };
    const staging = build(Profile.STAGING);
    const prod = build(Profile.PROD);
    // THEN the object lists are identical by kind and name
    const ids = (ms: any[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(ids(staging)).toEqual(ids(prod));
    // AND each object differs only in the values a profile may size
    const sizing = new Set(['production.platform.io/profile', 'replicas', 'minReplicas', 'maxReplicas', 'cpu', 'memory', 'ephemeral-storage', 'priorityClassName']);
    const strip = (v: any): any => {
      if (Array.isArray(v)) return v.map(strip);
      if (v && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).filter(([k]) => !sizing.has(k)).map(([k, x]) => [k, strip(x)]));
      }
      return v;
    };
    staging.forEach((s, i) => expect(strip(s)).toEqual(strip(prod[i])));
    // AND the sizes really differ, so the comparison above is not vacuous
    expect(one(staging, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(2);
    expect(one(prod, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(3);
  });
});

describe('ProductionApp passes the production-readiness rule pack', () => {
  test.each(Profile.all())('default output has zero findings in %s', (profile) => {
    const chart = chartFor(profile);
    new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    expect(chart).toBeProductionReady({ profile: profile.name as 'dev' | 'staging' | 'prod' });
  });

  test('an app with every option has zero findings in prod, and the exemptions are listed', () => {
    const chart = chartFor(Profile.PROD);
    const api = new ProductionApp(chart, 'Api', {
      image: IMAGE, port: 9000, autoscaling: {}, cpuLimitExemption: 'latency-sensitive', healthPath: '/healthz',
      additionalPorts: [{ name: 'metrics', port: 9090 }],
      sidecars: [{ name: 'proxy', image: 'registry.example.com/proxy:3.1.0', ports: [{ name: 'proxy', port: 15000 }],
        readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket() }],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1.0.0' }],
    });
    const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    web.connectsTo(api);
    const report = RulePack.check(Testing.synth(chart), { profile: 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    expect(report.exemptions.map((e) => e.ruleId)).toContain('cpu-limits');
  });

  test('the rule pack does see a weakened app (the check above can fail)', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz', security: { readOnlyRootFilesystem: false } });
    const report = RulePack.check(Testing.synth(chart), { profile: 'prod' });
    expect(report.findings.map((f) => f.ruleId)).toContain('read-only-root-filesystem');
  });
});

describe('ProductionApp options', () => {
  test('autoscaling emits an autoscaling/v2 HPA and drops static replicas', () => {
    const { app, manifests } = synthApp({ autoscaling: { minReplicas: 3, maxReplicas: 12, memoryUtilizationPercent: 80 } });
    const hpa = one(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.deployment!.name },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
    const deployment = one(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBeUndefined();
    // Polaris asks for static replicas; the exemption is recorded so scanners agree with the library
    expect(deployment.metadata.annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
    expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toMatch(/HorizontalPodAutoscaler/);
    expect(app.minReplicas).toBe(3);
    expectValidManifests(manifests);
  });

  test('a CPU limit exemption removes the limit and records the reason for every scanner', () => {
    const reason = 'latency-sensitive; CFS throttling measured at p99';
    const { manifests } = synthApp({ cpuLimitExemption: reason });
    expect(mainContainer(manifests).resources.limits.cpu).toBeUndefined();
    expect(mainContainer(manifests).resources.requests.cpu).toBe('250m');
    expect(one(manifests, 'Deployment').metadata.annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'production.platform.io/exemption-reason': reason,
      'production.platform.io/exempt-cpu-limits': reason,
      'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
      'kube-score/ignore': 'container-resources',
      'ignore-check.kube-linter.io/unset-cpu-requirements': reason,
    });
  });

  test('size presets and explicit resources', () => {
    const { manifests } = synthApp({ size: AppSize.LARGE, resources: { memory: { limit: Size.gibibytes(6) } } });
    expect(mainContainer(manifests).resources).toEqual({
      requests: { 'cpu': '1', 'memory': '2048Mi', 'ephemeral-storage': '4Gi' },
      limits: { 'cpu': '2', 'memory': '6144Mi', 'ephemeral-storage': '8Gi' },
    });
  });

  test('a service account token is opt-in and recorded as an exemption', () => {
    const { manifests } = synthApp({ serviceAccountToken: true });
    expect(one(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(podSpec(manifests).automountServiceAccountToken).toBe(true);
    expect(one(manifests, 'Deployment').metadata.annotations['polaris.fairwinds.com/automountServiceAccountToken-exempt']).toBe('true');
  });

  test('explicit probes: gRPC, exec and HTTP on another port', () => {
    const { manifests } = synthApp({
      additionalPorts: [{ name: 'admin', port: 9901 }],
      readiness: AppProbe.grpc('shop.Web'),
      liveness: AppProbe.httpGet('/live', { port: 'admin', period: Duration.seconds(20) }),
      startup: AppProbe.exec(['/bin/check']),
    });
    const c = mainContainer(manifests);
    expect(c.readinessProbe.grpc).toEqual({ port: 8080, service: 'shop.Web' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/live', port: 'admin', scheme: 'HTTP' });
    expect(c.livenessProbe.periodSeconds).toBe(20);
    expect(c.startupProbe.exec).toEqual({ command: ['/bin/check'] });
    expect(one(manifests, 'Service').spec.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' }, { name: 'admin', port: 9901, protocol: 'TCP' },
    ]);
    expectValidManifests(manifests);
  });

  test('a real app: command, env from values and secrets, envFrom, config files, sidecar and init container', () => {
    const chart = chartFor(Profile.PROD);
    const config = new kplus.ConfigMap(chart, 'Config', { data: { 'app.yaml': 'mode: prod' } });
    const secret = kplus.Secret.fromSecretName(chart, 'Db', 'db-credentials');
    const app = new ProductionApp(chart, 'Web', {
      image: IMAGE,
      port: 8080,
      healthPath: '/healthz',
      command: ['/app/server'],
      args: ['--config', '/etc/web/app.yaml'],
      env: {
        LOG_LEVEL: kplus.EnvValue.fromValue('info'),
        DB_PASSWORD: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }),
      },
      envFrom: [kplus.Env.fromConfigMap(config)],
      configFiles: [{ configMap: config, mountPath: '/etc/web' }],
      writablePaths: ['/tmp', '/var/cache/web'],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/migrate:1.4.2', command: ['/migrate'] }],
      sidecars: [{
        name: 'proxy', image: 'registry.example.com/proxy:3.1.0', ports: [{ name: 'proxy', port: 15000 }],
        readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket(),
      }],
    });
    const manifests = Testing.synth(chart);
    const spec = podSpec(manifests);
    const main = mainContainer(manifests);
    expect(main.command).toEqual(['/app/server']);
    expect(main.args).toEqual(['--config', '/etc/web/app.yaml']);
    expect(main.env).toEqual(expect.arrayContaining([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
    ]));
    expect(main.envFrom).toEqual([{ configMapRef: { name: config.name } }]);
    expect(main.volumeMounts.map((m: any) => [m.mountPath, m.readOnly])).toEqual([
      ['/tmp', false], ['/var/cache/web', false], ['/etc/web', true],
    ]);
    // helper containers are hardened like the main one
    const proxy = spec.containers.find((c: any) => c.name === 'proxy');
    const migrate = spec.initContainers.find((c: any) => c.name === 'migrate');
    for (const c of [proxy, migrate]) {
      expect(c.securityContext).toEqual(main.securityContext);
      expect(c.resources.limits).toEqual({ 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '2Gi' });
    }
    expect(proxy.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'proxy', scheme: 'HTTP' });
    expect(proxy.livenessProbe.tcpSocket).toEqual({ port: 'proxy' });
    expect(app.container!.name).toBe('main');
    expectValidManifests(manifests);
  });

  test('name, namespace and labels can be set', () => {
    const { manifests } = synthApp({ name: 'storefront', namespaceName: 'shop', version: '2024.1', component: 'frontend', partOf: 'shop' });
    for (const m of manifests) {
      expect(m.metadata.name).toBe('storefront');
      expect(m.metadata.namespace).toBe('shop');
      expect(m.metadata.labels['app.kubernetes.io/component']).toBe('frontend');
      expect(m.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
      expect(m.metadata.labels['app.kubernetes.io/version']).toBe('2024.1');
    }
  });

  test('a digest-pinned image gets its version label from the digest', () => {
    const digest = 'sha256:' + 'ab12'.repeat(16);
    const { manifests } = synthApp({ image: `registry.example.com/shop/web@${digest}` });
    expect(one(manifests, 'Deployment').metadata.labels['app.kubernetes.io/version']).toBe('ab12ab12ab12');
  });

  test('the disruption budget may use minAvailable below the replica floor', () => {
    const { manifests } = synthApp({ replicas: 4, disruptionBudget: { minAvailable: 2 } });
    expect(one(manifests, 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 2 });
    expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBeUndefined();
  });

  test('preStop can be turned off, and the grace period set', () => {
    const { manifests } = synthApp({ preStopDelay: Duration.seconds(0), terminationGracePeriod: Duration.seconds(60) });
    expect(mainContainer(manifests).lifecycle).toBeUndefined();
    expect(podSpec(manifests).terminationGracePeriodSeconds).toBe(60);
  });

  test('a LoadBalancer Service with a reason is allowed in prod', () => {
    const { manifests } = synthApp({ serviceType: kplus.ServiceType.LOAD_BALANCER, serviceTypeReason: 'TCP game server, no HTTP ingress' });
    expect(one(manifests, 'Service').spec.type).toBe('LoadBalancer');
  });
});

describe('ProductionApp network policy', () => {
  test('allowFrom and connectsTo add the rule on both sides, on the target port', () => {
    const chart = chartFor(Profile.PROD);
    const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    const api = new ProductionApp(chart, 'Api', { image: IMAGE, port: 9000, healthPath: '/healthz' });
    const worker = new ProductionApp(chart, 'Worker', { image: IMAGE, port: 7000, healthPath: '/healthz' });
    web.connectsTo(api);
    api.allowFrom(worker);
    Testing.synth(chart);
    const policy = (app: ProductionApp) => ApiObject.of(app.networkPolicy).toJson().spec;
    expect(policy(api).ingress).toEqual([
      { from: [{ podSelector: { matchLabels: web.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] },
      { from: [{ podSelector: { matchLabels: worker.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] },
    ]);
    expect(policy(web).egress).toContainEqual({ to: [{ podSelector: { matchLabels: api.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] });
    expect(policy(worker).egress).toContainEqual({ to: [{ podSelector: { matchLabels: api.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] });
    // declaring the same connection twice adds nothing
    web.connectsTo(api);
    expect(policy(api).ingress).toHaveLength(2);
  });

  test('apps in other namespaces are selected with a namespaceSelector', () => {
    const chart = chartFor(Profile.PROD);
    const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz', namespaceName: 'front' });
    const api = new ProductionApp(chart, 'Api', { image: IMAGE, port: 9000, healthPath: '/healthz', namespaceName: 'back' });
    web.connectsTo(api);
    expect(ApiObject.of(api.networkPolicy).toJson().spec.ingress[0].from).toEqual([{
      podSelector: { matchLabels: web.podSelector },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } },
    }]);
  });

  test('egress to a CIDR needs ports, and the open world needs a reason', () => {
    const chart = chartFor(Profile.PROD);
    const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    web.connectsTo(NetworkPeer.cidr('10.20.0.0/16'), { ports: [5432] });
    expect(ApiObject.of(web.networkPolicy).toJson().spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }],
    });
    expect(errorOf(() => web.connectsTo(NetworkPeer.cidr('10.0.0.0/8')))).toMatch(/'connectsTo' \(cidr 10.0.0.0\/8\) needs 'ports'/);
    // The factory has no construct path: its problems are reported where the peer is used, with the app's path.
    expect(errorOf(() => web.connectsTo(NetworkPeer.cidr('0.0.0.0/0'), { ports: [443] }))).toMatch(
      /^ProductionApp 'test\/Web' has 1 invalid prop:\n  - 'connectsTo\(NetworkPeer\.cidr\)\.cidr' \("0\.0\.0\.0\/0"\) opens the rule to every address\. Fix: name the real destination/);
    expect(errorOf(() => web.connectsTo(NetworkPeer.cidr('10.0.0.0/33'), { ports: [443] }))).toMatch(/'connectsTo\(NetworkPeer\.cidr\)\.cidr' \("10\.0\.0\.0\/33"\) is not a CIDR/);
    expect(() => web.connectsTo(NetworkPeer.cidr('0.0.0.0/0', { reason: 'calls third-party webhooks with changing IPs' }), { ports: [443] })).not.toThrow();
    expect(errorOf(() => web.allowFrom(NetworkPeer.inNamespace('monitoring'), { ports: [1234] }))).toMatch(/'allowFrom' ports \(1234\) are not ports of the app/);
  });
});

describe('ProductionApp chart values (what Helm users expect)', () => {
  test('GIVEN pull secrets, node selector, tolerations and node affinity THEN the pod has them beside the library spread', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(chart, 'Web', {
      image: IMAGE, port: 8080, healthPath: '/healthz',
      imagePullSecrets: [kplus.Secret.fromSecretName(chart, 'Pull', 'registry-credentials')],
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      tolerations: [kplus.NodeTaintQuery.is('dedicated', 'web', { effect: kplus.TaintEffect.NO_SCHEDULE })],
      nodeAffinity: [{ node: kplus.Node.labeled(kplus.NodeLabelQuery.is('pool', 'web')), weight: 40 }],
    });
    const manifests = Testing.synth(chart);
    const spec = podSpec(manifests);
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 40, preference: { matchExpressions: [{ key: 'pool', operator: 'In', values: ['web'] }] } },
    ]);
    // the library's spread and anti-affinity are still there
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(spec.topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expectValidManifests(manifests);
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('GIVEN extra labels and annotations THEN each object gets its own, and the recommended labels stay', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(chart, 'Web', {
      image: IMAGE, port: 8080, healthPath: '/healthz',
      podLabels: { team: 'shop' }, podAnnotations: { 'prometheus.io/scrape': 'true' },
      serviceAccountLabels: { team: 'shop' }, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/web' },
      serviceLabels: { tier: 'edge' }, serviceAnnotations: { 'example.com/owner': 'shop' },
    });
    const manifests = Testing.synth(chart);
    const template = one(manifests, 'Deployment').spec.template;
    expect(template.metadata.labels.team).toBe('shop');
    expect(template.metadata.labels['app.kubernetes.io/name']).toBe('test-web-c8b65d84');
    expect(template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    const sa = one(manifests, 'ServiceAccount');
    expect(sa.metadata.labels.team).toBe('shop');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/web');
    expect(sa.metadata.annotations['production.platform.io/profile']).toBe('prod');
    const svc = one(manifests, 'Service');
    expect(svc.metadata.labels.tier).toBe('edge');
    expect(svc.metadata.annotations['example.com/owner']).toBe('shop');
    // the extras stay on their own object
    expect(one(manifests, 'PodDisruptionBudget').metadata.labels.tier).toBeUndefined();
  });

  test('GIVEN a log shipper sidecar sharing an emptyDir THEN both containers mount the one volume', () => {
    const chart = chartFor(Profile.PROD);
    const logs = kplus.Volume.fromEmptyDir(chart, 'Logs', 'logs', { sizeLimit: Size.gibibytes(1) });
    new ProductionApp(chart, 'Web', {
      image: IMAGE, port: 8080, healthPath: '/healthz',
      volumeMounts: [{ volume: logs, path: '/var/log/web', readOnly: false }],
      sidecars: [{
        name: 'shipper', image: 'registry.example.com/shipper:2.1.0', ports: [{ name: 'shipper', port: 2020 }],
        readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket(),
        volumeMounts: [{ volume: logs, path: '/logs' }],
      }],
    });
    const manifests = Testing.synth(chart);
    const spec = podSpec(manifests);
    expect(spec.volumes.filter((v: any) => v.name === 'logs')).toEqual([{ name: 'logs', emptyDir: { sizeLimit: '1024Mi' } }]);
    expect(mainContainer(manifests).volumeMounts).toContainEqual({ name: 'logs', mountPath: '/var/log/web', readOnly: false });
    const shipper = spec.containers.find((c: any) => c.name === 'shipper');
    expect(shipper.volumeMounts).toEqual([{ name: 'logs', mountPath: '/logs', readOnly: true }]);
    expect(shipper.readinessProbe.httpGet.port).toBe('shipper');
    expectValidManifests(manifests);
    expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  });
});

describe('ProductionApp escape hatches', () => {
  test('cdk8s-plus scheduling calls on the exposed Deployment survive synthesis beside the library spread', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    app.deployment!.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('pool', 'web')));
    app.deployment!.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists('spot')));
    const spec = podSpec(Testing.synth(chart));
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'pool', operator: 'In', values: ['web'] }] },
    ]);
    expect(spec.tolerations).toEqual([{ key: 'spot', operator: 'Exists' }]);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
  });

  test('1: the cdk8s-plus objects are public', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    app.deployment!.podMetadata.addAnnotation('example.com/owner', 'team-shop');
    app.service!.metadata.addLabel('example.com/tier', 'edge');
    const manifests = Testing.synth(chart);
    expect(one(manifests, 'Deployment').spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'team-shop' });
    expect(one(manifests, 'Service').metadata.labels['example.com/tier']).toBe('edge');
  });

  test('2: ApiObject.of(x).addJsonPatch works on every object', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz', autoscaling: {} });
    const objects = [app.deployment!, app.service!, app.serviceAccount, app.disruptionBudget, app.networkPolicy, app.autoscaler!];
    for (const o of objects) {
      ApiObject.of(o).addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/patched': 'yes' }));
    }
    const manifests = Testing.synth(chart);
    expect(manifests).toHaveLength(objects.length);
    for (const m of manifests) {
      expect(m.metadata.annotations).toEqual({ 'example.com/patched': 'yes' });
    }
  });

  test('3: Node.of(x).findChild reaches the children by stable IDs', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    expect(app.node.findChild('Deployment')).toBe(app.deployment);
    expect(app.node.findChild('Service')).toBe(app.service);
    expect(app.node.findChild('ServiceAccount')).toBe(app.serviceAccount);
    expect(app.node.findChild('DisruptionBudget')).toBe(app.disruptionBudget);
    expect(app.node.findChild('NetworkPolicy')).toBe(app.networkPolicy);
  });
});

describe('ProductionApp bad input', () => {
  const digestless = 'registry.example.com/shop/web';
  const SIDECAR = {
    name: 'shipper', image: 'registry.example.com/shipper:2.1.0', ports: [{ name: 'shipper', port: 2020 }],
    readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket(),
  };
  // Each case: the props, the profile, and the text the error must contain (prop, value and fix).
  const cases: Array<[string, Partial<ProductionAppProps>, Profile, RegExp]> = [
    ['replicas below 2 in prod', { replicas: 1 }, Profile.PROD, /'replicas' \(1\) must be an integer of at least 2 in prod \(and at most 2147483647\)\. Fix: set it to 2 or more/],
    ['replicas below 2 in staging', { replicas: 1 }, Profile.STAGING, /'replicas' \(1\) must be an integer of at least 2 in staging/],
    ['fractional replicas', { replicas: 2.5 }, Profile.PROD, /'replicas' \(2.5\) must be an integer/],
    ['port 0', { port: 0 }, Profile.PROD, /'port' \(0\) is not a port number\. Fix: use an integer from 1 to 65535/],
    ['port above 65535', { port: 70000 }, Profile.PROD, /'port' \(70000\) is not a port number/],
    ['duplicated port', { additionalPorts: [{ name: 'metrics', port: 8080 }] }, Profile.PROD, /'additionalPorts\[0\]\.port' \(8080\) is used by another port of the app/],
    ['duplicated port name', { additionalPorts: [{ name: 'http', port: 9090 }] }, Profile.PROD, /'additionalPorts\[0\]\.name' \("http"\) is used by another port/],
    ['bad port name', { portName: 'HTTP_Main' }, Profile.PROD, /'portName' \("HTTP_Main"\) is not a valid port name/],
    ['name not a DNS label', { name: 'Web_App' }, Profile.PROD, /'name' \("Web_App"\) is not a DNS-1035 label/],
    ['name starting with a digit', { name: '1web' }, Profile.PROD, /'name' \("1web"\) is not a DNS-1035 label/],
    ['bad namespace', { namespaceName: 'Shop' }, Profile.PROD, /'namespaceName' \("Shop"\) is not a DNS-1123 label/],
    ['image without tag', { image: digestless }, Profile.PROD, /'image' \("registry.example.com\/shop\/web"\) has no tag or digest.*Fix: pin it/],
    ['image without tag in dev', { image: digestless }, Profile.DEV, /'image' .* has no tag or digest/],
    ['latest in prod', { image: `${digestless}:latest` }, Profile.PROD, /'image' .* uses the mutable tag 'latest', which is not allowed in prod/],
    ['not an image', { image: 'not an image!' }, Profile.PROD, /'image' \("not an image!"\) is not an image reference/],
    ['CPU that does not parse', { resources: { cpu: { request: kplus.Cpu.millis(NaN) } } }, Profile.PROD, /'resources\.cpu\.request' \("NaNm"\) is not a positive CPU quantity/],
    ['zero memory limit', { resources: { memory: { limit: Size.mebibytes(0) } } }, Profile.PROD, /'resources\.memory\.limit' \("0Mi"\) is not a positive size/],
    ['CPU request above limit', { resources: { cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.millis(500) } } }, Profile.PROD, /'resources\.cpu\.request' \("2"\) is above the CPU limit \(500m\)/],
    ['memory request above limit', { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }, Profile.PROD, /'resources\.memory\.request' \("2048Mi"\) is above the limit \(1024Mi\)/],
    ['ephemeral storage not in whole GiB', { resources: { ephemeralStorage: { request: Size.mebibytes(500) } } }, Profile.PROD, /'resources\.ephemeralStorage\.request' \("500Mi"\) is not a whole number of GiB/],
    ['PDB maxUnavailable 0', { disruptionBudget: { maxUnavailable: 0 } }, Profile.PROD, /'disruptionBudget\.maxUnavailable' \(0\) blocks every eviction/],
    ['PDB minAvailable = replicas', { replicas: 3, disruptionBudget: { minAvailable: 3 } }, Profile.PROD, /'disruptionBudget\.minAvailable' \(3\) must be below the fewest replicas \(3\)/],
    ['PDB with both fields', { disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }, Profile.PROD, /'disruptionBudget' .* sets both maxUnavailable and minAvailable/],
    ['HPA max below min', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }, Profile.PROD, /'autoscaling\.maxReplicas' \(3\) must be an integer above minReplicas \(5\)/],
    ['HPA min below 2 in prod', { autoscaling: { minReplicas: 1 } }, Profile.PROD, /'autoscaling\.minReplicas' \(1\) must be an integer of at least 2 in prod/],
    ['HPA with static replicas', { replicas: 3, autoscaling: {} }, Profile.PROD, /'replicas' \(3\) is set together with 'autoscaling'/],
    ['HPA CPU target above 100', { autoscaling: { cpuUtilizationPercent: 150 } }, Profile.PROD, /'autoscaling\.cpuUtilizationPercent' \(150\) is not a percentage/],
    ['identical liveness and readiness', { readiness: AppProbe.httpGet('/h'), liveness: AppProbe.httpGet('/h') }, Profile.PROD, /'liveness' \("same check as readiness"\) runs the same check as the readiness probe/],
    ['healthPath that makes liveness repeat readiness', { liveness: AppProbe.httpGet('/healthz', { period: Duration.seconds(30) }) }, Profile.PROD, /'liveness' .* runs the same check as the readiness probe/],
    ['probe on an unknown port', { liveness: AppProbe.tcpSocket({ port: 'admin' }) }, Profile.PROD, /'liveness\.port' \("admin"\) is not a port of the app\. Fix: use one of 'http'/],
    ['relative health path', { healthPath: 'healthz' }, Profile.PROD, /'healthPath' \("healthz"\) is not an absolute path/],
    ['privileged in prod', { security: { privileged: true } }, Profile.PROD, /'security\.privileged' \(true\) runs the containers privileged, which is not allowed in prod/],
    ['root user in prod', { security: { user: 0 } }, Profile.PROD, /'security\.user' \(0\) is root, which is not allowed in prod/],
    ['low UID in prod', { security: { user: 1000 } }, Profile.PROD, /'security\.user' \(1000\) is below 10001/],
    ['privilege escalation in prod', { security: { allowPrivilegeEscalation: true } }, Profile.PROD, /'security\.allowPrivilegeEscalation' \(true\) lets processes gain privileges/],
    ['writable root fs in staging', { security: { readOnlyRootFilesystem: false } }, Profile.STAGING, /'security\.readOnlyRootFilesystem' \(false\) makes the root filesystem writable, which is not allowed in staging/],
    ['extra capability', { security: { addCapabilities: [kplus.Capability.SYS_ADMIN] } }, Profile.PROD, /'security\.addCapabilities' \(\["SYS_ADMIN"\]\) adds capabilities beyond NET_BIND_SERVICE/],
    ['secret-looking literal env', { env: { DB_PASSWORD: kplus.EnvValue.fromValue('hunter2') } }, Profile.PROD, /'env\.DB_PASSWORD' \("<redacted>"\) is a literal that looks like a secret/],
    ['private key literal env', { env: { TLS: kplus.EnvValue.fromValue('-----BEGIN RSA PRIVATE KEY-----\nabc') } }, Profile.PROD, /'env\.TLS' .* looks like a secret/],
    ['bad env name', { env: { '1BAD': kplus.EnvValue.fromValue('x') } }, Profile.PROD, /'env\.1BAD' \("1BAD"\) is not a valid environment variable name/],
    ['relative writable path', { writablePaths: ['tmp'] }, Profile.PROD, /'writablePaths\[0\]' \("tmp"\) is not an absolute path/],
    ['path mounted twice', { writablePaths: ['/tmp', '/tmp'] }, Profile.PROD, /'writablePaths\[1\]' \("\/tmp"\) is mounted twice/],
    ['grace period not above preStop', { preStopDelay: Duration.seconds(30), terminationGracePeriod: Duration.seconds(20) }, Profile.PROD, /'terminationGracePeriod' \("20s"\) must be longer than 'preStopDelay' \(30s\)/],
    ['progress deadline not above minReady', { minReady: Duration.minutes(5), progressDeadline: Duration.minutes(2) }, Profile.PROD, /'progressDeadline' \("120s"\) must be longer than 'minReady' \(300s\)/],
    ['maxSurge 0', { maxSurge: 0 }, Profile.PROD, /'maxSurge' \(0\) must be a positive integer/],
    ['LoadBalancer without reason in prod', { serviceType: kplus.ServiceType.LOAD_BALANCER }, Profile.PROD, /'serviceType' \("LoadBalancer"\) exposes the app outside the cluster/],
    ['empty CPU limit exemption', { cpuLimitExemption: ' ' }, Profile.PROD, /'cpuLimitExemption' \(" "\) is empty; an exemption needs a written reason/],
    ['sidecar without probes in prod', { sidecars: [{ name: 'proxy', image: 'registry.example.com/proxy:1.0.0' }] }, Profile.PROD, /'sidecars\[0\]\.readiness' \("proxy"\) is a sidecar without readiness and liveness probes/],
    ['sidecar image on latest', { sidecars: [{ name: 'proxy', image: 'registry.example.com/proxy:latest', readiness: AppProbe.tcpSocket({ port: '15000' }), liveness: AppProbe.exec(['true']), ports: [{ name: 'p', port: 15000 }] }] }, Profile.PROD, /'sidecars\[0\]\.image' .* uses the mutable tag 'latest', which is not allowed in prod/],
    ['duplicate container name', { initContainers: [{ name: 'main', image: 'registry.example.com/x:1.0.0' }] }, Profile.PROD, /'initContainers\[0\]\.name' \("main"\) is used by another container/],
    ['init container with probes', { initContainers: [{ name: 'init', image: 'registry.example.com/x:1.0.0', liveness: AppProbe.tcpSocket() }] }, Profile.PROD, /'initContainers\[0\]' \("init"\) is an init container with ports or probes/],
    ['SSH port', { port: 22 }, Profile.PROD, /'port' \(22\) is the SSH port/],
    // the hardened pod's newer props (issue 7)
    ['sidecar probe on a port it does not expose', { sidecars: [{ ...SIDECAR, readiness: AppProbe.httpGet('/ready', { port: 'http' }) }] }, Profile.PROD,
      /'sidecars\[0\]\.readiness\.port' \("http"\) is not a port of sidecar 'shipper'/],
    ['sidecar probe needing a port on a sidecar without ports', { sidecars: [{ ...SIDECAR, ports: undefined, liveness: AppProbe.tcpSocket() }] }, Profile.PROD,
      /'sidecars\[0\]\.liveness' \("tcpSocket"\) needs a port, and sidecar 'shipper' has none\. Fix: use AppProbe\.exec/],
    ['sidecar with identical liveness and readiness', { sidecars: [{ ...SIDECAR, liveness: AppProbe.httpGet('/ready') }] }, Profile.PROD,
      /'sidecars\[0\]\.liveness' \("same check as readiness"\) runs the same check as the readiness probe/],
    ['a volume named like a library volume', { volumeMounts: [{ volume: kplus.Volume.fromEmptyDir(new Chart(Testing.app(), 'v1'), 'V', 'writable-0'), path: '/data' }] }, Profile.PROD,
      /'volumeMounts\[0\]\.volume' \("writable-0"\) collides with a volume the library creates/],
    ['two volumes with one name', {
      volumeMounts: [{ volume: kplus.Volume.fromEmptyDir(new Chart(Testing.app(), 'v2'), 'V', 'data'), path: '/data' }],
      sidecars: [{ ...SIDECAR, volumeMounts: [{ volume: kplus.Volume.fromEmptyDir(new Chart(Testing.app(), 'v3'), 'V', 'data'), path: '/data' }] }],
    }, Profile.PROD, /'sidecars\[0\]\.volumeMounts\[0\]\.volume' \("data"\) is the name of another volume of the pod/],
    ['a relative sidecar mount path', { sidecars: [{ ...SIDECAR, volumeMounts: [{ volume: kplus.Volume.fromEmptyDir(new Chart(Testing.app(), 'v4'), 'V', 'logs'), path: 'logs' }] }] }, Profile.PROD,
      /'sidecars\[0\]\.volumeMounts\[0\]\.path' \("logs"\) is not an absolute path/],
    ['a toleration with an invalid effect', { tolerations: [kplus.NodeTaintQuery.is('dedicated', 'web', { effect: 'Sometimes' as kplus.TaintEffect })] }, Profile.PROD,
      /'tolerations\[0\]\.effect' \("Sometimes"\) is not a taint effect\. Fix: use one of NoSchedule, PreferNoSchedule, NoExecute/],
    ['a toleration with an invalid operator', { tolerations: [new (kplus.NodeTaintQuery as any)('Maybe', 'dedicated')] }, Profile.PROD,
      /'tolerations\[0\]\.operator' \("Maybe"\) is not a toleration operator/],
    ['a toleration key that is not a label key', { tolerations: [kplus.NodeTaintQuery.is('bad key', 'x')] }, Profile.PROD,
      /'tolerations\[0\]\.key' \("bad key"\) is not a valid taint key/],
    ['a node affinity weight out of range', { nodeAffinity: [{ node: kplus.Node.labeled(kplus.NodeLabelQuery.is('pool', 'web')), weight: 0 }] }, Profile.PROD,
      /'nodeAffinity\[0\]\.weight' \(0\) is not a scheduling weight/],
    ['a pod label the library owns', { podLabels: { 'app.kubernetes.io/name': 'other' } }, Profile.PROD,
      /'podLabels\.app\.kubernetes\.io\/name' \("other"\) sets a 'app\.kubernetes\.io\/\*' label, which the library sets/],
    ['an invalid pod label value', { podLabels: { team: 'shop team' } }, Profile.PROD, /'podLabels\.team' \("shop team"\) is not a valid label value/],
    ['an invalid annotation key', { podAnnotations: { 'bad key': 'x' } }, Profile.PROD, /'podAnnotations\.bad key' \("bad key"\) is not a valid annotation key/],
    ['an invalid node selector key', { nodeSelector: { '-pool': 'web' } }, Profile.PROD, /'nodeSelector\.-pool' \("-pool"\) is not a valid label key/],
    ['an invalid Service label', { serviceLabels: { tier: '-edge' } }, Profile.PROD, /'serviceLabels\.tier' \("-edge"\) is not a valid label value/],
    ['an invalid ServiceAccount annotation key', { serviceAccountAnnotations: { 'example.com/': 'x' } }, Profile.PROD,
      /'serviceAccountAnnotations\.example\.com\/' \("example\.com\/"\) is not a valid annotation key/],
  ];

  test.each(cases)('throws for %s', (_title, props, profile, expected) => {
    const chart = chartFor(profile);
    const message = errorOf(() => new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz', ...props }));
    expect(message).toMatch(/^ProductionApp 'test\/Web' has \d+ invalid props?:/);
    expect(message).toMatch(expected);
    expect(message).toMatch(/Fix: /);
  });

  test('has more than 25 distinct bad-input cases, 15 of them for the hardened pod\'s newer props', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25 + 15);
  });

  test('reports every problem of one construct in one error', () => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ProductionApp(chart, 'Web', {
      image: 'registry.example.com/web:latest', port: 70000, replicas: 1, name: 'Bad_Name', healthPath: '/healthz',
    }));
    expect(message).toMatch(/has 4 invalid props/);
    for (const prop of ['image', 'port', 'replicas', 'name']) {
      expect(message).toContain(`'${prop}'`);
    }
  });

  test('in dev, policy breaches are warnings, not errors', () => {
    // GIVEN a dev chart with what prod forbids
    const chart = chartFor(Profile.DEV);
    const app = new ProductionApp(chart, 'Web', {
      image: 'registry.example.com/web:latest', port: 8080, replicas: 1, healthPath: '/healthz',
      security: { readOnlyRootFilesystem: false },
      env: { API_TOKEN: kplus.EnvValue.fromValue('abc') },
    });
    // THEN it synthesizes, and the breaches are recorded as warnings
    const manifests = Testing.synth(chart);
    expect(mainContainer(manifests).securityContext.readOnlyRootFilesystem).toBe(false);
    const warnings = Warnings.collect(chart);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^test\/Web: 'image' \("registry.example.com\/web:latest"\) uses the mutable tag 'latest'\. Fix: pin/);
    expect(warnings[1]).toMatch(/^test\/Web: 'security.readOnlyRootFilesystem' \(false\) makes the root filesystem writable/);
    expect(warnings[2]).toMatch(/'env.API_TOKEN' .* looks like a secret/);
    expect(app.replicas).toBe(1);
  });
});

describe('Profile', () => {
  test('is read from the nearest scope that sets it', () => {
    const chart = chartFor(Profile.STAGING);
    expect(Profile.of(chart)).toBe(Profile.STAGING);
    expect(Profile.named('dev')).toBe(Profile.DEV);
    expect(Profile.all().map((p) => p.name)).toEqual(['dev', 'staging', 'prod']);
  });

  test('throws when set after constructs were added', () => {
    const chart = Testing.chart();
    new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz' });
    expect(errorOf(() => Profile.use(chart, Profile.DEV))).toMatch(/Profile.use\('dev'\) was called after constructs were added/);
  });

  test('throws for an unknown name', () => {
    expect(errorOf(() => Profile.named('production'))).toBe("Unknown profile 'production': use one of 'dev', 'staging', 'prod'");
  });
});

describe('determinism', () => {
  test('synthesizing the same app twice gives byte-identical YAML', () => {
    const build = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'shop');
      Profile.use(chart, Profile.PROD);
      const web = new ProductionApp(chart, 'Web', { image: IMAGE, port: 8080, healthPath: '/healthz', autoscaling: {} });
      const api = new ProductionApp(chart, 'Api', { image: IMAGE, port: 9000, healthPath: '/healthz' });
      web.connectsTo(api);
      return app.synthYaml();
    };
    const first = build();
    expect(first.length).toBeGreaterThan(1000);
    expect(build()).toBe(first);
  });
});

describe('ProductionApp singleReplicaReason', () => {
  const REASON = 'Grafana keeps its state in SQLite on one pod';

  test('runs one replica in every profile and records the exemption with the reason', () => {
    for (const profile of [Profile.DEV, Profile.STAGING, Profile.PROD]) {
      // GIVEN a reason and no replica count
      const { app, manifests } = synthApp({ singleReplicaReason: REASON }, profile);
      // THEN one replica, the exemption the scanners read, and no findings in prod
      const deployment = one(manifests, 'Deployment');
      expect(app.replicas).toBe(1);
      expect(app.minReplicas).toBe(1);
      expect(app.singleReplicaReason).toBe(REASON);
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBe(REASON);
      expect(deployment.metadata.annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
      expect(one(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
      expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
      expectValidManifests(manifests);
    }
  });

  test('an explicit replicas: 1 with a reason is accepted', () => {
    expect(synthApp({ replicas: 1, singleReplicaReason: REASON }).app.replicas).toBe(1);
  });

  test('unset, nothing changes', () => {
    const { app, manifests } = synthApp();
    expect(app.singleReplicaReason).toBeUndefined();
    expect(one(manifests, 'Deployment').metadata.annotations['production.platform.io/exempt-deployment-replicas']).toBeUndefined();
  });

  test('throws for an empty reason', () => {
    expect(errorOf(() => synthApp({ singleReplicaReason: '  ' }))).toMatch(/'singleReplicaReason' \("  "\) is empty; an exemption needs a reason/);
  });

  test('throws for a reason with replicas above 1', () => {
    expect(errorOf(() => synthApp({ replicas: 3, singleReplicaReason: REASON }))).toMatch(/'replicas' \(3\) is not 1, but 'singleReplicaReason' says/);
  });

  test('throws for a reason with autoscaling', () => {
    expect(errorOf(() => synthApp({ autoscaling: {}, singleReplicaReason: REASON }))).toMatch(/'singleReplicaReason' .* is set together with 'autoscaling'/);
  });
});
