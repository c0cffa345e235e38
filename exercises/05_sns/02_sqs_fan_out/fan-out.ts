import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

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

    // TODO: on AWS a queue refuses SNS unless its access policy (the queue attribute `Policy`)
    // allows the sns.amazonaws.com service to sqs:SendMessage — for this topic only.

    // TODO: this is how the guide subscribes: the queue gets SNS's JSON envelope instead of the
    // message itself (RawMessageDelivery), and a policy on the body needs its FilterPolicyScope.
    const attributes: Record<string, string> = {};
    if (spec.filterPolicy) attributes.FilterPolicy = JSON.stringify(spec.filterPolicy);
    const { SubscriptionArn: subscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: arn, Attributes: attributes, ReturnSubscriptionArn: true }),
    );
    if (!subscriptionArn) throw new Error(`subscribing ${spec.name} returned no subscription ARN`);
    queues[spec.name] = { url, arn, subscriptionArn };
  }
  return { topicArn, queues };
}
