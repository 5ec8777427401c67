import { describe, expect, it } from 'vitest';
import {
  InvalidDurationError,
  formatDuration,
  formatMicroTime,
  parseDuration,
  parseKubeTime,
} from '../../src/lease/time.js';
import { humanDurationCases } from '../fixtures/human-duration.js';
import { humanDuration } from '../../src/printers/human-duration.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('humanDuration matches apimachinery duration.HumanDuration at every boundary', () => {
  it.each(humanDurationCases)('$go ($ms ms) → $want', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('parseDuration accepts what Go time.ParseDuration accepts (non-negative)', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['2h', 7_200_000],
    ['500ms', 500],
    ['1.5s', 1_500],
    ['1.1s', 1_100],
    ['.5s', 500],
    ['1.s', 1_000],
    ['0', 0],
    ['0s', 0],
    ['+15s', 15_000],
    ['90s', 90_000],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['1500μs', 1.5],
    ['2000000ns', 2],
    ['1h1h', 7_200_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '3x',
    '1',
    '15',
    '-1s',
    '-0',
    's',
    '.s',
    '1.5.5s',
    '1 s',
    ' 1s',
    '1S',
    '1d',
    '1h-2m',
    '+',
    '2562047h48m', // overflows Go's int64 nanoseconds
  ])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
  });

  it('names the bad value and an example in its message', () => {
    expect(() => parseDuration('3x')).toThrowError(
      /^invalid duration "3x": expected a duration such as 15s, 1m30s or 500ms$/,
    );
    expect(new InvalidDurationError('3x')).toBeInstanceOf(Error);
  });
});

describe('formatDuration prints the shortest Go-parsable form', () => {
  it.each([
    [0, '0s'],
    [15_000, '15s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [3_723_000, '1h2m3s'],
    [3_603_000, '1h3s'],
    [1_500, '1.5s'],
    [61_250, '1m1.25s'],
    [500, '500ms'],
    [1.5, '1.5ms'],
    [0.25, '250µs'],
    [0.000001, '1ns'],
    [-90_000, '-1m30s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([0, 1, 500, 1_000, 1_100, 59_999, 90_000, 3_723_456, 7 * DAY + 1])('round-trips %d ms', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('MicroTime and metav1.Time', () => {
  const instant = Date.UTC(2023, 6, 4, 21, 58, 48, 65);

  it('formats MicroTime in UTC with exactly six fractional digits', () => {
    expect(formatMicroTime(instant)).toBe('2023-07-04T21:58:48.065000Z');
    expect(formatMicroTime(Date.UTC(2023, 6, 4, 21, 58, 48))).toBe('2023-07-04T21:58:48.000000Z');
    expect(formatMicroTime(0)).toBe('1970-01-01T00:00:00.000000Z');
  });

  it.each([
    ['2023-07-04T21:58:48.065888Z', instant],
    ['2023-07-04T21:58:48.065000Z', instant],
    ['2023-07-04T21:58:48.065Z', instant],
    ['2023-07-04T21:58:48.065888123Z', instant],
    ['2023-07-04T21:58:48.0659999999999Z', instant],
    ['2023-07-04T21:58:48.06Z', instant - 5],
    ['2023-07-04T21:58:48.1Z', instant + 35],
    ['2023-07-04T21:58:48Z', instant - 65],
    ['2023-07-04T23:58:48.065888+02:00', instant],
    ['2023-07-04T16:28:48.065888-05:30', instant],
    ['2023-07-04T21:58:48.065888+00:00', instant],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000],
    ['0050-06-01T00:00:00Z', -60_576_249_600_000],
  ])('parses %s', (text, ms) => {
    expect(parseKubeTime(text)).toBe(ms);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['2023-07-04'],
    ['2023-07-04 21:58:48Z'],
    ['2023-07-04t21:58:48Z'],
    ['2023-07-04T21:58:48'],
    ['2023-07-04T21:58:48z'],
    ['2023-07-04T21:58:48.Z'],
    ['2023-07-04T21:58:48+0200'],
    ['2023-07-04T21:58:48+24:00'],
    ['2023-13-01T00:00:00Z'],
    ['2023-02-29T00:00:00Z'],
    ['2023-04-31T00:00:00Z'],
    ['2023-07-04T24:00:00Z'],
    ['2023-07-04T21:60:00Z'],
    ['2023-07-04T21:58:60Z'],
    ['yesterday'],
  ])('rejects %j', (text) => {
    expect(parseKubeTime(text)).toBeUndefined();
  });

  it('round-trips through MicroTime', () => {
    expect(parseKubeTime(formatMicroTime(instant))).toBe(instant);
  });
});
