// Writes log lines to a file descriptor (stdout) without ever blocking the event loop. Lines are
// encoded as UTF-8 into one pending buffer (json-bytes.ts); one asynchronous write is in flight at a
// time and takes everything pending when it starts. Lines wait up to `lingerMs`, or until 64 KiB are
// pending, before a write starts: an asynchronous write costs about 10 µs, so one write per line or
// per event-loop turn would cost more than the lines. When the reader is slower than the producer,
// pending bytes stop at a bound and further lines are dropped whole and counted, so memory stays
// flat. `flushSync` empties what is left when the process must exit now, unless a write is still in
// flight: its reader has stalled, so a blocking write would hold the exit for as long as the reader
// stalls, and could tear the line in flight. (process.stdout.write is synchronous for files and
// terminals, and Bun's to a pipe can be too: a slow log shipper would stall every request.)
//
// A line can also be deferred: given as a function that encodes it, called when the next batch is
// made (or once `deferredBatch` are waiting). Made in a tight loop, away from the HTTP stack that
// runs between two requests, one request's line costs far less of the core than made in the
// request (docs/performance.md); lines keep their order, and every flush makes the deferred first.
//
// A pipe or socket on stdout or stderr is written through the runtime's own process.stdout (or
// stderr) stream: non-blocking on both runtimes, never holding the exit, and shared with anything
// else that writes there, so neither tears the other's lines. Files and terminals use fs.write. (A
// file write on Node runs on libuv's thread pool, which Node joins before it exits: one blocked on a
// stalled pipe held every exit forever.) Two buffers take turns: one is written while the other fills.
import { fstatSync, write, writeSync } from 'node:fs';
import { JsonBytes } from './json-bytes.ts';

/** Encodes one whole line, newline included, into `out`. */
export type LineFill = (out: JsonBytes) => void;

export interface LineWriter {
  /** A finished line, newline included. */
  write(line: string): void;
  /** Encodes a line now, in order with the rest. */
  encode(fill: LineFill): void;
  /** A line encoded by `fill` when the writer next makes a batch, in order with written lines. */
  defer(fill: LineFill): void;
  /** Makes the deferred lines now, in order (before what they also feed shuts down). */
  makeDeferred(): void;
  /** Resolves once everything written so far has reached the descriptor. */
  flush(): Promise<void>;
  /**
   * For the moment before process.exit: writes what is buffered, blocking, when no write is in
   * flight. With one in flight the reader has stalled: the buffered lines are given up.
   */
  flushSync(): void;
  /** Lines dropped because the buffer was full (or, a bug, a line could not be made). */
  readonly dropped: number;
}

const batchBytes = 64 * 1024;
/** A buffer's size: room for a batch and the line that takes it past `batchBytes`. */
const batchCapacity = batchBytes + 16 * 1024;
const lingerMs = 10;
/**
 * Deferred lines waiting at most, so that what they hold stays small, and so that the lines made at
 * once fit a buffer: 512 request events (about 600 bytes each with trace ids) grew it past
 * `batchCapacity` on every batch, reallocating and copying it (docs/performance.md).
 */
const deferredBatch = 64;

export function fdLineWriter(fd: number, maxBufferedBytes = 8 * 1024 * 1024): LineWriter {
  let pending = new JsonBytes(batchCapacity, maxBufferedBytes);
  /** The other buffer: the one being written, or free once its write is done. */
  let other = new JsonBytes(batchCapacity, maxBufferedBytes);
  let deferred: LineFill[] = [];
  let inFlight = false;
  let dropped = 0;
  let waiters: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Pending lines have waited long enough: write them once the write in flight is done. */
  let due = false;

  const settle = () => {
    if (inFlight || pending.at > 0 || deferred.length > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const stdio = fd === 1 ? process.stdout : fd === 2 ? process.stderr : undefined;
  const send = stdio !== undefined && isPipe(fd) ? streamSender(stdio) : fileSender(fd);

  // A write error (the reader went away) loses that batch; logging must never take the process down.
  const done = () => {
    inFlight = false;
    pump(due || waiters.length > 0 || pending.at >= batchBytes);
  };

  /** A line that does not fit (or, a bug, cannot be made) is lost whole and counted, never the process. */
  const append = (fill: LineFill) => {
    const start = pending.at;
    try {
      fill(pending);
    } catch {
      pending.at = start;
      dropped++;
    }
  };

  /** Makes the deferred lines, in order, into pending bytes. */
  const make = () => {
    if (deferred.length === 0) return;
    const fills = deferred;
    deferred = [];
    for (const fill of fills) append(fill);
  };

  /** Starts a write of everything pending, if there is one to start and it is time. */
  const pump = (now: boolean) => {
    if (now) make();
    if (inFlight || !now || pending.at === 0) return settle();
    const batch = pending;
    // A buffer that grew while a reader was slow is let go once written, not kept at its largest.
    pending = other.capacity > batchCapacity ? new JsonBytes(batchCapacity, maxBufferedBytes) : other;
    pending.at = 0;
    other = batch;
    due = false;
    inFlight = true;
    send(batch.bytes(), done);
  };

  const linger = () => {
    timer = undefined;
    due = true;
    pump(true);
  };

  const encode = (fill: LineFill) => {
    make();
    append(fill);
    if (pending.at >= batchBytes) pump(true);
    else if (timer === undefined) timer = setTimeout(linger, lingerMs);
  };

  return {
    write: (line) => encode((out) => out.text(line)),
    encode,
    defer: (fill) => {
      deferred.push(fill);
      if (deferred.length >= deferredBatch) {
        make();
        if (pending.at >= batchBytes) pump(true);
      }
      if (timer === undefined) timer = setTimeout(linger, lingerMs);
    },
    makeDeferred: make,
    flush: () => new Promise((resolve) => {
      waiters.push(resolve);
      pump(true);
    }),
    flushSync: () => {
      make();
      if (pending.at === 0 || inFlight) return;
      const data = pending.bytes();
      pending.at = 0;
      try {
        // A non-blocking descriptor can take part of it; EAGAIN then ends the attempt.
        for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
      } catch {
        // nothing more can be done for a closed or full stdout at exit
      }
    },
    get dropped() {
      return dropped;
    },
  };
}

/** Writes `data` whole, then calls `done`, also after an error (the reader went away). */
type Sender = (data: Buffer, done: () => void) => void;

function fileSender(fd: number): Sender {
  const writeAll = (data: Buffer, offset: number, done: () => void) => {
    write(fd, data, offset, data.length - offset, null, (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') return void setTimeout(() => writeAll(data, offset, done), 10);
      if (!error && offset + written < data.length) return writeAll(data, offset + written, done);
      done();
    });
  };
  return (data, done) => writeAll(data, 0, done);
}

/** The runtime's own stream for stdout or stderr, shared with anything else that writes there. */
function streamSender(stream: NodeJS.WriteStream): Sender {
  // A reader that went away (EPIPE) ends the stream: later writes report it to their callback.
  stream.on('error', () => {});
  return (data, done) => void stream.write(data, () => done());
}

function isPipe(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}
