import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../packages/sandbox/src/human-duration.js';
import { normalizeMicroTime } from '../../packages/sandbox/src/micro-time.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each([
    [-2 * s, '<invalid>'], [-1.5 * s, '0s'], [0, '0s'], [45 * s, '45s'], [119 * s, '119s'], [2 * m, '2m'], [5 * m + 33 * s, '5m33s'],
    [9 * m + 59 * s, '9m59s'], [10 * m + 30 * s, '10m'], [179 * m, '179m'], [3 * h, '3h'], [3 * h + 59 * m, '3h59m'], [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'], [47 * h, '47h'], [2 * d, '2d'], [2 * d + 3 * h, '2d3h'], [7 * d + 23 * h, '7d23h'], [8 * d, '8d'], [729 * d, '729d'],
    [730 * d, '2y'], [735 * d, '2y5d'], [8 * 365 * d, '8y'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('MicroTime decoding (Go time.Parse with RFC3339Micro)', () => {
  it.each([
    ['2023-07-04T21:58:48.065888Z', '2023-07-04T21:58:48.065888Z'],
    ['2023-07-04T23:58:48.065888+02:00', '2023-07-04T21:58:48.065888Z'],
    ['2023-07-04T20:58:48.065888-01:00', '2023-07-04T21:58:48.065888Z'],
    ['2023-07-04T9:58:48.000000Z', '2023-07-04T09:58:48.000000Z'],
  ])('%s → %s', (input, output) => {
    expect(normalizeMicroTime(input)).toBe(output);
  });

  const layout = '"2006-01-02T15:04:05.000000Z07:00"';
  it.each([
    ['2023-07-04T21:58:48Z', `parsing time "2023-07-04T21:58:48Z" as ${layout}: cannot parse "Z" as ".000000"`],
    ['2023-07-04T21:58:48.065Z', `parsing time "2023-07-04T21:58:48.065Z" as ${layout}: cannot parse ".065Z" as ".000000"`],
    ['2023-07-04T21:58:48.065888123Z', `parsing time "2023-07-04T21:58:48.065888123Z" as ${layout}: cannot parse "123Z" as "Z07:00"`],
    ['2023-07-04 21:58:48.065888Z', `parsing time "2023-07-04 21:58:48.065888Z" as ${layout}: cannot parse " 21:58:48.065888Z" as "T"`],
    ['', `parsing time "" as ${layout}: cannot parse "" as "2006"`],
    ['2023-13-04T21:58:48.065888Z', 'parsing time "2023-13-04T21:58:48.065888Z": month out of range'],
    ['2023-02-30T21:58:48.065888Z', 'parsing time "2023-02-30T21:58:48.065888Z": day out of range'],
    ['2023-07-04T21:58:48.065888Zjunk', 'parsing time "2023-07-04T21:58:48.065888Zjunk": extra text: "junk"'],
  ])('rejects %j', (input, message) => {
    expect(() => normalizeMicroTime(input)).toThrow(message);
  });
});
