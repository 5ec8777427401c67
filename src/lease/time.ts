// Kubernetes timestamps and durations, converted exactly as the apiserver, kubectl and Go's time package do.
// Everything here is pure: instants are epoch milliseconds passed in by the caller.

/**
 * metav1.MicroTime as the apiserver writes and demands it: UTC with exactly six fractional digits.
 * The apiserver rejects JS's three-digit `toISOString()` form, so the milliseconds are padded with `000`.
 */
export function formatMicroTime(epochMs: number): string {
  const iso = new Date(Math.floor(epochMs)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}000Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an RFC 3339 timestamp as Go's `time.Parse(time.RFC3339, …)` accepts it: MicroTime, metav1.Time or
 * any fraction length, `Z` or a `±HH:MM` offset. Sub-millisecond digits are truncated. Undefined when absent or
 * not a valid instant (including out-of-range fields like month 13 or Feb 30, which Go rejects).
 */
export function parseKubeTime(text: string | null | undefined): number | undefined {
  if (text == null) return undefined;
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHour, offsetMinute] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;

  let offsetMs = 0;
  if (!zulu) {
    const oh = Number(offsetHour);
    const om = Number(offsetMinute);
    if (oh > 23 || om > 59) return undefined;
    offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const millis = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;

  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const instant = new Date(0);
  instant.setUTCFullYear(y, mo - 1, d);
  instant.setUTCHours(h, mi, s, millis);
  return instant.getTime() - offsetMs;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** A duration flag value that Go's `time.ParseDuration` would not accept, or a negative one. */
export class InvalidDurationError extends Error {
  readonly text: string;

  constructor(text: string) {
    super(`invalid duration ${JSON.stringify(text)}: expected a duration such as 15s, 1m30s or 500ms`);
    this.name = 'InvalidDurationError';
    this.text = text;
  }
}

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu; Go accepts both
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const DURATION_TERM = /(\d*)(?:\.(\d*))?([^\d.]+)/y;
const MAX_DURATION_NANOS = 2n ** 63n - 1n; // Go's time.Duration is an int64 of nanoseconds

/**
 * Milliseconds of a Go duration string (`15s`, `1m30s`, `1.5s`, `500ms`, `2h`, bare `0`). Negative durations are
 * rejected because every leasectl duration is a length of time. Exact to the nanosecond: terms are summed as
 * integers so `1.1s` is 1100 ms, not 1100.0000000000002.
 */
export function parseDuration(text: string): number {
  const unsigned = text.startsWith('+') ? text.slice(1) : text;
  if (unsigned === '0') return 0;
  if (unsigned === '') throw new InvalidDurationError(text);

  let nanos = 0n;
  DURATION_TERM.lastIndex = 0;
  while (DURATION_TERM.lastIndex < unsigned.length) {
    const start = DURATION_TERM.lastIndex;
    const term = DURATION_TERM.exec(unsigned);
    if (!term || term.index !== start) throw new InvalidDurationError(text);
    const [, whole = '', fraction = '', unit = ''] = term;
    const unitNanos = NANOS_PER_UNIT.get(unit);
    if (unitNanos === undefined || (whole === '' && fraction === '')) throw new InvalidDurationError(text);
    const scale = 10n ** BigInt(fraction.length);
    nanos += BigInt(whole || '0') * unitNanos + (BigInt(fraction || '0') * unitNanos) / scale;
    if (nanos > MAX_DURATION_NANOS) throw new InvalidDurationError(text);
  }
  return nanosToMs(nanos);
}

/** Split so the whole milliseconds stay exact beyond 2^53 ns (about 104 days). */
function nanosToMs(nanos: bigint): number {
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}

function msToNanos(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/** A bound a duration flag must keep, and why it exists. */
export interface DurationLimit {
  /** `--wait`; left out where the caller already names the flag (a commander argument parser). */
  flag?: string;
  /** `at most 596h31m23s`, `more than 0s`, `a whole number of seconds, at least 1s`. */
  bound: string;
  reason: string;
  /** What was given; left out where the caller already shows it. */
  gotMs?: number;
}

/**
 * The one wording of a duration flag outside its limits, for every such flag:
 * `--lease-duration must be at most 596523h14m7s (leaseDurationSeconds is a 32-bit integer), got 600000h`.
 */
export function durationLimitMessage(limit: DurationLimit): string {
  const got = limit.gotMs === undefined ? '' : `, got ${formatDuration(limit.gotMs)}`;
  return `${limit.flag ? `${limit.flag} ` : ''}must be ${limit.bound} (${limit.reason})${got}`;
}

/**
 * The shortest Go-parsable spelling of a duration: `1h`, `1h2m3s`, `1m30s`, `1.5s`, `500ms`, `0s`. Unlike Go's
 * `Duration.String` (`1h0m0s`), zero components are left out. `parseDuration(formatDuration(ms)) === ms`.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const nanos = msToNanos(ms);
  if (nanos === 0n) return '0s';
  if (nanos < 1_000n) return `${nanos}ns`;
  if (nanos < 1_000_000n) return `${decimal(nanos, 1_000n)}µs`;
  if (nanos < 1_000_000_000n) return `${decimal(nanos, 1_000_000n)}ms`;

  const hours = nanos / 3_600_000_000_000n;
  const minutes = (nanos / 60_000_000_000n) % 60n;
  const secondNanos = nanos % 60_000_000_000n;
  return [
    hours > 0n ? `${hours}h` : '',
    minutes > 0n ? `${minutes}m` : '',
    secondNanos > 0n ? `${decimal(secondNanos, 1_000_000_000n)}s` : '',
  ].join('');
}

/** `value / unit` as a decimal without trailing zeros, e.g. (1_500n, 1_000n) → `1.5`. */
function decimal(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const digits = unit.toString().length - 1;
  const fraction = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction === '' ? `${whole}` : `${whole}.${fraction}`;
}
