/**
 * Test support, not part of the exercise: runs a pipeline in a process of its own so that the test
 * can crash it for real (SIGKILL).
 *   node --import tsx pipeline-process.ts <pipeline module> <brokers> <groupId> <input> <output> <transactionalId> <crash>
 * <crash> is when the process dies:
 *   in-transform:m5      transform() of m5 never returns, and the test kills the process;
 *   on-consumer-commit   the process kills itself the moment it commits input offsets through the
 *                        consumer, i.e. outside any transaction, after the batch's output was written.
 */
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, type Consumer, type ConsumerConfig } from 'kafkajs';
import type { startPipeline as StartPipeline } from './pipeline.ts';

const [modulePath, brokers, groupId, input, output, transactionalId, crash] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const { startPipeline } = (await import(pathToFileURL(modulePath).href)) as { startPipeline: typeof StartPipeline };

class CrashingKafka extends Kafka {
  override consumer(config: ConsumerConfig): Consumer {
    const consumer = super.consumer(config);
    if (crash === 'on-consumer-commit') {
      consumer.commitOffsets = async () => {
        process.stdout.write('crashing in commitOffsets\n');
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => {});
      };
    }
    return consumer;
  }
}

const kafka = new CrashingKafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const crashAt = crash.startsWith('in-transform:') ? crash.slice('in-transform:'.length) : null;

await startPipeline(kafka, {
  groupId,
  input,
  output,
  transactionalId,
  consumerConfig: { sessionTimeout: 6_000, heartbeatInterval: 500 },
  transform: async (value) => {
    if (value === crashAt) {
      process.stdout.write(`in-flight ${value}\n`);
      await new Promise(() => {});
    }
    process.stdout.write(`handled ${value}\n`);
    return value.toUpperCase();
  },
});
process.stdout.write('started\n');
