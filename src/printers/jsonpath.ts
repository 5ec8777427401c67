// kubectl's JSONPath dialect: a port of client-go's util/jsonpath (parser.go, node.go, jsonpath.go, and the
// comparisons of its forked text/template), as kubectl 1.32 runs it. No npm library speaks this dialect: the JSONPath
// libraries implement Goessner's or RFC 9535's grammar, which has no `{}` actions, `range`/`end`, text between
// actions or kubectl's printing, and differs in filters and slices; so this follows the Go source step by step,
// errors word for word.
import { OutputTemplateError } from './output-template-error.js';
import { compareGoStrings, formatGoFloat, formatGoNumber, goJsonMarshal, goSprint, isGoInteger } from './go-format.js';

/** A template that does not parse; the printers put kubectl's words around it. */
export class JsonPathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathSyntaxError';
  }
}

/** A template that fails on the objects it is given (`x is not found`, `array index out of bounds: ...`). */
export class JsonPathExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathExecutionError';
  }
}

// ---- values --------------------------------------------------------------------------------------------------
// The values a template works on: decoded JSON (null is Go's nil interface{}), plus what only Go has: a float64
// literal (`1.0`), a byte of a string (`.*` over a string yields them) and the zero reflect.Value that a range body
// gets for a null item.

class GoFloat {
  constructor(readonly value: number) {}
}

class GoByte {
  constructor(readonly value: number) {}
}

const NO_VALUE: unique symbol = Symbol('no value');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Value = Json | GoFloat | GoByte | typeof NO_VALUE;

function isMap(value: Value): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof GoFloat) && !(value instanceof GoByte);
}

/** reflect.Value.Type() for messages such as `string is not array or slice`. */
function goTypeName(value: Value): string {
  if (value === NO_VALUE || value === null) return 'interface {}';
  if (value instanceof GoFloat) return 'float64';
  if (value instanceof GoByte) return 'uint8';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isGoInteger(value) ? 'int64' : 'float64';
  return Array.isArray(value) ? '[]interface {}' : 'map[string]interface {}';
}

/** fmt's %v of a value, as custom-columns prints a cell and error messages quote a value. */
export function sprintValue(value: Value): string {
  if (value === NO_VALUE) return '<invalid reflect.Value>';
  if (value instanceof GoFloat) return formatGoFloat(value.value);
  if (value instanceof GoByte) return String(value.value);
  return goSprint(value);
}

/** What kubectl's jsonpath printer writes for one result: maps and lists as JSON, the rest as fmt.Fprint would. */
function resultText(value: Value): string {
  if (value === NO_VALUE) return '<no value>';
  if (value === null) return 'null';
  if (typeof value === 'object' && !(value instanceof GoFloat) && !(value instanceof GoByte)) return goJsonMarshal(value);
  if (typeof value === 'number') return formatGoNumber(value);
  return sprintValue(value);
}

/** The elements that `.*` and `..` step into: a map's values (by key: Go's order is random), a list's items, a string's bytes. */
function children(value: Value): Value[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...Buffer.from(value, 'utf8')].map((byte) => new GoByte(byte));
  if (isMap(value)) return Object.keys(value).sort(compareGoStrings).map((key) => value[key]!);
  return [];
}

// ---- comparisons (text/template's eq, lt and friends) ---------------------------------------------------------

type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string';

const INVALID_TYPE = 'invalid type for comparison';
const INCOMPATIBLE_TYPES = 'incompatible types for comparison';

function basicKind(value: Value): BasicKind {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return isGoInteger(value) ? 'int' : 'float';
  if (value instanceof GoFloat) return 'float';
  if (value instanceof GoByte) return 'uint';
  throw new Error(INVALID_TYPE);
}

function numberOf(value: Value): number {
  return value instanceof GoFloat || value instanceof GoByte ? value.value : (value as number);
}

