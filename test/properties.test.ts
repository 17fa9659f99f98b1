import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AppProbe, AppSize, ClusterDefaultDeny, Cni, NetworkPeer, ProductionApp, ProductionCronJob, IngressController, ProductionIngress, ProductionJob,
  ProductionNamespace, ProductionWorker, Profile, TlsCertificate, CertManagerIssuer, RulePack,
  ProductionGateway, ProductionGrpcRoute, ProductionHttpRoute, RoutePathMatch,
} from '../lib';
import { ProductionPropsError } from '../lib/internal/errors';
import { validateManifests } from './helpers/schema';

// Properties that hold for every input of every public construct, checked on generated props, plausible and
// hostile, and on wrong JavaScript types:
//   1. synthesis succeeds, or throws one ProductionPropsError naming the construct path, props, values and fixes;
//      never a raw TypeError or RangeError, never cdk8s's own message;
//   2. output that synthesizes in prod is valid against the Kubernetes 1.28 and CRD schemas, with zero rule-pack
//      findings;
//   3. output is deterministic;
//   4. a prop that was set is found in the output.
// Runs are bounded and the seed fixed, so the suite stays fast and any failure reproduces.

const RUNS = { numRuns: 60, seed: 20261130 };

/** Synthesizes what `build` adds to a fresh prod chart; returns the manifests, or the error it threw. */
function attempt(build: (chart: Chart) => void, profile = Profile.PROD): { manifests?: any[]; error?: unknown } {
  try {
    const chart = Testing.chart();
    Profile.use(chart, profile);
    build(chart);
    return { manifests: Testing.synth(chart) };
  } catch (error) {
    return { error };
  }
}

/** Property 1: a failure is always the library's own, complete error. */
function expectCleanError(error: unknown): void {
  const message = (error as Error).message;
  if (!(error instanceof ProductionPropsError)) {
    // A check that needs the whole app (no routes, the same object twice) runs as a cdk8s validation: cdk8s lists
    // the library's messages, each with its construct path and fix (cdk8s-plus may add its own line about the same
    // object, e.g. an Ingress without rules).
    expect(message).toMatch(/^Validation failed with the following errors:\n/);
    expect(message.split('\n').slice(1).some((line) => /^ {2}\[[^\]]*\] .+Fix: .+/s.test(line))).toBe(true);
    return;
  }
  expect(message).toMatch(/^[A-Za-z.]+ '[^']*' has \d+ invalid props?:\n/);
  for (const line of message.split('\n').slice(1)) {
    expect(line).toMatch(/^ {2}- '.*' \(.*\) .+\. Fix: .+/s);
  }
}

/** Properties 2 and 3 for output that synthesized. */
function expectProductionReady(build: (chart: Chart) => void, manifests: any[]): void {
  expect(validateManifests(manifests)).toEqual([]);
  expect(RulePack.check(manifests, { profile: 'prod' }).findings.map(RulePack.formatFinding)).toEqual([]);
  expect(attempt(build).manifests).toEqual(manifests);
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries: plausible values, mixed with the hostile ones users and config files produce.

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const hostileString = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', ' ', 'UPPER', 'a_b', '-x', 'x-', '../..', '//', 'a'.repeat(70)));
const image = fc.oneof(
  fc.tuple(label, fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/)).map(([n, v]) => `registry.example.com/${n}:${v}`),
  fc.constantFrom('registry.example.com/web:latest', 'registry.example.com/web', 'not an image', 'web@sha256:xyz'),
  hostileString,
);
const count = fc.oneof(fc.integer({ min: 2, max: 5 }), fc.constantFrom(0, 1, -1, 2.5, 2 ** 31, NaN));
const port = fc.oneof(fc.integer({ min: 1024, max: 65535 }), fc.constantFrom(0, 22, 70000, -1, 80.5));
const seconds = fc.oneof(fc.integer({ min: 1, max: 600 }).map((s) => Duration.seconds(s)), fc.constantFrom(Duration.millis(1500), Duration.seconds(0)));
const mebibytes = fc.oneof(fc.integer({ min: 64, max: 4096 }).map((m) => Size.mebibytes(m)), fc.constantFrom(Size.kibibytes(1), Size.mebibytes(0.5)));
const probe = fc.oneof(
  fc.constant(AppProbe.httpGet('/ready')), fc.constant(AppProbe.tcpSocket()), fc.constant(AppProbe.exec(['cat', '/tmp/ok'])),
  fc.constant(AppProbe.httpGet('ready')), fc.constant(AppProbe.exec([])), fc.constant(AppProbe.tcpSocket({ port: 'nope' })),
  fc.integer({ min: -2, max: 5 }).map((n) => AppProbe.tcpSocket({ failureThreshold: n })),
);
const envName = fc.oneof(fc.stringMatching(/^[A-Z][A-Z_]{0,8}$/), hostileString);
const env = fc.dictionary(envName, fc.oneof(fc.string({ maxLength: 12 }), fc.constant('AKIAIOSFODNN7EXAMPLE')), { maxKeys: 3 })
  .map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])));
