// Mistake: retries in a loop inside eachMessage instead of through the retry topic: the partition waits for every retry, and no retry survives a restart.
// Caught by: retries go through the retry topic, counting attempts
import type { ConsumerConfig, IHeaders, Kafka } from 'kafkajs';

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
  const producer = kafka.producer();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString() ?? '';
      let lastError: unknown;
      for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        try {
          await options.handle(value);
          return;
        } catch (error) {
          lastError = error;
        }
      }
      const headers: IHeaders = { ...message.headers, attempts: String(options.maxAttempts) };
      headers.error = lastError instanceof Error ? lastError.message : String(lastError);
      await producer.send({ topic: options.deadLetterTopic, messages: [{ key: message.key, value: message.value, headers }] });
    },
  });
  return {
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
