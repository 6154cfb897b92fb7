// The client span of one delivery attempt. It names the destination by scheme, host and port only:
// a webhook URL's path and query often carry the receiver's secret token.
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';

export function clientSpan(tracer: Tracer, url: URL): Span {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return tracer.startSpan('POST', {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': 'POST', 'server.address': url.hostname, 'server.port': port, 'url.scheme': url.protocol.slice(0, -1) },
  });
}

export function endClientSpan(span: Span, statusCode: number | null, errorType: string | null): void {
  if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode);
  if (errorType !== null) {
    span.setAttribute('error.type', errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
