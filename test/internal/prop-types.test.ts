import * as fs from 'fs';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterDefaultDeny, ProductionApp, ProductionCronJob, IngressController, ProductionIngress, ProductionJob, ProductionNamespace, ProductionWorker, Profile,
} from '../../lib';
import { OUT, generate } from '../../scripts/prop-shapes';
import { chartFor } from '../helpers/manifests';
import { errorOf } from '../helpers/errors';

// A JavaScript user, or a value read from JSON or YAML config, is not protected by the types: every prop is checked
// at run time, with an error naming the prop and the expected type.

const APP = { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' };
const any = (x: unknown) => x as any;

test('the generated prop shapes are current with the declarations', () => {
  expect(generate()).toBe(fs.readFileSync(OUT, 'utf8'));
});

describe('wrong JavaScript types are named, with the expected type', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['a string where a number belongs', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, replicas: '3' })),
      /'replicas' \("3"\) is a string, not a number\. Fix: pass a number/],
    ['a number where a string belongs', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, image: 123 })),
      /'image' \(123\) is a number, not a string/],
    ['no props object at all', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any(undefined)),
      /'props' \(not set\) is not set, not an object with the fields of ProductionAppProps\. Fix: pass an object with at least 'image', 'port'/],
    ['a missing required prop', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ image: APP.image })),
      /'port' \(not set\) is required\. Fix: set 'port' to a number/],
    ['a string where an enum-like class belongs', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, size: 'small' })),
      /'size' \("small"\) is a string, not an AppSize/],
    ['a string where an array belongs', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, writablePaths: '/tmp' })),
      /'writablePaths' \("\/tmp"\) is a string, not an array of strings/],
    ['a plain string env value', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, env: { LOG_LEVEL: 'info' } })),
      /'env\.LOG_LEVEL' \("info"\) is a string, not an EnvValue/],
    ['a misspelled prop', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, replica: 3 })),
      /'replica' \(3\) is not a prop of ProductionAppProps, so it would be ignored\. Fix: did you mean 'replicas'\?/],
    ['a nested struct field', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, sidecars: [{ name: 'proxy' }] })),
      /'sidecars\[0\]\.image' \(not set\) is required/],
    ['a number as a Duration', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, preStopDelay: 10 })),
      /'preStopDelay' \(10\) is a number, not a Duration/],
    ['NaN as a number', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, port: NaN })),
      /'port' \(NaN\) is NaN, not a number/],
    ['a string Pod Security level', () => new ProductionNamespace(chartFor(Profile.PROD), 'Shop', any({ name: 'shop', podSecurityEnforce: 'baseline' })),
      /'podSecurityEnforce' \("baseline"\) is a string, not a PodSecurityLevel/],
    ['a string CNI', () => new ClusterDefaultDeny(chartFor(Profile.PROD), 'Deny', any({ cni: 'cilium' })),
      /'cni' \("cilium"\) is a string, not a Cni/],
    ['a string where a worker\'s probe belongs', () => new ProductionWorker(chartFor(Profile.PROD), 'Worker', any({ image: APP.image, readiness: 'cat /tmp/ready' })),
      /'readiness' \("cat \/tmp\/ready"\) is a string, not an AppProbe/],
    ['a number as a job deadline', () => new ProductionJob(chartFor(Profile.PROD), 'Job', any({ image: APP.image, activeDeadline: 600 })),
      /'activeDeadline' \(600\) is a number, not a Duration/],
    ['a cron job without a schedule', () => new ProductionCronJob(chartFor(Profile.PROD), 'Cron', any({ image: APP.image })),
      /'schedule' \(not set\) is required/],
    ['an ingress rate limit as a string', () => new ProductionIngress(chartFor(Profile.PROD), 'Ingress', any({ rateLimitPerSecond: '20' })),
      /'rateLimitPerSecond' \("20"\) is a string, not a number/],
    ['a string where a Service type enum belongs', () => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ ...APP, serviceType: 'Public' })),
      /'serviceType' \("Public"\) is not one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"/],
  ];

  test.each(cases)('throws for %s', (_title, fn, expected) => {
    const message = errorOf(fn);
    expect(message).toMatch(/^Production[A-Za-z]+ '|^ClusterDefaultDeny '/);
    expect(message).toMatch(expected);
  });

  test('a profile given by name fails clearly, with the constant to use', () => {
    expect(() => Profile.use(Testing.chart(), any('dev'))).toThrow(/Profile\.use was given "dev", not a Profile\. Fix: use Profile\.DEV \(or Profile\.named\('dev'\)\)/);
    expect(() => Profile.use(Testing.chart(), any('qa'))).toThrow(/Fix: use Profile\.DEV, Profile\.STAGING or Profile\.PROD/);
  });

  test('every wrongly typed prop of one construct is reported in one error', () => {
    const message = errorOf(() => new ProductionApp(chartFor(Profile.PROD), 'Web', any({ image: 1, port: '80', size: 'large' })));
    expect(message).toMatch(/has 3 invalid props/);
  });

  test('a worker keeps its own message for the props of served workloads', () => {
    const message = errorOf(() => new ProductionWorker(chartFor(Profile.PROD), 'Worker', any({ image: APP.image, port: 8080 })));
    expect(message).toMatch(/'port' \(8080\) is not a prop of a worker: a worker serves no port/);
    expect(message).not.toMatch(/is not a prop of ProductionWorkerProps/);
  });

  test('values of the right types pass untouched', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(chart, 'Web', { ...APP, env: { A: kplus.EnvValue.fromValue('b') } });
    expect(Testing.synth(chart).length).toBeGreaterThan(0);
  });
});

