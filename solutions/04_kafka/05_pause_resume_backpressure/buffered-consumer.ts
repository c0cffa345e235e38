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
  const queue: Fetched[] = [];
  const progress = new Map<number, PartitionProgress>();
  let running = 0;
  let paused = false;

  // Handlers finish out of order; the committed offset may only pass a message once it and every
  // message before it in its partition are done ("everything before the committed offset is done").
  const finished = (message: Fetched): Promise<void> => {
    const partition = progress.get(message.partition);
    if (!partition) return Promise.resolve();
    partition.done.add(message.offset);
    let next = partition.committable;
    while (partition.done.delete(next)) next++;
    if (next === partition.committable) return Promise.resolve();
    partition.committable = next;
    return consumer.commitOffsets([{ topic: options.topic, partition: message.partition, offset: String(next) }]).catch(() => {
      // A commit lost to a rebalance or shutdown only means a redelivery, which at-least-once allows.
    });
  };

  // Starts handlers while there is work and a free slot; called on arrival and on every completion.
  const pump = (): void => {
    while (running < options.concurrency && queue.length > 0) {
      const message = queue.shift() as Fetched;
      running++;
      void options
        .handle(message.value)
        .then(() => {
          stats.handled++;
          return finished(message);
        })
        .finally(() => {
          running--;
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
    // Returning from eachBatch resolves the batch's offsets before its messages are handled;
    // autoCommit would then commit them, and a crash would lose every message still in the queue.
    autoCommit: false,
    // eachBatch hands over a whole fetch and lets us return at once: the queue outlives the
    // callback, which is what makes a buffer — and therefore backpressure — possible at all.
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        if (!progress.has(batch.partition)) progress.set(batch.partition, { committable: offset, done: new Set() });
        queue.push({ partition: batch.partition, offset, value: message.value?.toString() ?? '' });
      }
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

interface Fetched {
  partition: number;
  offset: number;
  value: string;
}

interface PartitionProgress {
  /** The offset to commit next: every message before it is handled. */
  committable: number;
  /** Handled offsets at or after `committable`, waiting for the ones before them. */
  done: Set<number>;
}
