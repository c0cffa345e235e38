/**
 * What the live view shows, read from the real brokers of this run (issue 16, item 1), as a page
 * receives it over the events stream: a Kafka group with two members and their partitions and the
 * rebalance that the second one caused; a Redis stream with a group and its pending entries; a
 * channel with its subscriber and rate; the tails. And that with no page open the live view holds
 * no connection to Redis at all (item 5).
 */
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTopic, disconnectAfterTest, kafkaClient, uniqueName } from '#testing/kafka';
import { clientsNamed, connect, redisUrl, unique } from '#testing/redis';
import { until } from '#testing/wait';
import { startEmbeddedKafka } from '../kafka/broker/index.ts';
import { sessionBrokers } from '../learn/brokers.ts';
import { LIVE_GROUP_PREFIX } from './kafka-state.ts';
import { liveBrokersOf } from './session.ts';
import { LIVE_CONNECTION_NAME } from './redis-state.ts';
import { openEvents, serveLive, type EventsClient, type LiveUnderTest } from './live-test-kit.ts';
import { runBrokers } from './run-brokers.ts';
import type { KafkaView, LiveEvent, LiveSnapshot, RedisView } from './protocol.ts';

let server: LiveUnderTest;
const sent: LiveSnapshot[] = [];

beforeAll(async () => {
  server = await serveLive(runBrokers(), [], { sent: (snapshot) => sent.push(snapshot) });
});
afterAll(async () => {
  await server?.close();
});

async function page(tail?: string): Promise<EventsClient> {
  const client = await openEvents(server.port, server.token, tail);
  return client;
}

function kafkaOf(event: LiveEvent): KafkaView | undefined {
  return event.type === 'snapshot' && event.data.kafka.state === 'ready' ? event.data.kafka : undefined;
}
function redisOf(event: LiveEvent): RedisView | undefined {
  return event.type === 'snapshot' && event.data.redis.state === 'ready' ? event.data.redis : undefined;
}

describe('Kafka, through the admin API', () => {
  test('a topic with its partitions and offsets; a group with two members and their partitions; the rebalance the second caused', async () => {
    const topic = uniqueName('live-orders');
    const group = uniqueName('live-group');
    await createTopic(topic, 2);
    const producer = disconnectAfterTest(kafkaClient().producer());
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2, 3].map((i) => ({ value: `order ${i}`, partition: i % 2 })) });

    const client = await page();
    try {
      const topicShown = await client.events.waitUntil((e) => kafkaOf(e)?.topics.some((t) => t.name === topic) ?? false, 10_000, `topic ${topic} in a snapshot`);
      const shown = kafkaOf(topicShown.findLast((e) => kafkaOf(e)?.topics.some((t) => t.name === topic)) as LiveEvent)?.topics.find((t) => t.name === topic);
      expect(shown?.partitions.map((p) => [p.partition, p.logStartOffset, p.highWatermark, p.lastStableOffset])).toEqual([
        [0, '0', '2', '2'],
        [1, '0', '2', '2'],
      ]);

      const member = async (): Promise<Consumer> => {
        const consumer = disconnectAfterTest(kafkaClient().consumer({ groupId: group, heartbeatInterval: 100, sessionTimeout: 6_000, maxWaitTimeInMs: 100 }));
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async () => {} });
        return consumer;
      };
      const groupView = (e: LiveEvent) => kafkaOf(e)?.groups.find((g) => g.id === group);

      await member();
      await client.events.waitUntil((e) => {
        const g = groupView(e);
        return g?.state === 'Stable' && g.members.length === 1 && g.members[0]?.assignment[0]?.partitions.length === 2;
      }, 15_000, 'the first member owning both partitions');

      await member();
      const after = await client.events.waitUntil((e) => {
        const g = groupView(e);
        return g?.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.assignment[0]?.partitions.length === 1);
      }, 15_000, 'two members owning one partition each');
      const last = after.findLast((e) => groupView(e)?.members.length === 2) as LiveEvent;
      const view = kafkaOf(last);
      const stable = groupView(last);
      expect(stable?.protocolType).toBe('consumer');
      expect(stable?.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions.map((p) => `${a.topic}/${p}`))).sort()).toEqual([`${topic}/0`, `${topic}/1`]);

      const rebalances = view?.timeline.filter((t) => t.kind === 'rebalance' && t.group === group) ?? [];
      const second = rebalances.at(-1);
      if (second?.kind !== 'rebalance') throw new Error(`no rebalance of ${group} in the timeline: ${JSON.stringify(view?.timeline.slice(-5))}`);
      const newcomer = stable?.members.find((m) => !rebalances.slice(0, -1).some((r) => r.kind === 'rebalance' && r.joined.includes(m.memberId)));
      expect(second.joined).toEqual([newcomer?.memberId]);
      expect(second.left).toEqual([]);
      expect(second.moved).toHaveLength(1);
      expect(second.moved[0]?.to).toBe(newcomer?.memberId);
      expect(second.moved[0]?.from).not.toBeNull();

      // Committed offsets and lag arrive once the members commit what they read (all of it).
      await client.events.waitUntil((e) => {
        const offsets = groupView(e)?.offsets ?? [];
        return offsets.length === 2 && offsets.every((o) => o.committed === '2' && o.lag === 0);
      }, 15_000, 'committed offsets 2 and lag 0 on both partitions');
    } finally {
      client.close();
    }
  });

  test('messages per second from the high watermarks’ growth', async () => {
    const topic = uniqueName('live-rate');
    await createTopic(topic, 1);
    const producer = disconnectAfterTest(kafkaClient().producer());
    await producer.connect();
    const client = await page();
    try {
      await client.events.waitUntil((e) => kafkaOf(e)?.topics.some((t) => t.name === topic) ?? false, 10_000, `topic ${topic} in a snapshot`);
      await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: String(i) })) });
      await client.events.waitUntil((e) => (kafkaOf(e)?.topics.find((t) => t.name === topic)?.messagesPerSecond ?? 0) > 0, 10_000, 'a rate above 0');
    } finally {
      client.close();
    }
  });
});

