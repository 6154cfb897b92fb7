// The closed set of storage failures callers act on. Drivers translate their own errors into these;
// the original error stays as `cause` for the log and never reaches a client.
export type StoreErrorCode = 'conflict' | 'unavailable';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  /** Worth trying again later: the data was fine, the database was not. */
  readonly retryable: boolean;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retryable = code === 'unavailable';
  }
}

/** A storage failure that running the same work again later can settle: an outage, not the data. */
export function isRetryable(error: unknown): error is StoreError {
  return error instanceof StoreError && error.retryable;
}

/** A span's `error.type` for a failure: a storage failure's code, or the error's class; never its message, which can quote values. */
export function errorType(error: unknown): string {
  if (error instanceof StoreError) return `store_${error.code}`;
  return error instanceof Error ? error.name : 'unknown';
}
