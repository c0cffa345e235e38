/**
 * Consumer group membership: who gets which partitions when a second member joins and when it
 * leaves again. kafkajs's RoundRobinAssigner (run by the group leader, in the client) deals the
 * partitions out to members sorted by member id, and Kafka makes member ids `<clientId>-<uuid>`,
 * so with client ids "member-a" < "member-b" the split is deterministic.
 *
 * Normalised: member ids are reported by join order (a, b), since the uuid part is random; and
 * partitions are reported as their position in the broker's metadata response, because the
 * assigner deals them out in that order and real Kafka lists a topic's partitions in a hash-set
 * order (4 partitions come back as 1,3,2,0), not sorted. Which partition *numbers* each member
 * gets is therefore a property of that listing order, not of group coordination.
 */
import { AssignerProtocol, type Consumer, type ConsumerGroupJoinEvent } from 'kafkajs';
import { Inbox } from '../../../testing/wait.ts';
import type { Target } from '../brokers.ts';
import { RECEIVE_TIMEOUT_MS, createTopic } from '../flows.ts';
import { type Session, withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

type Name = 'a' | 'b';

/** Positions in the metadata listing, e.g. `{ assignment: [0, 2] }`: the 1st and 3rd partitions listed. */
type Positions = Record<string, number[]>;

interface Join {
  isLeader: boolean;
  /** The leader, as a join-order name. */
  leader: Name | 'unknown';
  groupProtocol: string;
  assignment: Positions;
}

interface DescribedMember {
  clientId: string;
  clientHost: string;
  /** `<clientId>-<uuid>`, as Kafka generates them (KIP-394 member-id-required handshake or not). */
  memberIdIsClientIdDashUuid: boolean;
  assignment: Positions;
  subscribedTopics: string[];
}

interface Observation {
  aAlone: { a: Join };
  bJoined: { a: Join; b: Join; described: { state: string; protocol: string; protocolType: string; members: DescribedMember[] } };
  bLeft: { a: Join };
  /** Every partition exactly once in the listing (its order is the broker's own; see above). */
  listedPartitionsSorted: number[];
}

const MEMBER_ID = /^member-[ab]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function member(session: Session, groupId: string, name: Name): { consumer: Consumer; joins: Inbox<ConsumerGroupJoinEvent['payload']> } {
  const consumer = session.consumer({ groupId }, `member-${name}`);
  const joins = new Inbox<ConsumerGroupJoinEvent['payload']>();
  consumer.on(consumer.events.GROUP_JOIN, (event) => joins.push(event.payload));
  return { consumer, joins };
}

async function join(consumer: Consumer, topic: string): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
}

export const assignment: Scenario<Observation> = {
  name: 'group assignment after a member joins and after it leaves',
  timeoutMs: 90_000,
  expected: {
    aAlone: { a: { isLeader: true, leader: 'a', groupProtocol: 'RoundRobinAssigner', assignment: { assignment: [0, 1, 2, 3] } } },
    bJoined: {
      // The first member stays leader; round-robin in member-id order: a gets the 1st and 3rd partitions listed.
      a: { isLeader: true, leader: 'a', groupProtocol: 'RoundRobinAssigner', assignment: { assignment: [0, 2] } },
      b: { isLeader: false, leader: 'a', groupProtocol: 'RoundRobinAssigner', assignment: { assignment: [1, 3] } },
      described: {
        state: 'Stable',
        protocol: 'RoundRobinAssigner',
        protocolType: 'consumer',
        members: [
          { clientId: 'member-a', clientHost: '/127.0.0.1', memberIdIsClientIdDashUuid: true, assignment: { assignment: [0, 2] }, subscribedTopics: ['assignment'] },
          { clientId: 'member-b', clientHost: '/127.0.0.1', memberIdIsClientIdDashUuid: true, assignment: { assignment: [1, 3] }, subscribedTopics: ['assignment'] },
        ],
      },
    },
    bLeft: { a: { isLeader: true, leader: 'a', groupProtocol: 'RoundRobinAssigner', assignment: { assignment: [0, 1, 2, 3] } } },
    listedPartitionsSorted: [0, 1, 2, 3],
  },
  run: (target: Target) =>
    withSession(target, async (session) => {
      const topic = session.name('assignment');
      const groupId = session.name('assignment-group');
      const admin = await session.admin();
      await createTopic(admin, topic, 4);

      const listed = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.map((p) => p.partitionId) ?? [];
      const positions = (assignment: Record<string, number[]>): Positions => {
        const result: Positions = {};
        for (const [t, partitions] of Object.entries(assignment)) result[t] = partitions.map((p) => listed.indexOf(p)).sort((x, y) => x - y);
        return result;
      };

      const a = member(session, groupId, 'a');
      const b = member(session, groupId, 'b');
      const ids = new Map<string, Name>();
      const observe = (payload: ConsumerGroupJoinEvent['payload'], name: Name): Join => {
        ids.set(payload.memberId, name);
        return {
          isLeader: payload.isLeader,
          leader: ids.get(payload.leaderId) ?? 'unknown',
          groupProtocol: payload.groupProtocol,
          assignment: positions(payload.memberAssignment),
        };
      };
      const latest = <T>(items: T[]): T => {
        const item = items[items.length - 1];
        if (item === undefined) throw new Error('no join yet');
        return item;
      };

      await join(a.consumer, topic);
      const aAlone = observe(latest(await a.joins.waitFor(1, RECEIVE_TIMEOUT_MS, 'member a joining')), 'a');

      await join(b.consumer, topic);
      // b's arrival makes the coordinator start a rebalance; a learns of it from its next heartbeat and rejoins.
      const bFirst = latest(await b.joins.waitFor(1, RECEIVE_TIMEOUT_MS, 'member b joining'));
      const aSecond = latest(await a.joins.waitFor(2, RECEIVE_TIMEOUT_MS, 'member a rejoining after b joined'));
      ids.set(bFirst.memberId, 'b');
      const bJoinedA = observe(aSecond, 'a');
      const bJoinedB = observe(bFirst, 'b');
      const [group] = (await admin.describeGroups([groupId])).groups;
      if (!group) throw new Error('describeGroups returned no group');
      const members = group.members
        .map((m): DescribedMember => {
          const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
          const metadata = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          return {
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberIdIsClientIdDashUuid: MEMBER_ID.test(m.memberId) && m.memberId.startsWith(`${m.clientId}-`),
            assignment: positions(decoded?.assignment ?? {}),
            subscribedTopics: metadata?.topics ?? [],
          };
        })
        .sort((x, y) => x.clientId.localeCompare(y.clientId));

      await b.consumer.disconnect();
      // b's LeaveGroup starts a rebalance at once; a rejoins and takes every partition.
      const aThird = latest(await a.joins.waitFor(3, RECEIVE_TIMEOUT_MS, 'member a rejoining after b left'));

      return session.normalize({
        aAlone: { a: aAlone },
        bJoined: {
          a: bJoinedA,
          b: bJoinedB,
          described: { state: group.state, protocol: group.protocol, protocolType: group.protocolType, members },
        },
        bLeft: { a: observe(aThird, 'a') },
        listedPartitionsSorted: [...listed].sort((x, y) => x - y),
      });
    }),
};
