import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { connect, redisUrl } from '#testing/redis';
import { addEntries, createGroup, deliver, pendingEntries, tempNamespace, toRecord, type StreamEntry } from '#testing/streams';
import { Inbox, within } from '#testing/wait';
import { createIdempotentConsumer, markerKey, type ConsumerOptions, type DeliveryReport, type EventHandler, type IdempotentConsumer } from './consumer.ts';

const GROUP = 'order-handlers';

interface Setup {
  redis: Redis;
  namespace: string;
  stream: string;
  /** A worker: one consumer of the group, with its own connection. */
  worker(consumer: string, handlers: Record<string, EventHandler>, extra?: Partial<ConsumerOptions>): IdempotentConsumer;
  /** Appends the event to the stream (again, if it is already there: a producer retry). */
  append(event: { eventId: string; type: string }): Promise<void>;
}

async function setup(cleanup: (fn: () => Promise<void>) => void): Promise<Setup> {
  const namespace = tempNamespace('idempotent');
  const stream = `${namespace}:events`;
  const redis = connect();
  await createGroup(redis, stream, GROUP);
  return {
    redis,
    namespace,
    stream,
    worker(consumer, handlers, extra = {}) {
      const worker = createIdempotentConsumer({ url: redisUrl(), stream, group: GROUP, consumer, namespace, handlers, ...extra });
      cleanup(() => worker.close());
      return worker;
    },
    async append(event) {
      await addEntries(redis, stream, [{ event: JSON.stringify({ ...event, payload: { orderId: 'o-1' } }) }]);
    },
  };
}

/** Delivers the next new entry of the stream to `consumer`, as XREADGROUP does. */
async function next({ redis, stream }: Setup, consumer: string): Promise<StreamEntry> {
  const [entry] = await deliver(redis, stream, GROUP, consumer, 1);
  if (!entry) throw new Error('the test expected a new entry in the stream');
  return entry;
}

/** What another worker gets after the first one crashed: the entry, claimed with XAUTOCLAIM. */
async function claim({ redis, stream }: Setup, consumer: string): Promise<StreamEntry> {
  const [, claimed] = (await redis.xautoclaim(stream, GROUP, consumer, 0, '0-0', 'COUNT', 1)) as [string, Array<[string, string[]]>];
  const [id, fields] = claimed[0] ?? [];
  if (!id || !fields) throw new Error('the test expected a pending entry to claim: was it acknowledged although a handler failed?');
  return { id, fields: toRecord(fields) };
}

/** A handler that counts its runs and can be told to fail. */
function counter(failFirst = 0): { handler: EventHandler; runs: () => number } {
  let runs = 0;
  return {
    handler: async () => {
      runs += 1;
      if (runs <= failFirst) throw new Error('mail service down');
    },
    runs: () => runs,
  };
}

const summary = (report: DeliveryReport) => ({ ran: report.ran, skipped: report.skipped, busy: report.busy, failed: report.failed.map((f) => f.handler), acknowledged: report.acknowledged });

