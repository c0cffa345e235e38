/**
 * The transactional producer's requests (KIP-98): AddPartitionsToTxn, AddOffsetsToTxn and EndTxn go
 * to the transaction coordinator, TxnOffsetCommit to the group's coordinator. Non-flexible versions
 * only (0-2): v2 differs from v0-1 only in answering PRODUCER_FENCED where older clients get
 * INVALID_PRODUCER_EPOCH, and (TxnOffsetCommit) in carrying each offset's leader epoch.
 */
import type { Handler, RequestContext } from '../context.ts';
import type { OffsetCommitEntry } from '../group-coordinator.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { coordinates, coordinatesTransaction } from './routing.ts';

/** Kafka's KafkaApis: clients before v2 of these APIs do not know PRODUCER_FENCED. */
function forVersion(errorCode: ErrorCode, version: number): ErrorCode {
  return errorCode === ErrorCode.PRODUCER_FENCED && version < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}

export const handleAddPartitionsToTxn: Handler = (body, context) => {
  const transactionalId = body.string();
  const producerId = body.int64();
  const producerEpoch = body.int16();
  const topics = body.array(6, (r) => ({ name: r.string(), partitions: r.int32Array() }));
  body.end();
  const { cluster } = context;
  // As Kafka: unknown partitions fail alone and the rest are not attempted.
  const unknown = (topic: string, partition: number): boolean => cluster.partition(topic, partition) === undefined;
  const anyUnknown = topics.some(({ name, partitions }) => partitions.some((p) => unknown(name, p)));
  let shared: ErrorCode = ErrorCode.OPERATION_NOT_ATTEMPTED;
  if (!anyUnknown) {
    const partitions = topics.flatMap(({ name, partitions }) => partitions.map((partition) => ({ topic: name, partition })));
    shared = coordinatesTransaction(context, transactionalId)
      ? forVersion(cluster.transactions.addPartitions(transactionalId, producerId, producerEpoch, partitions), context.apiVersion)
      : ErrorCode.NOT_COORDINATOR;
  }
  const answers = topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map((index) => ({ index, errorCode: anyUnknown && unknown(name, index) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : shared })),
  }));
  return (w) => {
    w.int32(0);
    w.array(answers, (w, topic) => {
      w.string(topic.name).array(topic.partitions, (w, p) => w.int32(p.index).int16(p.errorCode));
    });
  };
};

export const handleAddOffsetsToTxn: Handler = (body, context) => {
  const transactionalId = body.string();
  const producerId = body.int64();
  const producerEpoch = body.int16();
  const groupId = body.string();
  body.end();
  const errorCode = coordinatesTransaction(context, transactionalId)
    ? forVersion(context.cluster.transactions.addOffsets(transactionalId, producerId, producerEpoch, groupId), context.apiVersion)
    : ErrorCode.NOT_COORDINATOR;
  return (w) => w.int32(0).int16(errorCode);
};

export const handleEndTxn: Handler = (body, context) => {
  const transactionalId = body.string();
  const producerId = body.int64();
  const producerEpoch = body.int16();
  const commit = body.bool();
  body.end();
  const errorCode = coordinatesTransaction(context, transactionalId)
    ? forVersion(context.cluster.transactions.end(transactionalId, producerId, producerEpoch, commit), context.apiVersion)
    : ErrorCode.NOT_COORDINATOR;
  return (w) => w.int32(0).int16(errorCode);
};

export const handleTxnOffsetCommit: Handler = (body, context) => {
  const version = context.apiVersion;
  const transactionalId = body.string();
  const groupId = body.string();
  const producerId = body.int64();
  const producerEpoch = body.int16();
  const entries: OffsetCommitEntry[] = [];
  const topics = body.array(6, (r) => {
    const topic = r.string();
    return {
      topic,
      partitions: r.array(version >= 2 ? 18 : 14, (r) => {
        const partition = r.int32();
        const offset = r.int64();
        // The committed leader epoch (v2+) is kept and returned by OffsetFetch, as for OffsetCommit v6+.
        const leaderEpoch = version >= 2 ? r.int32() : -1;
        entries.push({ topic, partition, offset, leaderEpoch, metadata: r.nullableString() });
        return partition;
      }),
    };
  });
  body.end();
  const errors = commitErrors(context, transactionalId, groupId, producerId, producerEpoch, entries);
  let next = 0;
  const answers = topics.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map((partition) => ({ partition, errorCode: errors[next++] ?? ErrorCode.UNKNOWN_SERVER_ERROR })),
  }));
  return (w) => {
    w.int32(0);
    w.array(answers, (w, topic) => {
      w.string(topic.topic).array(topic.partitions, (w, p) => w.int32(p.partition).int16(p.errorCode));
    });
  };
};

/** One error per entry, in request order. */
function commitErrors(
  context: RequestContext,
  transactionalId: string,
  groupId: string,
  producerId: number,
  producerEpoch: number,
  entries: readonly OffsetCommitEntry[],
): ErrorCode[] {
  const { cluster } = context;
  const all = (errorCode: ErrorCode): ErrorCode[] => entries.map(() => errorCode);
  if (groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
  if (!coordinates(context, groupId)) return all(ErrorCode.NOT_COORDINATOR);
  const verified = cluster.transactions.verifyOffsetCommit(transactionalId, producerId, producerEpoch, groupId);
  if (verified !== ErrorCode.NONE) return all(verified);
  return cluster.groups.stageTransactionalCommit(groupId, producerId, entries, (topic, partition) => cluster.partition(topic, partition) !== undefined);
}
