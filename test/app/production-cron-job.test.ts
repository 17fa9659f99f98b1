import { ApiObject, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { AppProbe, ProductionApp, Profile, RulePack } from '../../lib';
import { ProductionCronJob, ProductionCronJobProps } from '../../lib/app/production-cron-job';
import { expectValidManifests } from '../helpers/schema';
import { chartFor, ofKind, one } from '../helpers/manifests';
import { errorOf } from '../helpers/errors';

const IMAGE = 'registry.example.com/shop/report:1.0.3';
const SCHEDULE = '0 3 * * MON-FRI';

function synthCronJob(props: Partial<ProductionCronJobProps> = {}, profile: Profile = Profile.PROD): { cron: ProductionCronJob; manifests: any[] } {
  const chart = chartFor(profile);
  const cron = new ProductionCronJob(chart, 'Report', { image: IMAGE, schedule: SCHEDULE, ...props });
  return { cron, manifests: Testing.synth(chart) };
}

function jobSpec(manifests: any[]): any {
  return one(manifests, 'CronJob').spec.jobTemplate.spec;
}

function podSpec(manifests: any[]): any {
  return jobSpec(manifests).template.spec;
}

function mainContainer(manifests: any[]): any {
  return podSpec(manifests).containers.find((c: any) => c.name === 'main');
}

describe('ProductionCronJob defaults (prod)', () => {
  // GIVEN only an image and a schedule, in prod
  const { cron, manifests } = synthCronJob();

  test('matches the reviewed snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('emits exactly ServiceAccount, CronJob and NetworkPolicy: no Service, no PodDisruptionBudget', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['CronJob', 'NetworkPolicy', 'ServiceAccount']);
    expect(cron.ports).toEqual([]);
  });

  test('every object is valid against the Kubernetes 1.28 schema', () => {
    expectValidManifests(manifests);
  });

  test('every object, and every Job it starts, carries the app.kubernetes.io labels (component cron-job) and the profile stamp', () => {
    const labels = {
      'app.kubernetes.io/name': cron.name,
      'app.kubernetes.io/instance': cron.name,
      'app.kubernetes.io/version': '1.0.3',
      'app.kubernetes.io/component': 'cron-job',
      'app.kubernetes.io/part-of': cron.name,
      'app.kubernetes.io/managed-by': 'cdk8s-production',
    };
    for (const m of manifests) {
      expect(m.metadata.name).toBe(cron.name);
      expect(m.metadata.labels).toEqual(labels);
      expect(m.metadata.annotations).toEqual({ 'production.platform.io/profile': 'prod' });
    }
    expect(one(manifests, 'CronJob').spec.jobTemplate.metadata).toEqual({ labels });
    expect(jobSpec(manifests).template.metadata.labels).toEqual({ ...labels, ...cron.podSelector });
  });

  test('the name leaves room for the 11 characters the controller appends to name its Jobs', () => {
    expect(cron.name).toMatch(/^test-report-[0-9a-f]{8}$/);
    expect(cron.name.length).toBeLessThanOrEqual(52);
  });

  test('schedule in Etc/UTC, no overlapping runs, a 5-minute starting deadline, 3 successful and 1 failed Jobs kept', () => {
    const spec = one(manifests, 'CronJob').spec;
    expect(spec.schedule).toBe('0 3 * * MON-FRI');
    expect(spec.timeZone).toBe('Etc/UTC');
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBe(300);
    expect(spec.successfulJobsHistoryLimit).toBe(3);
    expect(spec.failedJobsHistoryLimit).toBe(1);
    expect(spec.suspend).toBe(false);
  });

  test('each Job runs with restartPolicy Never and 3 retries, without a TTL (the history limits clean up)', () => {
    const spec = jobSpec(manifests);
    expect(spec.backoffLimit).toBe(3);
    expect(spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.activeDeadlineSeconds).toBeUndefined();
    expect(spec.parallelism).toBeUndefined();
    expect(spec.completions).toBeUndefined();
    expect(spec.selector).toBeUndefined();
    expect(podSpec(manifests).restartPolicy).toBe('Never');
  });

  test('satisfies kube-score (cronjob-has-deadline, cronjob-restartpolicy) and kube-linter (job-ttl-seconds-after-finished)', () => {
    const cronJob = one(manifests, 'CronJob');
    expect(cronJob.spec.startingDeadlineSeconds).toEqual(expect.any(Number));
    expect(['Never', 'OnFailure']).toContain(podSpec(manifests).restartPolicy);
    expect('ttlSecondsAfterFinished' in jobSpec(manifests)).toBe(false);
  });

  test('has no probes and no preStop pause', () => {
    const c = mainContainer(manifests);
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toBeUndefined();
    expect(c.lifecycle).toBeUndefined();
    expect(podSpec(manifests).terminationGracePeriodSeconds).toBe(20);
  });

  test('security floor, requests and limits, and a writable /tmp', () => {
    const spec = podSpec(manifests);
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = mainContainer(manifests);
    expect(c.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, privileged: false, allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '2Gi' },
      limits: { 'cpu': '1', 'memory': '1024Mi', 'ephemeral-storage': '4Gi' },
    });
    expect(c.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'writable-0', readOnly: false }]);
  });

  test('runs as a dedicated ServiceAccount without a token, with the prod priority class', () => {
    const sa = one(manifests, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(podSpec(manifests).serviceAccountName).toBe(sa.metadata.name);
    expect(podSpec(manifests).automountServiceAccountToken).toBe(false);
    expect(podSpec(manifests).priorityClassName).toBe('platform-high');
  });

  test('isolates the pods: nobody may reach a cron job, DNS is the only egress', () => {
    const np = one(manifests, 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: cron.podSelector });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toHaveLength(1);
    expect(np.spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: cron.podSelector } }] }]);
  });

  test('resolved defaults are exposed as properties', () => {
    expect(cron.profile).toBe(Profile.PROD);
    expect(cron.schedule).toBe('0 3 * * MON-FRI');
    expect(cron.timeZone).toBe('Etc/UTC');
    expect(cron.concurrencyPolicy).toBe(kplus.ConcurrencyPolicy.FORBID);
    expect(cron.startingDeadline.toSeconds()).toBe(300);
    expect(cron.successfulJobsRetained).toBe(3);
    expect(cron.failedJobsRetained).toBe(1);
    expect(cron.suspend).toBe(false);
    expect(cron.restartPolicy).toBe(kplus.RestartPolicy.NEVER);
    expect(cron.backoffLimit).toBe(3);
    expect(cron.activeDeadline).toBeUndefined();
    expect(cron.serviceAccountToken).toBe(false);
    expect(cron.priorityClassName).toBe('platform-high');
  });
});

