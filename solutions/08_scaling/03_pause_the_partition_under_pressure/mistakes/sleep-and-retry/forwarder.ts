// Mistake: waits out retryAfterMs inside the handler and retries there: kafkajs hands over one batch at a time, so every other partition waits with it.
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

export async function startForwarder(kafka: Kafka, options: ForwarderOptions): Promise<Forwarder> {
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId });
  const stats: ForwarderStats = { delivered: 0, pausesByPartition: {}, resumesByPartition: {} };
  const resumeTimers = new Set<NodeJS.Timeout>(); // none are set: the handler sleeps instead
  const count = (counts: Record<number, number>, partition: number): void => {
    counts[partition] = (counts[partition] ?? 0) + 1;
  };

  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    // We resolve each record ourselves once the downstream took it, so a pause leaves the record
    // that met the pressure (and everything after it) unresolved: it is fetched again on resume.
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) return;
        const delivery = { partition: batch.partition, offset: message.offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' };
        for (;;) {
          try {
            await options.deliver(delivery);
            break;
          } catch (error) {
            if (!(error instanceof Overloaded)) throw error;
            count(stats.pausesByPartition, batch.partition);
            await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs));
            count(stats.resumesByPartition, batch.partition);
          }
        }
        resolveOffset(message.offset);
        stats.delivered++;
        await heartbeat();
      }
    },
  });

  return {
    stats: () => ({ delivered: stats.delivered, pausesByPartition: { ...stats.pausesByPartition }, resumesByPartition: { ...stats.resumesByPartition } }),
    async stop() {
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
      await consumer.disconnect();
    },
  };
}
