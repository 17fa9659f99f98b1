import { run } from '@bufbuild/cel';
import * as fc from 'fast-check';
import { awsProps, synthCluster, UNVALIDATED_KINDS, vsphere } from './_fixtures';
import { duplicateArgNames } from '../../lib/cluster/_args';
import { ApiServerAccess, AwsClusterProvider, ProductionClusterProps, WorkerPoolOptions } from '../../lib';
import { ProductionPropsError } from '../../lib/internal/errors';
import { validateManifests } from '../helpers/schema';

// The CEL rules (x-kubernetes-validations) of the Cluster API v1.14.0 v1beta2 CRDs, which the schema helper (ajv)
// does not evaluate. Rule text and paths as in the CRDs (shared/crds, kubernetes-sigs/cluster-api@v1.14.0); they are
// evaluated here with @bufbuild/cel against every synthesized object.
const UNIQUE_NAMES = 'self.all(x, self.exists_one(y, x.name == y.name))';
const MACHINE_CONDITION = "!(self in ['Ready','Available','HealthCheckSucceeded','OwnerRemediated','ExternallyRemediated'])";
const KUBEADM_CONFIG_LISTS = [
  'clusterConfiguration.apiServer.extraArgs', 'clusterConfiguration.controllerManager.extraArgs', 'clusterConfiguration.scheduler.extraArgs',
  'clusterConfiguration.etcd.local.extraArgs', 'initConfiguration.nodeRegistration.kubeletExtraArgs', 'joinConfiguration.nodeRegistration.kubeletExtraArgs',
];
const RULES: { [kind: string]: { path: string; rule: string }[] } = {
  KubeadmControlPlane: KUBEADM_CONFIG_LISTS.map((p) => ({ path: `spec.kubeadmConfigSpec.${p}`, rule: UNIQUE_NAMES })),
  // Not among the CRDs: its spec.template.spec.kubeadmConfigSpec is a KubeadmControlPlane's, so the same rules apply.
  KubeadmControlPlaneTemplate: KUBEADM_CONFIG_LISTS.map((p) => ({ path: `spec.template.spec.kubeadmConfigSpec.${p}`, rule: UNIQUE_NAMES })),
  KubeadmConfigTemplate: KUBEADM_CONFIG_LISTS.map((p) => ({ path: `spec.template.spec.${p}`, rule: UNIQUE_NAMES })),
  MachineHealthCheck: [{ path: 'spec.checks.unhealthyMachineConditions[].type', rule: MACHINE_CONDITION }],
  ClusterClass: [
    { path: 'spec.controlPlane.healthCheck.checks.unhealthyMachineConditions[].type', rule: MACHINE_CONDITION },
    { path: 'spec.workers.machineDeployments[].healthCheck.checks.unhealthyMachineConditions[].type', rule: MACHINE_CONDITION },
  ],
  Cluster: [
    { path: 'spec.topology.controlPlane.healthCheck.checks.unhealthyMachineConditions[].type', rule: MACHINE_CONDITION },
    { path: 'spec.topology.workers.machineDeployments[].healthCheck.checks.unhealthyMachineConditions[].type', rule: MACHINE_CONDITION },
  ],
};

/** CEL sees JSON objects as maps. */
function toCel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v;
}

/** The values at a dotted path; `[]` steps into every item of a list. */
function valuesAt(obj: any, path: string): unknown[] {
  let current: unknown[] = [obj];
  for (const step of path.split('.')) {
    const each = step.endsWith('[]');
    const key = each ? step.slice(0, -2) : step;
    current = current.flatMap((c: any) => (c === undefined || c === null ? [] : each ? (c[key] ?? []) : [c[key]])).filter((x) => x !== undefined);
  }
  return current;
}

/** Every CEL rule violation of the manifests, as `<kind>/<name> <path>: <rule>`; the number of evaluations. */
function celViolations(manifests: any[]): { violations: string[]; evaluated: number } {
  const violations: string[] = [];
  let evaluated = 0;
  for (const m of manifests) {
    for (const { path, rule } of RULES[m.kind] ?? []) {
      for (const value of valuesAt(m, path)) {
        evaluated++;
        if (run(rule, { self: toCel(value) as any }) !== true) violations.push(`${m.kind}/${m.metadata.name} ${path}: ${rule}`);
      }
    }
  }
  return { violations, evaluated };
}

/** The webhook rules of the KubeadmControlPlane (KCP-WH) that no schema expresses. */
function webhookViolations(manifests: any[]): string[] {
  const out: string[] = [];
  for (const m of manifests.filter((x) => x.kind === 'KubeadmControlPlane')) {
    if (m.spec.replicas % 2 === 0) out.push('even replicas with stacked etcd');
    if (![0, 1].includes(m.spec.rollout.strategy.rollingUpdate.maxSurge)) out.push('maxSurge not 0 or 1');
    if (!/^v\d+\.\d+\.\d+$/.test(m.spec.version)) out.push('version not semver with v');
    if (m.spec.rollout.before.certificatesExpiryDays >= m.spec.kubeadmConfigSpec.clusterConfiguration.certificateValidityPeriodDays) out.push('expiry >= validity');
  }
  return out;
}

