// Bun adapter: Bun.serve and bun:sqlite.
import { Database } from 'bun:sqlite';
import type { Server } from 'bun';
import type { FetchHandler, HttpServer, PostInit, Runtime, ServeOptions, ServerBindings, SqliteDatabase } from './types.ts';

/** The client's address is looked up only when something asks for it. */
class BunBindings implements ServerBindings {
  readonly #request: Request;
  readonly #server: Server<undefined>;

  constructor(request: Request, server: Server<undefined>) {
    this.#request = request;
    this.#server = server;
  }

  get remoteAddress(): string | undefined {
    return this.#server.requestIP(this.#request)?.address;
  }
}

async function serve(fetch: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    fetch: (request, bunServer) => fetch(request, new BunBindings(request, bunServer)),
  });
  return {
    port: server.port ?? options.port,
    // Without `true`, Bun stops listening and resolves once in-flight requests have finished.
    stop: () => server.stop(),
  };
}

function openSqlite(path: string): SqliteDatabase {
  const db = new Database(path, { create: true, strict: true });
  return {
    exec: (sql) => db.run(sql),
    prepare: (sql) => {
      const statement = db.prepare(sql);
      return {
        all: (...params) => statement.all(...params) as Record<string, unknown>[],
        get: (...params) => (statement.get(...params) as Record<string, unknown> | null) ?? undefined,
        run: (...params) => ({ changes: statement.run(...params).changes }),
      };
    },
    close: () => db.close(),
  };
}

/** Bun's fetch takes the CA list as its TLS option (in place of its bundled roots). */
function post(url: string, { ca, headers, body, signal }: PostInit): Promise<Response> {
  return fetch(url, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer>, signal, redirect: 'manual', ...(ca ? { tls: { ca: [...ca] } } : {}) });
}

export const runtime: Runtime = { name: 'bun', version: Bun.version, serve, openSqlite, post };
