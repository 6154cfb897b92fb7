// Who is reporting: the OpenTelemetry resource every signal of this process carries, with the runtime
// it runs on (Bun or Node.js) and the SDK the conventions require (telemetry.sdk.*). Attributes from
// OTEL_RESOURCE_ATTRIBUTES are added (and may set host.name), but a process's name, version, instance
// id and pid are always its own. https://opentelemetry.io/docs/specs/semconv/resource/
import { SDK_INFO } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';

export interface ProcessIdentity {
  readonly service: string;
  readonly version: string;
  readonly instanceId: string;
  readonly host: string;
  readonly pid: number;
  /** `process.runtime.name` (`bun`, or `nodejs` as the conventions name Node.js) and version. */
  readonly runtime?: { readonly name: 'bun' | 'node'; readonly version: string };
}

export interface ResourceSettings {
  readonly environment?: string | undefined;
  readonly extra?: Readonly<Record<string, string>>;
}

export function processResource(identity: ProcessIdentity, settings: ResourceSettings = {}): Resource {
  const own = { 'service.name': identity.service, 'service.version': identity.version, 'service.instance.id': identity.instanceId, 'process.pid': identity.pid };
  // Own attributes first for the order (target_info's label order), and again last so they win.
  const attributes: Record<string, string | number> = { ...own, 'host.name': identity.host };
  if (identity.runtime !== undefined) {
    attributes['process.runtime.name'] = identity.runtime.name === 'node' ? 'nodejs' : identity.runtime.name;
    attributes['process.runtime.version'] = identity.runtime.version;
  }
  for (const name of ['telemetry.sdk.name', 'telemetry.sdk.language', 'telemetry.sdk.version'] as const) attributes[name] = SDK_INFO[name];
  if (settings.environment !== undefined) attributes['deployment.environment.name'] = settings.environment;
  return resourceFromAttributes(Object.assign(attributes, settings.extra, own));
}
