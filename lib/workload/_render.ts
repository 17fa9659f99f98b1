import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ResolvedContainer, ResolvedPod, ResolvedProbes } from './_resolve';
import {
  FS_GROUP_CHANGE_POLICY, IMAGE_PULL_POLICY, PRE_STOP_COMMAND, SECCOMP_PROFILE, SPREAD_WHEN_UNSATISFIABLE, TOPOLOGY,
  WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES,
} from '../defaults';

// The two outputs of one resolved pod: applied to a cdk8s-plus workload (Deployment, Job, ...), or rendered as a
// plain `k8s` pod template for L1 objects (StatefulSet, Rollout, ...). Both build the containers with the same
// cdk8s-plus `Container`, so the two outputs agree by construction; a test compares them field by field.

/**
 * The label selector of a workload's pods.
 *
 * @internal
 */
export interface PodSelector {
  readonly matchLabels: Record<string, string>;
}

/**
 * A volume of the main container and where it is mounted.
 *
 * @internal
 */
export interface PodMount {
  readonly volume: kplus.Volume;
  readonly path: string;
  readonly readOnly: boolean;
}

/**
 * Creates the cdk8s-plus volumes of the main container's mounts, in mount order (their IDs are stable).
 *
 * @internal
 */
export function createMounts(scope: Construct, pod: ResolvedPod): PodMount[] {
  return pod.mounts.map((m) => {
    if (m.emptyDir) {
      return {
        volume: kplus.Volume.fromEmptyDir(scope, m.emptyDir.id, m.emptyDir.name, { sizeLimit: Size.gibibytes(WRITABLE_PATH_SIZE_LIMIT_GIBIBYTES) }),
        path: m.path,
        readOnly: m.readOnly,
      };
    }
    if (m.configMap) {
      return {
        volume: kplus.Volume.fromConfigMap(scope, m.configMap.id, m.configMap.configMap, { name: m.configMap.name }),
        path: m.path,
        readOnly: m.readOnly,
      };
    }
    return { volume: m.volume!, path: m.path, readOnly: m.readOnly };
  });
}

/**
 * The pod-level props of a cdk8s-plus workload that runs the pod.
 *
 * @internal
 */
export function workloadPodProps(pod: ResolvedPod, serviceAccount: kplus.IServiceAccount): kplus.AbstractPodProps & { podMetadata: { labels: Record<string, string> } } {
  const { security } = pod;
  return {
    podMetadata: { labels: { ...pod.labels } },
    serviceAccount,
    automountServiceAccountToken: pod.access.serviceAccountToken,
    securityContext: {
      user: security.user, group: security.group, fsGroup: security.fsGroup, ensureNonRoot: true,
      fsGroupChangePolicy: FS_GROUP_CHANGE_POLICY,
    },
    terminationGracePeriod: pod.shutdown.terminationGracePeriod,
    isolate: false,
  };
}

/**
 * Adds the containers to a cdk8s-plus workload and patches in what cdk8s-plus has no fields for. Returns the main
 * container.
 *
 * @param podSpecPath the JSON pointer of the pod spec in the workload's manifest
 * @internal
 */
export function applyPod(workload: kplus.AbstractPod, pod: ResolvedPod, mounts: PodMount[], selector: PodSelector,
  podSpecPath: string): kplus.Container {
  const main = workload.addContainer(mainContainerProps(pod));
  for (const m of mounts) {
    main.mount(m.path, m.volume, { readOnly: m.readOnly });
  }
  const probePatches: JsonPatch[] = [...probePatchesOf(`${podSpecPath}/containers/0`, pod.main.probes)];
  for (const helper of pod.helpers) {
    if (helper.init) {
      workload.addInitContainer(helperContainerProps(pod, helper));
    } else {
      workload.addContainer(helperContainerProps(pod, helper));
      probePatches.push(...probePatchesOf(`${podSpecPath}/containers/${workload.containers.length - 1}`, helper.probes));
    }
  }
  const scheduling = schedulingOf(pod, selector);
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add(`${podSpecPath}/priorityClassName`, pod.access.priorityClassName),
    JsonPatch.add(`${podSpecPath}/securityContext/seccompProfile`, { type: SECCOMP_PROFILE.pod }),
    JsonPatch.add(`${podSpecPath}/topologySpreadConstraints`, scheduling.topologySpreadConstraints),
    JsonPatch.add(`${podSpecPath}/affinity`, scheduling.affinity),
    ...probePatches,
  );
  return main;
}

/**
 * The pod as a plain `k8s` pod template, for L1 objects. It is the same pod `applyPod` gives a cdk8s-plus workload.
 *
 * @param restartPolicy `Always` for long-running workloads
 * @internal
 */
