// Mistake: the guide's BackpressureConsumer: counts a buffer inside eachMessage, which kafkajs awaits one message at a time, so the buffer never exceeds 1 and it never pauses.
// Caught by: pauses at the high watermark, resumes when drained, and handles everything once, in order
import type { ConsumerConfig, Kafka } from 'kafkajs';

export interface BufferedConsumerOptions {
  groupId: string;
  topic: string;
  handle: (value: string) => Promise<void>;
  /** Handlers running at the same time. */
  concurrency: number;
  /** Pause fetching when this many messages wait to be handled. */
  highWatermark: number;
  /** Resume fetching when the wait has drained to this many. */
  lowWatermark: number;
  /** Passed through to kafka.consumer() (the tests make fetches small with it). */
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface BufferedConsumerStats {
  /** Messages fetched and waiting for a handler. */
  buffered: number;
  maxBuffered: number;
  pauses: number;
  resumes: number;
  handled: number;
}

export interface BufferedConsumer {
  stats(): BufferedConsumerStats;
  stop(): Promise<void>;
}

export async function startBufferedConsumer(kafka: Kafka, options: BufferedConsumerOptions): Promise<BufferedConsumer> {
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  const stats: BufferedConsumerStats = { buffered: 0, maxBuffered: 0, pauses: 0, resumes: 0, handled: 0 };
  let paused = false;
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      stats.buffered++;
      stats.maxBuffered = Math.max(stats.maxBuffered, stats.buffered);
      if (stats.buffered >= options.highWatermark && !paused) {
        consumer.pause([{ topic }]);
        paused = true;
        stats.pauses++;
      }
      try {
        await options.handle(message.value?.toString() ?? '');
        stats.handled++;
      } finally {
        stats.buffered--;
        if (paused && stats.buffered <= options.lowWatermark) {
          consumer.resume([{ topic }]);
          paused = false;
          stats.resumes++;
        }
      }
    },
  });
  return { stats: () => ({ ...stats }), stop: () => consumer.disconnect() };
}
