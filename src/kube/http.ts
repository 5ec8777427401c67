// The HTTP layer under LeaseClient. Raw requests (rather than client-node's generated API) keep every byte
// of the server's JSON and Status bodies; authentication comes from credentials.ts.
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { sleep } from '../clock.js';
import type { Credentials } from './credential-parts.js';
import { isTlsVerificationCode, KubeApiError, KubeResponseError, KubeTransportError, UNEXPECTED_SERVER_RESPONSE, type Status } from './errors.js';

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
  /** Bounds on setting up each new connection (default: client-go's); --request-timeout still bounds the whole request. */
  connectTimeouts?: ConnectTimeouts;
  /**
   * The transport's process ends once it is closed (the process edge's): close() then only lets the process exit
   * past the kept-alive connections, which the exit closes. Destroying them made Node's net module read
   * process.stderr (Socket._destroy compares the socket with it), which builds that stream: 1 to 3 ms of a start
   * that writes no error (docs/performance.md).
   */
  processEndsOnClose?: boolean;
}

// Not `import http from 'node:http'`: on Node 22 an ES-module import of node:http builds its namespace by
// reading every export, lazy getters included, and one of them loads undici (~15 ms a run, docs/performance.md).
// And node:http only for an http:// server: node:https does not need it.
function transportModule(server: URL): typeof http | typeof https {
  return server.protocol === 'http:' ? process.getBuiltinModule('node:http') : process.getBuiltinModule('node:https');
}

/**
 * Given a connection's own CA, Node still builds its store of Mozilla's ~140 root certificates first (to tell the two
 * apart): 11 ms of every command on Node 22, 4 on 24 (docs/performance.md). A process whose every TLS connection
 * names its CA can empty the default list first (tls.setDefaultCACertificates, Node 22.19+ and 24.5+; Node 20 has
 * none and is not slowed), which skips that work. A connection made afterwards without a CA of its own then trusts
 * nothing, rather than anything Mozilla's roots would vouch for.
 */
export function dropDefaultCertificateAuthorities(): void {
  const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls') & { setDefaultCACertificates?: (certificates: string[]) => void };
  tls.setDefaultCACertificates?.([]);
}

const RETRY_AFTER_LIMIT = 5;

/** How long a new connection may take: the dial (DNS lookup included), then the TLS handshake. */
export interface ConnectTimeouts {
  dialMs: number;
  tlsHandshakeMs: number;
}

/** client-go's defaults (transport/cache.go), which kubectl uses. */
const CLIENT_GO_CONNECT_TIMEOUTS: ConnectTimeouts = { dialMs: 30_000, tlsHandshakeMs: 10_000 };

const TLS_HANDSHAKE_TIMEOUT = 'LEASECTL_TLS_HANDSHAKE_TIMEOUT';

/** client-go caps the text of an unstructured error at 2 KiB; one line of a terminal is enough for us. */
const MAX_SERVER_TEXT = 200;

/** What a non-Status error body says, as client-go reads it: a text body trimmed, anything else "unknown". */
function serverText(body: string, contentType: string | undefined): string {
  const media = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media !== '' && !media.startsWith('text/')) return 'unknown';
  if (media === 'text/html') {
    // A proxy's error page: its title says what the page does, without the markup.
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    return title ? `an HTML page: ${title.slice(0, MAX_SERVER_TEXT)}` : 'an HTML page';
  }
  const text = body.trim().replace(/\s+/g, ' ');
  return text === '' ? 'unknown' : text.slice(0, MAX_SERVER_TEXT);
}

