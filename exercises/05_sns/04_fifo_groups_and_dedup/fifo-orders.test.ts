import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, test } from 'vitest';
import { aws, awsName, consume, deleteQueuesAfterTest, deleteTopicsAfterTest, queueAttributes, receiveCount, receiveNow, useSns } from '#testing/sns';
import { createFifoPipeline, publishOrderEvent, type FifoPipeline, type OrderEvent } from './fifo-orders.ts';

useSns();

async function pipeline(): Promise<FifoPipeline> {
  const clients = aws();
  const created = await createFifoPipeline(clients, awsName('orders'));
  deleteTopicsAfterTest(clients.sns, [created.topicArn]);
  deleteQueuesAfterTest(clients.sqs, [created.queueUrl]);
  return created;
}

let clock = Date.parse('2026-01-01T12:00:00Z');
/** An event published now; `retryOf` gives the same event again, published later. */
function event(eventId: string, orderId: string, type: OrderEvent['type']): OrderEvent {
  clock += 1_000;
  return { eventId, orderId, type, publishedAt: new Date(clock).toISOString() };
}
const retryOf = (original: OrderEvent): OrderEvent => ({ ...original, publishedAt: new Date((clock += 30_000)).toISOString() });

const parse = (m: Message | undefined): OrderEvent => JSON.parse(m?.Body ?? '{}') as OrderEvent;
const label = (m: Message | undefined): string => `${parse(m).orderId}/${parse(m).type}`;

describe('a FIFO pipeline for order events', () => {
  test('the topic and the queue are FIFO', async () => {
    const { topicArn, queueUrl } = await pipeline();
    const { sns, sqs } = aws();
    const { Attributes = {} } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(topicArn, 'a FIFO topic name ends in .fifo').toMatch(/\.fifo$/);
    expect(Attributes.FifoTopic, 'the FifoTopic attribute of the topic').toBe('true');
    expect((await queueAttributes(sqs, queueUrl)).FifoQueue, 'the FifoQueue attribute of the queue').toBe('true');
  });

  test("each message's group is its order", async () => {
    const { topicArn, queueUrl } = await pipeline();
    const { sns, sqs } = aws();
    await publishOrderEvent(sns, topicArn, event('e1', 'order-A', 'created'));
    await publishOrderEvent(sns, topicArn, event('e2', 'order-B', 'created'));

    const received = await receiveCount(sqs, queueUrl, 2, 5_000, 'both events reaching the queue');
    for (const message of received) {
      expect(message.Attributes?.MessageGroupId, `the MessageGroupId of ${label(message)}`).toBe(parse(message).orderId);
    }
  });

  test("while an order's event is being processed, its next event waits and other orders do not", async () => {
    const { topicArn, queueUrl } = await pipeline();
    const { sns, sqs } = aws();
    await publishOrderEvent(sns, topicArn, event('a1', 'order-A', 'created'));
    await publishOrderEvent(sns, topicArn, event('a2', 'order-A', 'paid'));
    await publishOrderEvent(sns, topicArn, event('b1', 'order-B', 'created'));

    // A consumer takes one event and is still working on it (not deleted, visible again in 30 s).
    const [busy] = await receiveCount(sqs, queueUrl, 1, 5_000, 'the first event reaching the queue', { visibilityTimeout: 30 });
    const busyOrder = parse(busy).orderId;
    const next = await receiveNow(sqs, queueUrl, 10, { visibilityTimeout: 30 });

    expect(next.map(label), `${busyOrder}'s next event must wait until ${label(busy)} is deleted`).not.toContainEqual(expect.stringMatching(new RegExp(`^${busyOrder}/`)));
    const otherOrder = busyOrder === 'order-A' ? 'order-B' : 'order-A';
    expect(next.map(label), `${otherOrder} has nothing to wait for: its first event should be handed out meanwhile`).toContainEqual(expect.stringMatching(new RegExp(`^${otherOrder}/`)));
  });

  test("each order's events are consumed in the order they were published", async () => {
    const { topicArn, queueUrl } = await pipeline();
    const { sns, sqs } = aws();
    const steps = ['created', 'paid', 'packed', 'shipped'] as const;
    const orders = ['order-A', 'order-B', 'order-C'];
    // Interleaved, as real traffic is: every order's first step, then every order's second, ...
    for (const [n, type] of steps.entries()) {
      for (const orderId of orders) await publishOrderEvent(sns, topicArn, event(`${orderId}-${n}`, orderId, type));
    }

    const consumed = await consume(sqs, queueUrl, steps.length * orders.length, 10_000, 'all 12 events being consumed');
    for (const orderId of orders) {
      const seen = consumed.map(parse).filter((e) => e.orderId === orderId).map((e) => e.type);
      expect(seen, `the order ${orderId}'s events were consumed in`).toEqual([...steps]);
    }
  });

  test('a retried event is delivered once, even though the retry carries a later publishedAt', async () => {
    const { topicArn, queueUrl } = await pipeline();
    const { sns, sqs } = aws();
    const created = event('e1', 'order-A', 'created');
    await publishOrderEvent(sns, topicArn, created);
    await publishOrderEvent(sns, topicArn, event('e2', 'order-A', 'paid'));
    await publishOrderEvent(sns, topicArn, retryOf(created));
    // The last event: once it has been consumed, everything before it in the group has been too.
    await publishOrderEvent(sns, topicArn, event('e3', 'order-A', 'packed'));

    const consumed: Message[] = [];
    while (!consumed.some((m) => parse(m).eventId === 'e3')) {
      consumed.push(...(await consume(sqs, queueUrl, 1, 5_000, `event e3 arriving after ${consumed.map((m) => parse(m).eventId).join(', ') || 'nothing'}`)));
    }
    expect(consumed.map((m) => parse(m).eventId), 'the events consumed: the retry of e1 must be dropped as a duplicate, and e2 must not be').toEqual(['e1', 'e2', 'e3']);
  });

  test('two different events of the same order are both delivered', async () => {
    const { topicArn, queueUrl } = await pipeline();
    const { sns, sqs } = aws();
    await publishOrderEvent(sns, topicArn, event('d1', 'order-D', 'created'));
    await publishOrderEvent(sns, topicArn, event('d2', 'order-D', 'paid'));

    const consumed = await consume(
      sqs,
      queueUrl,
      2,
      3_000,
      "both events of order-D (d1 created, d2 paid) being consumed — SNS drops a message whose deduplication id it saw in the last 5 minutes, so that id must be the event's own (eventId), not shared by the order's events",
    );
    expect(consumed.map((m) => parse(m).eventId), "order-D's events").toEqual(['d1', 'd2']);
  });
});
