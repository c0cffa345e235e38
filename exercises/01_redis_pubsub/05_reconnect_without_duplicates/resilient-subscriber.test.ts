import { describe, expect, test } from 'vitest';
import { clientsNamed, connect, farRedis, namedUrl, subscriberCount, unique } from '#testing/redis';
import { Inbox, until, within } from '#testing/wait';
import { createSubscriber, type ResilientSubscriber } from './resilient-subscriber.ts';

type Delivery = [channel: string, message: string];

interface Setup {
  subscriber: ResilientSubscriber;
  inbox: Inbox<Delivery>;
  name: string;
  channels: string[];
}

async function start(cleanup: (fn: () => Promise<void>) => void): Promise<Setup> {
  const name = unique('resilient');
  const channels = [unique('news'), unique('alerts')];
  const inbox = new Inbox<Delivery>();
  const subscriber = createSubscriber(namedUrl(name), channels, (c, m) => inbox.push([c, m]));
  cleanup(() => subscriber.close());
  await within(subscriber.ready, 3_000, 'the subscriber becoming ready');
  return { subscriber, inbox, name, channels };
}

/** Drops the subscriber's connection the way a failover would, and waits until it is back and subscribed. */
async function killConnection({ name, channels }: Setup): Promise<void> {
  const admin = connect();
  const [before] = await clientsNamed(admin, name);
  if (!before) throw new Error(`no connection named ${name}: did the subscriber connect with the url it was given?`);
  await admin.client('KILL', 'ID', before.id);
  await until(async () => (await clientsNamed(admin, name)).some((c) => c.id !== before.id), 'the subscriber reconnecting', 3_000);
  await until(
    async () => (await clientsNamed(admin, name)).some((c) => c.id !== before.id && c.sub === channels.length),
    `the reconnected subscriber subscribing to its ${channels.length} channels again (is autoResubscribe off?)`,
    1_000,
  );
}

describe('a subscriber that survives reconnects', () => {
  test('receives messages on every channel', async ({ onTestFinished }) => {
    const setup = await start(onTestFinished);
    const [news, alerts] = setup.channels as [string, string];
    const publisher = connect();

    await publisher.publish(news, 'n1');
    await publisher.publish(alerts, 'a1');

    await setup.inbox.waitFor(2, 2_000, 'both messages arriving');
    expect(setup.inbox.items).toEqual([
      [news, 'n1'],
      [alerts, 'a1'],
    ]);
  });

  test('after the connection is killed, each message still arrives exactly once', async ({ onTestFinished }) => {
    const setup = await start(onTestFinished);
    const [news] = setup.channels as [string];
    const publisher = connect();

    await killConnection(setup);
    await publisher.publish(news, 'after-1');
    await killConnection(setup);
    await publisher.publish(news, 'after-2');
    await publisher.publish(news, 'end');

    await setup.inbox.waitUntil(([, m]) => m === 'end', 2_000, 'the last message arriving');
    expect(setup.inbox.items.map(([, m]) => m), 'every message once, no duplicates').toEqual(['after-1', 'after-2', 'end']);
  });

  test('ready resolves only once every channel is subscribed', async ({ onTestFinished }) => {
    // 40 ms from Redis, checked from near by: a ready that does not wait for the SUBSCRIBE reply is early.
    const channels = [unique('news'), unique('alerts')];
    const admin = connect();
    await admin.ping(); // connected beforehand: the check below costs one round trip over loopback
    const subscriber = createSubscriber((await farRedis({ delayMs: 40 })).url, channels, () => {});
    onTestFinished(() => subscriber.close());

    await within(subscriber.ready, 3_000, 'the subscriber becoming ready');

    const counts = await Promise.all(channels.map((channel) => subscriberCount(admin, channel)));
    expect(counts, 'subscribers per channel the moment ready resolved: ready must wait for the SUBSCRIBE reply').toEqual([1, 1]);
  });

  test('comes back after an outage longer than a few reconnect attempts', async ({ onTestFinished }) => {
    const name = unique('resilient');
    const [channel] = [unique('news')];
    const { url, proxy } = await farRedis({ delayMs: 0, name });
    const inbox = new Inbox<Delivery>();
    const subscriber = createSubscriber(url, [channel], (c, m) => inbox.push([c, m]));
    onTestFinished(() => subscriber.close());
    await within(subscriber.ready, 3_000, 'the subscriber becoming ready');

    // Redis unreachable for 1.5 s: every reconnect attempt in between is refused.
    await proxy.outage(1_500);
    const admin = connect();
    await until(async () => (await subscriberCount(admin, channel)) === 1, 'the subscriber reconnecting by itself after a 1.5 s outage (does its retryStrategy give up?)', 4_000);
    await admin.publish(channel, 'after the outage');

    await inbox.waitFor(1, 2_000, 'the message published after the outage arriving');
    expect(inbox.items.map(([, m]) => m)).toEqual(['after the outage']);
  });

  test('counts its reconnects', async ({ onTestFinished }) => {
    const setup = await start(onTestFinished);
    expect(setup.subscriber.reconnects(), 'before any reconnect: the first connection is not a reconnect').toBe(0);

    await killConnection(setup);

    expect(setup.subscriber.reconnects(), 'after one killed connection').toBe(1);
  });

  test('close() stops for good and leaves no connection behind', async () => {
    const name = unique('resilient');
    const channel = unique('news');
    const subscriber = createSubscriber(namedUrl(name), [channel], () => {});
    await within(subscriber.ready, 3_000, 'the subscriber becoming ready');

    await within(subscriber.close(), 2_000, 'close() resolving');

    const admin = connect();
    expect(await clientsNamed(admin, name), 'connections left open').toEqual([]);
    expect(await subscriberCount(admin, channel)).toBe(0);
  });
});
