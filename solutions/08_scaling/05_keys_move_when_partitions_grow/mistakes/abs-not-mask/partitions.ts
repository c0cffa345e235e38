// Mistake: makes the murmur2 hash non-negative with Math.abs instead of masking the sign bit (& 0x7fffffff) as Kafka does, so every key with a negative hash is predicted on the wrong partition.
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
  return Math.abs(murmur2([...Buffer.from(key, 'utf8')])) % partitions;
}

/** Kafka's murmur2 (seed 0x9747b28c), as the Java client and kafkajs compute it. */
function murmur2(data: number[]): number {
  const m = 0x5bd1e995;
  const r = 24;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const byte = (i: number): number => (data[i] ?? 0) & 0xff;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= byte(whole + 2) << 16;
  if (rest >= 2) h ^= byte(whole + 1) << 8;
  if (rest >= 1) {
    h ^= byte(whole);
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
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
