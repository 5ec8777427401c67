import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { requestTimeoutArgument, timerDurationArgument } from '../../src/commands/options.js';

describe('duration flags that become timers', () => {
  it('accept Go durations and kubectl\'s bare seconds for --request-timeout', () => {
    expect(requestTimeoutArgument('5')).toBe(5000);
    expect(requestTimeoutArgument('1m30s')).toBe(90_000);
    expect(requestTimeoutArgument('0')).toBe(0);
    expect(timerDurationArgument('596h31m23s')).toBe(2_147_483_000);
  });

  it('refuse what a Node.js timer cannot hold, instead of firing at once', () => {
    expect(() => timerDurationArgument('600h')).toThrow(InvalidArgumentError);
    expect(() => requestTimeoutArgument('99999999')).toThrow(/^must be at most 596h31m23s \(the longest timer Node.js can set\)$/);
    expect(() => requestTimeoutArgument('soon')).toThrow(/invalid duration "soon"/);
  });
});
