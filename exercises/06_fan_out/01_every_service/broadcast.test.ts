import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { clientsNamed, connect, namedUrl, redisUrl, unique } from '#testing/redis';
import { pendingEntries, tempNamespace } from '#testing/streams';
import { Inbox, until, within } from '#testing/wait';
import { createBroadcast, type Broadcast, type Handler, type Member } from './broadcast.ts';

interface Setup {
  broadcast: Broadcast;
  stream: string;
}

function open(cleanup: (fn: () => Promise<void>) => void): Setup {
  const stream = `${tempNamespace('fanout')}:events`;
  const broadcast = createBroadcast(redisUrl(), stream);
  cleanup(() => within(broadcast.close(), 7_000, 'close() at the end of the test'));
  return { broadcast, stream };
}

/** Subscribes a member whose handler records every message it gets. */
async function member(broadcast: Broadcast, who: Member, handler?: Handler): Promise<Inbox<string>> {
  const inbox = new Inbox<string>();
  await broadcast.subscribe(who, async (message) => {
    await handler?.(message);
    inbox.push(message);
  });
  return inbox;
}

/** Pending entries of a group; -1 while the stream or the group does not exist. */
async function pendingCount(redis: Redis, stream: string, group: string): Promise<number> {
  return pendingEntries(redis, stream, group).then(
    (entries) => entries.length,
    () => -1,
  );
}

const numbered = (count: number): string[] => Array.from({ length: count }, (_, i) => `event-${i + 1}`);

describe('a broadcast that reaches every service', () => {
  test('every service receives every message, in the order published', async ({ onTestFinished }) => {
    const { broadcast } = open(onTestFinished);
    const billing = await member(broadcast, { service: 'billing', instance: 'billing-1' });
    const shipping = await member(broadcast, { service: 'shipping', instance: 'shipping-1' });

    for (const message of numbered(3)) await broadcast.publish(message);

    await billing.waitFor(3, 3_000, 'billing receiving the three messages');
    await shipping.waitFor(3, 3_000, 'shipping receiving the three messages');
    expect(billing.items).toEqual(numbered(3));
    expect(shipping.items).toEqual(numbered(3));
  });

  test('a service that was down receives what was published meanwhile', async ({ onTestFinished }) => {
    const { broadcast } = open(onTestFinished);
    const firstRun = await broadcast.subscribe({ service: 'billing', instance: 'billing-1' }, () => {});
    await within(firstRun.close(), 7_000, 'the billing instance shutting down');

    for (const message of numbered(3)) await broadcast.publish(message);
    const afterRestart = await member(broadcast, { service: 'billing', instance: 'billing-1' });
    // A message published once it is back comes after the three it missed: when it arrives, they
    // must be there, so a missing one shows at once rather than after a deadline.
    await broadcast.publish('back');

    await afterRestart.waitUntil((m) => m === 'back', 3_000, 'billing, back after a restart, receiving the message published after it came back');
    expect(
      afterRestart.items,
      'what billing received after its restart: first the three messages published while it was down (Pub/Sub keeps no copy for a service that is restarting, a stream does; and its consumer group must keep its position when it subscribes again), then "back"',
    ).toEqual([...numbered(3), 'back']);
  });

  test('the instances of one service share its messages: each message is handled by exactly one of them', async ({ onTestFinished }) => {
    const { broadcast } = open(onTestFinished);
    const billing = new Inbox<[instance: string, message: string]>();
    for (const instance of ['billing-1', 'billing-2']) {
      await broadcast.subscribe({ service: 'billing', instance }, (message) => billing.push([instance, message]));
    }
    const shipping = await member(broadcast, { service: 'shipping', instance: 'shipping-1' });

    for (const message of numbered(10)) await broadcast.publish(message);

    await shipping.waitFor(10, 3_000, 'shipping receiving all ten messages');
    await billing.waitFor(10, 3_000, 'the two billing instances handling ten messages between them');
    // One more message, then wait for it: a duplicate of an earlier message would have come before it.
    await broadcast.publish('last');
    await billing.waitUntil(([, message]) => message === 'last', 3_000, 'a billing instance handling the last message');
    const handled = billing.items.map(([, message]) => message);
    expect(handled.filter((m) => m !== 'last').sort(), 'billing as a whole must handle each message once: no duplicates, none missing').toEqual(numbered(10).sort());
    expect(shipping.items.slice(0, 10), 'another service is not affected by how billing shares its work').toEqual(numbered(10));
  });

  test('a service that subscribes for the first time starts with the messages published from then on', async ({ onTestFinished }) => {
    const { broadcast } = open(onTestFinished);
    await member(broadcast, { service: 'billing', instance: 'billing-1' });
    await broadcast.publish('before shipping existed');

    const shipping = await member(broadcast, { service: 'shipping', instance: 'shipping-1' });
    await broadcast.publish('after shipping subscribed');

    await shipping.waitUntil((m) => m === 'after shipping subscribed', 3_000, 'shipping receiving the message published after it subscribed');
    expect(shipping.items, 'a new service begins at the end of the stream, like a new Kafka consumer group').toEqual(['after shipping subscribed']);
  });

  test('each service is a consumer group named after it, and a message its handler failed stays pending there only', async ({ onTestFinished }) => {
    const { broadcast, stream } = open(onTestFinished);
    const redis = connect();
    const billing = await member(broadcast, { service: 'billing', instance: 'billing-1' }, (message) => {
      if (message === 'bad') throw new Error('billing cannot handle this one');
    });
    const shipping = await member(broadcast, { service: 'shipping', instance: 'shipping-1' });

    await broadcast.publish('bad');
    await broadcast.publish('good');

    await billing.waitFor(1, 3_000, 'billing handling "good"');
    await shipping.waitFor(2, 3_000, 'shipping handling both messages');
    expect(
      await pendingCount(redis, stream, 'billing'),
      'pending entries of the consumer group "billing" once billing has handled a message (-1: the stream has no group of that name — each service reads through a consumer group named after it)',
    ).not.toBe(-1);
    await until(
      async () => (await pendingCount(redis, stream, 'billing')) === 1,
      'the consumer group "billing" holding exactly the failed message as pending (acknowledge only what the handler finished)',
    );
    await until(
      async () => (await pendingCount(redis, stream, 'shipping')) === 0,
      'the consumer group "shipping" acknowledging both messages',
    );
    expect(billing.items, 'the failed message is not handed to the handler as if it had worked').toEqual(['good']);
  });

  test('close() closes every connection the broadcast opened', async () => {
    const name = unique('broadcast');
    const stream = `${tempNamespace('fanout')}:events`;
    const broadcast = createBroadcast(namedUrl(name), stream);
    await broadcast.subscribe({ service: 'billing', instance: 'billing-1' }, () => {});
    await broadcast.subscribe({ service: 'shipping', instance: 'shipping-1' }, () => {});
    await broadcast.publish('hello');

    await within(broadcast.close(), 7_000, 'close() resolving');

    const probe = connect();
    await until(async () => (await clientsNamed(probe, name)).length === 0, 'every connection of the broadcast being closed');
  });
});