const podProps = fc.record({
  image,
  name: fc.option(fc.oneof(label, hostileString), { nil: undefined }),
  env: fc.option(env, { nil: undefined }),
  writablePaths: fc.option(fc.array(fc.oneof(label.map((l) => `/${l}`), hostileString), { maxLength: 3 }), { nil: undefined }),
  preStopDelay: fc.option(seconds, { nil: undefined }),
  size: fc.option(fc.constantFrom(AppSize.SMALL, AppSize.MEDIUM, AppSize.LARGE), { nil: undefined }),
  resources: fc.option(mebibytes.map((m) => ({ memory: { request: m, limit: Size.gibibytes(8) } })), { nil: undefined }),
  security: fc.option(fc.record({ user: fc.oneof(fc.integer({ min: 10001, max: 60000 }), fc.constantFrom(0, 1000, -1)) }), { nil: undefined }),
  podLabels: fc.option(fc.dictionary(fc.oneof(label, hostileString), fc.oneof(label, hostileString), { maxKeys: 2 }), { nil: undefined }),
}, { requiredKeys: ['image'] });

/** A property over one construct: clean error or production-ready, deterministic output. */
function holds<T>(arbitrary: fc.Arbitrary<T>, build: (chart: Chart, props: T) => void, found?: (manifests: any[], props: T) => void): void {
  fc.assert(fc.property(arbitrary, (props) => {
    const run = (chart: Chart) => build(chart, props);
    const { manifests, error } = attempt(run);
    if (error !== undefined) {
      expectCleanError(error);
      return;
    }
    expectProductionReady(run, manifests!);
    found?.(manifests!, props);
  }), RUNS);
}

const ofKind = (manifests: any[], kind: string) => manifests.filter((m) => m.kind === kind);

