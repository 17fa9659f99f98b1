import * as path from 'path';
import { KubeObject, IRule, RuleContext, RulePack } from './_engine-imports';
import { loadFixture } from './_load';

/** A fresh copy of the hardened web app, to be mutated by a test. */
function hardened(): KubeObject[] {
  return JSON.parse(JSON.stringify(loadFixture(path.join('good', 'hardened-web-app.yaml'))));
}
function deploymentOf(objects: KubeObject[]): any {
  return objects.find((o) => o.kind === 'Deployment');
}
function withHostPort(annotations: Record<string, string>): KubeObject[] {
  const objects = hardened();
  const d = deploymentOf(objects);
  d.spec.template.spec.containers[0].ports[0].hostPort = 8080;
  d.metadata.annotations = annotations;
  return objects;
}

describe('exemptions', () => {
  test('our annotation with a reason suppresses the rule and is listed', () => {
    // GIVEN a host port exempted with a reason
    const objects = withHostPort({ 'production.platform.io/exempt-host-ports': 'node-local DNS cache must bind 53 on the host' });
    // WHEN checked
    const report = RulePack.check(objects);
    // THEN nothing is reported and the exemption is listed with its reason
    expect(report.findings).toEqual([]);
    expect(report.exemptions).toEqual([expect.objectContaining({
      ruleId: 'host-ports',
      annotation: 'production.platform.io/exempt-host-ports',
      reason: 'node-local DNS cache must bind 53 on the host',
      suppressed: ["container 'app' binds host port 8080"],
    })]);
    expect(RulePack.formatReport(report)).toContain('node-local DNS cache must bind 53 on the host');
  });

  test('our annotation without a reason is itself a finding (a warning: an opinion a platform team may raise) and still listed', () => {
    const report = RulePack.check(withHostPort({ 'production.platform.io/exempt-host-ports': '  ' }));
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['exemption-annotation warning']);
    expect(report.findings[0].message).toContain('without a reason');
    expect(report.exemptions.map((e) => e.reason)).toEqual(['(no reason given)']);
    expect(report.passed).toBe(true);
    // AND raised to an error by configuration, it fails the report
    const raised = RulePack.check(withHostPort({ 'production.platform.io/exempt-host-ports': '  ' }),
      { config: { severity: { 'exemption-annotation': { prod: 'error' } } } });
    expect(raised.passed).toBe(false);
  });

  test('an annotation naming an unknown rule is a finding and exempts nothing', () => {
    const report = RulePack.check(withHostPort({ 'production.platform.io/exempt-host-port': 'typo' }));
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['exemption-annotation', 'host-ports']);
    expect(report.exemptions).toEqual([]);
  });

  test('the Polaris form exempts every rule that records that Polaris check, and needs our reason annotation', () => {
    // GIVEN the Polaris exemption for hostPortSet, which host-ports records as a source
    const silent = RulePack.check(withHostPort({ 'polaris.fairwinds.com/hostPortSet-exempt': 'true' }));
    expect(silent.findings.map((f) => f.ruleId)).toEqual(['exemption-annotation']);
    expect(silent.exemptions.map((e) => `${e.ruleId} ${e.annotation}`)).toEqual(['host-ports polaris.fairwinds.com/hostPortSet-exempt']);
    // WHEN the reason is written in our reason annotation
    const explained = RulePack.check(withHostPort({
      'polaris.fairwinds.com/hostPortSet-exempt': 'true', [RulePack.EXEMPTION_REASON_ANNOTATION]: 'legacy agent, ticket OPS-12',
    }));
    // THEN the exemption is clean
    expect(explained.findings).toEqual([]);
    expect(explained.exemptions.map((e) => e.reason)).toEqual(['legacy agent, ticket OPS-12']);
  });

  test('the kube-score form maps its checks to our rules', () => {
    const objects = hardened();
    const d = deploymentOf(objects);
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    d.spec.template.spec.containers[0].securityContext.privileged = true;
    d.metadata.annotations = {
      'kube-score/ignore': 'container-security-context-readonlyrootfilesystem, container-security-context-privileged',
      [RulePack.EXEMPTION_REASON_ANNOTATION]: 'vendor image, reviewed in SEC-7',
    };
    const report = RulePack.check(objects);
    expect(report.findings).toEqual([]);
    expect(report.exemptions.map((e) => e.ruleId).sort()).toEqual(['no-privileged', 'read-only-root-filesystem']);
  });

  test('the kube-linter form carries its reason as the value', () => {
    const objects = hardened();
    deploymentOf(objects).spec.template.spec.hostNetwork = true;
    deploymentOf(objects).metadata.annotations = { 'ignore-check.kube-linter.io/host-network': 'CNI agent' };
    const report = RulePack.check(objects);
    expect(report.findings).toEqual([]);
    expect(report.exemptions).toEqual([expect.objectContaining({ ruleId: 'host-namespaces', reason: 'CNI agent' })]);

    deploymentOf(objects).metadata.annotations = { 'ignore-check.kube-linter.io/host-network': '' };
    expect(RulePack.check(objects).findings.map((f) => f.ruleId)).toEqual(['exemption-annotation']);
  });

  test('the scanners\' forms are explained by our annotation for the same rule', () => {
    // GIVEN our exemption with a reason, and the Polaris and kube-score forms next to it for the scanners
    const objects = withHostPort({
      'production.platform.io/exempt-host-ports': 'node-local agent',
      'polaris.fairwinds.com/hostPortSet-exempt': 'true',
    });
    // THEN the Polaris form needs no reason of its own
    expect(RulePack.check(objects).findings).toEqual([]);
    // BUT a kube-score check implemented by a rule without our reason is still unexplained
    deploymentOf(objects).metadata.annotations['kube-score/ignore'] = 'container-security-context-privileged';
    expect(RulePack.check(objects).findings.map((f) => f.message)).toEqual([
      "annotation 'kube-score/ignore' exempts container-security-context-privileged without a reason; add our production.platform.io/exempt-<rule-id> annotation with the reason, or production.platform.io/exemption-reason",
    ]);
  });

  test('a scanner check that no rule implements is not ours to judge', () => {
    const objects = hardened();
    deploymentOf(objects).metadata.annotations = { 'kube-score/ignore': 'container-ports-check' };
    expect(RulePack.check(objects).findings).toEqual([]);
  });

  test('an exemption on the pod template counts too', () => {
    const objects = withHostPort({});
    deploymentOf(objects).spec.template.metadata.annotations = { 'production.platform.io/exempt-host-ports': 'DaemonSet-like agent' };
    expect(RulePack.check(objects).findings).toEqual([]);
  });
});

