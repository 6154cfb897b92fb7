// The small SQL surface the store needs, implemented by the SQLite and PostgreSQL drivers.
// Statements use PostgreSQL-style numbered placeholders ($1, $2…); the SQLite driver maps them.

export type Dialect = 'sqlite' | 'postgres';
export type Param = string | number | boolean | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  query(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /** Runs one statement and resolves the number of rows it changed. */
  execute(sql: string, params?: readonly Param[]): Promise<number>;
  /** Runs several statements without parameters (schema migrations). */
  script(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: Dialect;
  /** Runs `work` in one transaction that holds the database's write lock where the dialect has one. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Where the database can signal other processes (PostgreSQL NOTIFY): `notify` inside a
   * transaction is delivered to listeners when it commits. Absent on SQLite, where workers poll.
   */
  readonly signals?: {
    notify(tx: SqlExecutor, channel: string, payload: string): Promise<void>;
    listen(channel: string, onSignal: (payload: string) => void): Promise<() => Promise<void>>;
  };
  close(): Promise<void>;
}
