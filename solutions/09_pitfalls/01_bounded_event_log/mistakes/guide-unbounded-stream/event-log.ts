// Mistake: the guide's fix for lost Pub/Sub events: XADD with no cap, so the stream keeps every event until Redis runs out of memory.
// Caught by: the stream stays at about maxLen entries however many are recorded, and keeps the newest
import type { Redis } from 'ioredis';

export interface DomainEvent {
  type: string;
  [field: string]: string | number | boolean;
}

/**
 * Appends the event to the stream and returns its entry id. The stream keeps about the newest
 * `maxLen` entries: size it to cover the longest outage a consumer group must survive.
 */
export async function recordEvent(redis: Redis, stream: string, event: DomainEvent, maxLen: number): Promise<string> {
  void maxLen;
  // `~` lets Redis trim whole nodes at a time: a few more entries than maxLen, much cheaper than exact.
  const id = await redis.xadd(stream, '*', 'type', event.type, 'data', JSON.stringify(event));
  if (id === null) throw new Error(`Redis did not store the event on ${stream}: retry, or fail the request`);
  return id;
}

/** The consumer groups of `stream` that will never see some of its events: they were trimmed before the group read them. */
export async function groupsThatMissedEvents(redis: Redis, stream: string): Promise<string[]> {
  const info = fields((await redis.xinfo('STREAM', stream)) as unknown[]);
  const length = Number(info.length);
  const added = Number(info['entries-added']);
  if (added <= length) return []; // nothing has been trimmed, so nothing can have been missed
  const firstKept = firstId(info['first-entry']);

  const missed: string[] = [];
  for (const raw of (await redis.xinfo('GROUPS', stream)) as unknown[][]) {
    const group = fields(raw);
    const lastDelivered = String(group['last-delivered-id']);
    const entriesRead = group['entries-read'];
    const behind =
      typeof entriesRead === 'number'
        ? // Exact: more entries were added after the group's position than the stream still holds.
          added - entriesRead > length
        : // Redis could not count for this group; fall back to its position: older than everything left.
          compareIds(lastDelivered, firstKept) < 0;
    if (behind) missed.push(String(group.name));
  }
  return missed.sort();
}

function fields(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}

function firstId(entry: unknown): string {
  return Array.isArray(entry) ? String(entry[0]) : '0-0';
}

/** Stream ids are `ms-seq`, compared as numbers: as strings, "5-10" would sort before "5-9". */
function compareIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}
