import { describe, expect, test } from 'vitest';
import { connect, redisUrl, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { createEventBus, type BusOptions, type EventBus } from './bus.ts';

interface Numbered {
  n: number;
}

async function open(cleanup: (fn: () => Promise<void>) => void, options: BusOptions): Promise<EventBus> {
  const bus = createEventBus(redisUrl(), options);
  cleanup(() => bus.close());
  await bus.ready;
  return bus;
}

describe('an event bus on a Redis pattern subscription', () => {
  test('an event reaches the handlers of every bus with the same prefix, higher priority first', async ({ onTestFinished }) => {
    const prefix = unique('events');
    const sender = await open(onTestFinished, { prefix });
    const receiver = await open(onTestFinished, { prefix });
    const calls = new Inbox<string>();
    receiver.on('order.placed', () => calls.push('low'));
    receiver.on('order.placed', () => calls.push('high'), { priority: 10 });
    receiver.on('order.placed', () => calls.push('middle, registered first'), { priority: 5 });
    receiver.on('order.placed', () => calls.push('middle, registered second'), { priority: 5 });

    await sender.emit('order.placed', { orderId: 'o-1' });

    await calls.waitFor(4, 2_000, 'all four handlers running for order.placed');
    expect(calls.items, 'higher priority first; equal priorities in the order registered').toEqual([
      'high',
      'middle, registered first',
      'middle, registered second',
      'low',
    ]);
  });

  test('removing a once-handler never skips the handler after it', async ({ onTestFinished }) => {
    const prefix = unique('events');
    const bus = await open(onTestFinished, { prefix });
    const calls = new Inbox<[handler: string, n: number]>();
    bus.once<Numbered>('tick', ({ n }) => calls.push(['once', n]), { priority: 2 });
    bus.on<Numbered>('tick', ({ n }) => calls.push(['second', n]), { priority: 1 });
    bus.on<Numbered>('tick', ({ n }) => calls.push(['third', n]));

    await bus.emit<Numbered>('tick', { n: 1 });
    await bus.emit<Numbered>('tick', { n: 2 });

    // Events are dispatched as they arrive, so the two may interleave: wait for the end of each.
    await calls.waitUntil(([h, n]) => h === 'third' && n === 1, 2_000, 'the last handler running for the first event');
    await calls.waitUntil(([h, n]) => h === 'third' && n === 2, 2_000, 'the last handler running for the second event');
    const ranFor = (n: number): string[] => calls.items.filter(([, m]) => m === n).map(([h]) => h);
    expect(ranFor(1), 'every handler runs for the first event: removing the once-handler must not splice the list the dispatch loop is walking').toEqual(['once', 'second', 'third']);
    expect(ranFor(2), 'the once-handler is gone for the second event; the others still run').toEqual(['second', 'third']);
  });

  test('a once-handler that throws is removed too, and the handlers after it still run', async ({ onTestFinished }) => {
    const prefix = unique('events');
    const errors = new Inbox<string>();
    const bus = await open(onTestFinished, { prefix, onHandlerError: (error) => errors.push((error as Error).message) });
    const attempts: number[] = [];
    const after = new Inbox<number>();
    bus.once<Numbered>(
      'tick',
      ({ n }) => {
        attempts.push(n);
        throw new Error('welcome e-mail service is down');
      },
      { priority: 1 },
    );
    bus.on<Numbered>('tick', ({ n }) => after.push(n));

    await bus.emit<Numbered>('tick', { n: 1 });
    await bus.emit<Numbered>('tick', { n: 2 });

    await after.waitFor(2, 2_000, 'the handler after the throwing one running for both events');
    expect(attempts, '"once" means at most once, even when the handler throws: remove it before calling it').toEqual([1]);
    expect(errors.items, 'the failure is reported through onHandlerError').toEqual(['welcome e-mail service is down']);
  });

  test('a once-handler with a filter waits for the first event that passes it', async ({ onTestFinished }) => {
    const prefix = unique('events');
    const bus = await open(onTestFinished, { prefix });
    const matched = new Inbox<number>();
    const seen = new Inbox<number>();
    bus.once<Numbered>('tick', ({ n }) => matched.push(n), { filter: ({ n }) => n % 2 === 0, priority: 1 });
    bus.on<Numbered>('tick', ({ n }) => seen.push(n));

    for (const n of [1, 2, 3, 4]) await bus.emit<Numbered>('tick', { n });

    await seen.waitUntil((n) => n === 4, 2_000, 'the last event reaching the plain handler');
    expect(matched.items, 'skipped by the filter for 1 (an event its filter rejects does not use it up), run for 2, then gone').toEqual([2]);
    expect(seen.items, 'the handler after the once-handler sees every event').toEqual([1, 2, 3, 4]);
  });

  test("the bus's notifications stay in this process: one emit puts exactly one message on Redis", async ({ onTestFinished }) => {
    const prefix = unique('events');
    const handled = new Inbox<string>();
    const bus = await open(onTestFinished, { prefix, onHandled: (event, handlerId) => handled.push(`${event.type} ${handlerId}`) });
    const first = bus.on('user.registered', () => {});
    const second = bus.on('user.registered', () => {});
    const marker = bus.on('end', () => {});
    const onRedis = new Inbox<string>();
    const probe = connect();
    probe.on('pmessage', (_pattern: string, channel: string) => onRedis.push(channel.slice(prefix.length + 1)));
    await probe.psubscribe(`${prefix}:*`);

    await bus.emit('user.registered', { userId: 'u-1' });
    await handled.waitFor(2, 2_000, 'onHandled being told about both user.registered handlers');
    // Published after both notifications: anything they sent over Redis reaches the probe before it.
    await bus.emit('end', {});
    await onRedis.waitUntil((type) => type === 'end', 2_000, 'the probe receiving the "end" event');
    await handled.waitUntil((entry) => entry === `end ${marker}`, 2_000, 'onHandled being told about the "end" handler');

    expect(onRedis.items, 'event types seen on Redis: a notification must never be published as an event').toEqual(['user.registered', 'end']);
    expect(handled.items, 'onHandled is told once per handler that ran, and about nothing else').toEqual([
      `user.registered ${first}`,
      `user.registered ${second}`,
      `end ${marker}`,
    ]);
  });
});
