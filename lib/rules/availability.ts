import { ADVISORY, HA, minReplicas, numberOr, perPod, src, STRICT } from './_helpers';
import { asArray, asObject, asStringMap, isEmptySelector, JsonObject, LabelSelector, namespaceOf, RuleContext, selectorMatches, Workload } from './context';
import { IRule } from './rule';
import { KubeObject, Violation } from './types';

/** The PodDisruptionBudgets whose selector matches the workload's pods (indexed: linear over all workloads). */
function budgetsOf(ctx: RuleContext, w: Workload): KubeObject[] {
  return ctx._selectingObjects('pdb', 'PodDisruptionBudget', (pdb) => {
    const sel = asObject(pdb.spec).selector;
    return sel === undefined || sel === null ? undefined : sel as LabelSelector;
  }).get(w) ?? [];
}

/**
 * Replicated workloads run at least two replicas (unless an autoscaler owns the count).
 *
 * Sources: Polaris deploymentMissingReplicas; kube-score deployment-replicas (Deployments a Service
 * targets); kube-linter minimum-three-replicas (optional there).
 */
export const replicas: IRule = {
  id: 'deployment-replicas',
  description: 'Deployments, StatefulSets, ReplicaSets and Rollouts run at least 2 replicas',
  sources: src('polaris:deploymentMissingReplicas', 'kube-score:deployment-replicas', '?kube-linter:minimum-three-replicas'),
  severity: HA,
  fix: 'Set spec.replicas to 2 or more, or scale with a HorizontalPodAutoscaler whose minReplicas is 2 or more',
  check: (ctx) => perPod(ctx, (w) => {
    if (ctx.autoscalersOf(w.kubeObject).length > 0) {
      return undefined;
    }
    const n = numberOr(asObject(w.kubeObject.spec).replicas, 1);
    return n < 2 ? [{ message: `runs ${n} replica${n === 1 ? '' : 's'}`, path: 'spec.replicas' }] : undefined;
  }, (w) => w.isReplicated),
};

/**
 * Replicated workloads are covered by a PodDisruptionBudget.
 *
 * Sources: Polaris missingPodDisruptionBudget; kube-score deployment-has-poddisruptionbudget,
 * statefulset-has-poddisruptionbudget.
 */
export const pdbExists: IRule = {
  id: 'pdb-exists',
  description: 'Replicated workloads are covered by a PodDisruptionBudget',
  sources: src('polaris:missingPodDisruptionBudget', 'kube-score:deployment-has-poddisruptionbudget',
    'kube-score:statefulset-has-poddisruptionbudget'),
  severity: HA,
  fix: 'Add a PodDisruptionBudget whose selector matches the pod labels, e.g. with maxUnavailable: 1',
  check: (ctx) => perPod(ctx, (w) =>
    budgetsOf(ctx, w).length === 0 ? [{ message: 'no PodDisruptionBudget selects its pods', path: 'spec.template.metadata.labels' }] : undefined,
  (w) => w.isReplicated),
};

