/**
 * Vitest global setup: one Redis server and one Kafka cluster for the whole run (embedded unless
 * REDIS_URL / KAFKA_BROKERS are set), handed to test files through `inject()`.
 */
import type { TestProject } from 'vitest/node';
import { startKafka } from '../harness/kafka.ts';
import { startRedis } from '../harness/redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    kafkaBrokers: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [redis, kafka] = await Promise.all([startRedis(), startKafka()]);
  project.provide('redisUrl', redis.url);
  project.provide('kafkaBrokers', kafka.brokers);
  return async () => {
    await Promise.all([redis.stop(), kafka.stop()]);
  };
}
