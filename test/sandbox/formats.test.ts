import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../packages/sandbox/src/human-duration.js';
import { normalizeMicroTime } from '../../packages/sandbox/src/micro-time.js';
import { humanDurationCases } from '../fixtures/human-duration.js';

describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each(humanDurationCases)('$go ($ms ms) → $want', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want);
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
