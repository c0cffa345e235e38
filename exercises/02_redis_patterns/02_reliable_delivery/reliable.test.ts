import { describe, expect, test } from 'vitest';
import { connect, farRedis, redisUrl, unique } from '#testing/redis';
import { removeKeysAfterTest } from '#testing/patterns';
import { Inbox, until } from '#testing/wait';
import {
  createReliableConsumer,
  createReliablePublisher,
  type ConsumerOptions,
  type Envelope,
  type Outcome,
  type PublisherOptions,
  type ReliableHandler,
  type ReliablePublisher,
} from './reliable.ts';

type Settled = [attempt: number, outcome: Outcome];

/**
 * Gaps are measured between arrivals at a subscriber in this process, and an arrival can be held up by
 * a busy machine: allow for that, while staying far above what a give-up on the next sweep looks like.
 */
const ARRIVAL_SLACK_MS = 100;

function startPublisher(cleanup: (fn: () => Promise<void>) => void, options: PublisherOptions, url = redisUrl()): ReliablePublisher {
  const publisher = createReliablePublisher(url, options);
  // Tests close some publishers themselves, to restart them; closing twice must not fail the test.
  cleanup(() => publisher.close().catch(() => {}));
  return publisher;
}

async function startConsumer(
  cleanup: (fn: () => Promise<void>) => void,
  channel: string,
  handler: ReliableHandler,
  options?: ConsumerOptions,
): Promise<void> {
  const consumer = await createReliableConsumer(redisUrl(), channel, handler, options);
  cleanup(() => consumer.close());
}

function names(): { name: string; channel: string } {
  const name = unique('orders-publisher');
  removeKeysAfterTest(name);
  return { name, channel: unique('orders') };
}

