/**
 * Starts the brokers the exercises need, once per learner session, and hands them to the tests
 * through the same environment variables a learner would set for their own servers (REDIS_URL).
 * The session prints the address so the learner can poke at the very server the tests use.
 */
import { startKafka } from '../harness/kafka.ts';
import { startRedis } from '../harness/redis.ts';

export interface SessionBrokers {
  /** Lines worth showing the learner, e.g. how to open redis-cli on the server. */
  description: string[];
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
  return {
    description,
    stop: async () => {
      await Promise.all([redis.stop(), kafka.stop()]);
    },
  };
}
