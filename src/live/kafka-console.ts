/**
 * The live page's Kafka console: produce a record (topic, key, value, partition), and run
 * consumers in groups the learner names. A consumer is a real group member (kafkajs), so the live
 * view shows it with the partitions it owns and a rebalance when it joins or leaves; its records
 * go to the open pages as `kafka-record` events. Topics: create one (to see partitions move
 * between members), and delete one — on a cluster the workbook did not start (KAFKA_BROKERS) only
 * those this console created.
 *
 * Everything it started (producer, admin, consumers) stops with `close` (npm start ending).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { describeError } from '../harness/errors.ts';
import { ActionRefusal } from './action-refusal.ts';
import type {
  KafkaConsumerStartReply,
  KafkaConsumerStartRequest,
  KafkaProduceReply,
  KafkaProduceRequest,
  KafkaTopicCreateRequest,
  LiveEvent,
} from './protocol.ts';

export interface KafkaConsoleOptions {
  /** The session's Kafka (resolved at each request: the broker may still be starting). */
  kafka: () => Promise<{ brokers: string[]; embedded: boolean }>;
  publish: (event: LiveEvent) => void;
  /** How long a new consumer may take to join its group before the start is given up. */
  joinTimeoutMs?: number;
  /** Consumers running at once, at most (each is a connection and a heartbeat). */
  maxConsumers?: number;
  /**
   * The producer's and admin's connections close after this long without a request: an idle page
   * costs the broker nothing. (Requests take seconds at most, so none is cut off.) Default 2 min.
   */
  idleMs?: number;
}

export interface KafkaConsole {
  produce(request: unknown): Promise<KafkaProduceReply>;
  createTopic(request: unknown): Promise<{ topic: string; partitions: number }>;
  deleteTopic(topic: string): Promise<void>;
  startConsumer(request: unknown): Promise<KafkaConsumerStartReply>;
  /** Leaves the group; false when no such consumer runs. */
  stopConsumer(consumerId: string): Promise<boolean>;
  /** The consumers running now. */
  consumers(): Array<{ consumerId: string; topic: string; group: string }>;
  close(): Promise<void>;
}

/** Kafka's rule for topic names (at most 249 of letters, digits, '.', '_', '-'). */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's own topics (`__consumer_offsets`, `__transaction_state`): written and deleted only by the brokers. */
function refuseInternal(topic: string, what: string): void {
  if (topic.startsWith('__')) throw new ActionRefusal(`"${topic}" is one of Kafka's internal topics, kept by the brokers themselves: the console does not ${what} it.`, 403);
}

interface RunningConsumer {
  consumerId: string;
  topic: string;
  group: string;
  consumer: Consumer;
}

