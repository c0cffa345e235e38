/**
 * kafkajs as the tests use it: unmodified, but quiet, quick to retry, and with its log entries
 * available to assert on (e.g. "Offset out of range, resetting to default offset").
 */
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type ConsumerConfig, type KafkaConfig, type LogEntry, type Producer, type ProducerConfig } from 'kafkajs';
import { Inbox } from '../../../testing/wait.ts';
import { startEmbeddedKafka, type EmbeddedKafka, type EmbeddedKafkaOptions } from '../index.ts';

export interface KafkaLogEntry {
  level: string;
  namespace: string;
  message: string;
  error?: string;
  type?: string;
}

/** Collects kafkajs log entries (WARN and above) so tests can wait for one. */
export class KafkaLogs {
  readonly inbox = new Inbox<KafkaLogEntry>();

  readonly logCreator = (): ((entry: LogEntry) => void) => (entry: LogEntry) => {
    const { message, error, type } = entry.log as { message: string; error?: string; type?: string };
    this.inbox.push({ level: logLevel[entry.level] ?? String(entry.level), namespace: entry.namespace, message, error, type });
  };
}

export function testKafka(brokers: string | string[], options: { logs?: KafkaLogs; clientId?: string; config?: Partial<KafkaConfig> } = {}): Kafka {
  return new Kafka({
    clientId: options.clientId ?? 'broker-test',
    brokers: Array.isArray(brokers) ? brokers : [brokers],
    logLevel: options.logs ? logLevel.WARN : logLevel.NOTHING,
    ...(options.logs ? { logCreator: options.logs.logCreator } : {}),
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 8 },
    ...options.config,
  });
}

export async function connectedProducer(kafka: Kafka, config: ProducerConfig = {}): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
  await producer.connect();
  return producer;
}

/** Settings that make groups react in milliseconds: fetches return quickly, heartbeats are frequent. */
export function fastConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  return kafka.consumer({ maxWaitTimeInMs: 100, heartbeatInterval: 100, sessionTimeout: 6_000, rebalanceTimeout: 6_000, ...config });
}

export interface Received {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/** Runs `consumer` and pushes every message it gets into the returned inbox. */
export async function consumeInto(consumer: Consumer, inbox = new Inbox<Received>()): Promise<Inbox<Received>> {
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      inbox.push({ topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null });
    },
  });
  return inbox;
}

/** Resolves with the payload of the consumer's next GROUP_JOIN event. */
export function nextGroupJoin(consumer: Consumer): Promise<{ memberId: string; leaderId: string; memberAssignment: Record<string, number[]> }> {
  return new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, (event) => {
      remove();
      resolve(event.payload);
    });
  });
}

/** A broker with a connected kafkajs admin, as most test files want it; stop() undoes both. */
export interface TestCluster {
  broker: EmbeddedKafka;
  kafka: Kafka;
  admin: Admin;
  stop(): Promise<void>;
}

export async function startTestCluster(options: EmbeddedKafkaOptions = {}): Promise<TestCluster> {
  const broker = await startEmbeddedKafka(options);
  const kafka = testKafka(broker.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  return {
    broker,
    kafka,
    admin,
    stop: async () => {
      await admin.disconnect();
      await broker.stop();
    },
  };
}
