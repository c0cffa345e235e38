// Mistake: the guide's createOrder: save the order, then publish to Kafka. A Kafka outage between the two fails an order that was saved, and its event is never sent.
// Caught by: with Kafka down, createOrder still succeeds, and the event reaches Kafka once the relay can publish
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
      await db.hset(orderKey(namespace, order.orderId), { userId: order.userId, total: String(order.total), status: 'created' });
      await producer.send({ topic, messages: [{ key: order.orderId, value: JSON.stringify(event) }] });
      return event;
    },

    async relayOutbox() {
      return 0;
    },
  };
}
