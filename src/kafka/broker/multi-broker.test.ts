import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedKafka, type EmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import { encodeBatch } from './record-batch.ts';
import { KafkaLogs, connectedProducer, consumeInto, fastConsumer, testKafka } from './testing/kafkajs-client.ts';
import { RawClient } from './testing/raw-client.ts';

let cluster: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
const raw: RawClient[] = [];

beforeAll(async () => {
  cluster = await startEmbeddedKafka({ brokers: 3 });
  kafka = testKafka(cluster.bootstrap);
  admin = kafka.admin();
  await admin.connect();
  for (const address of cluster.brokers) raw.push(await RawClient.connect(address));
});

afterAll(async () => {
  for (const client of raw) client.close();
  await admin.disconnect();
  await cluster.stop();
});

/** Java's String.hashCode, as Kafka uses to place a group on a __consumer_offsets partition (50 of them). */
function coordinatorOf(groupId: string): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(31, hash) + groupId.charCodeAt(i)) | 0;
  return ((hash & 0x7fffffff) % 50) % 3;
}

describe('three brokers in one process', () => {
  it('lists every broker, spreads partition leaders, and delivers through kafkajs', async () => {
    expect(cluster.brokers).toHaveLength(3);
    expect(new Set(cluster.brokers).size).toBe(3);
    const described = await admin.describeCluster();
    expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...cluster.brokers].sort());
    expect(described.controller).toBe(0);

    await admin.createTopics({ topics: [{ topic: 'spread', numPartitions: 6, replicationFactor: 3 }] });
    const metadata = await admin.fetchTopicMetadata({ topics: ['spread'] });
    const partitions = metadata.topics[0]!.partitions.sort((a, b) => a.partitionId - b.partitionId);
    expect(partitions.map((p) => p.leader)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(partitions[1]!.replicas).toEqual([1, 2, 0]);

    const producer = await connectedProducer(kafka);
    await producer.send({ topic: 'spread', messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    const consumer = fastConsumer(kafka, { groupId: 'spread-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'spread', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const received = await inbox.waitFor(30, 10_000, 'thirty messages from three brokers');
    await consumer.disconnect();
    expect(received.map((m) => m.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
    expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(3);
  });

  it('answers NOT_LEADER_OR_FOLLOWER for partitions led elsewhere', async () => {
    await admin.createTopics({ topics: [{ topic: 'led', numPartitions: 3 }] });
    const notLeader = raw[2]!; // partition 0 is led by broker 0
    const produced = await notLeader.request(ApiKey.Produce, 7, (w) =>
      w.nullableString(null).int16(1).int32(1000).array(['led'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).bytes(encodeBatch([{ value: Buffer.from('x') }])))),
    );
    produced.int32();
    produced.string();
    produced.int32();
    expect(produced.int32()).toBe(0);
    expect(produced.int16()).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);

    const fetched = await notLeader.request(ApiKey.Fetch, 11, (w) =>
      w.int32(-1).int32(0).int32(1).int32(1000).int8(0).int32(0).int32(-1)
        .array(['led'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int32(-1).int64(0).int64(-1).int32(1000)))
        .int32(0).string(''),
    );
    fetched.int32();
    fetched.int16();
    fetched.int32();
    fetched.int32();
    fetched.string();
    fetched.int32();
    expect(fetched.int32()).toBe(0);
    expect(fetched.int16()).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);

    const listed = await notLeader.request(ApiKey.ListOffsets, 2, (w) => w.int32(-1).int8(0).array(['led'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(-1))));
    listed.int32();
    listed.int32();
    listed.string();
    listed.int32();
    expect(listed.int32()).toBe(0);
    expect(listed.int16()).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('places each group on the broker its id hashes to, and the others answer NOT_COORDINATOR', async () => {
    const groups = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    for (const groupId of groups) {
      for (const client of raw) {
        const answer = await client.request(ApiKey.FindCoordinator, 2, (w) => w.string(groupId).int8(0));
        answer.int32();
        expect(answer.int16()).toBe(ErrorCode.NONE);
        answer.nullableString();
        expect(answer.int32(), `coordinator of ${groupId}`).toBe(coordinatorOf(groupId));
      }
    }
    expect(new Set(groups.map(coordinatorOf)).size).toBeGreaterThan(1);

    const groupId = groups.find((g) => coordinatorOf(g) !== 0)!;
    const wrong = raw[0]!;
    const joined = await wrong.request(ApiKey.JoinGroup, 5, (w) =>
      w.string(groupId).int32(10_000).int32(10_000).string('').nullableString(null).string('consumer').array(['range'], (w, n) => w.string(n).bytes(Buffer.alloc(0))),
    );
    joined.int32();
    expect(joined.int16()).toBe(ErrorCode.NOT_COORDINATOR);
    const heartbeat = await wrong.request(ApiKey.Heartbeat, 3, (w) => w.string(groupId).int32(1).string('m').nullableString(null));
    heartbeat.int32();
    expect(heartbeat.int16()).toBe(ErrorCode.NOT_COORDINATOR);
    const offsets = await wrong.request(ApiKey.OffsetFetch, 4, (w) => w.string(groupId).nullableArray(null, () => {}));
    offsets.int32();
    expect(offsets.int32()).toBe(0);
    expect(offsets.int16()).toBe(ErrorCode.NOT_COORDINATOR);

    // kafkajs finds the coordinator itself, whichever broker it is.
    const consumer = fastConsumer(kafka, { groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: 'spread', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    await inbox.waitFor(30, 10_000, `group ${groupId} reading through broker ${coordinatorOf(groupId)}`);
    await consumer.disconnect();
    expect((await admin.describeGroups([groupId])).groups[0]!.state).toBe('Empty');
  });

  it('keeps NOT_LEADER transparent to kafkajs: a producer with stale metadata retries at the new leader', async () => {
    const logs = new KafkaLogs();
    const client = testKafka(cluster.bootstrap, { logs });
    const producer = await connectedProducer(client);
    await admin.createTopics({ topics: [{ topic: 'moving', replicaAssignment: [{ partition: 0, replicas: [1] }] }] });
    await producer.send({ topic: 'moving', messages: [{ value: 'before the move' }] });

    // Recreated with its only partition led by broker 2; the producer still believes broker 1 leads it.
    await admin.deleteTopics({ topics: ['moving'] });
    await admin.createTopics({ topics: [{ topic: 'moving', replicaAssignment: [{ partition: 0, replicas: [2] }] }] });
    const [result] = await producer.send({ topic: 'moving', messages: [{ value: 'after the move' }] });
    await producer.disconnect();
    expect(result).toMatchObject({ errorCode: 0, baseOffset: '0' });
    expect(logs.inbox.items.some((e) => /not the leader/i.test(`${e.error ?? ''} ${e.message}`))).toBe(true);

    const consumer = fastConsumer(kafka, { groupId: 'movers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'moving', fromBeginning: true });
    const inbox = await consumeInto(consumer);
    const [message] = await inbox.waitFor(1, 10_000, 'the message at the new leader');
    await consumer.disconnect();
    expect(message).toMatchObject({ offset: 0, value: 'after the move' });
  });
});
