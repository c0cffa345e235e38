// Mistake: turns autoCommit off and never commits: nothing is lost in a crash, but every restart re-handles the whole topic.
// Caught by: commits only handled messages, and all of them once handled
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
  const stats = { maxBuffered: 0, pauses: 0, resumes: 0, handled: 0 };
  const queue: string[] = [];
  let running = 0;
  let paused = false;

  // Starts handlers while there is work and a free slot; called on arrival and on every completion.
  const pump = (): void => {
    while (running < options.concurrency && queue.length > 0) {
      const value = queue.shift() as string;
      running++;
      void options.handle(value).finally(() => {
        running--;
        stats.handled++;
        if (paused && queue.length <= options.lowWatermark) {
          consumer.resume([{ topic: options.topic }]);
          paused = false;
          stats.resumes++;
        }
        pump();
      });
    }
  };

  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    // eachBatch hands over a whole fetch and lets us return at once: the queue outlives the
    // callback, which is what makes a buffer — and therefore backpressure — possible at all.
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) queue.push(message.value?.toString() ?? '');
      stats.maxBuffered = Math.max(stats.maxBuffered, queue.length);
      if (!paused && queue.length >= options.highWatermark) {
        consumer.pause([{ topic: options.topic }]);
        paused = true;
        stats.pauses++;
      }
      pump();
    },
  });
  return {
    stats: () => ({ ...stats, buffered: queue.length }),
    stop: () => consumer.disconnect(),
  };
}
