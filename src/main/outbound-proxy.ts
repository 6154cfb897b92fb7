// The egress proxy, the same for every outbound connection a process makes, on both runtimes:
// webhook deliveries (fetch), OTLP over HTTP (Bun's fetch, or node:http on Node) and OTLP over gRPC
// (grpc-js). Each of those reads the proxy variables from the environment in its own way: Bun's
// fetch and Node's agents read either spelling, grpc-js only the lower-case one, and Node's fetch
// none until told. So the values Lumetry checked (config/variables.ts: HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY, upper case first, a secret's _FILE included) are written back under both spellings,
// and Node's fetch is pointed at them: what the configuration reports is what every client uses.
// grpc-js alone also reads grpc_proxy and no_grpc_proxy ahead of the others; they are removed, so
// OTLP over gRPC cannot take another way out than the rest, and the caller says so in the log.
import type { Config } from '../config/config.ts';
import type { Runtime } from '../runtime/types.ts';

const grpcOnly = ['grpc_proxy', 'no_grpc_proxy'];

/** Returns the names of the gRPC-only variables that were set and are now removed. */
export function useOutboundProxy(proxy: Config['proxy'], runtime: Runtime, env: Record<string, string | undefined> = process.env): string[] {
  const ignored = grpcOnly.filter((name) => env[name] !== undefined);
  for (const name of ignored) delete env[name];
  const values = { HTTPS_PROXY: proxy.https, HTTP_PROXY: proxy.http, NO_PROXY: proxy.noProxy };
  for (const [name, value] of Object.entries(values)) {
    for (const spelling of [name, name.toLowerCase()]) {
      if (value === undefined) delete env[spelling];
      else env[spelling] = value;
    }
  }
  runtime.useEnvironmentProxy?.();
  return ignored;
}
