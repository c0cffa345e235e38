// Mistake: measures the body with string length (UTF-16 code units), so a body of multi-byte characters looks small enough and AWS refuses it.
// Caught by: counts the UTF-8 bytes of the body and of every attribute's name, type and value
// Caught by: size is counted in bytes: 100,000 euro signs (300,000 bytes) go through S3
import { createHash, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';

/** SNS refuses a Publish whose body and attributes together exceed 256 KiB. */
export const SNS_PUBLISH_LIMIT = 262_144;

/** Marks a message whose body is a pointer, and carries the payload's size in bytes (the name the AWS extended clients use). */
export const OFFLOADED_SIZE_ATTRIBUTE = 'ExtendedPayloadSize';

/** The body of an offloaded message. */
export interface PayloadPointer {
  s3BucketName: string;
  s3Key: string;
  /** Hex SHA-256 of the payload's UTF-8 bytes, so the consumer can tell it got what was sent. */
  sha256: string;
}

/** A message as the queue delivered it (raw delivery): its body and its message attributes. */
export interface DeliveredMessage {
  body: string;
  attributes: Record<string, { DataType?: string; StringValue?: string }>;
}

export class PayloadIntegrityError extends Error {
  constructor(pointer: PayloadPointer, reason: string) {
    super(`s3://${pointer.s3BucketName}/${pointer.s3Key} is not the payload that was published: ${reason}`);
    this.name = 'PayloadIntegrityError';
  }
}

/** The bytes SNS counts against its limit: the body's and every attribute's name, type and value, in UTF-8. */
export function publishSize(body: string, attributes: Record<string, MessageAttributeValue> = {}): number {
  let size = body.length;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType ?? '', 'utf8');
    size += attribute.BinaryValue?.byteLength ?? Buffer.byteLength(attribute.StringValue ?? '', 'utf8');
  }
  return size;
}

/**
 * Publishes `payload` inline when SNS will take it, and otherwise stores it in S3 and publishes a
 * pointer to it (the claim-check pattern). The caller's attributes travel either way, so
 * subscriptions filter an offloaded message just like an inline one.
 */
export async function publishPayload(
  { sns, s3 }: { sns: SNSClient; s3: S3Client },
  { topicArn, bucket }: { topicArn: string; bucket: string },
  payload: string,
  attributes: Record<string, MessageAttributeValue> = {},
): Promise<{ messageId: string; offloaded: boolean }> {
  if (publishSize(payload, attributes) <= SNS_PUBLISH_LIMIT) {
    return { messageId: await publish(sns, topicArn, payload, attributes), offloaded: false };
  }
  const bytes = Buffer.from(payload, 'utf8');
  const pointer: PayloadPointer = { s3BucketName: bucket, s3Key: randomUUID(), sha256: sha256(bytes) };
  // Stored before the pointer is published: a consumer must never receive a pointer to nothing.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: pointer.s3Key, Body: bytes, ContentType: 'application/octet-stream' }));
  const withSize = { ...attributes, [OFFLOADED_SIZE_ATTRIBUTE]: { DataType: 'Number', StringValue: String(bytes.byteLength) } };
  return { messageId: await publish(sns, topicArn, JSON.stringify(pointer), withSize), offloaded: true };
}

/** The payload a delivered message carries: its body, or the S3 object it points to, checked against the pointer. */
export async function readPayload(s3: S3Client, message: DeliveredMessage): Promise<string> {
  const size = message.attributes[OFFLOADED_SIZE_ATTRIBUTE];
  if (!size) return message.body;
  const pointer = JSON.parse(message.body) as PayloadPointer;
  const object = await s3.send(new GetObjectCommand({ Bucket: pointer.s3BucketName, Key: pointer.s3Key }));
  const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  if (bytes.byteLength !== Number(size.StringValue)) {
    throw new PayloadIntegrityError(pointer, `${bytes.byteLength} bytes, where the message says ${size.StringValue}`);
  }
  if (sha256(bytes) !== pointer.sha256) throw new PayloadIntegrityError(pointer, 'its SHA-256 differs from the pointer');
  return bytes.toString('utf8');
}

async function publish(sns: SNSClient, topicArn: string, body: string, attributes: Record<string, MessageAttributeValue>): Promise<string> {
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: body, MessageAttributes: attributes }));
  if (!MessageId) throw new Error('SNS returned no MessageId');
  return MessageId;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
