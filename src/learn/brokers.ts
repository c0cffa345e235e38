/**
 * Starts the brokers the exercises need, once per learner session, and hands them to the tests
 * through the same environment variables a learner would set for their own servers (REDIS_URL,
 * KAFKA_BROKERS, AWS_ENDPOINT_URL). The session prints the addresses so the learner can poke at the
 * very servers the tests use.
 *
 * Redis and Kafka start at once (milliseconds). The SNS emulator (moto, a Python program that takes
 * seconds to start and may not be installed) starts only when an exercise that needs it comes up.
 */
import type { Broker } from '../catalog/catalog.ts';
import { describeError } from '../harness/errors.ts';
import { startKafka } from '../harness/kafka.ts';
import { startRedis } from '../harness/redis.ts';
import type { SnsServer } from '../harness/sns.ts';

export interface SessionBrokers {
  /** Lines worth showing the learner, e.g. how to open redis-cli on the server. */
  description: string[];
  /**
   * Makes sure `broker` is running before an exercise that needs it runs; resolves to a line to show
   * the learner when starting it failed (the exercise's tests will then say the same in their words).
   */
  ensure(broker: Broker): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function startSessionBrokers(): Promise<SessionBrokers> {
  const [redis, kafka] = await Promise.all([startRedis(), startKafka()]);
  process.env.REDIS_URL = redis.url;
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  const port = new URL(redis.url).port;
  const description = [
    redis.embedded
      ? `Redis: ${redis.url} (embedded, stopped when you quit) — look inside with \`redis-cli -p ${port}\``
      : `Redis: ${redis.url} (from REDIS_URL)`,
    kafka.embedded ? `Kafka: ${kafka.bootstrap} (embedded; any Kafka client can use it while the loop runs)` : `Kafka: ${kafka.brokers.join(',')} (from KAFKA_BROKERS)`,
  ];
  let sns: Promise<SnsServer> | undefined;

  return {
    description,
    async ensure(broker) {
      if (broker !== 'sns') return undefined;
      // Loaded on demand: most sessions never need the AWS SDK.
      sns ??= import('../harness/sns.ts').then(({ startSns }) => startSns());
      try {
        const server = await sns;
        if (process.env.AWS_ENDPOINT_URL !== server.endpoint) {
          process.env.AWS_ENDPOINT_URL = server.endpoint;
          description.push(server.embedded ? `SNS/SQS/S3: ${server.endpoint} (moto, embedded)` : `SNS/SQS/S3: ${server.endpoint} (from AWS_ENDPOINT_URL)`);
        }
        return undefined;
      } catch (error) {
        sns = undefined;
        return describeError(error);
      }
    },
    stop: async () => {
      const started = await sns?.catch(() => undefined);
      await Promise.all([redis.stop(), kafka.stop(), started?.stop()]);
    },
  };
}
