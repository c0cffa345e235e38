import { describe, expect, test } from 'vitest';
import { connect, redisUrl, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import {
  NoSubscriberError,
  createLossAwarePublisher,
  type LossAwareOptions,
  type LossAwarePublisher,
  type LostMessage,
} from './loss-aware-publisher.ts';

function open(cleanup: (fn: () => Promise<void>) => void, options?: LossAwareOptions): LossAwarePublisher {
  const publisher = createLossAwarePublisher(redisUrl(), options);
  cleanup(() => publisher.close());
  return publisher;
}

describe('a publisher that makes loss visible', () => {
  test('a message nobody receives is counted as lost and reported', async ({ onTestFinished }) => {
    const lost: LostMessage[] = [];
    const publisher = open(onTestFinished, { onLost: (l) => lost.push(l) });
    const channel = unique('nobody');

    const receivers = await publisher.publish(channel, 'into the void');

    expect(receivers, 'what PUBLISH replied').toBe(0);
    expect(publisher.stats()).toEqual({ published: 1, delivered: 0, lost: 1 });
    expect(lost, 'onLost should be called with the channel and message').toEqual([{ channel, message: 'into the void' }]);
  });

  test('deliveries count every receiver', async ({ onTestFinished }) => {
    const publisher = open(onTestFinished);
    const channel = unique('busy');
    const inbox = new Inbox<string>();
    for (const subscriber of [connect(), connect()]) {
      subscriber.on('message', (_c: string, m: string) => inbox.push(m));
      await subscriber.subscribe(channel);
    }

    expect(await publisher.publish(channel, 'hello'), 'two subscribers are listening').toBe(2);
    await inbox.waitFor(2, 2_000, 'both subscribers receiving "hello"');
    expect(publisher.stats(), 'delivered is the sum of what PUBLISH replied (receivers), not a count of messages').toEqual({ published: 1, delivered: 2, lost: 0 });
  });

  test('a subscriber that arrives late never sees what was published before it', async ({ onTestFinished }) => {
    const publisher = open(onTestFinished);
    const channel = unique('late');
    await publisher.publish(channel, 'early');
    const late = connect();
    const inbox = new Inbox<string>();
    late.on('message', (_c: string, m: string) => inbox.push(m));
    await late.subscribe(channel);

    await publisher.publish(channel, 'after');

    await inbox.waitFor(1, 2_000, 'the late subscriber receiving "after"');
    expect(inbox.items, 'Redis kept no copy of "early"').toEqual(['after']);
    expect(publisher.stats()).toEqual({ published: 2, delivered: 1, lost: 1 });
  });

  test('requireSubscriber turns a lost message into a NoSubscriberError', async ({ onTestFinished }) => {
    const lost: LostMessage[] = [];
    const publisher = open(onTestFinished, { requireSubscriber: true, onLost: (l) => lost.push(l) });
    const channel = unique('strict');

    const error = await publisher.publish(channel, 'x').then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error, 'publish() should reject').toBeInstanceOf(NoSubscriberError);
    expect((error as NoSubscriberError).channel).toBe(channel);
    expect(publisher.stats(), 'the rejected message is still counted, as published and as lost, before publish() rejects').toEqual({ published: 1, delivered: 0, lost: 1 });
    expect(lost, 'onLost is still told before publish() rejects').toEqual([{ channel, message: 'x' }]);
  });

  test('lost messages go to a capped dead-letter list, newest first', async ({ onTestFinished }) => {
    const key = unique('dead-letters');
    const publisher = open(onTestFinished, { deadLetter: { key, max: 3 } });
    const channel = unique('nobody');

    for (const n of [1, 2, 3, 4, 5]) await publisher.publish(channel, `m${n}`);

    const redis = connect();
    onTestFinished(async () => {
      await redis.del(key);
    });
    const kept = await redis.lrange(key, 0, -1);
    expect(kept.length, 'the list must not grow past max').toBe(3);
    expect(kept[0], 'newest first').toContain('m5');
    expect(kept[1]).toContain('m4');
    expect(kept[2]).toContain('m3');
    expect(kept.every((entry) => entry.includes(channel)), 'each entry should say which channel it was for').toBe(true);
  });
});
