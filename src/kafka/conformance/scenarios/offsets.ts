/**
 * Offsets as the producer and the admin client see them: the base offset each produce reports, the
 * low and high watermarks before and after producing, after deleting records, and the offset found
 * for a timestamp (kafkajs substitutes the high watermark where no message is that recent).
 */
import type { RecordMetadata } from 'kafkajs';
import type { Target } from '../brokers.ts';
import { createTopic } from '../flows.ts';
import { type Outcome, outcome } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Watermark {
  partition: number;
  offset: string;
  high: string;
  low: string;
}

interface Observation {
  empty: Watermark[];
  firstSend: RecordMetadata[];
  secondSend: RecordMetadata[];
  afterProducing: Watermark[];
  offsetsForTimestamp: Record<string, Array<{ partition: number; offset: string }>>;
  deleteRecords: Outcome;
  afterDeletingRecords: Watermark[];
}

/**
 * Producer timestamps relative to a minute ago: recent, so retention (7 days) never deletes them
 * mid-test (see delivery.ts), and labelled relative to BASE in the observation.
 */
const BASE = Date.now() - 60_000;

const byPartition = <T extends { partition: number }>(items: T[]): T[] => [...items].sort((a, b) => a.partition - b.partition);
const mark = (partition: number, high: number, low = 0): Watermark => ({
  partition,
  offset: String(high),
  high: String(high),
  low: String(low),
});
const produced = (partition: number, baseOffset: number): RecordMetadata => ({
  topicName: 'offsets',
  partition,
  errorCode: 0,
  baseOffset: String(baseOffset),
  // CreateTime topics (the default) report -1: the broker did not stamp its own time.
  logAppendTime: '-1',
  logStartOffset: '0',
});

export const offsets: Scenario<Observation> = {
  name: 'produce results, watermarks, offsets by timestamp and deleted records',
  expected: {
    empty: [mark(0, 0), mark(1, 0), mark(2, 0)],
    firstSend: [produced(0, 0), produced(1, 0)],
    secondSend: [produced(0, 5)],
    afterProducing: [mark(0, 7), mark(1, 3), mark(2, 0)],
    offsetsForTimestamp: {
      // Partition 0 holds timestamps BASE+1000..1006, partition 1 holds BASE+2000..2002, partition 2 nothing.
      'BASE+1003': [
        { partition: 0, offset: '3' },
        { partition: 1, offset: '0' },
        { partition: 2, offset: '0' },
      ],
      'BASE+1500': [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '0' },
        { partition: 2, offset: '0' },
      ],
      'BASE+9999': [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '3' },
        { partition: 2, offset: '0' },
      ],
    },
    deleteRecords: { ok: null },
    afterDeletingRecords: [mark(0, 7, 4), mark(1, 3), mark(2, 0)],
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('offsets');
      const admin = await session.admin();
      await createTopic(admin, topic, 3);
      const empty = byPartition(await admin.fetchTopicOffsets(topic));

      const producer = await session.producer();
      const message = (partition: number, t: number) => ({ partition, value: `at BASE+${t}`, timestamp: String(BASE + t) });
      const firstSend = await producer.send({
        topic,
        messages: [1000, 1001, 1002, 1003, 1004].map((t) => message(0, t)).concat([2000, 2001, 2002].map((t) => message(1, t))),
      });
      const secondSend = await producer.send({ topic, messages: [1005, 1006].map((t) => message(0, t)) });
      const afterProducing = byPartition(await admin.fetchTopicOffsets(topic));

      const offsetsForTimestamp: Observation['offsetsForTimestamp'] = {};
      for (const t of [1003, 1500, 9999]) {
        offsetsForTimestamp[`BASE+${t}`] = byPartition(await admin.fetchTopicOffsetsByTimestamp(topic, BASE + t));
      }

      const deleteRecords = await outcome(() => admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] }));
      const afterDeletingRecords = byPartition(await admin.fetchTopicOffsets(topic));

      return session.normalize({
        empty,
        firstSend: byPartition(firstSend),
        secondSend: byPartition(secondSend),
        afterProducing,
        offsetsForTimestamp,
        deleteRecords,
        afterDeletingRecords,
      });
    }),
};