/** What client-go makes of an error status that came without a Status body (apimachinery NewGenericServerResponse). */
function statusForBareResponse(code: number, method: string, serverMessage: string): Status {
  const reasonAndMessage: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', serverMessage],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    406: ['NotAcceptable', serverMessage === 'unknown' ? 'the server was unable to respond with a content type that the client supports' : serverMessage],
    409: method === 'POST' ? ['AlreadyExists', 'the server reported a conflict'] : ['Conflict', 'the server reported a conflict'],
    415: ['UnsupportedMediaType', serverMessage],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  };
  const [reason, message] =
    reasonAndMessage[code] ??
    (code >= 500
      ? ['InternalError', `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`]
      : ['', `the server responded with the status code ${code} but did not return more information`]);
  return {
    kind: 'Status',
    status: 'Failure',
    reason: reason || undefined,
    message,
    code,
    details: { causes: [{ reason: UNEXPECTED_SERVER_RESPONSE, message: serverMessage }] },
  };
}

/** The error Status of an answer: the server's own, or client-go's reading of a bare HTTP status. */
export function parseStatus(code: number, body: string, method = 'GET', contentType?: string): Status {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed && parsed.kind === 'Status') return parsed;
  } catch {
    // not JSON: a proxy or load balancer answered, or the server's HTTP layer (a 431 is text/plain)
  }
  return statusForBareResponse(code, method, serverText(body, contentType));
}

/**
 * kubectl's one-line wording for a request that got no HTTP answer. `verifiedName` is the name the server's
 * certificate was checked against: --tls-server-name (tls-server-name), else the server URL's host.
 */
export function describeTransportFailure(error: NodeJS.ErrnoException, server: URL, timedOut: boolean, verifiedName = server.hostname): string {
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
    case TLS_HANDSHAKE_TIMEOUT:
      return `Unable to connect to the server: net/http: TLS handshake timeout (${host} accepted the connection but did not complete a TLS handshake: is the server URL in the kubeconfig a Kubernetes API server?)`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority (check certificate-authority-data in the kubeconfig, or use --insecure-skip-tls-verify)`;
    case 'CERT_HAS_EXPIRED':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate has expired or is not yet valid (the server's certificate has expired: renew it, or check this machine's clock)`;
    case 'CERT_NOT_YET_VALID':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate has expired or is not yet valid (the server's certificate is not valid yet: check this machine's clock)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `Unable to connect to the server: tls: failed to verify certificate: x509: certificate is not valid for ${verifiedName}`;
    default:
      if (isTlsVerificationCode(error.code)) return `Unable to connect to the server: tls: failed to verify certificate: ${error.message}`;
      return `Unable to connect to the server: ${error.message}`;
  }
}

/** Ends a new connection that is not up within the dial timeout, or whose TLS handshake does not finish in time. */
function boundConnectionSetup(socket: Socket, tls: boolean, timeouts: ConnectTimeouts): void {
  const fail = (code: string, message: string) => socket.destroy(Object.assign(new Error(message), { code }));
  let timer = setTimeout(() => fail('ETIMEDOUT', 'dial timeout'), timeouts.dialMs);
  const clear = () => clearTimeout(timer);
  socket.once('connect', () => {
    clear();
    if (tls) timer = setTimeout(() => fail(TLS_HANDSHAKE_TIMEOUT, 'TLS handshake timeout'), timeouts.tlsHandshakeMs);
  });
  socket.once('secureConnect', clear);
  socket.once('close', clear);
}

/**
 * The agent's TLS options. Static credentials get one secure context for every connection: given the CA and client
 * certificate instead, Node's agent writes them out into each request's pool name (a string of a few KB per request:
 * a fifth of what gc of 20,000 leases allocated) and builds a context per connection. A certificate from an exec
 * plugin goes with each request instead (it may rotate), so its pool name keeps sockets with an old one apart.
 */
function agentTls(credentials: Credentials): https.AgentOptions {
  const { ca, cert, key, ...connection } = credentials.tls;
  if (credentials.clientCertificate) return credentials.tls;
  return { ...connection, secureContext: process.getBuiltinModule('node:tls').createSecureContext({ ca, cert, key }) };
}

export class HttpTransport {
  private readonly server: URL;
  private readonly options: HttpTransportOptions;
  private readonly agent: http.Agent;
  private readonly target: http.RequestOptions;

