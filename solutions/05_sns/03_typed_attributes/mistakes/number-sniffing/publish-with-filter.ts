// Mistake: decides the DataType from how the text looks, so the id '00123' goes as the Number 123 and no longer matches a policy for the string '00123'.
// Caught by: a string that looks like a number is still a String
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
  if (Array.isArray(value)) return { DataType: 'String.Array', StringValue: JSON.stringify(value) };
  if (/^-?\d+(\.\d+)?$/.test(String(value))) return { DataType: 'Number', StringValue: String(value) };
  return { DataType: 'String', StringValue: String(value) };
}
