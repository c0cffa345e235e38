import type { Admin, Kafka, KafkaJSAggregateError, KafkaJSProtocolError } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from '../../testing/wait.ts';
import type { EmbeddedKafka } from './index.ts';
import { connectedProducer, consumeInto, fastConsumer, nextGroupJoin, startTestCluster, testKafka } from './testing/kafkajs-client.ts';

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;

beforeAll(async () => ({ broker, kafka, admin, stop } = await startTestCluster()));
afterAll(() => stop());

/** The error types kafkajs reports for a failed createTopics. */
async function creationErrors(topics: Parameters<Admin['createTopics']>[0]['topics']): Promise<string[]> {
  try {
    await admin.createTopics({ topics });
  } catch (error) {
    return (error as KafkaJSAggregateError).errors.map((e) => (e as KafkaJSProtocolError).type);
  }
  throw new Error('createTopics succeeded');
}

describe('the admin client', () => {
  it('creates topics, reports TOPIC_ALREADY_EXISTS as kafkajs does (false), and refuses impossible ones', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'admin-made', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '60000' }] }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'admin-made', numPartitions: 2 }] })).toBe(false);
    expect(await admin.listTopics()).toContain('admin-made');
    const metadata = await admin.fetchTopicMetadata({ topics: ['admin-made'] });
    expect(metadata.topics[0]!.partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr])).toEqual([
      [0, 0, [0], [0]],
      [1, 0, [0], [0]],
    ]);

    expect(await creationErrors([{ topic: 'too-replicated', replicationFactor: 3 }])).toEqual(['INVALID_REPLICATION_FACTOR']);
    expect(await creationErrors([{ topic: 'no-partitions', numPartitions: 0 }])).toEqual(['INVALID_PARTITIONS']);
    expect(await creationErrors([{ topic: 'bad name!' }])).toEqual(['INVALID_TOPIC_EXCEPTION']);
    expect(await creationErrors([{ topic: 'bad-config', configEntries: [{ name: 'retention.whenever', value: '1' }] }])).toEqual(['INVALID_CONFIG']);
    expect(await admin.listTopics()).not.toContain('too-replicated');
  });

  it('deletes topics, which then are unknown', async () => {
    await admin.createTopics({ topics: [{ topic: 'short-lived' }] });
    await admin.deleteTopics({ topics: ['short-lived'] });
    expect(await admin.listTopics()).not.toContain('short-lived');
    const impatient = testKafka(broker.bootstrap, { config: { retry: { retries: 0 } } }).admin();
    await impatient.connect();
    await expect(impatient.deleteTopics({ topics: ['short-lived'] })).rejects.toMatchObject({ cause: { type: 'UNKNOWN_TOPIC_OR_PARTITION' } });
    await impatient.disconnect();
  });

  it('reports topic offsets: low, high, and by timestamp', async () => {
    await admin.createTopics({ topics: [{ topic: 'offsets', numPartitions: 2 }] });
    const producer = await connectedProducer(kafka);
    const base = Date.now() - 60_000;
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic: 'offsets', messages: [{ partition: 0, value: `m${i}`, timestamp: String(base + i * 1000) }] });
    }
    await producer.disconnect();
    expect(await admin.fetchTopicOffsets('offsets')).toEqual([
      { partition: 0, offset: '4', high: '4', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    // The first record at or after base+1.5 s is the third one (offset 2).
    const byTime = await admin.fetchTopicOffsetsByTimestamp('offsets', base + 1500);
    expect(byTime.find((p) => p.partition === 0)?.offset).toBe('2');
  });

  it('fetches a group\'s committed offsets: -1 without commits, the committed offset after', async () => {
    await admin.createTopics({ topics: [{ topic: 'committed', numPartitions: 2 }] });
    expect(await admin.fetchOffsets({ groupId: 'never-committed', topics: ['committed'] })).toEqual([
      { topic: 'committed', partitions: [{ partition: 0, offset: '-1', metadata: null }, { partition: 1, offset: '-1', metadata: null }] },
    ]);
    const producer = await connectedProducer(kafka);
    await producer.send({ topic: 'committed', messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `${i}` })) });
    await producer.disconnect();
    const consumer = fastConsumer(kafka, { groupId: 'committer' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'committed', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    await inbox.waitFor(10, 10_000, 'ten messages');
    await consumer.disconnect(); // commits on the way out
    const offsets = await admin.fetchOffsets({ groupId: 'committer', topics: ['committed'] });
    expect(offsets[0]!.partitions.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '5', metadata: null },
      { partition: 1, offset: '5', metadata: null },
    ]);
  });

  it('describes, lists and deletes groups', async () => {
    await admin.createTopics({ topics: [{ topic: 'described' }] });
    const producer = await connectedProducer(kafka);
    await producer.send({ topic: 'described', messages: [{ value: 'one' }] });
    await producer.disconnect();
    const consumer = fastConsumer(kafka, { groupId: 'describable' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'described', fromBeginning: true });
    const joined = nextGroupJoin(consumer);
    const inbox = await consumeInto(consumer);
    const { memberId } = await within(joined, 10_000, 'the consumer joining');
    await inbox.waitFor(1, 10_000, 'the message');

    const stable = (await admin.describeGroups(['describable'])).groups[0]!;
    expect(stable).toMatchObject({ errorCode: 0, groupId: 'describable', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(stable.members).toHaveLength(1);
    expect(stable.members[0]).toMatchObject({ memberId, clientId: 'broker-test', clientHost: '/127.0.0.1' });
    expect(stable.members[0]!.memberAssignment.length).toBeGreaterThan(0);
    expect((await admin.listGroups()).groups).toContainEqual({ groupId: 'describable', protocolType: 'consumer' });
    await expect(admin.deleteGroups(['describable'])).rejects.toMatchObject({ groups: [{ groupId: 'describable', errorCode: 68 }] });

    await consumer.disconnect();
    const empty = (await admin.describeGroups(['describable'])).groups[0]!;
    expect(empty).toMatchObject({ state: 'Empty', members: [] });
    expect((await admin.describeGroups(['no-such-group'])).groups[0]).toMatchObject({ errorCode: 0, state: 'Dead', members: [] });

    expect(await admin.deleteGroups(['describable'])).toEqual([{ groupId: 'describable', errorCode: 0 }]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('describable');
    expect(await admin.fetchOffsets({ groupId: 'describable', topics: ['described'] })).toEqual([
      { topic: 'described', partitions: [{ partition: 0, offset: '-1', metadata: null }] },
    ]);
    await expect(admin.deleteGroups(['describable'])).rejects.toMatchObject({ groups: [{ groupId: 'describable', errorCode: 69 }] });
  });
});

describe('growing and trimming topics', () => {
  it('adds partitions with createPartitions, refusing to shrink', async () => {
    await admin.createTopics({ topics: [{ topic: 'growing', numPartitions: 2 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 5 }] });
    const metadata = await admin.fetchTopicMetadata({ topics: ['growing'] });
    expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4]);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 3 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
  });

  it('deletes records before an offset with deleteTopicRecords, moving the earliest offset', async () => {
    await admin.createTopics({ topics: [{ topic: 'trimmed' }] });
    const producer = await connectedProducer(kafka);
    for (let i = 0; i < 4; i++) await producer.send({ topic: 'trimmed', messages: [{ value: `m${i}` }] });
    await producer.disconnect();
    await admin.fetchTopicMetadata({ topics: ['trimmed'] }); // kafkajs looks the leader up in metadata it already has
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '3' }] });
    expect(await admin.fetchTopicOffsets('trimmed')).toEqual([{ partition: 0, offset: '4', high: '4', low: '3' }]);
  });
});
