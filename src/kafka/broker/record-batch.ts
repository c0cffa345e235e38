/**
 * Record batches (magic v2) as they travel in Produce and Fetch. The broker keeps each batch's bytes
 * exactly as the producer sent them (compressed or not); only baseOffset and partitionLeaderEpoch are
 * rewritten on append, and those sit before the attributes field where the CRC starts, so the CRC
 * stays valid without recomputing it.
 */
import { gunzipSync } from 'node:zlib';
import { crc32c } from './protocol/crc32c.ts';
import { ErrorCode } from './protocol/error-codes.ts';

const BASE_OFFSET = 0;
export const BATCH_LENGTH = 8;
const PARTITION_LEADER_EPOCH = 12;
const MAGIC = 16;
export const CRC = 17;
export const ATTRIBUTES = 21;
const LAST_OFFSET_DELTA = 23;
const BASE_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
export const RECORD_COUNT = 57;
/** Bytes before the first record. */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset and batchLength precede what batchLength counts. */
const LOG_OVERHEAD = 12;

export const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface RecordBatch {
  /** The batch's own copy of its bytes (never a view into a request frame). */
  bytes: Buffer;
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  compression: number;
  /** Part of a transaction (KIP-98): invisible to read_committed consumers until its commit marker. */
  transactional: boolean;
}

export type BatchParse = { ok: true; batch: RecordBatch } | { ok: false; errorCode: ErrorCode; message: string };

/**
 * Validates the `records` of one produced partition: Produce v3+ carries exactly one v2 batch, which
 * must be whole, CRC-correct, non-control and non-empty.
 */
export function parseProducedBatch(records: Buffer | null, options: { allowZstd: boolean; maxBatchBytes: number }): BatchParse {
  const invalid = (message: string): BatchParse => ({ ok: false, errorCode: ErrorCode.INVALID_RECORD, message });
  const corrupt = (message: string): BatchParse => ({ ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, message });
  if (records === null || records.length === 0) return invalid('Produce requests must carry one record batch');
  if (records.length < BATCH_HEADER_SIZE) return corrupt(`Record batch of ${records.length} bytes is shorter than its header`);
  const batchLength = records.readInt32BE(BATCH_LENGTH);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return corrupt(`Record batch length ${batchLength} is too small`);
  if (LOG_OVERHEAD + batchLength !== records.length) {
    return LOG_OVERHEAD + batchLength > records.length
      ? corrupt('Record batch is truncated')
      : invalid('Produce requests must carry exactly one record batch');
  }
  if (records.readInt8(MAGIC) !== 2) return invalid(`Record batch magic ${records.readInt8(MAGIC)} is not 2`);
  if (records.length > options.maxBatchBytes) {
    return { ok: false, errorCode: ErrorCode.MESSAGE_TOO_LARGE, message: `Record batch of ${records.length} bytes exceeds max.message.bytes (${options.maxBatchBytes})` };
  }
  if (crc32c(records, ATTRIBUTES) !== records.readUInt32BE(CRC)) return corrupt('Record batch CRC mismatch');
  const attributes = records.readInt16BE(ATTRIBUTES);
  if (attributes & CONTROL_FLAG) return invalid('Clients may not produce control batches');
  const compression = attributes & COMPRESSION_MASK;
  if (compression > Compression.zstd) return corrupt(`Unknown compression codec ${compression}`);
  if (compression === Compression.zstd && !options.allowZstd) {
    return { ok: false, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, message: 'zstd needs Produce v7 or later' };
  }
  const recordCount = records.readInt32BE(RECORD_COUNT);
  const lastOffsetDelta = records.readInt32BE(LAST_OFFSET_DELTA);
  if (recordCount < 1) return invalid('Record batch holds no records');
  if (lastOffsetDelta !== recordCount - 1) return invalid(`lastOffsetDelta ${lastOffsetDelta} does not match ${recordCount} records`);
  return {
    ok: true,
    batch: {
      bytes: Buffer.from(records),
      recordCount,
      baseTimestamp: Number(records.readBigInt64BE(BASE_TIMESTAMP)),
      maxTimestamp: Number(records.readBigInt64BE(MAX_TIMESTAMP)),
      producerId: Number(records.readBigInt64BE(PRODUCER_ID)),
      producerEpoch: records.readInt16BE(PRODUCER_EPOCH),
      baseSequence: records.readInt32BE(BASE_SEQUENCE),
      compression,
      transactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    },
  };
}

/** Stamps the offsets the log assigned; outside the CRC's range, so the checksum still holds. */
export function assignBaseOffset(batch: RecordBatch, baseOffset: number, leaderEpoch: number): void {
  batch.bytes.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET);
  batch.bytes.writeInt32BE(leaderEpoch, PARTITION_LEADER_EPOCH);
}

export interface RecordTime {
  offsetDelta: number;
  timestamp: number;
}

