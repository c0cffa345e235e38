import { describe, expect, test } from 'vitest';
import { redisUrl, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { createFilteredFanOut, type FanOutEvent, type Failure, type FilteredFanOut } from './filtered.ts';

interface Setup {
  /** The process whose subscribers are under test. */
  fanOut: FilteredFanOut;
  /** Another process on the same channel, publishing. */
  publisher: FilteredFanOut;
  failures: Inbox<Failure>;
}

async function open(cleanup: (fn: () => Promise<void>) => void): Promise<Setup> {
  const channel = unique('events');
  const failures = new Inbox<Failure>();
  const fanOut = createFilteredFanOut(redisUrl(), { channel, onError: failures.push });
  const publisher = createFilteredFanOut(redisUrl(), { channel, onError: () => {} });
  cleanup(() => fanOut.close());
  cleanup(() => publisher.close());
  await Promise.all([fanOut.ready, publisher.ready]);
  return { fanOut, publisher, failures };
}

const event = (type: string, data: Record<string, unknown> = {}): FanOutEvent => ({ type, data });

/** A subscriber that records the types it receives. */
function recorder(): { inbox: Inbox<string>; handler: (e: FanOutEvent) => Promise<void> } {
  const inbox = new Inbox<string>();
  return { inbox, handler: async (e) => inbox.push(e.type) };
}

describe('filtered fan-out over Redis Pub/Sub', () => {
  test('each subscriber receives only the events its filter accepts', async ({ onTestFinished }) => {
    const { fanOut, publisher } = await open(onTestFinished);
    const orders = recorder();
    const users = recorder();
    const audit = recorder();
    fanOut.subscribe('orders', (e) => e.type.startsWith('order.'), orders.handler);
    fanOut.subscribe('users', (e) => e.type.startsWith('user.'), users.handler);
    fanOut.subscribe('audit', () => true, audit.handler);

    for (const type of ['order.created', 'user.registered', 'order.paid']) await publisher.publish(event(type));

    // Events reach a subscriber in the order published: once the last is there, any missing one is lost.
    await audit.inbox.waitUntil((type) => type === 'order.paid', 2_000, 'the audit subscriber receiving the last of the three events');
    expect(audit.inbox.items).toEqual(['order.created', 'user.registered', 'order.paid']);
    expect(orders.inbox.items, 'the orders subscriber wants order.* only').toEqual(['order.created', 'order.paid']);
    expect(users.inbox.items, 'the users subscriber wants user.* only').toEqual(['user.registered']);
  });

  test('a handler that throws before returning a promise does not keep the event from the subscribers after it', async ({ onTestFinished }) => {
    const { fanOut, publisher, failures } = await open(onTestFinished);
    const audit = recorder();
    // Not async: it checks its input first and throws straight away, as plain functions do.
    fanOut.subscribe('validator', (e) => e.type.startsWith('order.'), (e) => {
      if (e.data.total === undefined) throw new Error('order without a total');
      return Promise.resolve();
    });
    fanOut.subscribe('audit', () => true, audit.handler);

    await publisher.publish(event('order.created'));
    await publisher.publish(event('order.paid', { total: 10 }));

    await audit.inbox.waitUntil((type) => type === 'order.paid', 2_000, 'the audit subscriber receiving the second event');
    expect(audit.inbox.items, 'what the audit subscriber received: both events, although the validator before it threw on the first — call each handler in its own try/catch, which also catches a throw before any promise exists').toEqual(['order.created', 'order.paid']);
    await failures.waitFor(1, 2_000, "the validator's failure being reported through onError");
    expect(failures.items.map((f) => [f.subscriber, f.stage]), 'report who failed, and where').toEqual([['validator', 'handler']]);
  });

  test('a filter that throws means "no match" for its own subscriber only, and is reported', async ({ onTestFinished }) => {
    const { fanOut, publisher, failures } = await open(onTestFinished);
    const picky = recorder();
    const audit = recorder();
    fanOut.subscribe('picky', (e) => (e.data.region as string).startsWith('eu'), picky.handler);
    fanOut.subscribe('audit', () => true, audit.handler);

    await publisher.publish(event('order.created'));
    await publisher.publish(event('order.paid', { region: 'eu-west' }));

    await audit.inbox.waitUntil((type) => type === 'order.paid', 2_000, 'the audit subscriber receiving the second event');
    expect(audit.inbox.items, 'what the audit subscriber received: both events, although the picky filter before it threw on the first — run each filter in its own try/catch, as "no match" for its subscriber only').toEqual(['order.created', 'order.paid']);
    await picky.inbox.waitFor(1, 2_000, 'the picky subscriber receiving the event its filter accepts');
    expect(picky.inbox.items, 'the picky subscriber gets only the event its filter accepted').toEqual(['order.paid']);
    await failures.waitFor(1, 2_000, "the picky filter's failure being reported through onError");
    const [failure] = failures.items;
    expect(failure?.subscriber).toBe('picky');
    expect(failure?.stage, 'the filter failed, not the handler').toBe('filter');
    expect(failure?.event, 'the report carries the event the filter failed on').toEqual(event('order.created'));
  });

  test('a handler that rejects is reported through onError with its name, the stage and the event', async ({ onTestFinished }) => {
    const { fanOut, publisher, failures } = await open(onTestFinished);
    const audit = recorder();
    fanOut.subscribe('mailer', (e) => e.type === 'user.registered', async () => {
      throw new Error('SMTP server unreachable');
    });
    fanOut.subscribe('audit', () => true, audit.handler);

    await publisher.publish(event('user.registered', { userId: 'u-1' }));

    await failures.waitFor(1, 2_000, "the mailer's failure being reported through onError (logging it is not reporting it)");
    const [failure] = failures.items;
    expect(failure?.subscriber).toBe('mailer');
    expect(failure?.stage).toBe('handler');
    expect(failure?.event).toEqual(event('user.registered', { userId: 'u-1' }));
    expect((failure?.error as Error).message).toBe('SMTP server unreachable');
    await audit.inbox.waitFor(1, 2_000, 'the audit subscriber receiving the event');
  });

  test('after an unsubscribe, that subscriber receives nothing more and the others carry on', async ({ onTestFinished }) => {
    const { fanOut, publisher } = await open(onTestFinished);
    const leaving = recorder();
    const staying = recorder();
    const unsubscribe = fanOut.subscribe('leaving', () => true, leaving.handler);
    fanOut.subscribe('staying', () => true, staying.handler);

    await publisher.publish(event('first'));
    await leaving.inbox.waitFor(1, 2_000, 'the first event reaching the subscriber that will leave');
    unsubscribe();
    await publisher.publish(event('second'));

    await staying.inbox.waitFor(2, 2_000, 'the remaining subscriber receiving both events');
    expect(leaving.inbox.items).toEqual(['first']);
  });
});
