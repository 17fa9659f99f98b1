/**
 * Self-tests of the strict schema helper (test/helpers/schema.ts): it must catch what the API
 * server (or `kubectl apply`, which prunes silently) would reject or drop, and accept what
 * cdk8s-plus and the imported CRD classes synthesize.
 */
import { ApiObject, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Certificate } from '../imports/certificate-cert-manager.io';
import { ServiceMonitor } from '../imports/servicemonitor-monitoring.coreos.com';
import { expectValidManifests, isKnownKind, validateManifest, validateManifests } from './helpers/schema';

/** A deep copy that a test may change without affecting the others. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, fsGroup: 26000 },
        containers: [{
          name: 'main',
          image: 'registry.example.com/web:1.2.3',
          ports: [{ containerPort: 8080, name: 'http' }],
          resources: { requests: { cpu: '100m', memory: 134217728 }, limits: { cpu: 0.5, memory: '512Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
        }],
      },
    },
  },
};

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: {
    type: 'ClusterIP',
    selector: { 'app.kubernetes.io/name': 'web' },
    ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
  },
};

const networkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'web' },
  spec: {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 'dns', protocol: 'UDP' }] }],
  },
};

const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web' },
  spec: { minAvailable: '50%', selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
};

const hpa = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '400Mi' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
  },
};

const certificate = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web-tls', namespace: 'shop' },
  spec: {
    secretName: 'web-tls',
    dnsNames: ['web.example.com'],
    duration: '2160h',
    renewBefore: '360h',
    issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
  },
};

const serviceMonitor = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'web', labels: { release: 'prometheus' } },
  spec: {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
    endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
  },
};

describe('validateManifest accepts', () => {
  test.each([
    ['a Deployment', deployment],
    ['a Service', service],
    ['a NetworkPolicy', networkPolicy],
    ['a PodDisruptionBudget (policy/v1)', pdb],
    ['a HorizontalPodAutoscaler (autoscaling/v2)', hpa],
    ['a cert-manager Certificate', certificate],
    ['a monitoring.coreos.com ServiceMonitor', serviceMonitor],
  ])('%s', (_name, obj) => {
    // WHEN
    const errors = validateManifest(obj);

    // THEN
    expect(errors).toEqual([]);
  });

  test('int-or-string fields as an integer or as a string', () => {
    // GIVEN
    const asInt = clone(pdb);
    asInt.spec.minAvailable = 1 as any;
    const asString = clone(service);
    asString.spec.ports[0].targetPort = 8080 as any;

    // THEN
    expect(validateManifests([asInt, asString])).toEqual([]);
  });

  test('quantities as a number or as a string', () => {
    // GIVEN
    const obj = clone(deployment);
    obj.spec.template.spec.containers[0].resources = { requests: { cpu: 0.25, memory: '64Mi' }, limits: { cpu: '1', memory: 268435456 } } as any;

    // THEN
    expect(validateManifest(obj)).toEqual([]);
  });

  test('unknown fields where the schema preserves them (x-kubernetes-preserve-unknown-fields)', () => {
    // GIVEN: an Argo CD Application's helm.valuesObject is free-form
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web', namespace: 'argocd' },
      spec: {
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        source: { repoURL: 'https://charts.example.com', chart: 'web', targetRevision: '1.0.0', helm: { valuesObject: { anything: { goes: [1, 2] } } } },
      },
    };

    // THEN
    expect(validateManifest(app)).toEqual([]);
  });

  test('what cdk8s-plus and the imported CRD classes synthesize', () => {
    // GIVEN
    const chart = Testing.chart();
    const deploy = new kplus.Deployment(chart, 'Web', {
      containers: [{ image: 'registry.example.com/web:1.2.3', portNumber: 8080 }],
    });
    deploy.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
    new kplus.HorizontalPodAutoscaler(chart, 'Hpa', {
      target: deploy,
      maxReplicas: 5,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });
    new kplus.NetworkPolicy(chart, 'Policy', {
      selector: deploy,
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
      egress: { default: kplus.NetworkPolicyTrafficDefault.DENY },
    });
    new kplus.ServiceAccount(chart, 'Sa', { automountToken: false });
    new ApiObject(chart, 'Pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', spec: pdb.spec });
    new Certificate(chart, 'Cert', {
      spec: { secretName: 'web-tls', dnsNames: ['web.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
    });
    new ServiceMonitor(chart, 'Monitor', {
      spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http', interval: `${Duration.seconds(30).toSeconds()}s` }] },
    });

    // WHEN
    const manifest = Testing.synth(chart);

    // THEN
    expect(manifest.map((o) => o.kind).sort()).toEqual([
      'Certificate', 'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget',
      'Service', 'ServiceAccount', 'ServiceMonitor',
    ]);
    expect(() => expectValidManifests(manifest)).not.toThrow();
  });
});

describe('validateManifest rejects', () => {
  test('an unknown field, with a hint', () => {
    // GIVEN
    const obj = clone(deployment) as any;
    obj.spec.replica = 2;

    // THEN
    expect(validateManifest(obj)).toEqual([
      'apps/v1 Deployment/web: spec.replica: unknown field (did you mean "replicas"?)',
    ]);
  });

  test('an unknown field deep in the pod template and in metadata', () => {
    // GIVEN
    const obj = clone(deployment) as any;
    obj.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    obj.metadata.label = { a: 'b' };

    // THEN
    expect(validateManifest(obj)).toEqual([
      'apps/v1 Deployment/web: metadata.label: unknown field (did you mean "labels"?)',
      'apps/v1 Deployment/web: spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem: unknown field (did you mean "readOnlyRootFilesystem"?)',
    ]);
  });

  test('a missing required field: Deployment without spec.selector', () => {
    // GIVEN
    const obj = clone(deployment) as any;
    delete obj.spec.selector;

    // THEN
    expect(validateManifest(obj)).toEqual(['apps/v1 Deployment/web: spec.selector: required field is missing']);
  });

  test('a missing required field: container without name', () => {
    // GIVEN
    const obj = clone(deployment) as any;
    delete obj.spec.template.spec.containers[0].name;

    // THEN
    expect(validateManifest(obj)).toEqual(['apps/v1 Deployment/web: spec.template.spec.containers[0].name: required field is missing']);
  });

  test('a missing metadata.name', () => {
    // GIVEN
    const obj = clone(service) as any;
    delete obj.metadata.name;

    // THEN
    expect(validateManifest(obj)).toEqual(['v1 Service/<no name>: metadata.name: required field is missing']);
  });

  test('a wrong type', () => {
    // GIVEN
    const obj = clone(deployment) as any;
    obj.spec.replicas = '2';
    obj.metadata.labels.tier = 3;

    // THEN
    expect(validateManifest(obj)).toEqual([
      'apps/v1 Deployment/web: metadata.labels.tier: must be string (got 3)',
      'apps/v1 Deployment/web: spec.replicas: must be integer (got "2")',
    ]);
  });

  test('an int-or-string that is neither', () => {
    // GIVEN
    const obj = clone(service) as any;
    obj.spec.ports[0].targetPort = true;

    // THEN
    expect(validateManifest(obj)).toEqual(['v1 Service/web: spec.ports[0].targetPort: must be string or integer (got true)']);
  });

  test('a CRD int-or-string (x-kubernetes-int-or-string) that is neither', () => {
    // GIVEN
    const asInt = clone(serviceMonitor) as any;
    asInt.spec.endpoints[0] = { targetPort: 8080 };
    const asString = clone(serviceMonitor) as any;
    asString.spec.endpoints[0] = { targetPort: 'http' };
    const asBoolean = clone(serviceMonitor) as any;
    asBoolean.spec.endpoints[0] = { targetPort: false };

    // THEN
    expect(validateManifests([asInt, asString])).toEqual([]);
    expect(validateManifest(asBoolean)).toEqual([
      'monitoring.coreos.com/v1 ServiceMonitor/web: spec.endpoints[0].targetPort: must be integer or string (got false)',
    ]);
  });

  test('a value outside an enum', () => {
    // GIVEN
    const obj = clone(certificate) as any;
    obj.spec.privateKey.algorithm = 'DSA';

    // THEN
    expect(validateManifest(obj)).toEqual([
      'cert-manager.io/v1 Certificate/web-tls: spec.privateKey.algorithm: must be one of ["RSA","ECDSA","Ed25519"] (got "DSA")',
    ]);
  });

  test('an unknown kind', () => {
    // WHEN
    const errors = validateManifest({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'web' } });

    // THEN
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^apps\/v1 Deploymnet\/web: unknown apiVersion\/kind "apps\/v1" "Deploymnet"/);
    expect(errors[0]).toContain('Did you mean "apps/v1" "Deployment"?');
  });

  test('a known kind at an apiVersion that 1.28 no longer serves', () => {
    // WHEN
    const errors = validateManifest({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: {} });

    // THEN
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Known apiVersions of PodDisruptionBudget: policy/v1');
  });

  test('a CRD with an unknown spec field', () => {
    // GIVEN
    const obj = clone(certificate) as any;
    obj.spec.commonname = 'web.example.com';

    // THEN
    expect(validateManifest(obj)).toEqual([
      'cert-manager.io/v1 Certificate/web-tls: spec.commonname: unknown field (did you mean "commonName"?)',
    ]);
  });

  test('a CRD with a missing required field and a wrong type', () => {
    // GIVEN
    const obj = clone(serviceMonitor) as any;
    delete obj.spec.selector;
    obj.spec.endpoints[0].honorLabels = 'yes';

    // THEN
    expect(validateManifest(obj)).toEqual([
      'monitoring.coreos.com/v1 ServiceMonitor/web: spec.endpoints[0].honorLabels: must be boolean (got "yes")',
      'monitoring.coreos.com/v1 ServiceMonitor/web: spec.selector: required field is missing',
    ]);
  });

  test('a CRD with bad metadata (checked as an ObjectMeta)', () => {
    // GIVEN
    const obj = clone(certificate) as any;
    obj.metadata.annotation = { a: 'b' };
    obj.metadata.labels = { a: true };

    // THEN
    expect(validateManifest(obj)).toEqual([
      'cert-manager.io/v1 Certificate/web-tls: metadata.annotation: unknown field (did you mean "annotations"?)',
      'cert-manager.io/v1 Certificate/web-tls: metadata.labels.a: must be string (got true)',
    ]);
  });

  test('something that is not an object', () => {
    expect(validateManifest('kind: Deployment')).toEqual(['"kind: Deployment": not a Kubernetes object (expected a JSON object)']);
    expect(validateManifest({ kind: 'Deployment' })[0]).toContain('"apiVersion" and "kind" must be non-empty strings');
  });
});

describe('expectValidManifests', () => {
  test('does nothing when every object is valid', () => {
    expect(() => expectValidManifests([deployment, service, networkPolicy, pdb, hpa, certificate, serviceMonitor])).not.toThrow();
  });

  test('throws every error of every object at once', () => {
    // GIVEN
    const badDeployment = clone(deployment) as any;
    badDeployment.spec.replica = 2;
    const badCertificate = clone(certificate) as any;
    delete badCertificate.spec.secretName;

    // THEN
    expect(() => expectValidManifests([badDeployment, service, badCertificate])).toThrow(
      '2 schema errors in 3 synthesized object(s):\n'
      + '  - apps/v1 Deployment/web: spec.replica: unknown field (did you mean "replicas"?)\n'
      + '  - cert-manager.io/v1 Certificate/web-tls: spec.secretName: required field is missing',
    );
  });
});

describe('isKnownKind', () => {
  test('knows Kubernetes 1.28 and imported CRD kinds only', () => {
    expect(isKnownKind('policy/v1', 'PodDisruptionBudget')).toBe(true);
    expect(isKnownKind('v1', 'ServiceAccount')).toBe(true);
    expect(isKnownKind('monitoring.coreos.com/v1', 'ServiceMonitor')).toBe(true);
    expect(isKnownKind('policy/v1beta1', 'PodDisruptionBudget')).toBe(false);
    expect(isKnownKind('example.com/v1', 'Widget')).toBe(false);
  });
});
