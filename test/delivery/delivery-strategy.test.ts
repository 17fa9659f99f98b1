import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import '@platform/cdk8s-production/testing';
import {
  AlertReceiver, AppProbe, BlueGreenOptions, CanaryOptions, ObservabilityStack, ProductionNamespace, WorkloadMonitoring, CanaryStep, CanaryTrafficRouting, DeliveryStrategy, ProductionApp, RulePack,
  ProductionAppProps, ProductionIngress, ProductionWorker, Profile,
} from '../../lib';
import { ANALYSIS, BLUE_GREEN, CANARY, GATEWAY_API_PLUGIN, PRUNE_LAST, ROLLOUT_SPEC, SERVICE_ROLE_LABEL } from '../../lib/delivery/defaults';
import { ProductionPropsError } from '../../lib/internal/errors';
import { errorOf } from '../helpers/errors';
import { chartFor, ofKind, one } from '../helpers/manifests';
import { promqlProblems } from '../helpers/promql';
import { expectValidManifests, validateManifests } from '../helpers/schema';

const IMAGE = 'registry.example.com/web:1.4.2';
const PROMETHEUS = 'http://prometheus-operated.observability.svc:9090';
const ANALYSED = { prometheusAddress: PROMETHEUS };
const BASE: ProductionAppProps = { image: IMAGE, port: 8080, healthPath: '/healthz' };
const APP_SELECTOR = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name });

/** A chart with a canary app routed through a Gateway by a ProductionIngress. */
function routedCanary(profile: Profile, props: Partial<ProductionAppProps> = {}, canary: CanaryOptions = { analysis: ANALYSED }) {
  const chart = chartFor(profile);
  const app = new ProductionApp(chart, 'Web', { ...BASE, strategy: DeliveryStrategy.canary(canary), ...props });
  const ingress = new ProductionIngress(chart, 'Entry', { gateway: { name: 'main', namespaceName: 'gateways', podLabels: { app: 'gateway' } } });
  ingress.addRoute('shop.example.com', '/', app);
  return { chart, app, ingress };
}

/** A manifest's findings in `profile`, formatted. */
function findings(chart: Chart, profile: Profile): string[] {
  return RulePack.check(Testing.synth(chart), { profile: profile.name as 'dev' | 'staging' | 'prod' }).findings.map(RulePack.formatFinding);
}

/** Evaluates an Argo Rollouts condition on a Prometheus result (the expr subset our conditions use). */
function evaluate(condition: string, result: number[]): boolean {
  const js = condition.replace(/len\(result\)/g, 'result.length');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return Boolean(new Function('result', 'isNaN', `return ${js};`)(result, Number.isNaN));
}

describe('DeliveryStrategy.rolling', () => {
  test('no strategy and DeliveryStrategy.rolling() give the same Deployment output, with no Rollout objects', () => {
    // GIVEN two charts, one without a strategy and one with rolling()
    const a = chartFor(Profile.PROD);
    const b = chartFor(Profile.PROD);
    new ProductionApp(a, 'Web', BASE);
    const app = new ProductionApp(b, 'Web', { ...BASE, strategy: DeliveryStrategy.rolling() });
    // THEN the output is identical and has no Argo Rollouts object
    expect(Testing.synth(b)).toEqual(Testing.synth(a));
    expect(Testing.synth(b).filter((o: any) => o.apiVersion.startsWith('argoproj.io'))).toEqual([]);
    expect(app.deployment).toBeDefined();
    expect(app.rollout).toBeUndefined();
  });
});

