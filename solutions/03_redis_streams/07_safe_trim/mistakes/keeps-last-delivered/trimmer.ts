// Mistake: keeps from the last-delivered id itself rather than the entry after it, so the last entry every group has finished is never trimmed.
// Caught by: when every group has acknowledged everything, every entry goes
import type { Redis } from 'ioredis';

export interface TrimOptions {
  /**
   * `~` instead of `=`: Redis removes only whole nodes of the stream's internal radix tree (up to
   * 100 entries each by default), which is much cheaper, and may keep some entries it could drop.
   */
  approximate?: boolean;
}

export interface TrimReport {
  /** How many entries the trim removed (XTRIM's reply). */
  removed: number;
  /** The MINID passed to XTRIM: every entry with a smaller id could go. Null when nothing could be trimmed. */
  keptFrom: string | null;
}

/**
 * Trims the entries that every consumer group of the stream is finished with — read and
 * acknowledged — and never one that some group has not read yet or still has pending.
 */
export async function trimConsumed(redis: Redis, stream: string, options: TrimOptions = {}): Promise<TrimReport> {
  const groups = await readGroups(redis, stream);
  // No group has promised to read this stream, so nothing is known to be finished.
  if (groups.length === 0) return { removed: 0, keptFrom: null };

  let oldestNeeded: StreamId | undefined;
  for (const group of groups) {
    const needed = await firstNeeded(redis, stream, group);
    if (!oldestNeeded || compareIds(needed, oldestNeeded) < 0) oldestNeeded = needed;
  }
  const keptFrom = formatId(oldestNeeded as StreamId);
  // Groups only move forward, so an id that was safe a moment ago is still safe now.
  const removed = options.approximate
    ? await redis.xtrim(stream, 'MINID', '~', keptFrom)
    : await redis.xtrim(stream, 'MINID', '=', keptFrom);
  return { removed, keptFrom };
}

interface GroupPosition {
  name: string;
  pending: number;
  lastDeliveredId: string;
}

/** XINFO GROUPS, read by field name: the fields and their order differ between Redis versions. */
async function readGroups(redis: Redis, stream: string): Promise<GroupPosition[]> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  return groups.map((flat) => {
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
    return {
      name: String(fields.get('name')),
      pending: Number(fields.get('pending')),
      lastDeliveredId: String(fields.get('last-delivered-id')),
    };
  });
}

/**
 * The first entry `group` still needs: its oldest pending entry (delivered, not acknowledged) if it
 * has one; otherwise the entry right after the last one it was given.
 */
async function firstNeeded(redis: Redis, stream: string, group: GroupPosition): Promise<StreamId> {
  if (group.pending > 0) {
    // XPENDING's summary form: [count, smallest pending id, greatest pending id, per-consumer counts].
    const [, smallest] = (await redis.xpending(stream, group.name)) as [number, string | null, string | null, unknown];
    if (smallest) return parseId(smallest);
  }
  const last = parseId(group.lastDeliveredId);
  return last;
}

/** Ids are `<milliseconds>-<sequence>`, compared as numbers: as strings, '9-0' would sort after '10-0'. */
interface StreamId {
  ms: bigint;
  seq: bigint;
}

function parseId(id: string): StreamId {
  const [ms = '0', seq = '0'] = id.split('-');
  return { ms: BigInt(ms), seq: BigInt(seq) };
}

function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}
