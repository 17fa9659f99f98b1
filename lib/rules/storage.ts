import { ADVISORY, perPod, src, STRICT } from './_helpers';
import { apiGroup, asArray, asObject, asStringMap, mapSelectorMatches } from './context';
import { IRule } from './rule';
import { Violation } from './types';

/**
 * The headless Service a StatefulSet names selects the StatefulSet's pods, so that each pod gets its DNS name.
 * (Whether the Service exists and is headless is `statefulset-service-name`.)
 *
 * Sources: kube-score statefulset-has-servicename.
 */
export const statefulSetServiceSelectsPods: IRule = {
  id: 'statefulset-service-selects-pods',
  description: "The headless Service of a StatefulSet selects the StatefulSet's pods",
  sources: src('kube-score:statefulset-has-servicename'),
  severity: STRICT,
  fix: "Give the Service named by spec.serviceName a selector that matches the StatefulSet's pod template labels",
  check: (ctx) => perPod(ctx, (w) => {
    const name = asObject(w.kubeObject.spec).serviceName;
    const svc = typeof name === 'string' && name !== '' ? ctx.find('Service', name, w.namespaceName) : undefined;
    if (svc === undefined || asObject(svc.spec).clusterIP !== 'None') {
      return undefined;
    }
    const selector = asStringMap(asObject(svc.spec).selector);
    return Object.keys(selector).length > 0 && mapSelectorMatches(selector, w.podLabels) ? undefined
      : [{ message: `headless Service '${name}' does not select the StatefulSet's pods`, path: 'spec.serviceName' }];
  }, (w) => w.kubeObject.kind === 'StatefulSet'),
};

/**
 * StatefulSets with claim templates keep their claims when deleted or scaled down, and say so explicitly: an
 * Argo CD prune or a scale-down must never delete data.
 *
 * Sources: our opinion (platform).
 */
export const statefulSetClaimRetention: IRule = {
  id: 'statefulset-pvc-retention',
  description: 'StatefulSets with claim templates set persistentVolumeClaimRetentionPolicy to Retain on delete and on scale-down',
  sources: src('platform:statefulset-pvc-retention'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Set spec.persistentVolumeClaimRetentionPolicy to { whenDeleted: Retain, whenScaled: Retain }',
  check: (ctx) => perPod(ctx, (w) => {
    const spec = asObject(w.kubeObject.spec);
    if (asArray(spec.volumeClaimTemplates).length === 0) {
      return undefined;
    }
    const policy = asObject(spec.persistentVolumeClaimRetentionPolicy);
    const out: Array<{ message: string; path: string }> = [];
    for (const field of ['whenDeleted', 'whenScaled']) {
      if (policy[field] !== 'Retain') {
        out.push({ message: `${field} is ${policy[field] === undefined ? 'not set' : String(policy[field])}, not Retain`,
          path: `spec.persistentVolumeClaimRetentionPolicy.${field}` });
      }
    }
    return out;
  }, (w) => w.kubeObject.kind === 'StatefulSet'),
};

/**
 * PersistentVolumeClaims and claim templates name their StorageClass, so that no data lands on whatever class the
 * cluster marks as default (often `Delete` and unencrypted).
 *
 * Sources: our opinion (platform).
 */
export const claimStorageClass: IRule = {
  id: 'pvc-storage-class',
  description: 'PersistentVolumeClaims and StatefulSet claim templates set storageClassName explicitly',
  sources: src('platform:pvc-storage-class'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Set spec.storageClassName to a StorageClass with reclaimPolicy Retain and encryption',
  check: (ctx) => {
    const out: Violation[] = [];
    for (const pvc of ctx.ofKind('PersistentVolumeClaim')) {
      if (asObject(pvc.spec).storageClassName === undefined) {
        out.push({ kubeObject: pvc, message: 'sets no storageClassName, so it gets the cluster default class', path: 'spec.storageClassName' });
      }
    }
    for (const sts of ctx.ofKind('StatefulSet')) {
      asArray(asObject(sts.spec).volumeClaimTemplates).forEach((t, i) => {
        if (asObject(asObject(t).spec).storageClassName === undefined) {
          const name = String(asObject(asObject(t).metadata).name ?? i);
          out.push({ kubeObject: sts, message: `claim template '${name}' sets no storageClassName, so it gets the cluster default class`,
            path: `spec.volumeClaimTemplates[${i}].spec.storageClassName` });
        }
      });
    }
    return out;
  },
};

/**
 * No Secret carries its values in the manifest: manifests end up in Git and CI logs. Secrets come from a secret
 * manager (External Secrets) or are sealed (Sealed Secrets).
 *
 * Sources: our opinion (platform); Kubernetes "Good practices for Kubernetes Secrets".
 */
export const noPlainSecretData: IRule = {
  id: 'no-plain-secret-data',
  description: 'Secrets in manifests carry no data or stringData',
  sources: src('platform:no-plain-secret-data'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Write the Secret from a secret manager with an ExternalSecret (ExternalSecretRef) or seal it (SealedSecretRef)',
  check: (ctx) => ctx.ofKind('Secret').filter((s) => apiGroup(s) === '').flatMap((s) => ['data', 'stringData']
    .filter((field) => Object.keys(asStringMap(s[field])).length > 0)
    .map((field) => ({ kubeObject: s, message: `carries ${field} in plain text in the manifest`, path: field }))),
};

/** Every storage and secret rule, in report order. */
export const STORAGE_RULES: readonly IRule[] = [statefulSetServiceSelectsPods, statefulSetClaimRetention, claimStorageClass, noPlainSecretData];