describe('DeliveryStrategy.canary with Gateway API routing (defaults)', () => {
  const { chart, app } = routedCanary(Profile.PROD, { autoscaling: {} });
  const manifests = Testing.synth(chart);
  const name = app.name;

  test('emits a Rollout instead of the Deployment, with the research defaults', () => {
    expect(ofKind(manifests, 'Deployment')).toEqual([]);
    expect(app.deployment).toBeUndefined();
    const rollout = one(manifests, 'Rollout');
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.metadata.name).toBe(name);
    expect(rollout.spec.revisionHistoryLimit).toBe(ROLLOUT_SPEC.revisionHistoryLimit);
    expect(rollout.spec.minReadySeconds).toBe(ROLLOUT_SPEC.minReady.toSeconds());
    expect(rollout.spec.progressDeadlineSeconds).toBe(ROLLOUT_SPEC.progressDeadline.toSeconds());
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
    expect(rollout.spec.selector).toEqual({ matchLabels: APP_SELECTOR(name) });
    // the autoscaler owns the replica count
    expect(rollout.spec.replicas).toBeUndefined();
  });

  test('the canary: default steps, services, scale-down delays, HA canary ReplicaSet, background analysis', () => {
    const canary = one(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.steps).toEqual(CANARY.weights.flatMap((w) => [{ setWeight: w }, { pause: { duration: `${CANARY.pause.toSeconds()}s` } }]));
    expect(canary.stableService).toBe(`${name}-stable`);
    expect(canary.canaryService).toBe(`${name}-canary`);
    expect(canary.scaleDownDelaySeconds).toBe(30);
    expect(canary.abortScaleDownDelaySeconds).toBe(30);
    expect(canary.dynamicStableScale).toBeUndefined();
    expect(canary.minPodsPerReplicaSet).toBe(2);
    // with a router, the replica maths fields are not used and not set
    expect(canary.maxSurge).toBeUndefined();
    expect(canary.maxUnavailable).toBeUndefined();
    expect(canary.analysis).toEqual({
      templates: [{ templateName: `${name}-success-rate` }],
      startingStep: 1,
      args: [
        { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      ],
    });
  });

  test('the Gateway API plugin names the routes attached to the app, and the route splits between stable and canary', () => {
    const canary = one(manifests, 'Rollout').spec.strategy.canary;
    const route = one(manifests, 'HTTPRoute');
    expect(canary.trafficRouting).toEqual({ plugins: { [GATEWAY_API_PLUGIN]: { httpRoutes: [{ name: route.metadata.name }] } } });
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: `${name}-stable`, port: 8080, weight: 100 },
      { name: `${name}-canary`, port: 8080, weight: 0 },
    ]);
    expect(app.node.validate()).toEqual([]);
  });

  test('the stable and canary Services select the stable app labels, with the app\'s ports', () => {
    const services = ofKind(manifests, 'Service');
    expect(services.map((s: any) => s.metadata.name)).toEqual([name, `${name}-stable`, `${name}-canary`]);
    for (const s of services) {
      expect(s.spec.selector).toEqual(APP_SELECTOR(name));
      expect(s.spec.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
      expect(s.spec.type).toBe('ClusterIP');
    }
    expect(app.stableService?.name).toBe(`${name}-stable`);
    expect(app.canaryService?.name).toBe(`${name}-canary`);
    // told apart by a role label, so that a selector of the app's Service picks only it
    expect(services.map((s: any) => s.metadata.labels[SERVICE_ROLE_LABEL])).toEqual(['main', 'stable', 'canary']);
  });

  test('WorkloadMonitoring scrapes the pods once, through the app\'s Service only', () => {
    const platform = chartFor(Profile.PROD);
    const alerting = kplus.Secret.fromSecretName(platform, 'Alerting', 'alerting');
    const stack = new ObservabilityStack(platform, 'Observability', { storageClassName: 'ssd', watchdogReceiver: AlertReceiver.webhook(alerting, 'url') });
    const c = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(c, 'Shop', { name: 'shop' });
    const web = new ProductionApp(ns, 'Web', { ...BASE, strategy: DeliveryStrategy.canary({ analysis: ANALYSED }) });
    new ProductionIngress(ns, 'Entry', { gateway: { name: 'main', namespaceName: 'gateways', podLabels: { app: 'gateway' } } }).addRoute('shop.example.com', '/', web);
    new WorkloadMonitoring(ns, 'Monitoring', { workload: web, stack, metrics: { port: 8080 } });
    const out = Testing.synth(c);
    const selector = one(out, 'ServiceMonitor').spec.selector.matchLabels;
    const selected = ofKind(out, 'Service').filter((s: any) => Object.entries(selector).every(([k, v]) => s.metadata.labels?.[k] === v));
    expect(selected.map((s: any) => s.metadata.name)).toEqual([web.service!.name]);
  });

  test('the HPA scales the Rollout; the PDB and NetworkPolicy select the stable labels only (never the pod-template hash)', () => {
    expect(one(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name });
    expect(one(manifests, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: APP_SELECTOR(name) });
    expect(one(manifests, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: APP_SELECTOR(name) });
    expect(JSON.stringify(manifests)).not.toContain('rollouts-pod-template-hash');
    expect(app.podSelector).toEqual(APP_SELECTOR(name));
  });

  test('the AnalysisTemplate: Prometheus success rate of the new pods, every limit set, empty or NaN is Inconclusive', () => {
    const template = one(manifests, 'AnalysisTemplate');
    expect(template.metadata.name).toBe(`${name}-success-rate`);
    expect(template.spec.args).toEqual([{ name: 'namespace' }, { name: 'canary-hash' }]);
    const [metric] = template.spec.metrics;
    expect(metric.interval).toBe(`${ANALYSIS.interval.toSeconds()}s`);
    expect(metric.initialDelay).toBe(`${ANALYSIS.initialDelay.toSeconds()}s`);
    // the pauses after the first weight (10 minutes beyond the initial delay) are covered: 1 + 13 measurements
    expect(metric.count).toBe(14);
    expect(metric.failureLimit).toBe(ANALYSIS.failureLimit);
    expect(metric.inconclusiveLimit).toBe(ANALYSIS.inconclusiveLimit);
    expect(metric.consecutiveErrorLimit).toBe(ANALYSIS.consecutiveErrorLimit);
    expect(metric.provider.prometheus).toEqual({
      address: PROMETHEUS, timeout: 30,
      query: `sum(rate(http_requests_total{namespace="{{args.namespace}}", pod=~"${name}-{{args.canary-hash}}-.*", code!~"5.."}[2m]))`
        + ` / sum(rate(http_requests_total{namespace="{{args.namespace}}", pod=~"${name}-{{args.canary-hash}}-.*"}[2m]))`,
    });
    // the query parses with the Prometheus grammar and passes its linter (the placeholders sit inside strings)
    expect(promqlProblems(metric.provider.prometheus.query)).toEqual([]);
    const cases: Array<[number[], 'success' | 'failure' | 'inconclusive']> = [
      [[], 'inconclusive'], [[NaN], 'inconclusive'], [[0.995], 'success'], [[0.99], 'success'], [[0.5], 'failure'], [[0], 'failure'],
    ];
    for (const [result, expected] of cases) {
      const success = evaluate(metric.successCondition, result);
      const failure = evaluate(metric.failureCondition, result);
      expect([result, success ? 'success' : failure ? 'failure' : 'inconclusive']).toEqual([result, expected]);
      expect(success && failure).toBe(false);
    }
    expect(app.analysisTemplate?.name).toBe(`${name}-success-rate`);
  });

  test('is valid against the 1.28 schema and the Argo Rollouts CRDs, with zero findings', () => {
    expectValidManifests(manifests);
    expect(findings(chart, Profile.PROD)).toEqual([]);
  });
});

