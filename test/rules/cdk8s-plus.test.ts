import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KubeObject, RulePack } from '../../lib/rules';

describe('a plain cdk8s-plus-28 Deployment + Service + Ingress with defaults', () => {
  // GIVEN what a user gets from cdk8s-plus alone
  const chart = Testing.chart();
  const deployment = new kplus.Deployment(chart, 'Web', {
    containers: [{ image: 'registry.example.com/web:1.0.0', portNumber: 8080 }],
  });
  const service = deployment.exposeViaService();
  new kplus.Ingress(chart, 'Ingress', { defaultBackend: kplus.IngressBackend.fromService(service) });
  const manifests = Testing.synth(chart) as KubeObject[];

  // WHEN checked in prod
  const report = RulePack.check(manifests, { profile: 'prod' });
  const rulesFor = (kind: string) => new Set(report.findings.filter((f) => f.objectRef.kind === kind).map((f) => f.ruleId));

  test('is not production ready', () => {
    expect(report.passed).toBe(false);
  });

  test('reports the missing readiness and liveness probes on the Deployment', () => {
    const probes = report.findings.filter((f) => ['readiness-probe', 'liveness-probe'].includes(f.ruleId));
    expect(probes.map((f) => `${f.ruleId} ${f.objectRef.kind} ${f.message}`).sort()).toEqual([
      "liveness-probe Deployment container 'main' has no liveness probe",
      "readiness-probe Deployment container 'main' has no readiness probe",
    ]);
  });

  test('reports no PodDisruptionBudget and no NetworkPolicy', () => {
    expect([...rulesFor('Deployment')]).toEqual(expect.arrayContaining(['pdb-exists', 'pod-network-policy']));
  });

  test('reports no seccomp profile and capabilities not dropped', () => {
    expect([...rulesFor('Deployment')]).toEqual(expect.arrayContaining(['seccomp-profile', 'drop-all-capabilities']));
  });

  test('reports the Ingress without TLS', () => {
    const tls = report.findings.filter((f) => f.ruleId === 'ingress-tls');
    expect(tls).toHaveLength(1);
    expect(tls[0].objectRef.kind).toBe('Ingress');
    expect(tls[0].objectRef.name).toBe(manifests.find((m) => m.kind === 'Ingress')!.metadata!.name);
    expect(tls[0].severity).toBe('error');
  });

  test('does not report what cdk8s-plus already hardens', () => {
    // cdk8s-plus defaults: non-root, read-only root fs, no privilege escalation, resources, no token
    const hardened = ['run-as-non-root', 'read-only-root-filesystem', 'no-privilege-escalation', 'no-privileged',
      'container-resources', 'service-account-token', 'deployment-replicas', 'service-targets-pods', 'ingress-targets-service'];
    expect(report.findings.filter((f) => hardened.includes(f.ruleId))).toEqual([]);
  });
});
