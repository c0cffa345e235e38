import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { BrokerUnavailableError } from './errors.ts';
import { within } from '../testing/wait.ts';
import { parseBrokers, startKafka } from './kafka.ts';

const noBrokers = { ...process.env, KAFKA_BROKERS: '' };

describe('startKafka', () => {
  test('starts the embedded broker, which kafkajs can use, and stops it', async () => {
    const kafka = await startKafka({ env: noBrokers });
    expect(kafka.embedded).toBe(true);
    expect(kafka.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers).toHaveLength(1);

    await kafka.stop();

    const again = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await expect(again.connect(), 'nothing listens once stop() resolved').rejects.toThrow();
  });

  test('uses KAFKA_BROKERS instead, and never stops that cluster', async () => {
    const own = await startKafka({ env: noBrokers });
    try {
      const kafka = await startKafka({ env: { ...process.env, KAFKA_BROKERS: own.bootstrap } });
      expect(kafka).toMatchObject({ brokers: [own.bootstrap], embedded: false });
      await kafka.stop();
      const admin = new Kafka({ brokers: own.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.disconnect();
    } finally {
      await own.stop();
    }
  });

  test('an unreachable KAFKA_BROKERS is one clear line', async () => {
    const error = await startKafka({ env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as Error).message).toMatch(/^Cannot reach KAFKA_BROKERS=127\.0\.0\.1:1 .*docker compose up -d kafka/);
  });

  test('a KAFKA_BROKERS that accepts connections and never answers fails within seconds', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await within(startKafka({ env: { ...process.env, KAFKA_BROKERS: `127.0.0.1:${port}` } }).catch((e: unknown) => e), 10_000, 'startKafka giving up');
      expect(error).toBeInstanceOf(BrokerUnavailableError);
      expect((error as Error).message).toMatch(/^Cannot reach KAFKA_BROKERS=127\.0\.0\.1:\d+ \(no answer within 3 s\)/);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      silent.close();
    }
  });

  test('KAFKA_BROKERS must be host:port pairs', () => {
    expect(parseBrokers(' a:1 , b.example:9092')).toEqual(['a:1', 'b.example:9092']);
    expect(() => parseBrokers('localhost')).toThrow(/not a list of host:port/);
  });
});
