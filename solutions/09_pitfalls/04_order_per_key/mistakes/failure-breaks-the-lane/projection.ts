// Mistake: lets a failed save reject the order's lane, so every later event of that order is chained onto a rejection and never saved.
// Caught by: a save that fails is reported, and the order’s next event is still saved
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
  /** The last piece of work queued per order: the next event of that order starts after it. */
  const tails = new Map<string, Promise<void>>();
  /** The newest version saved per order. */
  const saved = new Map<string, number>();

  const apply = async (event: OrderEvent): Promise<void> => {
    // Publishers are not ordered among themselves, and retries repeat: skip what is not newer.
    if (event.version <= (saved.get(event.orderId) ?? 0)) return;
    await options.store.save(event.orderId, event.status, event.version);
    saved.set(event.orderId, event.version);
  };

  subscriber.on('message', (_channel: string, raw: string) => {
    const event = JSON.parse(raw) as OrderEvent;
    // One lane per order: its events run one after another, different orders run side by side.
    const tail = (tails.get(event.orderId) ?? Promise.resolve()).then(() => apply(event));
    tails.set(event.orderId, tail);
    tail.then(
      () => {
        if (tails.get(event.orderId) === tail) tails.delete(event.orderId);
      },
      (error: unknown) => options.onError(error, event),
    );
  });
  await subscriber.subscribe(channel);

  return {
    busyOrders: () => tails.size,
    async close() {
      await subscriber.quit();
    },
  };
}
