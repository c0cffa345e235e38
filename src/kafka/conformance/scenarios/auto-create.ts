/**
 * Topic auto-creation, on brokers that allow it (the second test file starts both that way): who
 * creates a topic by merely naming it, with how many partitions (the broker default, 1), and that
 * a client asking not to auto-create is honoured.
 *
 * Real Kafka (KRaft) creates the topic *after* answering the metadata request that asked for it,
 * and answers UNKNOWN_TOPIC_OR_PARTITION meanwhile: a producer gets past that by retrying, but
 * kafkajs's consumer.subscribe does not retry, so subscribing to a brand-new topic fails once even
 * though it triggered the creation. The scenario records that, waits for the topic, and subscribes again.
 */
import type { Target } from '../brokers.ts';
import { until } from '../../../testing/wait.ts';
import { RECEIVE_TIMEOUT_MS, startReader } from '../flows.ts';
import { type Outcome, UNKNOWN_TOPIC, outcome, retriedInVain } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  outcomes: Record<string, Outcome>;
  /** topic → partition count, for the topics named above that exist afterwards */
  existing: Record<string, number>;
  consumedFromAutoCreatedTopic: string[];
}

export const autoCreate: Scenario<Observation> = {
  name: 'topic auto-creation: producers and consumers that name a new topic create it with 1 partition',
  timeoutMs: 90_000,
  expected: {
    outcomes: {
      'producer.send to a new topic': {
        ok: [{ topicName: 'by-producer', partition: 0, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' }],
      },
      'producer.send with allowAutoTopicCreation: false': { error: retriedInVain(UNKNOWN_TOPIC) },
      'first consumer.subscribe to a new topic': { error: UNKNOWN_TOPIC },
    },
    existing: { 'by-producer': 1, 'by-consumer': 1 },
    consumedFromAutoCreatedTopic: ['hello'],
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const admin = await session.admin();
      const byProducer = session.name('by-producer');
      const refused = session.name('refused');
      const byConsumer = session.name('by-consumer');
      const outcomes: Record<string, Outcome> = {};

      // Enough retries to outlast the creation (see above); the outcome does not depend on how many it took.
      const producer = await session.producer({ retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1_000 } });
      outcomes['producer.send to a new topic'] = await outcome(() => producer.send({ topic: byProducer, messages: [{ value: 'first' }] }));
      const strict = await session.producer({ allowAutoTopicCreation: false });
      outcomes['producer.send with allowAutoTopicCreation: false'] = await outcome(() =>
        strict.send({ topic: refused, messages: [{ value: 'x' }] }),
      );

      // A consumer's subscribe fetches metadata with auto-creation allowed (kafkajs's default).
      const probe = session.consumer({ groupId: session.name('by-consumer-probe') });
      await probe.connect();
      outcomes['first consumer.subscribe to a new topic'] = await outcome(() => probe.subscribe({ topic: byConsumer }));
      // No event tells a client that a topic now exists: ask until it does.
      await until(async () => (await admin.listTopics()).includes(byConsumer), `${byConsumer} being auto-created`, RECEIVE_TIMEOUT_MS);
      const reader = await startReader(session, { topic: byConsumer, groupId: session.name('by-consumer-group'), fromBeginning: true });
      await producer.send({ topic: byConsumer, messages: [{ value: 'hello' }] });
      const consumed = (await reader.inbox.waitFor(1, RECEIVE_TIMEOUT_MS, 'the message on the auto-created topic')).map((m) => m.value ?? '');
      await reader.consumer.disconnect();

      const named = [byProducer, refused, byConsumer];
      const present = (await admin.listTopics()).filter((t) => named.includes(t));
      const { topics } = await admin.fetchTopicMetadata({ topics: present });
      const existing = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      return session.normalize({ outcomes, existing, consumedFromAutoCreatedTopic: consumed });
    }),
};