describe('every generated input: a clean error, or valid, production-ready, deterministic output with the props in it', () => {
  test('ProductionApp', () => {
    holds(fc.record({ pod: podProps, port, replicas: fc.option(count, { nil: undefined }), healthPath: fc.constantFrom('/healthz', 'healthz') }),
      (chart, p) => { new ProductionApp(chart, 'Web', { ...p.pod, port: p.port, replicas: p.replicas, healthPath: p.healthPath }); },
      (manifests, p) => {
        const deployment = ofKind(manifests, 'Deployment')[0];
        expect(deployment.spec.template.spec.containers[0].image).toBe(p.pod.image);
        expect(ofKind(manifests, 'Service')[0].spec.ports[0].port).toBe(p.port);
        if (p.replicas !== undefined) expect(deployment.spec.replicas).toBe(p.replicas);
        if (p.pod.name !== undefined) expect(deployment.metadata.name).toBe(p.pod.name);
      });
  });

  test('ProductionWorker', () => {
    holds(fc.record({ pod: podProps, readiness: probe, liveness: probe, replicas: fc.option(count, { nil: undefined }) }),
      (chart, p) => { new ProductionWorker(chart, 'Consumer', { ...p.pod, readiness: p.readiness, liveness: p.liveness, replicas: p.replicas }); },
      (manifests, p) => {
        expect(ofKind(manifests, 'Service')).toEqual([]);
        expect(ofKind(manifests, 'Deployment')[0].spec.template.spec.containers[0].image).toBe(p.pod.image);
      });
  });

  test('ProductionJob', () => {
    holds(fc.record({ pod: podProps, backoffLimit: fc.option(count, { nil: undefined }), activeDeadline: fc.option(seconds, { nil: undefined }) }),
      (chart, p) => { new ProductionJob(chart, 'Migrate', { ...p.pod, backoffLimit: p.backoffLimit, activeDeadline: p.activeDeadline }); },
      (manifests, p) => {
        const job = ofKind(manifests, 'Job')[0];
        if (p.backoffLimit !== undefined) expect(job.spec.backoffLimit).toBe(p.backoffLimit);
        if (p.activeDeadline !== undefined) expect(job.spec.activeDeadlineSeconds).toBe(p.activeDeadline.toSeconds());
      });
  });

  test('ProductionCronJob', () => {
    const schedule = fc.oneof(fc.constantFrom('30 2 * * *', '@daily', '*/15 * * * 1-5', '0 0 31 2 *', '61 * * * *', '* * *', ''), hostileString);
    const timeZone = fc.constantFrom(undefined, 'Europe/Berlin', 'Etc/UTC', 'Mars/Olympus', 'utc');
    holds(fc.record({ pod: podProps, schedule, timeZone }),
      (chart, p) => { new ProductionCronJob(chart, 'Report', { ...p.pod, schedule: p.schedule, timeZone: p.timeZone }); },
      (manifests, p) => {
        const cronJob = ofKind(manifests, 'CronJob')[0];
        if (p.timeZone !== undefined) expect(cronJob.spec.timeZone).toBe(p.timeZone);
      });
  });

  test('ProductionNamespace', () => {
    holds(fc.record({
      name: fc.oneof(label, hostileString),
      pods: fc.option(count, { nil: undefined }),
      requestsMemory: fc.option(mebibytes, { nil: undefined }),
      allowed: fc.option(fc.array(fc.oneof(label, hostileString), { maxLength: 2 }), { nil: undefined }),
    }), (chart, p) => {
      new ProductionNamespace(chart, 'Ns', { name: p.name, quota: { pods: p.pods, requestsMemory: p.requestsMemory }, allowedIngressNamespaces: p.allowed });
    }, (manifests, p) => {
      expect(ofKind(manifests, 'Namespace')[0].metadata.name).toBe(p.name);
    });
  });

  test('ProductionIngress with a route', () => {
    const host = fc.oneof(fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`), fc.constantFrom('*.example.com', 'localhost', 'UPPER.example.com', ''), hostileString);
    const path = fc.oneof(label.map((l) => `/${l}`), fc.constantFrom('/', '//x', 'x', '/a/../b'));
    holds(fc.record({ host, path, rate: fc.option(count, { nil: undefined }) }), (chart, p) => {
      const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
      const web = new ProductionApp(ns, 'Web', { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
      const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX,
        rateLimitPerSecond: p.rate, tls: [{ certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) }],
      });
      ingress.addRoute(p.host, p.path, web);
    }, (manifests, p) => {
      const rule = ofKind(manifests, 'Ingress')[0].spec.rules[0];
      expect(rule.host).toBe(p.host);
      expect(rule.http.paths[0].path).toBe(p.path);
    });
  });

  test('ProductionGateway with an HTTP route', () => {
    // Valid values weigh more, so that about half of the runs synthesize.
    const host = fc.oneof(
      { arbitrary: fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`), weight: 6 },
      { arbitrary: fc.constantFrom('*.example.com', 'localhost', 'UPPER.example.com', '', '10.0.0.1', 'a..b', '*.*.example.com'), weight: 1 },
      { arbitrary: hostileString, weight: 1 },
    );
    const path = fc.oneof(
      { arbitrary: fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => `/${ls.join('/')}`), weight: 10 },
      { arbitrary: fc.constantFrom('/', '//x', 'x', '/a/../b', '/a#b', '/%2F', '/%41', '/ü', '/a/.'), weight: 1 },
      { arbitrary: hostileString, weight: 1 },
    );
    const arbitrary = fc.record({
      listenerHost: host, otherHost: host, same: fc.constantFrom(true, true, true, false), paths: fc.uniqueArray(path, { minLength: 1, maxLength: 3 }),
      timeout: fc.option(seconds, { nil: undefined }), exact: fc.boolean(),
    });
    holds(arbitrary, (chart, p) => {
      const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
      const web = new ProductionApp(shop, 'Web', { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
      const gateway = new ProductionGateway(chart, 'Gateway', {
        namespaceName: 'gateway-system', gatewayClassName: 'istio',
        listeners: [{ hostname: p.listenerHost, certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) }],
      });
      gateway.admitNamespace(shop);
      new ProductionHttpRoute(shop, 'Route', {
        gateway, hostname: p.same ? p.listenerHost : p.otherHost, app: web, paths: p.paths, requestTimeout: p.timeout,
        pathMatch: p.exact ? RoutePathMatch.EXACT : RoutePathMatch.PREFIX,
      });
    }, (manifests, p) => {
      const route = ofKind(manifests, 'HTTPRoute').find((r) => r.metadata.namespace === 'shop');
      expect(route.spec.hostnames).toEqual([p.same ? p.listenerHost : p.otherHost]);
      expect(route.spec.rules[0].matches.map((m: any) => m.path)).toEqual(p.paths.map((value) => ({ type: p.exact ? 'Exact' : 'PathPrefix', value })));
      expect(ofKind(manifests, 'Gateway')[0].spec.listeners[0].hostname).toBe(p.listenerHost);
    });
  });

  test('ClusterDefaultDeny', () => {
    holds(fc.record({ cni: fc.constantFrom(Cni.CILIUM, Cni.CALICO), exempt: fc.option(fc.array(fc.oneof(label, hostileString), { maxLength: 3 }), { nil: undefined }) }),
      (chart, p) => { new ClusterDefaultDeny(chart, 'Deny', { cni: p.cni, exemptNamespaces: p.exempt }); });
  });

  test('NetworkPeer factories, used by a workload', () => {
    const cidr = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 8, max: 32 })).map(([a, p]) => `${a}.0.0.0/${p}`),
      fc.constantFrom('0.0.0.0/0', '::/0', ':/0', 'fe80::1::2/64', 'fd00::/48', '10.0.0.0/33', '10.0.0.0/08', ''),
      hostileString,
    );
    holds(fc.record({ cidr, except: fc.array(cidr, { maxLength: 2 }), ns: fc.oneof(label, hostileString) }), (chart, p) => {
      const web = new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
      web.connectsTo(NetworkPeer.cidr(p.cidr, { exceptCidrs: p.except }), { ports: [443] });
      web.allowFrom(NetworkPeer.inNamespace(p.ns));
    });
  });
});

