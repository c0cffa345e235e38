// Mistake: the output is transactional but the input offsets are committed by the consumer after the transaction, so a crash between the two writes the batch again.
// Caught by: a crash right after a batch is written never writes that batch again
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
 * Reads `input`, writes transform(value) to `output` with the same key. Exactly-once for readers
 * of `output` that read committed: each batch's output and its input offsets commit in one Kafka
 * transaction, so a crash leaves either both or neither.
 */
export async function startPipeline(kafka: Kafka, options: PipelineOptions): Promise<Pipeline> {
  // The same transactional id after a restart fences the crashed instance and aborts its open
  // transaction, instead of leaving it to block read_committed readers until it times out.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    transactionalId: options.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();

  // read_committed (kafkajs's default): never transform input from open or aborted transactions.
  const consumer = kafka.consumer({ ...options.consumerConfig, groupId: options.groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic: options.input, fromBeginning: true });
  await consumer.run({
    // The offsets are committed by the transaction, never by the consumer.
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const transaction = await producer.transaction();
      try {
        for (const message of batch.messages) {
          const value = await options.transform(message.value?.toString() ?? '');
          await transaction.send({ topic: options.output, messages: [{ key: message.key, value }] });
        }
        await transaction.commit();
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
      } catch (error) {
        // Nothing of this batch becomes visible; kafkajs hands the batch over again.
        await transaction.abort();
        throw error;
      }
    },
  });

  return {
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
