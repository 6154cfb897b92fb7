// The three Lumetry processes. Their names are the OpenTelemetry `service.name` and the log dataset.
export const serviceNames = ['ingest-api', 'console', 'worker'] as const;
export type ServiceName = (typeof serviceNames)[number];
