// Node.js adapter: @hono/node-server over node:http, and node:sqlite.
import { serve as nodeServe } from '@hono/node-server';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { DatabaseSync } from 'node:sqlite';
import type { FetchHandler, HttpServer, Runtime, ServeOptions, ServerBindings, SqliteDatabase } from './types.ts';

/** Reads from the IncomingMessage node:http already parsed and writes headers on the ServerResponse:
 * @hono/node-server builds a Request's or Response's Headers only when something touches them, and
 * then leaves its fast path (about a fifth of the throughput of a small JSON answer). */
class NodeBindings implements ServerBindings {
  readonly #incoming: IncomingMessage | Http2ServerRequest;
  readonly #outgoing: ServerResponse | Http2ServerResponse;

  constructor(incoming: IncomingMessage | Http2ServerRequest, outgoing: ServerResponse | Http2ServerResponse) {
    this.#incoming = incoming;
    this.#outgoing = outgoing;
  }

  setResponseHeader(name: string, value: string): void {
    this.#outgoing.setHeader(name, value);
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
        fetch: (request, env) => fetch(request, new NodeBindings(env.incoming, env.outgoing)),
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

export const runtime: Runtime = { name: 'node', version: process.versions.node, serve, openSqlite };
