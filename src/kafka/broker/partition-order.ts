/**
 * The order in which a real Kafka broker lists a topic's partitions in a Metadata response.
 *
 * Kafka 3.x (KRaft) builds that list by mapping the topic's partitions into a Scala
 * `mutable.HashSet` of generated `MetadataResponsePartition` messages and iterating the set
 * (`KRaftMetadataCache.getPartitionMetadata`). The order is therefore the hash-table order of those
 * messages: repeatable, but not sorted — a single broker with node id 1 lists 4 partitions as
 * 1,3,2,0. We reproduce the same computation here so that code which forgets to sort partitions
 * (or assumes the listing is 0..n-1) meets the order it would meet in production, not a kinder one.
 *
 * The hash is the generated message's `hashCode()` over (errorCode, partitionIndex, leaderId,
 * leaderEpoch, replicaNodes, isrNodes, offlineReplicas), with Java's List hash for the arrays; the
 * set spreads it with `h ^ (h >>> 16)`, starts at 16 buckets, doubles at a load factor of 0.75, and
 * keeps each bucket's chain ordered by hash.
 */
export interface ListedPartition {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
}

/** No elections happen in the embedded broker, so every partition stays at leader epoch 0. */
const LEADER_EPOCH = 0;
const INITIAL_BUCKETS = 16;
const LOAD_FACTOR = 0.75;

export function kafkaListingOrder<P extends ListedPartition>(partitions: readonly P[]): P[] {
  let buckets = INITIAL_BUCKETS;
  while (partitions.length >= buckets * LOAD_FACTOR) buckets *= 2;
  const hashed = partitions.map((p) => {
    const hash = spread(messageHash(p));
    return { p, hash, bucket: hash & (buckets - 1) };
  });
  hashed.sort((a, b) => a.bucket - b.bucket || a.hash - b.hash);
  return hashed.map(({ p }) => p);
}

function messageHash({ partition, leader, replicas }: ListedPartition): number {
  const errorCode = 0;
  let hash = 0;
  for (const field of [errorCode, partition, leader, LEADER_EPOCH]) hash = (Math.imul(31, hash) + field) | 0;
  // replicaNodes, isrNodes (all replicas are in sync here), offlineReplicas (none).
  for (const list of [replicas, replicas, []]) hash = (Math.imul(31, hash) + javaListHash(list)) | 0;
  return hash;
}

function javaListHash(values: readonly number[]): number {
  return values.reduce((hash, value) => (Math.imul(31, hash) + value) | 0, 1);
}

function spread(hash: number): number {
  return hash ^ (hash >>> 16);
}
