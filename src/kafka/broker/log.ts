/**
 * One partition's log: record batches in offset order, kept in memory as received, grouped into
 * segments as Kafka does. A segment rolls when the next batch would push it past segment.bytes, or
 * when that batch's timestamp is more than segment.ms after the segment's first batch's. Retention
 * runs as Kafka's periodic check does (log.retention.check.interval.ms, driven by the cluster): it
 * deletes whole segments from the front whose newest record is older than retention.ms, or while the
 * log stays at or above retention.bytes without them, and moves the log start offset. A record with
 * an old timestamp therefore stays as long as its segment holds newer ones. Where cleanup.policy
 * includes compact, closed segments are compacted at each roll (compaction.ts). Appends wake the
 * fetches waiting on this partition.
 */
import { compactBatches } from './compaction.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { ProducerStates } from './producer-state.ts';
import { assignBaseOffset, controlBatch, recordTimes, type MarkerType, type RecordBatch } from './record-batch.ts';
import type { TopicConfig } from './topic-config.ts';

export interface StoredBatch {
  baseOffset: number;
  /** Inclusive. */
  lastOffset: number;
  batch: RecordBatch;
  /** Id of the segment holding it. */
  segment: number;
}

interface Segment {
  id: number;
  baseOffset: number;
  bytes: number;
  /** The first batch's max timestamp: segment.ms counts from it (Kafka's rollingBasedTimestamp). */
  firstTimestamp: number;
  /** The newest record's timestamp: retention.ms counts from it. */
  maxTimestamp: number;
  /** Wall-clock time of the segment's last append (a tombstone's age for delete.retention.ms). */
  lastAppendMs: number;
}

