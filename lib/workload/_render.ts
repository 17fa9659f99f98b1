import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ObjectMetadata, withExtra } from './_metadata';
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

/** The metadata of the pod template, before the workload adds its selector label. */
interface PodMetadata {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

function podMetadataOf(pod: ResolvedPod): PodMetadata {
  const annotations = pod.extraMetadata.podAnnotations;
  return {
    // The library's labels win over nothing: extra labels cannot use the app.kubernetes.io prefix.
    labels: { ...pod.extraMetadata.podLabels, ...pod.labels },
    annotations: Object.keys(annotations).length > 0 ? { ...annotations } : undefined,
  };
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
 * The workload's own ServiceAccount (construct ID `ServiceAccount`), with the token only when the pod mounts one.
 *
 * @internal
 */
export function createServiceAccount(scope: Construct, pod: ResolvedPod, metadata: ObjectMetadata): kplus.ServiceAccount {
  return new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: withExtra(metadata, pod.extraMetadata.serviceAccountLabels, pod.extraMetadata.serviceAccountAnnotations),
    automountToken: pod.access.serviceAccountToken,
  });
}

/**
 * The pod-level props of a cdk8s-plus workload that runs the pod.
 *
 * @internal
 */
export function workloadPodProps(pod: ResolvedPod, serviceAccount: kplus.IServiceAccount): kplus.AbstractPodProps & { podMetadata: PodMetadata } {
  const { security } = pod;
  return {
    podMetadata: podMetadataOf(pod),
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
export function applyPod(workload: kplus.AbstractPod & { readonly scheduling: kplus.PodScheduling }, pod: ResolvedPod, mounts: PodMount[],
  selector: PodSelector, podSpecPath: string): kplus.Container {
  const main = workload.addContainer(mainContainerProps(pod));
  for (const m of mounts) {
    main.mount(m.path, m.volume, { readOnly: m.readOnly });
  }
  const probePatches: JsonPatch[] = [...probePatchesOf(`${podSpecPath}/containers/0`, pod.main.probes)];
  for (const helper of pod.helpers) {
    const container = helper.init ? workload.addInitContainer(helperContainerProps(pod, helper)) : workload.addContainer(helperContainerProps(pod, helper));
    for (const m of helper.volumeMounts) {
      container.mount(m.path, m.volume, { readOnly: m.readOnly });
    }
    if (!helper.init) {
      probePatches.push(...probePatchesOf(`${podSpecPath}/containers/${workload.containers.length - 1}`, helper.probes));
    }
  }
  // Scheduling goes through cdk8s-plus, so that what a user adds through `workload.scheduling` is kept beside it.
  workload.scheduling.separate(podSelectorOf(workload, selector), { topology: kplus.Topology.custom(TOPOLOGY.hostname), weight: TOPOLOGY.antiAffinityWeight });
  for (const a of pod.scheduling.nodeAffinity) {
    workload.scheduling.attract(a.node, { weight: a.weight });
  }
  if (pod.scheduling.tolerations.length > 0) {
    workload.scheduling.tolerate(kplus.Node.tainted(...pod.scheduling.tolerations));
  }
  const extra = podSpecExtras(pod);
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add(`${podSpecPath}/priorityClassName`, pod.access.priorityClassName),
    JsonPatch.add(`${podSpecPath}/securityContext/seccompProfile`, { type: SECCOMP_PROFILE.pod }),
    JsonPatch.add(`${podSpecPath}/topologySpreadConstraints`, spreadOf(selector)),
    ...Object.entries(extra).map(([field, value]) => JsonPatch.add(`${podSpecPath}/${field}`, value)),
    ...probePatches,
  );
  return main;
}

/** A pod selector for cdk8s-plus scheduling that matches the workload's pods in any namespace it runs in. */
function podSelectorOf(workload: kplus.AbstractPod, selector: PodSelector): kplus.IPodSelector {
  return {
    node: workload.node,
    with: (...mixins) => workload.with(...mixins),
    toPodSelectorConfig: () => ({ labelSelector: kplus.LabelSelector.of({ labels: { ...selector.matchLabels } }) }),
  };
}

/** Pod spec fields cdk8s-plus has no props for, present only when set. */
function podSpecExtras(pod: ResolvedPod): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (pod.scheduling.nodeSelector !== undefined) {
    out.nodeSelector = { ...pod.scheduling.nodeSelector };
  }
  if (pod.imagePullSecrets.length > 0) {
    out.imagePullSecrets = pod.imagePullSecrets.map((name) => ({ name }));
  }
  return out;
}

