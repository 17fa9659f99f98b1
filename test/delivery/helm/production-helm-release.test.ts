import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  HelmReleaseValidation, NetworkPeer, ObservabilityStack, ProductionApp, ProductionHelmRelease, ProductionHelmReleaseProps, ProductionNamespace,
  Profile, RulePack, Warnings, WorkloadMonitoring,
} from '../../../lib';
import { errorOf } from '../../helpers/errors';
import { ofKind, one } from '../../helpers/manifests';
import { named, stackProps } from '../../helpers/observability';
import { expectValidManifests } from '../../helpers/schema';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'helm');
const WEBSHOP = path.join(FIXTURES, 'webshop', 'rendered.yaml');
const LEGACY = path.join(FIXTURES, 'legacy', 'rendered.yaml');

/** A chart in `profile` (namespace `shop`), in its own app. */
function shopChart(profile: Profile = Profile.PROD): Chart {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  Profile.use(chart, profile);
  return chart;
}

/** Writes `text` to a temporary file and returns its path. */
function tempYaml(text: string, name = 'rendered.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-fixture-'));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

/** A minimal Deployment document. */
function deploymentYaml(name: string, labels: Record<string, string>, extra = ''): string {
  const lines = Object.entries(labels).map(([k, v]) => `      ${k}: ${v}`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  selector:
    matchLabels:
${lines.replace(/^ {6}/gm, '      ')}
  template:
    metadata:
      labels:
${lines.replace(/^ {6}/gm, '        ')}
    spec:
      containers:
        - name: main
          image: registry.example.com/x:1.0.0
${extra}`;
}

describe('ProductionHelmRelease on the hardened webshop chart', () => {
  test('snapshot of the chart with its additions', () => {
    // GIVEN
    const chart = shopChart();
    // WHEN
    new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
    // THEN
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('includes every chart object, in the namespace of the chart, unchanged but for the profile stamp', () => {
    const chart = shopChart();
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
    const out = Testing.synth(chart);
    expect(release.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'ServiceAccount/webshop-web', 'ServiceAccount/webshop-cart', 'ConfigMap/webshop-web-config', 'Service/webshop-web',
      'Service/webshop-cart', 'Deployment/webshop-web', 'StatefulSet/webshop-cart',
    ]);
    const deployment = named(out, 'Deployment', 'webshop-web');
    expect(deployment.metadata.namespace).toBe('shop');
    expect(deployment.metadata.annotations).toEqual({ 'production.platform.io/profile': 'prod' });
    // the chart's own labels and pod template are kept as rendered
    expect(deployment.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'webshop', 'app.kubernetes.io/instance': 'webshop-web' } });
  });

  test('adds a PodDisruptionBudget that selects exactly the pods of each replicated workload', () => {
    const chart = shopChart();
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
    const out = Testing.synth(chart);
    const budgets = ofKind(out, 'PodDisruptionBudget');
    expect(budgets.map((b) => b.metadata.name)).toEqual(['webshop-web', 'webshop-cart']);
    for (const workload of ['Deployment', 'StatefulSet'].map((k) => one(out, k))) {
      const podLabels = workload.spec.template.metadata.labels;
      const selecting = budgets.filter((b) => Object.entries(b.spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v));
      expect(selecting).toHaveLength(1);
      expect(selecting[0].spec.selector).toEqual(workload.spec.selector);
      // the library's defaults: one pod at a time, unhealthy pods always evictable
      expect(selecting[0].spec.maxUnavailable).toBe(1);
      expect(selecting[0].spec.minAvailable).toBeUndefined();
      expect(selecting[0].spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
      expect(selecting[0].metadata.labels['app.kubernetes.io/managed-by']).toBe('cdk8s-production');
    }
    expect(release.workload('webshop-web').disruptionBudget).toBeDefined();
  });

  test('adds a NetworkPolicy per workload: default deny, DNS egress, own replicas on the main port, ports from the Services', () => {
    const chart = shopChart();
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
    const web = release.workload('webshop-web');
    const cart = release.workload('StatefulSet/webshop-cart');
    // the Service's target ports first (http, then metrics), by container port number
    expect(web.ports).toEqual([{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }]);
    expect(cart.ports).toEqual([{ name: 'redis', port: 6379 }]);
    expect(web.podSelector).toEqual({ 'app.kubernetes.io/name': 'webshop', 'app.kubernetes.io/instance': 'webshop-web' });
    const policy = named(Testing.synth(chart), 'NetworkPolicy', 'webshop-web');
    expect(policy.spec.podSelector).toEqual({ matchLabels: web.podSelector });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: web.podSelector } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(policy.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
  });

  test('chart workloads pair like hardened workloads, with each other and with a ProductionApp', () => {
    const chart = shopChart();
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
    const web = release.workload('webshop-web');
    const cart = release.workload('webshop-cart');
    web.connectsTo(cart);
    const checkout = new ProductionApp(chart, 'Checkout', { name: 'checkout', image: 'registry.example.com/checkout:1.0.0', port: 8080, healthPath: '/healthz' });
    checkout.connectsTo(web);
    web.allowFrom(NetworkPeer.inNamespace('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }), { ports: [8080] });
    const out = Testing.synth(chart);
    const webPolicy = named(out, 'NetworkPolicy', 'webshop-web');
    const cartPolicy = named(out, 'NetworkPolicy', 'webshop-cart');
    expect(webPolicy.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: cart.podSelector } }], ports: [{ port: 6379, protocol: 'TCP' }] });
    expect(cartPolicy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: web.podSelector } }], ports: [{ port: 6379, protocol: 'TCP' }] }]);
    expect(webPolicy.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: checkout.podSelector } }], ports: [{ port: 8080, protocol: 'TCP' }] });
    expect(named(out, 'NetworkPolicy', 'checkout').spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: web.podSelector } }], ports: [{ port: 8080, protocol: 'TCP' }] });
    expect(RulePack.check(out, { profile: 'prod' }).findings).toEqual([]);
  });

  test('throws when an allow names a port the chart workload does not serve', () => {
    const release = new ProductionHelmRelease(shopChart(), 'Webshop', { manifests: WEBSHOP });
    expect(errorOf(() => release.workload('webshop-cart').allowFrom(release.workload('webshop-web'), { ports: [8080] })))
      .toContain("'allowFrom' ports (8080) are not ports of the app. Fix: use one of 6379");
  });

  test('every object is valid against the 1.28 schema and the CRDs, and the rule pack finds nothing in prod', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    Profile.use(platform, Profile.PROD);
    const stack = new ObservabilityStack(platform, 'Observability', stackProps(platform));
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    Profile.use(chart, Profile.PROD);
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP, stack });
    const out = Testing.synth(chart);
    expectValidManifests(out);
    expect(release.check().findings).toEqual([]);
    expect(RulePack.check(out, { profile: 'prod' }).findings).toEqual([]);
    expect(release.node.validate()).toEqual([]);
  });

  test('with a stack: a ServiceMonitor on the Service port that exposes the metrics port, and Prometheus allowed on it', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const stack = new ObservabilityStack(platform, 'Observability', stackProps(platform));
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    Profile.use(chart, Profile.PROD);
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP, stack });
    const out = Testing.synth(chart);
    const monitor = one(out, 'ServiceMonitor');
    expect(monitor.metadata.labels).toMatchObject(stack.selectorLabels);
    expect(monitor.spec).toEqual({
      selector: { matchLabels: named(out, 'Service', 'webshop-web').metadata.labels },
      namespaceSelector: { matchNames: ['shop'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expect(ofKind(out, 'PodMonitor')).toEqual([]);
    expect(release.workload('webshop-cart').serviceMonitor).toBeUndefined();
    expect(named(out, 'NetworkPolicy', 'webshop-web').spec.ingress).toContainEqual({
      from: [stack.prometheusPeer.toNetworkPolicyPeer('shop')], ports: [{ port: 9090, protocol: 'TCP' }],
    });
  });

  test('with a stack: a PodMonitor when no Service exposes the metrics port, and none without a stack', () => {
    const file = tempYaml(deploymentYaml('api', { 'app.kubernetes.io/name': 'api' }, `          ports:
            - name: http-metrics
              containerPort: 9102
`));
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const stack = new ObservabilityStack(platform, 'Observability', stackProps(platform));
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    // the bare Deployment breaks floors the release cannot fix; only the monitor is under test here
    new ProductionHelmRelease(chart, 'Api', { manifests: file, stack, validation: HelmReleaseValidation.OFF });
    const out = Testing.synth(chart);
    expect(one(out, 'PodMonitor').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, namespaceSelector: { matchNames: ['shop'] },
      podMetricsEndpoints: [{ port: 'http-metrics', path: '/metrics', interval: '30s' }],
    });
    expectValidManifests(out);
    const bare = shopChart();
    new ProductionHelmRelease(bare, 'Api', { manifests: file, validation: HelmReleaseValidation.OFF });
    expect([...ofKind(Testing.synth(bare), 'PodMonitor'), ...ofKind(Testing.synth(bare), 'ServiceMonitor')]).toEqual([]);
  });

  test('WorkloadMonitoring takes a chart workload: a PodMonitor, pod-level alerts and the budget alert', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const stack = new ObservabilityStack(platform, 'Observability', stackProps(platform));
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    Profile.use(chart, Profile.PROD);
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
    new WorkloadMonitoring(chart, 'WebMonitoring', { workload: release.workload('webshop-web'), stack, metrics: { port: 9090 } });
    const out = Testing.synth(chart);
    expect(one(out, 'PodMonitor').spec.selector).toEqual({ matchLabels: release.workload('webshop-web').podSelector });
    const alerts = one(out, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(alerts).toEqual(expect.arrayContaining(['WorkloadPodCrashLooping', 'WorkloadMemoryNearLimit', 'WorkloadPdbAtLimit', 'WorkloadTargetDown']));
    expectValidManifests(out);
    expect(RulePack.check(out, { profile: 'prod' }).findings).toEqual([]);
  });

  test('additions: false leaves a workload as the chart wrote it, and resolves an overlap', () => {
    const file = tempYaml(`${deploymentYaml('a', { app: 'x' })}---\n${deploymentYaml('b', { app: 'x' })}`);
    const chart = shopChart(Profile.DEV);
    const release = new ProductionHelmRelease(chart, 'Pair', { manifests: file, workloads: { b: { additions: false } } });
    expect(release.workloads.map((w) => w.name)).toEqual(['a']);
    expect(ofKind(Testing.synth(chart), 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['a']);
    expect(errorOf(() => release.workload('b'))).toContain("'workload' (\"b\") is not a workload of the chart with additions");
  });

  test('a directory of rendered files (helm template --output-dir) is read in name order', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-dir-'));
    fs.mkdirSync(path.join(dir, 'webshop', 'templates'), { recursive: true });
    const docs = fs.readFileSync(WEBSHOP, 'utf8').split(/^---$/m).slice(1);
    // written in reverse order: the output must not depend on it
    docs.slice().reverse().forEach((d, i) => fs.writeFileSync(path.join(dir, 'webshop', 'templates', `${String.fromCharCode(97 + docs.length - 1 - i)}.yaml`), d));
    fs.writeFileSync(path.join(dir, 'webshop', 'README.md'), 'not a manifest');
    const chart = shopChart();
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: dir });
    expect(release.objects.map((o) => o.name)).toEqual(['webshop-web', 'webshop-cart', 'webshop-web-config', 'webshop-web', 'webshop-cart', 'webshop-web', 'webshop-cart']);
    expect(release.workloads.map((w) => `${w.controllerKind}/${w.name}`)).toEqual(['Deployment/webshop-web', 'StatefulSet/webshop-cart']);
  });

  test('output is deterministic', () => {
    const build = () => {
      const chart = shopChart();
      new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP });
      return JSON.stringify(Testing.synth(chart));
    };
    expect(build()).toEqual(build());
  });

  test('a namespace from a ProductionNamespace; cluster-scoped objects get none; labels stamped on metadata only', () => {
    const chart = new Chart(Testing.app(), 'c');
    Profile.use(chart, Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Legacy', { name: 'legacy' });
    const release = new ProductionHelmRelease(ns, 'Legacy', { manifests: LEGACY, labels: { 'app.kubernetes.io/part-of': 'legacy' }, validation: HelmReleaseValidation.OFF });
    expect(release.namespaceName).toBe('legacy');
    const out = Testing.synth(chart);
    const role = one(out, 'ClusterRole');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.metadata.labels['app.kubernetes.io/part-of']).toBe('legacy');
    const deployment = one(out, 'Deployment');
    expect(deployment.metadata.namespace).toBe('legacy');
    expect(deployment.metadata.labels['app.kubernetes.io/part-of']).toBe('legacy');
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/part-of']).toBeUndefined();
    expect(deployment.spec.selector.matchLabels['app.kubernetes.io/part-of']).toBeUndefined();
    expect(named(out, 'NetworkPolicy', 'legacy-api').metadata.labels['app.kubernetes.io/part-of']).toBe('legacy');
  });

  test('namespaceName moves objects that inherit the chart namespace; an object that names another namespace keeps it', () => {
    const file = tempYaml(`${deploymentYaml('api', { app: 'api' })}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: elsewhere
  namespace: monitoring
data: {}
`);
    const chart = shopChart(Profile.DEV);
    new ProductionHelmRelease(chart, 'Api', { manifests: file, namespaceName: 'catalog' });
    const out = Testing.synth(chart);
    expect(one(out, 'Deployment').metadata.namespace).toBe('catalog');
    expect(one(out, 'NetworkPolicy').metadata.namespace).toBe('catalog');
    expect(one(out, 'ConfigMap').metadata.namespace).toBe('monitoring');
  });

  test('the rule pack judges the release among the whole app: a ServiceAccount defined outside the chart counts', () => {
    const withoutAccount = fs.readFileSync(WEBSHOP, 'utf8').split(/^---$/m).filter((d) => !d.includes('serviceaccount-web.yaml')).join('---');
    const file = tempYaml(withoutAccount);
    const alone = new ProductionHelmRelease(shopChart(), 'Webshop', { manifests: file, validation: HelmReleaseValidation.OFF });
    expect(alone.check().findings.map((f) => `${f.ruleId} ${f.objectRef.kind}/${f.objectRef.name}`)).toEqual(['service-account-exists Deployment/webshop-web']);
    const chart = shopChart();
    new kplus.ServiceAccount(chart, 'Shared', { metadata: { name: 'webshop-web' }, automountToken: false });
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: file });
    const report = release.check();
    expect(report.findings).toEqual([]);
    expect(report.objectCount).toBe(10);
  });

  test('a chart that has a PodDisruptionBudget for the pods gets none added; a name clash gets a suffix', () => {
    const file = tempYaml(`${deploymentYaml('api', { app: 'api' })}---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: api
`);
    const chart = shopChart(Profile.DEV);
    const release = new ProductionHelmRelease(chart, 'Api', { manifests: file });
    const out = Testing.synth(chart);
    expect(ofKind(out, 'PodDisruptionBudget').map((b) => b.metadata.name)).toEqual(['api']);
    expect(release.workload('api').disruptionBudget).toBeUndefined();
    expect(named(out, 'NetworkPolicy', 'api-production').spec.podSelector).toEqual({ matchLabels: { app: 'api' } });
  });

  test('a DaemonSet and a Job get a NetworkPolicy but no PodDisruptionBudget', () => {
    const file = tempYaml(`apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.0.0
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    metadata:
      labels:
        app: migrate
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:1.0.0
`);
    const chart = shopChart(Profile.DEV);
    const release = new ProductionHelmRelease(chart, 'Agent', { manifests: file });
    const out = Testing.synth(chart);
    expect(ofKind(out, 'PodDisruptionBudget')).toEqual([]);
    expect(ofKind(out, 'NetworkPolicy').map((p) => p.spec.podSelector)).toEqual([{ matchLabels: { app: 'agent' } }, { matchLabels: { app: 'migrate' } }]);
    expect(release.workloads.map((w) => w.controllerKind)).toEqual(['DaemonSet', 'Job']);
    expectValidManifests(out);
  });

  test('a workload that mounts a token may reach the API server endpoints of its ProductionNamespace', () => {
    const file = tempYaml(deploymentYaml('operator', { app: 'operator' }));
    const chart = new Chart(Testing.app(), 'c');
    const ns = new ProductionNamespace(chart, 'Ops', { name: 'ops', apiServer: (require('../../../lib') as any).KubernetesApiServer.endpoints(['10.0.0.1/32']) });
    new ProductionHelmRelease(ns, 'Operator', { manifests: file, validation: HelmReleaseValidation.OFF });
    expect(named(Testing.synth(chart), 'NetworkPolicy', 'operator').spec.egress)
      .toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
  });
});

describe('ProductionHelmRelease on a chart that breaks the floors', () => {
  test('throws at synthesis in prod with every finding of severity error and how to fix it', () => {
    const chart = shopChart(Profile.PROD);
    const release = new ProductionHelmRelease(chart, 'Legacy', { manifests: LEGACY });
    const problems = release.node.validate();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("ProductionHelmRelease 'shop/Legacy': the chart and its additions have");
    expect(problems[0]).toContain('image-tag-pinned: Deployment shop/legacy-api (spec.template.spec.containers[0]) container \'api\' uses image');
    expect(problems[0]).toContain('run-as-non-root: Deployment shop/legacy-api');
    expect(problems[0]).toContain('container-resources: Deployment shop/legacy-api');
    expect(problems[0]).toContain("record an exemption with its reason ('exemptions'");
    // what the release adds is never a finding
    expect(problems[0]).not.toContain('pdb-exists');
    expect(problems[0]).not.toContain('pod-network-policy');
    const app = chart.node.root as App;
    expect(() => app.synth()).toThrow(/image-tag-pinned/);
  });

  test('in dev the findings are warnings; WARN makes them warnings in prod; OFF runs no check', () => {
    const dev = shopChart(Profile.DEV);
    const inDev = new ProductionHelmRelease(dev, 'Legacy', { manifests: LEGACY });
    expect(inDev.node.validate()).toEqual([]);
    const warnings = inDev.node.metadata.filter((m) => m.type === Warnings.METADATA_KEY).map((m) => String(m.data));
    expect(warnings.some((w) => w.startsWith('warning: image-tag-pinned: Deployment shop/legacy-api'))).toBe(true);
    const warned = new ProductionHelmRelease(shopChart(Profile.PROD), 'Legacy', { manifests: LEGACY, validation: HelmReleaseValidation.WARN });
    expect(warned.node.validate()).toEqual([]);
    expect(warned.node.metadata.some((m) => m.type === Warnings.METADATA_KEY && String(m.data).startsWith('error: run-as-non-root'))).toBe(true);
    const off = new ProductionHelmRelease(shopChart(Profile.PROD), 'Legacy', { manifests: LEGACY, validation: HelmReleaseValidation.OFF });
    expect(off.node.validate()).toEqual([]);
    expect(off.check().errorCount).toBeGreaterThan(0);
  });

  test('the typed patches fix what can be fixed from outside; exemptions with reasons cover the rest', () => {
    const chart = shopChart(Profile.PROD);
    const size = { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      ephemeralStorage: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } };
    const release = new ProductionHelmRelease(chart, 'Legacy', {
      manifests: LEGACY,
      hardenSecurityContext: true,
      workloads: {
        'legacy-api': {
          resources: { 'api': size, 'metrics-exporter': size },
          images: { api: `registry.example.com/legacy/api:3.1.0@sha256:${'a'.repeat(64)}` },
        },
      },
      exemptions: [{ target: 'Deployment/legacy-api', ruleId: 'readiness-probe', reason: 'the vendor image has no health endpoint (VENDOR-12)' }],
      validation: HelmReleaseValidation.OFF,
    });
    const deployment = one(Testing.synth(chart), 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    // the read-only root filesystem gets the library's writable /tmp
    expect(pod.volumes).toEqual([{ name: 'production-writable-0', emptyDir: { sizeLimit: '1Gi' } }]);
    expect(pod.containers.map((c: any) => c.volumeMounts)).toEqual([[{ name: 'production-writable-0', mountPath: '/tmp' }], [{ name: 'production-writable-0', mountPath: '/tmp' }]]);
    expect(pod.containers[0].image).toBe(`registry.example.com/legacy/api:3.1.0@sha256:${'a'.repeat(64)}`);
    expect(pod.containers[1].image).toBe('registry.example.com/legacy/exporter:latest');
    expect(pod.containers[1].resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' }, limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(deployment.metadata.annotations['production.platform.io/exempt-readiness-probe']).toBe('the vendor image has no health endpoint (VENDOR-12)');
    const report = release.check();
    const left = [...new Set(report.findings.map((f) => `${f.ruleId}${f.message.includes("'metrics-exporter'") ? ' (exporter)' : ''}`))].sort();
    // what only the chart's values can change is still reported
    expect(left).toEqual(['deployment-replicas', 'image-pull-policy (exporter)', 'image-tag-pinned (exporter)', 'liveness-probe', 'liveness-probe (exporter)',
      'priority-class', 'service-account-token', 'topology-spread-declared']);
    expect(report.exemptions.map((e) => e.ruleId)).toEqual(['readiness-probe']);
    expectValidManifests(Testing.synth(chart));
  });

  test('hardenSecurityContext on a chart that is already hardened keeps its ids, fields and /tmp mount', () => {
    const chart = shopChart(Profile.PROD);
    const release = new ProductionHelmRelease(chart, 'Webshop', { manifests: WEBSHOP, hardenSecurityContext: true });
    const out = Testing.synth(chart);
    const cart = one(out, 'StatefulSet').spec.template.spec;
    expect(cart.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    const web = one(out, 'Deployment').spec.template.spec;
    expect(web.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(web.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    // the cart store writes /data only: it gets the library's /tmp
    expect(cart.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, { name: 'production-writable-0', mountPath: '/tmp' }]);
    expect(release.check().findings).toEqual([]);
    expectValidManifests(out);
  });

  test('an exemption of a rule the scanners know also writes their annotations', () => {
    const chart = shopChart(Profile.PROD);
    new ProductionHelmRelease(chart, 'Legacy', {
      manifests: LEGACY, validation: HelmReleaseValidation.OFF,
      exemptions: [{ target: 'Deployment/legacy-api', ruleId: 'cpu-limits', reason: 'latency-sensitive; CPU capped by quota' }],
    });
    const annotations = one(Testing.synth(chart), 'Deployment').metadata.annotations;
    expect(annotations).toMatchObject({
      'production.platform.io/exempt-cpu-limits': 'latency-sensitive; CPU capped by quota',
      'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
      'kube-score/ignore': 'container-resources',
    });
  });
});

describe('ProductionHelmRelease with the helm command', () => {
  const fakeHelm = (dir: string) => {
    const script = path.join(dir, 'helm');
    fs.writeFileSync(script, `#!/bin/sh\necho "$@" > "${path.join(dir, 'args')}"\ncat "${WEBSHOP}"\n`, { mode: 0o755 });
    return script;
  };

  test('renders the chart with `helm template` (a fake helm on the PATH prints the fixture)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
    fakeHelm(dir);
    const previous = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${previous}`;
    try {
      const chart = shopChart();
      const release = new ProductionHelmRelease(chart, 'Webshop', {
        helm: { chart: 'platform/webshop', repo: 'https://charts.example.com', version: '0.3.1', releaseName: 'webshop', values: { replicas: 3 } },
      });
      const args = fs.readFileSync(path.join(dir, 'args'), 'utf8').trim().split(' ');
      expect(args[0]).toBe('template');
      expect(args).toEqual(expect.arrayContaining(['--repo', 'https://charts.example.com', '--version', '0.3.1', '--namespace', 'shop', 'webshop', 'platform/webshop', '-f']));
      expect(release.releaseName).toBe('webshop');
      expect(release.workloads.map((w) => w.name)).toEqual(['webshop-web', 'webshop-cart']);
      expect(release.check().findings).toEqual([]);
    } finally {
      process.env.PATH = previous;
    }
  });

  test('helmExecutable names the script directly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-helm-'));
    const script = fakeHelm(dir);
    // a chart folder on disk needs no version pin, even in prod
    const release = new ProductionHelmRelease(shopChart(), 'Webshop', { helm: { chart: path.relative(process.cwd(), path.join(FIXTURES, 'webshop')), helmExecutable: script } });
    expect(release.objects).toHaveLength(7);
    expect(fs.readFileSync(path.join(dir, 'args'), 'utf8')).not.toContain('--version');
  });
});

describe('ProductionHelmRelease bad input', () => {
  const make = (props: ProductionHelmReleaseProps, profile: Profile = Profile.PROD) => () => new ProductionHelmRelease(shopChart(profile), 'Rel', props);
  const cases: [string, () => unknown, string[]][] = [
    ['no chart at all', make({}), ["'manifests' (not set) and 'helm' are both unset"]],
    ['both sources', make({ manifests: WEBSHOP, helm: { chart: './x' } }), ["'helm' (\"./x\") is set together with 'manifests'"]],
    ['a missing file', make({ manifests: '/no/such/rendered.yaml' }), ['(/no/such/rendered.yaml) does not exist', 'helm template']],
    ['an empty directory', make({ manifests: fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')) }), ['is a directory without .yaml or .yml files']],
    ['unparsable YAML', make({ manifests: tempYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\nkind: [unclosed\n') }),
      ['(document 2) is not valid YAML', 'rendered manifests are never edited by hand']],
    ['a document that is not an object', make({ manifests: tempYaml('- a\n- b\n') }), ['(document 1) is not a Kubernetes object']],
    ['an object without a name', make({ manifests: tempYaml('apiVersion: v1\nkind: ConfigMap\ndata: {}\n') }), ['ConfigMap has no metadata.name']],
    ['a List', make({ manifests: tempYaml('apiVersion: v1\nkind: List\nitems: []\n') }), ['is a List, which cdk8s Include keeps as one object']],
    ['a workload name that does not exist', make({ manifests: WEBSHOP, workloads: { 'webshop-wep': {} } }),
      ["'workloads.webshop-wep' (\"webshop-wep\") is not a workload of the chart (it has Deployment/webshop-web, StatefulSet/webshop-cart)", "did you mean 'webshop-web'?"]],
    ['a selector with matchExpressions', make({ manifests: tempYaml(deploymentYaml('a', { app: 'a' }).replace('    matchLabels:\n      app: a\n', '    matchExpressions:\n      - { key: app, operator: In, values: [a] }\n')) }),
      ['selects its pods with matchExpressions', "set workloads['a'].additions to false"]],
    ['a missing selector', make({ manifests: tempYaml(deploymentYaml('a', { app: 'a' }).replace('  selector:\n    matchLabels:\n      app: a\n', '')) }), ['has no spec.selector']],
    ['a selector that does not match the pods', make({ manifests: tempYaml(deploymentYaml('a', { app: 'a' }).replace('    matchLabels:\n      app: a', '    matchLabels:\n      app: b')) }),
      ['does not match its pod template\'s labels']],
    ['overlapping workloads', make({ manifests: tempYaml(`${deploymentYaml('a', { app: 'x' })}---\n${deploymentYaml('b', { app: 'x' })}`) }),
      ["'workloads.b' (\"Deployment/b\") has pods that Deployment/a's selector also selects"]],
    ['a minAvailable at the replica count', make({ manifests: WEBSHOP, workloads: { 'webshop-web': { disruptionBudget: { minAvailable: 3 } } } }),
      ["'workloads.webshop-web.disruptionBudget.minAvailable' (3) must be below the chart's replicas (3)"]],
    ['both budget fields and a zero maxUnavailable', make({ manifests: WEBSHOP, workloads: { 'webshop-cart': { disruptionBudget: { maxUnavailable: 0, minAvailable: 1 } } } }),
      ['sets both maxUnavailable and minAvailable', "'workloads.webshop-cart.disruptionBudget.maxUnavailable' (0) blocks every eviction"]],
    ['resources for a container that does not exist', make({ manifests: WEBSHOP, workloads: { 'webshop-web': { resources: { webb: {} } } } }),
      ["'workloads.webshop-web.resources.webb' (\"webb\") is not a container of Deployment/webshop-web (it has web)", "did you mean 'web'?"]],
    ['a memory request above its limit', make({ manifests: WEBSHOP, workloads: { 'webshop-web': { resources: { web: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } } } } }),
      ["'workloads.webshop-web.resources.web.memory' (\"2048Mi > 1024Mi\") asks for more than its limit"]],
    ['images that are not references or are latest, for a missing container', make({ manifests: WEBSHOP, workloads: { 'webshop-web': { images: { web: 'registry.example.com/web:latest', sidecar: 'Not An Image' } } } }),
      ["'workloads.webshop-web.images.web' (\"registry.example.com/web:latest\") has no tag but latest and no digest", "'workloads.webshop-web.images.sidecar' (\"sidecar\") is not a container of Deployment/webshop-web",
        "'workloads.webshop-web.images.sidecar' (\"Not An Image\") is not an image reference"]],
    ['a metrics port that does not exist, and no stack', make({ manifests: WEBSHOP, workloads: { 'webshop-web': { metricsPortName: 'prom' } } }),
      ["'workloads.webshop-web.metricsPortName' (\"prom\") is not a named container port of Deployment/webshop-web (it has http, metrics)",
        "is set, but the release has no 'stack' to scrape it"]],
    ['exemptions of unknown objects and rules, without a reason', make({ manifests: WEBSHOP, exemptions: [{ target: 'Service/webshop', ruleId: 'cpu-limit', reason: ' ' }] }),
      ["'exemptions[0].target' (\"Service/webshop\") is not an object of the chart", "'exemptions[0].ruleId' (\"cpu-limit\") is not a rule of the rule pack. Fix: use a rule id from a finding; did you mean 'cpu-limits'?",
        "'exemptions[0].reason' (\" \") is empty"]],
    ['an invalid namespace and labels', make({ manifests: WEBSHOP, namespaceName: 'Shop', labels: { 'team/': 'x', 'tier': 'a b' } }),
      ["'namespaceName' (\"Shop\") is not a DNS-1123 label", "'labels.team/' (\"team/\") is not a valid label key", "'labels.tier' (\"a b\") is not a valid label value"]],
    ['helm missing from the PATH', make({ helm: { chart: './charts/webshop', helmExecutable: 'helm-not-installed-here' } }),
      ["'helm.helmExecutable' (\"helm-not-installed-here\") is not an executable file, nor a command on the PATH", "give the output as 'manifests'"]],
    ['an unpinned remote chart in prod', make({ helm: { chart: 'platform/webshop', helmExecutable: 'helm-not-installed-here' } }),
      ["'helm.version' (not set) is not set, so the chart renders differently", 'which is not allowed in prod']],
    ['a disruption budget for a DaemonSet', make({ manifests: tempYaml(deploymentYaml('a', { app: 'a' }).replace('kind: Deployment', 'kind: DaemonSet').replace('  replicas: 3\n', '')), workloads: { a: { disruptionBudget: { maxUnavailable: 1 } } } }),
      ["'workloads.a.disruptionBudget' ({\"maxUnavailable\":1}) is set, but a DaemonSet gets no disruption budget"]],
    ['wrong prop types', make({ manifests: 42 as any }), ["'manifests' (42)"]],
  ];

  test.each(cases)('throws for %s', (_name, fn, parts) => {
    const message = errorOf(fn);
    expect(message).toMatch(/^ProductionHelmRelease 'shop\/Rel' has \d+ invalid props?:/);
    for (const part of parts) {
      expect(message).toContain(part);
    }
  });

  test('throws for a duplicate object, naming it', () => {
    const file = tempYaml(`${deploymentYaml('a', { app: 'a' })}---\n${deploymentYaml('a', { app: 'a' })}`);
    expect(errorOf(() => new ProductionHelmRelease(shopChart(), 'Rel', { manifests: file })))
      .toMatch(/\(document 2\) defines Deployment a a second time, and kubectl apply keeps only the last one. Fix: remove one copy/);
  });

  test('throws for workload() with a name the chart does not have', () => {
    const release = new ProductionHelmRelease(shopChart(), 'Rel', { manifests: WEBSHOP });
    expect(errorOf(() => release.workload('webshop'))).toContain("'workload' (\"webshop\") is not a workload of the chart with additions. Fix: use one of Deployment/webshop-web, StatefulSet/webshop-cart");
  });
});

describe('ProductionHelmRelease properties', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
  const labels = fc.dictionary(label, label, { minKeys: 1, maxKeys: 3 });
  const ports = fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: 1, maxLength: 4 });

  test('the budget selects exactly the pods, the policy opens only declared ports, for any labels, replicas and ports', () => {
    fc.assert(fc.property(labels, fc.integer({ min: 2, max: 20 }), ports, (podLabels, replicas, containerPorts) => {
      const portLines = containerPorts.map((p, i) => `            - name: p${i}\n              containerPort: ${p}\n`).join('');
      const file = tempYaml(deploymentYaml('w', podLabels, `          ports:\n${portLines}`).replace('replicas: 3', `replicas: ${replicas}`));
      const chart = shopChart(Profile.DEV);
      const release = new ProductionHelmRelease(chart, 'W', { manifests: file, workloads: { w: { disruptionBudget: { minAvailable: replicas - 1 } } } });
      const workload = release.workload('w');
      workload.allowFrom(NetworkPeer.inNamespace('gateway'), { ports: containerPorts });
      const out = Testing.synth(chart);
      const budget = one(out, 'PodDisruptionBudget');
      expect(budget.spec.selector).toEqual({ matchLabels: podLabels });
      expect(budget.spec.minAvailable).toBe(replicas - 1);
      const opened = named(out, 'NetworkPolicy', 'w').spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port));
      expect(new Set(opened)).toEqual(new Set(containerPorts));
      expect(workload.ports.map((p) => p.port)).toEqual(containerPorts);
      expectValidManifests(out);
      // a budget that blocks every eviction is refused
      expect(errorOf(() => new ProductionHelmRelease(shopChart(), 'X', { manifests: file, workloads: { w: { disruptionBudget: { minAvailable: replicas } } } })))
        .toContain('must be below the chart\'s replicas');
    }), { numRuns: 25, seed: 20261130 });
  });
});
