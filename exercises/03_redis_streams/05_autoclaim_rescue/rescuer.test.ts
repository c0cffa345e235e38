import { describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { connect } from '#testing/redis';
import { addEntries, createGroup, deliver, makeIdle, numbered, pendingEntries, tempNamespace } from '#testing/streams';
import { within } from '#testing/wait';
import { beyond } from '#testing/volume';
import { rescueStale, type EntryHandler, type RescueReport } from './rescuer.ts';

const GROUP = 'billing';
const MIN_IDLE_MS = 30_000;
/** How long the crashed consumer has been silent: well past MIN_IDLE_MS. */
const CRASHED_AGO_MS = 10 * 60_000;

interface Scene {
  redis: Redis;
  stream: string;
}

async function scene(): Promise<Scene> {
  const stream = `${tempNamespace('rescue')}:orders`;
  const redis = connect();
  await createGroup(redis, stream, GROUP);
  return { redis, stream };
}

/** `consumer` receives `count` entries and goes silent; Redis is told it happened CRASHED_AGO_MS ago. */
async function crashedHolding({ redis, stream }: Scene, consumer: string, count: number): Promise<string[]> {
  const ids = (await deliver(redis, stream, GROUP, consumer, count)).map((e) => e.id);
  await makeIdle(redis, stream, GROUP, consumer, ids, CRASHED_AGO_MS);
  return ids;
}

function rescue({ redis, stream }: Scene, handle: EntryHandler, count?: number): Promise<RescueReport> {
  return within(
    rescueStale(redis, { stream, group: GROUP, consumer: 'rescuer', minIdleMs: MIN_IDLE_MS, handle, ...(count ? { count } : {}) }),
    3_000,
    'rescueStale() finishing',
  );
}

describe('rescuing the entries of a consumer that crashed', () => {
  test("a crashed consumer's idle entries are claimed, handled and acknowledged", async () => {
    const s = await scene();
    await addEntries(s.redis, s.stream, [{ order: 'A-1' }, { order: 'A-2' }, { order: 'A-3' }]);
    const ids = await crashedHolding(s, 'worker-dead', 3);
    const seen: string[] = [];

    const report = await rescue(s, async (e) => void seen.push(e.fields.order ?? '?'));

    expect(seen, 'the rescuer handles the entries worker-dead left behind, with their fields').toEqual(['A-1', 'A-2', 'A-3']);
    expect(report).toEqual({ handled: ids, failed: [], deleted: [] });
    expect(await pendingEntries(s.redis, s.stream, GROUP), 'rescued entries are acknowledged').toEqual([]);
  });

  test('entries a live consumer is still working on are left alone', async () => {
    const s = await scene();
    await addEntries(s.redis, s.stream, numbered(3));
    const [stale] = await crashedHolding(s, 'worker-dead', 1);
    const fresh = (await deliver(s.redis, s.stream, GROUP, 'worker-alive', 2)).map((e) => e.id);

    const report = await rescue(s, async () => {});

    expect(report.handled, 'only the entry idle for longer than minIdleMs').toEqual([stale]);
    const pending = await pendingEntries(s.redis, s.stream, GROUP);
    expect(
      pending.map((p) => [p.id, p.consumer, p.deliveries]),
      'worker-alive received its entries a moment ago: taking them would process them twice',
    ).toEqual(fresh.map((id) => [id, 'worker-alive', 1]));
  });

  test('it keeps claiming until every stale entry is rescued, not just the first `count`', async () => {
    const s = await scene();
    await addEntries(s.redis, s.stream, numbered(30));
    const ids = await crashedHolding(s, 'worker-dead', 30);

    const report = await rescue(s, async () => {}, 5);

    expect(report.handled, 'all 30 entries, claimed 5 at a time (follow the cursor XAUTOCLAIM returns until it is 0-0)').toEqual(ids);
    expect(await pendingEntries(s.redis, s.stream, GROUP)).toEqual([]);
  });

  test('stale entries behind a long run of young pending entries are rescued too', async () => {
    const s = await scene();
    // XAUTOCLAIM looks at about ten times COUNT pending entries per call: with 5 per call, 60 young
    // entries in front mean the first calls claim nothing and still return a cursor to go on from.
    await addEntries(s.redis, s.stream, numbered(60));
    await deliver(s.redis, s.stream, GROUP, 'worker-alive', 60);
    await addEntries(s.redis, s.stream, numbered(beyond(5), 61));
    const stale = await crashedHolding(s, 'worker-dead', beyond(5));

    const report = await rescue(s, async () => {}, 5);

    expect(report.handled, 'a call that claims nothing is not the end: only cursor 0-0 is').toEqual(stale);
  });

  test('an entry deleted from the stream while pending is reported, not handled', async () => {
    const s = await scene();
    await addEntries(s.redis, s.stream, [{ order: 'B-1' }, { order: 'B-2' }, { order: 'B-3' }]);
    const [first, gone, third] = await crashedHolding(s, 'worker-dead', 3);
    await s.redis.xdel(s.stream, gone ?? '');
    const seen: string[] = [];

    const report = await rescue(s, async (e) => void seen.push(e.id));

    expect(seen, 'the handler never sees the deleted entry').toEqual([first, third]);
    expect(report.deleted, 'XAUTOCLAIM names deleted entries in the third element of its reply').toEqual([gone]);
    expect(await pendingEntries(s.redis, s.stream, GROUP), 'nothing is left pending').toEqual([]);
  });

  test('an entry whose handler fails stays pending under the rescuer, its delivery counted', async () => {
    const s = await scene();
    await addEntries(s.redis, s.stream, [{ order: 'C-1' }]);
    const [id] = await crashedHolding(s, 'worker-dead', 1);

    const report = await rescue(s, async () => {
      throw new Error('still broken');
    });

    expect(report).toEqual({ handled: [], failed: [id], deleted: [] });
    const pending = await pendingEntries(s.redis, s.stream, GROUP);
    expect(
      pending.map((p) => [p.id, p.consumer, p.deliveries]),
      'the failed entry now belongs to the rescuer and has been delivered twice (once to each consumer)',
    ).toEqual([[id, 'rescuer', 2]]);
  });
});
