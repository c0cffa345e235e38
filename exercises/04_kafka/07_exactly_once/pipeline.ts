import { Partitioners, type ConsumerConfig, type Kafka } from 'kafkajs';

export interface PipelineOptions {
  /** The consumer group reading `input`: its committed offsets say which input is done. */
  groupId: string;
  input: string;
  output: string;
  /** Stable across restarts of the same pipeline: a restarted instance uses the same id. */
  transactionalId: string;
  /** The work: one output value per input value. */
  transform: (value: string) => string | Promise<string>;
  /** Passed through to kafka.consumer() (the tests shorten timeouts with it). */
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface Pipeline {
  stop(): Promise<void>;
}

/**
 * Reads `input`, writes transform(value) to `output` with the same key, and commits the input
 * offsets once a batch is written. At-least-once: a crash between writing a batch and committing
 * it writes that batch again after the restart.
 */
export async function startPipeline(kafka: Kafka, options: PipelineOptions): Promise<Pipeline> {
  // TODO: a plain producer. Its writes are visible at once and cannot be taken back after a crash.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();

  // TODO: "read everything as soon as it is written" includes records of transactions that are
  // still open or were aborted upstream.
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId, readUncommitted: true });
  await consumer.connect();
  await consumer.subscribe({ topic: options.input, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const value = await options.transform(message.value?.toString() ?? '');
        await producer.send({ topic: options.output, messages: [{ key: message.key, value }] });
      }
      // TODO: the output above is already written; if the process dies before this line, the next
      // instance starts again from the last committed offset and writes the whole batch again.
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
    },
  });

  return {
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
