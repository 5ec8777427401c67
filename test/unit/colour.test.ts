import { describe, expect, it } from 'vitest';
import { allowsColor, colourer } from '../../src/printers/colour.js';
import { chooseOutput, createLeasePrinter } from '../../src/printers/index.js';
import { textCapture } from '../support/streams.js';

describe('colour follows kubectl\'s rule', () => {
  it('only on a terminal, never with NO_COLOR (any value), TERM=dumb or --no-color', () => {
    expect(allowsColor({ isTTY: true }, { TERM: 'xterm-256color' }, true)).toBe(true);
    expect(allowsColor({ isTTY: false }, { TERM: 'xterm-256color' }, true)).toBe(false);
    expect(allowsColor({ isTTY: true }, { NO_COLOR: '' }, true)).toBe(false);
    expect(allowsColor({ isTTY: true }, { TERM: 'dumb' }, true)).toBe(false);
    expect(allowsColor({ isTTY: true }, {}, false)).toBe(false);
  });

  it('an expired lease is red and a released one dim; a held one stays plain', async () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const lease = (name: string, holder: string, renewTime: string) => ({
      metadata: { name, creationTimestamp: '2026-11-23T11:00:00Z' },
      spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime },
    });
    const out = textCapture(true);
    const printer = await createLeasePrinter({
      out,
      output: await chooseOutput(undefined, { showManagedFields: false }),
      withNamespace: false,
      noHeaders: true,
      chalk: await colourer(true),
      singleObject: false,
      streaming: false,
      now: () => now,
    });
    printer.print([
      lease('held', 'a', '2026-11-23T11:59:59.000000Z'),
      lease('expired', 'b', '2026-11-23T11:00:00.000000Z'),
      lease('released', '', '2026-11-23T11:59:59.000000Z'),
    ]);
    const [held, expired, released] = out.text.split('\n');
    expect(held).not.toContain('\u001b[');
    expect(expired).toContain('\u001b[31mexpired');
    expect(released).toContain('\u001b[2mreleased');
    expect(await colourer(false)).toBeUndefined();
  });
});
