import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedKafka, type EmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { KafkaLogs, connectedProducer, consumeInto, fastConsumer, startTestCluster, testKafka } from './testing/kafkajs-client.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;

beforeAll(async () => ({ broker, kafka, admin, stop } = await startTestCluster()));
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

describe('retention', () => {
  it('drops the oldest batches beyond retention.bytes and moves the earliest offset', async () => {
    await admin.createTopics({ topics: [{ topic: 'size-capped', configEntries: [{ name: 'retention.bytes', value: '1000' }] }] });
    const producer = await connectedProducer(kafka);
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'size-capped', messages: [{ value: `${i}:${'x'.repeat(100)}` }] });
    await producer.disconnect();

    const [low, high] = await lowAndHigh('size-capped');
    expect(high).toBe(20);
    expect(low).toBeGreaterThan(0);
    // Kafka's rule: a segment (here, a batch) goes only if what remains is still at least retention.bytes.
    const { batchSizes } = await rawFetch('size-capped', low);
    expect(batchSizes).toHaveLength(high - low);
    const retained = batchSizes.reduce((a, b) => a + b, 0);
    expect(retained).toBeGreaterThanOrEqual(1000);
    expect(retained - batchSizes[0]!).toBeLessThan(1000);

    const consumer = fastConsumer(kafka, { groupId: 'size-capped-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'size-capped', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const received = await inbox.waitFor(high - low, 10_000, 'the retained messages');
    await consumer.disconnect();
    expect(received.map((m) => m.offset)).toEqual(Array.from({ length: high - low }, (_, i) => low + i));
  });

  it('drops batches older than retention.ms', async () => {
    await admin.createTopics({ topics: [{ topic: 'time-capped', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const producer = await connectedProducer(kafka);
    const anHourAgo = String(Date.now() - 3_600_000);
    for (let i = 0; i < 3; i++) await producer.send({ topic: 'time-capped', messages: [{ value: `old-${i}`, timestamp: anHourAgo }] });
    await producer.send({ topic: 'time-capped', messages: [{ value: 'new-0' }, { value: 'new-1' }] });
    await producer.disconnect();
    expect(await lowAndHigh('time-capped')).toEqual([3, 5]);
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