function goEqual(left: Value, right: Value): boolean {
  const leftKind = basicKind(left);
  const rightKind = basicKind(right);
  if (leftKind !== rightKind) {
    // Signed and unsigned integers compare by value.
    if ((leftKind === 'int' && rightKind === 'uint') || (leftKind === 'uint' && rightKind === 'int')) return numberOf(left) === numberOf(right);
    throw new Error(INCOMPATIBLE_TYPES);
  }
  if (leftKind === 'bool' || leftKind === 'string') return left === right;
  return numberOf(left) === numberOf(right);
}

function goLess(left: Value, right: Value): boolean {
  const leftKind = basicKind(left);
  const rightKind = basicKind(right);
  if (leftKind !== rightKind) {
    if ((leftKind === 'int' && rightKind === 'uint') || (leftKind === 'uint' && rightKind === 'int')) return numberOf(left) < numberOf(right);
    throw new Error(INCOMPATIBLE_TYPES);
  }
  if (leftKind === 'bool') throw new Error(INVALID_TYPE);
  if (leftKind === 'string') return compareGoStrings(left as string, right as string) < 0;
  return numberOf(left) < numberOf(right);
}

const COMPARISONS: Record<string, (left: Value, right: Value) => boolean> = {
  '<': goLess,
  '>': (left, right) => !(goLess(left, right) || goEqual(left, right)),
  '==': goEqual,
  '!=': (left, right) => !goEqual(left, right),
  '<=': (left, right) => goLess(left, right) || goEqual(left, right),
  '>=': (left, right) => !goLess(left, right),
};

// ---- the parser (parser.go) -------------------------------------------------------------------------------------

interface SliceParam {
  known: boolean;
  value: bigint;
  /** The end of `[n]`, n+1, counted from the end when n is -1 (so `[-1]` is the last item). */
  derived: boolean;
}

type Node =
  | ListNode
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'identifier'; name: string }
  | { type: 'array'; params: [SliceParam, SliceParam, SliceParam] }
  | { type: 'filter'; left: ListNode; right: ListNode; operator: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: ListNode[] };

interface ListNode {
  type: 'list';
  nodes: Node[];
}

const EOF = -1;
const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$/;
// Go's `.` matches anything but a newline; JavaScript's also stops at \r, U+2028 and U+2029.
const COMPARISON = /^([^!<>=]+)([!<>=]+)([^\n]+?)$/;
const MAX_INT64 = 2n ** 63n - 1n;

const isLetterOrDigit = (rune: number) => rune === 0x5f || /[\p{L}\p{Nd}]/u.test(String.fromCodePoint(rune));
const isDigit = (rune: number) => rune >= 0 && /\p{Nd}/u.test(String.fromCodePoint(rune));
const isEndOfLine = (rune: number) => rune === 0x0d || rune === 0x0a;
const isTerminator = (rune: number) =>
  rune === 0x20 || rune === 0x09 || isEndOfLine(rune) || rune === EOF || '.,[]$@{}'.includes(String.fromCodePoint(rune));

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const isGoPrintable = (char: string) => /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char);

/** fmt's %#U: `U+007E '~'`, without the character when it is not printable. */
function describeRune(rune: number): string {
  const code = `U+${rune.toString(16).toUpperCase().padStart(4, '0')}`;
  const char = String.fromCodePoint(rune);
  return isGoPrintable(char) ? `${code} '${char}'` : code;
}

/** strconv.Atoi: an optional sign and ASCII digits, within int64. */
function atoi(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value > MAX_INT64 || value < -MAX_INT64 - 1n ? undefined : value;
}

