/**
 * One partition's log: record batches in offset order, kept in memory as received. Retention drops
 * whole batches from the front (the embedded broker's "segments" are single batches) and moves the
 * log start offset; appends wake the fetches waiting on this partition.
 */
import { ErrorCode } from './protocol/error-codes.ts';
import { ProducerStates } from './producer-state.ts';
import { assignBaseOffset, recordTimes, type RecordBatch } from './record-batch.ts';
import type { TopicConfig } from './topic-config.ts';

interface StoredBatch {
  baseOffset: number;
  /** Inclusive. */
  lastOffset: number;
  batch: RecordBatch;
}

export interface AppendResult {
  errorCode: ErrorCode;
  /** -1 when errorCode is not NONE. */
  baseOffset: number;
}

/** No elections happen here, so every partition stays at leader epoch 0. */
export const LEADER_EPOCH = 0;

export class PartitionLog {
  logStartOffset = 0;
  /** The next offset to be assigned: with no replication, everything appended is committed. */
  highWatermark = 0;
  private readonly batches: StoredBatch[] = [];
  /** Index of the first batch retention has not dropped; the array is compacted now and then. */
  private head = 0;
  private sizeBytes = 0;
  private readonly producers = new ProducerStates();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly leader: number,
    readonly replicas: readonly number[],
    readonly config: TopicConfig,
  ) {}

  append(batch: RecordBatch, now = Date.now()): AppendResult {
    const sequence = this.producers.check(batch);
    if (sequence.kind === 'reject') return { errorCode: sequence.errorCode, baseOffset: -1 };
    if (sequence.kind === 'duplicate') return { errorCode: ErrorCode.NONE, baseOffset: sequence.baseOffset };
    const baseOffset = this.highWatermark;
    assignBaseOffset(batch, baseOffset, LEADER_EPOCH);
    this.batches.push({ baseOffset, lastOffset: baseOffset + batch.recordCount - 1, batch });
    this.sizeBytes += batch.bytes.length;
    this.highWatermark = baseOffset + batch.recordCount;
    this.producers.record(batch, baseOffset);
    this.applyRetention(now);
    for (const listener of this.listeners) listener();
    return { errorCode: ErrorCode.NONE, baseOffset };
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes`; with `minOneBatch` the first batch
   * comes back even if it alone is larger, so a consumer can always make progress (KIP-74).
   */
  read(offset: number, maxBytes: number, minOneBatch: boolean): { chunks: Buffer[]; bytes: number } {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const size = this.batches[i]!.batch.bytes.length;
      if (bytes + size > maxBytes && !(minOneBatch && chunks.length === 0)) break;
      chunks.push(this.batches[i]!.batch.bytes);
      bytes += size;
    }
    return { chunks, bytes };
  }

  /** The first record whose timestamp is at or after `timestamp` (ListOffsets by time), if any. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | undefined {
    for (let i = this.head; i < this.batches.length; i++) {
      const stored = this.batches[i]!;
      if (stored.batch.maxTimestamp < timestamp) continue;
      const times = recordTimes(stored.batch);
      // Batches that cannot be opened here (snappy, lz4, zstd) answer with their first offset.
      if (!times) return { offset: Math.max(stored.baseOffset, this.logStartOffset), timestamp: stored.batch.maxTimestamp };
      const match = times.find((t) => t.timestamp >= timestamp);
      if (match) return { offset: stored.baseOffset + match.offsetDelta, timestamp: match.timestamp };
    }
    return undefined;
  }

  /** Kafka deletes a segment once its newest timestamp is older than retention.ms, or while the log
   * stays at or above retention.bytes without it; here each batch is its own segment. */
  applyRetention(now = Date.now()): void {
    const { retentionMs, retentionBytes } = this.config;
    let dropped = false;
    while (this.head < this.batches.length) {
      const first = this.batches[this.head]!;
      const expired = retentionMs >= 0 && now - first.batch.maxTimestamp > retentionMs;
      const oversized = retentionBytes >= 0 && this.sizeBytes - first.batch.bytes.length >= retentionBytes;
      if (!expired && !oversized) break;
      this.sizeBytes -= first.batch.bytes.length;
      this.head++;
      dropped = true;
    }
    if (!dropped) return;
    const firstKept = this.head < this.batches.length ? this.batches[this.head]!.baseOffset : this.highWatermark;
    this.logStartOffset = Math.max(this.logStartOffset, firstKept);
    if (this.head > 64 && this.head * 2 > this.batches.length) {
      this.batches.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The topic's configs changed (AlterConfigs): apply the new retention at once. */
  configChanged(now = Date.now()): void {
    this.applyRetention(now);
  }

  /**
   * DeleteRecords: everything before `offset` (-1: the high watermark) goes. The log start may land
   * inside a batch; that batch is still served whole, as Kafka does, and clients skip what is before.
   */
  deleteBefore(offset: number): { errorCode: ErrorCode; lowWatermark: number } {
    const target = offset === -1 ? this.highWatermark : offset;
    if (target < 0 || target > this.highWatermark) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1 };
    if (target > this.logStartOffset) {
      this.logStartOffset = target;
      while (this.head < this.batches.length && this.batches[this.head]!.lastOffset < target) {
        this.sizeBytes -= this.batches[this.head]!.batch.bytes.length;
        this.head++;
      }
    }
    return { errorCode: ErrorCode.NONE, lowWatermark: this.logStartOffset };
  }

  /** Calls `listener` after every append and when the log is deleted; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The topic was deleted: wake waiting fetches so they answer at once. */
  close(): void {
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  /** Index of the live batch containing `offset`, or the end if none does. */
  private indexOf(offset: number): number {
    let low = this.head;
    let high = this.batches.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.batches[mid]!.lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
