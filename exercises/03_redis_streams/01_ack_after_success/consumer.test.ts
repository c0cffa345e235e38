import { describe, expect, test } from 'vitest';
import { clientsNamed, connect, namedUrl, redisUrl, unique } from '#testing/redis';
import { addEntries, createGroup, numbered, pendingEntries, tempNamespace } from '#testing/streams';
import { within } from '#testing/wait';
import { createConsumer, type ConsumerOptions, type EntryHandler, type GroupConsumer } from './consumer.ts';

interface Setup {
  stream: string;
  group: string;
  /** Opens the learner's consumer on this stream and group; closed when the test ends. */
  open(handle: EntryHandler, extra?: Partial<ConsumerOptions>): GroupConsumer;
}

async function setup(cleanup: (fn: () => Promise<void>) => void): Promise<Setup> {
  const ns = tempNamespace('ack');
  const stream = `${ns}:orders`;
  const group = 'billing';
  await createGroup(connect(), stream, group);
  return {
    stream,
    group,
    open(handle, extra = {}) {
      const consumer = createConsumer({ url: redisUrl(), stream, group, consumer: 'worker-1', handle, blockMs: 50, ...extra });
      cleanup(() => consumer.close());
      return consumer;
    },
  };
}

const BATCH_DEADLINE = 3_000;

describe('a consumer-group worker that acknowledges only finished work', () => {
  test('each entry reaches the handler with its fields, and is acknowledged afterwards', async ({ onTestFinished }) => {
    const { stream, group, open } = await setup(onTestFinished);
    const redis = connect();
    const ids = await addEntries(redis, stream, [{ order: 'A-1' }, { order: 'A-2' }]);
    const seen: Array<[string, string | undefined]> = [];
    const consumer = open(async (entry) => {
      seen.push([entry.id, entry.fields.order]);
    });

    const report = await within(consumer.processBatch(), BATCH_DEADLINE, 'processBatch() resolving');

    expect(seen, 'the handler should get every entry, in stream order, with its fields').toEqual([
      [ids[0], 'A-1'],
      [ids[1], 'A-2'],
    ]);
    expect(report).toEqual({ handled: ids, failed: [] });
    expect(await pendingEntries(redis, stream, group), 'handled entries must be acknowledged (XACK), so none is left pending').toEqual([]);
  });

  test('an entry is still pending while its handler is working on it', async ({ onTestFinished }) => {
    const { stream, group, open } = await setup(onTestFinished);
    const redis = connect();
    const [id] = await addEntries(redis, stream, [{ order: 'B-1' }]);
    let pendingDuringWork: string[] | undefined;
    const consumer = open(async () => {
      pendingDuringWork = (await pendingEntries(redis, stream, group)).map((p) => p.id);
    });

    await within(consumer.processBatch(), BATCH_DEADLINE, 'processBatch() resolving');

    expect(
      pendingDuringWork,
      'while the handler runs, the entry must still be on the pending list: acknowledging before the work is done (or reading with NOACK) loses it if the work fails',
    ).toEqual([id]);
  });

  test('an entry whose handler fails stays pending; the rest of the batch is still handled and acknowledged', async ({ onTestFinished }) => {
    const { stream, group, open } = await setup(onTestFinished);
    const redis = connect();
    const [first, broken, third] = await addEntries(redis, stream, [{ order: 'C-1' }, { order: 'C-2' }, { order: 'C-3' }]);
    const handledOrders: string[] = [];
    const consumer = open(async (entry) => {
      await Promise.resolve();
      if (entry.fields.order === 'C-2') throw new Error('payment service is down');
      handledOrders.push(entry.fields.order ?? '?');
    });

    const report = await within(consumer.processBatch(), BATCH_DEADLINE, 'processBatch() resolving even though one handler failed');

    expect(handledOrders, 'the entries after the failing one must still be handled').toEqual(['C-1', 'C-3']);
    expect(report).toEqual({ handled: [first, third], failed: [broken] });
    const pending = await pendingEntries(redis, stream, group);
    expect(
      pending.map((p) => [p.id, p.consumer]),
      'only the failed entry should be left pending, under this consumer’s name, so it can be retried later',
    ).toEqual([[broken, 'worker-1']]);
  });

  test('reads at most `count` entries per batch', async ({ onTestFinished }) => {
    const { stream, open } = await setup(onTestFinished);
    const ids = await addEntries(connect(), stream, numbered(5));
    const consumer = open(async () => {}, { count: 2 });

    const first = await within(consumer.processBatch(), BATCH_DEADLINE, 'the first processBatch() resolving');
    const second = await within(consumer.processBatch(), BATCH_DEADLINE, 'the second processBatch() resolving');

    expect(first.handled, 'the first batch').toEqual(ids.slice(0, 2));
    expect(second.handled, 'the second batch continues where the first stopped').toEqual(ids.slice(2, 4));
  });

  test('with nothing new to read, a batch waits at most blockMs and reports nothing', async ({ onTestFinished }) => {
    const { open } = await setup(onTestFinished);
    const consumer = open(async () => {});

    const started = performance.now();
    const report = await within(consumer.processBatch(), BATCH_DEADLINE, 'processBatch() on an empty stream resolving');

    expect(report).toEqual({ handled: [], failed: [] });
    expect(performance.now() - started, 'blockMs is 50: the read must BLOCK for blockMs, not a fixed time of its own').toBeLessThan(1_000);
  });

  test('close() leaves no connection open', async () => {
    const ns = tempNamespace('ack');
    const stream = `${ns}:orders`;
    const name = unique('ack-consumer');
    await createGroup(connect(), stream, 'billing');
    const consumer = createConsumer({ url: namedUrl(name), stream, group: 'billing', consumer: 'worker-1', handle: async () => {}, blockMs: 50 });
    await within(consumer.processBatch(), BATCH_DEADLINE, 'processBatch() resolving');

    await within(consumer.close(), 2_000, 'close() resolving');

    expect(await clientsNamed(connect(), name), 'connections of the consumer still open after close()').toEqual([]);
  });
});
