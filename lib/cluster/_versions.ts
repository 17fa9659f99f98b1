import { MAX_CONTROL_PLANE_STEP, MAX_KUBELET_SKEW, SUPPORTED_MINORS } from './defaults';
import { PropErrors } from '../internal/errors';

/**
 * A Kubernetes release: `vMAJOR.MINOR.PATCH` (what the KubeadmControlPlane webhook accepts: a leading `v`, semver).
 *
 * @internal
 */
export interface KubeVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Parses `v1.31.4`; undefined when it is not a Kubernetes version. @internal */
export function parseKubeVersion(text: unknown): KubeVersion | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  const m = VERSION.exec(text);
  if (m === null) {
    return undefined;
  }
  return { text, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Negative, 0 or positive, as `a` is older than, the same release as, or newer than `b` (pre-releases ignored). @internal */
export function compareVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor !== b.minor ? a.minor - b.minor : a.patch - b.patch;
}

/**
 * Checks a version prop: syntax and the minors Cluster API supports. Returns it parsed when it is usable.
 *
 * @internal
 */
export function checkVersion(errors: PropErrors, prop: string, value: string | undefined): KubeVersion | undefined {
  if (value === undefined) {
    return undefined;
  }
  const v = parseKubeVersion(value);
  if (v === undefined) {
    errors.add(prop, value, 'is not a Kubernetes version', "write 'vMAJOR.MINOR.PATCH' with the leading 'v', e.g. 'v1.33.4'");
    return undefined;
  }
  if (v.major !== 1 || v.minor < SUPPORTED_MINORS.min || v.minor > SUPPORTED_MINORS.max) {
    errors.add(prop, value, `is outside the Kubernetes minors Cluster API v1.14 supports (v1.${SUPPORTED_MINORS.min} to v1.${SUPPORTED_MINORS.max})`,
      `use a release from v1.${SUPPORTED_MINORS.min}.0 to v1.${SUPPORTED_MINORS.max}.x`);
    return undefined;
  }
  return v;
}

/**
 * The version skew checks: a pool never newer than the control plane, at most 3 minors older (kubelet skew since
 * Kubernetes 1.28), and the control plane upgraded one minor at a time from the recorded previous version (no
 * downgrade either: Cluster API does not support one).
 *
 * @internal
 */
export function checkSkew(errors: PropErrors, controlPlane: KubeVersion, previous: KubeVersion | undefined,
  pools: { prop: string; version: KubeVersion }[]): void {
  if (previous !== undefined) {
    errors.check(compareVersions(controlPlane, previous) < 0, 'version', controlPlane.text,
      `is older than 'previousVersion' (${previous.text}), and Cluster API does not support downgrades`,
      'roll forward to a newer patch, or restore from the etcd snapshot taken before the upgrade');
    errors.check(controlPlane.major === previous.major && controlPlane.minor - previous.minor > MAX_CONTROL_PLANE_STEP, 'version', controlPlane.text,
      `skips ${controlPlane.minor - previous.minor - 1} minor(s) after 'previousVersion' (${previous.text}); the control plane is upgraded one minor at a time`,
      `upgrade to v${previous.major}.${previous.minor + 1}.x first, then record it as 'previousVersion'`);
  }
  for (const pool of pools) {
    const newer = compareVersions(pool.version, controlPlane) > 0;
    errors.check(newer, pool.prop, pool.version.text, `is newer than the control plane (${controlPlane.text}); kubelet must never be newer than kube-apiserver`,
      `upgrade the control plane first, or set the pool to ${controlPlane.text} or older`);
    const behind = controlPlane.minor - pool.version.minor;
    errors.check(!newer && behind > MAX_KUBELET_SKEW, pool.prop, pool.version.text,
      `is ${behind} minors older than the control plane (${controlPlane.text}); kubelet may be at most ${MAX_KUBELET_SKEW} minors older`,
      `upgrade the pool to v1.${controlPlane.minor - MAX_KUBELET_SKEW}.x or newer before upgrading the control plane further`);
  }
}
