/**
 * Helpers for tests that talk to this run's Kafka (embedded, or KAFKA_BROKERS) with kafkajs.
 * Every client made here is disconnected when the test ends; topic and group names are unique so
 * test files can share one cluster in parallel.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaConfig, type KafkaMessage } from 'kafkajs';
import { inject, onTestFinished } from 'vitest';
import { Inbox, within, type WaitOptions } from './wait.ts';

export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers');
}

/** A kafkajs client for this run's cluster; quiet unless KAFKAJS_LOG is set. */
export function kafkaClient(config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: `test-${randomUUID().slice(0, 8)}`,
    brokers: kafkaBrokers(),
    logLevel: process.env.KAFKAJS_LOG ? logLevel.INFO : logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 50 },
    ...config,
  });
}

/** A name no other test uses: `prefix-1a2b3c4d` (Kafka topic names may not contain ':'). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a topic with `partitions` partitions and waits until its leaders are known. */
export async function createTopic(topic: string, partitions = 1): Promise<void> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Registers `disconnect` of a kafkajs producer/consumer/admin to run when the test finishes. */
export function disconnectAfterTest<T extends { disconnect(): Promise<void> }>(client: T): T {
  onTestFinished(async () => {
    await client.disconnect();
  });
  return client;
}

export interface Consumed {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function consumed(topic: string, partition: number, message: KafkaMessage): Consumed {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v ?? '')])),
  };
}

/**
 * Reads `count` messages of `topic` from the beginning with a fresh consumer group, in the order
 * the consumer received them, then disconnects. Fails in plain words if fewer arrive in `ms`, or
 * as soon as `options.failWhen` gives a reason.
 */
export async function consumeFromStart(topic: string, count: number, ms = 10_000, options?: WaitOptions): Promise<Consumed[]> {
  const consumer = kafkaClient().consumer({ groupId: uniqueName('reader') });
  const received: Consumed[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        received.push(consumed(t, partition, message));
        if (received.length >= count) done();
      },
    });
    await within(all, ms, `${count} messages arriving on ${topic}`, options).catch((error: Error) => {
      error.message = `${error.message} (only ${received.length} arrived)`;
      throw error;
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

export interface TopicWatch {
  /** Every message of the watched topics since their start, as the watcher received them. */
  inbox: Inbox<Consumed>;
  stop(): Promise<void>;
}

/**
 * Watches `topics` from their start with a fresh consumer group, for a test file that observes one
 * run from several tests (each waits on the same inbox, or fails at once on what it already holds).
 * Resolves once the watcher has joined its group; `stop()` it in `afterAll`.
 */
export async function watchTopics(topics: string[]): Promise<TopicWatch> {
  const consumer = kafkaClient().consumer({ groupId: uniqueName('watcher'), maxWaitTimeInMs: 100 });
  const inbox = new Inbox<Consumed>();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ topic, partition, message }) => inbox.push(consumed(topic, partition, message)) });
  await within(joined, 10_000, `a watcher of ${topics.join(', ')} joining its group`);
  return { inbox, stop: () => consumer.disconnect() };
}

/**
 * The sum of `topic`'s partitions' end offsets as read_committed readers see them (the broker's
 * last stable offsets): how many messages were ever written to a topic without transactions. On a
 * transactional topic, commit markers take offsets too, and an open transaction holds it back.
 */
export async function messagesWritten(topic: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high }) => sum + Number(high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The offset `groupId` has committed on one partition of `topic` (the next record it will read), or -1 when none. */
export async function committedOffset(groupId: string, topic: string, partition = 0): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits offsets for a consumer group the way a consumer does: a member joins the group, commits,
 * and leaves. (kafkajs's admin.setOffsets polls for seconds before it returns; this waits on the
 * group-join event instead.)
 */
export async function commitGroupOffsets(groupId: string, topic: string, offsets: Record<number, number>): Promise<void> {
  const consumer = kafkaClient().consumer({ groupId });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    // Reading messages is harmless: with autoCommit off, only the commit below moves the group.
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await within(joined, 10_000, `a consumer joining group ${groupId} to commit offsets`);
    await consumer.commitOffsets(Object.entries(offsets).map(([partition, offset]) => ({ topic, partition: Number(partition), offset: String(offset) })));
  } finally {
    await consumer.disconnect();
  }
}
