// Who is reporting: the OpenTelemetry resource every signal of this process carries.
// https://opentelemetry.io/docs/specs/semconv/resource/
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';

export interface ProcessIdentity {
  readonly service: string;
  readonly version: string;
  readonly instanceId: string;
  readonly host: string;
  readonly pid: number;
}

export function processResource(identity: ProcessIdentity): Resource {
  return resourceFromAttributes({
    'service.name': identity.service,
    'service.version': identity.version,
    'service.instance.id': identity.instanceId,
    'host.name': identity.host,
    'process.pid': identity.pid,
  });
}