describe('the Rollout template is the Deployment template of the same props', () => {
  test.each([
    ['defaults', {}],
    ['sidecars, extra ports and a token', {
      additionalPorts: [{ name: 'metrics', port: 9090 }], serviceAccountToken: true,
      sidecars: [{ name: 'proxy', image: 'registry.example.com/proxy:3.1.0', ports: [{ name: 'proxy', port: 15000 }],
        readiness: AppProbe.httpGet('/ready'), liveness: AppProbe.tcpSocket() }],
    }],
  ] as Array<[string, Partial<ProductionAppProps>]>)('%s', (_, props) => {
    const a = chartFor(Profile.STAGING);
    const b = chartFor(Profile.STAGING);
    new ProductionApp(a, 'Web', { ...BASE, ...props } as ProductionAppProps);
    const app = new ProductionApp(b, 'Web', { ...BASE, ...props, strategy: DeliveryStrategy.canary({ analysis: ANALYSED, trafficRouting: CanaryTrafficRouting.none() }) } as ProductionAppProps);
    const deployment = one(Testing.synth(a), 'Deployment');
    const rollout = one(Testing.synth(b), 'Rollout');
    // What must differ: the Deployment selects its pods by cdk8s-plus's address label, the Rollout by the stable app labels.
    const addr = deployment.spec.selector.matchLabels;
    const normalized = JSON.parse(JSON.stringify(deployment.spec.template)
      .split(JSON.stringify(addr)).join(JSON.stringify(APP_SELECTOR(app.name))));
    delete normalized.metadata.labels['cdk8s.io/metadata.addr'];
    expect(rollout.spec.template).toEqual(normalized);
  });
});

describe('DeliveryStrategy.canary without a router (replica ratio)', () => {
  test('routes go to the app\'s Service; default weights move to shares the replicas can run; no stable/canary Services', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { ...BASE, replicas: 3,
      strategy: DeliveryStrategy.canary({ analysis: ANALYSED, trafficRouting: CanaryTrafficRouting.none() }) });
    const ingress = new ProductionIngress(chart, 'Entry', { gateway: { name: 'main', namespaceName: 'gateways', podLabels: { app: 'gateway' } } });
    ingress.addRoute('shop.example.com', '/', app);
    const manifests = Testing.synth(chart);
    const canary = one(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.steps.filter((s: any) => s.setWeight !== undefined)).toEqual([{ setWeight: 33 }, { setWeight: 67 }]);
    expect(canary.maxSurge).toBe(CANARY.basicMaxSurge);
    expect(canary.maxUnavailable).toBe(0);
    expect(canary.trafficRouting).toBeUndefined();
    expect(canary.scaleDownDelaySeconds).toBeUndefined();
    expect(canary.stableService).toBeUndefined();
    expect(one(manifests, 'Rollout').spec.replicas).toBe(3);
    expect(one(manifests, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: app.name, port: 8080 }]);
    expect(app.stableService).toBeUndefined();
    expect(app.node.validate()).toEqual([]);
    expectValidManifests(manifests);
    expect(findings(chart, Profile.PROD)).toEqual([]);
  });

  test('10 replicas run the default weights 10, 25 (as 30) and 50', () => {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(chart, 'Web', { ...BASE, replicas: 10, strategy: DeliveryStrategy.canary({ analysis: ANALYSED, trafficRouting: CanaryTrafficRouting.none() }) });
    const steps = one(Testing.synth(chart), 'Rollout').spec.strategy.canary.steps;
    expect(steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight)).toEqual([10, 30, 50]);
  });
});

