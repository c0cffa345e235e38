import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../testing/wait.ts';
import { startEmbeddedKafka, type EmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { KafkaLogs, connectedProducer, consumeInto, fastConsumer, startTestCluster, testKafka } from './testing/kafkajs-client.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;

// Retention checks every 50 ms instead of Kafka's 5 minutes, so the tests see them.
beforeAll(async () => ({ broker, kafka, admin, stop } = await startTestCluster({ retentionCheckIntervalMs: 50 })));
afterAll(() => stop());

async function lowAndHigh(topic: string): Promise<[number, number]> {
  const [partition] = await admin.fetchTopicOffsets(topic);
  return [Number(partition!.low), Number(partition!.high)];
}

/** Fetch v5 of partition 0 at `offset`: its error code, high watermark and the sizes of the batches returned. */
async function rawFetch(topic: string, offset: number): Promise<{ errorCode: number; highWatermark: number; batchSizes: number[] }> {
  const raw = await RawClient.connect(broker.bootstrap);
  const body = await raw.request(ApiKey.Fetch, 5, (w) =>
    w.int32(-1).int32(0).int32(1).int32(1_000_000).int8(0).array([topic], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(offset).int64(-1).int32(1_000_000))),
  );
  raw.close();
  body.int32();
  body.int32();
  body.string();
  body.int32();
  body.int32();
  const errorCode = body.int16();
  const highWatermark = body.int64();
  body.int64(); // last stable offset
  body.int64(); // log start offset
  body.int32(); // aborted transactions
  const records = body.bytes();
  const batchSizes: number[] = [];
  for (let at = 0; at < records.length; at += batchSizes[batchSizes.length - 1]!) batchSizes.push(12 + records.readInt32BE(at + 8));
  return { errorCode, highWatermark, batchSizes };
}

describe('retention, by segment as Kafka does it', () => {
  it('deletes whole segments from the front while the rest still holds retention.bytes', async () => {
    // ~170-byte batches and 300-byte segments: each batch rolls a new segment.
    const configEntries = [
      { name: 'retention.bytes', value: '1000' },
      { name: 'segment.bytes', value: '300' },
    ];
    await admin.createTopics({ topics: [{ topic: 'size-capped', configEntries }] });
    const producer = await connectedProducer(kafka);
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'size-capped', messages: [{ value: `${i}:${'x'.repeat(100)}` }] });
    await producer.disconnect();

    // Kafka's rule: a segment goes only if what remains is still at least retention.bytes.
    const retainedSizes = async (): Promise<number[]> => (await rawFetch('size-capped', (await lowAndHigh('size-capped'))[0])).batchSizes;
    const total = (sizes: number[]): number => sizes.reduce((a, b) => a + b, 0);
    await until(async () => {
      const sizes = await retainedSizes();
      return total(sizes) - sizes[0]! < 1000;
    }, 'a retention check after the last send', 5_000);
    const [low, high] = await lowAndHigh('size-capped');
    expect(low).toBeGreaterThan(0);
    expect(high).toBe(20);
    const batchSizes = await retainedSizes();
    expect(batchSizes).toHaveLength(high - low);
    expect(total(batchSizes)).toBeGreaterThanOrEqual(1000);

    const consumer = fastConsumer(kafka, { groupId: 'size-capped-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'size-capped', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const received = await inbox.waitFor(high - low, 10_000, 'the retained messages');
    await consumer.disconnect();
    expect(received.map((m) => m.offset)).toEqual(Array.from({ length: high - low }, (_, i) => low + i));
  });

  it('keeps old-timestamped records while their segment holds newer ones, and deletes a segment once its newest record expires', async () => {
    const anHourAgo = String(Date.now() - 3_600_000);
    const old = [0, 1, 2].map((i) => ({ value: `old-${i}`, timestamp: anHourAgo }));
    // Explicit timestamps: kafkajs leaves records without one out of the batch's max timestamp.
    const fresh = [{ value: 'new-0', timestamp: String(Date.now()) }, { value: 'new-1', timestamp: String(Date.now()) }];
    // Created first, so each retention pass checks it before time-capped. Old and new records in one
    // send: they share a segment from the start (with separate sends, a retention check could fall
    // between them and find the segment holding only old records, as it could in Kafka).
    await admin.createTopics({ topics: [{ topic: 'mixed-times', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const producer = await connectedProducer(kafka);
    await producer.send({ topic: 'mixed-times', messages: [...old, ...fresh] });
    // segment.ms=1000: the new records are more than a second younger than the old ones, so they roll a segment.
    const configEntries = [
      { name: 'retention.ms', value: '60000' },
      { name: 'segment.ms', value: '1000' },
    ];
    await admin.createTopics({ topics: [{ topic: 'time-capped', configEntries }] });
    await producer.send({ topic: 'time-capped', messages: old });
    await producer.send({ topic: 'time-capped', messages: fresh });
    await producer.disconnect();

    await until(async () => (await lowAndHigh('time-capped'))[0] === 3, 'the retention check deleting the expired segment', 5_000);
    expect(await lowAndHigh('time-capped')).toEqual([3, 5]);
    // One segment whose newest record is fresh: nothing in it has expired, the hour-old records included.
    expect(await lowAndHigh('mixed-times')).toEqual([0, 5]);
  });

  it('compacts closed segments where cleanup.policy=compact: the latest value per key, tombstones until delete.retention.ms', async () => {
    const configEntries = [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.ms', value: '1000' },
    ];
    await admin.createTopics({ topics: [{ topic: 'compacted', configEntries }] });
    const producer = await connectedProducer(kafka);
    const start = Date.now() - 60_000;
    // Two seconds apart: every send rolls a segment, and each roll compacts the closed ones.
    const sends: Array<[string, string | null]> = [
      ['k1', 'a'],
      ['k2', 'b'],
      ['k1', 'c'],
      ['k2', null],
      ['k3', 'x'],
    ];
    for (const [i, [key, value]] of sends.entries()) {
      await producer.send({ topic: 'compacted', messages: [{ key, value, timestamp: String(start + i * 2000) }] });
    }
    const readAll = async (groupId: string, count: number): Promise<Array<[number, string | null, string | null]>> => {
      const consumer = fastConsumer(kafka, { groupId });
      await consumer.connect();
      await consumer.subscribe({ topic: 'compacted', fromBeginning: true });
      const inbox = await consumeInto(consumer);
      const received = await inbox.waitFor(count, 10_000, `${count} records left by compaction`);
      await consumer.disconnect();
      return received.map((m) => [m.offset, m.key, m.value]);
    };
    // The active segment (k3=x) is never compacted; the closed ones keep each key's latest record.
    expect(await readAll('compacted-readers-1', 3)).toEqual([
      [2, 'k1', 'c'],
      [3, 'k2', null],
      [4, 'k3', 'x'],
    ]);

    // AlterConfigs replaces every override of the topic, so the others are given again.
    const withoutTombstoneGrace = [...configEntries, { name: 'delete.retention.ms', value: '0' }];
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'compacted', configEntries: withoutTombstoneGrace }] });
    await producer.send({ topic: 'compacted', messages: [{ key: 'k4', value: 'y', timestamp: String(start + 10_000) }] });
    await producer.disconnect();
    expect(await readAll('compacted-readers-2', 3)).toEqual([
      [2, 'k1', 'c'],
      [4, 'k3', 'x'],
      [5, 'k4', 'y'],
    ]);
    expect(await lowAndHigh('compacted')).toEqual([0, 6]);
  });

  it('answers OFFSET_OUT_OF_RANGE outside [log start, high watermark], and kafkajs resets to the earliest offset', async () => {
    // Continues from the previous test: time-capped holds offsets 3 and 4.
    expect(await rawFetch('time-capped', 0)).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: 5 });
    expect(await rawFetch('time-capped', 6)).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: 5 });
    expect(await rawFetch('time-capped', 5)).toEqual({ errorCode: ErrorCode.NONE, highWatermark: 5, batchSizes: [] });

    const logs = new KafkaLogs();
    const logged = testKafka(broker.bootstrap, { logs });
    const consumer = fastConsumer(logged, { groupId: 'out-of-range' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'time-capped', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    consumer.seek({ topic: 'time-capped', partition: 0, offset: '1' });
    const received = await inbox.waitFor(2, 10_000, 'the two retained messages');
    await logs.inbox.waitUntil((e) => e.message.includes('Offset out of range'), 10_000, 'kafkajs logging the out-of-range reset');
    await consumer.disconnect();
    expect(received.map((m) => [m.offset, m.value])).toEqual([
      [3, 'new-0'],
      [4, 'new-1'],
    ]);
  });
});