export function renderPodTemplate(pod: ResolvedPod, mounts: PodMount[], selector: PodSelector, serviceAccountName: string,
  restartPolicy: string): k8s.PodTemplateSpec {
  const main = new kplus.Container(mainContainerProps(pod));
  for (const m of mounts) {
    main.mount(m.path, m.volume, { readOnly: m.readOnly });
  }
  const containers: k8s.Container[] = [withProbes(main._toKube(), pod.main.probes)];
  const initContainers: k8s.Container[] = [];
  for (const helper of pod.helpers) {
    const rendered = new kplus.Container(helperContainerProps(pod, helper))._toKube();
    if (helper.init) {
      initContainers.push(rendered);
    } else {
      containers.push(withProbes(rendered, helper.probes));
    }
  }
  const { security } = pod;
  return {
    metadata: { labels: { ...pod.labels, ...selector.matchLabels } },
    spec: {
      restartPolicy,
      serviceAccountName,
      containers,
      initContainers: initContainers.length > 0 ? initContainers : undefined,
      securityContext: {
        runAsUser: security.user,
        runAsGroup: security.group,
        runAsNonRoot: true,
        fsGroup: security.fsGroup,
        fsGroupChangePolicy: FS_GROUP_CHANGE_POLICY,
        seccompProfile: { type: SECCOMP_PROFILE.pod },
      },
      volumes: mounts.length > 0 ? mounts.map((m) => m.volume._toKube()) : undefined,
      dnsPolicy: kplus.DnsPolicy.CLUSTER_FIRST,
      setHostnameAsFqdn: false,
      automountServiceAccountToken: pod.access.serviceAccountToken,
      hostNetwork: false,
      terminationGracePeriodSeconds: pod.shutdown.terminationGracePeriod.toSeconds(),
      priorityClassName: pod.access.priorityClassName,
      ...schedulingOf(pod, selector),
    },
  };
}

/** The main container, without its mounts and probes. */
function mainContainerProps(pod: ResolvedPod): kplus.ContainerProps {
  const preStopSeconds = pod.shutdown.preStopDelay.toSeconds();
  return {
    ...baseContainerProps(pod, pod.main),
    envFrom: pod.main.envFrom,
    lifecycle: preStopSeconds > 0 ? { preStop: kplus.Handler.fromCommand([PRE_STOP_COMMAND, String(preStopSeconds)]) } : undefined,
  };
}

/** An init container or sidecar, without its probes. */
function helperContainerProps(pod: ResolvedPod, c: ResolvedContainer): kplus.ContainerProps {
  return baseContainerProps(pod, c);
}

function baseContainerProps(pod: ResolvedPod, c: ResolvedContainer): kplus.ContainerProps {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: IMAGE_PULL_POLICY,
    command: c.command,
    args: c.args,
    ports: c.ports.map((p) => ({ name: p.name, number: p.port, protocol: kplus.Protocol.TCP })),
    envVariables: c.env,
    resources: c.resources,
    securityContext: containerSecurityContext(pod),
  };
}

function containerSecurityContext(pod: ResolvedPod): kplus.ContainerSecurityContextProps {
  const { security } = pod;
  return {
    user: security.user, group: security.group, ensureNonRoot: true,
    privileged: security.privileged,
    allowPrivilegeEscalation: security.allowPrivilegeEscalation,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    capabilities: { drop: [kplus.Capability.ALL], add: security.addCapabilities.length > 0 ? [...security.addCapabilities] : undefined },
    seccompProfile: { type: SECCOMP_PROFILE.container },
  };
}

/** Spread over zones and nodes, and preferred anti-affinity between the pods of one workload. */
function schedulingOf(_pod: ResolvedPod, selector: PodSelector): { topologySpreadConstraints: k8s.TopologySpreadConstraint[]; affinity: k8s.Affinity } {
  const labelSelector = { matchLabels: { ...selector.matchLabels } };
  return {
    topologySpreadConstraints: [TOPOLOGY.zone, TOPOLOGY.hostname].map((topologyKey) => ({
      maxSkew: TOPOLOGY.maxSkew, topologyKey, whenUnsatisfiable: SPREAD_WHEN_UNSATISFIABLE, labelSelector,
    })),
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: TOPOLOGY.antiAffinityWeight,
          podAffinityTerm: { topologyKey: TOPOLOGY.hostname, labelSelector },
        }],
      },
    },
  };
}

/** JSON patches that add a container's probes. */
function probePatchesOf(containerPath: string, probes: ResolvedProbes): JsonPatch[] {
  return probeFields(probes).filter(([, probe]) => probe !== undefined).map(([field, probe]) => JsonPatch.add(`${containerPath}/${field}`, probe));
}

function withProbes(container: k8s.Container, probes: ResolvedProbes): k8s.Container {
  const out: Record<string, unknown> = { ...container };
  for (const [field, probe] of probeFields(probes)) {
    if (probe !== undefined) {
      out[field] = probe;
    }
  }
  return out as unknown as k8s.Container;
}

function probeFields(probes: ResolvedProbes): Array<[string, k8s.Probe | undefined]> {
  return [['readinessProbe', probes.readiness], ['livenessProbe', probes.liveness], ['startupProbe', probes.startup]];
}
