// Bun adapter: Bun.serve and bun:sqlite.
import { Database } from 'bun:sqlite';
import type { FetchHandler, HttpServer, Runtime, ServeOptions, SqliteDatabase } from './types.ts';

async function serve(fetch: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    fetch: (request, bunServer) => fetch(request, { remoteAddress: bunServer.requestIP(request)?.address }),
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

export const runtime: Runtime = { name: 'bun', version: Bun.version, serve, openSqlite };
