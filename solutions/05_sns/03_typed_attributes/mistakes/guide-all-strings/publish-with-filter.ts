// Mistake: the guide's publishWithFilter: every attribute goes as DataType String, so numeric rules never match and an array is the text 'new,vip'.
// Caught by: a subscription for big orders (amount >= 100) receives the order of 150 and not the one of 50
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';

/** What a caller may attach for subscriptions to filter on. */
export type AttributeInput = string | number | string[];

/**
 * Publishes `message` as JSON with `filterAttributes` as message attributes; resolves to SNS's
 * message id. This is the guide's `publishWithFilter()`, rewritten: find what it gets wrong.
 */
export async function publishWithFilter(sns: SNSClient, topicArn: string, message: unknown, filterAttributes: Record<string, AttributeInput>): Promise<string> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(filterAttributes)) {
    attributes[name] = { DataType: 'String', StringValue: String(value) };
  }
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(message), MessageAttributes: attributes }));
  if (!MessageId) throw new Error('SNS returned no MessageId');
  return MessageId;
}
