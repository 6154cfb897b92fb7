// Writes log lines to a file descriptor (stdout) without ever blocking the event loop: one
// asynchronous fs.write in flight at a time, lines arriving meanwhile are batched into the next one,
// and when the reader is slower than the producer the buffer stops at a bound and further lines are
// dropped and counted, so memory stays flat. `flushSync` empties what is left when the process must
// exit now. (process.stdout.write to a pipe is synchronous on Linux: a slow log shipper would stall
// every request.)
import { write, writeSync } from 'node:fs';

export interface LineWriter {
  write(line: string): void;
  /** Resolves once everything written so far has reached the descriptor. */
  flush(): Promise<void>;
  /** Writes what is buffered, blocking; for the moment before process.exit. */
  flushSync(): void;
  /** Lines dropped because the buffer was full. */
  readonly dropped: number;
}

export function fdLineWriter(fd: number, maxBufferedBytes = 8 * 1024 * 1024): LineWriter {
  // One growing string, not an array to join: the runtime writes it out in one copy.
  let pending = '';
  let inFlight = false;
  let scheduled = false;
  let dropped = 0;
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (inFlight || pending !== '') return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const writeAll = (data: Buffer, offset: number) => {
    write(fd, data, offset, data.length - offset, null, (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') return void setTimeout(() => writeAll(data, offset), 10);
      if (!error && offset + written < data.length) return writeAll(data, offset + written);
      // A write error (the reader went away) loses this batch; logging must never take the process down.
      inFlight = false;
      pump();
    });
  };

  const writeText = (text: string) => {
    write(fd, text, null, 'utf8', (error, written) => {
      if (error && (error as NodeJS.ErrnoException).code === 'EAGAIN') return void setTimeout(() => writeText(text), 10);
      if (!error && written < Buffer.byteLength(text)) return writeAll(Buffer.from(text), written);
      inFlight = false;
      pump();
    });
  };

  const pump = () => {
    if (inFlight || pending === '') return settle();
    const text = pending;
    pending = '';
    inFlight = true;
    writeText(text);
  };

  return {
    write: (line) => {
      if (pending.length + line.length > maxBufferedBytes) {
        dropped++;
        return;
      }
      pending += line;
      if (!inFlight && !scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      }
    },
    flush: () => new Promise((resolve) => {
      waiters.push(resolve);
      pump();
    }),
    flushSync: () => {
      if (pending === '') return;
      const data = pending;
      pending = '';
      try {
        writeSync(fd, data);
      } catch {
        // nothing more can be done for a closed stdout at exit
      }
    },
    get dropped() {
      return dropped;
    },
  };
}
