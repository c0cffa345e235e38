import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { defineLab } from '../../src/labs/lab.ts';

export interface KeysFindings {
  partitions: number;
  /** user → partitions their events landed on, in sending order. */
  keyed: Record<string, number[]>;
  unkeyed: Record<string, number[]>;
  /** user → the step numbers in the order a consumer read them. */
  keyedReadOrder: Record<string, number[]>;
  unkeyedReadOrder: Record<string, number[]>;
}

const USERS = ['alice', 'bob', 'carol', 'dave'];
const STEPS = 3;

export default defineLab<KeysFindings>(async ({ log, kafkaBrokers }) => {
  const kafka = new Kafka({ clientId: 'lab-keys', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    const partitions = 3;
    const run = async (keyed: boolean): Promise<{ landed: Record<string, number[]>; read: Record<string, number[]> }> => {
      const topic = `lab-keys-${keyed ? 'keyed' : 'unkeyed'}-${randomUUID().slice(0, 8)}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
      const events = Array.from({ length: STEPS }, (_, step) => USERS.map((user) => ({ user, step }))).flat();
      const landed: Record<string, number[]> = Object.fromEntries(USERS.map((u) => [u, []]));
      // One send per event, so each gets its own record and partition choice.
      for (const event of events) {
        const [meta] = await producer.send({ topic, messages: [{ key: keyed ? event.user : null, value: JSON.stringify(event) }] });
        landed[event.user]?.push(meta?.partition ?? -1);
      }
      const read = await readAll(kafka, topic, events.length);
      return { landed, read };
    };

    const keyed = await run(true);
    const unkeyed = await run(false);

    log(`A topic with ${partitions} partitions; ${USERS.length} users, ${STEPS} events each (steps 0, 1, 2).`);
    log('');
    log('With the user id as key:                 Without a key:');
    for (const user of USERS) {
      const left = `  ${user.padEnd(6)} partitions ${keyed.landed[user]?.join(',')}  read order ${keyed.read[user]?.join(',')}`;
      log(`${left.padEnd(42)}  ${user.padEnd(6)} partitions ${unkeyed.landed[user]?.join(',')}  read order ${unkeyed.read[user]?.join(',')}`);
    }
    log('');
    log('Keyed: each user sticks to one partition, and a consumer reads their steps in order.');
    log('Unkeyed: each user is spread over partitions; the consumer fetches partitions independently,');
    log('so nothing relates the order of step 1 on one partition to step 2 on another.');
    return { partitions, keyed: keyed.landed, unkeyed: unkeyed.landed, keyedReadOrder: keyed.read, unkeyedReadOrder: unkeyed.read };
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
});

/** Reads `count` messages with a fresh group; returns each user's steps in the order they were read. */
async function readAll(kafka: Kafka, topic: string, count: number): Promise<Record<string, number[]>> {
  const consumer: Consumer = kafka.consumer({ groupId: `lab-keys-reader-${randomUUID().slice(0, 8)}` });
  const read: Record<string, number[]> = {};
  let seen = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const { user, step } = JSON.parse(message.value?.toString() ?? '{}') as { user: string; step: number };
          (read[user] ??= []).push(step);
          if (++seen === count) resolve();
        },
      });
    });
    return read;
  } finally {
    await consumer.disconnect();
  }
}
