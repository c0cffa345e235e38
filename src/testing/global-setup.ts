/**
 * Vitest global setup: one Redis server and one Kafka cluster for the whole run (embedded unless
 * REDIS_URL / KAFKA_BROKERS are set), and for the projects that run every SNS test, one SNS/SQS/S3
 * emulator; all handed to test files through `inject()`.
 */
import type { TestProject } from 'vitest/node';
import { startKafka } from '../harness/kafka.ts';
import { startRedis } from '../harness/redis.ts';
import type { SnsServer } from '../harness/sns.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    kafkaBrokers: string[];
    /**
     * True when every broker of the run is the workbook's own: a lab then prints what its sample
     * output (recorded on those) shows; a real cluster has its own shape (one broker, not three).
     */
    embeddedBrokers?: boolean;
  }
}

/**
 * Projects that run all the SNS exercises and labs. The learner's loop (project `exercises`) starts
 * the emulator only when an SNS exercise comes up (src/learn/brokers.ts); single test files
 * without a shared one start their own (src/testing/sns.ts).
 */
const SNS_PROJECTS = new Set(['solutions', 'starters', 'mistakes', 'labs']);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.WORKBOOK_LOOP === '1') return loopSetup(project);
  const [redis, kafka, sns] = await Promise.all([
    startRedis(),
    startKafka(),
    // Allowed to fail (no python3, offline): then only the SNS tests fail, each saying what to do.
    // Imported only here: loading the AWS SDK through Vitest's module runner takes seconds.
    SNS_PROJECTS.has(project.name)
      ? import('../harness/sns.ts').then(({ startSns }) => startSns()).catch((): SnsServer | undefined => undefined)
      : undefined,
  ]);
  project.provide('redisUrl', redis.url);
  project.provide('kafkaBrokers', kafka.brokers);
  if (sns) project.provide('snsEndpoint', sns.endpoint);
  project.provide('embeddedBrokers', redis.embedded && kafka.embedded && (sns?.embedded ?? true));
  return async () => {
    await Promise.all([redis.stop(), kafka.stop(), sns?.stop()]);
  };
}

/**
 * Under the learner's loop the loop owns the brokers (it starts each one when an exercise needs it
 * and says so when one cannot be had) and hands their addresses down: use those, start nothing.
 */
function loopSetup(project: TestProject): () => Promise<void> {
  const env = process.env;
  if (env.REDIS_URL) project.provide('redisUrl', env.REDIS_URL);
  if (env.KAFKA_BROKERS) project.provide('kafkaBrokers', env.KAFKA_BROKERS.split(','));
  if (env.AWS_ENDPOINT_URL) project.provide('snsEndpoint', env.AWS_ENDPOINT_URL);
  return async () => {};
}
