import type { S3Client } from '@aws-sdk/client-s3';
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
  // TODO: `length` counts UTF-16 code units, not bytes, and the attributes count too.
  void attributes;
  return body.length;
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
  // TODO: this is the guide's publish(): everything inline, whatever its size. Over SNS_PUBLISH_LIMIT,
  // store the payload in `bucket` and publish a PayloadPointer instead, with OFFLOADED_SIZE_ATTRIBUTE.
  void s3;
  void bucket;
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: payload, MessageAttributes: attributes }));
  if (!MessageId) throw new Error('SNS returned no MessageId');
  return { messageId: MessageId, offloaded: false };
}

/** The payload a delivered message carries: its body, or the S3 object it points to, checked against the pointer. */
export async function readPayload(s3: S3Client, message: DeliveredMessage): Promise<string> {
  // TODO: a message with OFFLOADED_SIZE_ATTRIBUTE carries a pointer: fetch the object, and refuse
  // it (PayloadIntegrityError) unless its size and SHA-256 match.
  void s3;
  return message.body;
}
