import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { connect, redisUrl, unique } from '#testing/redis';
import { Inbox, until, within } from '#testing/wait';
import { startProjection, type OrderEvent, type OrderStore, type Projection } from './projection.ts';

type Save = `${string} v${number}`;

/**
 * A store whose writes the test can hold back, like a database under load. `current` is what a
 * reader of the database sees: the write that finished last wins.
 */
class SlowStore implements OrderStore {
  readonly started = new Inbox<Save>();
  readonly finished = new Inbox<Save>();
  readonly current = new Map<string, string>();
  private readonly held = new Map<Save, Promise<void>>();
  private readonly failing = new Set<Save>();

  /** Holds the save of this order at this version until the returned function is called. */
  hold(orderId: string, version: number): () => void {
    let release!: () => void;
    this.held.set(`${orderId} v${version}`, new Promise<void>((resolve) => (release = resolve)));
    return () => release();
  }

  failOnce(orderId: string, version: number): void {
    this.failing.add(`${orderId} v${version}`);
  }

  async save(orderId: string, status: string, version: number): Promise<void> {
    const save: Save = `${orderId} v${version}`;
    this.started.push(save);
    await this.held.get(save);
    if (this.failing.delete(save)) throw new Error(`database timeout saving ${save}`);
    this.current.set(orderId, status);
    this.finished.push(save);
  }
}

interface Setup {
  store: SlowStore;
  projection: Projection;
  errors: Array<[error: unknown, event: OrderEvent]>;
  publish: (event: OrderEvent, from?: Redis) => Promise<void>;
}

async function start(cleanup: (fn: () => Promise<void>) => void): Promise<Setup> {
  const channel = unique('orders');
  const store = new SlowStore();
  const errors: Setup['errors'] = [];
  const projection = await startProjection(redisUrl(), channel, { store, onError: (error, event) => errors.push([error, event]) });
  cleanup(() => within(projection.close(), 5_000, 'the projection closing'));
  const publisher = connect();
  return {
    store,
    projection,
    errors,
    publish: async (event, from = publisher) => {
      await from.publish(channel, JSON.stringify(event));
    },
  };
}

const event = (orderId: string, version: number, status: string): OrderEvent => ({ orderId, version, status });

describe('a projection that keeps each order’s events in order', () => {
  test('an order’s events are saved in the order they were published, even when the first save is slow', async ({ onTestFinished }) => {
    const { store, publish } = await start(onTestFinished);
    const release = store.hold('A', 1);

    await publish(event('A', 1, 'created'));
    await publish(event('A', 2, 'shipped'));
    await publish(event('B', 1, 'created')); // published last: once it is saved, A's two events have arrived too

    await store.finished.waitUntil((s) => s === 'B v1', 3_000, 'order B being saved while order A’s first save is held');
    expect(store.started.items.filter((s) => s.startsWith('A')), 'order A: "shipped" must wait until "created" is saved').toEqual(['A v1']);

    release();
    await store.finished.waitUntil((s) => s === 'A v2', 3_000, 'order A’s second event being saved once the first is done');
    expect(store.current.get('A'), 'order A as the database shows it').toBe('shipped');
  });

  test('orders do not wait for each other', async ({ onTestFinished }) => {
    const { store, publish } = await start(onTestFinished);
    store.hold('A', 1);

    await publish(event('A', 1, 'created'));
    await publish(event('B', 1, 'created'));
    await publish(event('C', 1, 'created'));

    await store.finished.waitFor(2, 3_000, 'orders B and C being saved while order A’s save is held');
    expect([...store.finished.items].sort(), 'saved while A is stuck').toEqual(['B v1', 'C v1']);
  });

  test('an event that is not newer than what is saved is skipped, whoever published it and whenever it arrives', async ({ onTestFinished }) => {
    const { store, publish } = await start(onTestFinished);
    const warehouse = connect();
    const orders = connect();

    await publish(event('A', 2, 'shipped'), warehouse); // the warehouse was quicker than the order service
    await publish(event('A', 1, 'created'), orders);
    await publish(event('A', 2, 'shipped'), warehouse); // and a retry sent it again
    await publish(event('A', 3, 'delivered'), warehouse);

    await store.finished.waitUntil((s) => s === 'A v3', 3_000, 'order A version 3 being saved');
    expect(store.started.items, 'order A: versions 2 and 3 saved once each; version 1 came too late, and the repeat of 2 changes nothing').toEqual(['A v2', 'A v3']);
    expect(store.current.get('A'), 'order A as the database shows it').toBe('delivered');
  });

  test('a save that fails is reported, and the order’s next event is still saved', async ({ onTestFinished }) => {
    const { store, errors, publish } = await start(onTestFinished);
    store.failOnce('A', 1);

    await publish(event('A', 1, 'created'));
    await publish(event('A', 2, 'paid'));

    await store.finished.waitUntil((s) => s === 'A v2', 3_000, 'order A’s second event being saved after the first failed');
    expect(errors.map(([error, e]) => [String(error), e]), 'the failure is reported with its event').toEqual([['Error: database timeout saving A v1', event('A', 1, 'created')]]);
    expect(store.current.get('A')).toBe('paid');
  });

  test('counts the orders with work in progress, and forgets an order once its events are done', async ({ onTestFinished }) => {
    const { store, projection, publish } = await start(onTestFinished);
    const release = store.hold('A', 1);

    await publish(event('A', 1, 'created'));
    await publish(event('A', 2, 'paid'));
    await publish(event('B', 1, 'created'));
    await store.finished.waitUntil((s) => s === 'B v1', 3_000, 'order B being saved');

    // B's lane is forgotten a moment after its save: give it that moment, then say what was seen.
    await until(() => projection.busyOrders() === 1, 'busyOrders() counting only order A', 1_000).catch(() => {});
    expect(projection.busyOrders(), 'busy orders once B is done and A is held (2: order B, whose events are done, is still counted — forget an order once its last event is done)').toBe(1);
    release();
    await store.finished.waitUntil((s) => s === 'A v2', 3_000, 'order A’s events being saved');
    await until(() => projection.busyOrders() === 0, 'busyOrders() dropping to 0 once every order is done (is an entry kept per order forever?)', 2_000);
  });
});
