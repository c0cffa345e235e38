import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, test } from 'vitest';
import { aws, createBucket, objectKeys, receiveCount, topicWithRawQueue, useSns } from '#testing/sns';
import { OFFLOADED_SIZE_ATTRIBUTE, PayloadIntegrityError, publishPayload, publishSize, readPayload, type DeliveredMessage } from './claim-check.ts';

useSns();

/** SNS's limit for a Publish: 256 KiB. */
const LIMIT = 262_144;
const ATTRIBUTES: Record<string, MessageAttributeValue> = { eventType: { DataType: 'String', StringValue: 'report.ready' } };
/** "eventType" + "String" + "report.ready": what ATTRIBUTES add to the size, in bytes. */
const ATTRIBUTE_BYTES = 9 + 6 + 12;

/** A topic, a queue with raw delivery, and a bucket, all for this test. */
async function setUp() {
  const clients = aws();
  const { topicArn, queue } = await topicWithRawQueue(clients, 'reports');
  const bucket = await createBucket(clients.s3, 'payloads');
  const receive = async (): Promise<{ message: Message; delivered: DeliveredMessage }> => {
    const [message] = await receiveCount(clients.sqs, queue.url, 1, 5_000, 'the message reaching the queue');
    const attributes = Object.fromEntries(Object.entries(message?.MessageAttributes ?? {}).map(([k, v]) => [k, { DataType: v.DataType, StringValue: v.StringValue }]));
    return { message: message as Message, delivered: { body: message?.Body ?? '', attributes } };
  };
  return { clients, target: { topicArn, bucket }, bucket, receive };
}

describe('publishSize', () => {
  test("counts the UTF-8 bytes of the body and of every attribute's name, type and value", () => {
    expect(publishSize('hello'), 'five ASCII characters').toBe(5);
    expect(publishSize('héllo'), '"é" takes two bytes in UTF-8: SNS counts bytes, not characters').toBe(6);
    expect(publishSize('€'.repeat(10)), 'each "€" takes three bytes').toBe(30);
    expect(publishSize('hello', ATTRIBUTES), 'the attribute adds its name, DataType and value').toBe(5 + ATTRIBUTE_BYTES);
  });
});

describe('publishPayload and readPayload', () => {
  test('a small payload goes inline: the queue gets it as is, and nothing goes to S3', async () => {
    const { clients, target, bucket, receive } = await setUp();
    const payload = JSON.stringify({ report: 'weekly', rows: [1, 2, 3] });

    const result = await publishPayload(clients, target, payload, ATTRIBUTES);

    const { delivered } = await receive();
    expect(result.offloaded, 'publishPayload should say it did not offload').toBe(false);
    expect(delivered.body, 'the queue receives the payload itself').toBe(payload);
    expect(await objectKeys(clients.s3, bucket), 'nothing is stored in S3 for a payload SNS can carry').toEqual([]);
    expect(await readPayload(clients.s3, delivered), 'readPayload returns an inline payload as is').toBe(payload);
  });

  test('exactly 262,144 bytes, attributes included, still go inline', async () => {
    const { clients, target, bucket, receive } = await setUp();
    const payload = 'x'.repeat(LIMIT - ATTRIBUTE_BYTES);

    const result = await publishPayload(clients, target, payload, ATTRIBUTES);

    expect(result.offloaded, `${payload.length} bytes of body + ${ATTRIBUTE_BYTES} of attributes is exactly SNS's limit of 256 KiB (262,144 bytes, not 256,000), which it accepts`).toBe(false);
    expect((await receive()).delivered.body.length, 'the queue receives the whole payload inline').toBe(payload.length);
    expect(await objectKeys(clients.s3, bucket)).toEqual([]);
  });

  test('one byte more goes through S3; the message carries a pointer and the attributes, and readPayload gets the payload back', async () => {
    const { clients, target, bucket, receive } = await setUp();
    const payload = 'x'.repeat(LIMIT - ATTRIBUTE_BYTES + 1);

    const result = await publishPayload(clients, target, payload, ATTRIBUTES);

    const { delivered } = await receive();
    expect(result.offloaded, 'one byte over the limit: SNS would refuse it inline').toBe(true);
    const keys = await objectKeys(clients.s3, bucket);
    expect(keys, 'the payload is stored as one object in the bucket').toHaveLength(1);
    const stored = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: keys[0] }));
    expect(await stored.Body?.transformToString(), 'the object holds the payload').toBe(payload);
    expect(delivered.body.length, 'the message itself is a small pointer, not the payload').toBeLessThan(1_024);
    expect(JSON.parse(delivered.body), 'the pointer names the bucket and the key').toMatchObject({ s3BucketName: bucket, s3Key: keys[0] });
    expect(delivered.attributes[OFFLOADED_SIZE_ATTRIBUTE], `the ${OFFLOADED_SIZE_ATTRIBUTE} attribute carries the payload's size`).toEqual({ DataType: 'Number', StringValue: String(payload.length) });
    expect(delivered.attributes.eventType, "the publisher's own attributes still travel, for filter policies").toEqual({ DataType: 'String', StringValue: 'report.ready' });
    expect(await readPayload(clients.s3, delivered), 'readPayload fetches the payload the pointer names').toBe(payload);
  });

  test('size is counted in bytes: 100,000 euro signs (300,000 bytes) go through S3', async () => {
    const { clients, target, bucket, receive } = await setUp();
    const payload = '€'.repeat(100_000);

    const result = await publishPayload(clients, target, payload);

    const { delivered } = await receive();
    expect(result.offloaded, 'the payload is 100,000 characters but 300,000 bytes: real SNS refuses it inline (moto does not check bytes, so this test does)').toBe(true);
    expect(await objectKeys(clients.s3, bucket), 'the payload is stored in S3').toHaveLength(1);
    expect(await readPayload(clients.s3, delivered), 'the payload comes back intact, every € of it').toBe(payload);
  });

  test('attributes count: a body that fits alone goes through S3 when its attributes push it over', async () => {
    const { clients, target, bucket } = await setUp();
    const payload = 'x'.repeat(LIMIT - 10);

    const result = await publishPayload(clients, target, payload, ATTRIBUTES);

    expect(result.offloaded, `the body is 10 bytes under the limit, but the attributes add ${ATTRIBUTE_BYTES}`).toBe(true);
    expect(await objectKeys(clients.s3, bucket)).toHaveLength(1);
  });

  test('readPayload refuses an object that is not what was published', async () => {
    const { clients, target, bucket, receive } = await setUp();
    const payload = 'a'.repeat(300_000);
    await publishPayload(clients, target, payload);
    const { delivered } = await receive();
    const [key] = await objectKeys(clients.s3, bucket);
    // Someone overwrote the object with something of the same size.
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'b'.repeat(300_000) }));

    const error = await readPayload(clients.s3, delivered).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, 'readPayload should reject with a PayloadIntegrityError: the SHA-256 in the pointer no longer matches').toBeInstanceOf(PayloadIntegrityError);
  });
});