describe('the CEL rules of the Cluster API CRDs', () => {
  test('the rules evaluate, and reject what they should (negative controls)', () => {
    expect(run(UNIQUE_NAMES, { self: toCel([{ name: 'a', value: '1' }, { name: 'b', value: '1' }]) as any })).toBe(true);
    expect(run(UNIQUE_NAMES, { self: toCel([{ name: 'a', value: '1' }, { name: 'a', value: '2' }]) as any })).toBe(false);
    expect(run(MACHINE_CONDITION, { self: 'NodeReady' })).toBe(true);
    expect(run(MACHINE_CONDITION, { self: 'Ready' })).toBe(false);
    const bad = { kind: 'KubeadmControlPlane', metadata: { name: 'x' }, spec: { kubeadmConfigSpec: { clusterConfiguration: { apiServer: { extraArgs: [
      { name: 'a', value: '1' }, { name: 'a', value: '2' }] } } } } };
    expect(celViolations([bad]).violations).toEqual(['KubeadmControlPlane/x spec.kubeadmConfigSpec.clusterConfiguration.apiServer.extraArgs: ' + UNIQUE_NAMES]);
  });

  test.each([
    ['AWS, raw objects', awsProps()],
    ['AWS, topology mode', awsProps({ topology: true })],
    ['vSphere with kube-vip', awsProps({ provider: vsphere(), apiServerAccess: ApiServerAccess.internalOnly(), pools: [{ name: 'general' }] })],
    ['with user flags', awsProps({ apiServer: { extraArgs: [{ name: 'event-ttl', value: '2h' }] }, kubeletExtraArgs: [{ name: 'max-pods', value: '60' }],
      etcd: { extraArgs: [{ name: 'snapshot-count', value: '10000' }] } })],
  ])('every synthesized object of %s satisfies them and the KubeadmControlPlane webhook rules', (_name, props) => {
    const { manifests } = synthCluster(props);
    const { violations, evaluated } = celViolations(manifests);
    expect(violations).toEqual([]);
    expect(evaluated).toBeGreaterThan(5);
    expect(webhookViolations(manifests)).toEqual([]);
  });

  test('duplicateArgNames agrees with the CRD rule on random lists', () => {
    fc.assert(fc.property(fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.string() }), { maxLength: 6 }), (args) => {
      expect(duplicateArgNames(args).length === 0).toBe(run(UNIQUE_NAMES, { self: toCel(args) as any }));
    }), { numRuns: 200, seed: 20261130 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties: valid random cluster props give valid, deterministic output; invalid ones a clear error.

const ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d'];
const NETWORKS = [['10.244.0.0/16', '10.96.0.0/12'], ['192.168.0.0/16', '172.20.0.0/16'], ['100.64.0.0/14', '10.100.0.0/16']];

const validProps = fc.record({
  replicas: fc.constantFrom(3, 5),
  minor: fc.integer({ min: 31, max: 36 }),
  patch: fc.integer({ min: 0, max: 20 }),
  upgrading: fc.boolean(),
  zones: fc.shuffledSubarray(ZONES, { minLength: 3, maxLength: 4 }),
  network: fc.constantFrom(...NETWORKS),
  topology: fc.boolean(),
  pools: fc.uniqueArray(fc.record({
    name: fc.constantFrom('general', 'memory', 'batch', 'gpu'),
    min: fc.integer({ min: 0, max: 3 }),
    extra: fc.integer({ min: 1, max: 20 }),
    lag: fc.integer({ min: 0, max: 3 }),
  }), { minLength: 1, maxLength: 3, selector: (p) => p.name }),
}).map((r): ProductionClusterProps => {
  const version = `v1.${r.minor}.${r.patch}`;
  const pools: WorkerPoolOptions[] = r.pools.map((p) => ({
    name: p.name, minPerZone: p.min, maxPerZone: p.min + p.extra,
    version: r.topology ? undefined : `v1.${Math.max(31, r.minor - p.lag)}.0`,
  }));
  return awsProps({
    provider: new AwsClusterProvider({ region: 'eu-central-1' }),
    controlPlaneReplicas: r.replicas, version, previousVersion: r.upgrading && r.minor > 31 ? `v1.${r.minor - 1}.3` : undefined,
    failureDomains: r.zones, podCidrs: [r.network[0]], serviceCidrs: [r.network[1]], topology: r.topology, pools,
  });
});

describe('properties of ProductionCluster', () => {
  test('valid random props give schema-valid objects that satisfy the CEL rules, with disjoint health checks, deterministically', () => {
    fc.assert(fc.property(validProps, (props) => {
      const { manifests } = synthCluster(props);
      expect(validateManifests(manifests.filter((m) => !UNVALIDATED_KINDS.includes(m.kind)))).toEqual([]);
      expect(celViolations(manifests).violations).toEqual([]);
      expect(webhookViolations(manifests)).toEqual([]);
      expect(synthCluster(props).manifests).toEqual(manifests);
      const mhcs = manifests.filter((m) => m.kind === 'MachineHealthCheck');
      for (const md of manifests.filter((m) => m.kind === 'MachineDeployment')) {
        const labels = md.spec.template.metadata.labels;
        const matching = mhcs.filter((h) => Object.entries(h.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)
          && (h.spec.selector.matchExpressions ?? []).every((e: any) => !(e.key in labels)));
        expect(matching).toHaveLength(1);
        expect(md.metadata.annotations['cluster.x-k8s.io/cluster-api-autoscaler-node-group-min-size']).toBeDefined();
        expect(md.spec.replicas).toBeUndefined();
      }
    }), { numRuns: 25, seed: 20261130 });
  });

  test('an invalid control-plane size or overlapping networks always give a props error naming the prop', () => {
    fc.assert(fc.property(validProps, fc.integer({ min: -2, max: 9 }).filter((n) => n !== 3 && n !== 5), fc.boolean(), (props, replicas, overlap) => {
      const bad = overlap ? { ...props, serviceCidrs: props.podCidrs } : { ...props, controlPlaneReplicas: replicas };
      let error: unknown;
      try {
        synthCluster(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProductionPropsError);
      expect((error as Error).message).toContain(overlap ? "'serviceCidrs[0]'" : `'controlPlaneReplicas' (${replicas})`);
    }), { numRuns: 30, seed: 20261130 });
  });
});
