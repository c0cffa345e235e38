import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { connect } from '#testing/redis';
import { createGroup, readAll, tempNamespace } from '#testing/streams';
import { groupsThatMissedEvents, recordEvent } from './event-log.ts';

/** How far past maxLen an approximate (`~`) trim may leave a stream: one node of entries. */
async function trimSlack(redis: Redis): Promise<number> {
  const [, value] = (await redis.config('GET', 'stream-node-max-entries')) as [string, string];
  return Number(value);
}

/** Records events n = from..to, all sent at once (one connection keeps them in order). */
async function recordMany(redis: Redis, stream: string, from: number, to: number, maxLen: number): Promise<void> {
  const pending: Array<Promise<string>> = [];
  for (let n = from; n <= to; n++) pending.push(recordEvent(redis, stream, { type: 'order.placed', orderId: `o-${n}`, n }, maxLen));
  await Promise.all(pending);
}

/** Reads everything new for the group, as a consumer keeping up would. */
async function catchUp(redis: Redis, stream: string, group: string): Promise<void> {
  await redis.xreadgroup('GROUP', group, 'reader', 'COUNT', 100_000, 'STREAMS', stream, '>');
}

describe('an event log that keeps events without growing forever', () => {
  test('Pub/Sub drops an event nobody is listening to; the log keeps it for a consumer that comes later', async () => {
    const redis = connect();
    const stream = `${tempNamespace('pitfalls')}:events`;

    expect(await redis.publish(stream, JSON.stringify({ type: 'order.placed', orderId: 'o-1' })), 'PUBLISH with no subscriber: 0 receivers, message gone').toBe(0);
    const id = await recordEvent(redis, stream, { type: 'order.placed', orderId: 'o-1' }, 1_000);

    const later = await readAll(redis, stream);
    expect(later.map((e) => e.id), 'recordEvent returns the id of the stored entry').toEqual([id]);
    expect(JSON.parse(later[0]?.fields.data ?? '{}'), 'the entry keeps the whole event as JSON in `data`').toEqual({ type: 'order.placed', orderId: 'o-1' });
    expect(later[0]?.fields.type, 'and its type in `type`').toBe('order.placed');
  });

  test('the stream stays at about maxLen entries however many are recorded, and keeps the newest', async () => {
    const redis = connect();
    const stream = `${tempNamespace('pitfalls')}:events`;
    const slack = await trimSlack(redis);

    await recordMany(redis, stream, 1, 3_000, 1_000);

    const length = await redis.xlen(stream);
    expect(length, 'entries kept after 3,000 events with maxLen 1,000').toBeGreaterThanOrEqual(1_000);
    expect(length, `entries kept: at most maxLen plus one node (${slack}) when trimming with ~`).toBeLessThanOrEqual(1_000 + slack);
    const kept = (await readAll(redis, stream)).map((e) => (JSON.parse(e.fields.data ?? '{}') as { n: number }).n);
    expect(kept, 'the kept entries are the newest ones, in order').toEqual(Array.from({ length }, (_, i) => 3_000 - length + 1 + i));
  });

  test('a maxLen that is not a whole number of at least 1 is refused with a clear error', async () => {
    const redis = connect();
    const stream = `${tempNamespace('pitfalls')}:events`;
    for (const bad of [0, -5, 2.5]) {
      await expect(recordEvent(redis, stream, { type: 'x' }, bad), `maxLen ${bad}`).rejects.toThrow(RangeError);
    }
    expect(await redis.exists(stream), 'nothing is recorded when the call is refused').toBe(0);
  });

  test('a group that fell further behind than the stream keeps is reported; groups that keep up, or are behind within it, are not', async () => {
    const redis = connect();
    const stream = `${tempNamespace('pitfalls')}:events`;
    for (const group of ['fast', 'steady', 'slow']) await createGroup(redis, stream, group, '0');

    for (let from = 1; from <= 1_000; from += 50) {
      await recordMany(redis, stream, from, from + 49, 100);
      await catchUp(redis, stream, 'fast');
      if (from + 49 <= 950) await catchUp(redis, stream, 'steady');
    }
    await createGroup(redis, stream, 'new', '$');

    expect(await groupsThatMissedEvents(redis, stream), '"slow" never read, and trimming took hundreds of its events; "steady" is 50 behind, within the 100 kept').toEqual(['slow']);
  });

  test('nothing is reported while the stream has not trimmed anything', async () => {
    const redis = connect();
    const stream = `${tempNamespace('pitfalls')}:events`;
    await createGroup(redis, stream, 'slow', '0');

    await recordMany(redis, stream, 1, 50, 1_000);

    expect(await groupsThatMissedEvents(redis, stream), 'a group that is behind has missed nothing while every entry is still there').toEqual([]);
  });
});
