import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, test } from 'vitest';
import { aws, receiveCount, receiveUntilMarker, topicWithRawQueue, useSns } from '#testing/sns';
import { publishWithFilter } from './publish-with-filter.ts';

useSns();

const idOf = (m: Message): string => (JSON.parse(m.Body ?? '{}') as { id?: string }).id ?? '(no id)';
const isMarker = (m: Message): boolean => idOf(m) === 'marker';

describe('publishWithFilter', () => {
  test('a subscription for big orders (amount >= 100) receives the order of 150 and not the one of 50', async () => {
    const clients = aws();
    const { topicArn, queue } = await topicWithRawQueue(clients, 'big-orders', { amount: [{ numeric: ['>=', 100] }] });

    await publishWithFilter(clients.sns, topicArn, { id: 'small' }, { amount: 50 });
    await publishWithFilter(clients.sns, topicArn, { id: 'big' }, { amount: 150 });
    await publishWithFilter(clients.sns, topicArn, { id: 'marker' }, { amount: 1000 });

    const received = await receiveUntilMarker(clients.sqs, queue.url, isMarker, 5_000, 'the order of 1000 reaching the queue (its { numeric: [">=", 100] } rule only ever matches an amount of DataType Number)');
    expect(received.map(idOf), 'the orders the big-orders queue received').toEqual(['big']);
  });

  test("a subscription for VIP customers receives the message tagged ['new', 'vip']", async () => {
    const clients = aws();
    const { topicArn, queue } = await topicWithRawQueue(clients, 'vip', { tags: ['vip'] });

    await publishWithFilter(clients.sns, topicArn, { id: 'plain' }, { tags: ['new'] });
    await publishWithFilter(clients.sns, topicArn, { id: 'vip' }, { tags: ['new', 'vip'] });
    await publishWithFilter(clients.sns, topicArn, { id: 'marker' }, { tags: ['vip'] });

    const received = await receiveUntilMarker(clients.sqs, queue.url, isMarker, 5_000, "the message tagged ['vip'] reaching the queue");
    expect(received.map(idOf), 'the messages the VIP queue received (["vip"] matches a String.Array element by element; the String "new,vip" is neither)').toEqual(['vip']);
  });

  test('each attribute arrives with the DataType that filter policies compare by', async () => {
    const clients = aws();
    const { topicArn, queue } = await topicWithRawQueue(clients, 'typed');
    const message = { id: 'o-1', items: 3 };

    await publishWithFilter(clients.sns, topicArn, message, { eventType: 'order.created', amount: 150, tags: ['vip', 'new'] });

    const [received] = await receiveCount(clients.sqs, queue.url, 1, 5_000, 'the message reaching the queue');
    expect(received?.Body, 'the body is the message as JSON').toBe(JSON.stringify(message));
    const attributes = received?.MessageAttributes ?? {};
    expect(attributes.eventType, 'a string goes as DataType String').toMatchObject({ DataType: 'String', StringValue: 'order.created' });
    expect(attributes.amount?.DataType, 'a number must go as DataType Number: numeric rules never match a String').toBe('Number');
    expect(Number(attributes.amount?.StringValue), 'the Number attribute carries the amount').toBe(150);
    expect(attributes.tags?.DataType, 'an array must go as DataType String.Array, to be matched element by element').toBe('String.Array');
    expect(JSON.parse(attributes.tags?.StringValue ?? 'null'), 'a String.Array carries a JSON array').toEqual(['vip', 'new']);
  });

  test('a string that looks like a number is still a String', async () => {
    const clients = aws();
    const { topicArn, queue } = await topicWithRawQueue(clients, 'ids');

    await publishWithFilter(clients.sns, topicArn, { id: 'o-2' }, { orderId: '00123' });

    const [received] = await receiveCount(clients.sqs, queue.url, 1, 5_000, 'the message reaching the queue');
    expect(received?.MessageAttributes?.orderId, 'the JavaScript type decides the DataType, not how the text looks: "00123" is an id').toMatchObject({
      DataType: 'String',
      StringValue: '00123',
    });
  });
});
