/**
 * One group member in a process of its own, so the lab can kill it without a goodbye.
 *   node --import tsx member.ts <brokers> <groupId> <topic>
 * Prints `assigned <json>` after every rebalance it takes part in. The lab stops it with SIGKILL
 * (no goodbye); Ctrl-C or SIGTERM make it leave the group properly, as any consumer should.
 */
import { Kafka, logLevel } from 'kafkajs';
import { MEMBER_TIMING } from './timing.ts';

const [brokers, groupId, topic] = process.argv.slice(2) as [string, string, string];
const kafka = new Kafka({ clientId: 'lab-member-c', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, ...MEMBER_TIMING });
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  process.stdout.write(`assigned ${JSON.stringify(payload.memberAssignment[topic] ?? [])}\n`);
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async () => {} });

// A consumer that dies without disconnect() sends no LeaveGroup: the group then waits a whole
// sessionTimeout before it hands this member's partitions to the others.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void consumer.disconnect().finally(() => process.exit(0));
  });
}
