import { ADVISORY, APP_LISTS, Part, perContainer, perPod, src, STRICT } from './_helpers';
import { asArray, asObject, asStringMap, ContainerInfo, Workload } from './context';
import { looksSecret, looksSecretToScanners, parseImage } from '../internal/names';
import { IRule } from './rule';

function resourceProblems(c: ContainerInfo, kind: 'requests' | 'limits', names: readonly string[]): string[] {
  const set = asObject(asObject(c.spec.resources)[kind]);
  return names.filter((n) => set[n] === undefined || set[n] === '' || set[n] === null).map((n) => `${kind}.${n}`);
}

/** Which scanners' checks report each missing resource field. */
const RESOURCE_CHECKS: { [field: string]: string[] } = {
  'requests.cpu': ['polaris:cpuRequestsMissing', 'kube-score:container-resources', 'kube-linter:unset-cpu-requirements'],
  'requests.memory': ['polaris:memoryRequestsMissing', 'kube-score:container-resources'],
  'limits.memory': ['polaris:memoryLimitsMissing', 'kube-score:container-resources', 'kube-linter:unset-memory-requirements'],
};

/**
 * Containers set CPU and memory requests and a memory limit.
 *
 * The CPU limit is its own rule (`cpu-limits`), because it is the one resource setting teams
 * exempt on purpose (a CPU limit throttles latency-sensitive apps).
 *
 * Sources: Polaris cpuRequestsMissing, memoryRequestsMissing, memoryLimitsMissing; kube-score
 * container-resources; kube-linter unset-cpu-requirements, unset-memory-requirements.
 */
export const containerResources: IRule = {
  id: 'container-resources',
  description: 'Containers set CPU and memory requests and a memory limit',
  sources: src('polaris:cpuRequestsMissing', 'polaris:memoryRequestsMissing', 'polaris:memoryLimitsMissing',
    'kube-score:container-resources', 'kube-linter:unset-cpu-requirements', 'kube-linter:unset-memory-requirements'),
  severity: STRICT,
  fix: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory',
  // one violation per missing field, so that a scanner's exemption covers only the field its check reads
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) =>
    [...resourceProblems(c, 'requests', ['cpu', 'memory']), ...resourceProblems(c, 'limits', ['memory'])]
      .map((field) => ({ message: `does not set resources ${field}`, checks: RESOURCE_CHECKS[field] }))),
};

/**
 * Containers set a CPU limit.
 *
 * Sources: Polaris cpuLimitsMissing; kube-score container-resources (CPU limit part).
 */
export const cpuLimits: IRule = {
  id: 'cpu-limits',
  description: 'Containers set a CPU limit',
  sources: src('polaris:cpuLimitsMissing', 'kube-score:container-resources'),
  severity: STRICT,
  fix: 'Set resources.limits.cpu, or exempt the workload with a written reason (e.g. latency-sensitive)',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) => {
    const missing = resourceProblems(c, 'limits', ['cpu']);
    return missing.length ? 'does not set resources limits.cpu' : undefined;
  }),
};

/**
 * Containers set an ephemeral-storage request and limit.
 *
 * Sources: kube-score container-ephemeral-storage-request-and-limit.
 */
export const ephemeralStorage: IRule = {
  id: 'container-ephemeral-storage',
  description: 'Containers set an ephemeral-storage request and limit',
  sources: src('kube-score:container-ephemeral-storage-request-and-limit'),
  severity: STRICT,
  fix: "Set resources.requests['ephemeral-storage'] and resources.limits['ephemeral-storage']",
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) => {
    const missing = [...resourceProblems(c, 'requests', ['ephemeral-storage']), ...resourceProblems(c, 'limits', ['ephemeral-storage'])];
    // kube-score skips this check too when container-resources is ignored on the object
    return missing.length ? [{ message: `does not set resources ${missing.join(', ')}`,
      checks: ['kube-score:container-ephemeral-storage-request-and-limit', 'kube-score:container-resources'] }] : undefined;
  }),
};

