// Mistake: saves each event from an async listener as it arrives: 'shipped' starts while 'created' is still being saved, and whichever write finishes last wins.
// Caught by: an order’s events are saved in the order they were published, even when the first save is slow
import { Redis } from 'ioredis';

export interface OrderEvent {
  orderId: string;
  /** The order's version after this event: 1 for the first event of an order, then 2, 3, ... */
  version: number;
  status: string;
}

/** Where the projection writes; a database in real life, with writes of varying speed. */
export interface OrderStore {
  save(orderId: string, status: string, version: number): Promise<void>;
}

export interface ProjectionOptions {
  store: OrderStore;
  /** A save failed; the order's later events are still applied. */
  onError: (error: unknown, event: OrderEvent) => void;
}

export interface Projection {
  /** Orders that have an event queued or being saved right now. */
  busyOrders(): number;
  close(): Promise<void>;
}

/** Keeps the store up to date with the order events published on `channel`; resolves once subscribed. */
export async function startProjection(url: string, channel: string, options: ProjectionOptions): Promise<Projection> {
  const subscriber = new Redis(url);

  subscriber.on('message', async (_channel: string, raw: string) => {
    const event = JSON.parse(raw) as OrderEvent;
    try {
      await options.store.save(event.orderId, event.status, event.version);
    } catch (error) {
      options.onError(error, event);
    }
  });
  await subscriber.subscribe(channel);

  return {
    busyOrders: () => 0,
    async close() {
      await subscriber.quit();
    },
  };
}
