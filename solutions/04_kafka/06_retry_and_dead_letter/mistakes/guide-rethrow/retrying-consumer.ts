// Mistake: the guide's consumer: logs and rethrows "to trigger retry/DLQ"; kafkajs retries the same poison message and the partition behind it is stuck.
// Caught by: a failing message does not hold up the ones behind it
import type { ConsumerConfig, Kafka } from 'kafkajs';

export interface RetryingConsumerOptions {
  groupId: string;
  topic: string;
  retryTopic: string;
  deadLetterTopic: string;
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  handle: (value: string) => Promise<void>;
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface RetryingConsumer {
  stop(): Promise<void>;
}

export async function startRetryingConsumer(kafka: Kafka, options: RetryingConsumerOptions): Promise<RetryingConsumer> {
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        await options.handle(message.value?.toString() ?? '');
      } catch (error) {
        throw error;
      }
    },
  });
  return { stop: () => consumer.disconnect() };
}
