/**
 * Starts the brokers the exercises need, once per learner session, and hands them to the tests
 * through the same environment variables a learner would set for their own servers (REDIS_URL).
 * The session prints the address so the learner can poke at the very server the tests use.
 */
import { startRedis } from '../harness/redis.ts';

export interface SessionBrokers {
  /** Lines worth showing the learner, e.g. how to open redis-cli on the server. */
  description: string[];
  stop(): Promise<void>;
}

export async function startSessionBrokers(): Promise<SessionBrokers> {
  const redis = await startRedis();
  process.env.REDIS_URL = redis.url;
  const port = new URL(redis.url).port;
  const description = redis.embedded
    ? [`Redis: ${redis.url} (embedded, stopped when you quit) — look inside with \`redis-cli -p ${port}\``]
    : [`Redis: ${redis.url} (from REDIS_URL)`];
  return { description, stop: () => redis.stop() };
}
