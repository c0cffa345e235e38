/**
 * Using a topic that does not exist, on brokers with topic auto-creation disabled (both brokers of
 * this file are started that way): which kafkajs error each client call surfaces, and that nothing
 * was created behind the client's back — even by clients that ask for auto-creation.
 */
import type { Target } from '../brokers.ts';
import { type Outcome, UNKNOWN_TOPIC, outcome, retriedInVain } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  outcomes: Record<string, Outcome>;
  createdAnyway: boolean;
}

/** kafkajs retries UNKNOWN_TOPIC_OR_PARTITION (it is retriable) where the call has a retrier, then wraps the last one. */
const retriedUnknownTopic = retriedInVain(UNKNOWN_TOPIC);

export const unknownTopicScenario: Scenario<Observation> = {
  name: 'unknown topic with auto-creation disabled: the errors kafkajs surfaces',
  timeoutMs: 90_000,
  expected: {
    outcomes: {
      'producer.send (allowAutoTopicCreation: true)': { error: retriedUnknownTopic },
      'producer.send (allowAutoTopicCreation: false)': { error: retriedUnknownTopic },
      // Fails on the first answer: kafkajs has no retrier around this call's metadata request.
      'admin.fetchTopicMetadata': { error: UNKNOWN_TOPIC },
      'admin.fetchTopicOffsets': { error: retriedUnknownTopic },
      'admin.deleteTopics': { error: retriedUnknownTopic },
      // Likewise.
      'consumer.subscribe': { error: UNKNOWN_TOPIC },
    },
    createdAnyway: false,
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const missing = session.name('missing-topic');
      const admin = await session.admin();
      const outcomes: Record<string, Outcome> = {};
      const record = async (label: string, action: () => Promise<unknown>): Promise<void> => {
        outcomes[label] = await outcome(action);
      };

      const autoCreating = await session.producer({ allowAutoTopicCreation: true });
      await record('producer.send (allowAutoTopicCreation: true)', () => autoCreating.send({ topic: missing, messages: [{ value: 'x' }] }));
      const strict = await session.producer({ allowAutoTopicCreation: false });
      await record('producer.send (allowAutoTopicCreation: false)', () => strict.send({ topic: missing, messages: [{ value: 'x' }] }));
      await record('admin.fetchTopicMetadata', () => admin.fetchTopicMetadata({ topics: [missing] }));
      await record('admin.fetchTopicOffsets', () => admin.fetchTopicOffsets(missing));
      await record('admin.deleteTopics', () => admin.deleteTopics({ topics: [missing], timeout: 5_000 }));
      const consumer = session.consumer({ groupId: session.name('missing-topic-group') });
      await consumer.connect();
      await record('consumer.subscribe', () => consumer.subscribe({ topic: missing }));

      const createdAnyway = (await admin.listTopics()).includes(missing);
      return session.normalize({ outcomes, createdAnyway });
    }),
};
