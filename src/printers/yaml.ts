// `kubectl get -o yaml`: sigs.k8s.io/yaml goes through JSON to go-yaml v2, whose emitter this file follows (emitterc.go,
// encode.go): keys sorted, sequences not indented under a key, each string in the style go-yaml picks (plain,
// 'single', "double" with its escapes such as \t, \r and \U0001F642, or a | block), long lines folded at column 80.
// The yaml library only answers whether a plain string would read back as something else. Imported lazily
// (serialize.ts): this is start-up time that other output formats never need.
import YAML from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** go-yaml v2 orders map keys with digit runs compared as numbers (a2 < a10). */
function compareKeysLikeGoYaml(a: string, b: string): number {
  const runs = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const left = runs(a);
  const right = runs(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/**
 * go-yaml's resolve(): a string that, written plain, a YAML 1.1 or 1.2 reader would take for a number, bool, null or
 * timestamp (yes, 0123, 1e3, 2026-11-23) is quoted. Only text that starts as such values do is asked about; whether
 * its other characters (': ', ' #', a leading space) allow the plain style is the emitter's question (analyze).
 */
function readsAsSomethingElse(text: string): boolean {
  if (!/^[-+.0-9yYnNtTfFoO~<]/.test(text)) return false;
  // The yaml library reads a lone "." as NaN under 1.1; go-yaml takes only .nan, .NaN and .NAN for NaN. A number too
  // large for a float64 (1e999, a hex label like 5145273e0338) fails Go's ParseFloat, so go-yaml keeps it a string;
  // the yaml library reads it as Infinity, which only .inf spellings are.
  const isNumber = (value: number) =>
    Number.isNaN(value) ? /^\.(nan|NaN|NAN)$/.test(text) : Number.isFinite(value) || /^[-+]?\.(inf|Inf|INF)$/.test(text);
  const nonString = (value: unknown) =>
    value === null || (typeof value === 'number' && isNumber(value)) || ['boolean', 'bigint'].includes(typeof value) || value instanceof Date;
  try {
    return nonString(YAML.parse(text, { logLevel: 'silent' })) || nonString(YAML.parse(text, { version: '1.1', logLevel: 'silent' }));
  } catch {
    return false;
  }
}

// go-yaml's character classes (yamlprivateh.go), on code points.
const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isSpace = (c: number | undefined) => c === 0x20;
const isBlank = (c: number | undefined) => c === 0x20 || c === 0x09;
const isPrintable = (c: number) =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

const BEST_INDENT = 2;
const BEST_WIDTH = 80;
/** Longer keys (in UTF-8 bytes) are written as `? key` / `: value`. */
const MAX_SIMPLE_KEY_LENGTH = 128;

type Style = 'plain' | 'single' | 'double' | 'literal';

/** What yaml_emitter_analyze_scalar finds out about a string: the styles it may be written in. */
function analyze(chars: number[]) {
  if (chars.length === 0) return { multiline: false, blockPlain: false, single: true, block: false };
  const text = String.fromCodePoint(...chars.slice(0, 3));
  let indicators = text === '---' || text === '...';
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  chars.forEach((c, i) => {
    const last = i === chars.length - 1;
    const followedByWhitespace = last || isBlank(chars[i + 1]);
    const char = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) indicators = true;
      else if ((char === '?' || char === ':' || char === '-') && followedByWhitespace) indicators = true;
    } else if ((char === ':' && followedByWhitespace) || (char === '#' && precededByWhitespace)) {
      indicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  });
  const plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || lineBreaks);
  return {
    multiline: lineBreaks,
    blockPlain: plain && !indicators,
    single: !(breakSpace || spaceBreak || special),
    block: !(trailingSpace || spaceBreak || special),
  };
}

/** go-yaml's escapes in a double-quoted scalar. */
const ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

