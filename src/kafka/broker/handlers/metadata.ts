import { topicNameProblem, type Topic } from '../cluster.ts';
import type { Handler, RequestContext } from '../context.ts';
import { LEADER_EPOCH } from '../log.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { kafkaListingOrder } from '../partition-order.ts';

/** Kafka's value for "authorized operations not requested" (INT32_MIN). */
export const OPERATIONS_NOT_REQUESTED = -2147483648;
/**
 * With no authorizer (no ACLs here), Kafka reports every operation a resource supports, as bits
 * numbered by AclOperation: topics READ..ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS; the
 * cluster CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
 */
const ALL_TOPIC_OPERATIONS = bits(3, 4, 5, 6, 7, 8, 10, 11);
const ALL_CLUSTER_OPERATIONS = bits(5, 7, 8, 9, 10, 11, 12);
/** Groups: READ, DELETE, DESCRIBE. */
export const ALL_GROUP_OPERATIONS = bits(3, 6, 8);

function bits(...operations: number[]): number {
  return operations.reduce((sum, op) => sum | (1 << op), 0);
}

interface TopicAnswer {
  name: string;
  errorCode: ErrorCode;
  topic?: Topic;
}

export const handleMetadata: Handler = (body, context) => {
  const version = context.apiVersion;
  // v0: an empty list means every topic; v1+: null means every topic, empty means none.
  const requested = version === 0 ? body.stringArray() : body.nullableArray(2, (r) => r.string());
  const allowAutoCreate = version >= 4 ? body.bool() : true;
  const clusterOperations = version >= 8 && body.bool() ? ALL_CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED;
  const topicOperations = version >= 8 && body.bool() ? ALL_TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED;
  body.end();
  const { cluster } = context;
  const everyTopic = requested === null || (version === 0 && requested.length === 0);
  const topics: TopicAnswer[] = everyTopic
    ? [...cluster.topics.values()].map((topic) => ({ name: topic.name, errorCode: ErrorCode.NONE, topic }))
    : [...new Set(requested)].map((name) => lookUp(context, name, allowAutoCreate));
  return (w) => {
    if (version >= 3) w.int32(0);
    w.array(cluster.nodes, (w, node) => {
      w.int32(node.nodeId).string(node.host).int32(node.port);
      if (version >= 1) w.nullableString(null);
    });
    if (version >= 2) w.nullableString(cluster.clusterId);
    if (version >= 1) w.int32(cluster.controllerId);
    w.array(topics, (w, answer) => {
      w.int16(answer.errorCode).string(answer.name);
      if (version >= 1) w.bool(false);
      // Listed in Kafka's own (hash-set) order, not sorted: see partition-order.ts.
      w.array(kafkaListingOrder(answer.topic?.partitions ?? []), (w, log) => {
        // In-process brokers share every log, so all replicas are always in sync.
        w.int16(ErrorCode.NONE).int32(log.partition).int32(log.leader);
        if (version >= 7) w.int32(LEADER_EPOCH);
        w.int32Array(log.replicas).int32Array(log.replicas);
        if (version >= 5) w.int32Array([]);
      });
      if (version >= 8) w.int32(topicOperations);
    });
    if (version >= 8) w.int32(clusterOperations);
  };
};

function lookUp({ cluster }: RequestContext, name: string, allowAutoCreate: boolean): TopicAnswer {
  const existing = cluster.topics.get(name);
  if (existing) return { name, errorCode: ErrorCode.NONE, topic: existing };
  if (topicNameProblem(name)) return { name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION };
  if (!allowAutoCreate || !cluster.settings.autoCreateTopics) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  // Like KRaft brokers, the request that triggers the creation is told the topic is not there yet;
  // the next one (kafkajs retries) finds it.
  const created = cluster.autoCreateTopic(name);
  return { name, errorCode: created.errorCode === ErrorCode.NONE ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : created.errorCode };
}