describe('ProductionCronJob passes the production-readiness rule pack', () => {
  test.each(Profile.all())('default output has zero findings in %s', (profile) => {
    // GIVEN a default cron job in each profile
    const chart = chartFor(profile);
    new ProductionCronJob(chart, 'Report', { image: IMAGE, schedule: SCHEDULE });
    // WHEN the rule pack judges the output in that profile
    const report = RulePack.check(Testing.synth(chart), { profile: profile.name as 'dev' | 'staging' | 'prod' });
    // THEN it finds nothing
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
  });

  test('a cron job with every option, paired with an app, has zero findings in prod', () => {
    const chart = chartFor(Profile.PROD);
    const api = new ProductionApp(chart, 'Api', { image: 'registry.example.com/shop/api:2.0.0', port: 9000, healthPath: '/healthz' });
    const cron = new ProductionCronJob(chart, 'Report', {
      image: IMAGE, schedule: '*/30 6-20 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: kplus.ConcurrencyPolicy.REPLACE,
      startingDeadline: Duration.minutes(2), successfulJobsRetained: 1, failedJobsRetained: 5, suspend: true,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE, backoffLimit: 2, activeDeadline: Duration.minutes(20), parallelism: 2, completions: 2,
      liveness: AppProbe.exec(['cat', '/tmp/alive']), cpuLimitExemption: 'a batch run may use idle CPU',
    });
    cron.connectsTo(api);
    const manifests = Testing.synth(chart);
    expectValidManifests(manifests);
    const report = RulePack.check(manifests, { profile: 'prod' });
    expect(report.findings.map(RulePack.formatFinding)).toEqual([]);
    expect(report.exemptions.map((e) => e.ruleId)).toContain('cpu-limits');
  });

  test('the rule pack does see a cron job without a starting deadline (the checks above can fail)', () => {
    const chart = chartFor(Profile.PROD);
    const cron = new ProductionCronJob(chart, 'Report', { image: IMAGE, schedule: SCHEDULE });
    ApiObject.of(cron.cronJob).addJsonPatch(JsonPatch.remove('/spec/startingDeadlineSeconds'));
    const report = RulePack.check(Testing.synth(chart), { profile: 'prod' });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['cronjob-deadline']);
  });
});

