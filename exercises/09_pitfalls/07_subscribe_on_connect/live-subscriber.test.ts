import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { LatencyProxy } from '#testing/latency-proxy';
import { clientsNamed, connect, farRedis, subscriberCount, unique } from '#testing/redis';
import { Inbox, until, within } from '#testing/wait';
import { startLiveSubscriber, type LiveSubscriber, type LiveSubscriberOptions } from './live-subscriber.ts';

type Delivery = [channel: string, message: string];

interface Setup {
  subscriber: LiveSubscriber;
  /** What the subscriber connects through: it counts the connections opened. */
  proxy: LatencyProxy;
  messages: Inbox<Delivery>;
  resyncs: Inbox<number>;
  name: string;
  channels: [string, string];
}

/**
 * Starts a live subscriber on two fresh channels, through a proxy `delayMs` from Redis that counts
 * its connections; `onResync` runs the test's own resync step, if any.
 */
async function start(
  cleanup: (fn: () => Promise<void>) => void,
  { onResync, delayMs = 0, channels = [unique('prices'), unique('alerts')] }: { onResync?: (reconnect: number) => void; delayMs?: number; channels?: [string, string] } = {},
): Promise<Setup> {
  const name = unique('live');
  const { url, proxy } = await farRedis({ name, delayMs });
  const messages = new Inbox<Delivery>();
  const resyncs = new Inbox<number>();
  const options: LiveSubscriberOptions = {
    onMessage: (channel, message) => messages.push([channel, message]),
    onResync: (reconnect) => {
      resyncs.push(reconnect);
      onResync?.(reconnect);
    },
  };
  const subscriber = startLiveSubscriber(url, channels, options);
  cleanup(() => within(subscriber.close(), 5_000, 'close() at the end of the test'));
  return { subscriber, proxy, messages, resyncs, name, channels };
}

/** A right answer opens its connection once; this many without ever being ready is a reconnect loop. */
const CONNECTIONS_OF_A_LOOP = 4;

/**
 * Waits for `ready`, and fails at once, naming the cause, when the subscriber keeps opening new
 * connections without getting there (the guide's SUBSCRIBE in 'connect').
 */
function becomingReady({ subscriber, proxy }: Pick<Setup, 'subscriber' | 'proxy'>, what = 'the subscriber becoming ready'): Promise<void> {
  return within(subscriber.ready, 3_000, what, {
    failWhen: () =>
      proxy.acceptedConnections >= CONNECTIONS_OF_A_LOOP &&
      `the subscriber opened ${proxy.acceptedConnections} connections and never became ready: SUBSCRIBE in the 'connect' event runs before ioredis's ready check, whose INFO is refused in subscriber mode, so it drops the connection and starts again — subscribe once the client is ready (ioredis subscribes again by itself after a reconnect)`,
  });
}

/** Kills the subscriber's connection, as a failover or an idle timeout would. */
async function killConnection(admin: Redis, name: string): Promise<void> {
  const [connection] = await clientsNamed(admin, name);
  if (!connection) throw new Error(`no open connection named ${name} to kill: the subscriber had no connection at that moment (closed, or never opened with the url it was given)`);
  await admin.client('KILL', 'ID', connection.id);
}

describe('a subscriber that gets going, and comes back after a reconnect', () => {
  // The guide's version logs every failed attempt, several a second; keep that out of the report.
  beforeEach(() => {
    for (const level of ['log', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('becomes ready with every channel subscribed, and receives messages', async ({ onTestFinished }) => {
    const setup = await start(onTestFinished);
    const { messages, channels } = setup;
    const probe = connect();

    await becomingReady(setup);

    expect(await subscriberCount(probe, channels[0]), `subscribers on ${channels[0]}`).toBe(1);
    expect(await subscriberCount(probe, channels[1]), `subscribers on ${channels[1]}`).toBe(1);
    await probe.publish(channels[0], 'p1');
    await probe.publish(channels[1], 'a1');
    await messages.waitFor(2, 2_000, 'both messages arriving');
    expect(messages.items).toEqual([
      [channels[0], 'p1'],
      [channels[1], 'a1'],
    ]);
  });

  test('after its connection is killed, it subscribes again and hears each message once', async ({ onTestFinished }) => {
    const setup = await start(onTestFinished);
    const { messages, resyncs, name, channels } = setup;
    const admin = connect();
    await becomingReady(setup);

    await killConnection(admin, name);
    await resyncs.waitFor(1, 5_000, 'onResync being called after the reconnect');
    await admin.publish(channels[0], 'after-1');
    await killConnection(admin, name);
    await resyncs.waitFor(2, 5_000, 'onResync being called after the second reconnect');
    await admin.publish(channels[0], 'after-2');
    await admin.publish(channels[1], 'end');

    await messages.waitUntil(([, m]) => m === 'end', 2_000, 'the last message arriving');
    expect(messages.items.map(([, m]) => m), 'every message once after two reconnects').toEqual(['after-1', 'after-2', 'end']);
    expect(resyncs.items, 'onResync is told which reconnect it is').toEqual([1, 2]);
  });

  test('onResync comes once the channels are subscribed again, so nothing published from then on is missed', async ({ onTestFinished }) => {
    const publisher = connect();
    const channels: [string, string] = [unique('prices'), unique('alerts')];
    // The application's resync: it reads the current state, and from that moment on relies on
    // messages. The test publishes one right away, as a writer that changes the state then would.
    // The subscriber sits 40 ms from Redis and the publisher next to it, as across zones: a resync
    // started before Redis confirmed the restored subscriptions loses that message every time.
    const setup = await start(onTestFinished, {
      channels,
      delayMs: 40,
      onResync: (reconnect) => {
        void publisher.publish(channels[0], `changed during resync ${reconnect}`);
      },
    });
    const admin = connect();
    await becomingReady(setup);
    expect(setup.resyncs.items, 'no resync at start: nothing was missed yet').toEqual([]);

    await killConnection(admin, setup.name);

    await setup.resyncs.waitFor(1, 5_000, 'onResync being called after the reconnect');
    await setup.messages.waitUntil(
      ([, m]) => m === 'changed during resync 1',
      2_000,
      'the message published as onResync ran reaching the subscriber (was onResync called before the channels were subscribed again?)',
    );
  });

  test('close() stops for good and leaves no connection behind', async ({ onTestFinished }) => {
    const name = unique('live');
    const channel = unique('prices');
    const { url, proxy } = await farRedis({ name, delayMs: 0 });
    const subscriber = startLiveSubscriber(url, [channel], { onMessage: () => {}, onResync: () => {} });
    let closed = false;
    onTestFinished(async () => {
      if (!closed) await within(subscriber.close(), 5_000, 'close() after a failed test').catch(() => undefined);
    });
    await becomingReady({ subscriber, proxy });

    closed = true;
    await within(subscriber.close(), 3_000, 'close() resolving');

    const probe = connect();
    await until(async () => (await clientsNamed(probe, name)).length === 0, 'the subscriber’s connection being closed', 2_000);
    expect(await subscriberCount(probe, channel), 'subscribers left on the channel').toBe(0);
  });
});
