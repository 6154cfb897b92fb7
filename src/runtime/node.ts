// Node.js adapter: @hono/node-server over node:http, and node:sqlite.
import { serve as nodeServe } from '@hono/node-server';
import { type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, type Server, ServerResponse, setGlobalProxyFromEnv } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { DatabaseSync } from 'node:sqlite';
import type { FetchHandler, HttpServer, Runtime, ServeOptions, ServerBindings, SqliteDatabase } from './types.ts';

/**
 * A response that takes headers added by Lumetry into the object `writeHead` is given. A header set
 * with `setHeader` before `writeHead` sends node:http down its slow path, which validates and stores
 * every header of the response again (about 5 µs a request here, for the X-Request-Id alone:
 * docs/performance.md). An added header replaces the app's own of the same name, as on Bun, where it
 * is set on the Response: the client sees the request id its request event was logged with.
 */
class AddedHeadersResponse<Incoming extends IncomingMessage = IncomingMessage> extends ServerResponse<Incoming> {
  #added: [string, string][] | undefined;

  addHeader(name: string, value: string): void {
    (this.#added ??= []).push([name, value]);
  }

  override writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    const added = this.#added;
    if (added === undefined) return super.writeHead(statusCode, reason as string, headers);
    this.#added = undefined;
    if (typeof reason === 'string') return super.writeHead(statusCode, reason, withAdded(added, headers));
    return super.writeHead(statusCode, withAdded(added, reason));
  }
}

/** `given` with `added` merged in, in place of any header of the same name. */
function withAdded(added: [string, string][], given: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined): OutgoingHttpHeaders | OutgoingHttpHeader[] {
  if (given === undefined) return Object.fromEntries(added);
  if (Array.isArray(given)) {
    // node:http's flat form: name, value, name, value.
    const merged: OutgoingHttpHeader[] = [];
    for (let i = 0; i < given.length; i += 2) if (!isAdded(added, String(given[i]))) merged.push(given[i]!, given[i + 1]!);
    for (const [name, value] of added) merged.push(name, value);
    return merged;
  }
  const merged: OutgoingHttpHeaders = {};
  for (const key in given) if (!isAdded(added, key)) merged[key] = given[key];
  for (const [name, value] of added) merged[name] = value;
  return merged;
}

function isAdded(added: [string, string][], key: string): boolean {
  for (const [name] of added) if (name.length === key.length && name.toLowerCase() === key.toLowerCase()) return true;
  return false;
}

/** Reads from the IncomingMessage node:http already parsed and adds headers to the ServerResponse:
 * @hono/node-server builds a Request's or Response's Headers only when something touches them, and
 * then leaves its fast path (about a fifth of the throughput of a small JSON answer). */
class NodeBindings implements ServerBindings {
  readonly #incoming: IncomingMessage | Http2ServerRequest;
  readonly #outgoing: AddedHeadersResponse;

  constructor(incoming: IncomingMessage | Http2ServerRequest, outgoing: AddedHeadersResponse) {
    this.#incoming = incoming;
    this.#outgoing = outgoing;
  }

  setResponseHeader(name: string, value: string): void {
    this.#outgoing.addHeader(name, value);
  }

  get remoteAddress(): string | undefined {
    return this.#incoming.socket.remoteAddress;
  }

  header(name: string): string | undefined {
    const value = this.#incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

function serve(fetch: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = nodeServe(
      {
        hostname: options.hostname,
        port: options.port,
        serverOptions: { ServerResponse: AddedHeadersResponse },
        // Every response is an AddedHeadersResponse: `serverOptions` above.
        fetch: (request, env) => fetch(request, new NodeBindings(env.incoming, env.outgoing as AddedHeadersResponse)),
      },
      (info) => resolve({ port: info.port, stop: () => stop(server as Server) }),
    );
    server.once('error', reject);
  });
}

/** `close()` stops accepting and waits for open connections; idle keep-alive ones are closed as they
 * become idle, so a finished in-flight request does not hold shutdown until the keep-alive timeout. */
function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    sweeper.unref();
    server.close((error) => {
      clearInterval(sweeper);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path);
  return {
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      const statement = db.prepare(sql);
      return {
        all: (...params) => statement.all(...params) as Record<string, unknown>[],
        get: (...params) => statement.get(...params) as Record<string, unknown> | undefined,
        run: (...params) => ({ changes: Number(statement.run(...params).changes) }),
      };
    },
    close: () => db.close(),
  };
}

/** Tunnels plain http:// requests too (CONNECT), where Bun's fetch forwards them: the proxy must allow both. */
function useEnvironmentProxy(): void {
  setGlobalProxyFromEnv(process.env);
}

export const runtime: Runtime = { name: 'node', version: process.versions.node, serve, openSqlite, useEnvironmentProxy };
