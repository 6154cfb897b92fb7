// Database spans as a collector receives them, on SQLite and on PostgreSQL: each store call made under
// a span is an internal `store <method>` span whose children are its statements' client spans, named
// for their query summary and carrying the database conventions' attributes (on PostgreSQL the
// database, host and port of the configured URL, never its password); idle work (polling, claims,
// heartbeats) exports nothing. A failed statement records its type and SQLSTATE, never the
// database's message. The whole stack against a real OTLP receiver, and the real drivers in process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { migrate } from '../src/storage/migrate.ts';
import { createSqlStore } from '../src/storage/sql-store.ts';
import { StoreError } from '../src/storage/store-error.ts';
import { databaseAttributes, tracedDriver } from '../src/storage/traced-driver.ts';
import { tracedStore } from '../src/storage/traced-store.ts';
import { type OtlpReceiver, startOtlpReceiver } from './helpers/otlp-receiver.ts';
import { assertNoneRunning } from './helpers/processes.ts';
import { startReceiver } from './helpers/receiver.ts';
import { sqlTargets, type TestDatabase } from './helpers/sql-targets.ts';
import { addDestination, createTenant, startStack } from './helpers/stack.ts';

const callerTrace = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
const statementKeys = new Set(['db.system.name', 'db.operation.name', 'db.collection.name', 'db.query.summary', 'db.namespace', 'server.address', 'server.port']);

test('a PostgreSQL URL gives spans its database, host and port, nothing else', () => {
  assert.deepEqual(databaseAttributes('postgres://app:s3cret@[::1]/lumetry_prod?sslmode=require&password=other'), {
    'db.system.name': 'postgresql',
    'db.namespace': 'lumetry_prod',
    'server.address': '::1',
    'server.port': 5432,
  });
  assert.deepEqual(databaseAttributes('postgresql://app@db.internal:6432'), { 'db.system.name': 'postgresql', 'server.address': 'db.internal', 'server.port': 6432 });
  assert.deepEqual(databaseAttributes(undefined), { 'db.system.name': 'sqlite' });
});

