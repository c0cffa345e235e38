// Mistake: keys by the event type, which groups all 'paid' events together but puts one order's events on different partitions.
// Caught by: all events of order-1000 land on one partition
// Caught by: each message's key is its order id
import type { Producer } from 'kafkajs';

export interface OrderEvent {
  orderId: string;
  /** Position of the event in its order's life: 0 created, 1 paid, 2 packed, 3 shipped. */
  seq: number;
  type: 'created' | 'paid' | 'packed' | 'shipped';
}

/** Sends `events` to `topic` so that each order's events are consumed in the order they were sent. */
export async function sendOrderEvents(producer: Producer, topic: string, events: OrderEvent[]): Promise<void> {
  // The key picks the partition (murmur2 hash of the key, modulo the partition count), and a
  // partition is consumed in order: keying by order id keeps each order's events in sequence while
  // different orders still spread over all partitions.
  await producer.send({
    topic,
    messages: events.map((event) => ({ key: event.type, value: JSON.stringify(event) })),
  });
}
