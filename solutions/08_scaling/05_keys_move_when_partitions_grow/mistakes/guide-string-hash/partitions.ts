// Mistake: hashes the key with a Java-style string hash: 'hash modulo the partition count' is the right idea, but it is not the producer's hash (murmur2), so most predictions are wrong.
// Caught by: predicts the partition the producer really chooses for every key
export interface MovedKey {
  key: string;
  /** The key's partition before the topic grew. */
  from: number;
  /** Its partition after. */
  to: number;
}

/**
 * The partition a kafkajs 2.x producer picks for `key` on a topic with `partitions` partitions:
 * murmur2 of the key's bytes, made non-negative, modulo the count, exactly as the Java client does.
 */
export function partitionFor(key: string, partitions: number): number {
  requirePartitions(partitions);
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return Math.abs(hash) % partitions;
}

/** The keys whose partition changes when a topic grows from `before` to `after` partitions, in the order given. */
export function keysThatMove(keys: readonly string[], before: number, after: number): MovedKey[] {
  requirePartitions(before);
  requirePartitions(after);
  if (after < before) throw new RangeError(`a topic cannot shrink from ${before} to ${after} partitions: Kafka can add partitions, never remove them`);
  // Modulo a different count, not consistent hashing: keys move between old partitions too.
  return keys.map((key) => ({ key, from: partitionFor(key, before), to: partitionFor(key, after) })).filter((k) => k.from !== k.to);
}

function requirePartitions(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a partition count must be a whole number of at least 1, not ${count}`);
}
