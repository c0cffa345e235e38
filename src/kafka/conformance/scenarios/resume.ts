/**
 * At-least-once across a restart: a consumer reads everything, commits only part of it and stops;
 * a new consumer in the same group resumes at the committed offsets, so committed messages are not
 * delivered again and processed-but-uncommitted ones are.
 */
import type { Target } from '../brokers.ts';
import { RECEIVE_TIMEOUT_MS, createTopic, startReader } from '../flows.ts';
import { byPartition } from '../observe.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  firstRun: Record<string, string[]>;
  committedAfterFirstRun: Array<{ partition: number; offset: string }>;
  secondRun: Record<string, string[]>;
}

const offsetsByPartition = (items: Array<{ partition: number; offset: string }>): Record<string, string[]> => {
  const grouped = byPartition(items);
  return Object.fromEntries(Object.entries(grouped).map(([p, list]) => [p, list.map((m) => m.offset)]));
};

export const resume: Scenario<Observation> = {
  name: 'a restarted consumer resumes at the committed offsets (uncommitted messages are redelivered)',
  timeoutMs: 90_000,
  expected: {
    firstRun: { '0': ['0', '1', '2', '3', '4'], '1': ['0', '1', '2'] },
    committedAfterFirstRun: [
      { partition: 0, offset: '3' },
      { partition: 1, offset: '3' },
    ],
    // 3 and 4 of partition 0 again (processed, never committed), then the new messages 5 and 3.
    secondRun: { '0': ['3', '4', '5'], '1': ['3'] },
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('resume');
      const groupId = session.name('resume-group');
      const admin = await session.admin();
      await createTopic(admin, topic, 2);
      const producer = await session.producer();
      await producer.send({ topic, messages: [0, 0, 0, 0, 0, 1, 1, 1].map((partition, i) => ({ partition, value: `m${i}` })) });

      // autoCommit off: only the explicit commit below may move the group's offsets.
      const first = await startReader(session, { topic, groupId, autoCommit: false, clientId: 'resume-first' });
      const firstRun = (await first.inbox.waitFor(8, RECEIVE_TIMEOUT_MS, 'the first run reading all 8 messages')).slice();
      // "Processed" all 8 but commit only partition 0 up to offset 3 (next to read) and all of partition 1.
      await first.consumer.commitOffsets([
        { topic, partition: 0, offset: '3' },
        { topic, partition: 1, offset: '3' },
      ]);
      await first.consumer.disconnect();

      const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committedAfterFirstRun = (fetched?.partitions ?? [])
        .map(({ partition, offset }) => ({ partition, offset }))
        .sort((a, b) => a.partition - b.partition);

      const second = await startReader(session, { topic, groupId, autoCommit: false, clientId: 'resume-second' });
      await producer.send({ topic, messages: [0, 1].map((partition) => ({ partition, value: `after restart ${partition}` })) });
      // Per-partition order makes the new messages a marker: once both arrived, every redelivery has too.
      await second.inbox.waitUntil((m) => m.partition === 0 && m.offset === '5', RECEIVE_TIMEOUT_MS, 'partition 0 offset 5 arriving');
      await second.inbox.waitUntil((m) => m.partition === 1 && m.offset === '3', RECEIVE_TIMEOUT_MS, 'partition 1 offset 3 arriving');
      const secondRun = second.inbox.items.slice();
      await second.consumer.disconnect();

      return session.normalize({
        firstRun: offsetsByPartition(firstRun),
        committedAfterFirstRun,
        secondRun: offsetsByPartition(secondRun),
      });
    }),
};
