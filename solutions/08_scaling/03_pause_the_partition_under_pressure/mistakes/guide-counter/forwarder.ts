// Mistake: the guide's BackpressureConsumer: counts records in progress inside eachMessage (never more than one per partition, so it never pauses) and lets Overloaded escape, so kafkajs retries at once, ignoring retryAfterMs.
// Caught by: pauses only that partition, keeps the others flowing, and retries the record after retryAfterMs
import type { ConsumerConfig, Kafka } from 'kafkajs';

/** What the downstream service answers when it cannot take more for now ("429, retry after"). */
export class Overloaded extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`downstream overloaded: retry after ${retryAfterMs} ms`);
    this.name = 'Overloaded';
  }
}

export interface Delivery {
  partition: number;
  offset: string;
  key: string;
  value: string;
}

export interface ForwarderOptions {
  groupId: string;
  topic: string;
  /** Hands one record to the downstream service; rejects with Overloaded when it pushes back. */
  deliver: (delivery: Delivery) => Promise<void>;
  /** Passed through to kafka.consumer() (the tests make fetches short with it). */
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface ForwarderStats {
  delivered: number;
  /** partition → how many times it was paused because the downstream pushed back. */
  pausesByPartition: Record<number, number>;
  resumesByPartition: Record<number, number>;
}

export interface Forwarder {
  stats(): ForwarderStats;
  stop(): Promise<void>;
}

/** The guide's maxBuffer. */
const MAX_BUFFER = 1_000;

export async function startForwarder(kafka: Kafka, options: ForwarderOptions): Promise<Forwarder> {
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  const stats: ForwarderStats = { delivered: 0, pausesByPartition: {}, resumesByPartition: {} };
  const count = (counts: Record<number, number>, partition: number): void => {
    counts[partition] = (counts[partition] ?? 0) + 1;
  };
  let bufferSize = 0;
  let paused = false;

  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      bufferSize++;
      if (bufferSize > MAX_BUFFER && !paused) {
        consumer.pause([{ topic }]);
        paused = true;
        count(stats.pausesByPartition, partition);
      }
      try {
        await options.deliver({ partition, offset: message.offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        stats.delivered++;
      } finally {
        bufferSize--;
        if (bufferSize < MAX_BUFFER / 2 && paused) {
          consumer.resume([{ topic }]);
          paused = false;
          count(stats.resumesByPartition, partition);
        }
      }
    },
  });

  return {
    stats: () => ({ delivered: stats.delivered, pausesByPartition: { ...stats.pausesByPartition }, resumesByPartition: { ...stats.resumesByPartition } }),
    stop: () => consumer.disconnect(),
  };
}