describe('Redis', () => {
  test('a stream with its group, its consumers and their pending entries', async () => {
    const redis = connect();
    const key = unique('live-stream');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await redis.xadd(key, '*', 'n', String(i))) as string);
    await redis.xgroup('CREATE', key, 'workers', '0');
    await redis.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', '2', 'STREAMS', key, '>');

    const client = await page();
    try {
      const events = await client.events.waitUntil((e) => redisOf(e)?.streams.some((s) => s.key === key) ?? false, 10_000, `stream ${key} in a snapshot`);
      const stream = redisOf(events.findLast((e) => redisOf(e)?.streams.some((s) => s.key === key)) as LiveEvent)?.streams.find((s) => s.key === key);
      expect(stream).toMatchObject({ key, length: 3, firstId: ids[0], lastId: ids[2] });
      const group = stream?.groups[0];
      expect(group).toMatchObject({ name: 'workers', lastDeliveredId: ids[1], pending: 2 });
      expect(group?.lag).toBe(1);
      expect(group?.consumers).toEqual([{ name: 'alice', pending: 2, idleMs: expect.any(Number) }]);
      expect(group?.pendingEntries.map((p) => [p.id, p.consumer, p.deliveries])).toEqual([
        [ids[0], 'alice', 1],
        [ids[1], 'alice', 1],
      ]);
    } finally {
      client.close();
    }
  });

  test('a channel with its subscriber count and message rate, and its tail', async () => {
    const channel = unique('live-channel');
    const subscriber = connect();
    await subscriber.subscribe(channel);
    const publisher = connect();
    const client = await page(`redis-channel:${channel}`);
    try {
      await client.events.waitUntil((e) => redisOf(e)?.channels.some((c) => c.name === channel && c.subscribers === 1) ?? false, 10_000, `channel ${channel} with 1 subscriber`);
      for (let i = 0; i < 5; i++) await publisher.publish(channel, `hello ${i}`);
      await publisher.publish(unique('other-channel'), 'not tailed');
      await client.events.waitUntil((e) => (redisOf(e)?.channels.find((c) => c.name === channel)?.messagesPerSecond ?? 0) > 0, 5_000, 'a message rate above 0');
      const tails = (await client.events.waitFor(1, 0, 'events')).filter((e) => e.type === 'tail');
      expect(tails.map((e) => (e.type === 'tail' && e.data.source === 'redis-channel' ? `${e.data.channel} ${e.data.message}` : ''))).toEqual(
        [0, 1, 2, 3, 4].map((i) => `${channel} hello ${i}`),
      );
    } finally {
      client.close();
    }
  });

  test('the tail of a stream shows each entry added', async () => {
    const redis = connect();
    const key = unique('live-tail');
    await redis.xadd(key, '*', 'before', 'opening');
    const client = await page(`redis-stream:${key}`);
    try {
      // The tail starts from the newest entry once the page is open: wait for the first snapshot, then add.
      await client.events.waitUntil((e) => redisOf(e) !== undefined, 10_000, 'a first snapshot');
      await until(async () => (await clientsNamed(redis, `${LIVE_CONNECTION_NAME}-tail`)).length > 0, 'the tail connection', 5_000);
      const id = await redis.xadd(key, '*', 'order', '42');
      const events = await client.events.waitUntil((e) => e.type === 'tail', 5_000, 'the tail of the XADD');
      const tail = events.find((e) => e.type === 'tail');
      expect(tail?.data).toMatchObject({ source: 'redis-stream', key, id, fields: { order: '42' } });
    } finally {
      client.close();
    }
  });
});

