// The HTTP layer under LeaseClient. Raw requests (rather than client-node's generated API) keep every byte
// of the server's JSON and Status bodies; authentication comes from credentials.ts.
import type * as http from 'node:http';
import { sleep } from '../clock.js';
import type { Credentials } from './credentials.js';
import { KubeApiError, KubeTransportError, type Status } from './errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpTransportOptions {
  server: string;
  credentials: Credentials;
  userAgent: string;
  /** Per-request timeout in ms (--request-timeout); undefined waits forever, as kubectl does. */
  requestTimeoutMs?: number;
}

// Not `import http from 'node:http'`: on Node 22 an ES-module import of node:http builds its namespace by
// reading every export, lazy getters included, and one of them loads undici (~15 ms a run, docs/performance.md).
const httpModule = process.getBuiltinModule('node:http');
const httpsModule = process.getBuiltinModule('node:https');

const RETRY_AFTER_LIMIT = 5;

/** Reasons the apiserver would give for a bare HTTP status (apimachinery NewGenericServerResponse). */
function statusForBareResponse(code: number, body: string): Status {
  const snippet = body.trim().slice(0, 200);
  const reasonAndMessage: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'Unauthorized'],
    403: ['Forbidden', 'the server does not allow access to the requested resource'],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    410: ['Expired', 'the requested resource is gone'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  };
  const [reason, message] = reasonAndMessage[code] ?? [
    'InternalError',
    `an error on the server (${JSON.stringify(snippet || 'unknown')}) has prevented the request from succeeding`,
  ];
  return { kind: 'Status', status: 'Failure', reason, message, code };
}

export function parseStatus(code: number, body: string): Status {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed && parsed.kind === 'Status') return parsed;
  } catch {
    // not JSON: a proxy or load balancer answered
  }
  return statusForBareResponse(code, body);
}

/** kubectl's one-line wording for a request that got no HTTP answer. */
export function describeTransportFailure(error: NodeJS.ErrnoException, server: URL, timedOut: boolean): string {
  const host = server.host;
  if (timedOut) {
    return `Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers); raise --request-timeout or check that ${host} is reachable`;
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return `The connection to the server ${host} was refused - did you specify the right host or port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Unable to connect to the server: dial tcp: lookup ${server.hostname}: no such host`;
    case 'ECONNRESET':
      return `Unable to connect to the server: connection reset by peer (${host})`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Unable to connect to the server: dial tcp ${host}: ${error.code === 'ETIMEDOUT' ? 'i/o timeout' : 'no route to host'}`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority (check certificate-authority-data in the kubeconfig, or use --insecure-skip-tls-verify)`;
    case 'CERT_HAS_EXPIRED':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate has expired or is not yet valid`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate is not valid for ${server.hostname}`;
    default:
      return `Unable to connect to the server: ${error.message}`;
  }
}

export class HttpTransport {
  private readonly server: URL;
  private readonly options: HttpTransportOptions;
  private readonly agent: http.Agent;

  constructor(options: HttpTransportOptions) {
    this.options = options;
    this.server = new URL(options.server);
    const { credentials } = options;
    // Keep-alive: gc and hold send many requests, and a TLS handshake per request would dominate.
    this.agent =
      credentials.agent ??
      (this.server.protocol === 'http:' ? new httpModule.Agent({ keepAlive: true }) : new httpsModule.Agent({ keepAlive: true, ...credentials.tls }));
  }

  private url(request: HttpRequest): URL {
    const base = this.server.pathname.replace(/\/$/, '');
    const url = new URL(base + request.path, this.server);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  /**
   * Opens a request; resolves with the response once headers arrive. A 401 to credentials that can be renewed (an
   * exec plugin's) is asked once more with fresh ones, so that a token expiring early does not end a hold.
   */
  private async open(request: HttpRequest, streaming: boolean, mayRenewCredentials = true): Promise<http.IncomingMessage> {
    const url = this.url(request);
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const { credentials } = this.options;
    const authentication = await credentials.headers();
    const headers: http.OutgoingHttpHeaders = {
      ...authentication,
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
    };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const transport = url.protocol === 'http:' ? httpModule : httpsModule;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const certificate = credentials.clientCertificate?.(authentication);
      const req = transport.request(url, { agent: this.agent, method: request.method, headers, signal: request.signal, ...certificate });
      const timeoutMs = this.options.requestTimeoutMs;
      const timer = timeoutMs && !streaming ? setTimeout(() => ((timedOut = true), req.destroy(new Error('timeout'))), timeoutMs) : undefined;
      req.on('response', (response) => {
        if (response.statusCode === 401 && mayRenewCredentials && credentials.rejected) {
          if (timer) clearTimeout(timer);
          credentials.rejected(authentication);
          response.resume();
          resolve(this.open(request, streaming, false));
          return;
        }
        if (timer) {
          // The timeout covers the body too (kubectl's Client.Timeout does).
          response.on('end', () => clearTimeout(timer));
          response.on('close', () => clearTimeout(timer));
        }
        resolve(response);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (timer) clearTimeout(timer);
        if (error.name === 'AbortError' && !timedOut) {
          reject(new KubeTransportError('request aborted', error));
          return;
        }
        reject(new KubeTransportError(describeTransportFailure(error, this.server, timedOut), error));
      });
      req.end(payload);
    });
  }

  private static readBody(response: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
  }

  /** One request; non-2xx answers reject with KubeApiError. A 429 is retried after its Retry-After, as client-go does. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.open(request, false);
      let body: string;
      try {
        body = await HttpTransport.readBody(response);
      } catch (error) {
        throw new KubeTransportError(describeTransportFailure(error as NodeJS.ErrnoException, this.server, false), error);
      }
      const statusCode = response.statusCode ?? 0;
      if (statusCode >= 200 && statusCode < 300) return { statusCode, headers: response.headers, body };
      const retryAfterSeconds = Number(response.headers['retry-after']);
      if (statusCode === 429 && attempt < RETRY_AFTER_LIMIT && retryAfterSeconds > 0 && !request.signal?.aborted) {
        await sleep(Math.min(retryAfterSeconds, 10) * 1000, request.signal);
        continue;
      }
      throw new KubeApiError(parseStatus(statusCode, body), statusCode);
    }
  }

  /** A streaming GET (watch); non-2xx answers reject with KubeApiError. */
  async stream(request: HttpRequest): Promise<http.IncomingMessage> {
    const response = await this.open(request, true);
    const statusCode = response.statusCode ?? 0;
    if (statusCode >= 200 && statusCode < 300) return response;
    const body = await HttpTransport.readBody(response);
    throw new KubeApiError(parseStatus(statusCode, body), statusCode);
  }

  close(): void {
    this.agent.destroy();
  }
}
