import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { gatewayDuration, goDurationHoursMinutesSeconds, goDurationInLargestUnit, prometheusDuration } from '../../lib/internal/durations';

// The duration writers keep different forms on purpose (see lib/internal/durations.ts); each must be read back
// as the same duration (by Go's time.ParseDuration, for the Go forms).

/** Nanoseconds per unit, as Go's time.ParseDuration knows them. */
const UNIT_NANOS: { [unit: string]: bigint } = {
  'ns': 1n, 'us': 1_000n, 'µs': 1_000n, 'μs': 1_000n, 'ms': 1_000_000n, 's': 1_000_000_000n, 'm': 60_000_000_000n, 'h': 3_600_000_000_000n,
};

/**
 * A reading of Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers (with an optional
 * fraction), each with a unit; a lone `0` is allowed. Returns nanoseconds, or undefined where Go returns an error.
 */
function parseGoDuration(text: string): bigint | undefined {
  const body = text.replace(/^[-+]/, '');
  const negative = text.startsWith('-');
  if (body === '0') {
    return 0n;
  }
  const part = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const m = part.exec(body);
    if (m === null || (m[1] === '' && (m[2] ?? '') === '')) {
      return undefined;
    }
    const unit = UNIT_NANOS[m[3]];
    const fraction = m[2] ?? '';
    // Go keeps the fraction's nanoseconds and drops what is finer.
    total += BigInt(m[1] || '0') * unit + (BigInt(fraction || '0') * unit) / 10n ** BigInt(fraction.length);
    at = part.lastIndex;
  }
  return body === '' ? undefined : negative ? -total : total;
}

/**
 * Writes whole seconds from 0 to about 115 days with `write`, checks that Go reads back the same duration, and
 * hands the text to `form` for the writer's own form.
 */
function forEverySecondCount(write: (duration: Duration) => string, form: (text: string, seconds: number) => void): void {
  fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
    const text = write(Duration.seconds(seconds));
    expect(parseGoDuration(text)).toBe(BigInt(seconds) * 1_000_000_000n);
    form(text, seconds);
  }));
}

/** The Gateway API Duration pattern (GEP-2257). */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

describe('the parser of the test itself reads Go durations as Go does', () => {
  test.each([
    ['1h', 3_600_000_000_000n], ['1h30m', 5_400_000_000_000n], ['1.5h', 5_400_000_000_000n], ['300ms', 300_000_000n],
    ['-1.5s', -1_500_000_000n], ['2h45m10s5ms', 9_910_005_000_000n], ['0', 0n], ['0s', 0n], ['1µs', 1_000n],
  ])('%s', (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  test.each(['', '1', 'h', '1d', '1h ', '.s', '1hh'])('refuses %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('goDurationInLargestUnit (Flux intervals and timeouts)', () => {
  test.each([
    [3600, '1h'], [5400, '90m'], [90, '90s'], [60, '1m'], [86_400, '24h'], [120, '2m'], [3601, '3601s'],
  ])('%ds is written %s', (seconds, text) => {
    expect(goDurationInLargestUnit(Duration.seconds(seconds))).toBe(text);
  });

  test('writes one number and the largest unit that is exact, and Go reads back the same seconds', () => {
    forEverySecondCount(goDurationInLargestUnit, (text, seconds) => {
      const [, , unit] = /^(\d+)(h|m|s)$/.exec(text)!;
      expect(unit).toBe(seconds % 3600 === 0 ? 'h' : seconds % 60 === 0 ? 'm' : 's');
    });
  });
});

describe('goDurationHoursMinutesSeconds (Velero ttl and waits)', () => {
  test.each([
    [30 * 86_400, '720h0m0s'], [14 * 86_400, '336h0m0s'], [600, '0h10m0s'], [3661, '1h1m1s'], [0, '0h0m0s'],
  ])('%ds is written %s', (seconds, text) => {
    expect(goDurationHoursMinutesSeconds(Duration.seconds(seconds))).toBe(text);
  });

  test('writes hours, minutes under 60 and seconds under 60, and Go reads back the same seconds', () => {
    forEverySecondCount(goDurationHoursMinutesSeconds, (text) => {
      const [, , minutes, secs] = /^(\d+)h(\d+)m(\d+)s$/.exec(text)!.map(Number);
      expect(minutes).toBeLessThan(60);
      expect(secs).toBeLessThan(60);
    });
  });
});

describe('prometheusDuration (Prometheus retention)', () => {
  test.each([
    [15 * 86_400, '15d'], [86_400, '1d'], [90_000, '25h'], [3600, '1h'], [5400, '90m'], [90, '90s'],
  ])('%ds is written %s', (seconds, text) => {
    expect(prometheusDuration(Duration.seconds(seconds))).toBe(text);
  });

  test('writes one number and the largest exact unit of d, h, m, s, which reads back as the same seconds', () => {
    const unitSeconds: { [unit: string]: number } = { d: 86_400, h: 3600, m: 60, s: 1 };
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
      const [, count, unit] = /^(\d+)(d|h|m|s)$/.exec(prometheusDuration(Duration.seconds(seconds)))!;
      expect(Number(count) * unitSeconds[unit]).toBe(seconds);
      expect(unit).toBe(seconds % 86_400 === 0 ? 'd' : seconds % 3600 === 0 ? 'h' : seconds % 60 === 0 ? 'm' : 's');
    }));
  });
});

describe('gatewayDuration (HTTPRoute timeouts)', () => {
  test.each([
    [0, '0s'], [30_000, '30s'], [3_723_004, '1h2m3s4ms'], [1500, '1s500ms'], [99_999 * 3_600_000, '99999h'],
  ])('%dms is written %s', (millis, text) => {
    expect(gatewayDuration(Duration.millis(millis))).toBe(text);
  });

  test('a duration of 100000 hours or more cannot be written', () => {
    expect(gatewayDuration(Duration.hours(100_000))).toBeUndefined();
  });

  test('writes the GEP-2257 form, and Go reads back the same milliseconds', () => {
    const maxMillis = 100_000 * 3_600_000 - 1;
    fc.assert(fc.property(fc.integer({ min: 0, max: maxMillis }), (millis) => {
      const text = gatewayDuration(Duration.millis(millis))!;
      expect(text).toMatch(GATEWAY_DURATION);
      expect(parseGoDuration(text)).toBe(BigInt(millis) * 1_000_000n);
    }));
  });
});
