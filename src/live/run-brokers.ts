/**
 * For the live view's unit tests: this test run's Redis and Kafka, as the live server sees a
 * session's brokers. Apart from live-test-kit.ts, which the site's browser test imports too (and
 * the site's type check knows nothing of Vitest's provided values).
 */
import { kafkaBrokers } from '#testing/kafka';
import { redisUrl } from '#testing/redis';
import type { LiveBrokers } from './routes.ts';

export function runBrokers(embedded: { redis?: boolean; kafka?: boolean } = {}): LiveBrokers {
  return {
    ensure: async () => undefined,
    redis: () => ({ url: redisUrl(), embedded: embedded.redis ?? true }),
    kafka: () => ({ brokers: kafkaBrokers(), embedded: embedded.kafka ?? true }),
    env: () => ({ REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(',') }),
  };
}
