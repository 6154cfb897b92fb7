// How every span Lumetry makes records a failure: `error.type` and status ERROR, whose description is
// the same type. A class of failure only, never an error's message, which can quote refused values.
// https://opentelemetry.io/docs/specs/semconv/general/recording-errors/
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { errorType } from '../storage/store-error.ts';

export function markFailed(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/** Ends `span` when `work` settles; if it throws, `failed` records it first (by default its errorType). */
export async function endedAfter<T>(span: Span, work: () => Promise<T>, failed: (span: Span, error: unknown) => void = markThrown): Promise<T> {
  try {
    return await work();
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function markThrown(span: Span, error: unknown): void {
  markFailed(span, errorType(error));
}
