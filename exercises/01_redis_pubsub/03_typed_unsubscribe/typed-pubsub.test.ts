import { describe, expect, test } from 'vitest';
import { connect, farRedis, redisUrl, subscriberCount, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { TypedPubSub, type TypedPubSubOptions } from './typed-pubsub.ts';

interface Events extends Record<string, unknown> {
  [channel: string]: { n: number };
}

function open(cleanup: (fn: () => Promise<void>) => void, options?: TypedPubSubOptions, url = redisUrl()): TypedPubSub<Events> {
  const pubsub = new TypedPubSub<Events>(url, options);
  cleanup(() => pubsub.close());
  return pubsub;
}

/** Publishes a marker and waits for it: everything published before it has been delivered by then. */
async function flush(pubsub: TypedPubSub<Events>, channel: string, inbox: Inbox<number>, n = -1): Promise<void> {
  await pubsub.publish(channel, { n });
  await inbox.waitUntil((x) => x === n, 2_000, `the marker message ${n} arriving`);
}

describe('TypedPubSub', () => {
  test('subscribe() resolves once Redis has the subscription', async ({ onTestFinished }) => {
    // 40 ms from Redis, checked from near by: a SUBSCRIBE that was not awaited is still on its way.
    const probe = connect();
    await probe.ping(); // connected beforehand: the check below costs one round trip over loopback
    const pubsub = open(onTestFinished, {}, (await farRedis({ delayMs: 40 })).url);
    const channel = unique('typed');

    await pubsub.subscribe(channel, () => {});

    expect(await subscriberCount(probe, channel), 'PUBSUB NUMSUB right after subscribe() resolved: subscribe() must await the SUBSCRIBE reply').toBe(1);
  });

  test('a message published right after subscribe() is delivered', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('typed');
    const inbox = new Inbox<number>();

    await pubsub.subscribe(channel, (data) => inbox.push(data.n));
    const receivers = await pubsub.publish(channel, { n: 1 });

    expect(receivers, 'subscribers counted by Redis for the first publish').toBe(1);
    await inbox.waitFor(1, 2_000, 'the handler receiving {n: 1}');
  });

  test('after the last unsubscribe() resolves, Redis has no subscriber left', async ({ onTestFinished }) => {
    const probe = connect();
    await probe.ping();
    const pubsub = open(onTestFinished, {}, (await farRedis({ delayMs: 40 })).url);
    const channel = unique('typed');
    const first = await pubsub.subscribe(channel, () => {});
    const second = await pubsub.subscribe(channel, () => {});

    await first();
    expect(await subscriberCount(probe, channel), 'one handler is still subscribed').toBe(1);
    await second();

    expect(await subscriberCount(probe, channel), 'PUBSUB NUMSUB right after the last unsubscribe() resolved: it must await the UNSUBSCRIBE reply').toBe(0);
  });

  test('unsubscribing one handler leaves the others receiving', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('typed');
    const kept = new Inbox<number>();
    const dropped = new Inbox<number>();
    await pubsub.subscribe(channel, (d) => kept.push(d.n));
    const unsubscribe = await pubsub.subscribe(channel, (d) => dropped.push(d.n));

    await unsubscribe();
    await pubsub.publish(channel, { n: 1 });
    await flush(pubsub, channel, kept);

    expect(kept.items, 'the handler still subscribed').toEqual([1, -1]);
    expect(dropped.items, 'the handler that unsubscribed').toEqual([]);
  });

  test('the same function subscribed twice is two subscriptions', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('typed');
    const inbox = new Inbox<number>();
    const handler = (d: { n: number }): void => inbox.push(d.n);
    const once = await pubsub.subscribe(channel, handler);
    await pubsub.subscribe(channel, handler);

    await once();
    await pubsub.publish(channel, { n: 7 });

    await inbox.waitFor(1, 2_000, 'the remaining subscription receiving {n: 7}');
    await flush(pubsub, channel, inbox);
    expect(inbox.items, 'one subscription remains, so the function runs once per message').toEqual([7, -1]);
  });

  test('calling an unsubscribe function twice does not end another subscription', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('typed');
    const kept = new Inbox<number>();
    const unsubscribe = await pubsub.subscribe(channel, () => {});
    await pubsub.subscribe(channel, (d) => kept.push(d.n));

    await unsubscribe();
    await unsubscribe();
    await pubsub.publish(channel, { n: 3 });

    await kept.waitFor(1, 2_000, 'the other subscription still receiving {n: 3}');
    expect(await subscriberCount(connect(), channel), 'the other subscription keeps the channel').toBe(1);
  });

  test('a message that is not JSON is reported and later messages still arrive', async ({ onTestFinished }) => {
    const errors = new Inbox<string>();
    const pubsub = open(onTestFinished, { onError: (_error, channel) => errors.push(channel) });
    const channel = unique('typed');
    const inbox = new Inbox<number>();
    await pubsub.subscribe(channel, (d) => inbox.push(d.n));

    await connect().publish(channel, 'this is not JSON');
    await pubsub.publish(channel, { n: 2 });

    await errors.waitFor(1, 2_000, 'onError being told about the message that is not JSON');
    await inbox.waitFor(1, 2_000, 'the next valid message {n: 2} arriving');
    expect(errors.items).toEqual([channel]);
    expect(inbox.items).toEqual([2]);
  });

  test('a handler that throws is reported and does not stop the others', async ({ onTestFinished }) => {
    const errors = new Inbox<unknown>();
    const pubsub = open(onTestFinished, { onError: (error) => errors.push(error) });
    const channel = unique('typed');
    const inbox = new Inbox<number>();
    await pubsub.subscribe(channel, () => {
      throw new Error('handler failed');
    });
    await pubsub.subscribe(channel, (d) => inbox.push(d.n));

    await pubsub.publish(channel, { n: 5 });

    await inbox.waitFor(1, 2_000, 'the second handler receiving {n: 5}');
    await errors.waitFor(1, 2_000, 'onError being told about the throwing handler');
    expect((errors.items[0] as Error).message).toBe('handler failed');
  });
});
