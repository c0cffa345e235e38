// Mistake: commits the handled message's own offset; Kafka's committed offset is the next one to read, so every restart redelivers one message already done.
// Caught by: while m5 is being handled, m0..m4 are committed and m5 is not
// Caught by: after a crash in the middle of m5, the next worker gets m5 and nothing before it
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
      await options.handle(message.value?.toString() ?? '');
      // The committed offset is the next one to read: "everything before it is done".
      await consumer.commitOffsets([{ topic, partition, offset: message.offset }]);
    },
  });
  return { stop: () => consumer.disconnect() };
}
