// Mistake: publishes OrderCreated before saving the order: when the save fails, consumers act on an order that does not exist (a ghost event).
// Caught by: when the database write fails, createOrder fails and no event is ever published
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Producer } from 'kafkajs';

export interface Order {
  orderId: string;
  userId: string;
  /** In whole cents. */
  total: number;
}

export interface OrderCreated {
  eventId: string;
  type: 'OrderCreated';
  occurredAt: string;
  payload: Order;
}

/** What the service needs from a kafkajs producer. */
export type Publisher = Pick<Producer, 'send'>;

export interface OrderServiceOptions {
  /** The service's database (Redis here). */
  db: Redis;
  /** Prefix of every key the service writes. */
  namespace: string;
  producer: Publisher;
  /** The Kafka topic for order events. */
  topic: string;
}

export interface OrderService {
  /** Saves the order, and makes sure its OrderCreated event will reach Kafka. */
  createOrder(order: Order): Promise<OrderCreated>;
  /** One pass of the relay: publishes what the outbox holds, oldest first; resolves to how many events it published. */
  relayOutbox(): Promise<number>;
}

/** Where an order is stored: a hash with userId, total and status. */
export function orderKey(namespace: string, orderId: string): string {
  return `${namespace}:order:${orderId}`;
}

/** Where events wait to be published: a Redis Stream, oldest entry first. */
export function outboxKey(namespace: string): string {
  return `${namespace}:outbox`;
}

/** How many outbox entries one relay pass sends in one batch. */
const BATCH = 100;

function validate(order: Order): void {
  if (!order.orderId || !order.userId) throw new Error('An order needs an orderId and a userId.');
  if (!Number.isSafeInteger(order.total) || order.total <= 0) {
    throw new Error(`Order ${order.orderId}: total must be a positive whole number of cents, got ${JSON.stringify(order.total)}.`);
  }
}

export function createOrderService(options: OrderServiceOptions): OrderService {
  const { db, namespace, producer, topic } = options;

  return {
    async createOrder(order) {
      validate(order);
      const event: OrderCreated = { eventId: randomUUID(), type: 'OrderCreated', occurredAt: new Date().toISOString(), payload: order };
      // Publish first, so no saved order ever lacks its event.
      await producer.send({ topic, messages: [{ key: order.orderId, value: JSON.stringify(event) }] });
      await db.hset(orderKey(namespace, order.orderId), { userId: order.userId, total: String(order.total), status: 'created' });
      return event;
    },

    async relayOutbox() {
      // One relay at a time: several in parallel would need a consumer group or a lock, and would
      // have to keep each order's events in order between them.
      const entries = await db.xrange(outboxKey(namespace), '-', '+', 'COUNT', BATCH);
      if (entries.length === 0) return 0;
      const messages = entries.map(([, fields]) => ({ key: field(fields, 'key'), value: field(fields, 'event') }));
      // If this throws, the entries stay in the outbox and the next pass sends them again.
      await producer.send({ topic, messages });
      // Only now that Kafka has them. A crash right here sends them twice: at-least-once, which is
      // why every event carries an eventId that consumers deduplicate on.
      await db.xdel(outboxKey(namespace), ...entries.map(([id]) => id));
      return entries.length;
    },
  };
}

function field(flat: string[], name: string): string {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1] as string;
  throw new Error(`An outbox entry has no field "${name}".`);
}