describe('wrong JavaScript types never escape as a TypeError', () => {
  const anything = fc.anything({ maxDepth: 2, withNullPrototype: false });

  test.each([['ProductionHttpRoute'], ['ProductionGrpcRoute']])('%s given valid props with one field replaced by anything', (name) => {
    const grpc = name === 'ProductionGrpcRoute';
    const build = (field: string, value: unknown) => (chart: Chart) => {
      const shop = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
      const app = new ProductionApp(shop, 'App', {
        image: 'registry.example.com/app:1.0.0', port: 9090, portName: grpc ? 'grpc' : 'http',
        readiness: grpc ? AppProbe.grpc() : AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket(),
      });
      const gateway = ProductionGateway.fromGatewayAttributes(chart, 'Gw', { name: 'gw', namespaceName: 'gw', listeners: [{ name: 'https' }] });
      const props = { gateway, app, hostname: 'a.example.com', [field]: value };
      if (grpc) new ProductionGrpcRoute(shop, 'X', props as any); else new ProductionHttpRoute(shop, 'X', props as any);
    };
    // The unchanged props synthesize, so that every failure below comes from the replaced field.
    expect(attempt(build('name', 'x')).error).toBeUndefined();
    const fields = ['gateway', 'app', 'hostname', 'paths', 'port', 'name', 'requestTimeout', 'requestHeaders', 'responseHeaders', 'hsts', 'services', 'pathMatch'];
    fc.assert(fc.property(fc.constantFrom(...fields), anything, (field, value) => {
      const { error } = attempt(build(field, value));
      if (error !== undefined) {
        expectCleanError(error);
      }
    }), RUNS);
  });

  const constructors: Array<[string, (chart: Chart, props: any) => void]> = [
    ['ProductionApp', (c, p) => new ProductionApp(c, 'X', p)],
    ['ProductionWorker', (c, p) => new ProductionWorker(c, 'X', p)],
    ['ProductionJob', (c, p) => new ProductionJob(c, 'X', p)],
    ['ProductionCronJob', (c, p) => new ProductionCronJob(c, 'X', p)],
    ['ProductionNamespace', (c, p) => new ProductionNamespace(c, 'X', p)],
    ['ProductionIngress', (c, p) => new ProductionIngress(c, 'X', p)],
    ['ClusterDefaultDeny', (c, p) => new ClusterDefaultDeny(c, 'X', p)],
    ['ProductionGateway', (c, p) => new ProductionGateway(c, 'X', p)],
    ['ProductionHttpRoute', (c, p) => new ProductionHttpRoute(c, 'X', p)],
    ['ProductionGrpcRoute', (c, p) => new ProductionGrpcRoute(c, 'X', p)],
  ];
  test.each(constructors)('%s given anything as props', (_name, make) => {
    fc.assert(fc.property(anything, (props) => {
      const { error } = attempt((chart) => make(chart, props));
      if (error !== undefined) {
        expectCleanError(error);
      }
    }), RUNS);
  });

  test.each(constructors)('%s given a valid object with one field replaced by anything', (name, make) => {
    const valid: Record<string, object> = {
      ProductionApp: { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' },
      ProductionWorker: { image: 'registry.example.com/w:1.0.0', readiness: AppProbe.exec(['a']), liveness: AppProbe.exec(['b']) },
      ProductionJob: { image: 'registry.example.com/j:1.0.0' },
      ProductionCronJob: { image: 'registry.example.com/j:1.0.0', schedule: '@daily' },
      ProductionNamespace: { name: 'shop' },
      ProductionIngress: {},
      ClusterDefaultDeny: { cni: Cni.CILIUM },
      ProductionGateway: {
        gatewayClassName: 'istio', namespaceName: 'gw',
        listeners: [{ hostname: 'a.example.com', certificate: TlsCertificate.certManager(CertManagerIssuer.clusterIssuer('letsencrypt')) }],
      },
    };
    const fields = ['image', 'port', 'replicas', 'name', 'env', 'size', 'security', 'writablePaths', 'sidecars', 'schedule', 'quota', 'tls', 'cni', 'readiness', 'listeners', 'gatewayClassName', 'dataPlane', 'routeNamespaceLabels'];
    fc.assert(fc.property(fc.constantFrom(...fields), anything, (field, value) => {
      const { error } = attempt((chart) => make(chart, { ...valid[name], [field]: value }));
      if (error !== undefined) {
        expectCleanError(error);
      }
    }), RUNS);
  });
});
