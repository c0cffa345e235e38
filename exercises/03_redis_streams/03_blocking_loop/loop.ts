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
  // TODO: one connection for everything, like the guide's class, whose two consume() loops and
  // processPending() timer all share `this.redis`. While XREADGROUP ... BLOCK waits on a
  // connection, every other command sent on it waits behind it: pending() below, an XACK, the other
  // loop. Give the blocking reads a connection of their own.
  const redis = new Redis(options.url);
  let running = false;
  let finished: Promise<void> = Promise.resolve();

  async function loop(): Promise<void> {
    while (running) {
      try {
        const reply = (await redis.xreadgroup(
          'GROUP', group, consumer,
          'COUNT', count,
          'BLOCK', blockMs,
          'STREAMS', stream, '>',
        )) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [id, flat] of reply?.[0]?.[1] ?? []) {
          try {
            await handle({ id, fields: toRecord(flat) });
          } catch {
            continue; // stays pending, for a retry
          }
          await redis.xack(stream, group, id);
        }
      } catch (error) {
        onError(error);
      }
    }
  }

  return {
    start() {
      running = true;
      finished = loop();
    },
    async pending() {
      const [total] = (await redis.xpending(stream, group)) as [number, ...unknown[]];
      return Number(total);
    },
    async stop() {
      // TODO: the loop notices `running` only after its XREADGROUP returns — up to blockMs later.
      // Interrupt the blocking read instead (it is safe: the read has no entries yet).
      running = false;
      await finished;
      await redis.quit();
    },
  };
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}
