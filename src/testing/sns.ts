/**
 * Helpers for tests that talk to this run's SNS/SQS/S3 emulator (moto, or AWS_ENDPOINT_URL) with
 * the AWS SDK v3. Clients carry dummy credentials and are destroyed when the test ends; names are
 * unique, so test files can share one emulator, and what a test creates is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, DeleteTopicCommand, PublishCommand, SubscribeCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, inject, onTestFinished } from 'vitest';
import { awsClients, emulatorRegion, startSns, type AwsClients, type SnsServer } from '../harness/sns.ts';
import { TimeoutError } from './wait.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The SNS/SQS/S3 emulator of the run, when the global setup started one. */
    snsEndpoint?: string;
  }
}

let fileServer: SnsServer | undefined;

/**
 * Call once at the top of a test file that uses SNS. When the run's global setup provides an
 * emulator (`snsEndpoint`) this does nothing; otherwise the file starts its own through the harness.
 */
export function useSns(): void {
  beforeAll(async () => {
    if (!inject('snsEndpoint')) fileServer = await startSns();
  }, 90_000);
  afterAll(async () => {
    await fileServer?.stop();
    fileServer = undefined;
  });
}

/** The emulator's endpoint and region. */
export function snsServer(): { endpoint: string; region: string } {
  const endpoint = inject('snsEndpoint') ?? fileServer?.endpoint;
  if (!endpoint) throw new Error('No SNS emulator: call useSns() at the top of the test file.');
  return { endpoint, region: fileServer?.region ?? emulatorRegion() };
}

/** SNS, SQS and S3 clients for the emulator, destroyed when the test finishes. */
export function aws(): AwsClients {
  const clients = awsClients(snsServer());
  onTestFinished(() => clients.destroy());
  return clients;
}

/** A topic or queue name no other test uses: `prefix-1a2b3c4d` (letters, digits, - and _ only). */
export function awsName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface TestQueue {
  url: string;
  arn: string;
}

/** Creates a queue that is deleted when the test finishes. */
export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<TestQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  deleteQueuesAfterTest(sqs, [QueueUrl]);
  return { url: QueueUrl, arn: await queueArn(sqs, QueueUrl) };
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`the queue ${queueUrl} has no QueueArn`);
  return arn;
}

export async function queueAttributes(sqs: SQSClient, queueUrl: string): Promise<Record<string, string>> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  return Attributes ?? {};
}

/** Creates a topic that is deleted when the test finishes. */
export async function createTopic(sns: SNSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }));
  if (!TopicArn) throw new Error(`CreateTopic ${name} returned no TopicArn`);
  deleteTopicsAfterTest(sns, [TopicArn]);
  return TopicArn;
}

/** A topic and a queue subscribed to it with raw delivery: what the queue receives is exactly what was published. */
export async function topicWithRawQueue(clients: AwsClients, prefix: string, filterPolicy?: object): Promise<{ topicArn: string; queue: TestQueue }> {
  const topicArn = await createTopic(clients.sns, awsName(prefix));
  const queue = await createQueue(clients.sqs, awsName(prefix));
  const attributes: Record<string, string> = { RawMessageDelivery: 'true' };
  if (filterPolicy) attributes.FilterPolicy = JSON.stringify(filterPolicy);
  await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: attributes }));
  return { topicArn, queue };
}

export function deleteTopicsAfterTest(sns: SNSClient, topicArns: string[]): void {
  onTestFinished(async () => {
    await Promise.allSettled(topicArns.map((TopicArn) => sns.send(new DeleteTopicCommand({ TopicArn }))));
  });
}

export function deleteQueuesAfterTest(sqs: SQSClient, queueUrls: string[]): void {
  onTestFinished(async () => {
    await Promise.allSettled(queueUrls.map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl }))));
  });
}

