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
  // TODO: this reads the reply by position, as the guide's getStreamInfo() does. XINFO replies are
  // flat lists of name, value, name, value... and the names have changed between Redis versions
  // (7.0 added max-deleted-entry-id, entries-added, recorded-first-entry-id; XINFO GROUPS gained
  // entries-read and lag). Read each value by its field name instead. And what if there is no stream?
  const info = (await redis.xinfo('STREAM', stream)) as unknown[];
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  return {
    length: Number(info[1]),
    firstEntryId: String(info[3]),
    lastEntryId: String(info[5]),
    lastGeneratedId: String(info[7]),
    groups: groups.map((group) => ({
      name: String(group[1]),
      consumers: Number(group[3]),
      pending: Number(group[5]),
      lastDeliveredId: String(group[7]),
      lag: Number(group[11]),
    })),
  };
}