/** Containers that serve: regular containers, and init containers run as sidecars (restartPolicy Always). */
function servingContainer(c: ContainerInfo): boolean {
  return c.list === 'containers' || (c.list === 'initContainers' && c.spec.restartPolicy === 'Always');
}

/**
 * Long-running containers have a readiness probe.
 *
 * Jobs, CronJobs and init containers (other than sidecars) are not checked.
 *
 * Sources: Polaris readinessProbeMissing; kube-score pod-probes; kube-linter no-readiness-probe.
 */
export const readinessProbe: IRule = {
  id: 'readiness-probe',
  description: 'Long-running containers have a readiness probe',
  sources: src('polaris:readinessProbeMissing', 'kube-score:pod-probes', '?kube-linter:no-readiness-probe'),
  severity: STRICT,
  fix: 'Add a readinessProbe that checks the container can serve traffic',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) =>
    servingContainer(c) && (c.spec.readinessProbe === undefined || c.spec.readinessProbe === null) ? 'has no readiness probe' : undefined,
  (w) => !['Job', 'CronJob'].includes(w.kubeObject.kind)),
};

/**
 * Long-running containers have a liveness probe.
 *
 * Sources: Polaris livenessProbeMissing; kube-score pod-probes; kube-linter no-liveness-probe.
 */
export const livenessProbe: IRule = {
  id: 'liveness-probe',
  description: 'Long-running containers have a liveness probe',
  sources: src('polaris:livenessProbeMissing', 'kube-score:pod-probes', '?kube-linter:no-liveness-probe'),
  severity: STRICT,
  fix: 'Add a livenessProbe that fails only when the process is stuck and must be restarted',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) =>
    servingContainer(c) && (c.spec.livenessProbe === undefined || c.spec.livenessProbe === null) ? 'has no liveness probe' : undefined,
  (w) => !['Job', 'CronJob'].includes(w.kubeObject.kind)),
};

function probeHandler(probe: unknown): string {
  const p = asObject(probe);
  const handler: { [k: string]: unknown } = {};
  for (const k of ['httpGet', 'tcpSocket', 'exec', 'grpc']) {
    if (p[k] !== undefined) {
      handler[k] = p[k];
    }
  }
  return JSON.stringify(handler);
}

/**
 * Liveness and readiness probes differ: an identical pair restarts a container that is only
 * busy, and turns overload into a crash loop.
 *
 * Sources: kube-score pod-probes (identical probes).
 */
export const distinctProbes: IRule = {
  id: 'probes-distinct',
  description: 'Liveness and readiness probes check different things',
  sources: src('kube-score:pod-probes'),
  severity: STRICT,
  fix: 'Point the liveness probe at a cheap "process alive" endpoint and the readiness probe at a "can serve" endpoint',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) => {
    if (c.spec.livenessProbe === undefined || c.spec.readinessProbe === undefined) {
      return undefined;
    }
    return probeHandler(c.spec.livenessProbe) === probeHandler(c.spec.readinessProbe)
      ? 'has identical liveness and readiness probes' : undefined;
  }),
};

/**
 * Probes on a port target a port the container declares.
 *
 * Sources: kube-linter liveness-port, readiness-port, startup-port.
 */
export const probePorts: IRule = {
  id: 'probe-port-exposed',
  description: 'Probes target a port the container declares',
  sources: src('kube-linter:liveness-port', 'kube-linter:readiness-port', 'kube-linter:startup-port'),
  severity: STRICT,
  fix: 'Declare the port in the container\'s ports, or point the probe at a declared port',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) => {
    const ports = asArray(c.spec.ports).map(asObject);
    const out: Part[] = [];
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const probe = asObject(c.spec[kind]);
      const port = asObject(probe.httpGet).port ?? asObject(probe.tcpSocket).port ?? asObject(probe.grpc).port;
      if (port === undefined) {
        continue;
      }
      const check = [`kube-linter:${kind.replace('Probe', '')}-port`];
      const matching = ports.filter((p) => p.containerPort === port || p.name === port
        || (typeof port === 'string' && String(p.containerPort) === port));
      if (matching.length === 0) {
        out.push({ message: `${kind} targets port ${JSON.stringify(port)}, which the container does not declare`, path: `${c.path}.${kind}`, checks: check });
      } else if (!matching.some((p) => (p.protocol ?? 'TCP') === 'TCP')) {
        // HTTP, TCP and gRPC probes all connect over TCP
        out.push({ message: `${kind} connects over TCP to port ${JSON.stringify(port)}, which the container declares only for ${String(matching[0].protocol)}`, path: `${c.path}.${kind}`, checks: check });
      }
    }
    return out;
  }),
};

