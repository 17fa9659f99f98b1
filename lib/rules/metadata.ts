import { ADVISORY, perPod, src, STRICT } from './_helpers';
import { apiGroup, asStringMap, nameOf } from './context';
import { looksSecretToScanners } from '../internal/names';
import { IRule } from './rule';
import { Violation } from './types';

/** Built-in API groups whose alpha and beta versions are deprecated or removed by 1.28. */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io',
  'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io',
  'discovery.k8s.io', 'node.k8s.io', 'certificates.k8s.io', 'events.k8s.io']);

/** The stable apiVersion to move to, by kind. */
const STABLE: { [kind: string]: string } = {
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1', CronJob: 'batch/v1', Job: 'batch/v1',
  Ingress: 'networking.k8s.io/v1', IngressClass: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1', HorizontalPodAutoscaler: 'autoscaling/v2', Role: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1', RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1', PriorityClass: 'scheduling.k8s.io/v1', StorageClass: 'storage.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1', EndpointSlice: 'discovery.k8s.io/v1', RuntimeClass: 'node.k8s.io/v1',
};

/**
 * Objects use stable API versions: no `extensions` group, no alpha or beta version of a
 * built-in group (custom resources keep their own versions).
 *
 * Sources: kube-score stable-version; kube-linter no-extensions-v1beta.
 */
export const stableApiVersion: IRule = {
  id: 'stable-api-version',
  description: 'Built-in objects use stable (GA) API versions',
  sources: src('kube-score:stable-version', 'kube-linter:no-extensions-v1beta'),
  severity: STRICT,
  fix: 'Move the object to its stable apiVersion (e.g. apps/v1, networking.k8s.io/v1, policy/v1, autoscaling/v2)',
  check: (ctx) => ctx.objects.flatMap((o) => {
    const group = apiGroup(o);
    const version = String(o.apiVersion).split('/').pop() ?? '';
    if (group !== 'extensions' && !(BUILT_IN_GROUPS.has(group) && /(alpha|beta)/.test(version))) {
      return [];
    }
    const to = STABLE[o.kind];
    return [{ kubeObject: o, message: `uses ${o.apiVersion}${to ? `; use ${to}` : ''}`, path: 'apiVersion', fix: to ? `Change apiVersion to ${to}` : undefined }];
  }),
};

const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * Workloads and their pods carry the recommended `app.kubernetes.io/name` and
 * `app.kubernetes.io/instance` labels, which dashboards, policies and tools select on.
 *
 * Sources: the Kubernetes recommended labels (our own rule; Polaris metadataAndInstanceMismatched
 * also requires the instance label, see `instance-label-matches-name`).
 */
export const recommendedLabels: IRule = {
  id: 'recommended-labels',
  description: 'Workloads and their pod templates carry app.kubernetes.io/name and app.kubernetes.io/instance',
  sources: src('platform:recommended-labels'),
  severity: ADVISORY,
  opinion: true,
  fix: "Add the labels 'app.kubernetes.io/name' and 'app.kubernetes.io/instance' to the object and its pod template",
  check: (ctx) => perPod(ctx, (w) => {
    const out: { message: string; path: string }[] = [];
    const own = ctx.labelsOf(w.kubeObject);
    const missingOwn = [NAME_LABEL, INSTANCE_LABEL].filter((l) => !own[l]);
    if (missingOwn.length) {
      out.push({ message: `has no label ${missingOwn.join(', ')}`, path: 'metadata.labels' });
    }
    if (w.kubeObject.kind !== 'Pod') {
      const missingPod = [NAME_LABEL, INSTANCE_LABEL].filter((l) => !w.podLabels[l]);
      if (missingPod.length) {
        out.push({ message: `pod template has no label ${missingPod.join(', ')}`, path: `${w.podSpecPath.replace(/\.spec$/, '')}.metadata.labels` });
      }
    }
    return out;
  }),
};

/**
 * The `app.kubernetes.io/instance` label of a controller equals its name.
 *
 * Sources: Polaris metadataAndInstanceMismatched.
 */
export const instanceLabel: IRule = {
  id: 'instance-label-matches-name',
  description: "A workload's app.kubernetes.io/instance label equals its metadata.name",
  sources: src('polaris:metadataAndInstanceMismatched'),
  severity: ADVISORY,
  fix: "Set the label 'app.kubernetes.io/instance' to the object's metadata.name",
  check: (ctx) => perPod(ctx, (w) => {
    const v = ctx.labelsOf(w.kubeObject)[INSTANCE_LABEL];
    return v !== undefined && v !== nameOf(w.kubeObject)
      ? [{ message: `label ${INSTANCE_LABEL} is '${v}', not the name '${nameOf(w.kubeObject)}'`, path: 'metadata.labels' }] : undefined;
  }, (w) => w.kubeObject.kind !== 'Pod'),
};

/**
 * Label values are valid: at most 63 characters, alphanumeric at both ends, with only `-`, `_`
 * and `.` between.
 *
 * Sources: kube-score label-values.
 */
export const labelValues: IRule = {
  id: 'label-values',
  description: 'Label values are valid Kubernetes label values',
  sources: src('kube-score:label-values'),
  severity: STRICT,
  fix: 'Shorten the value to 63 characters and use only letters, digits, -, _ and . (alphanumeric at both ends)',
  check: (ctx) => {
    const out: Violation[] = [];
    const valid = (v: string) => v.length <= 63 && (v === '' || /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v));
    for (const o of ctx.objects) {
      for (const [k, v] of Object.entries(asStringMap(o.metadata?.labels))) {
        if (!valid(v)) out.push({ kubeObject: o, message: `label '${k}' has invalid value '${v}'`, path: 'metadata.labels' });
      }
      const w = ctx.workloadOf(o);
      if (w && o.kind !== 'Pod') {
        for (const [k, v] of Object.entries(w.podLabels)) {
          if (!valid(v)) out.push({ kubeObject: o, message: `pod template label '${k}' has invalid value '${v}'`, path: 'metadata.labels' });
        }
      }
    }
    return out;
  },
};

/**
 * ConfigMaps hold no secret material (keys that name secrets, private keys in values).
 *
 * Sources: Polaris sensitiveConfigmapContent.
 */
export const configMapSecrets: IRule = {
  id: 'no-secrets-in-configmap',
  description: 'ConfigMaps hold no plaintext secret material',
  sources: src('polaris:sensitiveConfigmapContent'),
  severity: STRICT,
  fix: 'Move the entry into a Secret (ideally synced by an ExternalSecret) and reference it from there',
  check: (ctx) => ctx.ofKind('ConfigMap').flatMap((cm) => Object.entries(asStringMap(cm.data))
    .filter(([k, v]) => looksSecretToScanners(k, v))
    .map(([k]) => ({ kubeObject: cm, message: `key '${k}' looks like secret material`, path: `data.${k}` }))),
};

/** Every metadata rule, in report order. */
export const METADATA_RULES: readonly IRule[] = [stableApiVersion, recommendedLabels, instanceLabel, labelValues, configMapSecrets];