/** strconv.UnquoteChar's escapes, for a string quoted with `quote` (' or "). */
function unquote(quoted: string): string {
  const quote = quoted[0]!;
  if (quoted.length < 2 || quoted.at(-1) !== quote || (quote !== '"' && quote !== "'")) throw new JsonPathSyntaxError('invalid syntax');
  const body = quoted.slice(1, -1);
  if (!body.includes('\\') && !body.includes(quote)) return body;
  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c };
  for (let index = 0; index < body.length; ) {
    const char = String.fromCodePoint(body.codePointAt(index)!);
    if (char === quote) throw new JsonPathSyntaxError('invalid syntax');
    if (char !== '\\') {
      pushText(char);
      index += char.length;
      continue;
    }
    const escape = body[index + 1];
    if (escape === undefined) throw new JsonPathSyntaxError('invalid syntax');
    if (escape in simple) {
      bytes.push(simple[escape]!);
      index += 2;
    } else if (escape === quote) {
      bytes.push(quote.charCodeAt(0));
      index += 2;
    } else if (escape === 'x' || escape === 'u' || escape === 'U') {
      const length = escape === 'x' ? 2 : escape === 'u' ? 4 : 8;
      const hex = body.slice(index + 2, index + 2 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new JsonPathSyntaxError('invalid syntax');
      const code = parseInt(hex, 16);
      if (escape === 'x') bytes.push(code);
      else if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) throw new JsonPathSyntaxError('invalid syntax');
      else pushText(String.fromCodePoint(code));
      index += 2 + length;
    } else if (escape >= '0' && escape <= '7') {
      const octal = body.slice(index + 1, index + 4);
      if (!/^[0-7]{3}$/.test(octal) || parseInt(octal, 8) > 255) throw new JsonPathSyntaxError('invalid syntax');
      bytes.push(parseInt(octal, 8));
      index += 4;
    } else {
      throw new JsonPathSyntaxError('invalid syntax');
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const newList = (): ListNode => ({ type: 'list', nodes: [] });

/**
 * parser.go, with its tail calls turned into a loop so that a template of any length parses without growing the
 * stack (Go's stack grows; Node's does not).
 */
class Parser {
  private input = '';
  private pos = 0;
  private start = 0;
  private width = 0;
  readonly root: ListNode = newList();

  static parse(text: string): ListNode {
    const parser = new Parser();
    parser.run(text);
    return parser.root;
  }

  /** parseAction: the nodes of one `{...}` around `text`. */
  private static parseAction(text: string): ListNode {
    return Parser.parse(`{${text}}`).nodes[0] as ListNode;
  }

  private run(text: string): void {
    this.input = text;
    let cur: ListNode | undefined = this.parseText();
    while (cur) cur = this.parseInsideAction(cur);
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const rune = this.input.codePointAt(this.pos)!;
    this.width = rune > 0xffff ? 2 : 1;
    this.pos += this.width;
    return rune;
  }

  private peek(): number {
    const rune = this.next();
    this.backup();
    return rune;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  /** Text up to the next `{`; returns the action it opens, or nothing at the end. */
  private parseText(): ListNode | undefined {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) this.root.nodes.push({ type: 'text', text: this.consumeText() });
        this.pos += 1;
        this.consumeText();
        const action = newList();
        this.root.nodes.push(action);
        return action;
      }
      if (this.next() === EOF) break;
    }
    if (this.pos > this.start) this.root.nodes.push({ type: 'text', text: this.consumeText() });
    return undefined;
  }

  /** One step inside an action; returns the list to go on with (the next action's after a `}`). */
  private parseInsideAction(cur: ListNode): ListNode | undefined {
    const rest = this.input.slice(this.pos, this.pos + 3);
    if (rest.startsWith('}')) {
      this.pos += 1;
      this.consumeText();
      return this.parseText();
    }
    if (rest === '[?(') {
      this.parseFilter(cur);
      return cur;
    }
    if (rest.startsWith('..')) {
      if (cur.nodes.at(-1)?.type === 'recursive') throw new JsonPathSyntaxError('invalid multiple recursive descent');
      this.pos += 2;
      this.consumeText();
      cur.nodes.push({ type: 'recursive' });
      if (isLetterOrDigit(this.peek())) this.parseField(cur);
      return cur;
    }
    const rune = this.next();
    if (rune === EOF || isEndOfLine(rune)) throw new JsonPathSyntaxError('unclosed action');
    const char = String.fromCodePoint(rune);
    if (char === ' ' || char === '@' || char === '$') {
      this.consumeText();
    } else if (char === '[') {
      this.parseArray(cur);
    } else if (char === '"' || char === "'") {
      this.parseQuote(cur, char);
    } else if (char === '.') {
      this.parseField(cur);
    } else if (char === '+' || char === '-' || isDigit(rune)) {
      this.backup();
      this.parseNumber(cur);
    } else if (isLetterOrDigit(rune)) {
      this.backup();
      this.parseIdentifier(cur);
    } else {
      throw new JsonPathSyntaxError(`unrecognized character in action: ${describeRune(rune)}`);
    }
    return cur;
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.next()));
    this.backup();
    const value = this.consumeText();
    cur.nodes.push(value === 'true' || value === 'false' ? { type: 'bool', value: value === 'true' } : { type: 'identifier', name: value });
  }

  private parseNumber(cur: ListNode): void {
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) this.next();
    for (;;) {
      const rune = this.next();
      if (rune !== 0x2e && !isDigit(rune)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    const integer = atoi(value);
    if (integer !== undefined) {
      cur.nodes.push({ type: 'int', value: Number(integer) });
      return;
    }
    // strconv.ParseFloat: digits with at most one point; out of range is an error too.
    const float = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(float)) throw new JsonPathSyntaxError(`cannot parse number ${value}`);
    cur.nodes.push({ type: 'float', value: float });
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const rune = this.next();
      if (rune === EOF || rune === 0x0a) throw new JsonPathSyntaxError('unterminated array');
      if (rune === 0x5d) break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';

    const parts = text.split(',');
    if (parts.length > 1) {
      const nodes = parts.map((part) => Parser.parseAction(`[${part.replace(/^ +| +$/g, '')}]`));
      cur.nodes.push({ type: 'union', nodes });
      return;
    }

    const key = DICT_KEY.exec(text);
    if (key) {
      cur.nodes.push(...Parser.parseAction(`.${key[1]}`).nodes);
      return;
    }

    const slice = SLICE.exec(text);
    if (!slice) throw new JsonPathSyntaxError(`invalid array index ${text}`);
    const params: SliceParam[] = [];
    for (let index = 0; index < 3; index++) {
      let part = slice[index + 1] ?? '';
      if (part !== '') {
        if (index > 0) part = part.slice(1);
        if (index > 0 && part === '') {
          params.push({ known: false, value: 0n, derived: false });
        } else {
          const value = atoi(part);
          if (value === undefined) throw new JsonPathSyntaxError(`array index ${part} is not a number`);
          params.push({ known: true, value, derived: false });
        }
      } else if (index === 1) {
        params.push({ known: true, value: params[0]!.value + 1n, derived: true });
      } else {
        params.push({ known: false, value: 0n, derived: false });
      }
    }
    cur.nodes.push({ type: 'array', params: params as [SliceParam, SliceParam, SliceParam] });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const rune = this.next();
      if (rune === EOF || rune === 0x0a) throw new JsonPathSyntaxError('unterminated filter');
      const char = String.fromCodePoint(rune);
      if (char === '"' || char === "'") {
        if (!begin) {
          begin = true;
          pair = char;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && char === pair) end = true;
      } else if (char === ')' && begin === end) {
        break;
      }
    }
    if (this.next() !== 0x5d) throw new JsonPathSyntaxError('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const comparison = COMPARISON.exec(text);
    if (!comparison) {
      cur.nodes.push({ type: 'filter', left: Parser.parseAction(text), right: newList(), operator: 'exists' });
    } else {
      const left = Parser.parseAction(comparison[1]!);
      const right = Parser.parseAction(comparison[3]!);
      cur.nodes.push({ type: 'filter', left, right, operator: comparison[2]! });
    }
  }

  private parseQuote(cur: ListNode, quote: string): void {
    for (;;) {
      const rune = this.next();
      if (rune === EOF || rune === 0x0a) throw new JsonPathSyntaxError('unterminated quoted string');
      if (String.fromCodePoint(rune) === quote && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    try {
      cur.nodes.push({ type: 'text', text: unquote(value) });
    } catch (error) {
      if (error instanceof JsonPathSyntaxError) throw new JsonPathSyntaxError(`unquote string ${value} error ${error.message}`);
      throw error;
    }
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    // A backslash escapes the next character (`labels.a\.b`), and is dropped from the name.
    for (;;) {
      const rune = this.next();
      if (rune === 0x5c) this.next();
      else if (isTerminator(rune)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    cur.nodes.push(value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replaceAll('\\', '') });
  }
}

// ---- evaluation (jsonpath.go) -------------------------------------------------------------------------------------

/** What an eval step gives back: Go returns a value list alongside its error, and a filter's `exists` reads it. */
interface Step {
  values: Value[];
  error?: string;
}

/** A parsed template, run as client-go's JSONPath runs it (including its range bookkeeping). */
export class JsonPath {
  private readonly root: ListNode;
  /** Go slices parser.Root.Nodes as ranges run; this is where that slice starts, in the original list. */
  private offset = 0;
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode: number | undefined;

  /** Throws JsonPathSyntaxError with client-go's words; the printers put kubectl's around them. */
  constructor(
    template: string,
    private readonly allowMissingKeys: boolean,
  ) {
    this.root = Parser.parse(template);
  }

  /** FindResults: one list of values per top-level node. Throws JsonPathExecutionError. */
  findResults(data: Value): Value[][] {
    const nodes = this.root.nodes;
    const cur: Value[] = [data];
    const fullResult: Value[][] = [];
    for (let index = this.offset; index < nodes.length; index++) {
      const { values: results, error } = this.walk(cur, nodes[index]!);
      if (error !== undefined) throw new JsonPathExecutionError(error);

      // An `end`: this block is over.
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = index;
        break;
      }
      // A `range`: run the nodes after it once per result, then resume after its `end`.
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        if (results.length > 0) {
          for (const value of results) {
            this.offset = index + 1;
            // value.Interface(): a null item reaches the body as the zero reflect.Value.
            fullResult.push(...this.findResults(value === null ? NO_VALUE : value));
          }
        } else {
          this.offset = index + 1;
          this.findResults(NO_VALUE);
        }
        this.inRange--;
        for (let next = index + 1; next < nodes.length; next++) {
          if (next === this.lastEndNode) {
            index = next;
            break;
          }
        }
        continue;
      }
      fullResult.push(results);
    }
    return fullResult;
  }

  /** Execute: every result printed, each list's values separated by a space. */
  execute(data: Value): string {
    return this.findResults(data)
      .map((results) => results.map(resultText).join(' '))
      .join('');
  }

  private walk(input: Value[], node: Node): Step {
    switch (node.type) {
      case 'list':
        return this.evalList(input, node);
      case 'text':
        return { values: [node.text] };
      case 'field':
        return this.evalField(input, node.name);
      case 'array':
        return this.evalArray(input, node.params);
      case 'filter':
        return this.evalFilter(input, node);
      case 'int':
        return { values: input.map(() => node.value) };
      case 'float':
        return { values: input.map(() => new GoFloat(node.value)) };
      case 'bool':
        return { values: input.map(() => node.value) };
      case 'wildcard':
        return { values: input.flatMap((value) => (value === null ? [] : children(value))) };
      case 'recursive':
        return { values: evalRecursive(input) };
      case 'union':
        return this.evalUnion(input, node.nodes);
      case 'identifier':
        return this.evalIdentifier(input, node.name);
    }
  }

  private evalList(input: Value[], node: ListNode): Step {
    let values = input;
    for (const child of node.nodes) {
      const step = this.walk(values, child);
      if (step.error !== undefined) return step;
      values = step.values;
    }
    return { values };
  }

  private evalIdentifier(input: Value[], name: string): Step {
    if (name === 'range') {
      this.beginRange++;
      return { values: input };
    }
    if (name === 'end') {
      if (this.inRange > 0) {
        this.endRange++;
        return { values: [] };
      }
      return { values: [], error: 'not in range, nothing to end' };
    }
    return { values: input, error: `unrecognized identifier ${name}` };
  }

  private evalField(input: Value[], name: string): Step {
    const results: Value[] = [];
    for (const value of input) {
      if (isMap(value) && Object.hasOwn(value, name)) results.push(value[name]!);
    }
    if (results.length === 0 && input.length > 0 && !this.allowMissingKeys) return { values: results, error: `${name} is not found` };
    return { values: results };
  }

  private evalArray(input: Value[], params: [SliceParam, SliceParam, SliceParam]): Step {
    const result: Value[] = [];
    for (const value of input) {
      if (value === null) continue;
      if (!Array.isArray(value)) return { values: input, error: `${goTypeName(value)} is not array or slice` };
      const length = BigInt(value.length);
      // Go copies the node's params for each value, then fills in what the slice left out.
      const [first, second, third] = params.map((param) => ({ ...param })) as [SliceParam, SliceParam, SliceParam];
      if (!first.known) first.value = 0n;
      if (first.value < 0n) first.value += length;
      if (!second.known) second.value = length;
      if (second.value < 0n || (second.value === 0n && second.derived)) second.value += length;
      // Asking for no items is fine, and ends the whole step there (Go returns at once).
      if (second.value === first.value) return { values: result };
      if (first.value >= length || first.value < 0n) return { values: input, error: `array index out of bounds: index ${first.value}, length ${length}` };
      if (second.value > length || second.value < 0n) return { values: input, error: `array index out of bounds: index ${second.value - 1n}, length ${length}` };
      if (first.value > second.value) return { values: input, error: `starting index ${first.value} is greater than ending index ${second.value}` };
      const slice = value.slice(Number(first.value), Number(second.value));
      if (third.known && third.value <= 0n) return { values: input, error: 'step must be > 0' };
      // A step past the end takes the first item only; capped, it fits a number.
      const stride = third.known ? Number(third.value < length ? third.value : length) : 1;
      for (let index = 0; index < slice.length; index += stride) result.push(slice[index]!);
    }
    return { values: result };
  }

  private evalUnion(input: Value[], lists: ListNode[]): Step {
    const result: Value[] = [];
    for (const list of lists) {
      const step = this.evalList(input, list);
      if (step.error !== undefined) return { values: input, error: step.error };
      result.push(...step.values);
    }
    return { values: result };
  }

  private evalFilter(input: Value[], node: { left: ListNode; right: ListNode; operator: string }): Step {
    const results: Value[] = [];
    for (const value of input) {
      if (!Array.isArray(value)) return { values: input, error: `${sprintValue(value)} is not array or slice and cannot be filtered` };
      for (const item of value) {
        const lefts = this.evalList([item], node.left);
        if (node.operator === 'exists') {
          if (lefts.values.length > 0) results.push(item);
          continue;
        }
        if (lefts.error !== undefined) return { values: input, error: lefts.error };
        if (lefts.values.length === 0) continue;
        if (lefts.values.length > 1) return { values: input, error: 'can only compare one element at a time' };
        const rights = this.evalList([item], node.right);
        if (rights.error !== undefined) return { values: input, error: rights.error };
        if (rights.values.length === 0) continue;
        if (rights.values.length > 1) return { values: input, error: 'can only compare one element at a time' };
        const compare = COMPARISONS[node.operator];
        if (!compare) return { values: results, error: `unrecognized filter operator ${node.operator}` };
        let pass: boolean;
        try {
          pass = compare(asInterface(lefts.values[0]!), asInterface(rights.values[0]!));
        } catch (error) {
          return { values: results, error: (error as Error).message };
        }
        if (pass) results.push(item);
      }
    }
    return { values: results };
  }
}

/** value.Interface() as the comparisons see it: the zero Value is no comparable type, as nil is not. */
function asInterface(value: Value): Value {
  return value === NO_VALUE ? null : value;
}

/** `..`: every value that has elements, each followed by what is below it (depth first), leaves left out. */
function evalRecursive(input: Value[]): Value[] {
  const result: Value[] = [];
  const pending: Value[][] = [input.slice().reverse()];
  // An explicit stack: objects nest deeper than Node's call stack allows.
  while (pending.length > 0) {
    const level = pending.at(-1)!;
    const value = level.pop();
    if (level.length === 0) pending.pop();
    if (value === undefined || value === null) continue;
    const below = children(value);
    if (below.length === 0) continue;
    result.push(value);
    pending.push(below.slice().reverse());
  }
  return result;
}

export type { Value as JsonPathValue };
