/**
 * One scenario's run against one broker: its kafkajs clients (all disconnected at the end), its
 * topic and group names (unique per run, so runs never see each other's data, and mapped back to
 * stable logical names in observations), and kafkajs's log lines, which are part of what a client
 * observes (e.g. "Offset out of range, resetting to default offset").
 */
import { randomUUID } from 'node:crypto';
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  type LogEntry,
  type Producer,
  type ProducerConfig,
  type RetryOptions,
  Partitioners,
  logLevel,
} from 'kafkajs';
import type { Target } from './brokers.ts';

export interface KafkaLogLine {
  level: string;
  message: string;
  extra: Record<string, unknown>;
}

const LEVEL_NAMES: Record<number, string> = {
  [logLevel.ERROR]: 'ERROR',
  [logLevel.WARN]: 'WARN',
  [logLevel.INFO]: 'INFO',
  [logLevel.DEBUG]: 'DEBUG',
};

/** For clients that may meet a fresh real broker's coordinators before they are ready (about 10 s). */
export const PATIENT_RETRY: RetryOptions = { retries: 10, initialRetryTime: 100, maxRetryTime: 1_000 };

export class Session {
  /** kafkajs log lines at WARN and above, from every client of this session. */
  readonly logs: KafkaLogLine[] = [];
  private readonly names = new Map<string, string>();
  private readonly disconnects: Array<() => Promise<void>> = [];
  private readonly suffix = randomUUID().slice(0, 8);

  constructor(readonly target: Target) {}

  /** A unique real name for `logical`; observations show `logical` (see normalize). */
  name(logical: string): string {
    const real = `${logical}-${this.suffix}`;
    this.names.set(real, logical);
    return real;
  }

  kafka(clientId = 'conformance', retry: RetryOptions = { retries: 2, initialRetryTime: 50, maxRetryTime: 500 }): Kafka {
    return new Kafka({
      clientId,
      brokers: this.target.brokers,
      // Generous: both brokers share two busy cores with the test runner.
      connectionTimeout: 5_000,
      requestTimeout: 15_000,
      // Few, quick retries by default: scenarios that expect errors must not wait through kafkajs's 5 retries.
      retry,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...extra } = entry.log;
        this.logs.push({ level: LEVEL_NAMES[entry.level] ?? String(entry.level), message, extra });
      },
    });
  }

  async admin(): Promise<Admin> {
    const admin = this.kafka('conformance-admin').admin();
    await admin.connect();
    this.disconnects.push(() => admin.disconnect());
    return admin;
  }

  async producer(config: ProducerConfig = {}, clientId = 'conformance-producer'): Promise<Producer> {
    const producer = this.kafka(clientId).producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
    await producer.connect();
    this.disconnects.push(() => producer.disconnect());
    return producer;
  }

  /**
   * A transactional producer (`transactionalId` is a logical name, made unique like topics). More
   * retries than the other clients get: a fresh real broker answers COORDINATOR_NOT_AVAILABLE until
   * its __transaction_state topic exists, and CONCURRENT_TRANSACTIONS while it aborts a fenced
   * producer's transaction; kafkajs retries both, with the cluster's retry settings.
   */
  async transactionalProducer(transactionalId: string, clientId = 'conformance-transactional'): Promise<Producer> {
    const kafka = this.kafka(clientId, PATIENT_RETRY);
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId: this.name(transactionalId),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    this.disconnects.push(() => producer.disconnect());
    return producer;
  }

  /**
   * Not connected: scenarios connect, subscribe and run it themselves. `retry` is the cluster's:
   * kafkajs gives up on a group for good (KafkaJSGroupCoordinatorNotFound) once it runs out, which a
   * fresh real broker can make happen while it creates __consumer_offsets.
   */
  consumer(config: ConsumerConfig, clientId = 'conformance-consumer', retry?: RetryOptions): Consumer {
    const consumer = this.kafka(clientId, retry).consumer({
      // Fast group reactions: heartbeats are what tell a running member that a rebalance started.
      heartbeatInterval: 200,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 100,
      ...config,
    });
    this.disconnects.push(() => consumer.disconnect());
    return consumer;
  }

  /** Real names → logical names, anywhere in a JSON-able value. */
  normalize<T>(value: T): T {
    let text = JSON.stringify(value);
    // Longest first, so a name that contains another is replaced whole.
    const names = [...this.names].sort(([a], [b]) => b.length - a.length);
    for (const [real, logical] of names) text = text.split(real).join(logical);
    return JSON.parse(text) as T;
  }

  async close(): Promise<void> {
    // Reverse order: consumers leave their groups before the admin that may inspect them goes.
    for (const disconnect of this.disconnects.reverse()) await disconnect().catch(() => {});
  }
}

/** Runs `body` with a fresh session and always closes it; failures name the broker. */
export async function withSession<T>(target: Target, body: (session: Session) => Promise<T>): Promise<T> {
  const session = new Session(target);
  try {
    return await body(session);
  } catch (error) {
    if (error instanceof Error) error.message = `[${target.label}] ${error.message}`;
    throw error;
  } finally {
    await session.close();
  }
}
