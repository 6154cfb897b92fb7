// The storage contract every Lumetry process uses. Two adapters implement it (SQLite, PostgreSQL)
// and one contract test suite runs against both.
import type { QueueItem, QueueName } from '../queue/durable-queue.ts';
import type { Dialect } from './sql.ts';

export type ApiKeyScope = 'ingest' | 'console';
export const apiKeyScopes: readonly ApiKeyScope[] = ['ingest', 'console'];

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface ApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly scope: ApiKeyScope;
  /** Safe to display: identifies the key without revealing it. */
  readonly prefix: string;
  /** A console key that may also see system-wide operator views (System Health). */
  readonly admin: boolean;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface NewApiKey {
  readonly tenantId: string;
  readonly scope: ApiKeyScope;
  readonly prefix: string;
  readonly hash: string;
  readonly admin?: boolean;
}

export interface Destination {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly url: string;
  readonly signingSecret: string;
  /** Event types this destination receives; `*` matches every type. */
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewDestination = Pick<Destination, 'tenantId' | 'name' | 'url' | 'signingSecret' | 'eventTypes' | 'enabled'>;

/** An event as accepted from a tenant; `data` is its JSON object, serialised. */
export interface IncomingEvent {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: number | null;
  readonly data: string;
}

export interface AcceptedEvents {
  readonly accepted: readonly string[];
  readonly duplicates: readonly string[];
}

export interface FanOutResult {
  readonly events: number;
  readonly deliveries: number;
}

/** Why a delivery item whose payload names no delivery is parked: no later claim could read it either. */
export const unreadablePayload = 'damaged queue item: its payload names no delivery';

export interface DeliveryJobs {
  readonly jobs: DeliveryJob[];
  /** Items dead-lettered because their payload names no delivery. */
  readonly parked: readonly QueueItem[];
}

/** Everything one delivery attempt needs, read in one query. */
export interface DeliveryJob {
  readonly item: QueueItem;
  readonly deliveryId: string;
  readonly tenantId: string;
  /** HTTP attempts made before this one. */
  readonly attempts: number;
  readonly event: { readonly id: string; readonly type: string; readonly occurredAt: number | null; readonly receivedAt: number; readonly data: string };
  readonly destination: { readonly id: string; readonly url: string; readonly signingSecret: string; readonly enabled: boolean };
}

export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly job: DeliveryJob; readonly statusCode: number; readonly at: number }
  | { readonly kind: 'retry'; readonly job: DeliveryJob; readonly statusCode: number | null; readonly error: string; readonly errorType: string; readonly at: number; readonly nextAttemptAt: number }
  | { readonly kind: 'dead'; readonly job: DeliveryJob; readonly statusCode: number | null; readonly error: string; readonly errorType: string; readonly at: number };

export interface Heartbeat {
  readonly instanceId: string;
  readonly service: string;
  readonly host: string;
  readonly version: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  /** How often this instance beats; it counts as down after missing three. */
  readonly intervalMs: number;
  readonly ready: boolean;
  readonly failingChecks: readonly string[];
}

export interface ConsoleSession {
  readonly tenantId: string;
  readonly apiKeyId: string;
  readonly admin: boolean;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface EventSummary {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: number | null;
  readonly receivedAt: number;
  readonly processedAt: number | null;
}

export interface DeliverySummary {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly destinationId: string;
  readonly destinationName: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly lastAttemptAt: number | null;
  readonly nextAttemptAt: number | null;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
}

export interface Page {
  readonly limit: number;
  /** The id of the last item of the previous page; the next page starts after it (lists are newest first). */
  readonly before?: string | undefined;
}

export type DestinationPatch = Partial<Pick<Destination, 'name' | 'url' | 'eventTypes' | 'enabled'>>;

export type ReplayResult = 'replayed' | 'not_found' | 'not_dead';

export interface Store {
  readonly dialect: Dialect;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Fails with StoreError `conflict` when the name is taken. */
  createTenant(name: string): Promise<Tenant>;
  findTenant(idOrName: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  insertApiKey(key: NewApiKey): Promise<ApiKey>;
  /** Finds a key by the hash of its secret, revoked or not. */
  findApiKeyByHash(hash: string): Promise<ApiKey | undefined>;
  listApiKeys(tenantId: string): Promise<ApiKey[]>;
  /** Resolves false when the tenant has no such active key. */
  revokeApiKey(tenantId: string, keyId: string): Promise<boolean>;
  createDestination(destination: NewDestination): Promise<Destination>;
  listDestinations(tenantId: string): Promise<Destination[]>;
  getDestination(tenantId: string, id: string): Promise<Destination | undefined>;
  /** Resolves undefined when the tenant has no such destination. */
  updateDestination(tenantId: string, id: string, patch: DestinationPatch): Promise<Destination | undefined>;

  /** Stores a console session under the hash of its cookie value; also drops expired sessions. */
  createSession(hash: string, session: Omit<ConsoleSession, 'admin'>): Promise<void>;
  /** A live session: not expired, not revoked, and its API key not revoked; `admin` comes from that key. */
  findSession(hash: string): Promise<ConsoleSession | undefined>;
  revokeSession(hash: string): Promise<void>;

  /** Newest first. */
  listEvents(tenantId: string, page: Page): Promise<EventSummary[]>;
  /** Newest first, optionally only one status. */
  listDeliveries(tenantId: string, filter: Page & { status?: DeliveryStatus | undefined }): Promise<DeliverySummary[]>;
  /** Sends a dead-lettered delivery again with a fresh set of attempts. */
  replayDelivery(tenantId: string, id: string): Promise<ReplayResult>;

  /** Stores new events and their `ingest` queue items in one transaction; repeated ids are duplicates. */
  acceptEvents(tenantId: string, events: readonly IncomingEvent[], meta: { receivedAt: number; traceContext: string | null }): Promise<AcceptedEvents>;
  /** For claimed `ingest` items: one delivery per enabled, matching destination, queued on `delivery`; acks the items. One transaction. */
  fanOut(owner: string, items: readonly QueueItem[]): Promise<FanOutResult>;
  /**
   * Reads the jobs for claimed `delivery` items; acks (as done) items whose delivery no longer exists,
   * and dead-letters items whose payload names no delivery, so that one damaged item holds back none.
   */
  loadDeliveryJobs(owner: string, items: readonly QueueItem[]): Promise<DeliveryJobs>;
  /** Records attempts and settles their queue items (ack, retry at a time, dead-letter). One transaction. */
  recordDeliveryOutcomes(owner: string, outcomes: readonly DeliveryOutcome[]): Promise<void>;
  /**
   * Calls `onWork` soon after another process commits new work to a queue, where the database can
   * tell (PostgreSQL); elsewhere it never calls and workers rely on polling. Resolves a stop function.
   */
  onWork(onWork: (queue: QueueName) => void): Promise<() => Promise<void>>;
  recordHeartbeat(heartbeat: Heartbeat): Promise<void>;
  removeHeartbeat(instanceId: string): Promise<void>;
  /** Forgets instances not seen for `missedBeats` of their own intervals (they crashed or were killed). */
  pruneHeartbeats(now: number, missedBeats: number): Promise<number>;
  listHeartbeats(): Promise<Heartbeat[]>;
  close(): Promise<void>;
}