export function kafkaConsole(options: KafkaConsoleOptions): KafkaConsole {
  const joinTimeoutMs = options.joinTimeoutMs ?? 20_000;
  const maxConsumers = options.maxConsumers ?? 8;
  const consumers = new Map<string, RunningConsumer>();
  /** Topics this console created: the only ones it deletes on a cluster it did not start. */
  const created = new Set<string>();
  let client: { key: string; kafka: Kafka; producer?: Promise<Producer>; admin?: Promise<Admin> } | undefined;
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;

  const endpoint = async (): Promise<{ kafka: Kafka; embedded: boolean; producer: () => Promise<Producer>; admin: () => Promise<Admin> }> => {
    if (closed) throw new ActionRefusal('The workbook is stopping.', 503);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void disconnectClients(), options.idleMs ?? 120_000);
    idleTimer.unref();
    let server: { brokers: string[]; embedded: boolean };
    try {
      server = await options.kafka();
    } catch (error) {
      throw new ActionRefusal(`Kafka cannot be had: ${describeError(error)}`, 503);
    }
    const key = server.brokers.join(',');
    if (client?.key !== key) {
      await disconnectClients();
      client = {
        key,
        kafka: new Kafka({ clientId: 'workbook-console', brokers: server.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } }),
      };
    }
    const current = client;
    return {
      kafka: current.kafka,
      embedded: server.embedded,
      producer: () =>
        (current.producer ??= (async () => {
          const producer = current.kafka.producer({ allowAutoTopicCreation: false });
          await producer.connect();
          return producer;
        })().catch((error: unknown) => {
          current.producer = undefined;
          throw error;
        })),
      admin: () =>
        (current.admin ??= (async () => {
          const admin = current.kafka.admin();
          await admin.connect();
          return admin;
        })().catch((error: unknown) => {
          current.admin = undefined;
          throw error;
        })),
    };
  };

  async function disconnectClients(): Promise<void> {
    const old = client;
    client = undefined;
    await Promise.allSettled([old?.producer?.then((p) => p.disconnect()), old?.admin?.then((a) => a.disconnect())]);
  }

  /** The partitions of `topic`, or undefined when it does not exist. */
  async function partitionsOf(admin: Admin, topic: string): Promise<number | undefined> {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return undefined;
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length;
  }

  async function create(admin: Admin, topic: string, partitions: number): Promise<void> {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    created.add(topic);
  }

  const kafkaFailed = (what: string, error: unknown): never => {
    if (error instanceof ActionRefusal) throw error;
    throw new ActionRefusal(`${what} failed: ${describeError(error)}`, 503);
  };

  return {
    async produce(request) {
      const { topic, key, value, partition } = readProduce(request);
      refuseInternal(topic, 'produce to');
      const kafka = await endpoint();
      try {
        const admin = await kafka.admin();
        const partitions = await partitionsOf(admin, topic);
        if (partitions === undefined) {
          // As kafka-console-producer with auto-creation on: a new topic of one partition (create it first for more).
          if (partition !== undefined && partition > 0) throw new ActionRefusal(`There is no topic "${topic}" yet: create it with ${partition + 1} or more partitions first, or leave the partition out.`, 404);
          await create(admin, topic, 1);
        } else if (partition !== undefined && partition >= partitions) {
          throw new ActionRefusal(`Topic "${topic}" has ${partitions} partition${partitions === 1 ? '' : 's'} (0 to ${partitions - 1}): pick one of them, or leave the partition out to let the key choose.`, 400);
        }
        const producer = await kafka.producer();
        const [result] = await producer.send({ topic, messages: [{ key: key ?? null, value, partition }] });
        if (!result) throw new Error('the broker did not say where the record went');
        return { topic, partition: result.partition, offset: result.baseOffset ?? result.offset ?? '' };
      } catch (error) {
        return kafkaFailed(`Producing to "${topic}"`, error);
      }
    },

    async createTopic(request) {
      const { topic, partitions } = readCreate(request);
      refuseInternal(topic, 'create');
      const kafka = await endpoint();
      try {
        const admin = await kafka.admin();
        const existing = await partitionsOf(admin, topic);
        if (existing !== undefined) throw new ActionRefusal(`Topic "${topic}" already exists with ${existing} partition${existing === 1 ? '' : 's'}.`, 409);
        await create(admin, topic, partitions);
        return { topic, partitions };
      } catch (error) {
        return kafkaFailed(`Creating "${topic}"`, error);
      }
    },

    async deleteTopic(topic) {
      if (!TOPIC_NAME.test(topic)) throw new ActionRefusal(`"${topic}" is not a topic name.`, 400);
      refuseInternal(topic, 'delete');
      const kafka = await endpoint();
      if (!kafka.embedded && !created.has(topic)) {
        throw new ActionRefusal(
          `The workbook did not create "${topic}" on this cluster (KAFKA_BROKERS), so the console will not delete it: others may use it. Delete it with kafka-topics --delete yourself if you mean it.`,
          403,
        );
      }
      try {
        const admin = await kafka.admin();
        if ((await partitionsOf(admin, topic)) === undefined) throw new ActionRefusal(`There is no topic "${topic}".`, 404);
        await admin.deleteTopics({ topics: [topic] });
        created.delete(topic);
      } catch (error) {
        kafkaFailed(`Deleting "${topic}"`, error);
      }
    },

    async startConsumer(request) {
      const { topic, group, fromBeginning } = readConsumerStart(request);
      if (consumers.size >= maxConsumers) {
        throw new ActionRefusal(`${consumers.size} console consumers are running already: stop one before starting another.`, 409);
      }
      const kafka = await endpoint();
      const consumerId = `console-${randomUUID().slice(0, 8)}`;
      // Heartbeats every second so a rebalance shows within about a second in the live view (3 s by default);
      // a short fetch wait so stopping does not wait out a 5 s long poll.
      const consumer = kafka.kafka.consumer({ groupId: group, heartbeatInterval: 1_000, maxWaitTimeInMs: 1_000, retry: { retries: 2, initialRetryTime: 100 } });
      const running: RunningConsumer = { consumerId, topic, group, consumer };
      consumers.set(consumerId, running);
      try {
        const admin = await kafka.admin();
        if ((await partitionsOf(admin, topic)) === undefined) throw new ActionRefusal(`There is no topic "${topic}": produce to it or create it first.`, 404);
        const joined = new Promise<void>((resolve, reject) => {
          consumer.on(consumer.events.GROUP_JOIN, () => resolve());
          consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
        });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: fromBeginning ?? false });
        await consumer.run({
          eachMessage: async ({ topic: from, partition, message }) => {
            options.publish({
              type: 'kafka-record',
              data: {
                consumerId,
                record: {
                  topic: from,
                  partition,
                  offset: message.offset,
                  key: message.key?.toString('utf8') ?? null,
                  value: message.value?.toString('utf8') ?? null,
                  timestamp: message.timestamp,
                },
              },
            });
          },
        });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          joined,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new ActionRefusal(`The consumer did not join group "${group}" within ${joinTimeoutMs / 1000} s.`, 503)), joinTimeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
        // A consumer that crashes later (the broker gone) leaves the list, so a new one can start.
        consumer.on(consumer.events.CRASH, (event) => {
          if (event.payload.restart || consumers.get(consumerId) !== running) return;
          consumers.delete(consumerId);
          options.publish({ type: 'kafka-consumer-end', data: { consumerId, reason: describeError(event.payload.error) } });
          void consumer.disconnect().catch(() => {});
        });
        return { consumerId };
      } catch (error) {
        consumers.delete(consumerId);
        await consumer.disconnect().catch(() => {});
        return kafkaFailed(`Joining group "${group}"`, error);
      }
    },

    async stopConsumer(consumerId) {
      const running = consumers.get(consumerId);
      if (!running) return false;
      consumers.delete(consumerId);
      await running.consumer.disconnect();
      return true;
    },

    consumers: () => [...consumers.values()].map(({ consumerId, topic, group }) => ({ consumerId, topic, group })),

    async close() {
      closed = true;
      clearTimeout(idleTimer);
      const all = [...consumers.values()];
      consumers.clear();
      await Promise.allSettled(all.map((c) => c.consumer.disconnect()));
      await disconnectClients();
    },
  };
}

