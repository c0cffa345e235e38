/** Which broker may answer what: partition requests go to the leader, group requests to the coordinator. */
import type { RequestContext } from '../context.ts';
import type { PartitionLog } from '../log.ts';
import { ErrorCode } from '../protocol/error-codes.ts';

/** Every broker but the group's coordinator answers NOT_COORDINATOR. */
export function coordinates({ cluster, broker }: RequestContext, groupId: string): boolean {
  return cluster.coordinatorFor(groupId) === broker.nodeId;
}

/**
 * The same for a transactional id, except that an empty one is answered (INVALID_REQUEST) by
 * whichever broker gets it, as Kafka's coordinator refuses it before looking up its owner.
 */
export function coordinatesTransaction(context: RequestContext, transactionalId: string): boolean {
  return transactionalId === '' || coordinates(context, transactionalId);
}

/** The partition's log if this broker leads it, else the error Kafka gives. */
export function ledHere({ cluster, broker }: RequestContext, topic: string, partition: number): PartitionLog | ErrorCode {
  const log = cluster.partition(topic, partition);
  if (!log) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (log.leader !== broker.nodeId) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  return log;
}