function percent(v: unknown): number | undefined {
  return typeof v === 'string' && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/**
 * PodDisruptionBudgets leave room for at least one voluntary eviction, so that node drains can
 * finish: not maxUnavailable 0, not minAvailable 100%, and minAvailable below the replicas (or
 * the HPA's minReplicas) of every workload the budget selects.
 *
 * Sources: Polaris pdbDisruptionsIsZero and pdbMinAvailableGreaterThanHPAMinReplicas;
 * kube-linter pdb-max-unavailable, pdb-min-available.
 */
export const pdbAllowsDisruption: IRule = {
  id: 'pdb-allows-disruption',
  description: 'PodDisruptionBudgets allow at least one pod to be evicted',
  sources: src('polaris:pdbDisruptionsIsZero', 'polaris:pdbMinAvailableGreaterThanHPAMinReplicas',
    'kube-linter:pdb-max-unavailable', 'kube-linter:pdb-min-available'),
  severity: STRICT,
  fix: 'Use maxUnavailable: 1 (or a minAvailable below the smallest replica count)',
  check: (ctx) => {
    const out: Violation[] = [];
    for (const pdb of ctx.ofKind('PodDisruptionBudget')) {
      const spec = asObject(pdb.spec);
      const { maxUnavailable, minAvailable } = spec;
      if (maxUnavailable === 0 || percent(maxUnavailable) === 0) {
        out.push({ kubeObject: pdb, message: `maxUnavailable is ${String(maxUnavailable)}: no pod can ever be evicted`, path: 'spec.maxUnavailable',
          checks: ['polaris:pdbDisruptionsIsZero', 'kube-linter:pdb-max-unavailable'] });
        continue;
      }
      if (percent(minAvailable) === 100) {
        out.push({ kubeObject: pdb, message: 'minAvailable is 100%: no pod can ever be evicted', path: 'spec.minAvailable',
          checks: ['polaris:pdbDisruptionsIsZero', 'kube-linter:pdb-min-available'] });
        continue;
      }
      if (spec.selector === undefined) {
        continue;
      }
      for (const w of ctx.workloadsSelectedBy(namespaceOf(pdb), spec.selector as LabelSelector).filter((x) => x.isReplicated)) {
        const n = minReplicas(ctx, w.kubeObject);
        const pct = percent(minAvailable);
        const needed = typeof minAvailable === 'number' ? minAvailable : pct !== undefined ? Math.ceil((n * pct) / 100) : undefined;
        if (needed !== undefined && needed >= n) {
          const hpa = ctx.autoscalersOf(w.kubeObject).length > 0 ? "its autoscaler's minReplicas" : 'its replicas';
          out.push({ kubeObject: pdb, message: `minAvailable ${String(minAvailable)} leaves no eviction for ${w.kubeObject.kind} '${w.kubeObject.metadata?.name}' (${hpa}: ${n})`, path: 'spec.minAvailable',
            checks: ctx.autoscalersOf(w.kubeObject).length > 0 ? ['polaris:pdbMinAvailableGreaterThanHPAMinReplicas', 'kube-linter:pdb-min-available'] : ['kube-linter:pdb-min-available'] });
        }
      }
    }
    return out;
  },
};

/**
 * PodDisruptionBudgets set minAvailable or maxUnavailable.
 *
 * Sources: kube-score poddisruptionbudget-has-policy.
 */
export const pdbHasPolicy: IRule = {
  id: 'pdb-has-policy',
  description: 'PodDisruptionBudgets set minAvailable or maxUnavailable',
  sources: src('kube-score:poddisruptionbudget-has-policy'),
  severity: STRICT,
  fix: 'Set spec.maxUnavailable (e.g. 1) or spec.minAvailable',
  check: (ctx) => ctx.ofKind('PodDisruptionBudget')
    .filter((pdb) => asObject(pdb.spec).minAvailable === undefined && asObject(pdb.spec).maxUnavailable === undefined)
    .map((pdb) => ({ kubeObject: pdb, message: 'sets neither minAvailable nor maxUnavailable', path: 'spec' })),
};

/**
 * PodDisruptionBudgets set unhealthyPodEvictionPolicy explicitly, so that the behaviour for
 * crash-looping pods is a decision, not a default.
 *
 * Sources: kube-linter pdb-unhealthy-pod-eviction-policy (which asks only that the field is set).
 */
export const pdbUnhealthyEviction: IRule = {
  id: 'pdb-unhealthy-pod-eviction-policy',
  description: 'PodDisruptionBudgets set unhealthyPodEvictionPolicy',
  sources: src('kube-linter:pdb-unhealthy-pod-eviction-policy'),
  severity: STRICT,
  fix: 'Set spec.unhealthyPodEvictionPolicy (AlwaysAllow lets a node drain evict crash-looping pods)',
  check: (ctx) => ctx.ofKind('PodDisruptionBudget')
    .filter((pdb) => asObject(pdb.spec).unhealthyPodEvictionPolicy === undefined || asObject(pdb.spec).unhealthyPodEvictionPolicy === null)
    .map((pdb) => ({ kubeObject: pdb, message: 'unhealthyPodEvictionPolicy is not set (IfHealthyBudget by default)', path: 'spec.unhealthyPodEvictionPolicy' })),
};

/**
 * PodDisruptionBudgets let unhealthy pods be evicted (AlwaysAllow), so that a crash-looping pod
 * cannot block a node drain.
 *
 * Sources: our opinion (kube-linter's remediation, not its check).
 */
export const pdbAlwaysAllow: IRule = {
  id: 'pdb-unhealthy-pod-eviction-always-allow',
  description: 'PodDisruptionBudgets use unhealthyPodEvictionPolicy AlwaysAllow',
  sources: src('platform:pdb-unhealthy-pod-eviction-always-allow'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Set spec.unhealthyPodEvictionPolicy: AlwaysAllow',
  check: (ctx) => ctx.ofKind('PodDisruptionBudget')
    .filter((pdb) => { const p = asObject(pdb.spec).unhealthyPodEvictionPolicy; return p !== undefined && p !== null && p !== 'AlwaysAllow'; })
    .map((pdb) => ({ kubeObject: pdb, message: `unhealthyPodEvictionPolicy is ${String(asObject(pdb.spec).unhealthyPodEvictionPolicy)}`, path: 'spec.unhealthyPodEvictionPolicy' })),
};

/**
 * HorizontalPodAutoscalers keep at least two replicas and can scale beyond their minimum.
 *
 * Sources: Polaris hpaMinAvailability, hpaMaxAvailability; kube-linter hpa-minimum-three-replicas
 * (optional there).
 */
export const hpaReplicas: IRule = {
  id: 'hpa-replicas',
  description: 'HorizontalPodAutoscalers have minReplicas of at least 2 and maxReplicas above minReplicas',
  sources: src('polaris:hpaMinAvailability', 'polaris:hpaMaxAvailability', '?kube-linter:hpa-minimum-three-replicas'),
  severity: HA,
  fix: 'Set spec.minReplicas to 2 or more and spec.maxReplicas above it',
  check: (ctx) => {
    const out: Violation[] = [];
    for (const hpa of ctx.ofKind('HorizontalPodAutoscaler')) {
      const spec = asObject(hpa.spec);
      const min = numberOr(spec.minReplicas, 1);
      const max = numberOr(spec.maxReplicas, 0);
      if (min < 2) {
        out.push({ kubeObject: hpa, message: `minReplicas is ${min}`, path: 'spec.minReplicas', checks: ['polaris:hpaMinAvailability', 'kube-linter:hpa-minimum-three-replicas'] });
      }
      if (max <= min) {
        out.push({ kubeObject: hpa, message: `maxReplicas (${max}) is not above minReplicas (${min}): it cannot scale`, path: 'spec.maxReplicas', checks: ['polaris:hpaMaxAvailability'] });
      }
    }
    return out;
  },
};

/**
 * HorizontalPodAutoscalers target an object that is defined with them.
 *
 * Sources: kube-score horizontalpodautoscaler-has-target; kube-linter
 * dangling-horizontalpodautoscaler.
 */
export const hpaTarget: IRule = {
  id: 'hpa-target-exists',
  description: 'HorizontalPodAutoscalers target an existing workload',
  sources: src('kube-score:horizontalpodautoscaler-has-target', '?kube-linter:dangling-horizontalpodautoscaler'),
  severity: STRICT,
  fix: 'Point spec.scaleTargetRef at the kind and name of a workload in the same namespace',
  check: (ctx) => ctx.ofKind('HorizontalPodAutoscaler').flatMap((hpa) => {
    const ref = asObject(asObject(hpa.spec).scaleTargetRef);
    const target = ctx.find(String(ref.kind), String(ref.name), namespaceOf(hpa));
    return target ? [] : [{ kubeObject: hpa, message: `targets ${String(ref.kind)} '${String(ref.name)}', which is not defined`, path: 'spec.scaleTargetRef' }];
  }),
};

/**
 * A workload scaled by an autoscaler leaves spec.replicas unset, so that applying the manifest
 * does not reset the autoscaler's choice.
 *
 * Sources: kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured.
 */
export const hpaNoStaticReplicas: IRule = {
  id: 'hpa-target-no-replicas',
  description: 'Workloads scaled by a HorizontalPodAutoscaler do not set spec.replicas',
  sources: src('kube-score:deployment-targeted-by-hpa-does-not-have-replicas-configured'),
  severity: STRICT,
  fix: 'Remove spec.replicas from the workload; the autoscaler owns it',
  check: (ctx) => perPod(ctx, (w) =>
    ctx.autoscalersOf(w.kubeObject).length > 0 && asObject(w.kubeObject.spec).replicas !== undefined
      ? [{ message: `sets spec.replicas (${String(asObject(w.kubeObject.spec).replicas)}) although an autoscaler scales it`, path: 'spec.replicas' }]
      : undefined, (w) => w.isReplicated),
};

const HOSTNAME = 'kubernetes.io/hostname';

/** True when the pod spec spreads its own pods over nodes, by anti-affinity or topology spread. */
function spreadsOverHosts(w: Workload): boolean {
  const anti = asObject(asObject(w.podSpec.affinity).podAntiAffinity);
  const terms = [
    ...asArray(anti.requiredDuringSchedulingIgnoredDuringExecution).map(asObject),
    ...asArray(anti.preferredDuringSchedulingIgnoredDuringExecution).map((p) => asObject(asObject(p).podAffinityTerm)),
  ];
  const own = (sel: unknown) => sel !== undefined && sel !== null && selectorMatches(sel as LabelSelector, w.podLabels);
  // a term looks at its own namespace only when it names no namespaces and has no namespaceSelector;
  // an empty namespaceSelector means every namespace
  const ownNamespace = (t: JsonObject) => {
    const names = asArray(t.namespaces).map(String);
    const nsSel = t.namespaceSelector;
    if (nsSel !== undefined && nsSel !== null) {
      return names.includes(w.namespaceName) || isEmptySelector(nsSel as LabelSelector);
    }
    return names.length === 0 || names.includes(w.namespaceName);
  };
  if (terms.some((t) => t.topologyKey === HOSTNAME && own(t.labelSelector) && ownNamespace(t))) {
    return true;
  }
  return asArray(w.podSpec.topologySpreadConstraints).map(asObject)
    .some((t) => t.topologyKey === HOSTNAME && own(t.labelSelector));
}

/**
 * Replicas of a workload are spread over nodes, so that one node failure does not take them
 * all: pod anti-affinity on `kubernetes.io/hostname`, or (our opinion, equally good and kinder
 * to the scheduler) a topology spread constraint on `kubernetes.io/hostname`. Either must
 * select the workload's own pods.
 *
 * Sources: kube-score deployment-has-host-podantiaffinity, statefulset-has-host-podantiaffinity;
 * kube-linter no-anti-affinity.
 */
export const spreadOverNodes: IRule = {
  id: 'spread-over-nodes',
  description: 'Replicas are spread over nodes by host anti-affinity or a hostname topology spread constraint',
  sources: src('kube-score:deployment-has-host-podantiaffinity', 'kube-score:statefulset-has-host-podantiaffinity',
    'kube-linter:no-anti-affinity'),
  severity: HA,
  fix: "Add a topologySpreadConstraint with topologyKey 'kubernetes.io/hostname' and a labelSelector matching the pod labels",
  check: (ctx) => perPod(ctx, (w) => {
    const hpas = ctx.autoscalersOf(w.kubeObject);
    const most = hpas.length ? Math.max(...hpas.map((h) => numberOr(asObject(h.spec).maxReplicas, 1)))
      : numberOr(asObject(w.kubeObject.spec).replicas, 1);
    if (most < 2 || spreadsOverHosts(w)) {
      return undefined;
    }
    return 'pods are not spread over nodes: no anti-affinity or topology spread on kubernetes.io/hostname selects them';
  }, (w) => w.isReplicated),
};

/**
 * A controller's selector matches the labels of its own pod template.
 *
 * Sources: kube-linter mismatching-selector; kube-score
 * deployment-pod-selector-labels-match-template-metadata-labels,
 * statefulset-pod-selector-labels-match-template-metadata-labels.
 */
export const selectorMatchesTemplate: IRule = {
  id: 'selector-matches-template',
  description: "A controller's selector matches its pod template labels",
  sources: src('kube-linter:mismatching-selector', 'kube-score:deployment-pod-selector-labels-match-template-metadata-labels',
    'kube-score:statefulset-pod-selector-labels-match-template-metadata-labels'),
  severity: STRICT,
  fix: 'Make spec.selector.matchLabels a subset of spec.template.metadata.labels',
  check: (ctx) => perPod(ctx, (w) => {
    const sel = asObject(w.kubeObject.spec).selector;
    if (sel === undefined) {
      return w.kubeObject.kind === 'Job' ? undefined : [{ message: 'has no spec.selector', path: 'spec.selector' }];
    }
    return selectorMatches(sel as LabelSelector, w.podLabels) ? undefined
      : [{ message: 'spec.selector does not match the pod template labels', path: 'spec.selector' }];
  }, (w) => !['Pod', 'CronJob'].includes(w.kubeObject.kind)),
};

/**
 * StatefulSets name an existing headless Service that governs their pods.
 *
 * Sources: kube-score statefulset-has-servicename.
 */
export const statefulSetServiceName: IRule = {
  id: 'statefulset-service-name',
  description: 'StatefulSets name an existing headless Service',
  sources: src('kube-score:statefulset-has-servicename'),
  severity: STRICT,
  fix: 'Set spec.serviceName to a Service with clusterIP: None that selects the StatefulSet pods',
  check: (ctx) => perPod(ctx, (w) => {
    const name = asObject(w.kubeObject.spec).serviceName;
    if (!name) {
      return [{ message: 'sets no spec.serviceName', path: 'spec.serviceName' }];
    }
    const svc = ctx.find('Service', String(name), w.namespaceName);
    if (!svc) {
      return [{ message: `spec.serviceName '${String(name)}' is not a defined Service`, path: 'spec.serviceName' }];
    }
    // whether the headless Service selects the pods is statefulset-service-selects-pods
    return asObject(svc.spec).clusterIP === 'None' ? undefined
      : [{ message: `Service '${String(name)}' is not headless (clusterIP: None)`, path: 'spec.serviceName' }];
  }, (w) => w.kubeObject.kind === 'StatefulSet'),
};

/**
 * CronJobs set a starting deadline, so that missed runs do not pile up after an outage.
 *
 * Sources: kube-score cronjob-has-deadline.
 */
export const cronJobDeadline: IRule = {
  id: 'cronjob-deadline',
  description: 'CronJobs set startingDeadlineSeconds',
  sources: src('kube-score:cronjob-has-deadline'),
  severity: STRICT,
  fix: 'Set spec.startingDeadlineSeconds (e.g. 300)',
  check: (ctx) => ctx.ofKind('CronJob').filter((c) => asObject(c.spec).startingDeadlineSeconds === undefined)
    .map((c) => ({ kubeObject: c, message: 'sets no startingDeadlineSeconds', path: 'spec.startingDeadlineSeconds' })),
};

/**
 * CronJob pods restart with Never or OnFailure.
 *
 * Sources: kube-score cronjob-restartpolicy.
 */
export const cronJobRestartPolicy: IRule = {
  id: 'cronjob-restart-policy',
  description: 'CronJob pods use restartPolicy Never or OnFailure',
  sources: src('kube-score:cronjob-restartpolicy'),
  severity: STRICT,
  fix: 'Set spec.jobTemplate.spec.template.spec.restartPolicy to OnFailure or Never',
  check: (ctx) => perPod(ctx, (w) => ['Never', 'OnFailure'].includes(String(w.podSpec.restartPolicy)) ? undefined
    : [{ message: `restartPolicy is ${String(w.podSpec.restartPolicy ?? 'unset')}`, path: `${w.podSpecPath}.restartPolicy` }],
  (w) => w.kubeObject.kind === 'CronJob'),
};

/**
 * Deployments that a Service targets roll out with the RollingUpdate strategy, so that an
 * update never takes every pod down at once.
 *
 * Sources: kube-score deployment-strategy.
 */
export const deploymentStrategy: IRule = {
  id: 'deployment-strategy',
  description: 'Deployments behind a Service use the RollingUpdate strategy',
  sources: src('kube-score:deployment-strategy'),
  severity: STRICT,
  fix: 'Set spec.strategy.type to RollingUpdate (or leave it unset)',
  check: (ctx) => {
    const served = new Set<Workload>();
    for (const svc of ctx.ofKind('Service')) {
      ctx.workloadsSelectedByMap(namespaceOf(svc), asStringMap(asObject(svc.spec).selector)).forEach((w) => served.add(w));
    }
    return perPod(ctx, (w) => {
      const type = asObject(asObject(w.kubeObject.spec).strategy).type;
      return served.has(w) && type !== undefined && type !== null && type !== '' && type !== 'RollingUpdate'
        ? [{ message: `uses strategy ${String(type)} although a Service sends it traffic`, path: 'spec.strategy.type' }] : undefined;
    }, (w) => w.kubeObject.kind === 'Deployment');
  },
};

/**
 * Pods of every controller but Jobs and CronJobs declare at least one topology spread
 * constraint (any topology key), as Polaris asks.
 *
 * Sources: Polaris topologySpreadConstraint.
 */
export const topologySpreadDeclared: IRule = {
  id: 'topology-spread-declared',
  description: 'Pods (other than Jobs and CronJobs) declare at least one topology spread constraint',
  sources: src('polaris:topologySpreadConstraint'),
  severity: HA,
  fix: "Add a topologySpreadConstraint, e.g. topologyKey 'kubernetes.io/hostname' with a labelSelector matching the pod labels",
  check: (ctx) => perPod(ctx, (w) => asArray(w.podSpec.topologySpreadConstraints).length > 0 ? undefined
    : [{ message: 'pod declares no topologySpreadConstraints', path: `${w.podSpecPath}.topologySpreadConstraints` }],
  (w) => !['Job', 'CronJob'].includes(w.kubeObject.kind)),
};

/**
 * Topology spread constraints are valid: each has a labelSelector, a maxSkew above 0, a
 * minDomains (when set) above 0, a topologyKey, and whenUnsatisfiable DoNotSchedule or
 * ScheduleAnyway.
 *
 * Sources: kube-score pod-topology-spread-constraints.
 */
export const topologySpreadConstraints: IRule = {
  id: 'pod-topology-spread-constraints',
  description: 'Topology spread constraints have a labelSelector, maxSkew > 0, minDomains > 0, a topologyKey and a valid whenUnsatisfiable',
  sources: src('kube-score:pod-topology-spread-constraints'),
  severity: STRICT,
  fix: "Give each constraint a labelSelector matching the pods, maxSkew >= 1, a topologyKey and whenUnsatisfiable DoNotSchedule or ScheduleAnyway",
  check: (ctx) => perPod(ctx, (w) => asArray(w.podSpec.topologySpreadConstraints).map(asObject).flatMap((t, i) => {
    const bad: string[] = [];
    if (t.labelSelector === undefined || t.labelSelector === null) bad.push('has no labelSelector');
    if (!(typeof t.maxSkew === 'number' && t.maxSkew > 0)) bad.push(`has maxSkew ${String(t.maxSkew ?? 'unset (0)')}`);
    if (t.minDomains !== undefined && t.minDomains !== null && !(typeof t.minDomains === 'number' && t.minDomains > 0)) bad.push(`has minDomains ${String(t.minDomains)}`);
    if (typeof t.topologyKey !== 'string' || t.topologyKey === '') bad.push('has no topologyKey');
    if (t.whenUnsatisfiable !== 'DoNotSchedule' && t.whenUnsatisfiable !== 'ScheduleAnyway') bad.push(`has whenUnsatisfiable ${String(t.whenUnsatisfiable ?? 'unset')}`);
    return bad.length ? [{ message: `topology spread constraint ${i} ${bad.join(', ')}`, path: `${w.podSpecPath}.topologySpreadConstraints[${i}]` }] : [];
  })),
};

/**
 * Standalone Jobs clean up after themselves (ttlSecondsAfterFinished), and Jobs a CronJob
 * creates leave that to the CronJob's history limits.
 *
 * Sources: kube-linter job-ttl-seconds-after-finished.
 */
export const jobTtl: IRule = {
  id: 'job-ttl-seconds-after-finished',
  description: 'Standalone Jobs set ttlSecondsAfterFinished; CronJob job templates do not',
  sources: src('kube-linter:job-ttl-seconds-after-finished'),
  severity: STRICT,
  fix: 'Set spec.ttlSecondsAfterFinished on a Job; remove it from a CronJob\'s jobTemplate (use successfulJobsHistoryLimit)',
  check: (ctx) => [
    ...ctx.ofKind('Job', 'batch').filter((j) => asObject(j.spec).ttlSecondsAfterFinished === undefined || asObject(j.spec).ttlSecondsAfterFinished === null)
      .map((j) => ({ kubeObject: j, message: 'sets no ttlSecondsAfterFinished: the finished Job and its pods stay forever', path: 'spec.ttlSecondsAfterFinished' })),
    ...ctx.ofKind('CronJob', 'batch').filter((c) => {
      const ttl = asObject(asObject(asObject(c.spec).jobTemplate).spec).ttlSecondsAfterFinished;
      return ttl !== undefined && ttl !== null;
    }).map((c) => ({ kubeObject: c, message: 'sets ttlSecondsAfterFinished on its jobTemplate: Jobs vanish before the CronJob history keeps them', path: 'spec.jobTemplate.spec.ttlSecondsAfterFinished' })),
  ],
};

/** Every availability rule, in report order. */
export const AVAILABILITY_RULES: readonly IRule[] = [
  replicas, deploymentStrategy, pdbExists, pdbAllowsDisruption, pdbHasPolicy, pdbUnhealthyEviction, pdbAlwaysAllow, hpaReplicas,
  hpaTarget, hpaNoStaticReplicas, spreadOverNodes, topologySpreadDeclared, topologySpreadConstraints, selectorMatchesTemplate, statefulSetServiceName,
  cronJobDeadline, cronJobRestartPolicy, jobTtl,
];
