import { describe, expect, test } from 'vitest';
import { connect, farRedis, redisUrl, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { createRouter, type Router } from './router.ts';

type Delivery = [channel: string, message: string];

function openRouter(cleanup: (fn: () => Promise<void>) => void): Router {
  const router = createRouter(redisUrl());
  cleanup(() => router.close());
  return router;
}

describe('a pattern router', () => {
  test('a handler receives messages on channels its pattern matches', async ({ onTestFinished }) => {
    const ns = unique('app');
    const router = openRouter(onTestFinished);
    const users = new Inbox<Delivery>();
    await router.on(`${ns}:user:*`, (channel, message) => users.push([channel, message]));

    await connect().publish(`${ns}:user:42`, 'signed up');

    await users.waitFor(1, 2_000, `the ${ns}:user:* handler receiving a message`);
    expect(users.items).toEqual([[`${ns}:user:42`, 'signed up']]);
  });

  test('on() resolves only once Redis has confirmed the pattern subscription', async ({ onTestFinished }) => {
    // The router sits 40 ms from Redis, the publisher next to it: a PSUBSCRIBE still on its way loses.
    const publisher = connect();
    await publisher.ping(); // connected beforehand: the check below costs one round trip over loopback
    const { url } = await farRedis({ delayMs: 40 });
    const router = createRouter(url);
    onTestFinished(() => router.close());
    const ns = unique('app');

    await router.on(`${ns}:user:*`, () => {});

    expect(await publisher.publish(`${ns}:user:1`, 'hi'), 'receivers Redis counts right after on() resolved: on() must await the PSUBSCRIBE reply').toBe(1);
  });

  test('a second on() for a pattern still being subscribed waits for the same confirmation', async ({ onTestFinished }) => {
    const publisher = connect();
    await publisher.ping();
    const { url } = await farRedis({ delayMs: 40 });
    const router = createRouter(url);
    onTestFinished(() => router.close());
    const ns = unique('app');

    const first = router.on(`${ns}:*`, () => {});
    await router.on(`${ns}:*`, () => {});

    expect(await publisher.publish(`${ns}:x`, 'hi'), 'receivers right after the second on() resolved: it must wait for the PSUBSCRIBE the first one sent').toBe(1);
    await first;
  });

  test('each handler gets only the messages of its own pattern', async ({ onTestFinished }) => {
    const ns = unique('app');
    const router = openRouter(onTestFinished);
    const users = new Inbox<Delivery>();
    const orders = new Inbox<Delivery>();
    await router.on(`${ns}:user:*`, (c, m) => users.push([c, m]));
    await router.on(`${ns}:order:*`, (c, m) => orders.push([c, m]));
    const publisher = connect();

    await publisher.publish(`${ns}:order:7`, 'placed');
    await publisher.publish(`${ns}:user:1`, 'signed up');
    // A last message to each: once it has arrived, anything misrouted before it has arrived too.
    await publisher.publish(`${ns}:order:end`, 'end');
    await publisher.publish(`${ns}:user:end`, 'end');

    await orders.waitUntil(([, m]) => m === 'end', 2_000, 'the order handler receiving its last message');
    await users.waitUntil(([, m]) => m === 'end', 2_000, 'the user handler receiving its last message');
    expect(orders.items, 'the order:* handler must not receive user messages').toEqual([
      [`${ns}:order:7`, 'placed'],
      [`${ns}:order:end`, 'end'],
    ]);
    expect(users.items, 'the user:* handler must not receive order messages').toEqual([
      [`${ns}:user:1`, 'signed up'],
      [`${ns}:user:end`, 'end'],
    ]);
  });

  test('a channel matching two patterns reaches both handlers, once each', async ({ onTestFinished }) => {
    const ns = unique('app');
    const router = openRouter(onTestFinished);
    const byUser = new Inbox<Delivery>();
    const byId = new Inbox<Delivery>();
    await router.on(`${ns}:user:*`, (c, m) => byUser.push([c, m]));
    await router.on(`${ns}:*:42`, (c, m) => byId.push([c, m]));
    const publisher = connect();

    await publisher.publish(`${ns}:user:42`, 'both');
    await publisher.publish(`${ns}:user:end`, 'end');
    await publisher.publish(`${ns}:end:42`, 'end');

    await byUser.waitUntil(([, m]) => m === 'end', 2_000, 'the user:* handler receiving its last message');
    await byId.waitUntil(([, m]) => m === 'end', 2_000, 'the *:42 handler receiving its last message');
    expect(byUser.items.filter(([, m]) => m === 'both'), 'the user:* handler should get the message once').toHaveLength(1);
    expect(byId.items.filter(([, m]) => m === 'both'), 'the *:42 handler should get the message once').toHaveLength(1);
  });

  test('registering a pattern twice runs both handlers but keeps one subscription', async ({ onTestFinished }) => {
    const ns = unique('app');
    const router = openRouter(onTestFinished);
    const first = new Inbox<Delivery>();
    const second = new Inbox<Delivery>();
    await router.on(`${ns}:*`, (c, m) => first.push([c, m]));
    await router.on(`${ns}:*`, (c, m) => second.push([c, m]));
    const publisher = connect();

    const receivers = await publisher.publish(`${ns}:x`, 'hi');

    await first.waitFor(1, 2_000, 'the first handler receiving "hi"');
    await second.waitFor(1, 2_000, 'the second handler receiving "hi"');
    expect(receivers, 'Redis should count one pattern subscription, not two').toBe(1);
    await publisher.publish(`${ns}:end`, 'end');
    await first.waitUntil(([, m]) => m === 'end', 2_000, 'the first handler receiving "end"');
    expect(first.items.filter(([, m]) => m === 'hi'), 'each handler runs once per message').toHaveLength(1);
  });
});
