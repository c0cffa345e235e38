/**
 * Runs a lab by name: starts the broker its README asks for (embedded, or the one in REDIS_URL),
 * runs it, and stops everything it started, also on Ctrl-C.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LabInfo } from '../catalog/catalog.ts';
import { WorkbookError } from '../harness/errors.ts';
import { startKafka, type KafkaServer } from '../harness/kafka.ts';
import { startRedis, type RedisServer } from '../harness/redis.ts';
import { startSns, type SnsServer } from '../harness/sns.ts';
import { labContext, type Lab } from './lab.ts';

export async function runLab(
  info: LabInfo,
  log: (line: string) => void,
  /** Where the embedded Kafka broker's own lines go (a script recording the lab's output keeps them apart). */
  brokerLog: (line: string) => void = log,
): Promise<unknown> {
  let redis: RedisServer | undefined;
  let kafka: KafkaServer | undefined;
  let sns: SnsServer | undefined;
  try {
    if (info.broker === 'redis') redis = await startRedis();
    else if (info.broker === 'kafka') kafka = await startKafka({ log: brokerLog });
    else if (info.broker === 'sns') sns = await startSns();
    const module = (await import(pathToFileURL(join(info.dir, 'lab.ts')).href)) as { default?: Lab<unknown> };
    if (!module.default) throw new WorkbookError(`labs/${info.name}/lab.ts must \`export default defineLab(...)\`.`);
    return await module.default.run(labContext({ redisUrl: redis?.url, kafkaBrokers: kafka?.brokers, snsEndpoint: sns?.endpoint }, log));
  } finally {
    await redis?.stop();
    await kafka?.stop();
    await sns?.stop();
  }
}
