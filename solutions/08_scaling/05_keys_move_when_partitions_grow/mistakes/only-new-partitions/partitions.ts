// Mistake: assumes growing a topic only sends keys to the new partitions; modulo a new count moves keys between the old partitions too.
// Caught by: after growing from 6 to 8 partitions, exactly the predicted keys land on a different partition
import { Partitioners, type PartitionMetadata } from 'kafkajs';

export interface MovedKey {
  key: string;
  /** The key's partition before the topic grew. */
  from: number;
  /** Its partition after. */
  to: number;
}

// The partitioner only looks at how many partitions there are; the rest of the metadata is filler.
const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition a kafkajs 2.x producer picks for `key` on a topic with `partitions` partitions:
 * murmur2 of the key's bytes, made non-negative, modulo the count, exactly as the Java client does.
 */
export function partitionFor(key: string, partitions: number): number {
  requirePartitions(partitions);
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}

/** The keys whose partition changes when a topic grows from `before` to `after` partitions, in the order given. */
export function keysThatMove(keys: readonly string[], before: number, after: number): MovedKey[] {
  requirePartitions(before);
  requirePartitions(after);
  if (after < before) throw new RangeError(`a topic cannot shrink from ${before} to ${after} partitions: Kafka can add partitions, never remove them`);
  // Modulo a different count, not consistent hashing: keys move between old partitions too.
  return keys.map((key) => ({ key, from: partitionFor(key, before), to: partitionFor(key, after) })).filter((k) => k.to >= before);
}

function requirePartitions(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a partition count must be a whole number of at least 1, not ${count}`);
}
