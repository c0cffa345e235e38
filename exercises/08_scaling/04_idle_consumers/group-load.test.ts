import type { Admin } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { createTopic, disconnectAfterTest, kafkaClient, uniqueName } from '#testing/kafka';
import { until } from '#testing/wait';
import { groupLoad } from './group-load.ts';

/** Members notice rebalances from heartbeats; short fetch waits make them rejoin within a second. */
const MEMBER_TIMING = { sessionTimeout: 6_000, heartbeatInterval: 300, maxWaitTimeInMs: 300 };

async function connectedAdmin(): Promise<Admin> {
  const admin = disconnectAfterTest(kafkaClient().admin());
  await admin.connect();
  return admin;
}

/** Starts `count` members of `groupId` reading `topic`, with clientIds member-1, member-2, ... */
async function startMembers(topic: string, groupId: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    const consumer = disconnectAfterTest(kafkaClient({ clientId: `member-${n}` }).consumer({ groupId, ...MEMBER_TIMING }));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
  }
}

/** The group has settled with every member in it: the coordinator's state, which has no event to wait on. */
async function settled(admin: Admin, groupId: string, members: number): Promise<void> {
  await until(
    async () => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      return group?.state === 'Stable' && group.members.length === members;
    },
    `the group ${groupId} settling with ${members} members`,
    15_000,
  );
}

describe('the load of a consumer group, member by member', () => {
  test('with more members than partitions, the extra member is idle and every partition has one owner', async () => {
    const topic = uniqueName('orders');
    const groupId = uniqueName('order-service');
    await createTopic(topic, 2);
    const admin = await connectedAdmin();
    await startMembers(topic, groupId, 3);
    await settled(admin, groupId, 3);

    const load = await groupLoad(admin, groupId, topic).catch((error: unknown) => {
      throw new Error(
        `groupLoad threw "${(error as Error).message}" for a group with an idle member: a member that owns nothing has an empty assignment, which AssignerProtocol.MemberAssignment.decode() returns as null`,
      );
    });

    expect(load.members.map((m) => m.partitions), 'each member’s partitions, busiest first').toEqual([[expect.any(Number)], [expect.any(Number)], []]);
    expect(load.members.flatMap((m) => m.partitions).sort((a, b) => a - b), 'partitions 0 and 1 owned once each').toEqual([0, 1]);
    const idleMember = load.members[2];
    expect(load.idle, 'the member that owns nothing is the idle one').toEqual([idleMember?.memberId]);
    expect(idleMember?.clientId, 'members are reported with their clientId').toMatch(/^member-[123]$/);
    expect(load.unassigned, 'no partition is left without an owner').toEqual([]);
  }, 30_000);

  test('with fewer members than partitions, every member works and nobody is idle', async () => {
    const topic = uniqueName('orders');
    const groupId = uniqueName('order-service');
    await createTopic(topic, 5);
    const admin = await connectedAdmin();
    await startMembers(topic, groupId, 2);
    await settled(admin, groupId, 2);

    const load = await groupLoad(admin, groupId, topic);

    expect(load.members.map((m) => m.partitions.length), 'partitions per member, busiest first').toEqual([3, 2]);
    for (const member of load.members) {
      expect(member.partitions, `the partitions of ${member.clientId}, ascending`).toEqual([...member.partitions].sort((a, b) => a - b));
    }
    expect(load.members.flatMap((m) => m.partitions).sort((a, b) => a - b), 'every partition owned once').toEqual([0, 1, 2, 3, 4]);
    expect(load.idle, 'nobody is idle').toEqual([]);
    expect(load.unassigned).toEqual([]);
  }, 30_000);

  test('a group nobody has joined leaves every partition unassigned', async () => {
    const topic = uniqueName('orders');
    // Four partitions: the broker lists them in its own order (on the embedded broker 0, 3, 1, 2),
    // as Kafka does, so a list built from the metadata is only ascending if you sort it.
    await createTopic(topic, 4);
    const admin = await connectedAdmin();

    const load = await groupLoad(admin, uniqueName('nobody-yet'), topic);

    expect(load.unassigned, 'the unassigned partitions, ascending: all of the topic’s, which the topic metadata lists (not sorted)').toEqual([0, 1, 2, 3]);
    expect(load, 'a group with no members').toEqual({ members: [], idle: [], unassigned: [0, 1, 2, 3] });
  });
});
