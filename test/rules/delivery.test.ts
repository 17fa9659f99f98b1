import { Testing } from 'cdk8s';
import { KubeObject, RulePack } from '../../lib/rules';
import { CanaryTrafficRouting, DeliveryStrategy, ProductionApp, Profile } from '../../lib';
import { chartFor } from '../helpers/manifests';

const DELIVERY_IDS = ['no-pod-template-hash-selector', 'canary-route-backends', 'canary-services'];
const LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };

function findings(objects: KubeObject[], ruleId: string) {
  return RulePack.check(objects, { profile: 'prod' }).findings.filter((f) => f.ruleId === ruleId);
}

const rollout = (canary: Record<string, unknown>): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { matchLabels: LABELS }, strategy: { canary: { steps: [{ setWeight: 10 }], ...canary } } },
});
const service = (name: string, selector: Record<string, string> = LABELS): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector, ports: [{ name: 'http', port: 8080 }] },
});
const route = (...backends: string[]): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'shop' },
  spec: { parentRefs: [{ name: 'main' }], rules: [{ backendRefs: backends.map((name) => ({ name, port: 8080 })) }] },
});
const ROUTED = { stableService: 'web-stable', canaryService: 'web-canary', trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'web' } } } };

describe('progressive delivery rules', () => {
  test('are registered in the default rule pack', () => {
    expect(RulePack.DEFAULT_RULES.map((r) => r.id)).toEqual(expect.arrayContaining(DELIVERY_IDS));
  });

  test('no-pod-template-hash-selector: Service, PDB and NetworkPolicy selectors (and policy peers), not other labels', () => {
    const hash = { ...LABELS, 'rollouts-pod-template-hash': 'abc123' };
    expect(findings([service('web')], 'no-pod-template-hash-selector')).toEqual([]);
    expect(findings([service('web', hash)], 'no-pod-template-hash-selector').map((f) => [f.path, f.message]))
      .toEqual([['spec.selector', "selects pods by 'rollouts-pod-template-hash', which changes with every revision"]]);
    const pdb: KubeObject = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' },
      spec: { maxUnavailable: 1, selector: { matchLabels: hash } } };
    expect(findings([pdb], 'no-pod-template-hash-selector')).toHaveLength(1);
    const np: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'db', namespace: 'shop' },
      spec: { podSelector: { matchLabels: LABELS }, egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'Exists' }] } }] }] } };
    expect(findings([np], 'no-pod-template-hash-selector').map((f) => f.path)).toEqual(['spec.egress[0].to[0].podSelector']);
  });

  test('canary-route-backends: a rule naming one of the two Services, not both or neither', () => {
    const objects = [rollout(ROUTED), service('web-stable'), service('web-canary')];
    expect(findings([...objects, route('web-stable', 'web-canary')], 'canary-route-backends')).toEqual([]);
    expect(findings([...objects, route('web')], 'canary-route-backends')).toEqual([]);
    expect(findings([...objects, route('web-canary')], 'canary-route-backends').map((f) => [f.path, f.message])).toEqual([[
      'spec.rules[0].backendRefs',
      "sends traffic to 'web-canary' of canary Rollout 'web' without 'web-stable', so the traffic router cannot shift weight between them",
    ]]);
    // a canary without traffic routing has no weights to shift
    expect(findings([rollout({ stableService: 'web-stable', canaryService: 'web-canary' }), route('web-stable')], 'canary-route-backends')).toEqual([]);
  });

  test('canary-services: missing, undefined or identical Services of a routed canary', () => {
    expect(findings([rollout(ROUTED), service('web-stable'), service('web-canary')], 'canary-services')).toEqual([]);
    expect(findings([rollout({ ...ROUTED, canaryService: undefined }), service('web-stable')], 'canary-services').map((f) => f.message))
      .toEqual(['has traffic routing but no canaryService']);
    expect(findings([rollout(ROUTED), service('web-stable')], 'canary-services').map((f) => f.message))
      .toEqual(["names canaryService 'web-canary', which is not defined"]);
    expect(findings([rollout({ ...ROUTED, canaryService: 'web-stable' }), service('web-stable')], 'canary-services').map((f) => f.message))
      .toEqual(["uses 'web-stable' as both stableService and canaryService"]);
    // a basic canary needs neither
    expect(findings([rollout({})], 'canary-services')).toEqual([]);
  });
});

describe('existing rules judge a Rollout like a Deployment', () => {
  function canaryApp(autoscaling: boolean) {
    const chart = chartFor(Profile.PROD);
    new ProductionApp(chart, 'Web', { image: 'registry.example.com/web:1.4.2', port: 8080, healthPath: '/healthz', autoscaling: autoscaling ? {} : undefined,
      strategy: DeliveryStrategy.canary({ trafficRouting: CanaryTrafficRouting.none(), analysis: { prometheusAddress: 'http://prometheus:9090' } }) });
    return Testing.synth(chart) as KubeObject[];
  }

  test('pod rules read the Rollout template: a privileged container in it is reported on the Rollout', () => {
    const objects = canaryApp(false);
    const r = objects.find((o) => o.kind === 'Rollout')!;
    (r.spec as any).template.spec.containers[0].securityContext.privileged = true;
    expect(findings(objects, 'no-privileged').map((f) => [f.objectRef.kind, f.path])).toEqual([['Rollout', 'spec.template.spec.containers[0]']]);
  });

  test('pdb-exists: the PDB on the stable labels covers the Rollout; without it the Rollout is reported', () => {
    const objects = canaryApp(false);
    expect(findings(objects, 'pdb-exists')).toEqual([]);
    expect(findings(objects.filter((o) => o.kind !== 'PodDisruptionBudget'), 'pdb-exists').map((f) => f.objectRef.kind)).toEqual(['Rollout']);
  });

  test('an HPA targeting the Rollout counts for hpa-target-exists, deployment-replicas and hpa-target-no-replicas', () => {
    const objects = canaryApp(true);
    for (const id of ['hpa-target-exists', 'deployment-replicas', 'hpa-target-no-replicas']) {
      expect([id, findings(objects, id)]).toEqual([id, []]);
    }
    // a Rollout with replicas while an autoscaler scales it is reported
    const r = objects.find((o) => o.kind === 'Rollout')!;
    (r.spec as any).replicas = 3;
    expect(findings(objects, 'hpa-target-no-replicas').map((f) => f.objectRef.kind)).toEqual(['Rollout']);
  });
});
