import { beforeAll, describe, expect, test } from 'vitest';
import { consumeFromStart, createTopic, kafkaClient, uniqueName, type Consumed } from '#testing/kafka';
import { sendOrderEvents, type OrderEvent } from './order-events.ts';

const PARTITIONS = 4;
const STEPS = ['created', 'paid', 'packed', 'shipped'] as const;
// 7 orders on 4 partitions: with no key, kafkajs deals messages round-robin, and a count that
// shares a factor with the partition count would put each order on one partition by coincidence.
const ORDERS = Array.from({ length: 7 }, (_, i) => `order-${1000 + i}`);

let received: Consumed[];

beforeAll(async () => {
  const topic = uniqueName('orders');
  await createTopic(topic, PARTITIONS);
  const producer = kafkaClient().producer();
  await producer.connect();
  try {
    // Interleaved, as real traffic is: every order's first event, then every order's second, ...
    const events: OrderEvent[] = STEPS.flatMap((type, seq) => ORDERS.map((orderId) => ({ orderId, seq, type })));
    await sendOrderEvents(producer, topic, events);
  } finally {
    await producer.disconnect();
  }
  received = await consumeFromStart(topic, ORDERS.length * STEPS.length);
});

const eventsOf = (orderId: string): Array<Consumed & { event: OrderEvent }> =>
  received.map((m) => ({ ...m, event: JSON.parse(m.value ?? '{}') as OrderEvent })).filter((m) => m.event.orderId === orderId);

describe('sendOrderEvents', () => {
  test('every event arrives', () => {
    expect(received).toHaveLength(ORDERS.length * STEPS.length);
  });

  test.each(ORDERS)('all events of %s land on one partition', (orderId) => {
    const partitions = new Set(eventsOf(orderId).map((m) => m.partition));
    expect([...partitions], `the partitions ${orderId}'s events landed on`).toHaveLength(1);
  });

  test.each(ORDERS)('%s is consumed in the order it was sent', (orderId) => {
    expect(eventsOf(orderId).map((m) => m.event.type), `the order a consumer saw ${orderId}'s events in`).toEqual([...STEPS]);
  });

  test('different orders still use more than one partition', () => {
    const used = new Set(received.map((m) => m.partition));
    expect(used.size, `partitions used out of ${PARTITIONS}`).toBeGreaterThan(1);
  });

  test("each message's key is its order id", () => {
    for (const message of received) {
      const event = JSON.parse(message.value ?? '{}') as OrderEvent;
      expect(message.key, `the key of ${event.orderId}'s ${event.type} event`).toBe(event.orderId);
    }
  });
});
