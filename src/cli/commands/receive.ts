// `lumetry receive`: a throwaway webhook receiver on 127.0.0.1 that prints each delivery it gets and,
// given the destination's signing secret in a file, whether its signature verifies. For trying
// Lumetry out and for checking that deliveries leave a host; not for production traffic.
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { loadRuntime } from '../../runtime/index.ts';
import { signatureHeader } from '../../../workers/signature.ts';
import { allowOnly, check } from '../args.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

const port = v.pipe(v.string(), v.regex(/^\d+$/, 'must be a port number'), v.transform(Number), v.maxValue(65535, 'must be from 0 to 65535'));

export const receiveCommand: Command = {
  words: ['receive'],
  usage: 'lumetry receive [--port 9000] [--secret-file FILE]',
  summary: 'run a test webhook receiver on 127.0.0.1 that prints deliveries (until Ctrl-C)',
  run: async (context) => {
    allowOnly(context.flags, ['port', 'secret-file']);
    const listenPort = check(port, context.flags.port ?? '9000', '--port');
    const secret = readSecret(context.flags['secret-file']);
    const runtime = await loadRuntime();
    const server = await runtime.serve(async (request) => {
      const body = await request.text();
      const header = request.headers.get('lumetry-signature') ?? '';
      const stamp = /^t=(\d+),/.exec(header)?.[1];
      const verdict = secret === undefined ? 'not checked' : stamp !== undefined && (await signatureHeader(secret, Number(stamp), body)) === header ? 'valid' : 'INVALID';
      context.io.out(
        `${new Date().toISOString()} ${request.method} ${new URL(request.url).pathname} event=${request.headers.get('lumetry-event-id')} type=${request.headers.get('lumetry-event-type')} attempt=${request.headers.get('lumetry-delivery-attempt')} signature=${verdict}\n  ${body}\n`,
      );
      return new Response(null, { status: 204 });
    }, { hostname: '127.0.0.1', port: listenPort });
    context.io.out(`receiving on http://127.0.0.1:${server.port}/ (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    await server.stop();
    return 0;
  },
};

function readSecret(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`--secret-file cannot be read (${(error as { code?: string }).code ?? 'error'})`);
  }
}