export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * Each record's offset delta and timestamp, for ListOffsets by timestamp. Only uncompressed and gzip
 * batches can be opened here (Node has no snappy/lz4/zstd); for those, undefined.
 */
export function recordTimes(batch: RecordBatch): RecordTime[] | undefined {
  let body: Buffer;
  try {
    const stored = batch.bytes.subarray(BATCH_HEADER_SIZE);
    if (batch.compression === Compression.none) body = stored;
    else if (batch.compression === Compression.gzip) body = gunzipSync(stored, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    else return undefined;
  } catch {
    return undefined;
  }
  const times: RecordTime[] = [];
  const cursor = { at: 0 };
  try {
    for (let i = 0; i < batch.recordCount; i++) {
      const length = readVarint(body, cursor);
      const start = cursor.at;
      cursor.at += 1; // attributes
      const timestampDelta = readVarint(body, cursor);
      const offsetDelta = readVarint(body, cursor);
      times.push({ offsetDelta, timestamp: batch.baseTimestamp + timestampDelta });
      cursor.at = start + length;
      if (length < 0 || cursor.at > body.length) return undefined;
    }
  } catch {
    return undefined;
  }
  return times;
}

/** Zig-zag varint/varlong, as records encode their fields. */
export function readVarint(bytes: Buffer, cursor: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (cursor.at >= bytes.length) throw new RangeError('varint runs past the end');
    const byte = bytes[cursor.at++]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    scale *= 128;
  }
  throw new RangeError('varint longer than 10 bytes');
}

export interface BatchOptions {
  now?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Batch attributes (compression bits are not applied: the records are written uncompressed). */
  attributes?: number;
}

/** Builds an uncompressed v2 batch; used by tests that speak the protocol without kafkajs. */
export function encodeBatch(values: Array<{ key?: Buffer | null; value: Buffer | null; timestamp?: number }>, options: BatchOptions = {}): Buffer {
  const now = options.now ?? Date.now();
  const baseTimestamp = values[0]?.timestamp ?? now;
  const records = values.map((record, index) => {
    const parts = [
      Buffer.from([0]),
      writeVarint((record.timestamp ?? now) - baseTimestamp),
      writeVarint(index),
      ...varBytes(record.key ?? null),
      ...varBytes(record.value),
      writeVarint(0),
    ];
    const body = Buffer.concat(parts);
    return Buffer.concat([writeVarint(body.length), body]);
  });
  const body = Buffer.concat(records);
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + body.length);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH);
  batch.writeInt8(2, MAGIC);
  batch.writeInt16BE(options.attributes ?? 0, ATTRIBUTES);
  batch.writeInt32BE(values.length - 1, LAST_OFFSET_DELTA);
  batch.writeBigInt64BE(BigInt(baseTimestamp), BASE_TIMESTAMP);
  batch.writeBigInt64BE(BigInt(Math.max(...values.map((v) => v.timestamp ?? now))), MAX_TIMESTAMP);
  batch.writeBigInt64BE(BigInt(options.producerId ?? -1), PRODUCER_ID);
  batch.writeInt16BE(options.producerEpoch ?? -1, PRODUCER_EPOCH);
  batch.writeInt32BE(options.baseSequence ?? -1, BASE_SEQUENCE);
  batch.writeInt32BE(values.length, RECORD_COUNT);
  body.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch, ATTRIBUTES), CRC);
  return batch;
}

export type MarkerType = 'commit' | 'abort';

/**
 * The control batch a transaction coordinator writes to each partition of a finished transaction: one
 * record whose key is (version 0, type: 0 abort, 1 commit) and whose value is (version 0, coordinator
 * epoch), in a batch flagged transactional and control, carrying the producer's id and epoch.
 */
export function controlBatch(type: MarkerType, producerId: number, producerEpoch: number, now: number): RecordBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type === 'commit' ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(0, 2); // coordinator epoch: there is one coordinator generation here
  const bytes = encodeBatch([{ key, value, timestamp: now }], { now, producerId, producerEpoch, attributes: TRANSACTIONAL_FLAG | CONTROL_FLAG });
  return {
    bytes,
    recordCount: 1,
    baseTimestamp: now,
    maxTimestamp: now,
    producerId,
    producerEpoch,
    baseSequence: -1,
    compression: Compression.none,
    transactional: true,
  };
}

function varBytes(bytes: Buffer | null): Buffer[] {
  return bytes === null ? [writeVarint(-1)] : [writeVarint(bytes.length), bytes];
}

function writeVarint(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (zigzag >= 0x80) {
    out.push((zigzag % 128) | 0x80);
    zigzag = Math.floor(zigzag / 128);
  }
  out.push(zigzag);
  return Buffer.from(out);
}

/** A commit or abort marker (KIP-98): never produced by clients, written by the transaction coordinator. */
export function isControlBatch(batch: RecordBatch): boolean {
  return (batch.bytes.readInt16BE(ATTRIBUTES) & CONTROL_FLAG) !== 0;
}
