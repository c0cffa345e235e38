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

  // TODO: this is the guide's processPending(): it lists only the pending entries of `consumer`,
  // the rescuer itself. The entries of a consumer that crashed are pending under *its* name, so
  // nobody ever rescues them. XAUTOCLAIM finds idle entries of every consumer in the group and
  // claims them in one command; call it with a cursor until the cursor comes back as '0-0', and
  // mind its third reply element (Redis 7): ids of pending entries that were deleted from the stream.
  const pending = (await redis.xpending(stream, group, '-', '+', count, consumer)) as Array<[string, string, number, number]>;
  for (const [id, , idleMs] of pending) {
    if (idleMs < minIdleMs) continue;
    const claimed = (await redis.xclaim(stream, group, consumer, minIdleMs, id)) as Array<[string, string[]]>;
    for (const [claimedId, flat] of claimed) await tryEntry({ id: claimedId, fields: toRecord(flat) });
  }
  return report;
}

function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}