describe('cheap when idle', () => {
  test('with no page open the live view holds no Redis connection and sends nothing; a page opens them, its closing closes them', async () => {
    const redis = connect();
    const liveConnections = async (): Promise<number> => {
      const list = (await redis.client('LIST')) as string;
      return list.split('\n').filter((line) => new RegExp(` name=${LIVE_CONNECTION_NAME}`).test(line)).length;
    };
    // Other tests of this file may still be closing their pages.
    await until(() => server.live.hub.connected === 0, 'every page of the other tests closed', 5_000);
    await until(async () => (await liveConnections()) === 0, 'no live-view connection', 5_000);
    const sentBefore = sent.length;

    const client = await page();
    await client.events.waitFor(1, 10_000, 'a first snapshot');
    expect(await liveConnections()).toBeGreaterThan(0);
    client.close();

    await until(async () => (await liveConnections()) === 0, 'the live-view connections closed after the page went', 5_000);
    const sentAfterClose = sent.length;
    expect(sentAfterClose).toBeGreaterThan(sentBefore);
    // The snapshot loop has ended (no timer left to send another), and nothing more went out.
    await until(() => !server.live.hub.polling, 'the snapshot loop ended', 5_000);
    expect(sent.length).toBe(sentAfterClose);
    expect(await liveConnections()).toBe(0);
  });
});

