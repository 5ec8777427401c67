// What every API handler receives and returns, and the content negotiation they share.

import type { IncomingHttpHeaders } from 'node:http';
import { encodeBody, goJson } from './json.js';
import { parse as parseYaml } from 'yaml';
import { badRequest, notAcceptable, unsupportedMediaType } from './status.js';
import type { TableRequest } from './table.js';

export interface User {
  name: string;
  /** The viewer may get, list and watch; anonymous requests may do none of these. Also: may read discovery. */
  canRead: boolean;
  /** Every verb; only the admin. */
  canWrite: boolean;
  /**
   * A tenant's: it may only work with leases in this namespace and get the namespace; canRead/canWrite do not apply.
   * null: a user bound in no namespace at all (one impersonated whom the sandbox's RBAC does not know).
   */
  onlyNamespace?: string | null;
}

export interface ApiRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  user: User;
  userAgent: string;
  pretty: boolean;
  /** The raw body; protobuf bodies are binary. */
  readBody(): Promise<Buffer>;
}

export interface ApiReply {
  code: number;
  /** Text, or bytes for the protobuf forms. */
  body: string | Buffer;
  headers?: Record<string, string | string[]>;
}

export function jsonReply(pretty: boolean, code: number, value: unknown, headers?: Record<string, string | string[]>): ApiReply {
  return { code, body: encodeBody(value, pretty), ...(headers ? { headers } : {}) };
}

/** A reply from JSON serialised ahead of time (lists, stored objects); re-indented only for curl and browsers. */
export function prebuiltJsonReply(pretty: boolean, code: number, compactJson: string, headers?: Record<string, string | string[]>): ApiReply {
  const body = pretty ? goJson(JSON.parse(compactJson), 2) : compactJson + '\n';
  return { code, body, ...(headers ? { headers } : {}) };
}

function mediaTypeParameters(entry: string): { type: string; parameters: Map<string, string> } {
  const [type = '', ...rest] = entry.split(';').map((part) => part.trim());
  const parameters = new Map<string, string>();
  for (const parameter of rest) {
    const eq = parameter.indexOf('=');
    if (eq > 0) parameters.set(parameter.slice(0, eq).trim().toLowerCase(), parameter.slice(eq + 1).trim());
  }
  return { type: type.toLowerCase(), parameters };
}

/**
 * Picks the response form from the Accept header: plain JSON (undefined) or a meta.k8s.io Table. The first
 * acceptable entry wins; nothing acceptable is a 406, as on the apiserver.
 */
export function negotiateTable(request: ApiRequest): TableRequest | undefined {
  const accept = request.headers.accept;
  if (!accept) return undefined;
  for (const entry of accept.split(',')) {
    const { type, parameters } = mediaTypeParameters(entry);
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const as = parameters.get('as');
    if (as === undefined) return undefined;
    const version = parameters.get('v');
    if (as === 'Table' && parameters.get('g') === 'meta.k8s.io' && (version === 'v1' || version === 'v1beta1')) {
      return { version, includeObject: includeObjectPolicy(request) };
    }
  }
  throw notAcceptable();
}

function includeObjectPolicy(request: ApiRequest): TableRequest['includeObject'] {
  const value = request.query.get('includeObject') ?? 'Metadata';
  if (value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(`unrecognized includeObject value: "${value}"`);
}

const goBools = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((text) => [text, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((text) => [text, false] as const),
]);

/** strconv.ParseBool: undefined for text it rejects. */
export const goBool = (text: string): boolean | undefined => goBools.get(text);

/** The apiserver's reading of `watch` and `allowWatchBookmarks`: true only for what strconv.ParseBool calls true. */
export function parseGoBool(value: string | null): boolean {
  return value !== null && goBool(value) === true;
}

/** The field manager of a write: `?fieldManager=`, else the User-Agent up to its first '/'. */
export function fieldManager(request: ApiRequest): string {
  return request.query.get('fieldManager') || request.userAgent.split('/')[0]!;
}

/**
 * The body of a create or update as JSON text. Like the apiserver, a missing Content-Type means JSON and YAML is
 * accepted too; anything else (protobuf, form data) is a 415, which also makes client-go fall back to JSON.
 */
export async function readObjectBody(request: ApiRequest): Promise<string> {
  const contentType = requestContentType(request);
  if (contentType === 'application/json' || contentType === '') return (await request.readBody()).toString('utf8');
  if (contentType === 'application/yaml') {
    const text = (await request.readBody()).toString('utf8');
    try {
      return JSON.stringify(parseYaml(text));
    } catch (error) {
      throw badRequest(`error converting YAML to JSON: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw unsupportedMediaType();
}

/** The request's media type without parameters, lower-cased; JSON when absent. */
export function requestContentType(request: ApiRequest): string {
  return (request.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}
