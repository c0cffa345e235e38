/**
 * Transactions (KIP-98) through kafkajs, with a bare protocol client where kafkajs hides what the
 * broker answered (the last stable offset, the aborted transactions list, isolation levels).
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox } from '../../testing/wait.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { encodeBatch } from './record-batch.ts';
import { consumeInto, fastConsumer, startTestCluster, type Received } from './testing/kafkajs-client.ts';
import { RawClient } from './testing/raw-client.ts';
import type { EmbeddedKafka } from './index.ts';

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;
let raw: RawClient;

beforeAll(async () => {
  ({ broker, kafka, admin, stop } = await startTestCluster());
  raw = await RawClient.connect(broker.bootstrap);
});
afterAll(async () => {
  raw.close();
  await stop();
});

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

async function transactionalProducer(transactionalId: string, transactionTimeout?: number): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, ...(transactionTimeout ? { transactionTimeout } : {}) });
  await producer.connect();
  return producer;
}

/** What a Fetch v4 says about one partition: its offsets and, for read_committed, the aborted transactions. */
async function fetchPartition(topic: string, isolation: number, fetchOffset = 0) {
  const r = await raw.request(ApiKey.Fetch, 4, (w) => {
    w.int32(-1).int32(0).int32(0).int32(1 << 20).int8(isolation);
    w.array([topic], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(fetchOffset).int32(1 << 20)));
  });
  r.int32(); // throttle
  r.int32(); // one topic
  r.string();
  r.int32(); // one partition
  r.int32();
  const errorCode = r.int16();
  const highWatermark = r.int64();
  const lastStableOffset = r.int64();
  const aborted = r.nullableArray(16, (r) => ({ producerId: r.int64(), firstOffset: r.int64() }));
  const recordBytes = r.int32();
  return { errorCode, highWatermark, lastStableOffset, aborted, recordBytes };
}

/** ListOffsets v2 for the latest offset at an isolation level. */
async function latestOffset(topic: string, isolation: number): Promise<number> {
  const r = await raw.request(ApiKey.ListOffsets, 2, (w) => {
    w.int32(-1).int8(isolation);
    w.array([topic], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(-1)));
  });
  r.int32();
  r.int32();
  r.string();
  r.int32();
  r.int32();
  expect(r.int16()).toBe(ErrorCode.NONE);
  r.int64();
  return r.int64();
}

async function readAll(topic: string, readUncommitted: boolean, count: number, groupId: string): Promise<Received[]> {
  const consumer = fastConsumer(kafka, { groupId, readUncommitted });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const inbox = await consumeInto(consumer, new Inbox<Received>());
  // The marker proves the end: a plain message produced after everything else.
  const received = await inbox.waitUntil((m) => m.value === 'end', 10_000, `the end marker on ${topic}`);
  await consumer.disconnect();
  expect(received.length).toBe(count);
  return received;
}

async function produceEnd(topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'end' }] });
  await producer.disconnect();
}

