// Mistake: leaves committing to kafkajs's autoCommit, which commits at the end of a batch: a crash replays every message of the batch, not just the one in flight.
// Caught by: while m5 is being handled, m0..m4 are committed and m5 is not
import type { ConsumerConfig, Kafka } from 'kafkajs';

export interface WorkerOptions {
  groupId: string;
  topic: string;
  /** The work to do for each message; the message counts as done once this resolves. */
  handle: (value: string) => Promise<void>;
  /** Passed through to kafka.consumer() (the tests shorten timeouts with it). */
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(kafka: Kafka, options: WorkerOptions): Promise<Worker> {
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      // If this throws, nothing is committed and kafkajs retries the message: at-least-once.
      await options.handle(message.value?.toString() ?? '');
    },
  });
  return { stop: () => consumer.disconnect() };
}
