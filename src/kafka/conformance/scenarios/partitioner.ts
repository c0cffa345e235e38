/**
 * kafkajs's DefaultPartitioner decides the partition in the client: murmur2 of the key, modulo the
 * partition count the broker reports, and round-robin for messages without a key. The broker's part
 * is reporting the partition count and storing each message where it was sent.
 */
import type { Target } from '../brokers.ts';
import { createTopic, readAll } from '../flows.ts';
import { expectedPartition } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

const PARTITIONS = 6;
const KEYS = Array.from({ length: 40 }, (_, i) => `user-${i}`);
/** Round-robin over all six partitions from a random start: exactly two each. */
const UNKEYED = 12;

interface Observation {
  /** key → the partition the consumer found it in */
  keyed: Record<string, number>;
  /** messages without a key, counted per partition */
  unkeyedPerPartition: number[];
}

export const partitioner: Scenario<Observation> = {
  name: "each key lands in the partition kafkajs's default partitioner picks",
  expected: {
    keyed: Object.fromEntries(KEYS.map((key) => [key, expectedPartition(key, PARTITIONS)])),
    unkeyedPerPartition: Array.from({ length: PARTITIONS }, () => UNKEYED / PARTITIONS),
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('partitioner');
      const admin = await session.admin();
      await createTopic(admin, topic, PARTITIONS);
      const producer = await session.producer();
      await producer.send({ topic, messages: KEYS.map((key) => ({ key, value: `value of ${key}` })) });
      await producer.send({ topic, messages: Array.from({ length: UNKEYED }, (_, i) => ({ value: `unkeyed-${i}` })) });

      const received = await readAll(session, { topic, groupId: session.name('partitioner-group'), count: KEYS.length + UNKEYED });
      const keyed: Record<string, number> = {};
      const unkeyedPerPartition = Array.from({ length: PARTITIONS }, () => 0);
      for (const message of received) {
        if (message.key === null) unkeyedPerPartition[message.partition] = (unkeyedPerPartition[message.partition] ?? 0) + 1;
        else keyed[message.key] = message.partition;
      }
      return { keyed, unkeyedPerPartition };
    }),
};