describe('DeliveryStrategy.blueGreen', () => {
  const chart = chartFor(Profile.PROD);
  const app = new ProductionApp(chart, 'Web', { ...BASE, strategy: DeliveryStrategy.blueGreen({ analysis: ANALYSED }) });
  const ingress = new ProductionIngress(chart, 'Entry', { gateway: { name: 'main', namespaceName: 'gateways', podLabels: { app: 'gateway' } } });
  ingress.addRoute('shop.example.com', '/', app);
  const manifests = Testing.synth(chart);

  test('active = the app\'s Service, preview Service, automatic promotion gated by pre- and post-promotion analysis', () => {
    const blueGreen = one(manifests, 'Rollout').spec.strategy.blueGreen;
    const analysisSeconds = ANALYSIS.initialDelay.toSeconds() + ANALYSIS.blueGreenCount * ANALYSIS.interval.toSeconds();
    const ref = {
      templates: [{ templateName: `${app.name}-success-rate` }],
      args: [
        { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      ],
    };
    expect(blueGreen).toEqual({
      activeService: app.service!.name,
      previewService: `${app.name}-preview`,
      autoPromotionEnabled: BLUE_GREEN.autoPromotion,
      // the old version outlives the post-promotion analysis, so an abort can switch back
      scaleDownDelaySeconds: Math.max(BLUE_GREEN.scaleDownDelay.toSeconds(), analysisSeconds),
      abortScaleDownDelaySeconds: 30,
      prePromotionAnalysis: ref,
      postPromotionAnalysis: ref,
    });
    expect(one(manifests, 'AnalysisTemplate').spec.metrics[0].count).toBe(ANALYSIS.blueGreenCount);
    expect(one(manifests, 'Rollout').spec.replicas).toBe(3);
  });

  test('routes go to the active Service only; the preview Service selects the app labels', () => {
    expect(one(manifests, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: app.name, port: 8080 }]);
    const preview = ofKind(manifests, 'Service').find((s: any) => s.metadata.name === `${app.name}-preview`);
    expect(preview.spec.selector).toEqual(APP_SELECTOR(app.name));
    expect(app.previewService?.name).toBe(`${app.name}-preview`);
  });

  test('is valid, with zero findings', () => {
    expectValidManifests(manifests);
    expect(findings(chart, Profile.PROD)).toEqual([]);
  });
});

describe('migration from an existing Deployment', () => {
  const chart = chartFor(Profile.PROD);
  const app = new ProductionApp(chart, 'Web', { ...BASE, autoscaling: {},
    strategy: DeliveryStrategy.canary({ analysis: ANALYSED, trafficRouting: CanaryTrafficRouting.none(), migrateFromDeployment: true }) });
  const manifests = Testing.synth(chart);

  test('keeps the Deployment (pruned last by Argo CD) and references it from a Rollout without a template', () => {
    const deployment = one(manifests, 'Deployment');
    expect(deployment.metadata.annotations[PRUNE_LAST.annotation]).toBe('PruneLast=true');
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    const rollout = one(manifests, 'Rollout');
    expect(rollout.spec.template).toBeUndefined();
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, scaleDown: 'progressively' });
    expect(app.deployment).toBeDefined();
    expect(app.rollout).toBeDefined();
  });

  test('the Service, PDB and NetworkPolicy cover the pods of both; the HPA scales the Rollout', () => {
    const labels = one(manifests, 'Deployment').spec.template.metadata.labels;
    for (const [key, value] of Object.entries(APP_SELECTOR(app.name))) {
      expect(labels[key]).toBe(value);
    }
    expect(one(manifests, 'Service').spec.selector).toEqual(APP_SELECTOR(app.name));
    expect(one(manifests, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(APP_SELECTOR(app.name));
    expect(one(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef.kind).toBe('Rollout');
  });

  test('is valid, with zero findings', () => {
    expectValidManifests(manifests);
    expect(findings(chart, Profile.PROD)).toEqual([]);
  });
});

describe('every profile', () => {
  test.each(Profile.all())('canary, blue/green and basic canary are valid with zero findings in %s', (profile) => {
    const { chart } = routedCanary(profile);
    new ProductionApp(chart, 'Blue', { ...BASE, strategy: DeliveryStrategy.blueGreen({ analysis: ANALYSED }) });
    new ProductionApp(chart, 'Basic', { ...BASE, replicas: 4, strategy: DeliveryStrategy.canary({ analysis: ANALYSED, trafficRouting: CanaryTrafficRouting.none() }) });
    expectValidManifests(Testing.synth(chart));
    expect(chart).toBeProductionReady({ profile: profile.name as 'dev' | 'staging' | 'prod' });
  });

  test('dev allows a canary without analysis (no AnalysisTemplate); a single replica previews beside the stable one', () => {
    const chart = chartFor(Profile.DEV);
    new ProductionApp(chart, 'Web', { ...BASE, strategy: DeliveryStrategy.canary({ trafficRouting: CanaryTrafficRouting.none() }) });
    const manifests = Testing.synth(chart);
    expect(ofKind(manifests, 'AnalysisTemplate')).toEqual([]);
    expect(one(manifests, 'Rollout').spec.strategy.canary.analysis).toBeUndefined();
    expect(one(manifests, 'Rollout').spec.strategy.canary.steps.filter((s: any) => s.setWeight !== undefined)).toEqual([{ setWeight: 50 }]);
    expect(chart).toBeProductionReady({ profile: 'dev' });
  });

  test.each([[Profile.DEV, undefined], [Profile.STAGING, 2], [Profile.PROD, 2]])('%s: minPodsPerReplicaSet of a routed canary is %s', (profile, expected) => {
    const { chart } = routedCanary(profile);
    expect(one(Testing.synth(chart), 'Rollout').spec.strategy.canary.minPodsPerReplicaSet).toBe(expected);
  });
});

describe('routes of a Gateway API canary, at synthesis', () => {
  test('throws at synthesis when nothing routes to the canary', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { ...BASE, strategy: DeliveryStrategy.canary({ analysis: ANALYSED }) });
    expect(app.node.validate()).toEqual([
      "ProductionApp 'test/Web' is a canary with CanaryTrafficRouting.gatewayApi(), but no route sends traffic to it, so Argo Rollouts has no route weights to shift. Fix: route it (e.g. ProductionIngress with 'gateway', addRoute(host, path, app)), or use CanaryTrafficRouting.none()",
    ]);
  });

  test('GRPCRoutes are named as grpcRoutes, with the routes\' namespace; routes in two namespaces fail validation', () => {
    const chart = chartFor(Profile.PROD);
    const app = new ProductionApp(chart, 'Web', { ...BASE, strategy: DeliveryStrategy.canary({ analysis: ANALYSED }) });
    // what a route construct does (see HardenedWorkload._attachRoute); the same route twice is recorded once
    app._attachRoute({ kind: 'GRPCRoute', name: 'web-grpc', namespace: 'edge' });
    app._attachRoute({ kind: 'GRPCRoute', name: 'web-grpc', namespace: 'edge' });
    app._attachRoute({ kind: 'HTTPRoute', name: 'web-http', namespace: 'edge' });
    expect(app._routeBackends(8080).map((b) => [b.name, b.weight])).toEqual([[`${app.name}-stable`, 100], [`${app.name}-canary`, 0]]);
    expect(one(Testing.synth(chart), 'Rollout').spec.strategy.canary.trafficRouting.plugins[GATEWAY_API_PLUGIN])
      .toEqual({ httpRoutes: [{ name: 'web-http' }], grpcRoutes: [{ name: 'web-grpc' }], namespace: 'edge' });
    expect(app.node.validate()).toEqual([]);
    app._attachRoute({ kind: 'HTTPRoute', name: 'web-internal', namespace: 'internal' });
    expect(app.node.validate()).toEqual([
      "ProductionApp 'test/Web' is routed by routes in 2 namespaces (\"edge\", \"internal\"), but the Gateway API plugin manages routes of one namespace. Fix: create the routes in one namespace",
    ]);
  });

  test('two hosts give two HTTPRoutes, both named in the Rollout', () => {
    const { chart, ingress, app } = routedCanary(Profile.PROD);
    ingress.addRoute('www.example.com', '/', app);
    const manifests = Testing.synth(chart);
    const routes = ofKind(manifests, 'HTTPRoute').map((r: any) => ({ name: r.metadata.name }));
    expect(routes).toHaveLength(2);
    expect(one(manifests, 'Rollout').spec.strategy.canary.trafficRouting.plugins[GATEWAY_API_PLUGIN].httpRoutes).toEqual(routes);
  });
});

