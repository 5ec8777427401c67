// How kubectl's Go prints a decoded JSON value, for -o jsonpath and -o custom-columns: fmt's %v (fmt.Sprint) and
// encoding/json's Marshal. kubectl decodes objects with apimachinery's JSON decoder, so an integer is an int64, any
// other number a float64, null a nil interface{}; each prints differently (15, 1.5, 1e+06, <nil>).

/** Whether a JSON number would be an int64 in kubectl (JSON.parse cannot tell `3` from `3.0`: both count as int). */
export function isGoInteger(value: number): boolean {
  return Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 2 ** 63;
}

/** An int64 in decimal, every digit (String(1e20) would not be wrong, but BigInt never switches to an exponent). */
function formatInteger(value: number): string {
  return BigInt(value).toString();
}

/** strconv.FormatFloat(value, 'g', -1, 64), which fmt's %v uses: shortest digits, an exponent below 1e-4 or from 1e+06. */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole.slice(0, exponent + 1)}${fraction ? `.${fraction}` : ''}`;
}

/** Go orders strings by their UTF-8 bytes, which is code point order (JavaScript's sort compares UTF-16 units). */
export function compareGoStrings(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function sortedKeys(object: Record<string, unknown>): string[] {
  return Object.keys(object).sort(compareGoStrings);
}

/** A number as fmt's %v prints it: an int64 in decimal, a float64 as %g. */
export function formatGoNumber(value: number): string {
  return isGoInteger(value) ? formatInteger(value) : formatGoFloat(value);
}

/** fmt.Sprint of a decoded JSON value: `map[a:1 b:[x y]]`, `<nil>`, strings as they are. */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatGoNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  const object = value as Record<string, unknown>;
  return `map[${sortedKeys(object).map((key) => `${key}:${goSprint(object[key])}`).join(' ')}]`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Go strings hold UTF-8: a lone surrogate (from a JSON `\ud800`) decodes as U+FFFD there. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

// encoding/json escapes these too, so that its output is safe inside HTML (<, >, &) and JavaScript (U+2028, U+2029).
const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** A string as encoding/json writes it: JSON.stringify's escapes (\b \f \n \r \t, \u00xx) plus HTML's; lone surrogates become U+FFFD. */
function marshalString(text: string): string {
  return JSON.stringify(wellFormed(text)).replace(HTML_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.Marshal's float64: like JavaScript's, except that -0 stays -0. */
function marshalNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return isGoInteger(value) ? formatInteger(value) : String(value);
}

/** json.Marshal of a decoded JSON value: compact, map keys sorted. */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return marshalString(value);
  if (typeof value === 'number') return marshalNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  const object = value as Record<string, unknown>;
  return `{${sortedKeys(object).map((key) => `${marshalString(key)}:${goJsonMarshal(object[key])}`).join(',')}}`;
}

/** strconv.Quote, as kubectl's %q quotes a template in a message: printable characters as they are, the rest escaped. */
export function goQuote(text: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };
  let quoted = '"';
  for (const char of wellFormed(text)) {
    const code = char.codePointAt(0)!;
    if (named[char]) quoted += named[char];
    else if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) quoted += char;
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) quoted += `\\u${code.toString(16).padStart(4, '0')}`;
    else quoted += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${quoted}"`;
}
