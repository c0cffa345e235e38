/**
 * The segmented log under transactions: retention and compaction stop at the last stable offset, and
 * compaction drops aborted records but keeps the commit/abort markers (see PartitionLog.compact).
 */
import { describe, expect, it } from 'vitest';
import { BrokerConfigs } from './broker-config.ts';
import { batchRecords } from './compaction.ts';
import { PartitionLog } from './log.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { encodeBatch, isControlBatch, parseProducedBatch, readVarint, type RecordBatch } from './record-batch.ts';
import { parseTopicConfig } from './topic-config.ts';

const TRANSACTIONAL = 0x10;
const T0 = 1_700_000_000_000;

function logWith(entries: Array<{ name: string; value: string }>): PartitionLog {
  const broker = new BrokerConfigs({ numPartitions: 1, autoCreateTopics: false, initialRebalanceDelayMs: 0, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000, retentionCheckIntervalMs: 300_000 });
  const parsed = parseTopicConfig(entries, broker);
  if (!parsed.ok) throw new Error(parsed.message);
  return new PartitionLog('t', 0, 0, [0], parsed.config);
}

/** One record `key=value` at `timestamp`; transactional when `producerId` is given. */
function batch(key: string, value: string, timestamp: number, producerId?: number): RecordBatch {
  const bytes = encodeBatch([{ key: Buffer.from(key), value: Buffer.from(value), timestamp }], producerId === undefined ? {} : { producerId, producerEpoch: 0, attributes: TRANSACTIONAL });
  const parsed = parseProducedBatch(bytes, { allowZstd: true, maxBatchBytes: 1_000_000 });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.batch;
}

function append(log: PartitionLog, record: RecordBatch, now: number): number {
  const result = log.append(record, now);
  expect(result.errorCode).toBe(ErrorCode.NONE);
  return result.baseOffset;
}

/** Key and value of one encoded record (length, attributes, timestamp delta, offset delta, key, value). */
function keyAndValue(record: Buffer): [string, string] {
  const cursor = { at: 0 };
  readVarint(record, cursor);
  cursor.at += 1;
  readVarint(record, cursor);
  readVarint(record, cursor);
  const keyLength = readVarint(record, cursor);
  const key = record.toString('utf8', cursor.at, (cursor.at += keyLength));
  const valueLength = readVarint(record, cursor);
  return [key, record.toString('utf8', cursor.at, cursor.at + valueLength)];
}

/** Every stored batch from the log start: [key, value] of each data record, 'marker' for a control batch. */
function contents(log: PartitionLog): Array<[string, string] | 'marker'> {
  const { chunks } = log.read(log.logStartOffset, Number.MAX_SAFE_INTEGER, true);
  const out: Array<[string, string] | 'marker'> = [];
  for (const bytes of chunks) {
    const stored = { bytes, compression: bytes.readInt16BE(21) & 0x07, recordCount: bytes.readInt32BE(57) } as RecordBatch;
    if (isControlBatch(stored)) {
      out.push('marker');
      continue;
    }
    for (const record of batchRecords(stored) ?? []) out.push(keyAndValue(record.bytes));
  }
  return out;
}

describe('the segmented log under transactions', () => {
  it('retention never deletes a segment at or past the last stable offset; once the transaction ends it does', () => {
    // One batch per segment (segment.bytes below two batches), everything instantly expired.
    const log = logWith([
      { name: 'segment.bytes', value: '100' },
      { name: 'retention.ms', value: '1000' },
    ]);
    append(log, batch('a', '1', T0), T0);
    const open = append(log, batch('b', '2', T0, 7), T0);
    append(log, batch('c', '3', T0), T0);
    append(log, batch('d', '4', T0), T0);
    expect(log.lastStableOffset).toBe(open);

    log.applyRetention(T0 + 60_000);
    expect(log.logStartOffset).toBe(open);
    expect(log.lastStableOffset).toBe(open);

    log.writeMarker('commit', 7, 0, T0);
    log.applyRetention(T0 + 60_000);
    // Nothing is open now: every segment has expired, the active one with them (Kafka rolls an empty one).
    expect(log.logStartOffset).toBe(log.highWatermark);
    expect(log.lastStableOffset).toBe(log.highWatermark);
  });

  it('compaction leaves an open transaction alone, drops aborted records, keeps markers and committed values', () => {
    const log = logWith([
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'segment.bytes', value: '100' },
    ]);
    append(log, batch('k', 'committed', T0), T0);
    append(log, batch('k', 'aborted', T0, 7), T0);
    log.writeMarker('abort', 7, 0, T0);
    append(log, batch('x', 'open-1', T0, 8), T0);
    append(log, batch('x', 'open-2', T0, 8), T0);
    append(log, batch('y', 'after', T0), T0);
    append(log, batch('y', 'latest', T0), T0); // rolls a segment: closed segments are compacted

    // The aborted value did not shadow the committed one; the open transaction's records all stay.
    expect(contents(log)).toEqual([['k', 'committed'], 'marker', ['x', 'open-1'], ['x', 'open-2'], ['y', 'after'], ['y', 'latest']]);
    expect(log.abortedTransactions(0, log.highWatermark)).toEqual([{ producerId: 7, firstOffset: 1, lastOffset: 2 }]);

    log.writeMarker('commit', 8, 0, T0);
    append(log, batch('z', 'roll', T0), T0); // rolls again, now with nothing open
    expect(contents(log)).toEqual([['k', 'committed'], 'marker', ['x', 'open-2'], ['y', 'latest'], 'marker', ['z', 'roll']]);
  });
});
