// Mistake: sends without a key, so kafkajs spreads one order's events over every partition and consumers can see shipped before paid.
// Caught by: all events of order-1000 land on one partition
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
    messages: events.map((event) => ({ value: JSON.stringify(event) })),
  });
}
