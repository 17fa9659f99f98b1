import { Duration } from 'cdk8s';

// Durations as the controllers of custom resources read them: Go's `time.ParseDuration` syntax (`1h`, `90s`,
// `720h0m0s`, `1h2m3s4ms`), and Prometheus's, which adds days (`15d`). Several writers, on purpose: each keeps the
// form its readers see elsewhere (the upstream docs, the controller's own output), and changing one changes the
// synthesized output. Every Go form here parses back to the same duration with `time.ParseDuration`.

/**
 * A Duration of whole seconds in one unit, the largest that is exact: `1h`, `90m`, `45s`.
 *
 * Used by FluxEnvironmentSync (GitRepository and Kustomization `interval`, `retryInterval`, `timeout`): the Flux
 * docs write these fields so (`interval: 60m`, `retryInterval: 2m`), so the manifests read like the docs.
 *
 * @throws when the Duration is not a whole number of seconds (cdk8s's `toSeconds()`)
 * @internal
 */
export function goDurationInLargestUnit(duration: Duration): string {
  return inLargestUnit(duration.toSeconds(), GO_UNITS);
}

/**
 * A Duration of whole seconds as a Prometheus duration in one unit, the largest that is exact: `15d`, `6h`, `90s`.
 * Prometheus's syntax has a day unit, which Go's has not.
 *
 * Used by ObservabilityStack for the Prometheus `retention`, which the Prometheus docs write in days (`15d`).
 *
 * @throws when the Duration is not a whole number of seconds (cdk8s's `toSeconds()`)
 * @internal
 */
export function prometheusDuration(duration: Duration): string {
  return inLargestUnit(duration.toSeconds(), PROMETHEUS_UNITS);
}

/** Units of one-unit durations, largest first, in seconds; seconds (`s`) is the last resort of both. */
const GO_UNITS: ReadonlyArray<readonly [string, number]> = [['h', 3600], ['m', 60]];
const PROMETHEUS_UNITS: ReadonlyArray<readonly [string, number]> = [['d', 86400], ...GO_UNITS];

function inLargestUnit(seconds: number, units: ReadonlyArray<readonly [string, number]>): string {
  for (const [unit, size] of units) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * A Duration of whole seconds with all three of hours, minutes and seconds, zeros included: `720h0m0s`, `0h10m0s`.
 *
 * Used by the storage constructs for Velero (a Backup's and a Schedule's `ttl`, and, in PreUpgradeBackup, the wait
 * `interval` and `timeout`): at an hour or more it is exactly what Go's `time.Duration.String()` prints, so a ttl
 * reads as Velero prints it back (`velero get backup`) and as the Velero docs write it (`ttl: 720h0m0s`).
 *
 * @throws when the Duration is not a whole number of seconds (cdk8s's `toSeconds()`)
 * @internal
 */
export function goDurationHoursMinutesSeconds(duration: Duration): string {
  const total = duration.toSeconds();
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}h${m}m${s}s`;
}

/**
 * A Duration as the Gateway API writes one (`1h2m3s4ms`: the non-zero parts of hours, minutes, seconds and
 * milliseconds, each at most five digits; `0s` for zero), or undefined when it cannot be written so (not a whole
 * number of milliseconds, negative, or 100000 hours or more).
 *
 * Used by ProductionHttpRoute (`timeouts.request`, `timeouts.backendRequest`), whose values are "a Gateway API
 * Duration string as defined by GEP-2257" (the HTTPRoute CRD's field docs): a subset of Go's syntax, which is why
 * it is written here and not with one of the Go writers above.
 *
 * @internal
 */
export function gatewayDuration(duration: Duration): string | undefined {
  const ms = duration.toMilliseconds();
  if (!Number.isInteger(ms) || ms < 0) {
    return undefined;
  }
  if (ms === 0) {
    return '0s';
  }
  const parts: Array<[number, string]> = [
    [Math.floor(ms / 3_600_000), 'h'], [Math.floor(ms / 60_000) % 60, 'm'], [Math.floor(ms / 1000) % 60, 's'], [ms % 1000, 'ms'],
  ];
  if (parts[0][0] > 99999) {
    return undefined;
  }
  return parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join('');
}
