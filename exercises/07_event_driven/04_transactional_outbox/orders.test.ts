import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { acknowledgementLost, monitorConnection, unreachableKafkaProducer, unreachableRedis } from '#testing/events';
import { consumeFromStart, createTopic, disconnectAfterTest, kafkaClient, uniqueName, type Consumed } from '#testing/kafka';
import { connect } from '#testing/redis';
import { tempNamespace } from '#testing/streams';
import { createOrderService, orderKey, type Order, type OrderCreated, type OrderService, type Publisher } from './orders.ts';

interface World {
  db: Redis;
  namespace: string;
  topic: string;
  /** A connected producer for this run's Kafka. */
  kafka: Publisher;
  /** The order service with the given database and producer (by default the working ones). */
  service(parts?: { db?: Redis; producer?: Publisher }): OrderService;
}

async function world(): Promise<World> {
  const namespace = tempNamespace('orders');
  const topic = uniqueName('order-events');
  await createTopic(topic);
  const producer = disconnectAfterTest(kafkaClient().producer());
  await producer.connect();
  const db = connect();
  return {
    db,
    namespace,
    topic,
    kafka: producer,
    service: (parts = {}) => createOrderService({ db: parts.db ?? db, producer: parts.producer ?? producer, namespace, topic }),
  };
}

const order = (orderId: string, total = 4_000): Order => ({ orderId, userId: 'ann', total });

/**
 * The records before a marker written now, when the test expects `expectedBefore` of them. If more
 * are there, the marker is not among the first expectedBefore + 1, and those records are returned:
 * more than expected, for the assertion to show.
 */
async function topicUpToMarker(w: World, expectedBefore: number): Promise<Consumed[]> {
  await w.kafka.send({ topic: w.topic, messages: [{ key: 'marker', value: 'marker' }] });
  const records = await consumeFromStart(w.topic, expectedBefore + 1);
  const marker = records.findIndex((r) => r.key === 'marker');
  return marker === -1 ? records : records.slice(0, marker);
}

const events = (records: Consumed[]): OrderCreated[] => records.map((r) => JSON.parse(r.value ?? 'null') as OrderCreated);

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

