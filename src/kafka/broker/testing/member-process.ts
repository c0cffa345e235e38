/**
 * A kafkajs group member in its own process, so a test can SIGKILL it: a real crash, with no
 * LeaveGroup and no more heartbeats. Prints one JSON line per GROUP_JOIN on stdout.
 *
 *   node --import tsx member-process.ts <bootstrap> <groupId> <topic> <sessionTimeoutMs>
 */
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
if (!bootstrap || !groupId || !topic || !sessionTimeout) throw new Error('usage: member-process.ts <bootstrap> <groupId> <topic> <sessionTimeoutMs>');

const kafka = new Kafka({ clientId: 'member-process', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), rebalanceTimeout: 6_000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
consumer.on(consumer.events.GROUP_JOIN, (event) => {
  process.stdout.write(`${JSON.stringify(event.payload.memberAssignment)}\n`);
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async () => {} });
