// JSON as the apiserver writes it. Go's encoding/json escapes <, > and & (and U+2028/U+2029) inside strings,
// and the apiserver ends compact bodies with a newline (json.Encoder) but not indented ones (MarshalIndent).

const goEscapes: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON.stringify with Go's HTML-safe escaping; these characters only ever occur inside string literals. */
export function goJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[<>&\u2028\u2029]/g, (c) => goEscapes[c] ?? c);
}

/** The apiserver indents only for clients that look like humans at a terminal or browser. */
export function wantsPrettyJson(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  return userAgent.startsWith('curl/') || userAgent.startsWith('Wget') || userAgent.startsWith('Mozilla/');
}

/** A response body: pre-serialised compact JSON (the fast path) plus the value for indenting on demand. */
export function encodeBody(value: unknown, pretty: boolean): string {
  return pretty ? goJson(value, 2) : goJson(value) + '\n';
}

/** A string map with its keys in the order Go's encoding/json writes a map: sorted. */
export function byKey(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A decoded JSON value with every object's keys in the order Go writes a map[string]interface{}: sorted. */
export function inGoMapOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inGoMapOrder);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, child]) => [key, inGoMapOrder(child)]));
}