describe('an order service with a transactional outbox', () => {
  test('createOrder saves the order, and one relay pass publishes OrderCreated to Kafka, keyed by the order id', async () => {
    const w = await world();
    const service = w.service();

    const event = await service.createOrder(order('o-1'));
    const published = await service.relayOutbox();

    expect(await w.db.hgetall(orderKey(w.namespace, 'o-1')), 'the order is saved').toEqual({ userId: 'ann', total: '4000', status: 'created' });
    expect(published, 'relayOutbox() resolves to how many events it published').toBe(1);
    const [record] = await consumeFromStart(w.topic, 1);
    expect(record?.key, 'keyed by order id, so all events of an order stay in one partition, in order').toBe('o-1');
    expect(JSON.parse(record?.value ?? 'null'), 'the record holds the event createOrder returned').toEqual(event);
  });

  test('with Kafka down, createOrder still succeeds, and the event reaches Kafka once the relay can publish', async () => {
    const w = await world();
    const kafkaDown = w.service({ producer: await unreachableKafkaProducer() });

    const failure = await rejection(kafkaDown.createOrder(order('o-2')));
    expect(failure, 'the order was saved, so its event must not depend on Kafka being up at that moment').toBeUndefined();
    const published = await w.service().relayOutbox();

    expect(published).toBe(1);
    const [event] = events(await consumeFromStart(w.topic, 1));
    expect(event?.payload.orderId).toBe('o-2');
  });

  test('when the database write fails, createOrder fails and no event is ever published', async () => {
    const w = await world();
    const dbDown = w.service({ db: unreachableRedis() });

    const failure = await rejection(dbDown.createOrder(order('o-3')));
    await w.service().relayOutbox();

    expect(failure, 'createOrder must fail when the order could not be saved').toBeDefined();
    expect(events(await topicUpToMarker(w, 0)), 'an OrderCreated for an order that does not exist is a ghost event').toEqual([]);
  });

  test('the order and its outbox entry are written in one transaction', async () => {
    const w = await world();
    const monitor = await monitorConnection(w.db);

    await w.service().createOrder(order('o-4'));

    const names = (await monitor.commands()).map(([name]) => name);
    const inOneScript = names.length === 1 && ['eval', 'evalsha', 'fcall'].includes(names[0] ?? '');
    const inOneTransaction = names[0] === 'multi' && names.at(-1) === 'exec' && names.length >= 4;
    expect(
      inOneScript || inOneTransaction,
      `createOrder sent: ${names.join(', ')}. A crash between two separate writes leaves an order without its event: send them between MULTI and EXEC (or in one script)`,
    ).toBe(true);
  });

  test('a relay pass that cannot reach Kafka leaves the entries in the outbox, and the next pass publishes them, oldest first', async () => {
    const w = await world();
    const service = w.service();
    await service.createOrder(order('o-5'));
    await service.createOrder(order('o-6'));

    const failure = await rejection(w.service({ producer: await unreachableKafkaProducer() }).relayOutbox());
    const published = await service.relayOutbox();

    expect(failure, 'a pass that could not publish must say so (reject), not report success').toBeDefined();
    expect(published, 'entries the next pass found in the outbox: a relay removes entries only after Kafka acknowledged them').toBe(2);
    expect(events(await consumeFromStart(w.topic, 2)).map((e) => e.payload.orderId)).toEqual(['o-5', 'o-6']);
  });

  test('when Kafka stored a batch but its acknowledgement was lost, the next pass sends it again, with the same eventId', async () => {
    const w = await world();
    const service = w.service();
    const created = await service.createOrder(order('o-7'));

    const failure = await rejection(w.service({ producer: acknowledgementLost(w.kafka) }).relayOutbox());
    const published = await service.relayOutbox();

    expect(failure, 'the relay cannot know that Kafka stored the batch: it must treat the pass as failed').toBeDefined();
    expect(published, 'so the entry is sent again: at-least-once').toBe(1);
    const copies = events(await consumeFromStart(w.topic, 2));
    expect(copies.map((e) => e.eventId), 'both copies carry the eventId createOrder returned').toEqual([created.eventId, created.eventId]);
    // What a consumer does with that: deduplicate by eventId (the previous exercise).
    const redis = connect();
    let applied = 0;
    for (const copy of copies) {
      if ((await redis.set(`${w.namespace}:seen:${copy.eventId}`, '1', 'NX')) === 'OK') applied += 1;
    }
    expect(applied, 'a consumer that deduplicates by eventId applies it once').toBe(1);
  });

  test('after a pass that published everything, the next pass publishes nothing', async () => {
    const w = await world();
    const service = w.service();
    await service.createOrder(order('o-8'));

    const counts = [await service.relayOutbox(), await service.relayOutbox()];

    expect(counts, 'published entries are removed from the outbox').toEqual([1, 0]);
    expect(events(await topicUpToMarker(w, 1)).map((e) => e.payload.orderId), 'one copy in Kafka').toEqual(['o-8']);
  });

  test('an order created while the relay is sending is published by the next pass', async () => {
    const w = await world();
    const service = w.service();
    await service.createOrder(order('o-10'));
    // A producer that lets an order arrive while the relay's batch is on its way to Kafka, as a
    // busy service does: the relay must remove only the entries it sent.
    const busy: Publisher = {
      send: async (record) => {
        await service.createOrder(order('o-11'));
        return w.kafka.send(record);
      },
    };

    const first = await w.service({ producer: busy }).relayOutbox();
    const second = await service.relayOutbox();

    expect(first, 'the first pass published the order that was in the outbox when it started').toBe(1);
    expect(second, 'the order created during the first pass is still in the outbox: a relay must delete only the entries it sent, never the whole outbox').toBe(1);
    expect(events(await consumeFromStart(w.topic, 2)).map((e) => e.payload.orderId)).toEqual(['o-10', 'o-11']);
  });

  test('an order without a positive total is refused in one line, and nothing is written', async () => {
    const w = await world();
    const service = w.service();

    const failure = await rejection(service.createOrder(order('o-9', -5)));

    expect(failure ?? '(no error: it resolved)', 'a one-line error naming the problem').toMatch(/total/);
    expect(await w.db.exists(orderKey(w.namespace, 'o-9'))).toBe(0);
    expect(await service.relayOutbox(), 'no event for an order that was refused').toBe(0);
  });
});
