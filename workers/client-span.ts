// The client span of one delivery attempt. It names the destination by scheme, host and port only:
// a webhook URL's path and query often carry the receiver's secret token. An attempt after the
// first carries `http.request.resend_count`.
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
import { type Attributes, type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { markFailed } from '../src/telemetry/span-failure.ts';

/** `resends`: attempts made before this one. */
export function clientSpan(tracer: Tracer, url: URL, resends: number): Span {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const attributes: Attributes = { 'http.request.method': 'POST', 'server.address': url.hostname, 'server.port': port, 'url.scheme': url.protocol.slice(0, -1) };
  if (resends > 0) attributes['http.request.resend_count'] = resends;
  return tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes });
}

export function endClientSpan(span: Span, statusCode: number | null, errorType: string | null): void {
  if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode);
  if (errorType !== null) markFailed(span, errorType);
  span.end();
}
