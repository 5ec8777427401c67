// Text a server (or anyone who can write a Lease) controls, made safe to print for a person. kubectl escapes its
// table cells for the same reason (cli-runtime printers/terminal.go, kubernetes/kubernetes#101695): a holderIdentity
// with ESC or OSC sequences could clear the screen, retitle the terminal or forge lines of output.

// C0 controls (BEL, BS, TAB, LF, CR, ESC...), DEL, and the C1 controls that some terminals obey as CSI and OSC.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  if (code === 0x1b) return '^[';
  if (code === 0x7f) return '^?';
  if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Every control character shown as visible text (caret notation: ESC `^[`, BEL `^G`, CR `^M`, LF `^J`; C1 as
 * `\u009b`), nothing cut: the result is one line that cannot move the cursor or talk to the terminal. Applying it
 * twice changes nothing.
 */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL_CHARACTERS, visible);
}

/** A table cell as kubectl prints one: cut at its first line break (with `...`), then escaped (terminal.ts). */
export function escapeCell(text: string): string {
  const lineBreak = text.search(/[\n\r\f]/);
  return escapeTerminal(lineBreak === -1 ? text : `${text.slice(0, lineBreak)}...`);
}
