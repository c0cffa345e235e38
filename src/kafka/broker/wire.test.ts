/** Byte-level behaviour kafkajs cannot show: exact fetch limits, stored bytes, produce validation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from '../../testing/wait.ts';
import { startEmbeddedKafka, type EmbeddedKafka } from './index.ts';
import { crc32c } from './protocol/crc32c.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import type { Reader } from './protocol/reader.ts';
import { encodeBatch, type BatchOptions } from './record-batch.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
let client: RawClient;

beforeAll(async () => {
  broker = await startEmbeddedKafka();
  client = await RawClient.connect(broker.bootstrap);
});

afterAll(async () => {
  client.close();
  await broker.stop();
});

async function createTopic(name: string, partitions = 1, configs: Array<[string, string]> = []): Promise<void> {
  const body = await client.request(ApiKey.CreateTopics, 3, (w) =>
    w.array([name], (w, t) => w.string(t).int32(partitions).int16(1).int32(0).array(configs, (w, [k, v]) => w.string(k).nullableString(v))).int32(1000).bool(false),
  );
  body.int32();
  body.int32();
  body.string();
  expect(body.int16()).toBe(ErrorCode.NONE);
}

/** Produce v7 of one batch; answers the partition's error code and base offset. */
async function produce(topic: string, partition: number, records: Buffer, acks = -1): Promise<{ errorCode: number; baseOffset: number }> {
  const body = await client.request(ApiKey.Produce, 7, (w) =>
    w.nullableString(null).int16(acks).int32(1000).array([topic], (w, t) => w.string(t).array([partition], (w, p) => w.int32(p).bytes(records))),
  );
  body.int32();
  body.string();
  body.int32();
  body.int32();
  return { errorCode: body.int16(), baseOffset: body.int64() };
}

function batch(values: string[], options: BatchOptions = {}): Buffer {
  return encodeBatch(values.map((v) => ({ value: Buffer.from(v) })), options);
}

interface FetchedPartition {
  partition: number;
  errorCode: number;
  records: Buffer;
}

/** Fetch v11 without waiting, of the given partitions (all from offset 0). */
async function fetch(topic: string, partitions: Array<{ partition: number; maxBytes: number }>, maxBytes: number): Promise<FetchedPartition[]> {
  const body = await client.request(ApiKey.Fetch, 11, (w) =>
    w.int32(-1).int32(0).int32(0).int32(maxBytes).int8(0).int32(0).int32(-1)
      .array([topic], (w, t) => w.string(t).array(partitions, (w, p) => w.int32(p.partition).int32(-1).int64(0).int64(-1).int32(p.maxBytes)))
      .int32(0).string(''),
  );
  body.int32();
  expect(body.int16()).toBe(0);
  body.int32();
  body.int32();
  body.string();
  return body.array(4, (r: Reader) => {
    const partition = r.int32();
    const errorCode = r.int16();
    r.int64();
    r.int64();
    r.int64();
    r.nullableArray(16, (r) => [r.int64(), r.int64()]);
    r.int32();
    return { partition, errorCode, records: r.bytes() };
  });
}

function batchSizes(records: Buffer): number[] {
  const sizes: number[] = [];
  for (let at = 0; at < records.length; at += sizes[sizes.length - 1]!) sizes.push(12 + records.readInt32BE(at + 8));
  return sizes;
}

