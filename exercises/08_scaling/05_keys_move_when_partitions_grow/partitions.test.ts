import { describe, expect, test } from 'vitest';
import { consumeFromStart, createTopic, disconnectAfterTest, kafkaClient, uniqueName } from '#testing/kafka';
import { until } from '#testing/wait';
import { keysThatMove, partitionFor } from './partitions.ts';

/** Order ids, plus a few keys whose bytes are not ASCII: the hash works on UTF-8 bytes. */
const KEYS = [...Array.from({ length: 50 }, (_, i) => `order-${i}`), 'café-1', 'über-7', 'naïve-3', '東京-12', 'zoë-4', 'ørsted-9'];

/** Sends one record per key and returns, per key, the partition the producer put it on. */
async function send(topic: string, keys: readonly string[], round: string): Promise<Map<string, number>> {
  const producer = disconnectAfterTest(kafkaClient().producer());
  await producer.connect();
  await producer.send({ topic, messages: keys.map((key) => ({ key, value: round })) });
  await producer.disconnect();
  const consumed = await consumeFromStart(topic, keys.length * (round === 'before' ? 1 : 2));
  return new Map(consumed.filter((r) => r.value === round).map((r) => [r.key ?? '', r.partition]));
}

describe('which partition a key goes to, and which keys move when a topic grows', () => {
  test('predicts the partition the producer really chooses for every key', async () => {
    const topic = uniqueName('orders');
    await createTopic(topic, 6);

    const actual = await send(topic, KEYS, 'before');

    const wrong = KEYS.filter((key) => partitionFor(key, 6) !== actual.get(key)).map((key) => `${key}: predicted ${partitionFor(key, 6)}, producer chose ${actual.get(key)}`);
    const onlyNonAscii = wrong.length > 0 && wrong.every((line) => /[^\x00-\x7f]/.test(line.split(':')[0] ?? ''));
    const hint = onlyNonAscii ? ' — only keys with non-ASCII characters: the producer hashes the key’s UTF-8 bytes, not its UTF-16 code units' : '';
    expect(wrong, `${wrong.length} of ${KEYS.length} keys predicted wrongly on 6 partitions${hint}; for example ${wrong.slice(0, 3).join('; ')}`).toEqual([]);
  }, 30_000);

  test('after growing from 6 to 8 partitions, exactly the predicted keys land on a different partition', async () => {
    const topic = uniqueName('orders');
    await createTopic(topic, 6);
    const before = await send(topic, KEYS, 'before');
    const admin = disconnectAfterTest(kafkaClient().admin());
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic, count: 8 }] });
    // A real cluster announces the new partitions a moment later; the producer below must see all 8.
    await until(
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        return (topics[0]?.partitions ?? []).filter((p) => p.leader >= 0).length === 8;
      },
      'the cluster reporting 8 partitions with leaders',
      10_000,
    );

    // A new producer, so that it sees 8 partitions (an old one only notices at its next metadata refresh).
    const after = await send(topic, KEYS, 'after');

    const moved = KEYS.filter((key) => before.get(key) !== after.get(key)).map((key) => ({ key, from: before.get(key), to: after.get(key) }));
    expect(keysThatMove(KEYS, 6, 8), 'the keys whose records went to another partition after the change').toEqual(moved);
    expect(
      moved.filter((m) => (m.to ?? 0) < 6).length,
      'moved keys that went to another *old* partition: modulo hashing moves keys between the old partitions too',
    ).toBeGreaterThan(0);
  }, 40_000);

  test('a topic that would shrink, or has no partitions, is refused with a clear error', () => {
    expect(() => keysThatMove(KEYS, 8, 6), 'Kafka can add partitions but never remove them').toThrow(RangeError);
    expect(() => keysThatMove(KEYS, 8, 6)).toThrow(/never remove|cannot shrink/);
    expect(() => partitionFor('order-1', 0), 'a topic has at least one partition').toThrow(RangeError);
  });
});
