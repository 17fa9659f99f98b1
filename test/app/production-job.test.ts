import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AppProbe, NetworkPeer, ProductionApp, Profile, RulePack } from '../../lib';
import { ProductionJob, ProductionJobProps } from '../../lib/app/production-job';
import { expectValidManifests } from '../helpers/schema';
import { chartFor, ofKind, one } from '../helpers/manifests';
import { errorOf } from '../helpers/errors';

const IMAGE = 'registry.example.com/shop/migrate:2.1.0';

function synthJob(props: Partial<ProductionJobProps> = {}, profile: Profile = Profile.PROD): { job: ProductionJob; manifests: any[] } {
  const chart = chartFor(profile);
  const job = new ProductionJob(chart, 'Migrate', { image: IMAGE, ...props });
  return { job, manifests: Testing.synth(chart) };
}

function podSpec(manifests: any[]): any {
  return one(manifests, 'Job').spec.template.spec;
}

function mainContainer(manifests: any[]): any {
  return podSpec(manifests).containers.find((c: any) => c.name === 'main');
}

describe('ProductionJob defaults (prod)', () => {
  // GIVEN only an image, in prod
  const { job, manifests } = synthJob();

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('emits exactly ServiceAccount, Job and NetworkPolicy: no Service, no PodDisruptionBudget', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Job', 'NetworkPolicy', 'ServiceAccount']);
    expect(job.ports).toEqual([]);
    expect((job as { service?: unknown }).service).toBeUndefined();
  });

  test('every object is valid against the Kubernetes 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('every object carries the app.kubernetes.io labels (component job) and the profile stamp', () => {
    for (const m of manifests) {
      expect(m.metadata.name).toBe(job.name);
      expect(m.metadata.labels).toEqual({
        'app.kubernetes.io/name': job.name,
        'app.kubernetes.io/instance': job.name,
        'app.kubernetes.io/version': '2.1.0',
        'app.kubernetes.io/component': 'job',
        'app.kubernetes.io/part-of': job.name,
        'app.kubernetes.io/managed-by': 'cdk8s-production',
      });
      expect(m.metadata.annotations).toEqual({ 'production.platform.io/profile': 'prod' });
    }
    expect(one(manifests, 'Job').spec.template.metadata.labels).toEqual({ ...job.labels, ...job.podSelector });
  });

  test('the name is derived from the construct path as a DNS-1123 label', () => {
    expect(job.name).toMatch(/^test-migrate-[0-9a-f]{8}$/);
  });

  test('runs once with restartPolicy Never, 3 retries, no deadline, and is deleted a day after it finishes', () => {
    const spec = one(manifests, 'Job').spec;
    expect(spec.backoffLimit).toBe(3);
    expect(spec.ttlSecondsAfterFinished).toBe(86400);
    expect(spec.activeDeadlineSeconds).toBeUndefined();
    expect(spec.parallelism).toBeUndefined();
    expect(spec.completions).toBeUndefined();
    // Kubernetes generates a Job's selector; a manual one would need manualSelector
    expect(spec.selector).toBeUndefined();
    expect(spec.manualSelector).toBeUndefined();
    expect(podSpec(manifests).restartPolicy).toBe('Never');
  });

  test('has no probes (a job is not routed to) and no preStop pause', () => {
    const c = mainContainer(manifests);
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toBeUndefined();
    expect(c.lifecycle).toBeUndefined();
    expect(c.ports).toBeUndefined();
    expect(podSpec(manifests).terminationGracePeriodSeconds).toBe(20);
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
    expect(mainContainer(manifests).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, privileged: false, allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(mainContainer(manifests).imagePullPolicy).toBe('Always');
  });

  test('mounts a writable emptyDir at /tmp', () => {
    expect(mainContainer(manifests).volumeMounts).toEqual([{ mountPath: '/tmp', name: 'writable-0', readOnly: false }]);
    expect(podSpec(manifests).volumes).toEqual([{ name: 'writable-0', emptyDir: { sizeLimit: '1024Mi' } }]);
  });

  test('runs as a dedicated ServiceAccount without a token, with the prod priority class', () => {
    const sa = one(manifests, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(podSpec(manifests).serviceAccountName).toBe(sa.metadata.name);
    expect(podSpec(manifests).automountServiceAccountToken).toBe(false);
    expect(podSpec(manifests).priorityClassName).toBe('platform-high');
  });

  test('isolates the pods: nobody may reach a job, DNS is the only egress', () => {
    const np = one(manifests, 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: job.podSelector });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    }]);
    // the job's own pods, which listen on nothing: the rule admits nobody, and keeps the list non-empty for Polaris
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: job.podSelector } }] }]);
  });

  test('the pod selector selects the job\'s pods', () => {
    const labels = one(manifests, 'Job').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(job.podSelector)) {
      expect(labels[k]).toBe(v);
    }
    expect(Object.keys(job.podSelector)).toEqual(['cdk8s.io/metadata.addr']);
  });

  test('resolved defaults are exposed as properties', () => {
    expect(job.profile).toBe(Profile.PROD);
    expect(job.image).toBe(IMAGE);
    expect(job.restartPolicy).toBe(kplus.RestartPolicy.NEVER);
    expect(job.backoffLimit).toBe(3);
    expect(job.activeDeadline).toBeUndefined();
    expect(job.ttlAfterFinished.toSeconds()).toBe(86400);
    expect(job.parallelism).toBeUndefined();
    expect(job.completions).toBeUndefined();
    expect(job.serviceAccountToken).toBe(false);
    expect(job.priorityClassName).toBe('platform-high');
    expect(job.namespaceName).toBeUndefined();
  });
});

