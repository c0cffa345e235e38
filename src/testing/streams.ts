/**
 * Helpers for tests of the Redis Streams track: a namespace of keys that is deleted when the test
 * ends, and the server's side of a stream (entries, consumer groups, pending entries) as plain
 * objects, so a test can set up "a consumer crashed an hour ago" in one line and check what the
 * learner's code left behind.
 */
import { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';
import { redisUrl, unique } from './redis.ts';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** One line of XPENDING's extended form. */
export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  /** How many times the entry has been delivered (XREADGROUP, XCLAIM and XAUTOCLAIM each count). */
  deliveries: number;
}

/**
 * A unique key prefix (`prefix:1a2b3c4d`) for one test. Name every stream and key of the test
 * `${ns}:something`; when the test finishes, every key under the prefix is deleted, so a learner's
 * own server (REDIS_URL) is left as it was.
 */
export function tempNamespace(prefix: string): string {
  const ns = unique(prefix);
  onTestFinished(async () => {
    const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    try {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${ns}:*`, 'COUNT', 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } catch {
      // Cleanup is a courtesy; a server that went away has nothing left to clean.
    } finally {
      client.disconnect();
    }
  });
  return ns;
}

/** Appends entries in order (one round trip) and returns their ids. */
export async function addEntries(redis: Redis, stream: string, entries: Array<Record<string, string>>): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (const fields of entries) pipeline.xadd(stream, '*', ...Object.entries(fields).flat());
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, id]) => {
    if (error) throw error;
    return String(id);
  });
}

/** `count` entries with fields `{ n: '1' }`, `{ n: '2' }`, ... */
export function numbered(count: number, from = 1): Array<Record<string, string>> {
  return Array.from({ length: count }, (_, i) => ({ n: String(from + i) }));
}

/** Creates a consumer group (and the stream if needed), starting after `from` ('0': everything). */
export async function createGroup(redis: Redis, stream: string, group: string, from = '0'): Promise<void> {
  await redis.xgroup('CREATE', stream, group, from, 'MKSTREAM');
}

/**
 * Delivers up to `count` new entries to `consumer` and does not acknowledge them: a consumer that
 * received work and then crashed. The entries stay in the group's pending list under its name.
 */
export async function deliver(redis: Redis, stream: string, group: string, consumer: string, count: number): Promise<StreamEntry[]> {
  const reply = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, '>')) as
    | Array<[string, Array<[string, string[]]>]>
    | null;
  return (reply?.[0]?.[1] ?? []).map(([id, fields]) => ({ id, fields: toRecord(fields) }));
}

/** The group's pending entries, oldest first. */
export async function pendingEntries(redis: Redis, stream: string, group: string): Promise<PendingEntry[]> {
  const reply = (await redis.xpending(stream, group, '-', '+', 10_000)) as Array<[string, string, number, number]>;
  return reply.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs: Number(idleMs), deliveries: Number(deliveries) }));
}

/**
 * Makes pending entries look as if their consumer went silent `idleMs` ago, without waiting: XCLAIM
 * to the same consumer with IDLE sets the idle time, and JUSTID leaves the delivery count alone.
 */
export async function makeIdle(redis: Redis, stream: string, group: string, consumer: string, ids: string[], idleMs: number): Promise<void> {
  if (ids.length === 0) return;
  await redis.call('XCLAIM', stream, group, consumer, 0, ...ids, 'IDLE', idleMs, 'JUSTID');
}

/** Every entry of the stream, oldest first. */
export async function readAll(redis: Redis, stream: string): Promise<StreamEntry[]> {
  const reply = await redis.xrange(stream, '-', '+');
  return reply.map(([id, fields]) => ({ id, fields: toRecord(fields) }));
}

/** One group's line of XINFO GROUPS, read by field name. */
export async function groupInfo(redis: Redis, stream: string, group: string): Promise<Record<string, unknown>> {
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  for (const flat of groups) {
    const info = toRecordOf(flat);
    if (info.name === group) return info;
  }
  throw new Error(`the stream ${stream} has no consumer group ${group}`);
}

/** `['a', '1', 'b', '2']` → `{ a: '1', b: '2' }`. */
export function toRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i] as string] = flat[i + 1] as string;
  return record;
}

function toRecordOf(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}
