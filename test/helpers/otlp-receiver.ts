// A real OTLP receiver on 127.0.0.1, as a collector would be: OTLP/HTTP with protobuf bodies
// (gzip or not) and OTLP/gRPC, each request decoded by test/helpers/otlp.ts. It can answer 401,
// answer slowly, or accept an export but refuse some of its items, to play a collector that
// refuses or lags.
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { decodeLogRecords, decodeMetrics, decodeSpans, type OtlpLogRecord, type OtlpMetric, type OtlpSpan } from './otlp.ts';

export type Signal = 'traces' | 'metrics' | 'logs';

export interface OtlpRequest {
  readonly signal: Signal;
  readonly protocol: 'grpc' | 'http/protobuf';
  /** Header names in lower case (gRPC metadata included). */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export interface ReceiverBehaviour {
  /** Answer 401 / UNAUTHENTICATED instead of accepting. */
  unauthorized?: boolean;
  /** Hold each answer this long. */
  delayMs?: number;
  /** Accept each export but answer that this many of its items were refused (OTLP partial success). */
  refuse?: { count: number; message: string };
}

export interface OtlpReceiver {
  readonly httpUrl: string;
  readonly grpcUrl: string;
  readonly requests: OtlpRequest[];
  behave(behaviour: ReceiverBehaviour): void;
  spans(): OtlpSpan[];
  metrics(): OtlpMetric[];
  logRecords(): OtlpLogRecord[];
  /** Resolves once `done` holds, failing after `timeoutMs`. */
  until(done: (receiver: OtlpReceiver) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const services: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export interface ReceiverOptions {
  /** Listen on these ports (to come back where a process expects it); free ones otherwise. */
  readonly http?: number;
  readonly grpc?: number;
  /** Serve HTTPS and gRPC over TLS with this PEM key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  let behaviour: ReceiverBehaviour = {};
  const hold = () => new Promise((resolve) => setTimeout(resolve, behaviour.delayMs ?? 0));

  const handle: RequestListener = async (request, response) => {
    const signal = (['traces', 'metrics', 'logs'] as const).find((s) => request.url === `/v1/${s}`);
    const raw = await readBody(request);
    if (!signal || request.method !== 'POST') return void response.writeHead(404).end();
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    requests.push({ signal, protocol: 'http/protobuf', headers: flatHeaders(request), body });
    await hold();
    if (behaviour.unauthorized) return void response.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(answer(behaviour));
  };
  const http = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => http.listen(options.http ?? 0, '127.0.0.1', resolve));

  const server = new grpc.Server();
  for (const [signal, path] of Object.entries(services) as [Signal, string][]) {
    const identity = (value: Buffer) => value;
    const definition = { Export: { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } };
    server.addService(definition as unknown as grpc.ServiceDefinition, {
      Export: async (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        // Every value of a key, as HTTP joins repeated headers: a header sent twice must show.
        const headers = Object.fromEntries(Object.keys(call.metadata.getMap()).map((key) => [key, call.metadata.get(key).map(String).join(', ')]));
        requests.push({ signal, protocol: 'grpc', headers, body: call.request });
        await hold();
        if (behaviour.unauthorized) return callback({ code: grpc.status.UNAUTHENTICATED, details: 'unauthorized' });
        callback(null, answer(behaviour));
      },
    });
  }
  const grpcPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.grpc ?? 0}`, credentials(options.tls), (error, port) => (error ? reject(error) : resolve(port))),
  );

  const of = <T>(signal: Signal, decode: (body: Uint8Array) => T[]) => requests.filter((r) => r.signal === signal).flatMap((r) => decode(r.body));
  const scheme = options.tls ? 'https' : 'http';
  const receiver: OtlpReceiver = {
    httpUrl: `${scheme}://127.0.0.1:${(http.address() as { port: number }).port}`,
    grpcUrl: `${scheme}://127.0.0.1:${grpcPort}`,
    requests,
    behave: (next) => {
      behaviour = next;
    },
    spans: () => of('traces', decodeSpans),
    metrics: () => of('metrics', decodeMetrics),
    logRecords: () => of('logs', decodeLogRecords),
    until: async (done, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(receiver)) {
        if (Date.now() > deadline) throw new Error(`OTLP receiver: condition not met in ${timeoutMs} ms (${requests.length} requests: ${requests.map((r) => `${r.protocol} ${r.signal}`).join(', ')})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      server.forceShutdown();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
  return receiver;
}

/**
 * An Export*ServiceResponse: empty, or with partial_success (1) { rejected items (1, int64),
 * error_message (2) }, the same field numbers for every signal.
 */
function answer({ refuse }: ReceiverBehaviour): Buffer {
  if (!refuse) return Buffer.alloc(0);
  const message = Buffer.from(refuse.message);
  const partial = Buffer.concat([Buffer.from([0x08, refuse.count]), Buffer.from([0x12, message.length]), message]);
  return Buffer.concat([Buffer.from([0x0a, partial.length]), partial]);
}

function credentials(tls: ReceiverOptions['tls']): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(tls.key), cert_chain: Buffer.from(tls.cert) }]);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : String(value)]));
}