describe('a consumer whose handlers ignore redelivered events', () => {
  test('a new event runs each handler once, and the entry is acknowledged', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    const inventory = counter();
    const email = counter();
    const worker = s.worker('worker-1', { inventory: inventory.handler, email: email.handler });
    await s.append({ eventId: 'evt-1', type: 'OrderCreated' });

    const report = await worker.handle(await next(s, 'worker-1'));

    expect(summary(report)).toEqual({ ran: ['inventory', 'email'], skipped: [], busy: [], failed: [], acknowledged: true });
    expect([inventory.runs(), email.runs()]).toEqual([1, 1]);
    expect(await pendingEntries(s.redis, s.stream, GROUP), 'nothing left pending').toEqual([]);
  });

  test('when one handler failed, the redelivered entry runs only that handler, and is then acknowledged', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    const inventory = counter();
    const email = counter(1);
    const handlers = { inventory: inventory.handler, email: email.handler };
    await s.append({ eventId: 'evt-2', type: 'OrderCreated' });

    const first = await s.worker('worker-1', handlers).handle(await next(s, 'worker-1'));
    expect(summary(first), 'the first delivery: e-mail failed, so the entry stays pending').toEqual({
      ran: ['inventory'],
      skipped: [],
      busy: [],
      failed: ['email'],
      acknowledged: false,
    });
    // worker-1 goes away; worker-2 claims the pending entry.
    const second = await s.worker('worker-2', handlers).handle(await claim(s, 'worker-2'));
    expect(second.busy, 'handlers the redelivery found busy: a handler that failed must give up its claim, or its retry waits for the lease to run out').toEqual([]);
    expect(second.skipped, 'handlers the redelivery skipped as already finished: inventory (running it again reserves the stock twice)').toEqual(['inventory']);

    expect(summary(second), 'the redelivery: inventory already finished, e-mail runs again').toEqual({
      ran: ['email'],
      skipped: ['inventory'],
      busy: [],
      failed: [],
      acknowledged: true,
    });
    expect(inventory.runs(), 'the stock must not be reserved twice').toBe(1);
    expect(email.runs(), 'a failed handler is not remembered as finished: it runs again').toBe(2);
    expect(await pendingEntries(s.redis, s.stream, GROUP), 'acknowledged once every handler finished').toEqual([]);
  });

  test('the same event appended twice (a producer retry) runs each handler once', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    const inventory = counter();
    const worker = s.worker('worker-1', { inventory: inventory.handler });
    await s.append({ eventId: 'evt-3', type: 'OrderCreated' });
    await s.append({ eventId: 'evt-3', type: 'OrderCreated' });

    const first = await worker.handle(await next(s, 'worker-1'));
    const second = await worker.handle(await next(s, 'worker-1'));

    expect(first.ran).toEqual(['inventory']);
    expect(summary(second), 'two stream entries, one event: deduplicate by eventId, not by entry id').toEqual({
      ran: [],
      skipped: ['inventory'],
      busy: [],
      failed: [],
      acknowledged: true,
    });
    expect(inventory.runs()).toBe(1);
  });

  test('two workers handling the same event at the same moment run the handler once', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    onTestFinished(open);
    const started = new Inbox<string>();
    const inventory: EventHandler = async () => {
      started.push('inventory');
      await gate;
    };
    const workers = [s.worker('worker-1', { inventory }), s.worker('worker-2', { inventory })];
    await s.append({ eventId: 'evt-4', type: 'OrderCreated' });
    const entry = await next(s, 'worker-1');

    // worker-1 is slow; worker-2 got the same entry meanwhile (claimed, or delivered again).
    const handling = workers.map((w) => w.handle(entry));
    await started.waitFor(1, 2_000, 'one of the workers starting the inventory handler');
    await within(
      Promise.race([...handling, started.waitFor(2, 5_000, 'the second worker running the handler as well')]),
      2_000,
      'the second worker either giving up on the handler (busy) or running it as well',
    );
    open();
    const reports = await within(Promise.all(handling), 2_000, 'both workers finishing');

    expect(started.items.length, 'checking "already handled?" and marking it later are two steps both workers get through').toBe(1);
    const roles = reports.map((r) => (r.ran.includes('inventory') ? 'ran it' : r.busy.includes('inventory') ? 'found it busy' : 'neither'));
    expect(roles.sort(), 'one worker ran it; the other found it busy').toEqual(['found it busy', 'ran it']);
    expect(reports.filter((r) => r.acknowledged), 'only the worker that finished the handler acknowledges the entry').toHaveLength(1);
  });

  test('while a handler runs, its claim expires after leaseMs, so a crashed worker cannot block it for good', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    onTestFinished(open);
    const started = new Inbox<string>();
    const worker = s.worker('worker-1', {
      inventory: async () => {
        started.push('inventory');
        await gate;
      },
    }, { leaseMs: 60_000 });
    await s.append({ eventId: 'evt-5', type: 'OrderCreated' });

    const handling = worker.handle(await next(s, 'worker-1'));
    await started.waitFor(1, 2_000, 'the inventory handler starting');
    const leaseLeft = await s.redis.pttl(markerKey(s.namespace, 'inventory', 'evt-5'));
    open();
    await handling;

    expect(leaseLeft, `the claim at markerKey() while the handler runs: PTTL ${leaseLeft} (-2: no such key, -1: never expires)`).toBeGreaterThan(0);
    expect(leaseLeft).toBeLessThanOrEqual(60_000);
  });

  test('a finished handler is remembered for rememberSeconds, not forever', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    const worker = s.worker('worker-1', { inventory: async () => {} }, { rememberSeconds: 3_600 });
    await s.append({ eventId: 'evt-6', type: 'OrderCreated' });

    await worker.handle(await next(s, 'worker-1'));

    const ttl = await s.redis.ttl(markerKey(s.namespace, 'inventory', 'evt-6'));
    expect(ttl, `TTL of markerKey() after the handler finished: ${ttl} (-2: no such key, -1: never expires)`).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(3_600);
  });

  test('an entry that holds no event is rejected in one line naming the entry', async ({ onTestFinished }) => {
    const s = await setup(onTestFinished);
    const worker = s.worker('worker-1', { inventory: async () => {} });

    await expect(worker.handle({ id: '1700000000000-0', fields: { event: 'not json' } })).rejects.toThrow(/1700000000000-0.*event/);
  });
});
