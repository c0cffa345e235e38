import { describe, expect, test } from 'vitest';
import { createTopic, disconnectAfterTest, kafkaClient, uniqueName } from '#testing/kafka';
import { Inbox, within } from '#testing/wait';
import { Overloaded, startForwarder, type Delivery, type Forwarder } from './forwarder.ts';

/** How long the overloaded shard asks to be left alone: long enough to tell "waited" from "did not". */
const RETRY_AFTER_MS = 4_000;
/** Short fetch waits: kafkajs otherwise idles 5 s per fetch while a partition is paused. */
const CONSUMER_CONFIG = { maxWaitTimeInMs: 100, sessionTimeout: 6_000, heartbeatInterval: 500 };

type Attempt = { value: string; partition: number; at: number; outcome: 'delivered' | 'overloaded' };

interface Shards {
  deliver: (d: Delivery) => Promise<void>;
  /** Every attempt, in the order they were made. */
  attempts: Inbox<Attempt>;
  /** The values each partition's shard accepted, in order. */
  delivered: [Inbox<string>, Inbox<string>, Inbox<string>];
}

/**
 * The downstream service: one shard per partition. It accepts everything, except that it answers
 * the first attempt of each record in `overloadOnce` with Overloaded(RETRY_AFTER_MS).
 */
function downstream(overloadOnce: string[]): Shards {
  const attempts = new Inbox<Attempt>();
  const delivered: Shards['delivered'] = [new Inbox<string>(), new Inbox<string>(), new Inbox<string>()];
  const pending = new Set(overloadOnce);
  return {
    attempts,
    delivered,
    deliver: async ({ value, partition }) => {
      if (pending.delete(value)) {
        attempts.push({ value, partition, at: performance.now(), outcome: 'overloaded' });
        throw new Overloaded(RETRY_AFTER_MS);
      }
      attempts.push({ value, partition, at: performance.now(), outcome: 'delivered' });
      delivered[partition]?.push(value);
    },
  };
}

async function produce(topic: string, partition: number, count: number): Promise<string[]> {
  const producer = disconnectAfterTest(kafkaClient().producer());
  await producer.connect();
  const values = Array.from({ length: count }, (_, i) => `p${partition}-${i}`);
  await producer.send({ topic, messages: values.map((value) => ({ partition, key: `shard-${partition}`, value })) });
  return values;
}

async function start(topic: string, deliver: (d: Delivery) => Promise<void>, cleanup: (fn: () => Promise<void>) => void): Promise<Forwarder> {
  const forwarder = await startForwarder(kafkaClient(), { groupId: uniqueName('forwarder'), topic, deliver, consumerConfig: CONSUMER_CONFIG });
  cleanup(() => forwarder.stop());
  return forwarder;
}

describe('a forwarder that pauses the partition whose downstream pushes back', () => {
  test('pauses only that partition, keeps the others flowing, and retries the record after retryAfterMs', async ({ onTestFinished }) => {
    const topic = uniqueName('shipments');
    await createTopic(topic, 3);
    const shard = downstream(['p0-2']);
    const forwarder = await start(topic, shard.deliver, onTestFinished);

    const first = await produce(topic, 0, 6);
    await shard.attempts.waitUntil((a) => a.outcome === 'overloaded', 10_000, 'the downstream pushing back on p0-2');
    const rejectedAt = (shard.attempts.items.find((a) => a.outcome === 'overloaded') as Attempt).at;

    // Partition 0 now waits out its retryAfter. Records for the other shards must not wait with it.
    const second = await produce(topic, 1, 5);
    const third = await produce(topic, 2, 5);
    const stillPausedMs = Math.max(Math.round(rejectedAt + RETRY_AFTER_MS - 500 - performance.now()), 0);
    await within(
      Promise.all([shard.delivered[1].waitFor(5, 60_000, 'partition 1'), shard.delivered[2].waitFor(5, 60_000, 'partition 2')]),
      stillPausedMs,
      'partitions 1 and 2 being delivered while partition 0 waits out its retryAfter (did the whole topic stop?)',
    );
    expect(
      shard.delivered[0].items,
      'while partition 0 waits, nothing more of it is delivered (more means the refused record was retried at once instead of after retryAfterMs)',
    ).toEqual(['p0-0', 'p0-1']);
    expect(forwarder.stats().pausesByPartition, 'pauses per partition while the shard of partition 0 is overloaded').toEqual({ 0: 1 });

    await shard.attempts.waitUntil(
      (a) => a.value === 'p0-2' && a.outcome === 'delivered',
      RETRY_AFTER_MS + 3_000,
      'p0-2 being delivered after partition 0 resumes (the refused record, and the rest of its batch, must not be marked done at the pause: resolve only delivered offsets)',
    );
    await shard.delivered[0].waitUntil((v) => v === 'p0-5', 10_000, 'the rest of partition 0 being delivered after p0-2');
    expect(shard.delivered[0].items, 'partition 0: every record once, in order, none lost at the pause').toEqual(first);
    const retry = shard.attempts.items.find((a) => a.value === 'p0-2' && a.outcome === 'delivered') as Attempt;
    expect(Math.round(retry.at - rejectedAt), `ms between the push-back and the retry of p0-2 (retryAfterMs is ${RETRY_AFTER_MS})`).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 10);
    expect(shard.delivered[1].items, 'partition 1: every record once, in order').toEqual(second);
    expect(shard.delivered[2].items, 'partition 2: every record once, in order').toEqual(third);
    expect(forwarder.stats(), 'final stats').toEqual({ delivered: 16, pausesByPartition: { 0: 1 }, resumesByPartition: { 0: 1 } });
  }, 40_000);

  test('a downstream that never pushes back is never paused', async ({ onTestFinished }) => {
    const topic = uniqueName('shipments');
    await createTopic(topic, 3);
    const shard = downstream([]);
    const forwarder = await start(topic, shard.deliver, onTestFinished);

    const values = [...(await produce(topic, 0, 4)), ...(await produce(topic, 1, 4)), ...(await produce(topic, 2, 4))];

    await shard.attempts.waitFor(values.length, 15_000, `all ${values.length} records being delivered`);
    expect(forwarder.stats(), 'nothing pushed back, so nothing paused').toEqual({ delivered: values.length, pausesByPartition: {}, resumesByPartition: {} });
  }, 30_000);
});