describe('ProductionCronJob options', () => {
  test('schedule options and run options are rendered field by field', () => {
    // GIVEN every option
    const { cron, manifests } = synthCronJob({
      schedule: '15 */2 1,15 JAN-JUN *', timeZone: 'America/New_York', concurrencyPolicy: kplus.ConcurrencyPolicy.ALLOW,
      startingDeadline: Duration.seconds(10), successfulJobsRetained: 0, failedJobsRetained: 7, suspend: true,
      restartPolicy: kplus.RestartPolicy.ON_FAILURE, backoffLimit: 0, activeDeadline: Duration.hours(1), parallelism: 4, completions: 8,
    });
    // THEN each lands where Kubernetes reads it
    const spec = one(manifests, 'CronJob').spec;
    expect(spec.schedule).toBe('15 */2 1,15 JAN-JUN *');
    expect(spec.timeZone).toBe('America/New_York');
    expect(spec.concurrencyPolicy).toBe('Allow');
    expect(spec.startingDeadlineSeconds).toBe(10);
    expect(spec.successfulJobsHistoryLimit).toBe(0);
    expect(spec.failedJobsHistoryLimit).toBe(7);
    expect(spec.suspend).toBe(true);
    expect(spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(spec.jobTemplate.spec.parallelism).toBe(4);
    expect(spec.jobTemplate.spec.completions).toBe(8);
    expect(spec.jobTemplate.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect([cron.successfulJobsRetained, cron.failedJobsRetained, cron.suspend]).toEqual([0, 7, true]);
    expectValidManifests(manifests);
  });

  test.each([
    ['@hourly', '0 * * * *'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@weekly', '0 0 * * 0'],
    ['@monthly', '0 0 1 * *'],
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
  ])('the macro %s is rendered as %s', (macro, expanded) => {
    const { cron, manifests } = synthCronJob({ schedule: macro });
    expect(one(manifests, 'CronJob').spec.schedule).toBe(expanded);
    expect(cron.schedule).toBe(expanded);
  });

  test('extra whitespace in the schedule is normalised to single spaces', () => {
    const { manifests } = synthCronJob({ schedule: ' 0\t3  *  * *  ' });
    expect(one(manifests, 'CronJob').spec.schedule).toBe('0 3 * * *');
  });

  test('an explicit preStopDelay is honoured on the Jobs\' pods', () => {
    const { manifests } = synthCronJob({ preStopDelay: Duration.seconds(3) });
    expect(mainContainer(manifests).lifecycle.preStop.exec.command).toEqual(['sleep', '3']);
    expect(podSpec(manifests).terminationGracePeriodSeconds).toBe(23);
  });

  test('exemptions are written on the CronJob as ProductionApp writes them', () => {
    const { manifests } = synthCronJob({ serviceAccountToken: true });
    expect(one(manifests, 'CronJob').metadata.annotations).toEqual({
      'production.platform.io/profile': 'prod',
      'production.platform.io/exempt-service-account-token': 'the app calls the Kubernetes API with its own ServiceAccount',
      'polaris.fairwinds.com/automountServiceAccountToken-exempt': 'true',
      'production.platform.io/exemption-reason': 'the app calls the Kubernetes API with its own ServiceAccount',
    });
    expect(podSpec(manifests).automountServiceAccountToken).toBe(true);
  });

  test('chart values pass through to the Jobs\' pods and the ServiceAccount', () => {
    const chart = chartFor(Profile.PROD);
    const cron = new ProductionCronJob(chart, 'Report', {
      image: IMAGE, schedule: SCHEDULE, nodeSelector: { 'node-pool': 'batch' }, podLabels: { team: 'shop' },
      serviceAccountLabels: { team: 'shop' },
    });
    const manifests = Testing.synth(chart);
    expect(podSpec(manifests).nodeSelector).toEqual({ 'node-pool': 'batch' });
    expect(jobSpec(manifests).template.metadata.labels).toEqual({ team: 'shop', ...cron.labels, ...cron.podSelector });
    expect(one(manifests, 'ServiceAccount').metadata.labels).toEqual({ team: 'shop', ...cron.labels });
    expectValidManifests(manifests);
  });

  test('dev: small size and the low priority class', () => {
    const { manifests } = synthCronJob({}, Profile.DEV);
    expect(mainContainer(manifests).resources.requests.cpu).toBe('100m');
    expect(podSpec(manifests).priorityClassName).toBe('platform-low');
  });

  test('connectsTo an app pairs the two NetworkPolicies; nothing may connect to the cron job', () => {
    // GIVEN a cron job and an app
    const chart = chartFor(Profile.PROD);
    const api = new ProductionApp(chart, 'Api', { image: 'registry.example.com/shop/api:2.0.0', port: 9000, healthPath: '/healthz' });
    const cron = new ProductionCronJob(chart, 'Report', { image: IMAGE, schedule: SCHEDULE });
    // WHEN the cron job connects to the app
    cron.connectsTo(api);
    // THEN the pair is on both sides, and the reverse is refused
    const policies = ofKind(Testing.synth(chart), 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === cron.name).spec.egress)
      .toContainEqual({ to: [{ podSelector: { matchLabels: api.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] });
    expect(policies.find((p) => p.metadata.name === api.name).spec.ingress)
      .toEqual([{ from: [{ podSelector: { matchLabels: cron.podSelector } }], ports: [{ port: 9000, protocol: 'TCP' }] }]);
    expect(() => api.connectsTo(cron)).toThrow(/ProductionCronJob 'test\/Report': 'allowFrom' \(ProductionApp test\/Api\) cannot admit traffic/);
  });
});

describe('ProductionCronJob escape hatches', () => {
  test('1: the cdk8s-plus objects are exposed', () => {
    const { cron } = synthCronJob();
    expect(cron.cronJob).toBeInstanceOf(kplus.CronJob);
    expect(cron.cronJob.schedule.expressionString).toBe(SCHEDULE);
    expect(cron.container).toBeInstanceOf(kplus.Container);
    expect(cron.serviceAccount).toBeInstanceOf(kplus.ServiceAccount);
  });

  test('2: ApiObject.of(x).addJsonPatch works on the CronJob', () => {
    const chart = chartFor(Profile.PROD);
    const cron = new ProductionCronJob(chart, 'Report', { image: IMAGE, schedule: SCHEDULE });
    ApiObject.of(cron.cronJob).addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/podFailurePolicy',
      { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }));
    const manifests = Testing.synth(chart);
    expect(jobSpec(manifests).podFailurePolicy.rules[0].action).toBe('Ignore');
    expectValidManifests(manifests);
  });

  test('3: Node.of(x).findChild reaches the children by stable IDs', () => {
    const { cron } = synthCronJob();
    expect(cron.node.findChild('CronJob')).toBe(cron.cronJob);
    expect(cron.node.findChild('ServiceAccount')).toBe(cron.serviceAccount);
    expect(cron.node.findChild('NetworkPolicy')).toBe(cron.networkPolicy);
  });
});

describe('ProductionCronJob bad input', () => {
  const build = (props: Partial<ProductionCronJobProps>) => () => new ProductionCronJob(chartFor(Profile.PROD), 'Report',
    { image: IMAGE, schedule: SCHEDULE, ...props });

  test('throws for a schedule that does not parse, naming the path, the prop, the value and the fix', () => {
    expect(errorOf(build({ schedule: '0 25 * * *' }))).toBe([
      'ProductionCronJob \'test/Report\' has 1 invalid prop:',
      '  - \'schedule\' ("0 25 * * *") has an invalid hour field \'25\': 25 is out of range. Fix: use 0-23',
    ].join('\n'));
  });

  test.each([
    ['a six-field schedule', { schedule: '0 0 3 * * *' }, /'schedule' \("0 0 3 \* \* \*"\) has 6 fields instead of 5\. Fix: Kubernetes schedules have no seconds/],
    ['a schedule with an unknown month name', { schedule: '0 3 * JANUARY *' }, /'schedule' \("0 3 \* JANUARY \*"\) has an invalid month field 'JANUARY': 'JANUARY' is not a value\. Fix: use 1-12 or JAN-DEC/],
    ['a schedule that never runs', { schedule: '0 3 30 2 *' }, /'schedule' \("0 3 30 2 \*"\) never runs/],
    ['a schedule with an inline time zone', { schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *' }, /'schedule' .* sets its time zone inline, which Kubernetes refuses\. Fix: remove the TZ= prefix and set 'timeZone' instead/],
    ['an unknown macro', { schedule: '@fortnightly' }, /'schedule' \("@fortnightly"\) is not a known macro/],
    ['a time zone that is not an IANA name', { timeZone: 'Mars/Olympus_Mons' }, /'timeZone' \("Mars\/Olympus_Mons"\) is not an IANA time zone name\. Fix: use an IANA time zone name such as 'Etc\/UTC'/],
    ['a time zone in the wrong case', { timeZone: 'europe/berlin' }, /'timeZone' \("europe\/berlin"\) is not spelled as in the tz database \(names are case-sensitive\)\. Fix: did you mean 'Europe\/Berlin'\?/],
    ['a UTC offset for a time zone', { timeZone: '+02:00' }, /'timeZone' \("\+02:00"\) is not an IANA time zone name/],
    ['a zero starting deadline', { startingDeadline: Duration.seconds(0) }, /'startingDeadline' \("0s"\) is shorter than 10s: the controller looks at CronJobs every 10 seconds, so a shorter deadline skips runs\. Fix: set it to at least Duration\.seconds\(10\)/],
    ['a 5-second starting deadline', { startingDeadline: Duration.seconds(5) }, /'startingDeadline' \("5s"\) is shorter than 10s/],
    ['a fractional starting deadline', { startingDeadline: Duration.millis(12500) }, /'startingDeadline' \("12\.5s"\) is not a whole number of seconds/],
    ['a negative successfulJobsRetained', { successfulJobsRetained: -1 }, /'successfulJobsRetained' \(-1\) is not a whole number from 0 to 2147483647/],
    ['a negative failedJobsRetained', { failedJobsRetained: -3 }, /'failedJobsRetained' \(-3\) is not a whole number from 0 to 2147483647/],
    ['a zero activeDeadline', { activeDeadline: Duration.seconds(0) }, /'activeDeadline' \("0s"\) is not positive/],
    ['a negative backoffLimit', { backoffLimit: -1 }, /'backoffLimit' \(-1\) is not a whole number from 0 to 2147483647/],
    ['restartPolicy Always', { restartPolicy: kplus.RestartPolicy.ALWAYS }, /'restartPolicy' \("Always"\) would restart the pod after it succeeds/],
    ['a readiness probe', { readiness: AppProbe.exec(['true']) }, /'readiness' \("exec"\) is not used by the cron job: it runs to completion/],
    ['a healthPath', { healthPath: '/healthz' }, /'healthPath' \("\/healthz"\) is not used by the cron job/],
    ['a name of 53 characters', { name: 'a'.repeat(53) },
      /'name' \("a{53}"\) is not a DNS-1123 label of at most 52 characters \(the controller appends 11 characters to name its Jobs, which must stay within 63\)/],
  ] as Array<[string, Partial<ProductionCronJobProps>, RegExp]>)('throws for %s', (_case, props, expected) => {
    expect(errorOf(build(props))).toMatch(expected);
  });

  test('throws every problem at once', () => {
    // GIVEN five independent problems
    const message = errorOf(build({
      schedule: '* * *', timeZone: 'Nowhere', startingDeadline: Duration.seconds(1), failedJobsRetained: -1, healthPath: '/healthz',
    }));
    // THEN one error lists them all
    expect(message).toMatch(/^ProductionCronJob 'test\/Report' has 5 invalid props:/);
    for (const prop of ['schedule', 'timeZone', 'startingDeadline', 'failedJobsRetained', 'healthPath']) {
      expect(message).toContain(`- '${prop}'`);
    }
  });

  test('a name of 52 characters is fine', () => {
    expect(build({ name: 'a'.repeat(52) })().name).toHaveLength(52);
  });
});

// Generators for the property tests: a grammar of the schedules the controller accepts, and ways to break them.

interface FieldBounds {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly question?: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// Days of month stop at 28 so that every generated schedule runs in every month; days 29-31 are covered above.
const BOUNDS: readonly FieldBounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 28, question: true },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: WEEKDAYS, question: true },
];

/** A value of the field, as a number or (where the field has names) a name in any case. */
function valueArb(b: FieldBounds, min = b.min): fc.Arbitrary<{ n: number; text: string }> {
  return fc.integer({ min, max: b.max }).chain((n) => {
    const number = fc.constant({ n, text: String(n) });
    if (!b.names) {
      return number;
    }
    const name = b.names[n - b.min];
    return fc.oneof(number, fc.constantFrom(name, name.toLowerCase(), name[0] + name.slice(1).toLowerCase()).map((text) => ({ n, text })));
  });
}

/** One list item: `*`, `?`, `n`, `a-b`, each maybe with a step. */
function itemArb(b: FieldBounds): fc.Arbitrary<string> {
  const step = fc.option(fc.integer({ min: 1, max: 30 }).map((s) => `/${s}`), { nil: '' });
  const any = fc.constantFrom(...(b.question ? ['*', '?'] : ['*']));
  const single = valueArb(b).map((v) => v.text);
  const range = valueArb(b).chain((a) => valueArb(b, a.n).map((z) => `${a.text}-${z.text}`));
  return fc.tuple(fc.oneof(any, single, range), step).map(([span, s]) => span + s);
}

function fieldArb(b: FieldBounds): fc.Arbitrary<string> {
  return fc.array(itemArb(b), { minLength: 1, maxLength: 3 }).map((items) => items.join(','));
}

const fiveFields = fc.tuple(...BOUNDS.map(fieldArb) as [fc.Arbitrary<string>, fc.Arbitrary<string>, fc.Arbitrary<string>,
  fc.Arbitrary<string>, fc.Arbitrary<string>]);
const blank = fc.constantFrom(' ', '  ', '\t', ' \t ');
const validSchedule = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(fiveFields, fc.array(blank, { minLength: 6, maxLength: 6 }), fc.boolean()).map(([fields, gaps, padded]) =>
    (padded ? gaps[0] : '') + fields.map((f, i) => (i === 0 ? f : gaps[i] + f)).join('') + (padded ? gaps[5] : '')) },
  { weight: 1, arbitrary: fc.constantFrom('@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly') },
);

