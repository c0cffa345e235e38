/**
 * Log compaction (cleanup.policy=compact) over a log's closed segments, as Kafka's cleaner does it:
 * for every key only the record with the highest offset stays; a tombstone (null value) stays too,
 * until delete.retention.ms after its segment was last written, so consumers catching up still see
 * the delete. Batches keep their base offset and last offset delta, so offsets never change and
 * removed records leave gaps; a batch left with no record goes.
 *
 * Only uncompressed and gzip batches can be opened here (Node has no snappy/lz4/zstd); other batches
 * are kept whole, and their keys do not shadow older records. Rewritten gzip batches are stored
 * uncompressed. The log hands over only batches before its last stable offset, and says which hold
 * aborted transactions (see PartitionLog.compact).
 */
import { gunzipSync } from 'node:zlib';
import type { StoredBatch } from './log.ts';
import { crc32c } from './protocol/crc32c.ts';
import {
  ATTRIBUTES,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  COMPRESSION_MASK,
  CRC,
  Compression,
  isControlBatch,
  MAX_DECOMPRESSED_BYTES,
  RECORD_COUNT,
  readVarint,
  type RecordBatch,
} from './record-batch.ts';

interface RawRecord {
  /** The record's whole encoding (length prefix included), copied as is into a rewritten batch. */
  bytes: Buffer;
  offsetDelta: number;
  /** Hex of the key bytes; null for a record without a key. */
  key: string | null;
  tombstone: boolean;
}

/** The records of an uncompressed or gzip batch, or undefined if it cannot be opened. */
export function batchRecords(batch: RecordBatch): RawRecord[] | undefined {
  let body: Buffer;
  try {
    const stored = batch.bytes.subarray(BATCH_HEADER_SIZE);
    if (batch.compression === Compression.none) body = stored;
    else if (batch.compression === Compression.gzip) body = gunzipSync(stored, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    else return undefined;
    const records: RawRecord[] = [];
    const cursor = { at: 0 };
    for (let i = 0; i < batch.recordCount; i++) {
      const begin = cursor.at;
      const length = readVarint(body, cursor);
      const start = cursor.at;
      if (length < 0 || start + length > body.length) return undefined;
      cursor.at += 1; // attributes
      readVarint(body, cursor); // timestamp delta
      const offsetDelta = readVarint(body, cursor);
      const keyLength = readVarint(body, cursor);
      const key = keyLength < 0 ? null : body.toString('hex', cursor.at, cursor.at + keyLength);
      cursor.at += Math.max(keyLength, 0);
      const valueLength = readVarint(body, cursor);
      records.push({ bytes: body.subarray(begin, start + length), offsetDelta, key, tombstone: valueLength < 0 });
      cursor.at = start + length;
    }
    return records;
  } catch {
    return undefined;
  }
}

/** An uncompressed copy of `batch` holding only `records`, offsets and timestamps unchanged. */
function rebuild(batch: RecordBatch, records: RawRecord[]): RecordBatch {
  const body = Buffer.concat(records.map((r) => r.bytes));
  const bytes = Buffer.alloc(BATCH_HEADER_SIZE + body.length);
  batch.bytes.copy(bytes, 0, 0, BATCH_HEADER_SIZE);
  body.copy(bytes, BATCH_HEADER_SIZE);
  bytes.writeInt32BE(bytes.length - 12, BATCH_LENGTH);
  bytes.writeInt16BE(bytes.readInt16BE(ATTRIBUTES) & ~COMPRESSION_MASK, ATTRIBUTES);
  bytes.writeInt32BE(records.length, RECORD_COUNT);
  bytes.writeUInt32BE(crc32c(bytes, ATTRIBUTES), CRC);
  return { ...batch, bytes, recordCount: records.length, compression: Compression.none };
}

export interface CompactionRules {
  /** Whether a batch's tombstones are past delete.retention.ms. */
  tombstoneExpired: (stored: StoredBatch) => boolean;
  /** Whether a batch holds an aborted transaction's records: they go, and shadow nothing. */
  aborted: (stored: StoredBatch) => boolean;
}

/**
 * The closed part of a log after compaction, or undefined if nothing changes. Control batches
 * (transaction markers) are kept whole and their keys (the marker type) shadow nothing.
 */
export function compactBatches(closed: readonly StoredBatch[], rules: CompactionRules): StoredBatch[] | undefined {
  const { tombstoneExpired } = rules;
  const discarded = closed.map((stored) => rules.aborted(stored));
  const opened = closed.map((stored, i) => (isControlBatch(stored.batch) || discarded[i] ? undefined : batchRecords(stored.batch)));
  const latest = new Map<string, number>();
  closed.forEach((stored, i) => {
    for (const record of opened[i] ?? []) if (record.key !== null) latest.set(record.key, stored.baseOffset + record.offsetDelta);
  });
  let changed = false;
  const result: StoredBatch[] = [];
  closed.forEach((stored, i) => {
    if (discarded[i]) {
      changed = true;
      return;
    }
    const records = opened[i];
    if (!records) {
      result.push(stored);
      return;
    }
    const expired = tombstoneExpired(stored);
    const kept = records.filter((r) => r.key === null || (latest.get(r.key) === stored.baseOffset + r.offsetDelta && !(r.tombstone && expired)));
    if (kept.length === records.length) {
      result.push(stored);
      return;
    }
    changed = true;
    if (kept.length > 0) result.push({ ...stored, batch: rebuild(stored.batch, kept) });
  });
  return changed ? result : undefined;
}