/**
 * Images are pinned: by digest (preferred) or by an explicit tag other than `latest`.
 *
 * A string that is not an image reference (for example `app@sha256:abc`, whose digest is too
 * short) pins nothing and is reported.
 *
 * Sources: Polaris tagNotSpecified; kube-score container-image-tag; kube-linter latest-tag.
 */
export const imageTag: IRule = {
  id: 'image-tag-pinned',
  description: 'Images are pinned by digest or by an explicit tag other than latest',
  sources: src('polaris:tagNotSpecified', 'kube-score:container-image-tag', 'kube-linter:latest-tag'),
  severity: STRICT,
  fix: 'Pin the image by digest (image@sha256:...) or at least by an immutable version tag',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) => {
    const image = c.spec.image;
    if (typeof image !== 'string' || image === '') {
      return 'has no image';
    }
    const ref = parseImage(image);
    if (!ref) {
      return `uses image '${image}', which is not a valid image reference, so nothing pins it`;
    }
    const { tag, digest } = ref;
    if (digest) {
      return undefined;
    }
    if (tag === undefined) {
      return `uses image '${image}' without a tag (resolves to latest)`;
    }
    return tag === 'latest' ? `uses image '${image}' with the latest tag` : undefined;
  }),
};

/**
 * Images are pulled on every start, so that image pull secrets are checked each time; an
 * image pinned by digest may use any policy because its content cannot change.
 *
 * Sources: Polaris pullPolicyNotAlways; kube-score container-image-pull-policy.
 */
export const pullPolicy: IRule = {
  id: 'image-pull-policy',
  description: 'imagePullPolicy is Always, unless the image is pinned by digest',
  sources: src('polaris:pullPolicyNotAlways', 'kube-score:container-image-pull-policy'),
  severity: ADVISORY,
  fix: 'Set imagePullPolicy: Always, or pin the image by digest',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) => {
    if (typeof c.spec.image === 'string' && parseImage(c.spec.image)?.digest) {
      return undefined;
    }
    const policy = c.spec.imagePullPolicy;
    return policy === 'Always' ? undefined : `has imagePullPolicy ${policy === undefined ? 'unset' : String(policy)}`;
  }),
};

/**
 * Secret material is not written in plain text into environment variables.
 *
 * Sources: Polaris sensitiveContainerEnvVar; kube-linter env-var-secret.
 */
export const envSecrets: IRule = {
  id: 'no-secrets-in-env',
  description: 'Environment variables carry no plaintext secret material',
  sources: src('polaris:sensitiveContainerEnvVar', 'kube-linter:env-var-secret'),
  severity: STRICT,
  fix: 'Move the value into a Secret and use valueFrom.secretKeyRef, or mount the Secret as a file',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) =>
    asArray(c.spec.env).map(asObject).map((e, i) => ({ e, i }))
      .filter(({ e }) => typeof e.value === 'string' && looksSecretToScanners(String(e.name), e.value))
      .map(({ e, i }) => ({
        message: `sets '${String(e.name)}' to a plaintext value that looks secret`, path: `${c.path}.env[${i}]`,
        // kube-linter env-var-secret: a name containing 'secret' with a non-empty value
        checks: /secret/i.test(String(e.name)) && e.value !== '' ? ['polaris:sensitiveContainerEnvVar', 'kube-linter:env-var-secret'] : ['polaris:sensitiveContainerEnvVar'],
      }))),
};

