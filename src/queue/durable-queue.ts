// The durable queue contract: items survive crashes and restarts, a claim holds an item under a
// lease, and an item whose lease expires is handed out again (at-least-once, never lost).
// One adapter today (tables in the store's database); the contract suite runs it on both dialects.

export const queueNames = ['ingest', 'delivery'] as const;
export type QueueName = (typeof queueNames)[number];

export interface NewQueueItem {
  readonly payload: string;
  /** When the work first arrived at Lumetry (the ingest request), for end-to-end latency. */
  readonly receivedAt: number;
  /** W3C `traceparent` of the request that created the work, if any. */
  readonly traceContext: string | null;
  /** Not before this time; defaults to now. */
  readonly availableAt?: number;
}

export interface QueueItem {
  readonly id: number;
  readonly queue: QueueName;
  readonly payload: string;
  readonly receivedAt: number;
  readonly enqueuedAt: number;
  readonly traceContext: string | null;
  /** Claims so far, including the one that returned this item. */
  readonly attempts: number;
}

export interface ClaimOptions {
  readonly limit: number;
  readonly leaseMs: number;
  /** Who holds the lease; ack, retry and dead-letter only act on items this owner holds. */
  readonly owner: string;
}

export interface QueueStats {
  /** Items waiting or in flight, not dead-lettered. */
  readonly depth: number;
  /** Age in milliseconds of the oldest item counted in `depth` (by when its work arrived); 0 when empty. */
  readonly oldestAgeMs: number;
  readonly inFlight: number;
  readonly deadLettered: number;
}

export interface DurableQueue {
  enqueue(queue: QueueName, items: readonly NewQueueItem[]): Promise<void>;
  claim(queue: QueueName, options: ClaimOptions): Promise<QueueItem[]>;
  /** Removes finished items. Resolves how many the owner still held. */
  ack(owner: string, ids: readonly number[]): Promise<number>;
  /** Gives the item back, to be claimed again from `availableAt`. */
  retry(owner: string, id: number, availableAt: number, error: string): Promise<boolean>;
  /** Parks the item for good: it is kept, counted and visible, but never claimed again. */
  deadLetter(owner: string, id: number, error: string): Promise<boolean>;
  /** Gives unstarted items back at once without counting the claim as an attempt (graceful stop). */
  release(owner: string, ids: readonly number[]): Promise<number>;
  stats(queue: QueueName): Promise<QueueStats>;
  /** Resolves when the queue's backend answers; cheap enough for every readiness probe. */
  ping(): Promise<void>;
}
