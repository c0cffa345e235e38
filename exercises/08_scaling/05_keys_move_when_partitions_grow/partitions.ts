export interface MovedKey {
  key: string;
  /** The key's partition before the topic grew. */
  from: number;
  /** Its partition after. */
  to: number;
}

/**
 * The partition a kafkajs 2.x producer picks for `key` on a topic with `partitions` partitions.
 */
export function partitionFor(key: string, partitions: number): number {
  // TODO: "hash the key, modulo the partition count" is the right idea, but this is not the hash
  // the producer uses, so the prediction is wrong for most keys. kafkajs 2.x uses murmur2, like
  // the Java client (Partitioners.DefaultPartitioner). Refuse a partition count below 1.
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) | 0;
  return Math.abs(hash) % partitions;
}

/** The keys whose partition changes when a topic grows from `before` to `after` partitions, in the order given. */
export function keysThatMove(keys: readonly string[], before: number, after: number): MovedKey[] {
  // TODO: this assumes that growing a topic only sends keys to the new partitions, and that every
  // other key stays where it was. Check that against what the producer does. Refuse to shrink.
  return keys
    .map((key) => ({ key, from: partitionFor(key, before), to: partitionFor(key, after) }))
    .filter((k) => k.to >= before);
}
