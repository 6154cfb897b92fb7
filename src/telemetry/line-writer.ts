// Writes log lines to a file descriptor (stdout) without ever blocking the event loop. Lines are
// appended to one pending string (the runtime joins the pieces once, when it is written); one
// asynchronous write is in flight at a time and takes everything pending when it starts. Lines
// wait up to `lingerMs`, or until 64 KiB are pending, before a write starts: an asynchronous write
// costs about 10 µs, so one write per line or per event-loop turn would cost more than the lines.
// When the reader is slower than the producer, pending text stops at a bound and further lines are
// dropped and counted, so memory stays flat. `flushSync` empties what is left when the process
// must exit now, unless a write is still in flight: its reader has stalled, so a blocking write
// would hold the exit for as long as the reader stalls, and could tear the line in flight.
// (process.stdout.write is synchronous for files and terminals, and Bun's to a pipe can be too: a
// slow log shipper would stall every request.)
//
// A line can also be deferred: given as a function that makes it, called when the next batch is
// made (or once `deferredBatch` are waiting). Made in a tight loop, away from the HTTP stack that
// runs between two requests, one request's line costs far less of the core than made in the
// request (docs/performance.md); lines keep their order, and every flush makes the deferred first.
//
// A pipe or socket on stdout or stderr is written through the runtime's own process.stdout (or
// stderr) stream: non-blocking on both runtimes, never holding the exit, and shared with anything
// else that writes there, so neither tears the other's lines. Files and terminals use fs.write. (A
// file write on Node runs on libuv's thread pool, which Node joins before it exits: one blocked on a
// stalled pipe held every exit forever.)
import { fstatSync, write, writeSync } from 'node:fs';

export interface LineWriter {
  write(line: string): void;
  /** A line made by `make` when the writer next makes a batch, in order with written lines. */
  defer(make: () => string): void;
  /** Makes the deferred lines now, in order (before what they also feed shuts down). */
  makeDeferred(): void;
  /** Resolves once everything written so far has reached the descriptor. */
  flush(): Promise<void>;
  /**
   * For the moment before process.exit: writes what is buffered, blocking, when no write is in
   * flight. With one in flight the reader has stalled: the buffered lines are given up.
   */
  flushSync(): void;
  /** Lines dropped because the buffer was full (or, a bug, a deferred line could not be made). */
  readonly dropped: number;
}

const batchChars = 64 * 1024;
const lingerMs = 10;
/** Deferred lines waiting at most, so that what they hold stays small. */
const deferredBatch = 512;

export function fdLineWriter(fd: number, maxBufferedBytes = 8 * 1024 * 1024): LineWriter {
  let pending = '';
  let deferred: (() => string)[] = [];
  let inFlight = false;
  let dropped = 0;
  let waiters: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Pending lines have waited long enough: write them once the write in flight is done. */
  let due = false;

  const settle = () => {
    if (inFlight || pending !== '' || deferred.length > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const stdio = fd === 1 ? process.stdout : fd === 2 ? process.stderr : undefined;
  const send = stdio !== undefined && isPipe(fd) ? streamSender(stdio) : fileSender(fd);

  // A write error (the reader went away) loses that batch; logging must never take the process down.
  const done = () => {
    inFlight = false;
    pump(due || waiters.length > 0 || pending.length >= batchChars);
  };

  const append = (line: string) => {
    if (pending.length + line.length > maxBufferedBytes) dropped++;
    else pending += line;
  };

  /** Makes the deferred lines, in order, into pending text. */
  const make = () => {
    if (deferred.length === 0) return;
    const makers = deferred;
    deferred = [];
    for (const maker of makers) {
      try {
        append(maker());
      } catch {
        // a line that cannot be made is lost and counted like one that does not fit; never the process
        dropped++;
      }
    }
  };

  /** Starts a write of everything pending, if there is one to start and it is time. */
  const pump = (now: boolean) => {
    if (now) make();
    if (inFlight || !now || pending === '') return settle();
    const text = pending;
    pending = '';
    due = false;
    inFlight = true;
    send(text, done);
  };

  const linger = () => {
    timer = undefined;
    due = true;
    pump(true);
  };

  return {
    write: (line) => {
      make();
      append(line);
      if (pending.length >= batchChars) pump(true);
      else if (timer === undefined) timer = setTimeout(linger, lingerMs);
    },
    defer: (maker) => {
      deferred.push(maker);
      if (deferred.length >= deferredBatch) {
        make();
        if (pending.length >= batchChars) pump(true);
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
      if (pending === '' || inFlight) return;
      const data = Buffer.from(pending);
      pending = '';
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

/** Writes `text` whole, then calls `done`, also after an error (the reader went away). */
type Sender = (text: string, done: () => void) => void;

function fileSender(fd: number): Sender {
  const writeAll = (data: Buffer, offset: number, done: () => void) => {
    write(fd, data, offset, data.length - offset, null, (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') return void setTimeout(() => writeAll(data, offset, done), 10);
      if (!error && offset + written < data.length) return writeAll(data, offset + written, done);
      done();
    });
  };
  // The runtime encodes a string for the write faster than Buffer.from does (bench/logger: 5.1x pino
  // against 3.5x on Bun).
  const writeText: Sender = (text, done) => {
    write(fd, text, null, 'utf8', (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') return void setTimeout(() => writeText(text, done), 10);
      if (!error && written < Buffer.byteLength(text)) return writeAll(Buffer.from(text), written, done);
      done();
    });
  };
  return writeText;
}

/** The runtime's own stream for stdout or stderr, shared with anything else that writes there. */
function streamSender(stream: NodeJS.WriteStream): Sender {
  // A reader that went away (EPIPE) ends the stream: later writes report it to their callback.
  stream.on('error', () => {});
  return (text, done) => void stream.write(text, 'utf8', () => done());
}

function isPipe(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}