  constructor(options: HttpTransportOptions) {
    this.options = options;
    this.server = new URL(options.server);
    // Once, not per request: urlToHttpOptions builds a null-prototype object in dictionary mode, and gc's 20,000
    // deletes allocated 90 MB in them, and 21 of the 45 MB gc promoted to the old space (docs/performance.md).
    this.target = urlToHttpOptions(this.server);
    const { credentials } = options;
    // Keep-alive: gc and hold send many requests, and a TLS handshake per request would dominate.
    this.agent =
      credentials.agent ??
      new (transportModule(this.server).Agent)({ keepAlive: true, ...(this.server.protocol === 'http:' ? {} : agentTls(credentials)) });
  }

  /**
   * The request's path and query, appended to the server's path as they are. Never resolved against a URL: that
   * would remove `.` and `..` segments (and their %2E spellings) and so move the request elsewhere.
   */
  private pathAndQuery(request: HttpRequest): string {
    const base = this.server.pathname.replace(/\/$/, '');
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    const search = query.toString();
    return search === '' ? base + request.path : `${base}${request.path}?${search}`;
  }

  /**
   * Opens a request; resolves with the response once headers arrive. A 401 to credentials that can be renewed (an
   * exec plugin's) is asked once more with fresh ones, so that a token expiring early does not end a hold.
   */
  private async open(request: HttpRequest, streaming: boolean, mayRenewCredentials = true): Promise<http.IncomingMessage> {
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
    const transport = transportModule(this.server);
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const certificate = credentials.clientCertificate?.(authentication);
      const req = transport.request({ ...this.target, path: this.pathAndQuery(request), agent: this.agent, method: request.method, headers, signal: request.signal, ...certificate });
      req.on('socket', (socket) => {
        // A kept-alive connection is already up; a proxy's agent sets up its own.
        if (socket.connecting && !credentials.agent) {
          boundConnectionSetup(socket, this.server.protocol === 'https:', this.options.connectTimeouts ?? CLIENT_GO_CONNECT_TIMEOUTS);
        }
      });
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
        reject(new KubeTransportError(describeTransportFailure(error, this.server, timedOut, credentials.tls.servername), error));
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
      throw new KubeApiError(parseStatus(statusCode, body, request.method, response.headers['content-type']), statusCode);
    }
  }

  /**
   * One request whose answer must be a JSON object, as every Kubernetes API answer is. Anything else (a proxy's
   * login page, a web server at the wrong URL) rejects with KubeResponseError naming what came back.
   */
  async requestObject(request: HttpRequest): Promise<Record<string, unknown>> {
    const response = await this.request(request);
    const contentType = response.headers['content-type'] ?? 'no content type';
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      // described below
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    const what = /json/i.test(contentType) ? `malformed JSON (${contentType})` : contentType.split(';')[0];
    throw new KubeResponseError(
      `the server answered ${request.method} ${request.path} with ${what}, not a Kubernetes API object: check that the kubeconfig's server URL (${this.server.origin}) is the Kubernetes API server, not a proxy or a web page`,
    );
  }

  /** A streaming GET (watch); non-2xx answers reject with KubeApiError. */
  async stream(request: HttpRequest): Promise<http.IncomingMessage> {
    const response = await this.open(request, true);
    const statusCode = response.statusCode ?? 0;
    if (statusCode >= 200 && statusCode < 300) return response;
    const body = await HttpTransport.readBody(response);
    throw new KubeApiError(parseStatus(statusCode, body, request.method, response.headers['content-type']), statusCode);
  }

  close(): void {
    if (!this.options.processEndsOnClose) {
      this.agent.destroy();
      return;
    }
    // Idle kept-alive connections only keep the process from exiting; one still in use (a watch) is ended as before.
    for (const sockets of Object.values(this.agent.freeSockets)) for (const socket of sockets ?? []) socket.unref();
    for (const sockets of Object.values(this.agent.sockets)) for (const socket of sockets ?? []) socket.destroy();
  }
}
