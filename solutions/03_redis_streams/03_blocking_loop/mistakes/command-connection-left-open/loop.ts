// Mistake: stop() interrupts the read but never quits the command connection, so every stopped loop leaves a connection open.
// Caught by: stop() returns promptly even in the middle of a blocking read, and closes every connection
import { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export type EntryHandler = (entry: StreamEntry) => Promise<void>;

export interface LoopOptions {
  url: string;
  stream: string;
  group: string;
  consumer: string;
  handle: EntryHandler;
  /** How long one XREADGROUP waits for new entries before asking again (default 5000 ms). */
  blockMs?: number;
  /** The most entries one read returns (default 10). */
  count?: number;
  /** Told about errors of the loop itself (not of the handler); default: ignored. */
  onError?: (error: unknown) => void;
}

export interface StreamLoop {
  /** Starts reading and handling entries in the background. */
  start(): void;
  /** How many entries the group has pending right now (XPENDING). */
  pending(): Promise<number>;
  /**
   * Stops reading — also in the middle of a blocking read — lets the entry being handled finish
   * and be acknowledged, and closes every connection.
   */
  stop(): Promise<void>;
}

export function createLoop(options: LoopOptions): StreamLoop {
  const { stream, group, consumer, handle, blockMs = 5_000, count = 10, onError = () => {} } = options;
  // A blocked XREADGROUP holds its connection: Redis answers nothing else on it until the read
  // returns. So the blocking reads get a connection of their own, and everything else (XACK,
  // XPENDING) goes through a second one that is never blocked.
  const reader = new Redis(options.url);
  const commands = new Redis(options.url);
  let running = false;
  let finished: Promise<void> = Promise.resolve();

  async function loop(): Promise<void> {
    while (running) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await reader.xreadgroup(
          'GROUP', group, consumer,
          'COUNT', count,
          'BLOCK', blockMs,
          'STREAMS', stream, '>',
        )) as typeof reply;
      } catch (error) {
        // stop() closes the reader under a blocked read: that rejection is the way out, not an error.
        if (!running) break;
        onError(error);
        // A broken group or stream fails every read at once: pause instead of spinning on it.
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      // Entries already read are finished even if stop() is called meanwhile: they are ours now,
      // and leaving them half-done would only make another consumer claim them later.
      for (const [id, flat] of reply?.[0]?.[1] ?? []) {
        try {
          await handle({ id, fields: toRecord(flat) });
        } catch {
          continue; // stays pending, for a retry
        }
        await commands.xack(stream, group, id);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      finished = loop();
    },
    async pending() {
      const [total] = (await commands.xpending(stream, group)) as [number, ...unknown[]];
      return Number(total);
    },
    async stop() {
      running = false;
      // Closing the reader ends a blocked XREADGROUP at once (it rejects). Nothing is lost: a
      // blocked read has taken nothing yet, and entries Redis handed out just as we closed stay
      // pending under our name for a restart to read. The command connection stays open until the
      // loop has acknowledged what it was handling.
      reader.disconnect();
      await finished;
    },
  };
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}