/** A transaction aborted in this partition: read_committed consumers drop its records (KIP-98). */
export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  /** The offset of its abort marker. */
  lastOffset: number;
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
  private batches: StoredBatch[] = [];
  /** Index of the first batch retention has not dropped; the array is compacted now and then. */
  private head = 0;
  /** Live segments, oldest first; the last one is the active segment appends go to. */
  private segments: Segment[] = [];
  private nextSegmentId = 0;
  private sizeBytes = 0;
  private readonly producers = new ProducerStates();
  /** In marker order, so in lastOffset order. */
  private readonly aborted: AbortedTransaction[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly leader: number,
    readonly replicas: readonly number[],
    readonly config: TopicConfig,
  ) {}

  /** How many segments the log has (the active one included). */
  get segmentCount(): number {
    return this.segments.length;
  }

  append(batch: RecordBatch, now = Date.now()): AppendResult {
    const sequence = this.producers.check(batch);
    if (sequence.kind === 'reject') return { errorCode: sequence.errorCode, baseOffset: -1 };
    if (sequence.kind === 'duplicate') return { errorCode: ErrorCode.NONE, baseOffset: sequence.baseOffset };
    const baseOffset = this.store(batch, now);
    this.producers.record(batch, baseOffset);
    this.notify();
    return { errorCode: ErrorCode.NONE, baseOffset };
  }

  /**
   * Writes the commit or abort marker of `producerId`'s transaction, as the transaction coordinator
   * does for every partition the transaction added (even one it wrote nothing to). An aborted
   * transaction that wrote here is remembered, so read_committed fetches can list it.
   */
  writeMarker(type: MarkerType, producerId: number, producerEpoch: number, now = Date.now()): void {
    const markerOffset = this.store(controlBatch(type, producerId, producerEpoch, now), now);
    const firstOffset = this.producers.endTransaction(producerId, producerEpoch);
    if (type === 'abort' && firstOffset !== undefined) this.aborted.push({ producerId, firstOffset, lastOffset: markerOffset });
    this.notify();
  }

  /**
   * The last stable offset: everything before it is decided (committed, aborted or not transactional);
   * read_committed consumers read no further. The first offset of the oldest open transaction (but
   * never before the log start, should DeleteRecords pass it, as in Kafka; retention and compaction
   * stop at it), else the high watermark.
   */
  get lastStableOffset(): number {
    const firstOpen = this.producers.firstOpenOffset();
    return firstOpen === undefined ? this.highWatermark : Math.max(firstOpen, this.logStartOffset);
  }

  /** Aborted transactions overlapping [fromOffset, toOffset): what a read_committed fetch of that range must skip. */
  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[] {
    if (this.aborted.length === 0) return [];
    return this.aborted.filter((t) => t.lastOffset >= fromOffset && t.firstOffset < toOffset);
  }

  private store(batch: RecordBatch, now: number): number {
    const baseOffset = this.highWatermark;
    assignBaseOffset(batch, baseOffset, LEADER_EPOCH);
    const segment = this.segmentFor(batch, baseOffset, now);
    this.batches.push({ baseOffset, lastOffset: baseOffset + batch.recordCount - 1, batch, segment: segment.id });
    segment.bytes += batch.bytes.length;
    segment.maxTimestamp = Math.max(segment.maxTimestamp, batch.maxTimestamp);
    segment.lastAppendMs = now;
    this.sizeBytes += batch.bytes.length;
    this.highWatermark = baseOffset + batch.recordCount;
    return baseOffset;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** The active segment, or a new one if this batch makes it roll (Kafka's LogSegment.shouldRoll). */
  private segmentFor(batch: RecordBatch, baseOffset: number, now: number): Segment {
    const active = this.segments[this.segments.length - 1];
    if (active && active.bytes > 0) {
      const { segmentBytes, segmentMs } = this.config;
      const waited = active.firstTimestamp >= 0 ? batch.maxTimestamp - active.firstTimestamp : now - active.lastAppendMs;
      if (active.bytes + batch.bytes.length <= segmentBytes && waited <= segmentMs) return active;
    } else if (active) {
      active.firstTimestamp = batch.maxTimestamp;
      return active;
    }
    const segment: Segment = { id: this.nextSegmentId++, baseOffset, bytes: 0, firstTimestamp: batch.maxTimestamp, maxTimestamp: -1, lastAppendMs: now };
    this.segments.push(segment);
    if (active && this.config.cleanupPolicy.compact) this.compact(now);
    return segment;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes`; with `minOneBatch` the first batch
   * comes back even if it alone is larger, so a consumer can always make progress (KIP-74).
   */
  read(offset: number, maxBytes: number, minOneBatch: boolean, endOffset = this.highWatermark): { chunks: Buffer[]; bytes: number; nextOffset: number } {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let nextOffset = offset;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      if (this.batches[i]!.baseOffset >= endOffset) break;
      const size = this.batches[i]!.batch.bytes.length;
      if (bytes + size > maxBytes && !(minOneBatch && chunks.length === 0)) break;
      chunks.push(this.batches[i]!.batch.bytes);
      bytes += size;
      nextOffset = this.batches[i]!.lastOffset + 1;
    }
    return { chunks, bytes, nextOffset };
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

  /**
   * Kafka's retention check: whole segments go from the front while their newest record is older
   * than retention.ms, or while the log without them still holds at least retention.bytes. The
   * active segment goes too when every segment is deletable (Kafka rolls an empty one first).
   * Compact-only topics keep their segments. A segment holding offsets at or after the last stable
   * offset stays, as does everything after it: retention never deletes an open transaction's records
   * (their abort would otherwise list data that is gone, and read_committed consumers would skip it).
   */
  applyRetention(now = Date.now()): void {
    if (!this.config.cleanupPolicy.delete) return;
    const { retentionMs, retentionBytes } = this.config;
    const stable = this.lastStableOffset;
    let remaining = this.sizeBytes;
    let deletable = 0;
    for (const [i, segment] of this.segments.entries()) {
      if (segment.bytes === 0) break;
      const end = this.segments[i + 1]?.baseOffset ?? this.highWatermark;
      if (end > stable) break;
      const expired = retentionMs >= 0 && now - segment.maxTimestamp > retentionMs;
      const oversized = retentionBytes >= 0 && remaining - segment.bytes >= retentionBytes;
      if (!expired && !oversized) break;
      remaining -= segment.bytes;
      deletable++;
    }
    if (deletable === 0) return;
    const dropped = new Set(this.segments.slice(0, deletable).map((s) => s.id));
    this.segments = this.segments.slice(deletable);
    if (this.segments.length === 0) {
      this.segments.push({ id: this.nextSegmentId++, baseOffset: this.highWatermark, bytes: 0, firstTimestamp: -1, maxTimestamp: -1, lastAppendMs: now });
    }
    while (this.head < this.batches.length && dropped.has(this.batches[this.head]!.segment)) {
      this.sizeBytes -= this.batches[this.head]!.batch.bytes.length;
      this.head++;
    }
    this.logStartOffset = Math.max(this.logStartOffset, this.segments[0]!.baseOffset);
    while (this.aborted.length > 0 && this.aborted[0]!.lastOffset < this.logStartOffset) this.aborted.shift();
    if (this.head > 64 && this.head * 2 > this.batches.length) {
      this.batches.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Compacts every closed segment (all but the active one): the latest record per key stays.
   * Transactions: only batches before the last stable offset are compacted (an open transaction's
   * records, and everything after them, stay as written until it is decided); the records of aborted
   * transactions are removed, as Kafka's cleaner does, so they never shadow a committed value; control
   * batches (commit/abort markers) are always kept whole. Kafka drops a marker once its transaction's
   * data is cleaned and delete.retention.ms has passed; keeping them costs a few bytes per transaction
   * and keeps the aborted-transaction index consistent with the log.
   */
  private compact(now: number): void {
    const active = this.segments[this.segments.length - 1]!;
    const firstActive = this.batches.findIndex((b, i) => i >= this.head && b.segment === active.id);
    const stable = this.lastStableOffset;
    const firstUnstable = this.batches.findIndex((b, i) => i >= this.head && b.lastOffset >= stable);
    const closedEnd = Math.min(firstActive < 0 ? this.batches.length : firstActive, firstUnstable < 0 ? this.batches.length : firstUnstable);
    const tombstonesExpireBefore = now - this.config.deleteRetentionMs;
    const lastAppend = new Map(this.segments.map((s) => [s.id, s.lastAppendMs]));
    const closed = this.batches.slice(this.head, closedEnd);
    const compacted = compactBatches(closed, {
      tombstoneExpired: (stored) => (lastAppend.get(stored.segment) ?? now) <= tombstonesExpireBefore,
      aborted: (stored) => this.isAborted(stored),
    });
    if (!compacted) return;
    this.batches = [...compacted, ...this.batches.slice(closedEnd)];
    this.head = 0;
    for (const segment of this.segments) segment.bytes = 0;
    const byId = new Map(this.segments.map((s) => [s.id, s]));
    this.sizeBytes = 0;
    for (const stored of this.batches) {
      byId.get(stored.segment)!.bytes += stored.batch.bytes.length;
      this.sizeBytes += stored.batch.bytes.length;
    }
    // Kafka keeps compacted-away segments' offsets as gaps; only empty closed segments disappear.
    this.segments = this.segments.filter((s) => s === active || s.bytes > 0);
  }

  /** Whether `stored` holds the data of a transaction that was aborted (its marker is not in it). */
  private isAborted(stored: StoredBatch): boolean {
    if (!stored.batch.transactional || this.aborted.length === 0) return false;
    const { producerId } = stored.batch;
    return this.aborted.some((t) => t.producerId === producerId && t.firstOffset <= stored.baseOffset && stored.lastOffset < t.lastOffset);
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
        const stored = this.batches[this.head]!;
        this.sizeBytes -= stored.batch.bytes.length;
        const segment = this.segments.find((s) => s.id === stored.segment);
        if (segment) segment.bytes -= stored.batch.bytes.length;
        this.head++;
      }
      // Segments emptied this way go, as Kafka deletes segments wholly below the log start offset.
      while (this.segments.length > 1 && this.segments[0]!.bytes === 0) this.segments.shift();
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