/**
 * The pod as a plain `k8s` pod template, for L1 objects. It is the same pod `applyPod` gives a cdk8s-plus workload.
 *
 * @param restartPolicy `Always` for long-running workloads
 * @param claimTemplates names of mounted volumes that a StatefulSet's volumeClaimTemplates supply: they are mounted,
 *   but not listed under `volumes` (the StatefulSet controller adds one claim per pod)
 * @internal
 */
export function renderPodTemplate(pod: ResolvedPod, mounts: PodMount[], selector: PodSelector, serviceAccountName: string,
  restartPolicy: string, claimTemplates: readonly string[] = []): k8s.PodTemplateSpec {
  const main = new kplus.Container(mainContainerProps(pod));
  for (const m of mounts) {
    main.mount(m.path, m.volume, { readOnly: m.readOnly });
  }
  const containers: k8s.Container[] = [withProbes(main._toKube(), pod.main.probes)];
  const initContainers: k8s.Container[] = [];
  const volumes = new Map<string, kplus.Volume>(mounts.map((m) => [m.volume.name, m.volume]));
  for (const helper of pod.helpers) {
    const container = new kplus.Container(helperContainerProps(pod, helper));
    for (const m of helper.volumeMounts) {
      container.mount(m.path, m.volume, { readOnly: m.readOnly });
    }
    const rendered = container._toKube();
    if (helper.init) {
      initContainers.push(rendered);
    } else {
      containers.push(withProbes(rendered, helper.probes));
    }
  }
  // Volumes in the order cdk8s-plus lists them: the main container's, the sidecars', then the init containers'.
  for (const helper of [...pod.helpers.filter((h) => !h.init), ...pod.helpers.filter((h) => h.init)]) {
    for (const m of helper.volumeMounts) {
      volumes.set(m.volume.name, m.volume);
    }
  }
  for (const name of claimTemplates) {
    volumes.delete(name);
  }
  const { security } = pod;
  const metadata = podMetadataOf(pod);
  return {
    metadata: { labels: { ...metadata.labels, ...selector.matchLabels }, annotations: metadata.annotations },
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
      volumes: volumes.size > 0 ? [...volumes.values()].map((v) => v._toKube()) : undefined,
      dnsPolicy: kplus.DnsPolicy.CLUSTER_FIRST,
      setHostnameAsFqdn: false,
      automountServiceAccountToken: pod.access.serviceAccountToken,
      hostNetwork: false,
      terminationGracePeriodSeconds: pod.shutdown.terminationGracePeriod.toSeconds(),
      priorityClassName: pod.access.priorityClassName,
      topologySpreadConstraints: spreadOf(selector),
      affinity: affinityOf(pod, selector),
      tolerations: pod.scheduling.tolerations.length > 0 ? pod.scheduling.tolerations.map((t) => t._toKube()) : undefined,
      ...podSpecExtras(pod),
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

/** Spread over zones and nodes, as a preference. */
function spreadOf(selector: PodSelector): k8s.TopologySpreadConstraint[] {
  return [TOPOLOGY.zone, TOPOLOGY.hostname].map((topologyKey) => ({
    maxSkew: TOPOLOGY.maxSkew, topologyKey, whenUnsatisfiable: SPREAD_WHEN_UNSATISFIABLE, labelSelector: { matchLabels: { ...selector.matchLabels } },
  }));
}

/** The affinity cdk8s-plus renders for `applyPod`'s scheduling calls: node affinity, then anti-affinity between the pods. */
function affinityOf(pod: ResolvedPod, selector: PodSelector): k8s.Affinity {
  const required = pod.scheduling.nodeAffinity.filter((a) => a.weight === undefined).map((a) => nodeSelectorTermOf(a.node));
  const preferred = pod.scheduling.nodeAffinity.filter((a) => a.weight !== undefined)
    .map((a) => ({ weight: a.weight!, preference: nodeSelectorTermOf(a.node) }));
  return {
    nodeAffinity: required.length + preferred.length > 0 ? {
      preferredDuringSchedulingIgnoredDuringExecution: preferred.length > 0 ? preferred : undefined,
      requiredDuringSchedulingIgnoredDuringExecution: required.length > 0 ? { nodeSelectorTerms: required } : undefined,
    } : undefined,
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: TOPOLOGY.antiAffinityWeight,
        podAffinityTerm: { topologyKey: TOPOLOGY.hostname, labelSelector: { matchLabels: { ...selector.matchLabels } } },
      }],
    },
  };
}

function nodeSelectorTermOf(node: kplus.LabeledNode): k8s.NodeSelectorTerm {
  return { matchExpressions: node.labelSelector.map((q) => q._toKube()) };
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
