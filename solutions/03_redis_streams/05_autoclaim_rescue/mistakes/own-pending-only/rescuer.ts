// Mistake: the guide's processPending(): XPENDING for the rescuer's own name, so a crashed consumer's entries are never on the list and never rescued.
// Caught by: a crashed consumer's idle entries are claimed, handled and acknowledged
import type { Redis } from 'ioredis';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

export type EntryHandler = (entry: StreamEntry) => Promise<void>;

export interface RescueOptions {
  stream: string;
  group: string;
  /** The rescuing consumer: claimed entries move to this name. */
  consumer: string;
  /** Only entries nobody has touched for at least this long are taken: younger ones are still being worked on. */
  minIdleMs: number;
  handle: EntryHandler;
  /** The most entries claimed per round trip (default 10). */
  count?: number;
}

export interface RescueReport {
  /** Claimed, handled and acknowledged. */
  handled: string[];
  /** Claimed but the handler failed: pending again, now under the rescuer's name. */
  failed: string[];
  /** Pending entries that no longer exist in the stream; Redis dropped them from the pending list. */
  deleted: string[];
}

/**
 * One rescue pass: takes over the group's entries that have been pending for at least
 * `minIdleMs` — whoever holds them — handles them, and acknowledges those that succeed.
 */
export async function rescueStale(redis: Redis, options: RescueOptions): Promise<RescueReport> {
  const { stream, group, consumer, minIdleMs, handle, count = 10 } = options;
  const report: RescueReport = { handled: [], failed: [], deleted: [] };

  const tryEntry = async (entry: StreamEntry): Promise<void> => {
    try {
      await handle(entry);
    } catch {
      report.failed.push(entry.id);
      return;
    }
    await redis.xack(stream, group, entry.id);
    report.handled.push(entry.id);
  };

  // XAUTOCLAIM scans the whole group's pending list from `cursor`, claims up to `count` entries idle
  // for at least minIdleMs (whoever holds them), and answers [next cursor, claimed entries, deleted
  // ids]. The idle filter is the safety: a live consumer's entries are young, so they stay put.
  const mine = (await redis.xpending(stream, group, 'IDLE', minIdleMs, '-', '+', count, consumer)) as Array<[string, string, number, number]>;
  for (const [id] of mine) {
    const claimed = (await redis.xclaim(stream, group, consumer, minIdleMs, id)) as Array<[string, string[]] | null>;
    const item = claimed[0];
    if (item) await tryEntry({ id: item[0], fields: toRecord(item[1]) });
    else report.deleted.push(id);
  }
  return report;
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}
