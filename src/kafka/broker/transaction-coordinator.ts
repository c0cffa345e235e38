/**
 * Kafka's transaction coordinator (KIP-98), for every transactional id in the cluster: producer ids
 * and epochs (a new instance bumps the epoch, which fences the old one), the partitions and groups
 * each open transaction touched, and its end: commit or abort markers written to every partition,
 * transactional offset commits applied or dropped. Which broker answers for an id is decided by the
 * request handlers (NOT_COORDINATOR), as for groups.
 *
 * Kafka writes markers asynchronously (PrepareCommit, then CompleteCommit once every partition has
 * its marker); here they are written before EndTxn answers, so the Prepare* states never last long
 * enough to be seen and CONCURRENT_TRANSACTIONS is only answered where Kafka always answers it: to
 * the InitProducerId that had to abort an open transaction first.
 */
import type { GroupCoordinator } from './group-coordinator.ts';
import type { PartitionLog } from './log.ts';
import { ErrorCode } from './protocol/error-codes.ts';

/** transaction.max.timeout.ms's default: longer timeouts are refused at InitProducerId. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900_000;
/** Kafka's isProducerEpochExhausted: Short.MaxValue - 1; the next bump takes a new producer id. */
const LAST_EPOCH = 32_766;

type TransactionState = 'Empty' | 'Ongoing' | 'CompleteCommit' | 'CompleteAbort';

interface TopicPartition {
  topic: string;
  partition: number;
}

/** What an observer (the live view's timeline) is told: a transaction opened, committed or aborted. */
export interface TransactionEvent {
  transactionalId: string;
  state: 'open' | 'committed' | 'aborted';
  partitions: TopicPartition[];
}

interface Transaction {
  transactionalId: string;
  producerId: number;
  /** -1 until the first InitProducerId completes. */
  producerEpoch: number;
  timeoutMs: number;
  state: TransactionState;
  /** "topic\0partition" → the partition, for markers. */
  partitions: Map<string, TopicPartition>;
  groups: Set<string>;
  /** Aborts the transaction once it has been open for timeoutMs. */
  timer: NodeJS.Timeout | undefined;
}

export interface ProducerIdAndEpoch {
  errorCode: ErrorCode;
  producerId: number;
  producerEpoch: number;
}

export interface TransactionDependencies {
  partition(topic: string, partition: number): PartitionLog | undefined;
  allocateProducerId(): number;
  groups: GroupCoordinator;
}

const key = (topic: string, partition: number): string => `${topic}\0${partition}`;

export class TransactionCoordinator {
  private readonly transactions = new Map<string, Transaction>();
  private readonly observers = new Set<(event: TransactionEvent) => void>();

  constructor(private readonly deps: TransactionDependencies) {}

  /**
   * A producer (re)starts with this transactional id: the epoch goes up by one, so requests from any
   * older instance are fenced from now on. An open transaction is aborted first and the caller told
   * CONCURRENT_TRANSACTIONS, to retry (which bumps the epoch once more), exactly as Kafka does.
   */
  initProducerId(transactionalId: string, timeoutMs: number): ProducerIdAndEpoch {
    const fail = (errorCode: ErrorCode): ProducerIdAndEpoch => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > MAX_TRANSACTION_TIMEOUT_MS) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let txn = this.transactions.get(transactionalId);
    if (!txn) {
      txn = {
        transactionalId,
        producerId: this.deps.allocateProducerId(),
        producerEpoch: -1,
        timeoutMs,
        state: 'Empty',
        partitions: new Map(),
        groups: new Set(),
        timer: undefined,
      };
      this.transactions.set(transactionalId, txn);
    }
    if (txn.state === 'Ongoing') {
      this.fenceAndAbort(txn);
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    if (txn.producerEpoch >= LAST_EPOCH) {
      txn.producerId = this.deps.allocateProducerId();
      txn.producerEpoch = 0;
    } else {
      txn.producerEpoch++;
    }
    txn.timeoutMs = timeoutMs;
    txn.state = 'Empty';
    return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  /** AddPartitionsToTxn: one error for the whole request (PRODUCER_FENCED for an old epoch). */
  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartition[]): ErrorCode {
    const txn = this.current(transactionalId, producerId, producerEpoch);
    if (typeof txn === 'number') return txn;
    for (const { topic, partition } of partitions) txn.partitions.set(key(topic, partition), { topic, partition });
    this.begin(txn);
    return ErrorCode.NONE;
  }

