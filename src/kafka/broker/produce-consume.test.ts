import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox, within } from '../../testing/wait.ts';
import type { EmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { connectedProducer, consumeInto, fastConsumer, nextGroupJoin, startTestCluster } from './testing/kafkajs-client.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;

beforeAll(async () => ({ broker, kafka, admin, stop } = await startTestCluster()));
afterAll(() => stop());

describe('producing and consuming with kafkajs', () => {
  it('delivers every message to a consumer group, keys always landing on the same partition', async () => {
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] });
    const producer = await connectedProducer(kafka);
    const keys = ['alice', 'bob', 'carol', 'dave'];
    const sent = await producer.send({
      topic: 'orders',
      messages: Array.from({ length: 20 }, (_, i) => ({ key: keys[i % keys.length]!, value: `order-${i}` })),
    });
    // A second send must put each key where the first one did.
    const again = await producer.send({ topic: 'orders', messages: keys.map((key) => ({ key, value: `again-${key}` })) });
    await producer.disconnect();
    expect(sent.every((r) => r.errorCode === 0)).toBe(true);
    expect(again.every((r) => r.errorCode === 0)).toBe(true);

    const consumer = fastConsumer(kafka, { groupId: 'orders-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const received = await inbox.waitFor(24, 10_000, 'all 24 orders');
    await consumer.disconnect();

    expect(received.map((m) => m.value).sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `order-${i}`), ...keys.map((k) => `again-${k}`)].sort());
    for (const key of keys) {
      const partitions = new Set(received.filter((m) => m.key === key).map((m) => m.partition));
      expect(partitions.size, `partitions used by key ${key}`).toBe(1);
    }
    // Offsets within each partition are 0, 1, 2, ... in order, no gaps.
    for (const partition of [0, 1, 2]) {
      const offsets = received.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(24);
  });

  it('passes gzip-compressed batches through untouched and kafkajs reads them back', async () => {
    await admin.createTopics({ topics: [{ topic: 'zipped' }] });
    const producer = await connectedProducer(kafka);
    const values = Array.from({ length: 50 }, (_, i) => `compressible value ${i} `.repeat(20));
    await producer.send({ topic: 'zipped', compression: CompressionTypes.GZIP, messages: values.map((value) => ({ value })) });
    await producer.disconnect();

    const consumer = fastConsumer(kafka, { groupId: 'zipped-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'zipped', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const received = await inbox.waitFor(50, 10_000, 'all 50 gzip messages');
    await consumer.disconnect();
    expect(received.map((m) => m.value)).toEqual(values);
    expect(received.map((m) => m.offset)).toEqual(values.map((_, i) => i));

    // On the wire the batch is still one gzip batch (codec bits = 1), far smaller than its contents.
    const raw = await RawClient.connect(broker.bootstrap);
    const body = await raw.request(ApiKey.Fetch, 4, (w) =>
      w.int32(-1).int32(0).int32(1).int32(10_000_000).int8(0)
        .array(['zipped'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(0).int32(10_000_000))),
    );
    raw.close();
    body.int32(); // throttle
    body.int32(); // topics
    body.string();
    body.int32(); // partitions
    body.int32();
    expect(body.int16()).toBe(ErrorCode.NONE);
    expect(body.int64()).toBe(50); // high watermark
    body.int64();
    body.int32(); // aborted transactions (null)
    const records = body.bytes();
    expect(records.readInt32BE(8) + 12).toBe(records.length); // exactly one batch
    expect(records.readInt16BE(21) & 0x07).toBe(1);
    expect(records.length).toBeLessThan(values.join('').length / 5);
  });

  it('wakes a parked fetch as soon as a message is appended, long before maxWaitTime', async () => {
    await admin.createTopics({ topics: [{ topic: 'long-poll' }] });
    const consumer = kafka.consumer({ groupId: 'long-pollers', maxWaitTimeInMs: 10_000, heartbeatInterval: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'long-poll' });
    const fetchStarts = new Inbox<number>();
    const fetched: number[] = [];
    consumer.on(consumer.events.FETCH_START, () => fetchStarts.push(Date.now()));
    consumer.on(consumer.events.FETCH, (event) => fetched.push(event.payload.duration));
    const joined = nextGroupJoin(consumer).then(() => Date.now());
    const inbox = await consumeInto(consumer);
    const joinedAt = await within(joined, 10_000, 'joining the group');
    // The first fetch after joining finds the partition empty and is parked; an admin round trip lets it reach the broker.
    const starts = await fetchStarts.waitUntil((t) => t >= joinedAt, 5_000, 'a fetch starting after the join');
    const parked = starts.find((t) => t >= joinedAt)!;
    await admin.fetchTopicOffsets('long-poll');
    const producer = await connectedProducer(kafka);
    const sentAt = Date.now();
    await producer.send({ topic: 'long-poll', messages: [{ value: 'wake up' }] });
    await inbox.waitFor(1, 5_000, 'the message reaching the parked consumer');
    const latency = Date.now() - sentAt;
    await producer.disconnect();
    await consumer.disconnect();

    expect(latency).toBeLessThan(3_000);
    // The fetch that delivered it had been waiting since before the message was sent.
    expect(Math.max(...fetched)).toBeGreaterThanOrEqual(sentAt - parked);
  });

  it('commits offsets and a restarted consumer resumes after the last commit', async () => {
    await admin.createTopics({ topics: [{ topic: 'resumable' }] });
    const producer = await connectedProducer(kafka);
    await producer.send({ topic: 'resumable', messages: Array.from({ length: 5 }, (_, i) => ({ value: `first-${i}` })) });

    const first = fastConsumer(kafka, { groupId: 'resumers' });
    await first.connect();
    await first.subscribe({ topic: 'resumable', fromBeginning: true });
    const firstInbox = await consumeInto(first);
    await firstInbox.waitFor(5, 10_000, 'the first five messages');
    await first.disconnect(); // commits what it consumed, then leaves

    expect(await admin.fetchOffsets({ groupId: 'resumers', topics: ['resumable'] })).toEqual([
      { topic: 'resumable', partitions: [{ partition: 0, offset: '5', metadata: null }] },
    ]);
    await producer.send({ topic: 'resumable', messages: Array.from({ length: 3 }, (_, i) => ({ value: `second-${i}` })) });
    await producer.disconnect();

    const second = fastConsumer(kafka, { groupId: 'resumers' });
    await second.connect();
    await second.subscribe({ topic: 'resumable', fromBeginning: true });
    const secondInbox = await consumeInto(second);
    const resumed = await secondInbox.waitFor(3, 10_000, 'the three new messages');
    await second.disconnect();
    expect(resumed.map((m) => [m.offset, m.value])).toEqual([
      [5, 'second-0'],
      [6, 'second-1'],
      [7, 'second-2'],
    ]);
  });

  it('lets idempotent producers write, with sequence numbers checked per partition', async () => {
    const producer = await connectedProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
    const results = await producer.send({ topic: 'idempotent', acks: -1, messages: [{ value: 'a' }, { value: 'b' }] });
    const more = await producer.send({ topic: 'idempotent', acks: -1, messages: [{ value: 'c' }] });
    await producer.disconnect();
    expect(results[0]).toMatchObject({ errorCode: 0, baseOffset: '0' });
    expect(more[0]).toMatchObject({ errorCode: 0, baseOffset: '2' });
  });

  it('delivers messages larger than maxBytesPerPartition: the first batch always comes back whole', async () => {
    await admin.createTopics({ topics: [{ topic: 'big-records' }] });
    const producer = await connectedProducer(kafka);
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 3; i++) await producer.send({ topic: 'big-records', messages: [{ value: `${i}${big}` }] });
    await producer.disconnect();
    const consumer = fastConsumer(kafka, { groupId: 'big-readers', maxBytesPerPartition: 100, maxBytes: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'big-records', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const received = await inbox.waitFor(3, 10_000, 'three 20 kB messages through a 100-byte fetch limit');
    await consumer.disconnect();
    expect(received.map((m) => m.value)).toEqual([0, 1, 2].map((i) => `${i}${big}`));
  });
});