/** Breaks one field of a valid schedule in one of the ways the grammar refuses. */
const invalidSchedule = fc.tuple(fiveFields, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 99 }))
  .map(([fields, i, how, k]) => {
    const parts: string[] = [...fields];
    const b = BOUNDS[i];
    switch (how) {
      case 0: parts[i] = String((i === 2 ? 31 : b.max) + k); break; // above the field's range
      case 1: parts[i] = `${b.min + 1}-${b.min}`; break; // a backwards range
      case 2: parts[i] = `${parts[i]}/0`; break; // a zero step (or a second '/')
      case 3: parts[i] = `${parts[i]},`; break; // an empty list item
      case 4: parts[i] = ['x', 'L', '5W', '1#2', '-1', '**', '1..3', '*/'][k % 8]; break; // not cron syntax
      case 5: parts.splice(i, 1); break; // a field missing
      case 6: parts.splice(i, 0, '0'); break; // a field too many
      default: parts[i] = `@${parts[i]}`; break; // a stray macro sign
    }
    return parts.join(' ');
  });

describe('ProductionCronJob schedule (property tests)', () => {
  test('every schedule generated from the cron grammar is accepted and rendered as five fields', () => {
    fc.assert(fc.property(validSchedule, (schedule) => {
      // GIVEN a valid schedule WHEN a cron job is built with it
      const cron = new ProductionCronJob(chartFor(Profile.PROD), 'Report', { image: IMAGE, schedule });
      // THEN it is rendered as its five fields, single-spaced
      expect(cron.schedule.split(' ')).toHaveLength(5);
      if (!schedule.startsWith('@')) {
        expect(cron.schedule).toBe(schedule.trim().split(/\s+/).join(' '));
      }
    }), { numRuns: 300 });
  });

  test('every schedule broken in one field throws an error naming \'schedule\'', () => {
    fc.assert(fc.property(invalidSchedule, (schedule) => {
      // GIVEN a broken schedule WHEN a cron job is built with it THEN the error names the prop and the value
      const message = errorOf(() => new ProductionCronJob(chartFor(Profile.PROD), 'Report', { image: IMAGE, schedule }));
      expect(message).toContain(`'schedule' (${JSON.stringify(schedule)})`);
      expect(message).toMatch(/has 1 invalid prop:/);
    }), { numRuns: 300 });
  });
});
