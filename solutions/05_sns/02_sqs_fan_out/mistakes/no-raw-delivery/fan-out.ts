// Mistake: subscribes without RawMessageDelivery, so each queue receives SNS's JSON envelope instead of the event, with the attributes folded into it.
// Caught by: a queue receives the event exactly as it was published, attributes and all
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueSpec {
  name: string;
  /** The subscription's filter policy; without one the queue gets every message. */
  filterPolicy?: Record<string, unknown>;
  /** What the policy looks at: the message attributes (SNS's default) or the JSON body. */
  filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

export interface FanOutQueue {
  url: string;
  arn: string;
  subscriptionArn: string;
}

export interface FanOut {
  topicArn: string;
  queues: Record<string, FanOutQueue>;
}

export interface Clients {
  sns: SNSClient;
  sqs: SQSClient;
}

/** Creates a topic and one SQS queue per spec, each subscribed to the topic through its own filter policy. */
export async function createFanOut({ sns, sqs }: Clients, topicName: string, specs: QueueSpec[]): Promise<FanOut> {
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: topicName }));
  if (!topicArn) throw new Error(`CreateTopic ${topicName} returned no ARN`);

  const queues: Record<string, FanOutQueue> = {};
  for (const spec of specs) {
    const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: spec.name }));
    if (!url) throw new Error(`CreateQueue ${spec.name} returned no URL`);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    const arn = Attributes?.QueueArn;
    if (!arn) throw new Error(`the queue ${spec.name} has no ARN`);

    // SNS delivers to a queue as the sns.amazonaws.com service principal, and only if the queue's
    // own policy allows it. The condition keeps it to this topic: without one, any topic anywhere
    // could fill the queue. Set before subscribing, so no early message is refused.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(allowTopic(arn, topicArn)) } }));

    const attributes: Record<string, string> = {};
    if (spec.filterPolicy) attributes.FilterPolicy = JSON.stringify(spec.filterPolicy);
    if (spec.filterPolicyScope) attributes.FilterPolicyScope = spec.filterPolicyScope;
    const { SubscriptionArn: subscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: attributes, ReturnSubscriptionArn: true }),
    );
    if (!subscriptionArn) throw new Error(`subscribing ${spec.name} returned no subscription ARN`);
    queues[spec.name] = { url, arn, subscriptionArn };
  }
  return { topicArn, queues };
}

function allowTopic(queueArn: string, topicArn: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowTopicToSend',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
}
