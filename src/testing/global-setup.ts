/**
 * Vitest global setup: one Redis server for the whole run (embedded unless REDIS_URL is set),
 * handed to test files through `inject('redisUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { startRedis } from '../harness/redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