describe('bad input: every combination Argo Rollouts rejects, and our floors, is a synth error', () => {
  const canary = (o: CanaryOptions) => DeliveryStrategy.canary(o);
  const blueGreen = (o: BlueGreenOptions) => DeliveryStrategy.blueGreen(o);
  const none = CanaryTrafficRouting.none();
  const cases: Array<[string, Partial<ProductionAppProps>, string]> = [
    ['a canary without analysis in prod', { strategy: canary({}) },
      "'strategy(DeliveryStrategy.canary()).analysis' (not set) is required in prod"],
    ['a blue/green without analysis in prod', { strategy: blueGreen({}) },
      "'strategy(DeliveryStrategy.blueGreen()).analysis' (not set) is required in prod"],
    ['setWeight above 100', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(10), CanaryStep.pause(Duration.minutes(5)), CanaryStep.trafficWeight(120)] }) },
      "'strategy(DeliveryStrategy.canary()).steps[2]' (\"trafficWeight(120)\") is not a weight from 0 to 100 (Argo Rollouts refuses it)"],
    ['setWeight below 0', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(-5), CanaryStep.pause(Duration.minutes(5))] }) },
      'is not a weight from 0 to 100'],
    ['weights that do not increase', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(50), CanaryStep.pause(Duration.minutes(5)), CanaryStep.trafficWeight(20)] }) },
      "'strategy(DeliveryStrategy.canary()).steps[2]' (\"trafficWeight(20)\") does not raise the weight of step 0 (50%)"],
    ['a pause shorter than a second', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(10), CanaryStep.pause(Duration.millis(500)), CanaryStep.pause(Duration.minutes(5))] }) },
      "'strategy(DeliveryStrategy.canary()).steps[1]' (\"0.5s\") is not a whole number of seconds, which is what Kubernetes stores. Fix: use Duration.seconds(n) with a whole n, e.g. Duration.seconds(1)"],
    ['a pause of no time', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(10), CanaryStep.pause(Duration.seconds(0)), CanaryStep.pause(Duration.minutes(5))] }) },
      "'strategy(DeliveryStrategy.canary()).steps[1]' (\"0s\") is not positive: a pause of no time lets the next step start at once. Fix: set it to at least Duration.seconds(1)"],
    ['a pause that is not a Duration (plain JavaScript)', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(10), CanaryStep.pause('5m' as unknown as Duration)] }) },
      "'strategy(DeliveryStrategy.canary()).steps[1]' (\"5m\") is not a Duration. Fix: use e.g. Duration.minutes(5)"],
    ['an analysis interval of no time', { strategy: canary({ analysis: { ...ANALYSED, interval: Duration.seconds(0) } }) },
      "'strategy(DeliveryStrategy.canary()).analysis.interval' (\"0s\") is not positive: the controller must wait between two measurements. Fix: set it to at least Duration.seconds(1)"],
    ['no steps', { strategy: canary({ analysis: ANALYSED, steps: [] }) }, 'has no step, so the new version would get all the traffic at once'],
    ['no weight between 0 and 100', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(100), CanaryStep.pause(Duration.minutes(5))] }) },
      'sets no weight between 0 and 100'],
    ['maxSurge and maxUnavailable both 0', { strategy: canary({ analysis: ANALYSED, trafficRouting: none, maxSurge: 0, maxUnavailable: 0 }) },
      "'strategy(DeliveryStrategy.canary()).maxSurge' (0) is 0 and so is maxUnavailable, so no pod can ever be replaced (Argo Rollouts refuses it)"],
    ['maxSurge with a router', { strategy: canary({ analysis: ANALYSED, maxSurge: 1 }) },
      "'strategy(DeliveryStrategy.canary()).maxSurge' (1) is not used with CanaryTrafficRouting.gatewayApi()"],
    ['scaleDownDelay without a router', { strategy: canary({ analysis: ANALYSED, trafficRouting: none, scaleDownDelay: Duration.seconds(30) }) },
      "'strategy(DeliveryStrategy.canary()).scaleDownDelay' (\"30 seconds\") needs traffic routing, which Argo Rollouts refuses without"],
    ['dynamicStableScale without a router', { strategy: canary({ analysis: ANALYSED, trafficRouting: none, dynamicStableScale: true }) },
      "'strategy(DeliveryStrategy.canary()).dynamicStableScale' (true) needs traffic routing"],
    ['dynamicStableScale with scaleDownDelay', { strategy: canary({ analysis: ANALYSED, dynamicStableScale: true, scaleDownDelay: Duration.seconds(30) }) },
      "is set together with 'scaleDownDelay', which Argo Rollouts refuses"],
    ['a weight the replicas cannot run (basic canary)', { replicas: 3, strategy: canary({ analysis: ANALYSED, trafficRouting: none, steps: [CanaryStep.trafficWeight(10), CanaryStep.pause(Duration.minutes(10))] }) },
      "'strategy(DeliveryStrategy.canary()).steps[0]' (\"trafficWeight(10)\") cannot be run with 3 replicas without a router: the nearest share of pods is 33%. Fix: use one of 33, 67 (percent), raise the replicas to 7, or use CanaryTrafficRouting.gatewayApi()"],
    ['two weights on the same pod count (basic canary)', { replicas: 4, strategy: canary({ analysis: ANALYSED, trafficRouting: none, steps: [CanaryStep.trafficWeight(25), CanaryStep.pause(Duration.minutes(5)), CanaryStep.trafficWeight(27), CanaryStep.pause(Duration.minutes(5))] }) },
      'runs as many canary pods as step 0 (25%) with 4 replicas, so the step shifts nothing'],
    ['an analysis count below failureLimit', { strategy: canary({ analysis: { ...ANALYSED, count: 1, failureLimit: 2, inconclusiveLimit: 1 } }) },
      "'strategy(DeliveryStrategy.canary()).analysis.count' (1) is less than failureLimit (2), which Argo Rollouts refuses"],
    ['an analysis count below inconclusiveLimit', { strategy: canary({ analysis: { ...ANALYSED, count: 2, inconclusiveLimit: 3 } }) },
      'is less than inconclusiveLimit (3), which Argo Rollouts refuses'],
    ['an analysis count of 0 (never run)', { strategy: canary({ analysis: { ...ANALYSED, count: 0, failureLimit: 0, inconclusiveLimit: 0 } }) },
      "'strategy(DeliveryStrategy.canary()).analysis.count' (0) is not a positive count"],
    ['a Prometheus address that is not a URL', { strategy: canary({ analysis: { prometheusAddress: 'prometheus:9090' } }) },
      "'strategy(DeliveryStrategy.canary()).analysis.prometheusAddress' (\"prometheus:9090\") is not an http(s) URL"],
    ['a success rate above 1', { strategy: canary({ analysis: { ...ANALYSED, successRate: 99 } }) }, 'is not a share in (0, 1]'],
    ['an unbalanced query', { strategy: canary({ analysis: { ...ANALYSED, query: 'sum(rate(x[5m])' } }) }, "'strategy(DeliveryStrategy.canary()).analysis.query'"],
    ['pauses too short for one measurement', { strategy: canary({ analysis: ANALYSED, steps: [CanaryStep.trafficWeight(20), CanaryStep.pause(Duration.seconds(30)), CanaryStep.trafficWeight(50)] }) },
      'less than the analysis needs for one measurement (initialDelay 120s + interval 60s), so the canary would be promoted unmeasured'],
    ['autoPromotionDelay with an analysis (blue/green)', { strategy: blueGreen({ analysis: ANALYSED, autoPromotionDelay: Duration.minutes(5) }) },
      "'strategy(DeliveryStrategy.blueGreen()).autoPromotionDelay' (\"5 minutes\") is set together with an analysis"],
    ['autoPromotionDelay with autoPromotion false (blue/green)', { strategy: blueGreen({ analysis: ANALYSED, autoPromotion: false, autoPromotionDelay: Duration.minutes(5) }) },
      'is set with autoPromotion false, so Argo Rollouts ignores it'],
    ['an autoPromotionDelay of no time (blue/green)', { strategy: blueGreen({ analysis: undefined, autoPromotionDelay: Duration.seconds(0) }) },
      "'strategy(DeliveryStrategy.blueGreen()).autoPromotionDelay' (\"0s\") is not positive: a delay of no time is no delay; leave it unset for that. Fix: set it to at least Duration.seconds(1)"],
    ['a scale-down delay shorter than the post-promotion analysis', { strategy: blueGreen({ analysis: ANALYSED, scaleDownDelay: Duration.seconds(30) }) },
      'is shorter than the post-promotion analysis (420s)'],
    ['more preview replicas than replicas', { replicas: 3, strategy: blueGreen({ analysis: ANALYSED, previewReplicas: 5 }) },
      "'strategy(DeliveryStrategy.blueGreen()).previewReplicas' (5) is more than the app's replicas (3)"],
    ['the rolling-update maxSurge with a canary', { maxSurge: 2, strategy: canary({ analysis: ANALYSED }) },
      "'maxSurge' (2) is a rolling-update setting, but the strategy is DeliveryStrategy.canary()"],
    ['a name too long for the extra Services', { name: 'a'.repeat(60), strategy: blueGreen({ analysis: ANALYSED }) },
      'cannot name the Services of a blueGreen'],
    ['a progress deadline not longer than minReady (Argo Rollouts refuses it)', { minReady: Duration.minutes(20), strategy: canary({ analysis: ANALYSED }) },
      "'progressDeadline' (\"600s\") must be longer than 'minReady' (1200s)"],
    ['a step that is not a CanaryStep', { strategy: canary({ analysis: ANALYSED, steps: [{ setWeight: 10 } as unknown as CanaryStep] }) },
      'not a CanaryStep'],
  ];

  test.each(cases)('throws for %s', (_, props, expected) => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ProductionApp(chart, 'Web', { ...BASE, ...props } as ProductionAppProps));
    expect(message).toContain("ProductionApp 'test/Web' has");
    expect(message).toContain(expected);
  });

  test('all problems of one app come in one error', () => {
    const chart = chartFor(Profile.PROD);
    const message = errorOf(() => new ProductionApp(chart, 'Web', { ...BASE, maxSurge: 2,
      strategy: canary({ analysis: { prometheusAddress: 'nope', successRate: 2 }, steps: [CanaryStep.trafficWeight(120)] }) }));
    expect(message).toMatch(/has \d+ invalid props/);
    for (const part of ["'maxSurge'", 'steps[0]', 'successRate']) {
      expect(message).toContain(part);
    }
  });

  test('staging enforces analysis like prod; dev does not', () => {
    expect(errorOf(() => new ProductionApp(chartFor(Profile.STAGING), 'Web', { ...BASE, strategy: DeliveryStrategy.blueGreen() })))
      .toContain('is required in staging');
    expect(() => new ProductionApp(chartFor(Profile.DEV), 'Web', { ...BASE, strategy: DeliveryStrategy.blueGreen() })).not.toThrow();
  });
});

