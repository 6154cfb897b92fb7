// OTLP/HTTP through the runtime's own client (`Runtime.post`: Bun's fetch) instead of the SDK's
// node:http transport, which on Bun is a layer over that same client: through it an export cost
// the request path about 2 µs a request at 100% sampling (docs/performance.md). It answers as the
// SDK's transport does, so the export delegate, the drop counting and the partial-success reading
// see no difference: 2xx is success with the answer's bytes; 429, 502, 503, 504, a timeout and a
// connection refused, reset or unresolved are retried (five times at most, backing off from 1 s
// by 1.5x up to 5 s, honouring Retry-After, within the export's timeout); anything else fails,
// a redirect included (the POST never follows one: the headers carry credentials).
import { type ExportResponse, type IExporterTransport, OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import type { PostInit } from '../../runtime/types.ts';

export interface FetchTarget {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly gzip: boolean;
  /** For an HTTPS endpoint: the authorities its certificate must be signed by. */
  readonly ca: readonly string[] | undefined;
}

type Post = (url: string, init: PostInit) => Promise<Response>;

const retryableStatus = new Set([429, 502, 503, 504]);
const retryableNetwork = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH']);
const maxResponseBytes = 4 * 1024 * 1024;
const attempts = 5;

export function fetchTransport(post: Post, target: FetchTarget): IExporterTransport {
  const headers = { ...target.headers, 'Content-Type': 'application/x-protobuf', ...(target.gzip ? { 'Content-Encoding': 'gzip' } : {}) };
  const once = async (data: Uint8Array, timeoutMillis: number) => send(post, target, headers, target.gzip ? await gzip(data) : data, timeoutMillis);
  return {
    send: async (data, timeoutMillis) => {
      const deadline = performance.now() + timeoutMillis;
      let backoff = 1_000;
      let result = await once(data, timeoutMillis);
      for (let retry = 0; retry < attempts && result.status === 'retryable'; retry++) {
        const wait = result.retryInMillis ?? Math.min(backoff * (0.8 + Math.random() * 0.4), 5_000);
        backoff *= 1.5;
        const left = deadline - performance.now();
        if (wait > left) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0)));
        result = await once(data, deadline - performance.now());
      }
      return result;
    },
    shutdown: () => {},
  };
}

async function send(post: Post, target: FetchTarget, headers: Record<string, string>, body: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
  try {
    const response = await post(target.url, { headers, body, signal: AbortSignal.timeout(Math.max(Math.ceil(timeoutMillis), 1)), ca: target.ca });
    const answer = await readLimited(response);
    if (answer === undefined) return { status: 'failure', error: new Error(`OTLP export response body exceeded size limit of ${maxResponseBytes} bytes`) };
    if (response.ok) return { status: 'success', data: answer };
    if (retryableStatus.has(response.status)) return { status: 'retryable', retryInMillis: retryAfter(response.headers.get('retry-after')) };
    return { status: 'failure', error: new OTLPExporterError(response.statusText, response.status, new TextDecoder().decode(answer)) };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return { status: 'retryable', error: new Error('Request timed out') };
    // Bun puts the system's code on the error; fetch elsewhere puts it on the error's cause.
    const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
    return { status: typeof code === 'string' && retryableNetwork.has(code) ? 'retryable' : 'failure', error: error as Error } as ExportResponse;
  }
}

/** The answer's bytes, or undefined past the size limit (the rest is not read). */
async function readLimited(response: Response): Promise<Uint8Array | undefined> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.length;
    if (size > maxResponseBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(chunk.value);
  }
  if (chunks.length === 1) return chunks[0];
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/** Retry-After in milliseconds: seconds, or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number.parseInt(value, 10);
  if (Number.isInteger(seconds)) return seconds > 0 ? seconds * 1_000 : 0;
  const delay = new Date(value).getTime() - Date.now();
  return Number.isNaN(delay) ? undefined : Math.max(delay, 0);
}

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
}