describe('transactions', () => {
  it('hides a transaction from read_committed until it commits, then shows all of it; control records take an offset', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-commit' }] });
    const producer = await transactionalProducer('txn-commit-producer');
    const transaction = await producer.transaction();
    await transaction.send({ topic: 'txn-commit', messages: [{ value: 'a' }, { value: 'b' }] });

    const open = await fetchPartition('txn-commit', READ_COMMITTED);
    expect(open).toMatchObject({ highWatermark: 2, lastStableOffset: 0, recordBytes: 0, aborted: [] });
    expect(await latestOffset('txn-commit', READ_COMMITTED)).toBe(0);
    expect(await latestOffset('txn-commit', READ_UNCOMMITTED)).toBe(2);
    expect((await fetchPartition('txn-commit', READ_UNCOMMITTED)).recordBytes).toBeGreaterThan(0);

    await transaction.commit();
    await producer.disconnect();
    // Two records and the commit marker.
    expect(await fetchPartition('txn-commit', READ_COMMITTED)).toMatchObject({ highWatermark: 3, lastStableOffset: 3, aborted: [] });

    await produceEnd('txn-commit');
    const received = await readAll('txn-commit', false, 3, 'txn-commit-readers');
    expect(received.map((m) => [m.offset, m.value])).toEqual([[0, 'a'], [1, 'b'], [3, 'end']]);
  });

  it('drops an aborted transaction for read_committed, listing it as aborted, while read_uncommitted sees it', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-abort' }] });
    const producer = await transactionalProducer('txn-abort-producer');
    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-abort', messages: [{ value: 'ghost-1' }, { value: 'ghost-2' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-abort', messages: [{ value: 'real' }] });
    await committed.commit();
    await producer.disconnect();
    await produceEnd('txn-abort');

    const view = await fetchPartition('txn-abort', READ_COMMITTED);
    expect(view.aborted).toHaveLength(1);
    expect(view.aborted![0]!.firstOffset).toBe(0);
    expect((await fetchPartition('txn-abort', READ_UNCOMMITTED)).aborted).toBeNull();

    const committedView = await readAll('txn-abort', false, 2, 'txn-abort-committed');
    expect(committedView.map((m) => m.value)).toEqual(['real', 'end']);
    const uncommittedView = await readAll('txn-abort', true, 4, 'txn-abort-uncommitted');
    expect(uncommittedView.map((m) => m.value)).toEqual(['ghost-1', 'ghost-2', 'real', 'end']);
  });

  it('fences a zombie: a new instance with the same transactional id aborts its transaction and its next request fails', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-fence' }] });
    const zombie = await transactionalProducer('txn-fence-producer');
    const zombieTxn = await zombie.transaction();
    await zombieTxn.send({ topic: 'txn-fence', messages: [{ value: 'zombie-1' }] });

    const successor = await transactionalProducer('txn-fence-producer');
    // kafkajs sends the transactional InitProducerId with the first transaction: that aborts the zombie's.
    const txn = await successor.transaction();
    expect(await fetchPartition('txn-fence', READ_COMMITTED)).toMatchObject({ highWatermark: 2, lastStableOffset: 2 });

    await expect(zombieTxn.send({ topic: 'txn-fence', messages: [{ value: 'zombie-2' }] })).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });
    await expect(zombieTxn.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });

    await txn.send({ topic: 'txn-fence', messages: [{ value: 'successor' }] });
    await txn.commit();
    await Promise.all([zombie.disconnect(), successor.disconnect()]);
    await produceEnd('txn-fence');
    const received = await readAll('txn-fence', false, 2, 'txn-fence-readers');
    expect(received.map((m) => m.value)).toEqual(['successor', 'end']);
  });

  it('commits consumed offsets with the transaction (sendOffsets), and not at all when it aborts', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-offsets-in' }, { topic: 'txn-offsets-out' }] });
    const producer = await transactionalProducer('txn-offsets-producer');
    const committedOffset = async (): Promise<string> =>
      (await admin.fetchOffsets({ groupId: 'txn-offsets-group', topics: ['txn-offsets-in'] }))[0]!.partitions[0]!.offset;

    const aborted = await producer.transaction();
    await aborted.send({ topic: 'txn-offsets-out', messages: [{ value: 'x' }] });
    await aborted.sendOffsets({ consumerGroupId: 'txn-offsets-group', topics: [{ topic: 'txn-offsets-in', partitions: [{ partition: 0, offset: '5' }] }] });
    expect(await committedOffset()).toBe('-1');
    await aborted.abort();
    expect(await committedOffset()).toBe('-1');

    const committed = await producer.transaction();
    await committed.send({ topic: 'txn-offsets-out', messages: [{ value: 'y' }] });
    await committed.sendOffsets({ consumerGroupId: 'txn-offsets-group', topics: [{ topic: 'txn-offsets-in', partitions: [{ partition: 0, offset: '7' }] }] });
    expect(await committedOffset()).toBe('-1');
    await committed.commit();
    expect(await committedOffset()).toBe('7');
    await producer.disconnect();
  });

  it('aborts a transaction left open past its timeout and fences its producer', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-timeout' }] });
    const producer = await transactionalProducer('txn-timeout-producer', 200);
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-timeout', messages: [{ value: 'slow' }] });
    expect((await fetchPartition('txn-timeout', READ_COMMITTED)).lastStableOffset).toBe(0);
    // The abort marker's arrival is the event: a read_uncommitted long poll from offset 1 wakes on it.
    const r = await raw.request(ApiKey.Fetch, 4, (w) => {
      w.int32(-1).int32(5_000).int32(1).int32(1 << 20).int8(READ_UNCOMMITTED);
      w.array(['txn-timeout'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(1).int32(1 << 20)));
    });
    expect(r.remaining).toBeGreaterThan(0);
    expect(await fetchPartition('txn-timeout', READ_COMMITTED)).toMatchObject({ highWatermark: 2, lastStableOffset: 2 });
    expect((await fetchPartition('txn-timeout', READ_COMMITTED)).aborted).toHaveLength(1);
    await expect(txn.commit()).rejects.toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });
    await producer.disconnect();
  });

  it('keeps the last stable offset at or after the log start when DeleteRecords passes an open transaction', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-deleted' }] });
    const producer = await transactionalProducer('txn-deleted-producer');
    const transaction = await producer.transaction();
    await transaction.send({ topic: 'txn-deleted', messages: [{ value: 'a' }, { value: 'b' }] });
    // Raw: kafkajs checks the offset against a read_committed ListOffsets (0 here) and refuses.
    const deleted = await raw.request(ApiKey.DeleteRecords, 0, (w) => {
      w.array(['txn-deleted'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(1)));
      w.int32(1000);
    });
    deleted.int32();
    deleted.int32();
    deleted.string();
    deleted.int32();
    expect([deleted.int32(), deleted.int64(), deleted.int16()]).toEqual([0, 1, ErrorCode.NONE]);
    expect(await fetchPartition('txn-deleted', READ_COMMITTED, 1)).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 2, lastStableOffset: 1 });
    await transaction.abort();
    await producer.disconnect();
    expect(await fetchPartition('txn-deleted', READ_COMMITTED, 1)).toMatchObject({ highWatermark: 3, lastStableOffset: 3 });
  });

  it('answers the protocol errors Kafka gives: unknown ids, partitions not added, bad timeouts, PRODUCER_FENCED from v2', async () => {
    await admin.createTopics({ topics: [{ topic: 'txn-raw' }] });
    const init = async (transactionalId: string, timeoutMs: number) => {
      const r = await raw.request(ApiKey.InitProducerId, 1, (w) => w.nullableString(transactionalId).int32(timeoutMs));
      r.int32();
      return { errorCode: r.int16(), producerId: r.int64(), producerEpoch: r.int16() };
    };
    expect((await init('', 60_000)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await init('txn-raw', 0)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await init('txn-raw', 900_001)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const first = await init('txn-raw', 60_000);
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });

    // A transactional batch for a partition the transaction never added.
    const produce = async (producerEpoch: number, transactionalId = 'txn-raw'): Promise<number> => {
      const batch = encodeBatch([{ value: Buffer.from('stray') }], { producerId: first.producerId, producerEpoch, baseSequence: 0, attributes: 0x10 });
      const r = await raw.request(ApiKey.Produce, 3, (w) => {
        w.nullableString(transactionalId).int16(-1).int32(1000);
        w.array(['txn-raw'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).nullableBytes(batch)));
      });
      r.int32();
      r.string();
      r.int32();
      r.int32();
      return r.int16();
    };
    expect(await produce(0)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await produce(0, 'txn-raw-unknown')).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);

    const endTxn = async (version: number, producerEpoch: number): Promise<number> => {
      const r = await raw.request(ApiKey.EndTxn, version, (w) => w.string('txn-raw').int64(first.producerId).int16(producerEpoch).bool(true));
      r.int32();
      return r.int16();
    };
    // Nothing was added, so there is nothing to commit.
    expect(await endTxn(1, 0)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await init('txn-raw', 60_000)).producerEpoch).toBe(1);
    expect(await endTxn(1, 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await endTxn(2, 0)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await produce(0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);

    const addPartitions = async (topic: string): Promise<number[]> => {
      const r = await raw.request(ApiKey.AddPartitionsToTxn, 1, (w) => {
        w.string('txn-raw').int64(first.producerId).int16(1);
        w.array([topic], (w, t) => w.string(t).int32Array([0, 1]));
      });
      r.int32();
      r.int32();
      r.string();
      return r.array(6, (r) => (r.int32(), r.int16()));
    };
    // txn-raw has one partition: partition 1 is unknown, so partition 0 is not attempted.
    expect(await addPartitions('txn-raw')).toEqual([ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  });
});
