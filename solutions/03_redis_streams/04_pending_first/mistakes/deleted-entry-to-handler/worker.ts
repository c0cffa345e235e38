// Mistake: hands a pending entry that was deleted from the stream to the handler with empty fields, instead of just acknowledging it.
// Caught by: a pending entry deleted from the stream is acknowledged and reported, never handed to the handler
import { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export type EntryHandler = (entry: StreamEntry) => Promise<void>;

export interface WorkerOptions {
  url: string;
  stream: string;
  group: string;
  /** The consumer's name. A restarted process uses the same name, and so owns the same pending entries. */
  consumer: string;
  handle: EntryHandler;
  /** The most entries one read returns (default 10). */
  count?: number;
}

export interface DrainReport {
  /** Entries handled and acknowledged, in the order they were handled. */
  handled: string[];
  /** Entries whose handler failed; they stay pending. */
  failed: string[];
  /** Pending entries that were deleted from the stream, so there was nothing left to handle. */
  deleted: string[];
}

export interface Worker {
  /**
   * Handles everything this consumer has to do right now: first the entries it had received but
   * not acknowledged (before a crash or restart), oldest first; then new entries, until none is left.
   */
  drain(): Promise<DrainReport>;
  close(): Promise<void>;
}

/** An entry as XREADGROUP returns it; `fields` is null when the entry was deleted while pending. */
interface RawEntry {
  id: string;
  fields: Record<string, string> | null;
}

export function createWorker(options: WorkerOptions): Worker {
  const { stream, group, consumer, handle, count = 10 } = options;
  const redis = new Redis(options.url);

  /**
   * XREADGROUP from `after`: '>' for entries never delivered to the group, or an id for this
   * consumer's own pending entries with a greater id ('0' = all of them).
   */
  async function read(after: string): Promise<RawEntry[]> {
    const reply = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, after)) as
      | Array<[string, Array<[string, string[] | null]>]>
      | null;
    return (reply?.[0]?.[1] ?? []).map(([id, flat]) => ({ id, fields: flat ? toRecord(flat) : null }));
  }

  async function processEntry(entry: RawEntry, report: DrainReport): Promise<void> {
    try {
      await handle({ id: entry.id, fields: entry.fields ?? {} });
    } catch {
      report.failed.push(entry.id);
      return;
    }
    await redis.xack(stream, group, entry.id);
    report.handled.push(entry.id);
  }

  return {
    async drain() {
      const report: DrainReport = { handled: [], failed: [], deleted: [] };

      // 1. Our own history. Each read continues after the last id seen, not from '0' again: a
      //    failed entry stays pending, and rereading from '0' would return it first, forever.
      let after = '0';
      for (;;) {
        const batch = await read(after);
        if (batch.length === 0) break;
        for (const entry of batch) await processEntry(entry, report);
        after = batch[batch.length - 1]?.id ?? after;
      }

      // 2. New entries, until a read finds none.
      for (;;) {
        const batch = await read('>');
        if (batch.length === 0) return report;
        for (const entry of batch) await processEntry(entry, report);
      }
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
