/**
 * The brokers of one learner session. Each starts on its own, when first needed (Redis and Kafka
 * are asked for at once in the background), and none is a single point of failure: a broker that
 * cannot be had is remembered with the one line that says what to do, and only the exercises that
 * need it wait or are skipped. The addresses reach the tests through the same environment
 * variables a learner would set for their own servers (REDIS_URL, KAFKA_BROKERS, AWS_ENDPOINT_URL).
 */
import type { Broker } from '../catalog/catalog.ts';
import { BrokerUnavailableError, describeError } from '../harness/errors.ts';
import { startKafka, type KafkaServer } from '../harness/kafka.ts';
import type { KafkaInspector } from '../kafka/broker/index.ts';
import { startRedis, type RedisServer } from '../harness/redis.ts';
import type { SnsServer } from '../harness/sns.ts';

export type RealBroker = Exclude<Broker, 'none'>;
export type BrokerState = { state: 'starting' } | { state: 'ready'; line: string } | { state: 'unavailable'; reason: string };

/** Where a ready broker is, and whether the workbook started it (the live view's console is careful with servers it did not). */
export interface BrokerEndpoint {
  /** Redis: its URL; Kafka: host:port of every broker, comma-separated; SNS: the endpoint URL. */
  address: string;
  embedded: boolean;
  /** The embedded Kafka broker's extras, for the live view. */
  kafkaInspector?: KafkaInspector;
}

interface Started {
  line: string;
  env: Record<string, string>;
  endpoint: BrokerEndpoint;
  stop(): Promise<void>;
}

export interface SessionBrokers {
  /** Starts `broker` if it is not started yet; resolves to why it cannot be had, or undefined when ready. */
  ensure(broker: Broker): Promise<string | undefined>;
  state(broker: Broker): BrokerState | undefined;
  /** Lines worth showing the learner, e.g. how to open redis-cli on the server. */
  description(): string[];
  /** The variables the tests need to reach the brokers that are ready. */
  env(): Record<string, string>;
  /** Where `broker` is once it is ready; undefined before, or when it cannot be had. */
  endpoint(broker: RealBroker): BrokerEndpoint | undefined;
  /** Where progress lines go from now on (a session handed to the loop prints them in the loop's terminal). */
  logTo(log: (line: string) => void): void;
  stop(): Promise<void>;
}

const STARTERS: Record<RealBroker, (log: (line: string) => void) => Promise<Started>> = {
  redis: async (log) => {
    const redis: RedisServer = await startRedis({ log });
    const port = new URL(redis.url).port;
    return {
      line: redis.embedded ? `Redis: ${redis.url} (embedded, stopped when you quit) — look inside with \`redis-cli -p ${port}\`` : `Redis: ${redis.url} (from REDIS_URL)`,
      env: { REDIS_URL: redis.url },
      endpoint: { address: redis.url, embedded: redis.embedded },
      stop: () => redis.stop(),
    };
  },
  kafka: async () => {
    const kafka: KafkaServer = await startKafka();
    return {
      line: kafka.embedded ? `Kafka: ${kafka.bootstrap} (embedded; any Kafka client can use it while the loop runs)` : `Kafka: ${kafka.brokers.join(',')} (from KAFKA_BROKERS)`,
      env: { KAFKA_BROKERS: kafka.brokers.join(',') },
      endpoint: { address: kafka.brokers.join(','), embedded: kafka.embedded, kafkaInspector: kafka.inspector },
      stop: () => kafka.stop(),
    };
  },
  sns: async () => {
    // Loaded on demand: most sessions never need the AWS SDK.
    const { startSns } = await import('../harness/sns.ts');
    const sns: SnsServer = await startSns();
    return {
      line: sns.embedded ? `SNS/SQS/S3: ${sns.endpoint} (moto, embedded)` : `SNS/SQS/S3: ${sns.endpoint} (from AWS_ENDPOINT_URL)`,
      env: { AWS_ENDPOINT_URL: sns.endpoint },
      endpoint: { address: sns.endpoint, embedded: sns.embedded },
      stop: () => sns.stop(),
    };
  },
};

export function sessionBrokers(initialLog: (line: string) => void = () => {}): SessionBrokers {
  let log = initialLog;
  const states = new Map<RealBroker, BrokerState>();
  const started = new Map<RealBroker, Promise<Started | undefined>>();
  const ready = new Map<RealBroker, Started>();
  let stopping = false;

  const start = (broker: RealBroker): Promise<Started | undefined> => {
    let pending = started.get(broker);
    if (pending) return pending;
    states.set(broker, { state: 'starting' });
    pending = STARTERS[broker]((line) => log(line)).then(
      (server) => {
        if (stopping) {
          void server.stop();
          return undefined;
        }
        states.set(broker, { state: 'ready', line: server.line });
        ready.set(broker, server);
        return server;
      },
      (error: unknown) => {
        // Anything that stops a broker from starting is about this machine, not a bug: say it as it is.
        const reason = error instanceof BrokerUnavailableError ? error.message : describeError(error);
        states.set(broker, { state: 'unavailable', reason });
        return undefined;
      },
    );
    started.set(broker, pending);
    return pending;
  };

  return {
    async ensure(broker) {
      if (broker === 'none') return undefined;
      await start(broker);
      const state = states.get(broker);
      return state?.state === 'unavailable' ? state.reason : undefined;
    },
    state: (broker) => (broker === 'none' ? { state: 'ready', line: '' } : states.get(broker)),
    description: () => [...states.values()].flatMap((s) => (s.state === 'ready' ? [s.line] : [])),
    env: () => Object.assign({}, ...[...ready.values()].map((server) => server.env)) as Record<string, string>,
    endpoint: (broker) => ready.get(broker)?.endpoint,
    logTo: (next) => {
      log = next;
    },
    async stop() {
      stopping = true;
      const servers = await Promise.all([...started.values()]);
      await Promise.allSettled(servers.map((s) => s?.stop()));
    },
  };
}