describe('values the API server would refuse, or that cdk8s would fail on without naming the prop', () => {
  const { Duration, Size } = require('cdk8s');
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['a duration in milliseconds', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, preStopDelay: Duration.millis(1500) }),
      /'preStopDelay' \("1\.5s"\) is not a whole number of seconds, which is what Kubernetes stores\. Fix: use Duration\.seconds\(n\) with a whole n, e\.g\. Duration\.seconds\(2\)/],
    ['a probe period in milliseconds', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, liveness: require('../../lib').AppProbe.tcpSocket({ period: Duration.millis(500) }) }),
      /'liveness\.period' \("0\.5s"\) is not a whole number of seconds/],
    ['a probe timeout of zero', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, liveness: require('../../lib').AppProbe.tcpSocket({ timeout: Duration.seconds(0) }) }),
      /'liveness\.timeout' \("0ms"\) is shorter than the 1 second the API server accepts/],
    ['a negative failure threshold', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, liveness: require('../../lib').AppProbe.tcpSocket({ failureThreshold: -1 }) }),
      /'liveness\.failureThreshold' \(-1\) is not a whole number from 1 to 2147483647/],
    ['a fractional failure threshold', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, readiness: require('../../lib').AppProbe.httpGet('/ready', { failureThreshold: 2.5 }) }),
      /'readiness\.failureThreshold' \(2\.5\) is not a whole number/],
    ['replicas beyond int32', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, replicas: 2 ** 31 }),
      /'replicas' \(2147483648\) must be an integer of at least 2 in prod \(and at most 2147483647\)/],
    ['app memory of one KiB', () => new ProductionApp(chartFor(Profile.PROD), 'Web', { ...APP, resources: { memory: { request: Size.kibibytes(1), limit: Size.mebibytes(256) } } }),
      /'resources\.memory\.request' \("0\.0009765625Mi"\) is not a whole number of MiB/],
    ['a fractional body size (never silently rounded)', () => new ProductionIngress(chartFor(Profile.PROD), 'Ingress', { controller: IngressController.NGINX, maxBodySize: Size.mebibytes(0.5) }),
      /'maxBodySize' \("0\.5Mi"\) is not a whole number of MiB/],
    ['a namespace memory quota in KiB', () => new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop', quota: { limitsMemory: Size.kibibytes(100) } }),
      /'quota\.limitsMemory' \("0\.09765625Mi"\) is not a whole number of MiB/],
    ['a NaN CPU quota', () => new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop', quota: { requestsCpu: kplus.Cpu.millis(NaN) } }),
      /'quota\.requestsCpu' \("NaNm"\) is not a positive CPU quantity/],
    ['a pod count beyond int32', () => new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop', quota: { pods: 2 ** 40 } }),
      /'quota\.pods' \(1099511627776\) is not a count/],
    ['container defaults of a fraction of a MiB', () => new ProductionNamespace(chartFor(Profile.PROD), 'Shop', { name: 'shop', containerDefaults: { memory: { request: Size.kibibytes(512) } } }),
      /'containerDefaults\.memory\.request' \("0\.5Mi"\) is not a whole number of MiB/],
  ];

  test.each(cases)('throws for %s', (_title, fn, expected) => {
    expect(errorOf(fn)).toMatch(expected);
  });
});