describe('ProductionJob passes the production-readiness rule pack', () => {
  test.each(Profile.all())('default output has zero findings in %s', (profile) => {
    // GIVEN a default job in each profile
    const chart = chartFor(profile);
    new ProductionJob(chart, 'Migrate', { image: IMAGE });
    // WHEN the rule pack judges the output in that profile
    const report = RulePack.check(Testing.synth(chart), { profile: profile.name as 'dev' | 'staging' | 'prod' });
    // THEN it finds nothing
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('a job with every option, paired with an app, has zero findings in prod', () => {
    const chart = chartFor(Profile.PROD);
    const db = new ProductionApp(chart, 'Db', { image: 'registry.example.com/shop/db:16.2', port: 5432, readiness: AppProbe.tcpSocket(), liveness: AppProbe.exec(['pg_isready']) });
    const job = new ProductionJob(chart, 'Migrate', {
      image: IMAGE, restartPolicy: kplus.RestartPolicy.ON_FAILURE, backoffLimit: 1, activeDeadline: Duration.minutes(30),
      ttlAfterFinished: Duration.hours(2), parallelism: 2, completions: 4, liveness: AppProbe.exec(['cat', '/tmp/alive']),
      cpuLimitExemption: 'a batch run may use idle CPU', serviceAccountToken: false,
    });
    job.connectsTo(db);
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    const report = RulePack.check(manifests, { profile: 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    expect(report.exemptions.map((e) => e.ruleId)).toContain('cpu-limits');
  });

  test('the rule pack does see a weakened job (the checks above can fail)', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionJob(chart, 'Migrate', { image: IMAGE, security: { readOnlyRootFilesystem: false } });
    const report = RulePack.check(Testing.synth(chart), { profile: 'prod' });
    expect(report.findings.map((f) => f.ruleId)).toContain('read-only-root-filesystem');
  });
});

describe('ProductionJob options', () => {
  test('restart policy, retries, deadline, TTL and parallelism are rendered field by field', () => {
    // GIVEN every run option
    const { job, manifests } = synthJob({
      restartPolicy: kplus.RestartPolicy.ON_FAILURE, backoffLimit: 0, activeDeadline: Duration.minutes(30),
      ttlAfterFinished: Duration.seconds(0), parallelism: 3, completions: 6,
    });
    // THEN each lands on the Job
    const spec = one(manifests, 'Job').spec;
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBe(1800);
    expect(spec.ttlSecondsAfterFinished).toBe(0);
    expect(spec.parallelism).toBe(3);
    expect(spec.completions).toBe(6);
    expect(spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(job.restartPolicy).toBe(kplus.RestartPolicy.ON_FAILURE);
    expect(job.activeDeadline?.toSeconds()).toBe(1800);
    expect(job.parallelism).toBe(3);
    expect(job.completions).toBe(6);
    expectValidManifests(manifests);
  });

  test('parallelism 0 (a paused Job) is allowed', () => {
    const { manifests } = synthJob({ parallelism: 0 });
    expect(one(manifests, 'Job').spec.parallelism).toBe(0);
  });

  test('a liveness probe may restart a stuck run', () => {
    const { manifests } = synthJob({ liveness: AppProbe.exec(['cat', '/tmp/heartbeat']) });
    expect(mainContainer(manifests).livenessProbe).toEqual({
      exec: { command: ['cat', '/tmp/heartbeat'] }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1,
    });
    expect(mainContainer(manifests).readinessProbe).toBeUndefined();
  });

  test('an explicit preStopDelay is honoured, and the grace period follows it', () => {
    const { manifests } = synthJob({ preStopDelay: Duration.seconds(5) });
    expect(mainContainer(manifests).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    expect(podSpec(manifests).terminationGracePeriodSeconds).toBe(25);
  });

  test('dev: small size and the low priority class', () => {
    const { manifests } = synthJob({}, Profile.DEV);
    expect(mainContainer(manifests).resources.requests.cpu).toBe('100m');
    expect(podSpec(manifests).priorityClassName).toBe('platform-low');
    expect(one(manifests, 'Job').metadata.annotations['production.platform.io/profile']).toBe('dev');
  });

  test('command, args, env and a component label pass through', () => {
    const { manifests } = synthJob({ command: ['/migrate'], args: ['up'], env: { LOG_LEVEL: kplus.EnvValue.fromValue('info') }, component: 'migration' });
    const c = mainContainer(manifests);
    expect(c.command).toEqual(['/migrate']);
    expect(c.args).toEqual(['up']);
    expect(c.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
    for (const m of manifests) {
      expect(m.metadata.labels['app.kubernetes.io/component']).toBe('migration');
    }
  });

  test('exemptions are written on the Job as ProductionApp writes them', () => {
    const { manifests } = synthJob({ cpuLimitExemption: 'a batch run may use idle CPU' });
    const annotations = one(manifests, 'Job').metadata.annotations;
    expect(annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'production.platform.io/exempt-cpu-limits': 'a batch run may use idle CPU',
      'polaris.fairwinds.com/cpuLimitsMissing-exempt': 'true',
      'kube-score/ignore': 'container-resources',
      'production.platform.io/exemption-reason': 'a batch run may use idle CPU',
      'ignore-check.kube-linter.io/unset-cpu-requirements': 'a batch run may use idle CPU',
    });
    expect(mainContainer(manifests).resources.limits.cpu).toBeUndefined();
  });

  test('chart values pass through to the Job\'s pod and ServiceAccount', () => {
    // GIVEN the values a Helm user expects
    const chart = chartFor(Profile.PROD);
    const pullSecret = kplus.Secret.fromSecretName(chart, 'Pull', 'registry-credentials');
    const job = new ProductionJob(chart, 'Migrate', {
      image: IMAGE, imagePullSecrets: [pullSecret], nodeSelector: { 'node-pool': 'batch' },
      tolerations: [kplus.NodeTaintQuery.is('dedicated', 'batch', { effect: kplus.TaintEffect.NO_SCHEDULE })],
      podLabels: { team: 'shop' }, podAnnotations: { 'example.com/owner': 'shop' },
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/migrate' },
    });
    // THEN they land where Kubernetes reads them
    const manifests = Testing.synth(chart);
    const template = one(manifests, 'Job').spec.template;
    expect(template.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(template.spec.nodeSelector).toEqual({ 'node-pool': 'batch' });
    expect(template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }]);
    expect(template.metadata.labels).toEqual({ team: 'shop', ...job.labels, ...job.podSelector });
    expect(template.metadata.annotations).toEqual({ 'example.com/owner': 'shop' });
    expect(one(manifests, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/migrate');
    expectValidManifests(manifests);
  });

  test('a sidecar shares an emptyDir with the main container', () => {
    const chart = chartFor(Profile.PROD);
    const shared = kplus.Volume.fromEmptyDir(chart, 'Logs', 'logs');
    new ProductionJob(chart, 'Migrate', {
      image: IMAGE, volumeMounts: [{ volume: shared, path: '/var/log/app', readOnly: false }],
      sidecars: [{ name: 'shipper', image: 'registry.example.com/shipper:1.2.0', volumeMounts: [{ volume: shared, path: '/logs' }],
        readiness: AppProbe.exec(['test', '-d', '/logs']), liveness: AppProbe.exec(['true']) }],
    });
    const manifests = Testing.synth(chart);
    const spec = podSpec(manifests);
    expect(spec.volumes.map((v: any) => v.name)).toEqual(['writable-0', 'logs']);
    expect(spec.containers.find((c: any) => c.name === 'shipper').volumeMounts).toEqual([{ mountPath: '/logs', name: 'logs', readOnly: true }]);
    expectValidManifests(manifests);
  });

  test('a namespace lands on every object', () => {
    const { job, manifests } = synthJob({ namespaceName: 'shop' });
    expect(job.namespaceName).toBe('shop');
    for (const m of manifests) {
      expect(m.metadata.namespace).toBe('shop');
    }
  });
});

describe('ProductionJob network', () => {
  test('connectsTo an app adds egress on the job and ingress for the job\'s pods on the app', () => {
    // GIVEN a job and a database app
    const chart = chartFor(Profile.PROD);
    const db = new ProductionApp(chart, 'Db', { image: 'registry.example.com/shop/db:16.2', port: 5432, readiness: AppProbe.tcpSocket(), liveness: AppProbe.exec(['pg_isready']) });
    const job = new ProductionJob(chart, 'Migrate', { image: IMAGE });
    // WHEN the job connects to the database
    job.connectsTo(db);
    // THEN both policies carry the pair
    const manifests = Testing.synth(chart);
    const policies = ofKind(manifests, 'NetworkPolicy');
    const jobPolicy = policies.find((p) => p.metadata.name === job.name);
    const dbPolicy = policies.find((p) => p.metadata.name === db.name);
    expect(jobPolicy.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: db.podSelector } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(dbPolicy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: job.podSelector } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
  });

  test('connectsTo a CIDR needs ports and adds an egress rule', () => {
    const chart = chartFor(Profile.PROD);
    const job = new ProductionJob(chart, 'Migrate', { image: IMAGE });
    job.connectsTo(NetworkPeer.cidr('10.0.0.0/16'), { ports: [443] });
    const np = one(Testing.synth(chart), 'NetworkPolicy');
    expect(np.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 443, protocol: 'TCP' }] });
  });

  test('throws when anything is allowed to reach the job', () => {
    const chart = chartFor(Profile.PROD);
    const web = new ProductionApp(chart, 'Web', { image: 'registry.example.com/shop/web:1.4.2', port: 8080, healthPath: '/healthz' });
    const job = new ProductionJob(chart, 'Migrate', { image: IMAGE });
    expect(() => job.allowFrom(web)).toThrow(/ProductionJob 'test\/Migrate': 'allowFrom' \(ProductionApp test\/Web\) cannot admit traffic: the workload serves no port/);
    expect(() => web.connectsTo(job)).toThrow(/cannot admit traffic/);
  });

  test('a peer in another namespace is selected with its namespace', () => {
    const chart = chartFor(Profile.PROD);
    const job = new ProductionJob(chart, 'Migrate', { image: IMAGE, namespaceName: 'batch' });
    expect(job.toNetworkPolicyPeer('shop')).toEqual({
      podSelector: { matchLabels: job.podSelector }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } },
    });
    expect(job.toNetworkPolicyPeer('batch')).toEqual({ podSelector: { matchLabels: job.podSelector } });
  });
});

describe('ProductionJob escape hatches', () => {
  test('1: the cdk8s-plus objects are exposed', () => {
    const { job } = synthJob();
    expect(job.job).toBeInstanceOf(kplus.Job);
    expect(job.container).toBeInstanceOf(kplus.Container);
    expect(job.serviceAccount).toBeInstanceOf(kplus.ServiceAccount);
    expect(job.job.backoffLimit).toBe(3);
  });

  test('2: ApiObject.of(x).addJsonPatch works on the Job', () => {
    const chart = chartFor(Profile.PROD);
    const job = new ProductionJob(chart, 'Migrate', { image: IMAGE });
    ApiObject.of(job.job).addJsonPatch(JsonPatch.add('/spec/podFailurePolicy', { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }));
    const manifests = Testing.synth(chart);
    expect(one(manifests, 'Job').spec.podFailurePolicy.rules[0].action).toBe('Ignore');
    expectValidManifests(manifests);
  });

  test('3: Node.of(x).findChild reaches the children by stable IDs', () => {
    const { job } = synthJob();
    expect(job.node.findChild('Job')).toBe(job.job);
    expect(job.node.findChild('ServiceAccount')).toBe(job.serviceAccount);
    expect(job.node.findChild('NetworkPolicy')).toBe(job.networkPolicy);
  });
});

describe('ProductionJob bad input', () => {
  const build = (props: Partial<ProductionJobProps>) => () => new ProductionJob(chartFor(Profile.PROD), 'Migrate', { image: IMAGE, ...props });

  test('throws for restartPolicy Always, naming the path, the prop, the value and the fix', () => {
    expect(errorOf(build({ restartPolicy: kplus.RestartPolicy.ALWAYS }))).toBe([
      'ProductionJob \'test/Migrate\' has 1 invalid prop:',
      '  - \'restartPolicy\' ("Always") would restart the pod after it succeeds, so the run never completes (Kubernetes refuses it for Jobs). '
        + 'Fix: use RestartPolicy.NEVER (a new pod per retry, failed pods kept for their logs) or RestartPolicy.ON_FAILURE',
    ].join('\n'));
  });

  test.each([
    ['a negative backoffLimit', { backoffLimit: -1 }, /'backoffLimit' \(-1\) is not a whole number from 0 to 2147483647\. Fix: use 0 for no retries/],
    ['a fractional backoffLimit', { backoffLimit: 1.5 }, /'backoffLimit' \(1\.5\) is not a whole number from 0 to 2147483647/],
    ['a zero activeDeadline', { activeDeadline: Duration.seconds(0) }, /'activeDeadline' \("0s"\) is not positive: a run must be given some time\. Fix: set it to at least Duration\.seconds\(1\)/],
    ['an activeDeadline of 1.5s', { activeDeadline: Duration.millis(1500) }, /'activeDeadline' \("1\.5s"\) is not a whole number of seconds, which is what Kubernetes stores\. Fix: use Duration\.seconds\(n\) with a whole n, e\.g\. Duration\.seconds\(2\)/],
    ['a ttlAfterFinished of 10ms', { ttlAfterFinished: Duration.millis(10) }, /'ttlAfterFinished' \("0\.01s"\) is not a whole number of seconds/],
    ['a negative parallelism', { parallelism: -1 }, /'parallelism' \(-1\) is not a whole number from 0 to 2147483647/],
    ['zero completions', { completions: 0 }, /'completions' \(0\) is not a whole number from 1 to 2147483647\. Fix: use 1 or more successful pods/],
    ['a readiness probe', { readiness: AppProbe.exec(['true']) }, /'readiness' \("exec"\) is not used by the job: it runs to completion and no Service routes to it\. Fix: remove 'readiness'/],
    ['a healthPath', { healthPath: '/healthz' }, /'healthPath' \("\/healthz"\) is not used by the job: it runs to completion/],
    ['a startup probe', { startup: AppProbe.exec(['true']) }, /'startup' \("exec"\) is not used by the job/],
    ['a liveness probe that needs a port', { liveness: AppProbe.tcpSocket() }, /'liveness' \("tcpSocket"\) needs a port, and the job has none\. Fix: use AppProbe\.exec/],
    ['a name of 64 characters', { name: 'a'.repeat(64) }, /'name' \("a{64}"\) is not a DNS-1123 label of at most 63 characters \(it names the Job\)/],
  ] as Array<[string, Partial<ProductionJobProps>, RegExp]>)('throws for %s', (_case, props, expected) => {
    expect(errorOf(build(props))).toMatch(expected);
  });

  test('throws every problem at once', () => {
    // GIVEN four independent problems
    const message = errorOf(build({
      restartPolicy: kplus.RestartPolicy.ALWAYS, backoffLimit: -2, activeDeadline: Duration.seconds(0), readiness: AppProbe.exec(['true']),
    }));
    // THEN one error lists them all
    expect(message).toMatch(/^ProductionJob 'test\/Migrate' has 4 invalid props:/);
    for (const prop of ['restartPolicy', 'backoffLimit', 'activeDeadline', 'readiness']) {
      expect(message).toContain(`- '${prop}'`);
    }
  });

  test('a name beginning with a digit is fine: a Job name is a DNS-1123 label', () => {
    expect(build({ name: '1-migrate' })().name).toBe('1-migrate');
  });
});
