import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, DeleteTopicCommand, PublishCommand, SubscribeCommand, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { defineLab } from '../../src/labs/lab.ts';
import { awsClients, emulatorRegion } from '../../src/harness/sns.ts';

export interface FanOutFindings {
  topicArn: string;
  /** message id → the queues that received it, in QUEUES order. */
  delivered: Record<string, string[]>;
  /** The top-level keys of what the queue without raw delivery received: SNS's envelope. */
  envelopeKeys: string[];
  /** Whether that envelope's `Message` was the published body, as a string. */
  envelopeWrapsBody: boolean;
}


interface QueueSetup {
  name: string;
  policy?: object;
  raw: boolean;
  says: string;
}

const QUEUES: QueueSetup[] = [
  { name: 'orders', policy: { eventType: [{ prefix: 'order.' }] }, raw: true, says: 'every order event' },
  { name: 'big-spenders', policy: { amount: [{ numeric: ['>=', 100] }] }, raw: true, says: 'amounts of 100 or more' },
  { name: 'not-test', policy: { env: [{ 'anything-but': 'test' }] }, raw: true, says: 'anything but env=test' },
  { name: 'audit', raw: false, says: 'everything, and raw delivery is off' },
];

type Attributes = Record<string, MessageAttributeValue>;
const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
const number = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });

const MESSAGES: Array<{ id: string; attributes: Attributes; note?: string }> = [
  { id: 'm1', attributes: { eventType: text('order.created'), amount: number(250), env: text('prod') } },
  { id: 'm2', attributes: { eventType: text('order.created'), amount: number(20), env: text('prod') } },
  { id: 'm3', attributes: { eventType: text('user.signup'), env: text('prod') } },
  { id: 'm4', attributes: { eventType: text('order.refunded'), amount: number(500), env: text('test') } },
  {
    id: 'm5',
    attributes: { eventType: text('payment.captured'), amount: text('300'), env: text('prod') },
    note: 'big-spenders missed it: its amount "300" was sent as a String, and numeric rules only match Number attributes.',
  },
  {
    id: 'm6',
    attributes: { eventType: text('order.created'), amount: number(120) },
    note: 'not-test missed it: anything-but only matches a message that has the attribute; add {"exists": false} to let messages without env through.',
  },
];
// Every policy accepts the last message: once a queue has it, it has everything published before it.
const LAST = { id: 'last', attributes: { eventType: text('order.closed'), amount: number(1_000), env: text('prod') } };

export default defineLab<FanOutFindings>(async ({ log, snsEndpoint }) => {
  const server = { endpoint: snsEndpoint(), region: emulatorRegion() };
  const { sns, sqs, destroy } = awsClients(server);
  const suffix = randomUUID().slice(0, 8);
  const queueUrls: string[] = [];
  let topicArn: string | undefined;
  try {
    log(`SNS emulator: ${server.endpoint}`);
    topicArn = (await sns.send(new CreateTopicCommand({ Name: `lab-fanout-${suffix}` }))).TopicArn ?? '';
    log(`Topic ${topicArn}, with four queues subscribed:`);
    const urls: Record<string, string> = {};
    for (const queue of QUEUES) {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `lab-${queue.name}-${suffix}` }))).QueueUrl ?? '';
      queueUrls.push(url);
      urls[queue.name] = url;
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      // The emulator delivers without a queue access policy; on AWS each queue would also need one
      // that lets this topic send to it (exercise 05_sns/02_sqs_fan_out).
      const attributes: Record<string, string> = queue.raw ? { RawMessageDelivery: 'true' } : {};
      if (queue.policy) attributes.FilterPolicy = JSON.stringify(queue.policy);
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: attributes }));
      log(`  ${queue.name.padEnd(13)} ${queue.policy ? JSON.stringify(queue.policy) : 'no filter policy'}  — ${queue.says}`);
    }

    for (const message of [...MESSAGES, LAST]) {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ id: message.id }), MessageAttributes: message.attributes }));
    }

    const received: Record<string, Message[]> = {};
    for (const queue of QUEUES) received[queue.name] = await receiveUntilLast(sqs, urls[queue.name] ?? '', queue);
    const delivered: Record<string, string[]> = {};
    for (const message of MESSAGES) {
      delivered[message.id] = QUEUES.filter((q) => received[q.name]?.some((m) => idOf(m, q.raw) === message.id)).map((q) => q.name);
    }

    log('');
    log('Published, with its attributes → the queues that received it:');
    for (const message of MESSAGES) {
      log(`  ${message.id}  ${describe(message.attributes).padEnd(56)} → ${delivered[message.id]?.join(', ') || 'nobody'}`);
      if (message.note) log(`      ${message.note}`);
    }

    const first = received.audit?.find((m) => idOf(m, false) === MESSAGES[0]?.id);
    const envelope = JSON.parse(first?.Body ?? '{}') as Record<string, unknown>;
    const envelopeKeys = Object.keys(envelope).sort();
    const envelopeWrapsBody = envelope.Message === JSON.stringify({ id: MESSAGES[0]?.id });
    log('');
    log(`audit has raw delivery off, so it received SNS's JSON envelope, not the event: ${envelopeKeys.join(', ')}.`);
    log(`The event itself is the string in "Message" (${JSON.stringify(envelope.Message)}): every consumer of such a queue must unwrap it.`);
    return { topicArn, delivered, envelopeKeys, envelopeWrapsBody };
  } finally {
    await Promise.allSettled([
      ...queueUrls.map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl }))),
      ...(topicArn ? [sns.send(new DeleteTopicCommand({ TopicArn: topicArn }))] : []),
    ]);
    destroy();
  }
});

function describe(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([name, a]) => (a.DataType === 'Number' ? `${name}=${a.StringValue}` : `${name}="${a.StringValue}"`))
    .join(' ');
}

/** The id of the event a queue received: the body itself, or the string in the envelope's Message. */
function idOf(message: Message, raw: boolean): string {
  const body = JSON.parse(message.Body ?? '{}') as { id?: string; Message?: string };
  return raw ? (body.id ?? '') : ((JSON.parse(body.Message ?? '{}') as { id?: string }).id ?? '');
}

/** Everything a queue receives up to and including the last message, which every queue accepts. */
async function receiveUntilLast(sqs: SQSClient, url: string, queue: QueueSetup): Promise<Message[]> {
  const received: Message[] = [];
  const deadline = Date.now() + 10_000;
  while (!received.some((m) => idOf(m, queue.raw) === LAST.id)) {
    if (Date.now() > deadline) throw new Error(`the queue ${queue.name} did not receive the last message within 10 s (it has ${received.length})`);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    received.push(...Messages);
  }
  return received;
}
