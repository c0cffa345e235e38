/**
 * Topic administration mistakes: creating a topic twice, impossible partition counts and
 * replication factors, bad names, shrinking a topic. What kafkajs returns or throws for each.
 */
import type { ITopicConfig } from 'kafkajs';
import type { Target } from '../brokers.ts';
import { type Outcome, outcome } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  outcomes: Record<string, Outcome>;
  /** Which of the topics this scenario tried to create exist afterwards, and their partition counts. */
  existing: Record<string, number>;
}

/** createTopics reports per-topic failures as one KafkaJSAggregateError of KafkaJSCreateTopicErrors. */
const createFailed = (type: string, code: number, message: string): Outcome => ({
  error: {
    name: 'KafkaJSAggregateError',
    message: 'Topic creation errors',
    errors: [{ name: 'KafkaJSCreateTopicError', message, type, code, retriable: false }],
  },
});

export const topicErrors: Scenario<Observation> = {
  name: 'duplicate topics, invalid partitions and replication factors: what kafkajs reports',
  expected: {
    outcomes: {
      'create new topic': { ok: true },
      // kafkajs turns TOPIC_ALREADY_EXISTS into `false` instead of throwing.
      'create it again': { ok: false },
      'create it again with other settings': { ok: false },
      'create zero partitions': createFailed('INVALID_PARTITIONS', 37, 'Number of partitions is invalid'),
      'create -2 partitions': createFailed('INVALID_PARTITIONS', 37, 'Number of partitions is invalid'),
      'create replication factor 3 on one broker': createFailed('INVALID_REPLICATION_FACTOR', 38, 'Replication-factor is invalid'),
      'create replication factor 0': createFailed('INVALID_REPLICATION_FACTOR', 38, 'Replication-factor is invalid'),
      'create with an invalid name': createFailed('INVALID_TOPIC_EXCEPTION', 17, 'The request attempted to perform an operation on an invalid topic'),
      'shrink to 1 partition': {
        error: {
          name: 'KafkaJSProtocolError',
          message: 'Number of partitions is invalid',
          type: 'INVALID_PARTITIONS',
          code: 37,
          retriable: false,
        },
      },
    },
    existing: { 'dup-topic': 2 },
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const admin = await session.admin();
      const outcomes: Record<string, Outcome> = {};
      const topic = session.name('dup-topic');
      const create = (config: ITopicConfig) => () => admin.createTopics({ topics: [config], waitForLeaders: true });

      outcomes['create new topic'] = await outcome(create({ topic, numPartitions: 2, replicationFactor: 1 }));
      outcomes['create it again'] = await outcome(create({ topic, numPartitions: 2, replicationFactor: 1 }));
      outcomes['create it again with other settings'] = await outcome(create({ topic, numPartitions: 5 }));
      const attempts: Array<[string, ITopicConfig]> = [
        ['create zero partitions', { topic: session.name('zero-partitions'), numPartitions: 0 }],
        ['create -2 partitions', { topic: session.name('negative-partitions'), numPartitions: -2 }],
        ['create replication factor 3 on one broker', { topic: session.name('rf-three'), numPartitions: 1, replicationFactor: 3 }],
        ['create replication factor 0', { topic: session.name('rf-zero'), numPartitions: 1, replicationFactor: 0 }],
        // Never created, so a fixed name cannot collide with another run's.
        ['create with an invalid name', { topic: 'bad name!' }],
      ];
      for (const [label, config] of attempts) outcomes[label] = await outcome(create(config));
      outcomes['shrink to 1 partition'] = await outcome(() => admin.createPartitions({ topicPartitions: [{ topic, count: 1 }] }));

      const tried = [topic, ...attempts.map(([, config]) => config.topic)];
      const metadata = await admin.fetchTopicMetadata({ topics: (await admin.listTopics()).filter((t) => tried.includes(t)) });
      const existing = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
      return session.normalize({ outcomes, existing });
    }),
};