describe('the embedded broker’s extras', () => {
  test('with no page open the live view holds no connection to Kafka; a page opens them, its closing closes them', async () => {
    const kafka = await startEmbeddedKafka({ log: () => {} });
    const own = await serveLive({
      ensure: async () => undefined,
      redis: () => ({ url: redisUrl(), embedded: true }),
      kafka: () => ({ brokers: kafka.brokers, embedded: true, inspector: kafka.inspector }),
      env: () => ({}),
    });
    try {
      expect(kafka.inspector.connections()).toBe(0);
      const client = await openEvents(own.port, own.token);
      await client.events.waitUntil((e) => kafkaOf(e) !== undefined, 10_000, 'a snapshot with Kafka');
      expect(kafka.inspector.connections()).toBeGreaterThan(0);
      client.close();
      await until(() => !own.live.hub.polling, 'the snapshot loop ended', 5_000);
      await until(() => kafka.inspector.connections() === 0, 'every live-view connection to Kafka closed', 5_000);
    } finally {
      await own.close();
      await kafka.stop();
    }
  });

  test('generations, and a timeline of transactions opened, committed and aborted', async () => {
    const kafka = await startEmbeddedKafka({ log: () => {} });
    const own = await serveLive({
      ensure: async () => undefined,
      redis: () => ({ url: redisUrl(), embedded: true }),
      kafka: () => ({ brokers: kafka.brokers, embedded: true, inspector: kafka.inspector }),
      env: () => ({}),
    });
    const client = await openEvents(own.port, own.token);
    try {
      const topic = uniqueName('live-txn');
      const group = uniqueName('live-gen');
      const local = kafkaClient({ brokers: kafka.brokers });
      const admin = disconnectAfterTest(local.admin());
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await client.events.waitUntil((e) => kafkaOf(e)?.topics.some((t) => t.name === topic) ?? false, 10_000, `topic ${topic} in a snapshot`);

      const producer = disconnectAfterTest(local.producer({ transactionalId: uniqueName('txn'), idempotent: true, maxInFlightRequests: 1 }));
      await producer.connect();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'kept' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'dropped' }] });
      await aborted.abort();

      const kinds = (e: LiveEvent): string[] => (kafkaOf(e)?.timeline ?? []).flatMap((t) => (t.kind === 'transaction' ? [t.state] : []));
      const events = await client.events.waitUntil((e) => kinds(e).length === 4, 10_000, 'two transactions in the timeline');
      const view = kafkaOf(events.findLast((e) => kinds(e).length === 4) as LiveEvent);
      const transactions = view?.timeline.filter((t) => t.kind === 'transaction') ?? [];
      expect(transactions.map((t) => (t.kind === 'transaction' ? `${t.state} ${t.partitions.map((p) => `${p.topic}/${p.partition}`).join()}` : ''))).toEqual(
        ['open', 'committed', 'open', 'aborted'].map((state) => `${state} ${topic}/0`),
      );
      // Two records and two markers: the high watermark is 4, and the last stable offset has passed the abort.
      const partition = view?.topics.find((t) => t.name === topic)?.partitions[0];
      expect([partition?.highWatermark, partition?.lastStableOffset]).toEqual(['4', '4']);

      const consumer = disconnectAfterTest(local.consumer({ groupId: group, maxWaitTimeInMs: 100 }));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => {} });
      const withGroup = await client.events.waitUntil((e) => kafkaOf(e)?.groups.some((g) => g.id === group && g.state === 'Stable') ?? false, 10_000, `group ${group} stable`);
      const shown = kafkaOf(withGroup.findLast((e) => kafkaOf(e)?.groups.some((g) => g.id === group && g.state === 'Stable')) as LiveEvent)?.groups.find((g) => g.id === group);
      expect(shown?.generation).toBe(kafka.inspector.generation(group));
      expect(shown?.generation).toBeGreaterThan(0);
    } finally {
      client.close();
      await own.close();
      await kafka.stop();
    }
  });
});

describe('the session’s brokers', () => {
  test('opening the live page starts Redis and Kafka when the session has not started them yet', async () => {
    const session = sessionBrokers();
    const own = await serveLive(liveBrokersOf(session));
    const client = await openEvents(own.port, own.token);
    try {
      const [first] = await client.events.waitFor(1, 10_000, 'a first snapshot');
      expect(first?.type === 'snapshot' && [first.data.redis.state, first.data.kafka.state]).toEqual(['starting', 'starting']);
      const events = await client.events.waitUntil((e) => redisOf(e) !== undefined && kafkaOf(e) !== undefined, 30_000, 'both brokers ready in a snapshot');
      const ready = events.find((e) => redisOf(e) !== undefined && kafkaOf(e) !== undefined) as LiveEvent;
      expect(redisOf(ready)?.url).toBe(session.endpoint('redis')?.address);
      expect(kafkaOf(ready)?.bootstrap).toBe(session.endpoint('kafka')?.address);
    } finally {
      client.close();
      await own.close();
      await session.stop();
    }
  });

  test('the tail of a Kafka topic shows each record produced, and its own consumer group stays hidden', async () => {
    const topic = uniqueName('live-topic-tail');
    await createTopic(topic, 1);
    const client = await page(`kafka-topic:${topic}`);
    try {
      const producer = disconnectAfterTest(kafkaClient().producer());
      await producer.connect();
      // The tail's consumer joins from the newest offset on: produce until a record reaches the page.
      let sent = 0;
      await until(async () => {
        await producer.send({ topic, messages: [{ key: 'k', value: `v${sent++}` }] });
        return client.events.items.some((e) => e.type === 'tail');
      }, 'a produced record in the tail', 15_000);
      const tail = client.events.items.find((e) => e.type === 'tail');
      expect(tail?.data).toMatchObject({ source: 'kafka-topic', record: { topic, partition: 0, key: 'k', value: expect.stringMatching(/^v\d+$/) } });
      const snapshot = client.events.items.findLast((e) => kafkaOf(e) !== undefined) as LiveEvent;
      expect(kafkaOf(snapshot)?.groups.filter((g) => g.id.startsWith(LIVE_GROUP_PREFIX))).toEqual([]);
    } finally {
      client.close();
    }
  });
});
