// Mistake: sends an array as JSON text with DataType String: moto reads it as an array anyway, AWS compares it as one string and the VIP queue gets nothing.
// Caught by: each attribute arrives with the DataType that filter policies compare by
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';

/** What a caller may attach for subscriptions to filter on. */
export type AttributeInput = string | number | string[];

/** Publishes `message` as JSON with `filterAttributes` as message attributes; resolves to SNS's message id. */
export async function publishWithFilter(sns: SNSClient, topicArn: string, message: unknown, filterAttributes: Record<string, AttributeInput>): Promise<string> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(filterAttributes)) attributes[name] = toAttribute(value);
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(message), MessageAttributes: attributes }));
  if (!MessageId) throw new Error('SNS returned no MessageId');
  return MessageId;
}

/**
 * The DataType is what filter policies compare by: numeric rules only ever match Number attributes,
 * and only a String.Array is matched element by element. The JavaScript type decides, never the
 * look of the text: "00123" is an id, not the number 123.
 */
function toAttribute(value: AttributeInput): MessageAttributeValue {
  if (Array.isArray(value)) return { DataType: 'String', StringValue: JSON.stringify(value) };
  if (typeof value === 'number') return { DataType: 'Number', StringValue: String(value) };
  return { DataType: 'String', StringValue: value };
}
