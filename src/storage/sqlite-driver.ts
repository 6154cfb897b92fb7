// SQLite driver over the runtime's synchronous binding (bun:sqlite or node:sqlite).
// WAL lets the three processes read while one writes; `BEGIN IMMEDIATE` takes the write lock up front
// so a transaction never fails half-way on a lock upgrade; synchronous=FULL makes a commit durable
// before the caller is told so. One connection per process, so calls are serialised by a queue:
// an awaiting transaction must not have another caller's statements run inside it.
// Waiting for another process's write lock: SQLite's own busy wait sleeps inside the call, which
// stops the event loop, and with it /livez, /metrics and every other request, for as long as the
// lock is held (an operator's VACUUM, a long transaction in the sqlite3 shell). So SQLite waits at
// most `syncWaitMs` itself, enough for Lumetry's own short transactions; past that, a call that can
// safely be tried again (BEGIN IMMEDIATE, a statement outside a transaction) waits on a timer and
// tries again until `busyTimeoutMs` has passed, then fails as storage unavailable.
import type { Runtime } from '../runtime/index.ts';
import type { SqliteDatabase, SqliteStatement, SqlValue } from '../runtime/types.ts';
import type { Param, Row, SqlDriver, SqlExecutor } from './sql.ts';
import { StoreError } from './store-error.ts';

const maxCachedStatements = 200;
/** The longest SQLite may block the event loop waiting for a lock in one try. */
const syncWaitMs = 10;
const maxRetryDelayMs = 100;

export interface SqliteOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
}

export function openSqliteDriver(runtime: Runtime, options: SqliteOptions): SqlDriver {
  // Processes opening a new file together race to switch it to WAL, and SQLite may answer "locked"
  // without waiting (when waiting could deadlock): translated, that is a retryable start-up failure.
  const db = translate(() => {
    const opened = runtime.openSqlite(options.path);
    try {
      opened.exec(`PRAGMA busy_timeout = ${Math.min(options.busyTimeoutMs, syncWaitMs)}`);
      opened.exec('PRAGMA journal_mode = WAL');
      opened.exec('PRAGMA synchronous = FULL');
      opened.exec('PRAGMA foreign_keys = ON');
      return opened;
    } catch (error) {
      opened.close();
      throw error;
    }
  });

  // Most recently used first out; statement texts are kept few (sql-shapes.ts), this is the backstop.
  const statements = new Map<string, SqliteStatement>();
  const prepare = (sql: string): SqliteStatement => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else statement = db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
    statements.set(sql, statement);
    if (statements.size > maxCachedStatements) statements.delete(statements.keys().next().value!);
    return statement;
  };
  /** The statements, each run by `attempt`. */
  const executor = (attempt: <T>(work: () => T) => Promise<T>): SqlExecutor => ({
    query: (sql, params = []) => attempt(() => prepare(sql).all(...bind(params)) as Row[]),
    execute: (sql, params = []) => attempt(() => prepare(sql).run(...bind(params)).changes),
    script: (sql) => attempt(() => db.exec(sql)),
  });
  // Inside a transaction, which already holds the write lock.
  const direct = executor(async (work) => translate(work));
  const patiently = <T>(work: () => T) => untilUnlocked(work, options.busyTimeoutMs);
  const outside = executor(patiently);

  let tail: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };

  return {
    dialect: 'sqlite',
    query: (sql, params) => serialised(() => outside.query(sql, params)),
    execute: (sql, params) => serialised(() => outside.execute(sql, params)),
    // A script stopped by a lock half-way could not be run again whole: it takes the lock first.
    script: (sql) => transaction((tx) => tx.script(sql)),
    transaction,
    close: () => serialised(async () => db.close()),
  };

  function transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return serialised(async () => {
      await patiently(() => db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await work(direct);
        translate(() => db.exec('COMMIT'));
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    });
  }
}

/**
 * Runs `work`, trying again on a timer while another connection holds the lock, for up to
 * `timeoutMs` in all; the delays grow to `maxRetryDelayMs`. Only for work that changed nothing
 * when the lock stopped it.
 */
async function untilUnlocked<T>(work: () => T, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, maxRetryDelayMs)) {
    try {
      return translate(work);
    } catch (error) {
      const left = deadline - performance.now();
      if (!isLocked(error) || left <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    }
  }
}

function isLocked(error: unknown): boolean {
  return error instanceof StoreError && /database is locked|SQLITE_BUSY/i.test(String((error.cause as Error | undefined)?.message ?? error.cause));
}

function bind(params: readonly Param[]): SqlValue[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

function translate<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const text = String((error as Error).message ?? error);
    if (/UNIQUE constraint failed|PRIMARY KEY constraint failed/.test(text)) {
      throw new StoreError('conflict', 'a record with the same key exists', { cause: error });
    }
    if (/database is locked|SQLITE_BUSY|disk I\/O error|database or disk is full|unable to open/i.test(text)) {
      throw new StoreError('unavailable', 'the SQLite database is not available', { cause: error });
    }
    throw error;
  }
}
