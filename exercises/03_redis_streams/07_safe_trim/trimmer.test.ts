import { describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { connect } from '#testing/redis';
import { addEntries, createGroup, deliver, numbered, readAll, tempNamespace } from '#testing/streams';
import { trimConsumed } from './trimmer.ts';

async function newStream(entries: number): Promise<{ redis: Redis; stream: string; ids: string[] }> {
  const stream = `${tempNamespace('trim')}:orders`;
  const redis = connect();
  const ids = await addEntries(redis, stream, numbered(entries));
  return { redis, stream, ids };
}

/** `group` (created from the beginning) reads `read` entries and acknowledges the ones in `acked`. */
async function groupProgress(redis: Redis, stream: string, group: string, read: number, acked: string[]): Promise<void> {
  await createGroup(redis, stream, group);
  if (read > 0) await deliver(redis, stream, group, 'worker-1', read);
  if (acked.length > 0) await redis.xack(stream, group, ...acked);
}

async function firstRemaining(redis: Redis, stream: string): Promise<string | undefined> {
  return (await redis.xrange(stream, '-', '+', 'COUNT', 1))[0]?.[0];
}

describe('trimming only what every consumer group is finished with', () => {
  test('removes the entries all groups have read and acknowledged, and nothing else', async () => {
    const { redis, stream, ids } = await newStream(10);
    await groupProgress(redis, stream, 'audit', 10, ids.slice(0, 6));
    await groupProgress(redis, stream, 'billing', 10, ids.slice(0, 6));

    const report = await trimConsumed(redis, stream);

    expect(report, 'entries 1–6 are done for both groups; 7–10 are still pending').toEqual({ removed: 6, keptFrom: ids[6] });
    expect(await firstRemaining(redis, stream)).toBe(ids[6]);
  });

  test('when every group has acknowledged everything, every entry goes', async () => {
    const { redis, stream, ids } = await newStream(5);
    await groupProgress(redis, stream, 'billing', 5, ids);

    const report = await trimConsumed(redis, stream);

    expect(report.removed, 'the last entry delivered is finished too: keep from the id right after it').toBe(5);
    expect(await redis.xlen(stream)).toBe(0);
  });

  test('entries a group has not read yet are kept, however many there are', async () => {
    const { redis, stream, ids } = await newStream(250);
    await groupProgress(redis, stream, 'analytics', 250, ids);
    await groupProgress(redis, stream, 'shipping', 3, ids.slice(0, 3));

    const report = await trimConsumed(redis, stream);

    expect(report.removed, 'shipping has read only 3 entries: trimming by length (MAXLEN) would drop entries it never saw').toBe(3);
    expect(await redis.xlen(stream)).toBe(247);
    expect(await firstRemaining(redis, stream)).toBe(ids[3]);
  });

  test('an entry still pending (read, not acknowledged) is kept, with everything after it', async () => {
    const { redis, stream, ids } = await newStream(10);
    const unfinished = ids[3] as string;
    await groupProgress(redis, stream, 'billing', 10, ids.filter((id) => id !== unfinished));

    const report = await trimConsumed(redis, stream);

    expect(report, 'billing has read all 10 but entry 4 is still pending: it may be retried').toEqual({ removed: 3, keptFrom: unfinished });
  });

  test('a group that has read nothing yet keeps every entry', async () => {
    const { redis, stream } = await newStream(5);
    await groupProgress(redis, stream, 'billing', 0, []);

    const report = await trimConsumed(redis, stream);

    expect(report.removed).toBe(0);
    expect(await redis.xlen(stream)).toBe(5);
  });

  test('a stream without consumer groups is left alone', async () => {
    const { redis, stream } = await newStream(5);

    const report = await trimConsumed(redis, stream);

    expect(report, 'no group: nobody is known to be finished with anything').toEqual({ removed: 0, keptFrom: null });
    expect(await redis.xlen(stream)).toBe(5);
  });

  test('ids are compared as numbers, not as strings', async () => {
    const stream = `${tempNamespace('trim')}:orders`;
    const redis = connect();
    const ids = Array.from({ length: 12 }, (_, i) => `${i + 1}-0`);
    for (const id of ids) await redis.xadd(stream, id, 'n', id);
    // alpha still needs 10-0; beta still needs 9-0. As strings, '10-0' < '9-0'.
    await groupProgress(redis, stream, 'alpha', 12, ids.slice(0, 9));
    await groupProgress(redis, stream, 'beta', 9, ids.slice(0, 8));

    const report = await trimConsumed(redis, stream);

    expect(report, "beta still has 9-0 pending: compare ids by their numbers ('9-0' comes before '10-0')").toEqual({ removed: 8, keptFrom: '9-0' });
  });

  test('approximate trimming removes only whole nodes, so it may keep some finished entries', async () => {
    const { redis, stream, ids } = await newStream(150);
    await groupProgress(redis, stream, 'billing', 120, ids.slice(0, 120));

    const report = await trimConsumed(redis, stream, { approximate: true });

    expect(report.keptFrom, 'the first entry billing still needs').toBe(ids[120]);
    expect(report.removed, "with '~' Redis frees whole nodes (100 entries by default) and keeps the rest: use '~' when asked to").toBeLessThan(120);
    expect(await redis.xlen(stream), 'removed is what XTRIM reported').toBe(150 - report.removed);
    const remaining = (await readAll(redis, stream)).map((e) => e.id);
    expect(remaining.slice(-30), 'every entry billing still needs is there').toEqual(ids.slice(120));
  });
});
