/** OffsetCommit, OffsetFetch and OffsetDelete: committed positions per group, kept by the group's coordinator. */
import type { Handler } from '../context.ts';
import type { OffsetCommitEntry } from '../group-coordinator.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { Reader } from '../protocol/reader.ts';
import { coordinates } from './routing.ts';

export const handleOffsetCommit: Handler = (body, context) => {
  const version = context.apiVersion;
  const groupId = body.string();
  const generationId = version >= 1 ? body.int32() : -1;
  const memberId = version >= 1 ? body.string() : '';
  const groupInstanceId = version >= 7 ? body.nullableString() : null;
  if (version >= 2 && version <= 4) body.int64(); // retention time: offsets are kept while the broker runs
  const entries: OffsetCommitEntry[] = [];
  const topics = body.array(6, (r) => {
    const topic = r.string();
    return {
      topic,
      partitions: r.array(version === 1 ? 22 : 14, (r) => {
        const partition = r.int32();
        const offset = r.int64();
        const leaderEpoch = version >= 6 ? r.int32() : -1;
        if (version === 1) r.int64(); // commit timestamp
        entries.push({ topic, partition, offset, leaderEpoch, metadata: r.nullableString() });
        return partition;
      }),
    };
  });
  body.end();
  const { cluster } = context;
  const outcome = coordinates(context, groupId)
    ? cluster.groups.commit(groupId, memberId, generationId, entries, (topic, partition) => cluster.partition(topic, partition) !== undefined, groupInstanceId)
    : ErrorCode.NOT_COORDINATOR;
  let next = 0;
  const errorFor = (): ErrorCode => (typeof outcome === 'number' ? outcome : (outcome[next++] ?? ErrorCode.UNKNOWN_SERVER_ERROR));
  const answers = topics.map(({ topic, partitions }) => ({ topic, partitions: partitions.map((partition) => ({ partition, errorCode: errorFor() })) }));
  return (w) => {
    if (version >= 3) w.int32(0);
    w.array(answers, (w, topic) => {
      w.string(topic.topic).array(topic.partitions, (w, p) => w.int32(p.partition).int16(p.errorCode));
    });
  };
};

export const handleOffsetFetch: Handler = (body, context) => {
  const version = context.apiVersion;
  const groupId = body.string();
  const readTopic = (r: Reader): { topic: string; partitions: number[] } => ({ topic: r.string(), partitions: r.int32Array() });
  // Only v2+ may send null, meaning "every committed offset".
  const requested = version >= 2 ? body.nullableArray(6, readTopic) : body.array(6, readTopic);
  body.end();
  const isCoordinator = coordinates(context, groupId);
  // v0-1 have no top-level error: a wrong coordinator is reported on every partition instead.
  const topics = isCoordinator
    ? context.cluster.groups.fetchOffsets(groupId, requested).map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map((p) => ({ ...p, errorCode: ErrorCode.NONE as ErrorCode })),
      }))
    : version >= 2
      ? []
      : (requested ?? []).map(({ topic, partitions }) => ({
          topic,
          partitions: partitions.map((partition) => ({ partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NOT_COORDINATOR as ErrorCode })),
        }));
  return (w) => {
    if (version >= 3) w.int32(0);
    w.array(topics, (w, topic) => {
      w.string(topic.topic).array(topic.partitions, (w, p) => {
        w.int32(p.partition).int64(p.offset);
        if (version >= 5) w.int32(p.leaderEpoch);
        w.nullableString(p.metadata).int16(p.errorCode);
      });
    });
    if (version >= 2) w.int16(isCoordinator ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR);
  };
};

/** OffsetDelete (v0): what `kafka-consumer-groups --delete-offsets` sends. */
export const handleOffsetDelete: Handler = (body, context) => {
  const groupId = body.string();
  const topics = body.array(6, (r) => ({ topic: r.string(), partitions: r.int32Array() }));
  body.end();
  const { cluster } = context;
  const partitions = topics.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
  const outcome = coordinates(context, groupId)
    ? cluster.groups.deleteOffsets(groupId, partitions, (topic, partition) => cluster.partition(topic, partition) !== undefined)
    : ErrorCode.NOT_COORDINATOR;
  const groupError = typeof outcome === 'number' ? outcome : ErrorCode.NONE;
  let next = 0;
  const answers =
    typeof outcome === 'number'
      ? []
      : topics.map(({ topic, partitions }) => ({ topic, partitions: partitions.map((partition) => ({ partition, errorCode: outcome[next++] ?? ErrorCode.UNKNOWN_SERVER_ERROR })) }));
  return (w) => {
    w.int16(groupError).int32(0);
    w.array(answers, (w, topic) => w.string(topic.topic).array(topic.partitions, (w, p) => w.int32(p.partition).int16(p.errorCode)));
  };
};
