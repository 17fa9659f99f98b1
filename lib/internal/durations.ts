import { Duration } from 'cdk8s';

// Durations written in Go's `time.ParseDuration` syntax (`1h`, `90s`, `720h0m0s`, `1h2m3s4ms`), for the custom
// resources whose controllers are written in Go. Three writers, on purpose: each keeps the form its readers see
// elsewhere (the upstream docs, the controller's own output), and changing one changes the synthesized output.
// Every form here parses back to the same duration with `time.ParseDuration`.

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
  const s = duration.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
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