for (const target of sqlTargets) {
  describe(`database spans on ${target.name}`, { skip: target.skip }, () => {
    const postgres = target.name === 'postgres';
    let database: TestDatabase;
    let otlp: OtlpReceiver;
    /** The URL the processes get: the test database's, with a password to look for in what is exported. */
    let databaseUrl: URL | undefined;

    before(async () => {
      database = await target.create();
      otlp = await startOtlpReceiver();
      if (postgres) {
        databaseUrl = new URL(database.location);
        if (databaseUrl.password === '') databaseUrl.password = `pw-${crypto.randomUUID()}`;
      }
    });
    after(async () => {
      await otlp?.close();
      await database?.destroy();
      assertNoneRunning();
    });

    /** What a statement span on this database says besides its statement. */
    const connection = (): Record<string, string | number> =>
      databaseUrl
        ? { 'db.system.name': 'postgresql', 'db.namespace': databaseUrl.pathname.slice(1), 'server.address': databaseUrl.hostname, 'server.port': Number(databaseUrl.port || 5432) }
        : { 'db.system.name': 'sqlite' };

    test('each store call under a span is an operation span over one client span per statement; idle work exports nothing', { timeout: 90_000 }, async () => {
      const webhook = await startReceiver();
      const settings = {
        ...(await target.settings(database)),
        ...(databaseUrl ? { LUMETRY_DATABASE_URL: databaseUrl.toString() } : {}),
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.httpUrl,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LUMETRY_WORKER_IDLE_POLL_MS: '50',
        LUMETRY_HEARTBEAT_INTERVAL_MS: '200',
      };
      try {
        const tenant = await createTenant(settings, 'spans');
        await addDestination(settings, tenant.id, `${webhook.url}/hook`);
        const stack = await startStack(settings);
        try {
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          assert.deepEqual(otlp.spans().map((s) => s.name), [], 'polling, claims and heartbeats outside any span export nothing');
          const response = await fetch(`${stack.url('ingest-api')}/v1/events`, {
            method: 'POST',
            headers: { traceparent: `00-${callerTrace.traceId}-${callerTrace.spanId}-01`, authorization: `Bearer ${tenant.ingestKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ id: 'spanned-1', type: 'order.created', data: { note: 'kept out of spans' } }),
          });
          assert.equal(response.status, 202);
          await webhook.until((got) => got.length === 1);
          await otlp.until((r) => r.spans().some((s) => s.name === 'store recordDeliveryOutcomes'));
          // More beats and claims, after the work: still nothing.
          await new Promise((resolve) => setTimeout(resolve, 500));
        } finally {
          await stack.stop();
        }

        const spans = otlp.spans();
        const one = (name: string, kind: number, parent: { spanId: string }) => {
          const found = spans.filter((s) => s.name === name && s.kind === kind && s.parentSpanId === parent.spanId);
          assert.equal(found.length, 1, `one ${name} span (kind ${kind}) under ${parent.spanId}; spans: ${spans.map((s) => `${s.name}/${s.kind}/${s.spanId}<${s.parentSpanId}`).join(', ')}`);
          return found[0]!;
        };
        const linkedBatch = (name: string) => {
          const found = spans.find((s) => s.name === name && s.links.length === 1);
          assert.ok(found, `a ${name} batch span`);
          return found;
        };
        /** The operation span under `parent` and the names of its statements, in the order they ran. */
        const operation = (method: string, parent: { spanId: string }) => {
          const span = one(`store ${method}`, 1, parent);
          assert.deepEqual(span.attributes, {}, `store ${method} carries no database attributes: its statements do`);
          assert.equal(span.statusCode, 0);
          return spans.filter((s) => s.parentSpanId === span.spanId).map((s) => s.name);
        };
        const notify = postgres ? ['SELECT'] : [];

        const server = one('POST /v1/events', 2, callerTrace);
        assert.deepEqual(operation('findApiKeyByHash', server), ['SELECT api_keys']);
        assert.deepEqual(operation('acceptEvents', one('send ingest', 4, server)), ['INSERT events', 'INSERT queue_items', ...notify]);
        assert.deepEqual(operation('fanOut', linkedBatch('fan_out ingest')), [
          'SELECT destinations',
          'SELECT events',
          'INSERT deliveries',
          'INSERT queue_items',
          'UPDATE events',
          'DELETE queue_items',
          ...notify,
        ]);
        assert.deepEqual(operation('loadDeliveryJobs', linkedBatch('receive delivery')), ['SELECT deliveries events destinations']);
        assert.deepEqual(operation('recordDeliveryOutcomes', linkedBatch('settle delivery')), ['UPDATE deliveries', 'DELETE queue_items']);

        const operations = new Set(spans.filter((s) => s.name.startsWith('store ')).map((s) => s.spanId));
        const statements = spans.filter((s) => s.attributes['db.system.name'] !== undefined);
        assert.equal(statements.length, postgres ? 14 : 12, 'no statement spans besides those above');
        for (const statement of statements) {
          const what = `${statement.name}: ${JSON.stringify(statement.attributes)}`;
          assert.equal(statement.kind, 3, what);
          assert.ok(operations.has(statement.parentSpanId), `${what} is a child of its store operation`);
          assert.equal(statement.statusCode, 0, what);
          const [command, ...tables] = statement.name.split(' ');
          assert.deepEqual(
            statement.attributes,
            {
              ...connection(),
              'db.operation.name': command,
              'db.query.summary': statement.name,
              ...(tables.length === 1 ? { 'db.collection.name': tables[0] } : {}),
            },
            what,
          );
          for (const key of Object.keys(statement.attributes)) assert.ok(statementKeys.has(key), `${what}: no ${key}`);
        }
        assert.ok(!spans.some((s) => /instance_heartbeats|^UPDATE queue_items SELECT queue_items$/.test(s.name)), 'heartbeats and claims are never traced');
        const exported = Buffer.concat(otlp.requests.filter((r) => r.signal === 'traces').map((r) => Buffer.from(r.body)));
        assert.ok(!exported.includes('kept out of spans'), 'no parameter value is exported');
        if (databaseUrl) {
          assert.ok(!exported.includes(decodeURIComponent(databaseUrl.password)), 'the database password is never exported');
          assert.ok(!exported.includes(`${databaseUrl.username}@`), 'nor the URL with its user');
        }
      } finally {
        await webhook.close();
      }
    });

    test('a failed statement records its type and SQLSTATE, and its operation its type, never the message', async () => {
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
      const tracer = provider.getTracer('test');
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const driver = await database.connect();
      try {
        await migrate(driver);
        const traced = tracedDriver(driver, tracer, databaseAttributes(databaseUrl?.toString()));
        const store = tracedStore(createSqlStore(traced), tracer);
        await store.createTenant('value-in-the-message');
        await tracer.startActiveSpan('request', { kind: SpanKind.SERVER }, async (request) => {
          await assert.rejects(store.createTenant('value-in-the-message'), (error: unknown) => error instanceof StoreError && error.code === 'conflict');
          await assert.rejects(traced.transaction((tx) => tx.query('SELECT id FROM no_such_table WHERE id = $1', ['value-in-the-message'])));
          request.end();
        });
      } finally {
        await driver.close();
        context.disable();
      }
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans();
      assert.deepEqual(spans.map((s) => s.name), ['INSERT tenants', 'store createTenant', 'SELECT no_such_table', 'request'], 'only work under a span is traced');
      const [conflict, createTenant, missing] = spans as [ReadableSpan, ReadableSpan, ReadableSpan];
      assert.equal(conflict.attributes['error.type'], 'store_conflict');
      assert.equal(conflict.attributes['db.response.status_code'], postgres ? '23505' : undefined);
      assert.deepEqual(createTenant.attributes, { 'error.type': 'store_conflict' });
      assert.match(String(missing.attributes['error.type']), postgres ? /^42P01$/ : /^[A-Za-z]*Error$/, 'the SQLSTATE on PostgreSQL, the error class name on SQLite');
      assert.equal(missing.attributes['db.response.status_code'], postgres ? '42P01' : undefined);
      for (const span of [conflict, createTenant, missing]) {
        assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: span.attributes['error.type'] }, `${span.name}: the status gives the type only`);
        assert.ok(!JSON.stringify(span.attributes).includes('value-in-the-message'));
      }
      assert.deepEqual([conflict.kind, createTenant.kind, missing.kind], [SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.CLIENT]);
      assert.equal(conflict.parentSpanContext?.spanId, createTenant.spanContext().spanId, 'the statement is a child of its operation');
    });
  });
}
