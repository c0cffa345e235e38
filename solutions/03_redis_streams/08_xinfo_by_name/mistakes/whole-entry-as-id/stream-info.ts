// Mistake: uses first-entry and last-entry as if they were ids, but each is a whole entry ([id, [field, value, ...]]).
// Caught by: length, first and last entry of a stream
import type { Redis } from 'ioredis';

export interface GroupSummary {
  name: string;
  /** Consumers the group knows (they stay until XGROUP DELCONSUMER, even when gone). */
  consumers: number;
  /** Entries delivered to the group's consumers and not acknowledged yet. */
  pending: number;
  lastDeliveredId: string;
  /** Entries in the stream the group has not been given yet; null when Redis cannot tell. */
  lag: number | null;
}

export interface StreamSummary {
  /** Entries in the stream now. */
  length: number;
  /** Id of the oldest entry still in the stream; null for an empty stream. */
  firstEntryId: string | null;
  /** Id of the newest entry still in the stream; null for an empty stream. */
  lastEntryId: string | null;
  /** The last id Redis generated (new entries get greater ids), even if that entry was deleted since. */
  lastGeneratedId: string;
  groups: GroupSummary[];
}

/** Reads XINFO STREAM and XINFO GROUPS into a summary a dashboard or a health check can use. */
export async function describeStream(redis: Redis, stream: string): Promise<StreamSummary> {
  let info: Map<string, unknown>;
  try {
    info = byName((await redis.xinfo('STREAM', stream)) as unknown[]);
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) {
      throw new Error(`The stream ${stream} does not exist: check the name, or create it with XADD or XGROUP CREATE ... MKSTREAM.`);
    }
    throw error;
  }
  const groups = ((await redis.xinfo('GROUPS', stream)) as unknown[][]).map(byName);

  return {
    length: Number(info.get('length')),
    // first-entry and last-entry are whole entries ([id, [field, value, ...]]), or nil when empty.
    firstEntryId: info.get('first-entry') ? String(info.get('first-entry')) : null,
    lastEntryId: info.get('last-entry') ? String(info.get('last-entry')) : null,
    lastGeneratedId: String(info.get('last-generated-id')),
    groups: groups.map((group) => ({
      name: String(group.get('name')),
      consumers: Number(group.get('consumers')),
      pending: Number(group.get('pending')),
      lastDeliveredId: String(group.get('last-delivered-id')),
      // Redis 7 answers nil when it cannot compute the lag (e.g. a group created at an arbitrary
      // id, or deletions in the range it has not read); before 7 the field does not exist. Number(null)
      // would say 0 — "fully caught up" — the most misleading answer possible.
      lag: toCountOrNull(group.get('lag')),
    })),
  };
}

/** XINFO's flat [name, value, name, value, ...] as a map: positions move between versions, names do not. */
function byName(flat: unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1]);
  return fields;
}

function entryId(entry: unknown): string | null {
  return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : null;
}

function toCountOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