describe('profiles', () => {
  test('the same violation is an error in prod and staging and a warning in dev', () => {
    const objects = hardened();
    deploymentOf(objects).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    const severity = (profile: 'dev' | 'staging' | 'prod') => RulePack.check(objects, { profile }).findings.map((f) => f.severity);
    expect(severity('prod')).toEqual(['error']);
    expect(severity('staging')).toEqual(['error']);
    expect(severity('dev')).toEqual(['warning']);
    expect(RulePack.check(objects, { profile: 'dev' }).passed).toBe(true);
  });

  test('high-availability rules are off in dev', () => {
    const objects = hardened().filter((o) => o.kind !== 'HorizontalPodAutoscaler' && o.kind !== 'PodDisruptionBudget');
    deploymentOf(objects).spec.replicas = 1;
    expect(RulePack.check(objects, { profile: 'dev' }).findings).toEqual([]);
    expect(RulePack.check(objects, { profile: 'dev' }).rulesRun).not.toContain('deployment-replicas');
    expect(RulePack.check(objects, { profile: 'prod' }).findings.map((f) => f.ruleId).sort()).toEqual(['deployment-replicas', 'pdb-exists']);
  });

  test('advisory rules stay warnings in prod', () => {
    const objects = hardened();
    delete deploymentOf(objects).spec.template.spec.priorityClassName;
    const report = RulePack.check(objects, { profile: 'prod' });
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['priority-class warning']);
    expect(report.passed).toBe(true);
    expect(report.warningCount).toBe(1);
  });

  test('an object that names its own profile is judged by it', () => {
    // GIVEN an app with one replica, as the dev chart of a multi-environment app makes it
    const objects = hardened().filter((o) => o.kind !== 'HorizontalPodAutoscaler');
    const d = deploymentOf(objects);
    d.spec.replicas = 1;
    d.metadata.annotations = { 'production.platform.io/profile': 'dev' };
    // WHEN the whole app is checked in prod
    const report = RulePack.check(objects, { profile: 'prod' });
    // THEN the dev Deployment is judged by dev, where single replicas are allowed
    expect(report.findings).toEqual([]);
    // AND without the annotation it is an error
    delete d.metadata.annotations;
    expect(RulePack.check(objects, { profile: 'prod' }).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['deployment-replicas error']);
  });

  test('an object can be stricter than the run', () => {
    const objects = hardened();
    deploymentOf(objects).metadata.annotations = { 'production.platform.io/profile': 'prod' };
    deploymentOf(objects).spec.template.spec.hostPID = true;
    expect(RulePack.check(objects, { profile: 'dev' }).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['host-namespaces error']);
  });

  test('a profile annotation that names no profile is reported and ignored', () => {
    const objects = hardened();
    deploymentOf(objects).metadata.annotations = { 'production.platform.io/profile': 'production' };
    deploymentOf(objects).spec.template.spec.hostPID = true;
    const report = RulePack.check(objects, { profile: 'dev' });
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}`).sort()).toEqual(['exemption-annotation warning', 'host-namespaces warning']);
  });

  test('throws on an unknown profile', () => {
    expect(() => RulePack.check([], { profile: 'production' as never })).toThrow("Unknown profile 'production': use one of 'dev', 'staging', 'prod'");
  });

  test('every default rule declares a severity per profile, sources and a fix', () => {
    for (const rule of RulePack.DEFAULT_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const p of ['dev', 'staging', 'prod'] as const) {
        expect(['error', 'warning', 'off']).toContain(rule.severity[p]);
      }
      expect(rule.sources.length).toBeGreaterThan(0);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
  });
});

describe('custom rules', () => {
  const teamLabel: IRule = {
    id: 'team-label',
    description: 'Workloads name their owning team',
    sources: [{ tool: 'platform', check: 'team-label' }],
    severity: { dev: 'off', staging: 'warning', prod: 'error' },
    fix: "Add the label 'platform.io/team'",
    check: (ctx: RuleContext) => ctx.workloads()
      .filter((w) => !ctx.labelsOf(w.kubeObject)['platform.io/team'])
      .map((w) => ({ kubeObject: w.kubeObject, message: 'has no team label', path: 'metadata.labels' })),
  };

  test('a platform team adds a rule next to the defaults', () => {
    const report = RulePack.check(hardened(), { rules: [...RulePack.DEFAULT_RULES, teamLabel] });
    expect(report.findings).toEqual([expect.objectContaining({
      ruleId: 'team-label', severity: 'error', message: 'has no team label', fix: "Add the label 'platform.io/team'",
      objectRef: expect.objectContaining({ kind: 'Deployment', name: 'web', namespaceName: 'shop' }),
    })]);
  });

  test('a custom rule is exemptable by our annotation', () => {
    const objects = hardened();
    deploymentOf(objects).metadata.annotations = { 'production.platform.io/exempt-team-label': 'shared by all teams' };
    const report = RulePack.check(objects, { rules: [...RulePack.DEFAULT_RULES, teamLabel] });
    expect(report.findings).toEqual([]);
    expect(report.exemptions.map((e) => e.ruleId)).toEqual(['team-label']);
  });

  test('throws when two rules share an id', () => {
    expect(() => RulePack.check([], { rules: [teamLabel, teamLabel] })).toThrow("Rule id 'team-label' is used by two rules");
  });

  test('construct paths and files are carried into findings', () => {
    const objects = hardened();
    delete deploymentOf(objects).spec.template.spec.containers[0].livenessProbe;
    const report = RulePack.check(objects.map((o) => ({ kubeObject: o, constructPath: `app/${o.kind}`, file: 'web.yaml' })));
    expect(report.findings).toEqual([expect.objectContaining({ ruleId: 'liveness-probe', constructPath: 'app/Deployment', file: 'web.yaml' })]);
  });
});

describe('helpers', () => {
  test('selectorMatches handles matchLabels and every matchExpressions operator', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(RuleContext.selectorMatches(labels, { matchLabels: { app: 'web' } })).toBe(true);
    expect(RuleContext.selectorMatches(labels, { matchLabels: { app: 'api' } })).toBe(false);
    expect(RuleContext.selectorMatches(labels, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] })).toBe(true);
    expect(RuleContext.selectorMatches(labels, { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] })).toBe(false);
    expect(RuleContext.selectorMatches(labels, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] })).toBe(false);
    expect(RuleContext.selectorMatches(labels, { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] })).toBe(true);
    expect(RuleContext.selectorMatches(labels, {})).toBe(true);
  });

  test('image references: a registry port is not a tag, and a malformed digest pins nothing', () => {
    // GIVEN the hardened app with its image replaced, pulled IfNotPresent
    const imageFindings = (image: string): string[] => {
      const objects = hardened();
      Object.assign(deploymentOf(objects).spec.template.spec.containers[0], { image, imagePullPolicy: 'IfNotPresent' });
      return RulePack.check(objects).findings.filter((f) => f.ruleId.startsWith('image-')).map((f) => `${f.ruleId}: ${f.message}`);
    };
    const digest = `sha256:${'0'.repeat(64)}`;
    // THEN a port of the registry is not taken for a tag
    expect(imageFindings('registry:5000/app')).toEqual([
      "image-tag-pinned: container 'app' uses image 'registry:5000/app' without a tag (resolves to latest)",
      "image-pull-policy: container 'app' has imagePullPolicy IfNotPresent",
    ]);
    expect(imageFindings('registry:5000/app:1.2')).toEqual(["image-pull-policy: container 'app' has imagePullPolicy IfNotPresent"]);
    // AND a real digest pins the image, so any pull policy will do
    expect(imageFindings(`registry:5000/app@${digest}`)).toEqual([]);
    // AND '@sha256:abc' is not a digest: the reference is invalid and pins nothing
    expect(imageFindings('app@sha256:abc')).toEqual([
      "image-tag-pinned: container 'app' uses image 'app@sha256:abc', which is not a valid image reference, so nothing pins it",
      "image-pull-policy: container 'app' has imagePullPolicy IfNotPresent",
    ]);
  });
});

describe('workload kinds', () => {
  test('a Rollout that references a Deployment\'s template is not judged twice', () => {
    const rollout: KubeObject = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'web', namespace: 'shop' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
    };
    expect(new RuleContext([rollout]).workloads()).toEqual([]);
    const templated = { ...rollout, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } };
    expect(new RuleContext([templated]).workloads().map((w) => w.podSpecPath)).toEqual(['spec.template.spec']);
  });

  test.each([
    ['Pod', 'v1', 'spec'],
    ['CronJob', 'batch/v1', 'spec.jobTemplate.spec.template.spec'],
    ['Job', 'batch/v1', 'spec.template.spec'],
    ['DaemonSet', 'apps/v1', 'spec.template.spec'],
    ['StatefulSet', 'apps/v1', 'spec.template.spec'],
    ['ReplicaSet', 'apps/v1', 'spec.template.spec'],
  ])('%s (%s) pod specs are found at %s', (kind, apiVersion, podSpecPath) => {
    const object: KubeObject = { apiVersion, kind, metadata: { name: 'x' }, spec: {} };
    expect(new RuleContext([object]).workloads().map((w) => w.podSpecPath)).toEqual([podSpecPath]);
  });

  test('objects that run no pods are not workloads', () => {
    expect(new RuleContext([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'crd' } }]).workloads()).toEqual([]);
  });
});