// ---------------------------------------------------------------- reading requests

function record(request: unknown): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new ActionRefusal('Send a JSON object.', 400);
  return request as Record<string, unknown>;
}

function topicOf(body: Record<string, unknown>): string {
  const topic = body.topic;
  if (typeof topic !== 'string' || topic === '') throw new ActionRefusal('Name a topic.', 400);
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new ActionRefusal(`"${topic}" is not a topic name: use letters, digits, '.', '_' and '-' (at most 249).`, 400);
  }
  return topic;
}

function readProduce(request: unknown): KafkaProduceRequest {
  const body = record(request);
  const topic = topicOf(body);
  if (typeof body.value !== 'string') throw new ActionRefusal('Give the record a value (text).', 400);
  if (body.key !== undefined && body.key !== null && typeof body.key !== 'string') throw new ActionRefusal('The key must be text (or left out).', 400);
  const partition = body.partition;
  if (partition !== undefined && partition !== null && !(Number.isInteger(partition) && (partition as number) >= 0)) {
    throw new ActionRefusal('The partition must be a whole number from 0 (or left out, to let the key choose).', 400);
  }
  return { topic, value: body.value, key: (body.key as string | null | undefined) ?? undefined, partition: (partition as number | null | undefined) ?? undefined };
}

function readCreate(request: unknown): KafkaTopicCreateRequest & { partitions: number } {
  const body = record(request);
  const topic = topicOf(body);
  const partitions = body.partitions ?? 1;
  if (!Number.isInteger(partitions) || (partitions as number) < 1 || (partitions as number) > 64) {
    throw new ActionRefusal('Give the topic from 1 to 64 partitions.', 400);
  }
  return { topic, partitions: partitions as number };
}

function readConsumerStart(request: unknown): KafkaConsumerStartRequest {
  const body = record(request);
  const topic = topicOf(body);
  const group = body.group;
  if (typeof group !== 'string' || group.trim() === '') throw new ActionRefusal('Name the consumer group to join.', 400);
  if (group.length > 249) throw new ActionRefusal('The group name is too long (at most 249 characters).', 400);
  if (body.fromBeginning !== undefined && typeof body.fromBeginning !== 'boolean') throw new ActionRefusal('fromBeginning is true or false.', 400);
  return { topic, group, fromBeginning: body.fromBeginning as boolean | undefined };
}