describe('unknown topics', () => {
  it('are refused with UNKNOWN_TOPIC_OR_PARTITION when auto-creation is off', async () => {
    const strict = await startEmbeddedKafka({ autoCreateTopics: false });
    const client = testKafka(strict.bootstrap, { config: { retry: { retries: 0 } } });
    const strictAdmin = client.admin();
    await strictAdmin.connect();
    const producer = await connectedProducer(client);
    try {
      expect(await errorType(producer.send({ topic: 'nowhere', messages: [{ value: 'lost' }] }))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
      expect(await errorType(strictAdmin.fetchTopicMetadata({ topics: ['nowhere'] }))).toBe('UNKNOWN_TOPIC_OR_PARTITION');
      expect(await strictAdmin.listTopics()).toEqual([]);
    } finally {
      await producer.disconnect();
      await strictAdmin.disconnect();
      await strict.stop();
    }
  });

  it('are created on first use with defaultPartitions when auto-creation is on', async () => {
    const lenient = await startEmbeddedKafka({ defaultPartitions: 3 });
    const client = testKafka(lenient.bootstrap);
    const producer = await connectedProducer(client);
    const lenientAdmin = client.admin();
    await lenientAdmin.connect();
    try {
      await producer.send({ topic: 'appears', messages: [{ value: 'hello' }] });
      const metadata = await lenientAdmin.fetchTopicMetadata({ topics: ['appears'] });
      expect(metadata.topics[0]!.partitions).toHaveLength(3);
    } finally {
      await producer.disconnect();
      await lenientAdmin.disconnect();
      await lenient.stop();
    }
  });
});

/** The Kafka error type kafkajs failed with, whether or not it wrapped it after retrying. */
async function errorType(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    const e = error as { type?: string; cause?: { type?: string } };
    return e.type ?? e.cause?.type;
  }
  throw new Error('expected a failure');
}
