/**
 * Per-partition producer bookkeeping. Idempotence: a retried batch that was already appended is
 * answered with its original offset instead of being written twice; a gap in sequence numbers is
 * refused. Transactions: where each producer's open transaction starts in this partition (the last
 * stable offset is the earliest of those), and the epoch check that keeps a fenced zombie out.
 */
import { ErrorCode } from './protocol/error-codes.ts';
import type { RecordBatch } from './record-batch.ts';

/** Kafka remembers the last five batches per producer, matching max.in.flight.requests.per.connection. */
const REMEMBERED_BATCHES = 5;
const SEQUENCE_WRAP = 2 ** 31;

interface AppendedBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  recent: AppendedBatch[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'reject'; errorCode: ErrorCode };

export class ProducerStates {
  private readonly producers = new Map<number, ProducerEntry>();

  /** Producer id → first offset of its transaction still open in this partition. */
  private readonly openTransactions = new Map<number, number>();

  check(batch: RecordBatch): SequenceCheck {
    if (batch.producerId < 0) return { kind: 'append' };
    const entry = this.producers.get(batch.producerId);
    // A producer with an open transaction here may not slip records outside it (Kafka: InvalidTxnStateException).
    if (!batch.transactional && this.openTransactions.has(batch.producerId)) return { kind: 'reject', errorCode: ErrorCode.INVALID_TXN_STATE };
    if (batch.baseSequence < 0) return { kind: 'append' };
    // Unknown producers are accepted at any sequence: their state may have been lost with retention.
    if (!entry) return { kind: 'append' };
    if (batch.producerEpoch < entry.epoch) return { kind: 'reject', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (batch.producerEpoch > entry.epoch) {
      return batch.baseSequence === 0 ? { kind: 'append' } : { kind: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    const last = lastSequence(batch);
    const duplicate = entry.recent.find((b) => b.firstSequence === batch.baseSequence && b.lastSequence === last);
    if (duplicate) return { kind: 'duplicate', baseOffset: duplicate.baseOffset };
    const newest = entry.recent[entry.recent.length - 1];
    const expected = newest ? (newest.lastSequence + 1) % SEQUENCE_WRAP : batch.baseSequence;
    return batch.baseSequence === expected ? { kind: 'append' } : { kind: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  record(batch: RecordBatch, baseOffset: number): void {
    if (batch.producerId < 0) return;
    if (batch.transactional && !this.openTransactions.has(batch.producerId)) this.openTransactions.set(batch.producerId, baseOffset);
    if (batch.baseSequence < 0) return;
    let entry = this.producers.get(batch.producerId);
    if (!entry || entry.epoch !== batch.producerEpoch) {
      entry = { epoch: batch.producerEpoch, recent: [] };
      this.producers.set(batch.producerId, entry);
    }
    entry.recent.push({ firstSequence: batch.baseSequence, lastSequence: lastSequence(batch), baseOffset });
    if (entry.recent.length > REMEMBERED_BATCHES) entry.recent.shift();
  }

  /**
   * A commit or abort marker closes the producer's transaction here; returns where it
   * began, or undefined when the producer wrote nothing to this partition in it. The marker's epoch
   * (bumped when the coordinator fences a producer) becomes the producer's epoch here.
   */
  endTransaction(producerId: number, producerEpoch: number): number | undefined {
    const entry = this.producers.get(producerId);
    if (!entry) this.producers.set(producerId, { epoch: producerEpoch, recent: [] });
    else if (entry.epoch !== producerEpoch) {
      entry.epoch = producerEpoch;
      entry.recent = [];
    }
    const firstOffset = this.openTransactions.get(producerId);
    this.openTransactions.delete(producerId);
    return firstOffset;
  }

  /** The first offset of the oldest open transaction, if any. */
  firstOpenOffset(): number | undefined {
    if (this.openTransactions.size === 0) return undefined;
    let first = Infinity;
    for (const offset of this.openTransactions.values()) first = Math.min(first, offset);
    return first;
  }
}

function lastSequence(batch: RecordBatch): number {
  return (batch.baseSequence + batch.recordCount - 1) % SEQUENCE_WRAP;
}