/**
 * Literal environment variables and ConfigMap entries hold nothing that looks like a secret by
 * the library's own, wider patterns (names with passwd, credential or api/private/access key;
 * AWS access key ids, GitHub and Slack tokens in values). Entries the scanners already catch
 * are reported by `no-secrets-in-env` and `no-secrets-in-configmap` instead.
 *
 * Sources: our opinion (beyond Polaris sensitiveContainerEnvVar and sensitiveConfigmapContent,
 * and kube-linter env-var-secret).
 */
export const secretLookingValues: IRule = {
  id: 'secret-looking-values',
  description: 'Literal env values and ConfigMap entries match none of the library\'s extra secret patterns',
  sources: src('platform:secret-looking-values'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Move the value into a Secret and reference it, or rename the entry if it is not secret',
  check: (ctx) => {
    const extra = (n: string, v: string) => looksSecret(n, v) && !looksSecretToScanners(n, v);
    return [
      ...perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) =>
        asArray(c.spec.env).map(asObject).map((e, i) => ({ e, i }))
          .filter(({ e }) => typeof e.value === 'string' && extra(String(e.name), e.value))
          .map(({ e, i }) => ({ message: `sets '${String(e.name)}' to a plaintext value that looks secret`, path: `${c.path}.env[${i}]` }))),
      ...ctx.ofKind('ConfigMap').flatMap((cm) => Object.entries(asStringMap(cm.data)).filter(([k, v]) => extra(k, v))
        .map(([k]) => ({ kubeObject: cm, message: `key '${k}' looks like secret material`, path: `data.${k}` }))),
    ];
  },
};

/**
 * No container defines the same environment variable twice.
 *
 * Sources: kube-linter duplicate-env-var.
 */
export const duplicateEnv: IRule = {
  id: 'duplicate-env-var',
  description: 'Containers define each environment variable once',
  sources: src('kube-linter:duplicate-env-var'),
  severity: STRICT,
  fix: 'Remove the duplicate entry; only the last one takes effect',
  check: (ctx) => perContainer(ctx, ['initContainers', 'containers', 'ephemeralContainers'], (c) => {
    const seen = new Set<string>();
    const dup = new Set<string>();
    for (const e of asArray(c.spec.env).map(asObject)) {
      const n = String(e.name);
      (seen.has(n) ? dup : seen).add(n);
    }
    return dup.size ? `defines ${[...dup].map((d) => `'${d}'`).join(', ')} more than once` : undefined;
  }),
};

/**
 * No container exposes port 22 (SSH).
 *
 * Sources: kube-linter ssh-port.
 */
export const sshPort: IRule = {
  id: 'ssh-port',
  description: 'Containers do not expose port 22 (SSH)',
  sources: src('kube-linter:ssh-port'),
  severity: STRICT,
  fix: 'Do not run an SSH server in the container; use kubectl exec or debug containers',
  check: (ctx) => perContainer(ctx, APP_LISTS, (c) =>
    asArray(c.spec.ports).map(asObject).some((p) => p.containerPort === 22 && (p.protocol ?? 'TCP') === 'TCP')
      ? 'exposes port 22/TCP (SSH)' : undefined),
};

/**
 * Pods set a priority class, so that the scheduler knows what to evict first.
 *
 * Sources: Polaris priorityClassNotSet.
 */
export const priorityClass: IRule = {
  id: 'priority-class',
  description: 'Pods set priorityClassName',
  sources: src('polaris:priorityClassNotSet'),
  severity: ADVISORY,
  fix: 'Set priorityClassName to one of the cluster\'s priority classes',
  check: (ctx) => perPod(ctx, (w: Workload) =>
    w.podSpec.priorityClassName ? undefined : 'pod sets no priorityClassName'),
};

/** Every container rule, in report order. */
export const CONTAINER_RULES: readonly IRule[] = [
  containerResources, cpuLimits, ephemeralStorage, readinessProbe, livenessProbe, distinctProbes, probePorts, imageTag, pullPolicy,
  envSecrets, secretLookingValues, duplicateEnv, sshPort, priorityClass,
];
