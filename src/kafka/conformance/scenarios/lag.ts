/**
 * Consumer lag the way monitoring tools compute it with the admin client: the topic's high
 * watermarks (fetchTopicOffsets) minus the group's committed offsets (fetchOffsets), where a group
 * that has committed nothing reports -1 and its lag counts from the low watermark.
 */
import type { Admin } from 'kafkajs';
import type { Target } from '../brokers.ts';
import { createTopic } from '../flows.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface GroupLag {
  committed: Array<{ partition: number; offset: string; metadata: string | null }>;
  lag: number[];
}

interface GroupState {
  state: string;
  protocolType: string;
  members: number;
  listed: boolean;
}

interface Observation {
  neverCommitted: GroupLag;
  partlyCommitted: GroupLag;
  fullyCommitted: GroupLag;
  groups: Record<string, GroupState>;
}

async function lagOf(admin: Admin, groupId: string, topic: string): Promise<GroupLag> {
  const [watermarks, fetched] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committed = (fetched.find((t) => t.topic === topic)?.partitions ?? [])
    .map(({ partition, offset, metadata }) => ({ partition, offset, metadata }))
    .sort((a, b) => a.partition - b.partition);
  const lag = committed.map(({ partition, offset }) => {
    const mark = watermarks.find((w) => w.partition === partition);
    if (!mark) throw new Error(`no watermark for partition ${partition}`);
    const from = Number(offset) < 0 ? Number(mark.low) : Number(offset);
    return Number(mark.high) - from;
  });
  return { committed, lag };
}

export const lag: Scenario<Observation> = {
  name: 'lag from committed offsets and high watermarks, including a group that never committed',
  expected: {
    neverCommitted: {
      committed: [
        { partition: 0, offset: '-1', metadata: null },
        { partition: 1, offset: '-1', metadata: null },
      ],
      lag: [4, 2],
    },
    partlyCommitted: {
      committed: [
        { partition: 0, offset: '3', metadata: null },
        { partition: 1, offset: '-1', metadata: null },
      ],
      lag: [1, 2],
    },
    fullyCommitted: {
      committed: [
        { partition: 0, offset: '4', metadata: null },
        { partition: 1, offset: '2', metadata: null },
      ],
      lag: [0, 0],
    },
    groups: {
      // A group id nobody used: Kafka describes it as Dead with no members, and does not list it.
      'never-committed': { state: 'Dead', protocolType: '', members: 0, listed: false },
      // Offsets set through the admin client, which joins the group with a short-lived consumer to
      // commit them (kafkajs's setOffsets): a consumer group with no members now, Empty and listed.
      'partly-committed': { state: 'Empty', protocolType: 'consumer', members: 0, listed: true },
      'fully-committed': { state: 'Empty', protocolType: 'consumer', members: 0, listed: true },
    },
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('lag');
      const admin = await session.admin();
      await createTopic(admin, topic, 2);
      const producer = await session.producer();
      await producer.send({
        topic,
        messages: [0, 0, 0, 0, 1, 1].map((partition, i) => ({ partition, value: `m${i}` })),
      });

      const never = session.name('never-committed');
      const partly = session.name('partly-committed');
      const fully = session.name('fully-committed');
      // Concurrently: each setOffsets waits out one idle fetch (kafkajs's 5 s default) of its helper consumer.
      await Promise.all([
        admin.setOffsets({ groupId: partly, topic, partitions: [{ partition: 0, offset: '3' }] }),
        admin.setOffsets({
          groupId: fully,
          topic,
          partitions: [
            { partition: 0, offset: '4' },
            { partition: 1, offset: '2' },
          ],
        }),
      ]);

      const listed = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const described = await admin.describeGroups([never, partly, fully]);
      const groups: Record<string, GroupState> = {};
      for (const group of described.groups) {
        groups[group.groupId] = {
          state: group.state,
          protocolType: group.protocolType,
          members: group.members.length,
          listed: listed.has(group.groupId),
        };
      }
      return session.normalize({
        neverCommitted: await lagOf(admin, never, topic),
        partlyCommitted: await lagOf(admin, partly, topic),
        fullyCommitted: await lagOf(admin, fully, topic),
        groups,
      });
    }),
};