  /** AddOffsetsToTxn: the group's offsets will be committed (or dropped) with the transaction. */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): ErrorCode {
    const txn = this.current(transactionalId, producerId, producerEpoch);
    if (typeof txn === 'number') return txn;
    txn.groups.add(groupId);
    this.begin(txn);
    return ErrorCode.NONE;
  }

  /**
   * EndTxn: markers to every partition the transaction added, its offset commits applied or dropped.
   * Repeating the end just reached succeeds (a retry); anything else without an open transaction is
   * INVALID_TXN_STATE.
   */
  end(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): ErrorCode {
    const txn = this.current(transactionalId, producerId, producerEpoch);
    if (typeof txn === 'number') return txn;
    if (txn.state === 'CompleteCommit') return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
    if (txn.state === 'CompleteAbort') return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
    if (txn.state === 'Empty') return ErrorCode.INVALID_TXN_STATE;
    this.complete(txn, commit);
    return ErrorCode.NONE;
  }

  /**
   * What a partition leader asks before appending a transactional batch (KIP-890's verification, on
   * by default since Kafka 3.6): the errors a Produce answers with.
   */
  verifyProduce(transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number): ErrorCode {
    const txn = this.current(transactionalId, producerId, producerEpoch);
    if (typeof txn === 'number') return txn === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : txn;
    return txn.state === 'Ongoing' && txn.partitions.has(key(topic, partition)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
  }

  /** The same check for a TxnOffsetCommit: the group must have been added with AddOffsetsToTxn. */
  verifyOffsetCommit(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): ErrorCode {
    const txn = this.current(transactionalId, producerId, producerEpoch);
    if (typeof txn === 'number') return txn === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : txn;
    return txn.state === 'Ongoing' && txn.groups.has(groupId) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
  }

  /** Tells `observer` of every transaction that opens, commits or aborts from now on; returns how to stop. */
  observe(observer: (event: TransactionEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  close(): void {
    this.observers.clear();
    for (const txn of this.transactions.values()) clearTimeout(txn.timer);
    this.transactions.clear();
  }

  /** The transaction if the caller is its current producer, else the error Kafka's coordinator gives. */
  private current(transactionalId: string, producerId: number, producerEpoch: number): Transaction | ErrorCode {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const txn = this.transactions.get(transactionalId);
    if (!txn || txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return txn;
  }

  private begin(txn: Transaction): void {
    if (txn.state === 'Ongoing') return;
    txn.state = 'Ongoing';
    // Kafka checks every transaction.abort.timed.out.transaction.cleanup.interval.ms (10 s); a timer
    // per transaction aborts it right at its timeout instead.
    txn.timer = setTimeout(() => {
      if (txn.state === 'Ongoing') this.fenceAndAbort(txn);
    }, txn.timeoutMs);
    txn.timer.unref();
    this.tell(txn, 'open');
  }

  private tell(txn: Transaction, state: TransactionEvent['state']): void {
    if (this.observers.size === 0) return;
    const event: TransactionEvent = { transactionalId: txn.transactionalId, state, partitions: [...txn.partitions.values()].map((p) => ({ ...p })) };
    for (const observer of this.observers) observer(event);
  }

  /** A timed-out transaction, or one a new instance takes over, is aborted under a bumped epoch. */
  private fenceAndAbort(txn: Transaction): void {
    txn.producerEpoch++;
    this.complete(txn, false);
  }

  private complete(txn: Transaction, commit: boolean): void {
    clearTimeout(txn.timer);
    txn.timer = undefined;
    const now = Date.now();
    for (const { topic, partition } of txn.partitions.values()) {
      // A partition deleted since it was added has nowhere to take its marker.
      this.deps.partition(topic, partition)?.writeMarker(commit ? 'commit' : 'abort', txn.producerId, txn.producerEpoch, now);
    }
    this.deps.groups.completeTransaction(txn.producerId, txn.groups, commit);
    this.tell(txn, commit ? 'committed' : 'aborted');
    txn.partitions.clear();
    txn.groups.clear();
    txn.state = commit ? 'CompleteCommit' : 'CompleteAbort';
  }
}
