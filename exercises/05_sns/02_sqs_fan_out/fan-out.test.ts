import { GetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, test } from 'vitest';
import {
  aws,
  awsName,
  deleteQueuesAfterTest,
  deleteTopicsAfterTest,
  isSnsEnvelope,
  policyAllowsSend,
  publish,
  queueAttributes,
  receiveCount,
  receiveUntilMarker,
  useSns,
} from '#testing/sns';
import { createFanOut, type FanOutQueue, type QueueSpec } from './fan-out.ts';

useSns();

interface Created {
  topicArn: string;
  /** The queue called `name` in the specs, as createFanOut returned it. */
  queue(name: string): FanOutQueue;
  url(name: string): string;
  arn(name: string): string;
}

/** Runs createFanOut with unique names, and deletes what it created when the test ends. */
async function setUp(specs: QueueSpec[]): Promise<Created> {
  const clients = aws();
  const suffix = awsName('');
  const result = await createFanOut(clients, `events${suffix}`, specs.map((s) => ({ ...s, name: `${s.name}${suffix}` })));
  deleteTopicsAfterTest(clients.sns, [result.topicArn]);
  deleteQueuesAfterTest(clients.sqs, Object.values(result.queues).map((q) => q.url));
  const queue = (name: string) => {
    const found = result.queues[`${name}${suffix}`];
    expect(found, `createFanOut should return the queue ${name} under its name`).toBeDefined();
    return found as FanOutQueue;
  };
  return { topicArn: result.topicArn, queue, url: (name) => queue(name).url, arn: (name) => queue(name).arn };
}

/** The ids of the events a queue received, failing in plain words if SNS wrapped them in its envelope. */
function idsOf(messages: Message[], queue: string): string[] {
  return messages
    .map((m) => {
      if (isSnsEnvelope(m.Body)) {
        throw new Error(`${queue} received SNS's JSON envelope ({"Type":"Notification","Message":"..."}) instead of the event itself: its subscription needs RawMessageDelivery`);
      }
      return (JSON.parse(m.Body ?? '{}') as { id?: string }).id ?? '(no id)';
    })
    .sort();
}

const isMarker = (m: Message): boolean => m.Body?.includes('marker') === true;

const SPECS: QueueSpec[] = [
  { name: 'orders', filterPolicy: { eventType: [{ prefix: 'order.' }] } },
  { name: 'big-orders', filterPolicy: { eventType: ['order.created'], amount: [{ numeric: ['>=', 100] }] } },
  { name: 'gold-customers', filterPolicy: { customer: { tier: ['gold'] } }, filterPolicyScope: 'MessageBody' },
  { name: 'audit' },
];

describe('createFanOut', () => {
  test('each queue receives only what its filter policy lets through', async () => {
    const fanOut = await setUp(SPECS);
    const { sns, sqs } = aws();
    const events = [
      { id: 'm1', eventType: 'order.created', amount: 250, tier: 'gold' },
      { id: 'm2', eventType: 'order.created', amount: 20, tier: 'silver' },
      { id: 'm3', eventType: 'user.signup', amount: 0, tier: 'gold' },
      { id: 'm4', eventType: 'order.cancelled', amount: 500, tier: 'silver' },
      // Every queue accepts the marker: once it has arrived, so has everything published before it.
      { id: 'marker', eventType: 'order.created', amount: 1000, tier: 'gold' },
    ];
    for (const e of events) {
      await publish(sns, fanOut.topicArn, JSON.stringify({ id: e.id, customer: { tier: e.tier } }), { eventType: e.eventType, amount: e.amount });
    }

    const expected: Record<string, string[]> = {
      orders: ['m1', 'm2', 'm4'],
      'big-orders': ['m1'],
      'gold-customers': ['m1', 'm3'],
      audit: ['m1', 'm2', 'm3', 'm4'],
    };
    for (const [name, ids] of Object.entries(expected)) {
      const received = await receiveUntilMarker(sqs, fanOut.url(name), isMarker, 5_000, `the last event (which every policy accepts) reaching ${name}`);
      const policy = JSON.stringify(SPECS.find((s) => s.name === name)?.filterPolicy ?? 'none');
      expect(idsOf(received, name), `the events ${name} received, with the policy ${policy}`).toEqual(ids);
    }
  });

  test('a queue receives the event exactly as it was published, attributes and all', async () => {
    const fanOut = await setUp([{ name: 'audit' }]);
    const { sns, sqs } = aws();
    const body = JSON.stringify({ id: 'e1', note: 'as published' });
    await publish(sns, fanOut.topicArn, body, { eventType: 'order.created', amount: 42 });

    const [message] = await receiveCount(sqs, fanOut.url('audit'), 1, 5_000, 'the event reaching the queue');
    idsOf([message as Message], 'the queue');
    expect(message?.Body, 'the body SQS delivered').toBe(body);
    expect(message?.MessageAttributes?.eventType, 'the eventType attribute, delivered as an SQS message attribute').toMatchObject({ DataType: 'String', StringValue: 'order.created' });
    expect(message?.MessageAttributes?.amount, 'the amount attribute, still a Number').toMatchObject({ DataType: 'Number', StringValue: '42' });
  });

  test("each queue's access policy lets this topic, and only this topic, send to it", async () => {
    const fanOut = await setUp([{ name: 'orders', filterPolicy: { eventType: ['order.created'] } }, { name: 'audit' }]);
    const { sqs } = aws();
    const stranger = fanOut.topicArn.replace(/[^:]+$/, 'someone-elses-topic');
    for (const name of ['orders', 'audit']) {
      const { Policy } = await queueAttributes(sqs, fanOut.url(name));
      expect(Policy, `${name} has no access policy: on AWS, SNS is refused and the message is dropped`).toBeDefined();
      expect(policyAllowsSend(Policy, fanOut.arn(name), fanOut.topicArn), `${name}'s policy should allow sns.amazonaws.com to sqs:SendMessage from this topic:\n${Policy}`).toBe(true);
      expect(policyAllowsSend(Policy, fanOut.arn(name), stranger), `${name}'s policy lets any topic send to it; limit it with a condition on aws:SourceArn:\n${Policy}`).toBe(false);
    }
  });

  test("each subscription is the queue's ARN with raw delivery, and createFanOut returns its ARN", async () => {
    const fanOut = await setUp(SPECS);
    const { sns } = aws();
    const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: fanOut.topicArn }));
    expect(Subscriptions.map((s) => s.Endpoint).sort(), 'the endpoints subscribed to the topic').toEqual(SPECS.map((s) => fanOut.arn(s.name)).sort());
    for (const spec of SPECS) {
      const subscription = Subscriptions.find((s) => s.Endpoint === fanOut.arn(spec.name));
      expect(subscription?.Protocol, `the protocol of ${spec.name}'s subscription`).toBe('sqs');
      expect(fanOut.queue(spec.name).subscriptionArn, `the subscriptionArn createFanOut returned for ${spec.name}`).toBe(subscription?.SubscriptionArn);
      const { Attributes = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription?.SubscriptionArn }));
      expect(Attributes.RawMessageDelivery, `RawMessageDelivery of ${spec.name}'s subscription`).toBe('true');
      if (spec.filterPolicy) expect(JSON.parse(Attributes.FilterPolicy ?? 'null'), `the filter policy of ${spec.name}`).toEqual(spec.filterPolicy);
      expect(Attributes.FilterPolicyScope ?? 'MessageAttributes', `the filter policy scope of ${spec.name}`).toBe(spec.filterPolicyScope ?? 'MessageAttributes');
    }
  });
});
