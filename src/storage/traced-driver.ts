// Traces on: every statement run while a span is active (a request being handled, a worker's batch)
// gets a client span of its own, as the database conventions describe: named for its query summary
// (`SELECT api_keys`, `INSERT queue_items`), with the database system, the statement's command, its
// table when it has one, and on PostgreSQL the database, host and port from the configured URL
// (never its user, password or options). Statements inside a transaction are traced one by one
// too. Statements outside any span stay untraced, as polling and heartbeats do, so an idle process
// makes no traces. What a text says is worked out once per text (the drivers keep texts few:
// sql-shapes.ts). Neither parameter values nor the query text are recorded: Lumetry's statements are
// its own fixed texts, which the summary names, and a text with its padded IN list or many-row
// VALUES runs to kilobytes a span. A failure records its type, never its message (a database's
// message can quote the values it refused).
// https://opentelemetry.io/docs/specs/semconv/database/database-spans/
// https://opentelemetry.io/docs/specs/semconv/database/postgresql/
import { type Attributes, context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { endedAfter, markFailed } from '../telemetry/span-failure.ts';
import type { SqlDriver, SqlExecutor } from './sql.ts';
import { summarizeSql } from './sql-summary.ts';
import { errorType, StoreError } from './store-error.ts';

/** Far more than the distinct texts Lumetry sends; a bound all the same. */
const maxCachedTexts = 512;
const postgresDefaultPort = 5432;

interface Statement {
  readonly name: string;
  readonly attributes: Attributes;
}

/** `database` is what every statement's span says of the database (databaseAttributes). */
export function tracedDriver(driver: SqlDriver, tracer: Tracer, database: Attributes): SqlDriver {
  const statements = new Map<string, Statement>();
  const describe = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = statementOf(sql, database);
      if (statements.size >= maxCachedTexts) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
  const traced = <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    if (trace.getSpan(context.active()) === undefined) return run();
    const { name, attributes } = describe(sql);
    return endedAfter(tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }), run, recordFailure);
  };
  const executor = (inner: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => traced(sql, () => inner.query(sql, params)),
    execute: (sql, params) => traced(sql, () => inner.execute(sql, params)),
    // Scripts are the schema migrations, run at start-up outside any span.
    script: (sql) => inner.script(sql),
  });
  return {
    ...driver,
    ...executor(driver),
    transaction: (work) => driver.transaction((tx) => work(executor(tx))),
  };
}

/**
 * Marks `span` failed. Its `error.type` is the StoreError's code as Lumetry's callers see it
 * (`store_conflict`, `store_unavailable`, the same on both databases), else PostgreSQL's SQLSTATE,
 * else the error's class name; PostgreSQL's SQLSTATE is also `db.response.status_code`.
 */
function recordFailure(span: Span, error: unknown): void {
  const sqlState = sqlStateOf(error);
  const type = sqlState !== undefined && !(error instanceof StoreError) ? sqlState : errorType(error);
  markFailed(span, type);
  if (sqlState !== undefined) span.setAttribute('db.response.status_code', sqlState);
}

/** The SQLSTATE of a PostgreSQL error, thrown as it is or as the cause of a StoreError. */
function sqlStateOf(error: unknown): string | undefined {
  for (const candidate of [error, error instanceof Error ? error.cause : undefined]) {
    const { name, code } = (candidate ?? {}) as { name?: unknown; code?: unknown };
    if (name === 'PostgresError' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * What every statement's span says of the database: SQLite when there is no URL; PostgreSQL with
 * the database, host and port read from the URL, whose user, password and options are never read.
 * `db.namespace` is the database named in the URL: its schema is unknown without a query.
 */
export function databaseAttributes(databaseUrl: string | undefined): Attributes {
  if (databaseUrl === undefined) return { 'db.system.name': 'sqlite' };
  const url = new URL(databaseUrl);
  // As the driver reads it: the path as written, not percent-decoded.
  const database = url.pathname.slice(1);
  return {
    'db.system.name': 'postgresql',
    ...(database === '' ? {} : { 'db.namespace': database }),
    'server.address': url.hostname.replace(/^\[(.*)\]$/, '$1'),
    'server.port': url.port === '' ? postgresDefaultPort : Number(url.port),
  };
}

/** A statement's span name and attributes; the span is named for the system when the text names no operation. */
function statementOf(sql: string, database: Attributes): Statement {
  const { summary, operation, collection } = summarizeSql(sql);
  const attributes: Attributes = { ...database };
  if (operation !== undefined) attributes['db.operation.name'] = operation;
  if (collection !== undefined) attributes['db.collection.name'] = collection;
  if (summary !== '') attributes['db.query.summary'] = summary;
  return { name: summary || String(database['db.system.name']), attributes };
}