/** A bucket name no other test uses (S3 wants lower case), deleted with its objects when the test finishes. */
export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-${randomUUID().slice(0, 8)}`.toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  onTestFinished(async () => {
    for (const key of await objectKeys(s3, bucket).catch(() => [])) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {});
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
  });
  return bucket;
}

export async function objectKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (Contents ?? []).map((o) => o.Key ?? '');
}

/** Publishes `body` with attributes given as plain values: strings as String, numbers as Number, arrays as String.Array. */
export async function publish(sns: SNSClient, topicArn: string, body: string, attributes: Record<string, string | number | string[]> = {}): Promise<void> {
  const MessageAttributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    MessageAttributes[name] = Array.isArray(value)
      ? { DataType: 'String.Array', StringValue: JSON.stringify(value) }
      : typeof value === 'number'
        ? { DataType: 'Number', StringValue: String(value) }
        : { DataType: 'String', StringValue: value };
  }
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: body, MessageAttributes }));
}

export interface ReceiveOptions {
  /** Visibility timeout for what is received, in seconds (default: SQS's, 30). */
  visibilityTimeout?: number;
}

/** One ReceiveMessage call that returns at once with whatever is visible (up to 10), with every attribute. */
export async function receiveNow(sqs: SQSClient, queueUrl: string, max = 10, options: ReceiveOptions = {}): Promise<Message[]> {
  return receiveOnce(sqs, queueUrl, max, 0, options);
}

/**
 * Receives until `count` messages have arrived, long-polling, and fails saying `what` did not
 * happen if they have not within `ms`. Received messages stay in flight (not deleted).
 */
export async function receiveCount(sqs: SQSClient, queueUrl: string, count: number, ms: number, what: string, options: ReceiveOptions = {}): Promise<Message[]> {
  const received: Message[] = [];
  const deadline = Date.now() + ms;
  while (received.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(`${what} did not happen within ${ms} ms (${received.length} of ${count} arrived)`);
    received.push(...(await receiveOnce(sqs, queueUrl, Math.min(10, count - received.length), 1, options)));
  }
  return received;
}

/**
 * Consumes like a real consumer — receive, then delete what was received — until `count` messages
 * have been consumed, in the order they were received. On a FIFO queue, deleting is what lets the
 * next message of a group through.
 */
export async function consume(sqs: SQSClient, queueUrl: string, count: number, ms: number, what: string): Promise<Message[]> {
  const consumed: Message[] = [];
  const deadline = Date.now() + ms;
  while (consumed.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(`${what} did not happen within ${ms} ms (${consumed.length} of ${count} arrived)`);
    const batch = await receiveOnce(sqs, queueUrl, 10, 1, {});
    for (const message of batch) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    consumed.push(...batch);
  }
  return consumed;
}

/**
 * Receives until a message for which `isMarker` holds arrives, and returns everything that came
 * before it (plus whatever else is visible by then). Publish the marker last: once it is in the
 * queue, so is everything published before it that the queue was going to get.
 */
export async function receiveUntilMarker(sqs: SQSClient, queueUrl: string, isMarker: (m: Message) => boolean, ms: number, what: string): Promise<Message[]> {
  const received: Message[] = [];
  const deadline = Date.now() + ms;
  while (!received.some(isMarker)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(`${what} did not happen within ${ms} ms (${received.length} other message(s) arrived)`);
    received.push(...(await receiveOnce(sqs, queueUrl, 10, 1, {})));
  }
  received.push(...(await receiveOnce(sqs, queueUrl, 10, 0, {})));
  return received.filter((m) => !isMarker(m));
}

async function receiveOnce(sqs: SQSClient, queueUrl: string, max: number, waitSeconds: number, options: ReceiveOptions): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitSeconds,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      ...(options.visibilityTimeout === undefined ? {} : { VisibilityTimeout: options.visibilityTimeout }),
    }),
  );
  return Messages ?? [];
}

/**
 * The message SNS meant, whether the queue got it raw or wrapped in SNS's JSON envelope
 * (`{"Type":"Notification","Message":...}`), which is what a subscription without raw delivery gets.
 */
export function isSnsEnvelope(body: string | undefined): boolean {
  try {
    const parsed = JSON.parse(body ?? '') as { Type?: unknown; TopicArn?: unknown; Message?: unknown };
    return parsed.Type === 'Notification' && typeof parsed.TopicArn === 'string' && typeof parsed.Message === 'string';
  } catch {
    return false;
  }
}

interface Statement {
  Effect?: string;
  Principal?: string | Record<string, string | string[]>;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * Whether a queue's access policy lets `sourceArn` (an SNS topic) send to `queueArn`, judged the way
 * IAM would for the common forms: Allow statements for the SNS service principal (or everyone) with
 * sqs:SendMessage on the queue, whose conditions on aws:SourceArn (ArnEquals, ArnLike,
 * StringEquals, StringLike) hold; any matching Deny wins. A condition this does not know never holds.
 */
export function policyAllowsSend(policyJson: string | undefined, queueArn: string, sourceArn: string): boolean {
  if (!policyJson) return false;
  const policy = JSON.parse(policyJson) as { Statement?: Statement | Statement[] };
  const statements = policy.Statement === undefined ? [] : Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const applies = (s: Statement): boolean =>
    principalIsSns(s.Principal) &&
    list(s.Action).some((a) => globMatch(a.toLowerCase(), 'sqs:sendmessage')) &&
    list(s.Resource).some((r) => globMatch(r, queueArn)) &&
    Object.entries(s.Condition ?? {}).every(([operator, keys]) => conditionHolds(operator, keys, sourceArn));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

function principalIsSns(principal: Statement['Principal']): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal === 'string') return false;
  return list(principal.Service).includes('sns.amazonaws.com') || list(principal.AWS).includes('*');
}

function conditionHolds(operator: string, keys: Record<string, string | string[]>, sourceArn: string): boolean {
  return Object.entries(keys).every(([key, values]) => {
    if (key.toLowerCase() !== 'aws:sourcearn') return false;
    const wanted = list(values);
    if (operator === 'ArnEquals' || operator === 'StringEquals') return wanted.includes(sourceArn);
    if (operator === 'ArnLike' || operator === 'StringLike') return wanted.some((pattern) => globMatch(pattern, sourceArn));
    return false;
  });
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function globMatch(pattern: string, text: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(text);
}
