// Mistake: dead-letters only when attempt > maxAttempts, so a poison message is tried maxAttempts + 1 times.
// Caught by: a message that always fails is dead-lettered after 3 attempts, with the error
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
  await consumer.subscribe({ topics: [options.topic, options.retryTopic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString() ?? '';
      const attempt = Number(message.headers?.attempts?.toString() ?? '1');
      try {
        await options.handle(value);
      } catch (error) {
        // Park the failure elsewhere and return normally: the partition moves on, and the offset of
        // this message is committed only after the parked copy was written (at-least-once).
        const last = attempt > options.maxAttempts;
        const headers: IHeaders = { ...message.headers, attempts: String(last ? attempt : attempt + 1) };
        if (last) headers.error = error instanceof Error ? error.message : String(error);
        await producer.send({
          topic: last ? options.deadLetterTopic : options.retryTopic,
          messages: [{ key: message.key, value: message.value, headers }],
        });
      }
    },
  });
  return {
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