describe('delivery with acknowledgements and retries', () => {
  test('an acknowledged message stops being pending', async ({ onTestFinished }) => {
    const { name, channel } = names();
    const settled = new Inbox<Settled>();
    const payloads: unknown[] = [];
    await startConsumer(
      onTestFinished,
      channel,
      (payload) => {
        payloads.push(payload);
        return true;
      },
      { onSettled: (e, outcome) => settled.push([e.attempt, outcome]) },
    );
    const publisher = startPublisher(onTestFinished, { name, ackTimeoutMs: 5_000, maxAttempts: 3 });

    await publisher.publish(channel, { orderId: 'o-1' });

    await settled.waitFor(1, 2_000, 'the consumer acknowledging the message');
    await until(async () => (await publisher.pendingCount()) === 0, 'the publisher counting the message as acknowledged', 2_000);
    expect(payloads, 'the handler gets the payload that was published').toEqual([{ orderId: 'o-1' }]);
    expect(settled.items).toEqual([[1, 'ack']]);
  });

  test('an ack that arrives before publish() has finished still settles the message', async ({ onTestFinished }) => {
    // The publisher sits 40 ms from Redis, the consumer next to it: the ack is made within a
    // millisecond of the PUBLISH, long before a publisher that records *after* publishing has recorded.
    const { name, channel } = names();
    const settled = new Inbox<Settled>();
    await startConsumer(onTestFinished, channel, () => true, { onSettled: (e, outcome) => settled.push([e.attempt, outcome]) });
    const publisher = startPublisher(onTestFinished, { name, ackTimeoutMs: 5_000, maxAttempts: 3 }, (await farRedis({ delayMs: 40 })).url);

    await publisher.publish(channel, { orderId: 'o-0' });
    await settled.waitFor(1, 2_000, 'the consumer acknowledging the message');

    expect(
      await publisher.pendingCount(),
      'the message was acknowledged, so nothing may stay pending: record it in the same MULTI as the PUBLISH, not after',
    ).toBe(0);
  });

  test('a message nobody acknowledges is sent maxAttempts times, ackTimeoutMs apart, then dead-lettered', async ({ onTestFinished }) => {
    const { name, channel } = names();
    const ackTimeoutMs = 300;
    // A subscriber that never answers, noting when each delivery arrived.
    const deliveries: Array<{ attempt: number; at: number }> = [];
    const probe = connect();
    probe.on('message', (_c: string, message: string) => deliveries.push({ attempt: (JSON.parse(message) as Envelope).attempt, at: Date.now() }));
    await probe.subscribe(channel);
    const deadLetters = new Inbox<{ envelope: Envelope; at: number }>();
    const publisher = startPublisher(onTestFinished, {
      name,
      ackTimeoutMs,
      maxAttempts: 3,
      onDeadLetter: (envelope) => deadLetters.push({ envelope, at: Date.now() }),
    });

    await publisher.publish(channel, { orderId: 'o-2' });

    const [dead] = await deadLetters.waitFor(1, 5_000, 'the publisher giving up after three unanswered attempts');
    expect(deliveries.map((d) => d.attempt), 'maxAttempts counts every delivery, the first one included').toEqual([1, 2, 3]);
    expect(dead?.envelope.attempt, 'the dead letter says how many attempts were made').toBe(3);
    const waits = [...deliveries.slice(1).map((d) => d.at), dead?.at ?? 0].map((at, i) => at - (deliveries[i]?.at ?? 0));
    for (const [i, wait] of waits.entries()) {
      expect(wait, `attempt ${i + 1} must get its full ackTimeoutMs (${ackTimeoutMs} ms; ${ARRIVAL_SLACK_MS} ms are allowed for a busy machine) before the next step, the last attempt included`).toBeGreaterThanOrEqual(
        ackTimeoutMs - ARRIVAL_SLACK_MS,
      );
    }
    expect(await publisher.pendingCount(), 'a dead-lettered message is no longer pending').toBe(0);
    expect(deadLetters.items, 'it is dead-lettered once').toHaveLength(1);
  });

  test('a nack or a throw gets the message sent again, and a later ack settles it', async ({ onTestFinished }) => {
    const { name, channel } = names();
    const settled = new Inbox<Settled>();
    await startConsumer(
      onTestFinished,
      channel,
      (_payload, envelope) => {
        if (envelope.attempt === 1) return false;
        if (envelope.attempt === 2) throw new Error('payment service timed out');
        return true;
      },
      { onSettled: (e, outcome) => settled.push([e.attempt, outcome]) },
    );
    const deadLetters: Envelope[] = [];
    const publisher = startPublisher(onTestFinished, { name, ackTimeoutMs: 200, maxAttempts: 3, onDeadLetter: (e) => deadLetters.push(e) });

    await publisher.publish(channel, { orderId: 'o-3' });

    await settled.waitUntil(([, outcome]) => outcome === 'ack', 5_000, 'the third attempt being acknowledged');
    await until(async () => (await publisher.pendingCount()) === 0, 'the publisher counting the message as acknowledged', 2_000);
    expect(settled.items, 'false and a throw are both nacks').toEqual([
      [1, 'nack'],
      [2, 'nack'],
      [3, 'ack'],
    ]);
    expect(deadLetters, 'the last attempt was acknowledged, so nothing is dead-lettered').toEqual([]);
  });

  test('pending messages survive a restart of the publisher', async ({ onTestFinished }) => {
    const { name, channel } = names();
    const options = { name, ackTimeoutMs: 200, maxAttempts: 5 };
    const first = startPublisher(onTestFinished, options);
    await first.publish(channel, { orderId: 'o-4' }); // nobody is subscribed yet: this delivery is lost
    await first.close();

    const settled = new Inbox<Settled>();
    const payloads: unknown[] = [];
    await startConsumer(
      onTestFinished,
      channel,
      (payload) => {
        payloads.push(payload);
        return true;
      },
      { onSettled: (e, outcome) => settled.push([e.attempt, outcome]) },
    );
    const second = startPublisher(onTestFinished, options);

    await settled.waitFor(1, 3_000, 'the restarted publisher sending the message the first one left pending');
    expect(payloads).toEqual([{ orderId: 'o-4' }]);
    expect(settled.items, 'the retry is the second attempt: attempt counts survive the restart too').toEqual([[2, 'ack']]);
    await until(async () => (await second.pendingCount()) === 0, 'the restarted publisher counting the message as acknowledged', 2_000);
  });

  test('an acknowledgement made while no publisher is running still counts', async ({ onTestFinished }) => {
    const { name, channel } = names();
    const options = { name, ackTimeoutMs: 10_000, maxAttempts: 3 };
    const received = new Inbox<unknown>();
    const settled = new Inbox<Settled>();
    let finishHandling!: () => void;
    const handlingFinished = new Promise<void>((resolve) => (finishHandling = resolve));
    await startConsumer(
      onTestFinished,
      channel,
      async (payload) => {
        received.push(payload);
        await handlingFinished;
        return true;
      },
      { onSettled: (e, outcome) => settled.push([e.attempt, outcome]) },
    );
    const first = startPublisher(onTestFinished, options);
    await first.publish(channel, { orderId: 'o-5' });
    await received.waitFor(1, 2_000, 'the consumer receiving the message');

    await first.close(); // the publisher restarts while the consumer is still working
    finishHandling();
    await settled.waitFor(1, 2_000, 'the consumer acknowledging the message');
    const second = startPublisher(onTestFinished, options);

    expect(await second.pendingCount(), 'the ack was made while no publisher was listening, and must not be lost').toBe(0);
  });
});
