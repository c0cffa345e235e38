import { describe, expect, test } from 'vitest';
import { clientsNamed, connect, farRedis, namedUrl, redisUrl, subscriberCount, unique } from '#testing/redis';
import { Inbox, within } from '#testing/wait';
import { createBus, type Bus } from './bus.ts';

function openBus(cleanup: (fn: () => Promise<void>) => void): Bus {
  const bus = createBus(redisUrl());
  cleanup(() => bus.close());
  return bus;
}

describe('a bus with separate connections for publishing and subscribing', () => {
  test('a message published after subscribe() reaches the handler', async ({ onTestFinished }) => {
    const bus = openBus(onTestFinished);
    const channel = unique('news');
    const inbox = new Inbox<string>();
    await bus.subscribe(channel, (message) => inbox.push(message));

    await bus.publish(channel, 'hello');

    await inbox.waitFor(1, 2_000, 'the handler receiving "hello"');
    expect(inbox.items, 'the handler should get the message exactly once').toEqual(['hello']);
  });

  test('subscribe() resolves only once Redis has confirmed the subscription', async ({ onTestFinished }) => {
    // The bus sits 40 ms from Redis; the test checks from near by. A subscribe() that resolves
    // before Redis answered leaves the SUBSCRIBE still on its way when the check arrives.
    const probe = connect();
    await probe.ping(); // connected beforehand: the check below costs one round trip over loopback
    const { url } = await farRedis({ delayMs: 40 });
    const bus = createBus(url);
    onTestFinished(() => bus.close());
    const channel = unique('news');

    await bus.subscribe(channel, () => {});

    expect(await subscriberCount(probe, channel), 'subscribers Redis counts the moment subscribe() resolved: it must await the SUBSCRIBE reply').toBe(1);
  });

  test('publish() resolves to the number of subscribers Redis delivered to', async ({ onTestFinished }) => {
    const channel = unique('news');
    const first = openBus(onTestFinished);
    const second = openBus(onTestFinished);
    await first.subscribe(channel, () => {});
    await second.subscribe(channel, () => {});

    expect(await first.publish(channel, 'to both'), 'two buses are subscribed').toBe(2);
    expect(await first.publish(unique('empty'), 'to nobody'), 'nobody listens on a fresh channel').toBe(0);
  });

  test('each handler hears only its own channel', async ({ onTestFinished }) => {
    const bus = openBus(onTestFinished);
    const orders = unique('orders');
    const users = unique('users');
    const ordersInbox = new Inbox<string>();
    const usersInbox = new Inbox<string>();
    await bus.subscribe(orders, (m) => ordersInbox.push(m));
    await bus.subscribe(users, (m) => usersInbox.push(m));

    await bus.publish(orders, 'order-1');
    await bus.publish(users, 'user-1');

    await ordersInbox.waitFor(1, 2_000, 'the orders handler receiving "order-1"');
    await usersInbox.waitFor(1, 2_000, 'the users handler receiving "user-1"');
    expect(ordersInbox.items, 'the orders handler got a message from another channel').toEqual(['order-1']);
    expect(usersInbox.items, 'the users handler got a message from another channel').toEqual(['user-1']);
  });

  test('close() releases the subscription and every connection', async () => {
    const channel = unique('news');
    const name = unique('bus');
    const probe = connect();
    const bus = createBus(namedUrl(name));
    await bus.subscribe(channel, () => {});
    await bus.publish(channel, 'opens the publishing connection too');
    expect(await subscriberCount(probe, channel)).toBe(1);

    await within(bus.close(), 2_000, 'close() resolving');

    expect(await subscriberCount(probe, channel), 'the channel should have no subscriber after close()').toBe(0);
    expect(await clientsNamed(probe, name), 'close() should leave no connection of the bus open').toEqual([]);
  });
});
