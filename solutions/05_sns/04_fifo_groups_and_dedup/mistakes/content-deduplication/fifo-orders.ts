// Mistake: the guide's choice, content-based deduplication: a retry carries a new publishedAt, so its body (and hash) differ and it is delivered twice.
// Caught by: a retried event is delivered once, even though the retry carries a later publishedAt
import { CreateTopicCommand, PublishCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface OrderEvent {
  /** Unique per event, and the same when a publisher retries the event. */
  eventId: string;
  orderId: string;
  type: 'created' | 'paid' | 'packed' | 'shipped';
  /** When this attempt was published: a retry carries a later time. */
  publishedAt: string;
}

export interface FifoPipeline {
  topicArn: string;
  queueUrl: string;
}

/** A FIFO topic and a FIFO queue subscribed to it with raw delivery. */
export async function createFifoPipeline({ sns, sqs }: { sns: SNSClient; sqs: SQSClient }, name: string): Promise<FifoPipeline> {
  // FIFO topics and queues are named *.fifo, and say so in an attribute too.
  const { TopicArn: topicArn } = await sns.send(
    new CreateTopicCommand({ Name: `${name}.fifo`, Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } }),
  );
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }),
  );
  if (!topicArn || !queueUrl) throw new Error(`creating ${name}.fifo returned no ARN or URL`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = Attributes?.QueueArn;
  if (!queueArn) throw new Error(`the queue ${name}.fifo has no ARN`);
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': topicArn } } },
    ],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  return { topicArn, queueUrl };
}

export async function publishOrderEvent(sns: SNSClient, topicArn: string, event: OrderEvent): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      // One group per order: an order's events are delivered one after another, in publishing
      // order, while other orders go on in parallel.
      MessageGroupId: event.orderId,
      // The event's identity, not its bytes: a retry carries a new publishedAt, so content-based
      // deduplication would see a new message. Within 5 minutes SNS drops a repeated id.
    }),
  );
}
