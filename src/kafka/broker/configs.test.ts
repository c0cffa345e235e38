import { ConfigResourceTypes, type Admin, type DescribeConfigResponse, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { connectedProducer, startTestCluster, testKafka } from './testing/kafkajs-client.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;

beforeAll(async () => ({ broker, kafka, admin, stop } = await startTestCluster()));
afterAll(() => stop());

type Entry = DescribeConfigResponse['resources'][number]['configEntries'][number];

async function topicConfigs(topic: string): Promise<Map<string, Entry>> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
  return new Map(resources[0]!.configEntries.map((e) => [e.configName, e]));
}

/** IncrementalAlterConfigs v0 (kafkajs has no call for it): one topic, [name, operation, value] changes. */
async function incrementalAlter(topic: string, changes: Array<[string, number, string | null]>): Promise<{ errorCode: number; message: string | null }> {
  const raw = await RawClient.connect(broker.bootstrap);
  const body = await raw.request(ApiKey.IncrementalAlterConfigs, 0, (w) =>
    w.array([topic], (w, t) => w.int8(2).string(t).array(changes, (w, [name, op, value]) => w.string(name).int8(op).nullableString(value))).bool(false),
  );
  raw.close();
  body.int32();
  body.int32();
  return { errorCode: body.int16(), message: body.nullableString() };
}

describe('topic and broker configs', () => {
  it('describes every topic config with the defaults, sources and synonyms Kafka 3.9 reports', async () => {
    await admin.createTopics({ topics: [{ topic: 'described', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const configs = await topicConfigs('described');
    expect(configs.size).toBe(36);
    expect(configs.get('retention.ms')).toMatchObject({ configValue: '60000', configSource: 1, isDefault: false, readOnly: false, isSensitive: false });
    expect(configs.get('cleanup.policy')).toMatchObject({
      configValue: 'delete',
      configSource: 5,
      isDefault: true,
      configSynonyms: [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }],
    });
    expect(configs.get('segment.bytes')?.configValue).toBe('1073741824');
    expect(configs.get('segment.ms')?.configValue).toBe('604800000');
    expect(configs.get('max.message.bytes')?.configValue).toBe('1048588');
    expect(configs.get('min.insync.replicas')?.configValue).toBe('1');
  });

  it('alters a live topic: a smaller max.message.bytes refuses the next large record at once', async () => {
    await admin.createTopics({ topics: [{ topic: 'shrinking' }] });
    const producer = await connectedProducer(testKafka(broker.bootstrap, { config: { retry: { retries: 0 } } }));
    await producer.send({ topic: 'shrinking', messages: [{ value: 'x'.repeat(2000) }] });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'shrinking', configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
    await expect(producer.send({ topic: 'shrinking', messages: [{ value: 'x'.repeat(2000) }] })).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await producer.disconnect();
    expect((await topicConfigs('shrinking')).get('max.message.bytes')).toMatchObject({ configValue: '1000', configSource: 1 });
  });

  it('AlterConfigs replaces every override, IncrementalAlterConfigs edits them one by one', async () => {
    await admin.createTopics({ topics: [{ topic: 'edited', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    expect(await incrementalAlter('edited', [['cleanup.policy', 0, 'compact'], ['retention.bytes', 0, '5000']])).toEqual({ errorCode: 0, message: null });
    let configs = await topicConfigs('edited');
    expect(['retention.ms', 'cleanup.policy', 'retention.bytes'].map((n) => configs.get(n)?.configValue)).toEqual(['60000', 'compact', '5000']);
    expect(await incrementalAlter('edited', [['cleanup.policy', 2, 'delete'], ['retention.bytes', 1, null]])).toEqual({ errorCode: 0, message: null });
    configs = await topicConfigs('edited');
    expect(['cleanup.policy', 'retention.bytes'].map((n) => [configs.get(n)?.configValue, configs.get(n)?.configSource])).toEqual([
      ['compact,delete', 1],
      ['-1', 5],
    ]);
    expect(await incrementalAlter('edited', [['retention.ms', 2, '1']])).toEqual({
      errorCode: ErrorCode.INVALID_CONFIG,
      message: 'Config value append is not allowed for config key: retention.ms',
    });

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'edited', configEntries: [{ name: 'segment.ms', value: '1000' }] }] });
    configs = await topicConfigs('edited');
    expect([...configs.values()].filter((e) => e.configSource === 1).map((e) => `${e.configName}=${e.configValue}`)).toEqual(['segment.ms=1000']);
  });

  it('refuses unknown topics, unknown names and invalid values with the errors Kafka gives', async () => {
    await admin.createTopics({ topics: [{ topic: 'strict' }] });
    const impatient = testKafka(broker.bootstrap, { config: { retry: { retries: 0 } } }).admin();
    await impatient.connect();
    const alter = (name: string, value: string) =>
      impatient.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'strict', configEntries: [{ name, value }] }] });
    await expect(alter('retention.ms', 'soon')).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter('retention.whenever', '1')).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter('cleanup.policy', 'shred')).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(impatient.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'no-such-topic' }] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    await impatient.disconnect();
    expect([...(await topicConfigs('strict')).values()].every((e) => e.configSource === 5)).toBe(true);
  });

  it('describes the broker, and a dynamic log.retention.ms reaches topics without their own', async () => {
    await admin.createTopics({ topics: [{ topic: 'inherits' }, { topic: 'keeps-own', configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0' }] });
    const brokerConfigs = new Map(resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(brokerConfigs.get('node.id')).toMatchObject({ configValue: '0', readOnly: true, configSource: 4 });
    expect(brokerConfigs.get('log.retention.hours')).toMatchObject({ configValue: '168', readOnly: true, configSource: 5 });
    expect(brokerConfigs.get('log.cleanup.policy')).toMatchObject({ configValue: 'delete', readOnly: false });

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configEntries: [{ name: 'log.retention.ms', value: '3600000' }] }] });
    try {
      expect((await topicConfigs('inherits')).get('retention.ms')).toMatchObject({ configValue: '3600000', configSource: 2 });
      expect((await topicConfigs('keeps-own')).get('retention.ms')).toMatchObject({ configValue: '60000', configSource: 1 });
    } finally {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configEntries: [] }] });
    }
    expect((await topicConfigs('inherits')).get('retention.ms')).toMatchObject({ configValue: '604800000', configSource: 5 });

    const impatient = testKafka(broker.bootstrap, { config: { retry: { retries: 0 } } }).admin();
    await impatient.connect();
    await expect(
      impatient.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configEntries: [{ name: 'num.partitions', value: '3' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    await impatient.disconnect();
  });
});