describe('properties of canary step lists', () => {
  const stepArb: fc.Arbitrary<CanaryStep> = fc.oneof(
    fc.integer({ min: -10, max: 110 }).map((w) => CanaryStep.trafficWeight(w)),
    fc.integer({ min: 0, max: 900 }).map((s) => CanaryStep.pause(Duration.seconds(s))),
    fc.constant(CanaryStep.pauseUntilPromoted()),
  );

  /** Our reading of the rules for a routed canary in dev (no analysis, no replica maths). */
  function isValid(steps: CanaryStep[]): boolean {
    const weights = steps.filter((s) => s.weight !== undefined).map((s) => s.weight!);
    return steps.length > 0
      && weights.every((w) => w >= 0 && w <= 100)
      && weights.every((w, i) => i === 0 || w > weights[i - 1])
      && weights.some((w) => w > 0 && w < 100)
      && steps.every((s) => s.duration === undefined || s.duration.toSeconds() >= 1);
  }

  function synth(steps: CanaryStep[], routing: CanaryTrafficRouting, replicas?: number): any[] {
    const chart = chartFor(Profile.DEV);
    const app = new ProductionApp(chart, 'Web', { ...BASE, replicas, strategy: DeliveryStrategy.canary({ steps, trafficRouting: routing }) });
    if (routing.usesRouter) {
      new ProductionIngress(chart, 'Entry', { gateway: { name: 'main', namespaceName: 'gateways', podLabels: { app: 'gateway' } } })
        .addRoute('shop.example.com', '/', app);
    }
    return Testing.synth(chart);
  }

  test('valid steps synthesize valid, deterministic output with the same steps; invalid ones give one clear error', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 8 }), (steps) => {
      let manifests: any[] | undefined;
      let error: unknown;
      try {
        manifests = synth(steps, CanaryTrafficRouting.gatewayApi());
      } catch (e) {
        error = e;
      }
      if (isValid(steps)) {
        expect(error).toBeUndefined();
        expect(validateManifests(manifests!)).toEqual([]);
        const rendered = one(manifests!, 'Rollout').spec.strategy.canary.steps;
        expect(rendered).toHaveLength(steps.length);
        expect(rendered.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight))
          .toEqual(steps.filter((s) => s.weight !== undefined).map((s) => s.weight));
        expect(synth(steps, CanaryTrafficRouting.gatewayApi())).toEqual(manifests);
      } else {
        expect(error).toBeInstanceOf(ProductionPropsError);
        expect((error as Error).message).toMatch(/^ProductionApp 'test\/Web' has \d+ invalid props?:\n {2}- 'strategy\(DeliveryStrategy\.canary\(\)\)\.steps/);
      }
    }), { numRuns: 60, seed: 14 });
  });

  test('a replica-ratio canary that synthesizes runs every weight within the tolerance, on a new pod count each step', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 6 }), fc.integer({ min: 1, max: 12 }), (steps, replicas) => {
      let manifests: any[];
      try {
        manifests = synth(steps, CanaryTrafficRouting.none(), replicas);
      } catch (e) {
        expect(e).toBeInstanceOf(ProductionPropsError);
        return;
      }
      const weights = one(manifests, 'Rollout').spec.strategy.canary.steps
        .filter((s: any) => s.setWeight !== undefined && s.setWeight > 0 && s.setWeight < 100).map((s: any) => s.setWeight as number);
      const shares = replicas < 2 ? [50] : Array.from({ length: replicas - 1 }, (_, i) => Math.round(((i + 1) * 100) / replicas));
      const nearest = weights.map((w: number) => shares.reduce((b, a) => (Math.abs(a - w) <= Math.abs(b - w) ? a : b)));
      weights.forEach((w: number, i: number) => expect(Math.abs(nearest[i] - w)).toBeLessThanOrEqual(CANARY.basicWeightTolerance));
      expect(new Set(nearest).size).toBe(nearest.length);
    }), { numRuns: 60, seed: 14 });
  });
});