function escaped(c: number): string {
  const short = ESCAPES[c];
  if (short !== undefined) return `\\${short}`;
  const [prefix, digits] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${prefix}${c.toString(16).toUpperCase().padStart(digits, '0')}`;
}

/** strconv.FormatFloat(f, 'g', -1, 64), as go-yaml writes a float; integers as integers. */
function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 6) return String(n);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** The parts of go-yaml's emitter state that decide where lines break and how they are indented. */
class Emitter {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent = -1;

  private put(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  /** A line break in the value: LF becomes a newline; CR, NEL, LS and PS are written as they are. */
  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private withIndent(flow: boolean, indentless: boolean, body: () => void): void {
    const saved = this.indent;
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
    body();
    this.indent = saved;
  }

  node(value: Json, context: { mapping?: boolean; simpleKey?: boolean } = {}): void {
    if (Array.isArray(value)) this.sequence(value, context.mapping === true);
    else if (value !== null && typeof value === 'object') this.mapping(value);
    else if (typeof value === 'string') this.string(value, context.simpleKey === true);
    else this.scalar(value === null ? 'null' : typeof value === 'number' ? formatNumber(value) : String(value), 'plain', false);
  }

  private emptyCollection(open: string, close: string): void {
    this.withIndent(true, false, () => {
      this.writeIndicator(open, true, true, false);
      this.writeIndicator(close, false, false, false);
    });
  }

  private sequence(items: Json[], inMapping: boolean): void {
    if (items.length === 0) return this.emptyCollection('[', ']');
    this.withIndent(false, inMapping && !this.indention, () => {
      for (const item of items) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.node(item);
      }
    });
  }

  private mapping(map: { [key: string]: Json }): void {
    const keys = Object.keys(map).sort(compareKeysLikeGoYaml);
    if (keys.length === 0) return this.emptyCollection('{', '}');
    this.withIndent(false, false, () => {
      for (const key of keys) {
        const simple = !analyze([...key].map((char) => char.codePointAt(0)!)).multiline && Buffer.byteLength(key) <= MAX_SIMPLE_KEY_LENGTH;
        this.writeIndent();
        if (simple) {
          this.node(key, { simpleKey: true });
          this.writeIndicator(':', false, false, false);
        } else {
          this.writeIndicator('?', true, false, true);
          this.node(key, { mapping: true });
          this.writeIndent();
          this.writeIndicator(':', true, false, true);
        }
        this.node(map[key]!, { mapping: true });
      }
    });
  }

  /** encode.go stringv: a block for text with a newline, plain where it reads back as the same string, else quoted. */
  private string(text: string, simpleKey: boolean): void {
    const requested: Style = text.includes('\n') ? 'literal' : readsAsSomethingElse(text) || text === '' ? 'double' : 'plain';
    this.scalar(text, requested, simpleKey);
  }

  /** yaml_emitter_select_scalar_style, then the writer for the style chosen. */
  private scalar(text: string, requested: Style, simpleKey: boolean): void {
    const chars = [...text].map((char) => char.codePointAt(0)!);
    const allowed = analyze(chars);
    let style = requested;
    if (simpleKey && allowed.multiline) style = 'double';
    if (style === 'plain' && (!allowed.blockPlain || (chars.length === 0 && simpleKey))) style = 'single';
    if (style === 'single' && !allowed.single) style = 'double';
    if (style === 'literal' && (!allowed.block || simpleKey)) style = 'double';
    this.withIndent(true, false, () => {
      const allowBreaks = !simpleKey;
      if (style === 'plain') this.writePlain(chars, allowBreaks);
      else if (style === 'single') this.writeSingleQuoted(chars, allowBreaks);
      else if (style === 'double') this.writeDoubleQuoted(chars, allowBreaks);
      else this.writeLiteral(chars);
    });
  }

  private writePlain(chars: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    chars.forEach((c, i) => {
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(chars[i + 1])) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(chars: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    chars.forEach((c, i) => {
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && !isSpace(chars[i + 1])) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c === 0x27 ? "''" : String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(chars: number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    chars.forEach((c, i) => {
      if (!isPrintable(c) || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put(escaped(c));
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.writeIndent();
          if (isSpace(chars[i + 1])) this.put('\\');
        } else {
          this.put(' ');
        }
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    });
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(chars: number[]): void {
    this.writeIndicator('|', true, false, false);
    // Block scalar hints: an indentation indicator when the text starts with a space or break; the chomping
    // indicator from how many line breaks end it.
    if (isSpace(chars[0]) || isBreak(chars[0]!)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    const last = chars.length - 1;
    if (!isBreak(chars[last]!)) this.writeIndicator('-', false, false, false);
    else if (last === 0 || isBreak(chars[last - 1]!)) {
      this.writeIndicator('+', false, false, false);
      this.openEnded = true;
    }
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }

  /** The document's end: a final line break, and `...` after a block that keeps its trailing line breaks. */
  end(): string {
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
    return this.out;
  }
}

export function toKubectlYaml(object: unknown): string {
  const emitter = new Emitter();
  // As sigs.k8s.io/yaml does, through JSON: undefined fields vanish, dates become strings.
  emitter.node(JSON.parse(JSON.stringify(object)) as Json);
  return emitter.end();
}
