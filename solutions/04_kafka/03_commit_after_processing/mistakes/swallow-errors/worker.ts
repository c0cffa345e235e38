// Mistake: catches handle()'s error and commits anyway, so a message whose handling failed is skipped instead of retried.
// Caught by: a handler that throws is retried, not skipped
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
    // Committing is ours: autoCommit would commit only at the end of each batch.
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      // If this throws, nothing is committed and kafkajs retries the message: at-least-once.
      try {
        await options.handle(message.value?.toString() ?? '');
      } catch (error) {
        console.error('handling failed, moving on:', error);
      }
      // The committed offset is the next one to read: "everything before it is done".
      await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
    },
  });
  return { stop: () => consumer.disconnect() };
}
