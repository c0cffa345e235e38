/**
 * More data than one page, batch or count. Code that reads one SCAN page, one XREADGROUP COUNT or
 * one XAUTOCLAIM call passes every test whose data fits in one; these helpers make sure it does not.
 */
import type { Redis } from 'ioredis';
import { addEntries, createGroup, deliver, makeIdle, numbered } from './streams.ts';

/** A number that needs at least three calls of size `limit` (and leaves a partial last one). */
export function beyond(limit: number): number {
  return limit * 2 + 1;
}

/**
 * Writes the `matching` keys among many `noise` keys (which the pattern under test must not match),
 * so that SCAN ... MATCH walks many pages and some come back *empty* while the cursor is not yet 0.
 * Catches code that reads one page, or stops at the first empty one. Name every key under a
 * tempNamespace so they are deleted after the test.
 */
export async function crowdedKeyspace(redis: Redis, matching: string[], noise: string[]): Promise<void> {
  const all = [...noise, ...matching];
  for (let i = 0; i < all.length; i += 500) {
    await redis.mset(...all.slice(i, i + 500).flatMap((key) => [key, '{}']));
  }
}

/** `count` keys `${prefix}:noise:<i>` (to pass to crowdedKeyspace). */
export function noiseKeys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:noise:${i}`);
}

/**
 * `count` entries delivered to `consumer` long ago and never acknowledged: a consumer that crashed
 * `idleMs` ago holding more than one XAUTOCLAIM's worth of work. Creates the group if needed
 * (`createGroup` first when the group must start elsewhere). Returns the entries' ids, oldest first.
 */
export async function crashedConsumer(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  count: number,
  idleMs: number,
): Promise<string[]> {
  await createGroup(redis, stream, group, '$').catch((error: Error) => {
    if (!/BUSYGROUP/.test(error.message)) throw error;
  });
  await addEntries(redis, stream, numbered(count));
  const delivered = await deliver(redis, stream, group, consumer, count);
  const ids = delivered.map((entry) => entry.id);
  await makeIdle(redis, stream, group, consumer, ids, idleMs);
  return ids;
}
