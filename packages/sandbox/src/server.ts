// The HTTPS front: TLS, bearer-token authentication, fault injection, routing to the APIs, and the connection
// bookkeeping that lets the sandbox stop (or refuse connections) promptly even with watches open.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { anonymousUser, publicInfoPaths } from './authorization.js';
import { impersonatedUser } from './impersonation.js';
import { discoveryDocuments } from './discovery.js';
import type { Faults } from './faults.js';
import { wantsPrettyJson } from './json.js';
import type { LeaseApi } from './leases-api.js';
import type { NamespaceRegistry } from './namespaces.js';
import { openApiV2Path, openApiV3Documents, serveOpenApiV2 } from './openapi.js';
import { type ApiReply, type ApiRequest, jsonReply, type User } from './request.js';
import {
  badRequest, forbiddenPath, internalError, methodNotAllowed, pathNotFound, requestEntityTooLarge, StatusError, unauthorized,
} from './status.js';

export interface ApiServerOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  /** Bearer token → user. */
  users: Map<string, User>;
  faults: Faults;
  leases: LeaseApi;
  namespaces: NamespaceRegistry;
}

/** Go's http.Server default MaxHeaderBytes (1 MiB) plus the 4 KiB it allows beyond it; Node's own is 16 KiB. */
const maxHeaderBytes = (1 << 20) + 4096;

/** The apiserver's request body limit (3 MiB). */
const maxBodyBytes = 3 * 1024 * 1024;

