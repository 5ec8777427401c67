import { describe, expect, it } from 'vitest';
import { escapeCell, escapeTerminal } from '../../src/printers/index.js';

describe('escapeTerminal', () => {
  it('shows every C0 control, DEL and C1 control as visible text, and keeps the rest', () => {
    expect(escapeTerminal('a\u001b]0;title\u0007b')).toBe('a^[]0;title^Gb');
    expect(escapeTerminal('one\r\ntwo\tthree\u0000')).toBe('one^M^Jtwo^Ithree^@');
    expect(escapeTerminal('del\u007f csi\u009b31m osc\u009d')).toBe('del^? csi\\u009b31m osc\\u009d');
    expect(escapeTerminal('名前 🙂 café')).toBe('名前 🙂 café');
  });

  it('changes nothing when applied twice', () => {
    const once = escapeTerminal('x\u001b[2J\r\n\u0085y');
    expect(escapeTerminal(once)).toBe(once);
  });

  it('is what table cells use after cutting at the first line break', () => {
    expect(escapeCell('a\u009b\u001b\nhidden')).toBe('a\\u009b^[...');
  });
});
