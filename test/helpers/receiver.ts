// A real webhook receiver on 127.0.0.1 that records every request and answers as a test says,
// so tests can check what Lumetry sent: bodies, headers, signatures, retries and their timing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadRuntime } from '../../src/runtime/index.ts';
import type { HttpServer } from '../../src/runtime/types.ts';

export interface Received {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

/** Decides the answer to one request; the default answers 204. */
export type Behaviour = (request: Received, earlier: readonly Received[]) => Response | Promise<Response>;

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  on(path: string, behaviour: Behaviour): void;
  /** Resolves once `done` holds, failing after `timeoutMs`. */
  until(done: (received: readonly Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const server: HttpServer = await (await loadRuntime()).serve(
    async (request) => {
      const entry: Received = {
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
        at: Date.now(),
      };
      const earlier = received.filter((r) => r.path === entry.path);
      received.push(entry);
      const behaviour = behaviours.get(entry.path);
      return behaviour ? behaviour(entry, earlier) : new Response(null, { status: 204 });
    },
    { hostname: '127.0.0.1', port: 0 },
  );
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    on: (path, behaviour) => void behaviours.set(path, behaviour),
    until: async (done, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms (${received.length} requests received)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => server.stop(),
  };
}

/** Checks a Lumetry-Signature header the way a receiver should (docs/deliveries.md). */
export function signatureIsValid(header: string | undefined, body: string, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
