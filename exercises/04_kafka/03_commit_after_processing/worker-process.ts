/**
 * Test support, not part of the exercise: runs a worker in a process of its own so that the test
 * can kill it (SIGKILL) in the middle of a message, as a crash would.
 *   node --import tsx worker-process.ts <worker module> <brokers> <groupId> <topic> <crash at value>
 */
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { startWorker as StartWorker } from './worker.ts';

const [modulePath, brokers, groupId, topic, crashAt] = process.argv.slice(2) as [string, string, string, string, string];
const { startWorker } = (await import(pathToFileURL(modulePath).href)) as { startWorker: typeof StartWorker };
const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });

await startWorker(kafka, {
  groupId,
  topic,
  consumerConfig: { sessionTimeout: 6_000, heartbeatInterval: 500 },
  handle: async (value) => {
    if (value === crashAt) {
      process.stdout.write(`in-flight ${value}\n`);
      await new Promise(() => {});
    }
    process.stdout.write(`handled ${value}\n`);
  },
});