describe('ProductionWorker: a canary without traffic routing', () => {
  const WORKER = {
    image: 'registry.example.com/billing-worker:2.0.1',
    readiness: AppProbe.exec(['test', '-f', '/tmp/ready']),
    liveness: AppProbe.exec(['/bin/healthcheck']),
  };
  const QUERY = 'sum(rate(jobs_succeeded_total{namespace="{{args.namespace}}"}[5m])) / sum(rate(jobs_total{namespace="{{args.namespace}}"}[5m]))';

  test('runs a replica-ratio canary Rollout with its own analysis query; no Service; HPA, PDB and NetworkPolicy follow', () => {
    const chart = chartFor(Profile.PROD);
    const worker = new ProductionWorker(chart, 'Billing', { ...WORKER, replicas: 4, autoscaling: undefined,
      strategy: DeliveryStrategy.canary({ analysis: { prometheusAddress: PROMETHEUS, query: QUERY } }) });
    const manifests = Testing.synth(chart);
    expect(ofKind(manifests, 'Deployment')).toEqual([]);
    expect(ofKind(manifests, 'Service')).toEqual([]);
    const canary = one(manifests, 'Rollout').spec.strategy.canary;
    expect(canary.trafficRouting).toBeUndefined();
    expect(canary.steps.filter((s: any) => s.setWeight !== undefined)).toEqual([{ setWeight: 25 }, { setWeight: 50 }]);
    expect(one(manifests, 'AnalysisTemplate').spec.metrics[0].provider.prometheus.query).toBe(QUERY);
    expect(one(manifests, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: APP_SELECTOR(worker.name) });
    expect(worker.rollout).toBeDefined();
    expect(worker.deployment).toBeUndefined();
    expectValidManifests(manifests);
    expect(findings(chart, Profile.PROD)).toEqual([]);
  });

  test('migrates from its Deployment like an app', () => {
    const chart = chartFor(Profile.PROD);
    const worker = new ProductionWorker(chart, 'Billing', { ...WORKER,
      strategy: DeliveryStrategy.canary({ migrateFromDeployment: true, analysis: { prometheusAddress: PROMETHEUS, query: QUERY } }) });
    const manifests = Testing.synth(chart);
    expect(one(manifests, 'Deployment').metadata.annotations[PRUNE_LAST.annotation]).toBe(PRUNE_LAST.value);
    expect(one(manifests, 'Rollout').spec.workloadRef.name).toBe(worker.deployment!.name);
    expectValidManifests(manifests);
    expect(findings(chart, Profile.PROD)).toEqual([]);
  });

  test.each([
    ['blue/green', DeliveryStrategy.blueGreen({ analysis: { prometheusAddress: PROMETHEUS, query: QUERY } }),
      "'strategy' (\"DeliveryStrategy.blueGreen()\") switches a Service from the old version to the new one, but the workload has no Service"],
    ['Gateway API routing', DeliveryStrategy.canary({ trafficRouting: CanaryTrafficRouting.gatewayApi(), analysis: { prometheusAddress: PROMETHEUS, query: QUERY } }),
      "'strategy(DeliveryStrategy.canary()).trafficRouting' (\"CanaryTrafficRouting.gatewayApi()\") splits requests by route weights, but nothing routes to the workload"],
    ['the default request query', DeliveryStrategy.canary({ analysis: { prometheusAddress: PROMETHEUS } }),
      "'strategy(DeliveryStrategy.canary()).analysis.query' (not set) is required: the workload serves no requests"],
  ])('throws for %s', (_, strategy, expected) => {
    const message = errorOf(() => new ProductionWorker(chartFor(Profile.PROD), 'Billing', { ...WORKER, strategy }));
    expect(message).toContain("ProductionWorker 'test/Billing' has");
    expect(message).toContain(expected);
  });
});