const leasePath = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;
const allLeasesPath = /^\/apis\/coordination\.k8s\.io\/v1\/leases$/;
const namespacePath = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/;
const faultsPath = '/_sandbox/faults';
/** Paths whose denials the resource handlers word themselves (`leases.coordination.k8s.io "x" is forbidden: …`). */
const isResourcePath = (pathname: string) => leasePath.test(pathname) || allLeasesPath.test(pathname) || namespacePath.test(pathname);

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // The rest is read and dropped rather than the connection cut, so that the client gets its 413.
      if (size > maxBodyBytes) {
        chunks.length = 0;
        reject(requestEntityTooLarge(maxBodyBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function reportRequestError(request: IncomingMessage, error: Error): void {
  process.stderr.write(`sandbox: ${request.method} ${request.url}: ${error.message}\n`);
}

export class ApiServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Discovery and OpenAPI v3 documents by path: fixed once the port is known. */
  private staticDocuments = new Map<string, unknown>();
  /** Headers every apiserver response carries besides Audit-Id. */
  private readonly flowControlHeaders = {
    'X-Kubernetes-Pf-Flowschema-Uid': randomUUID(),
    'X-Kubernetes-Pf-Prioritylevel-Uid': randomUUID(),
  };
  port = 0;
  /** Set by close(): a scheduled end of refusing connections must not bring a stopped sandbox back. */
  private closed = false;

  constructor(private readonly options: ApiServerOptions) {
    this.server = createServer({ cert: options.certPem, key: options.keyPem, keepAlive: true, maxHeaderSize: maxHeaderBytes }, (request, response) => {
      // A stream's error with no listener is thrown and ends the process: one request's failure is that request's.
      // A client hanging up mid-request ('aborted') is how many requests end, watches above all: not worth a word.
      request.on('error', () => {});
      response.on('error', (error) => reportRequestError(request, error));
      void this.serve(request, response);
    });
    this.server.keepAliveTimeout = 65_000;
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      // net/http's answer to a request line and headers over its limit, body included.
      if (error.code === 'HPE_HEADER_OVERFLOW' && socket.writable) {
        // Answer once the client has sent what it is sending (its input idle for a moment), reading and dropping it
        // meanwhile: closing with unread input, or while the client still writes, resets the connection and the
        // client loses the answer (seen on Node 24). net/http likewise reads on before it closes.
        let idle: NodeJS.Timeout | undefined;
        let answered = false;
        const answer = () => {
          answered = true;
          socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large');
          setTimeout(() => socket.destroy(), 2_000).unref();
        };
        const rearm = () => {
          clearTimeout(idle);
          if (!answered) idle = setTimeout(answer, 50);
        };
        socket.on('data', rearm);
        socket.on('error', () => {});
        socket.resume();
        rearm();
        // A client that never stops sending is cut off all the same.
        setTimeout(() => socket.destroy(), 10_000).unref();
      } else {
        socket.destroy();
      }
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `https://${this.options.host}:${this.port}`;
  }

  async startListening(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port || this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.staticDocuments = new Map([...discoveryDocuments(`${this.options.host}:${this.port}`), ...openApiV3Documents]);
  }

  /** Stops accepting and drops every open connection, watches included. */
  async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Stops for good. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.server.listening) await this.stopListening();
    else for (const socket of this.sockets) socket.destroy();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const auditHeaders = { 'Audit-Id': randomUUID(), 'Cache-Control': 'no-cache, private', ...this.flowControlHeaders };
    try {
      const reply = await this.route(request, response, auditHeaders);
      if (reply) this.send(response, reply, auditHeaders);
    } catch (error) {
      const status = error instanceof StatusError ? error : internalError(error instanceof Error ? error.message : String(error));
      if (!(error instanceof StatusError)) process.stderr.write(`sandbox: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (response.headersSent) {
        response.end();
        return;
      }
      const userAgent = request.headers['user-agent'];
      // A 406 has no negotiated serializer, so the apiserver falls back to indented JSON.
      const pretty = wantsPrettyJson(userAgent) || status.status.code === 406;
      const body = jsonReply(pretty, status.status.code ?? 500, status.status, status.headers);
      this.send(response, body, auditHeaders);
    }
  }

  private send(response: ServerResponse, reply: ApiReply, auditHeaders: Record<string, string>): void {
    if (response.destroyed) return;
    const headers: Record<string, string | string[]> = { ...auditHeaders, ...reply.headers };
    // A 304 has no body, so nothing describes one (net/http drops both headers too).
    if (reply.code === 304) delete headers['Content-Type'];
    else Object.assign(headers, { 'Content-Type': headers['Content-Type'] ?? 'application/json', 'Content-Length': String(Buffer.byteLength(reply.body)) });
    response.writeHead(reply.code, headers);
    response.end(reply.body);
  }

  /** No credentials make the anonymous user; wrong ones are a 401. Impersonation headers then change who it is. */
  private authenticate(request: IncomingMessage): User {
    const header = request.headers.authorization;
    const match = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header);
    const user = header === undefined ? anonymousUser : match ? this.options.users.get(match[1]!) : undefined;
    if (!user) throw unauthorized();
    return impersonatedUser(user, request, this.options.users.values());
  }

  private async route(request: IncomingMessage, response: ServerResponse, auditHeaders: Record<string, string>): Promise<ApiReply | undefined> {
    // The path as sent: kube-apiserver does not resolve `.` or `..` segments (URL parsing would).
    const target = request.url ?? '/';
    const queryStart = target.indexOf('?');
    const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1));
    const method = request.method ?? 'GET';
    const userAgent = request.headers['user-agent'] ?? '';
    const pretty = wantsPrettyJson(userAgent);

    // Fault control is exempt from the faults it controls, or a paused sandbox could never be resumed.
    if (pathname === faultsPath) return this.serveFaultControl(request, method, pretty);

    const { faults } = this.options;
    await faults.untilResumed();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const injected = faults.injectedError();
    if (injected) throw injected;

    const user = this.authenticate(request);
    const apiRequest: ApiRequest = {
      method, pathname, query, headers: request.headers, user, userAgent, pretty,
      readBody: () => readBody(request),
    };

    if (!user.canRead && !publicInfoPaths.has(pathname) && !isResourcePath(pathname)) throw forbiddenPath(user.name, method.toLowerCase(), pathname);
    const document = this.staticDocuments.get(pathname);
    if (document !== undefined) {
      if (method !== 'GET') throw methodNotAllowed();
      // The version handler indents its answer whoever asks.
      return jsonReply(apiRequest.pretty || pathname === '/version', 200, document);
    }
    if (pathname === openApiV2Path) return serveOpenApiV2(apiRequest);
    if (pathname === '/healthz' || pathname === '/livez' || pathname === '/readyz') {
      return { code: 200, body: 'ok', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    }
    const segment = (value: string | undefined) => (value === undefined ? undefined : decodeURIComponent(value));
    let match = leasePath.exec(pathname);
    if (match) return this.options.leases.handle(apiRequest, response, { namespace: segment(match[1]), name: segment(match[2]) }, auditHeaders);
    if (allLeasesPath.test(pathname)) return this.options.leases.handle(apiRequest, response, { namespace: undefined, name: undefined }, auditHeaders);
    match = namespacePath.exec(pathname);
    if (match) return this.options.namespaces.handle(apiRequest, segment(match[1]));
    throw pathNotFound();
  }

  /**
   * `/_sandbox/faults` (admin token): GET answers the current FaultSettings; PUT takes a JSON object with any of
   * latencyMs, errorRate, errorCode, clockOffsetMs, paused and refuseConnectionsForMs (refuse, then listen again
   * after that many ms) and answers the settings after the change. A bad value is a 400 and changes nothing.
   */
  private async serveFaultControl(request: IncomingMessage, method: string, pretty: boolean): Promise<ApiReply> {
    const user = this.authenticate(request);
    const verb = method === 'GET' ? 'get' : method === 'PUT' ? 'put' : undefined;
    if (!verb) throw methodNotAllowed();
    if (!user.canWrite) throw forbiddenPath(user.name, verb, faultsPath);
    const reply = (value: unknown) => jsonReply(pretty, 200, value);
    if (method === 'GET') return reply(this.options.faults.settings());
    let change: unknown;
    try {
      change = JSON.parse((await readBody(request)).toString('utf8'));
    } catch {
      throw badRequest('fault settings must be a JSON object');
    }
    if (typeof change !== 'object' || change === null || Array.isArray(change)) throw badRequest('fault settings must be a JSON object');
    try {
      await this.options.faults.applyRemote(change as Record<string, unknown>);
    } catch (error) {
      if (error instanceof RangeError) throw badRequest(error.message);
      throw error;
    }
    return reply(this.options.faults.settings());
  }
}
