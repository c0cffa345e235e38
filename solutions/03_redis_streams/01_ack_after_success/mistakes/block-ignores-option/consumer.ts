// Mistake: blocks for a fixed 2 seconds instead of blockMs, so an idle consumer holds its caller (and its shutdown) far longer than asked.
// Caught by: with nothing new to read, a batch waits at most blockMs and reports nothing
import { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** Does the work for one entry; rejects (or throws) when the work failed. */
export type EntryHandler = (entry: StreamEntry) => Promise<void>;

export interface ConsumerOptions {
  url: string;
  stream: string;
  group: string;
  /** This consumer's name inside the group. */
  consumer: string;
  handle: EntryHandler;
  /** The most entries one batch reads (default 10). */
  count?: number;
  /** How long a read waits for new entries when there are none (default 100 ms). */
  blockMs?: number;
}

export interface BatchReport {
  /** Entries whose handler succeeded, in the order they were read. */
  handled: string[];
  /** Entries whose handler failed. */
  failed: string[];
}

export interface GroupConsumer {
  /** Reads up to `count` new entries for this consumer, hands each to the handler, reports the outcome. */
  processBatch(): Promise<BatchReport>;
  close(): Promise<void>;
}

export function createConsumer(options: ConsumerOptions): GroupConsumer {
  const { stream, group, consumer, handle, count = 10, blockMs = 100 } = options;
  const redis = new Redis(options.url);

  async function readNew(): Promise<StreamEntry[]> {
    // '>' asks for entries never delivered to anyone in the group. BLOCK 0 would wait forever,
    // so the wait is always a positive number of milliseconds.
    const reply = (await redis.xreadgroup(
      'GROUP', group, consumer,
      'COUNT', count,
      'BLOCK', 2_000,
      'STREAMS', stream, '>',
    )) as Array<[string, Array<[string, string[]]>]> | null;
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([id, flat]) => ({ id, fields: toRecord(flat) }));
  }

  return {
    async processBatch() {
      const entries = await readNew();
      const report: BatchReport = { handled: [], failed: [] };
      for (const entry of entries) {
        try {
          await handle(entry);
        } catch {
          // Not acknowledged, so it stays on this consumer's pending list, where a restart
          // (reading its own history) or another consumer (XAUTOCLAIM) can pick it up again.
          // Reading '>' never hands it out a second time.
          report.failed.push(entry.id);
          continue;
        }
        // Acknowledged only now: a crash before this line leaves the entry pending, so the work is
        // done at least once. (The price: it may be done twice — see the idempotency exercise.)
        await redis.xack(stream, group, entry.id);
        report.handled.push(entry.id);
      }
      return report;
    },
    async close() {
      await redis.quit();
    },
  };
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}
