// The contract between runtime-neutral core code and the one module that knows Bun from Node.
// Core code receives a `Runtime` and never touches `Bun.*`, `node:sqlite` or `node:http` itself.

/** What every HTTP handler gets as its Hono `env`: facts only the server knows. */
export interface ServerBindings {
  readonly remoteAddress: string | undefined;
  /**
   * A request header (lower-case name) read without building the Request's Headers object, where
   * the server has a cheaper source (Node: the parsed IncomingMessage). Absent: use the Request.
   */
  header?(name: string): string | undefined;
  /**
   * Adds a response header without building the Response's Headers object, where the server can
   * (Node: on the ServerResponse, merged when the response is written). Absent: set it on the Response.
   */
  setResponseHeader?(name: string, value: string): void;
}

export type FetchHandler = (request: Request, bindings: ServerBindings) => Response | Promise<Response>;

export interface ServeOptions {
  readonly hostname: string;
  /** 0 picks a free port; `HttpServer.port` tells which. */
  readonly port: number;
}

export interface HttpServer {
  readonly port: number;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  stop(): Promise<void>;
}

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqliteStatement {
  all(...params: SqlValue[]): Record<string, unknown>[];
  get(...params: SqlValue[]): Record<string, unknown> | undefined;
  run(...params: SqlValue[]): { changes: number };
}

/** The synchronous subset both bun:sqlite and node:sqlite offer. */
export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** One POST: its headers, body, deadline, and the certificate authorities an HTTPS server must be signed by. */
export interface PostInit {
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly signal: AbortSignal;
  readonly ca: readonly string[] | undefined;
}

export interface Runtime {
  readonly name: 'bun' | 'node';
  readonly version: string;
  serve(fetch: FetchHandler, options: ServeOptions): Promise<HttpServer>;
  openSqlite(path: string): SqliteDatabase;
  /**
   * A POST through the runtime's own HTTP client, where OTLP export should use it instead of
   * node:http: Bun, whose node:http is a layer over its fetch (an export through it costs several
   * times the CPU). Absent on Node, whose node:http is the cheaper of its two clients. A redirect
   * is answered, never followed: the headers can carry credentials.
   */
  readonly post?: (url: string, init: PostInit) => Promise<Response>;
  /**
   * Makes fetch follow HTTP_PROXY, HTTPS_PROXY and NO_PROXY as process.env holds them now: Node's
   * fetch ignores them unless told. Absent on Bun, whose fetch reads them at every request.
   */
  readonly useEnvironmentProxy?: () => void;
}