describe('the wire format', () => {
  it('stores batches byte for byte, rewriting only baseOffset and partitionLeaderEpoch (outside the CRC)', async () => {
    await createTopic('verbatim');
    const first = batch(['a', 'b', 'c']);
    const second = batch(['d']);
    expect(await produce('verbatim', 0, first)).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce('verbatim', 0, second)).toEqual({ errorCode: 0, baseOffset: 3 });
    const [fetched] = await fetch('verbatim', [{ partition: 0, maxBytes: 1_000_000 }], 1_000_000);
    const records = fetched!.records;
    expect(records.length).toBe(first.length + second.length);
    const stored = records.subarray(first.length);
    expect(stored.readBigInt64BE(0)).toBe(3n);
    expect(stored.subarray(8, 12)).toEqual(second.subarray(8, 12));
    expect(stored.subarray(16)).toEqual(second.subarray(16));
    expect(crc32c(stored, 21)).toBe(stored.readUInt32BE(17));
  });

  it('honours per-partition and total max bytes, returning whole batches, at least one', async () => {
    await createTopic('limits', 2);
    for (const value of ['first', 'second', 'third']) await produce('limits', 0, batch([value.repeat(10)]));
    await produce('limits', 1, batch(['other']));
    const [whole] = await fetch('limits', [{ partition: 0, maxBytes: 1_000_000 }], 1_000_000);
    const sizes = batchSizes(whole!.records);
    expect(sizes).toHaveLength(3);

    const [two] = await fetch('limits', [{ partition: 0, maxBytes: sizes[0]! + sizes[1]! + 1 }], 1_000_000);
    expect(batchSizes(two!.records)).toEqual(sizes.slice(0, 2));
    // A limit smaller than the first batch still returns that batch whole.
    const [one] = await fetch('limits', [{ partition: 0, maxBytes: 1 }], 1_000_000);
    expect(batchSizes(one!.records)).toEqual(sizes.slice(0, 1));
    // Only the first batch of the whole response may exceed the limit: partition 1 gets nothing.
    const both = await fetch('limits', [{ partition: 0, maxBytes: 1_000_000 }, { partition: 1, maxBytes: 1_000_000 }], 1);
    expect(both.map((p) => batchSizes(p.records).length)).toEqual([1, 0]);
  });

  it('keeps a fetch parked until minBytes have arrived, and answers empty when maxWait runs out', async () => {
    await createTopic('patient');
    const one = batch(['first']);
    const waiter = await RawClient.connect(broker.bootstrap);
    try {
      const parkedFetch = (minBytes: number, maxWaitMs: number): Promise<Reader> =>
        waiter.request(ApiKey.Fetch, 4, (w) =>
          w.int32(-1).int32(maxWaitMs).int32(minBytes).int32(1_000_000).int8(0)
            .array(['patient'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(0).int32(1_000_000))),
        );
      const recordsOf = (body: Reader): Buffer => {
        body.int32();
        body.int32();
        body.string();
        body.int32();
        body.int32();
        body.int16();
        body.int64();
        body.int64();
        body.nullableArray(16, (r) => [r.int64(), r.int64()]);
        return body.bytes();
      };

      // Two batches' worth: the first append wakes the fetch, which finds too little and parks again.
      const fetched = parkedFetch(2 * one.length, 30_000);
      expect((await produce('patient', 0, one)).errorCode).toBe(0);
      expect((await produce('patient', 0, batch(['secnd']))).errorCode).toBe(0);
      expect(batchSizes(recordsOf(await fetched))).toEqual([one.length, one.length]);

      const started = Date.now();
      const timedOut = await parkedFetch(1_000_000, 200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(batchSizes(recordsOf(timedOut))).toHaveLength(2);
    } finally {
      waiter.close();
    }
  });

  it('wakes a parked fetch when its topic is deleted, answering UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await createTopic('doomed');
    const waiter = await RawClient.connect(broker.bootstrap);
    try {
      const fetched = waiter.request(ApiKey.Fetch, 4, (w) =>
        w.int32(-1).int32(30_000).int32(1).int32(1_000_000).int8(0).array(['doomed'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(0).int32(1_000_000))),
      );
      const deleted = await client.request(ApiKey.DeleteTopics, 1, (w) => w.array(['doomed'], (w, t) => w.string(t)).int32(1000));
      deleted.int32();
      deleted.int32();
      deleted.string();
      expect(deleted.int16()).toBe(ErrorCode.NONE);
      const body = await within(fetched, 5_000, 'the parked fetch answering after the deletion');
      body.int32();
      body.int32();
      body.string();
      body.int32();
      body.int32();
      expect(body.int16()).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      waiter.close();
    }
  });

  it('refuses corrupt, oversized and multi-batch records with Kafka\'s error codes', async () => {
    await createTopic('strict', 1, [['max.message.bytes', '200']]);
    const corrupt = batch(['x']);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    expect((await produce('strict', 0, corrupt)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce('strict', 0, batch(['y'.repeat(300)]))).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((await produce('strict', 0, Buffer.concat([batch(['a']), batch(['b'])]))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce('strict', 0, batch(['a']).subarray(0, 40))).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce('strict', 1, batch(['a']))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce('no-such-topic', 0, batch(['a']))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce('strict', 0, batch(['a']), 2)).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect(await produce('strict', 0, batch(['fine']))).toEqual({ errorCode: 0, baseOffset: 0 });
  });

  it('answers a retried idempotent batch with its first offset, and refuses a sequence gap', async () => {
    await createTopic('exactly-once');
    const ids = { producerId: 42, producerEpoch: 0 };
    expect(await produce('exactly-once', 0, batch(['a', 'b'], { ...ids, baseSequence: 0 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce('exactly-once', 0, batch(['c'], { ...ids, baseSequence: 2 }))).toEqual({ errorCode: 0, baseOffset: 2 });
    // The same batch again (a retry after a lost response) is not written twice.
    expect(await produce('exactly-once', 0, batch(['a', 'b'], { ...ids, baseSequence: 0 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect((await produce('exactly-once', 0, batch(['e'], { ...ids, baseSequence: 9 }))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await produce('exactly-once', 0, batch(['d'], { ...ids, baseSequence: 3 }))).toEqual({ errorCode: 0, baseOffset: 3 });
  });

  it('sends nothing back for acks=0, and answers the next request as usual', async () => {
    await createTopic('fire-and-forget');
    client.send(ApiKey.Produce, 7, (w) =>
      w.nullableString(null).int16(0).int32(1000).array(['fire-and-forget'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).bytes(batch(['gone'])))),
    );
    expect(await produce('fire-and-forget', 0, batch(['acked']))).toEqual({ errorCode: 0, baseOffset: 1 });
  });

  it('answers a too-new ApiVersions request with UNSUPPORTED_VERSION in v0 form, listing what it speaks', async () => {
    const body = await client.request(ApiKey.ApiVersions, 3, (w) => w.int8(0).int8(0).int8(0));
    expect(body.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const apis = body.array(6, (r) => [r.int16(), r.int16(), r.int16()]);
    expect(apis).toContainEqual([ApiKey.ApiVersions, 0, 2]);
    expect(apis).toContainEqual([ApiKey.Fetch, 4, 11]);
    expect(body.remaining).toBe(0);
  });
});
