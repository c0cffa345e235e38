/**
 * Static membership (KIP-345) over the bare protocol, since kafkajs has no group.instance.id: a
 * member with an instance id joins and gets an assignment; the same instance restarts (joins again
 * with no member id) within its session timeout and must get its assignment back in the same
 * generation, without a rebalance, while the old member id is fenced.
 */
import { ApiKey } from '../../broker/protocol/api-keys.ts';
import { ErrorCode } from '../../broker/protocol/error-codes.ts';
import { RawClient } from '../../broker/testing/raw-client.ts';
import { until } from '../../../testing/wait.ts';
import { withSession } from '../session.ts';
import type { Scenario } from '../suite.ts';

interface Observation {
  firstJoin: { errorCode: number; generationId: number; isLeader: boolean; memberIdStartsWithInstanceId: boolean };
  firstSync: { errorCode: number; assignment: string };
  restartJoin: { errorCode: number; sameGeneration: boolean; leaderIsTheOldMemberId: boolean; newMemberId: boolean };
  restartSync: { errorCode: number; assignment: string };
  oldMemberHeartbeat: number;
  oldMemberCommit: number;
  newMemberCommit: number;
  stateAfterRestart: string;
}

/** A consumer-protocol subscription (version 0, the topics, no user data). */
function subscription(topic: string): Buffer {
  const name = Buffer.from(topic);
  const head = Buffer.alloc(8);
  head.writeInt16BE(0, 0);
  head.writeInt32BE(1, 2);
  head.writeInt16BE(name.length, 6);
  return Buffer.concat([head, name, Buffer.from([0xff, 0xff, 0xff, 0xff])]);
}

export const staticMembership: Scenario<Observation> = {
  name: 'static membership: a restarted static member gets its assignment back without a rebalance, the old one is fenced',
  expected: {
    firstJoin: { errorCode: 0, generationId: 1, isLeader: true, memberIdStartsWithInstanceId: true },
    firstSync: { errorCode: 0, assignment: 'everything' },
    restartJoin: { errorCode: 0, sameGeneration: true, leaderIsTheOldMemberId: true, newMemberId: true },
    restartSync: { errorCode: 0, assignment: 'everything' },
    oldMemberHeartbeat: ErrorCode.FENCED_INSTANCE_ID,
    oldMemberCommit: ErrorCode.FENCED_INSTANCE_ID,
    newMemberCommit: 0,
    stateAfterRestart: 'Stable',
  },
  run: (target) =>
    withSession(target, async (session) => {
      const admin = await session.admin();
      const topic = session.name('static-topic');
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      const groupId = session.name('static-group');
      const instanceId = session.name('instance');
      const [before, after] = [await RawClient.connect(target.bootstrap), await RawClient.connect(target.bootstrap)];
      try {
        const join = async (client: RawClient) => {
          const body = await client.request(ApiKey.JoinGroup, 5, (w) =>
            w
              .string(groupId)
              .int32(30_000)
              .int32(30_000)
              .string('')
              .nullableString(instanceId)
              .string('consumer')
              .array(['range'], (w, name) => w.string(name).bytes(subscription(topic))),
          );
          body.int32();
          const result = { errorCode: body.int16(), generationId: body.int32(), protocolName: body.string(), leaderId: body.string(), memberId: body.string() };
          return result;
        };
        const sync = async (client: RawClient, generationId: number, memberId: string, assignment: string | null) => {
          const body = await client.request(ApiKey.SyncGroup, 3, (w) =>
            w
              .string(groupId)
              .int32(generationId)
              .string(memberId)
              .nullableString(instanceId)
              .array(assignment === null ? [] : [memberId], (w, id) => w.string(id).bytes(Buffer.from(assignment ?? ''))),
          );
          body.int32();
          return { errorCode: body.int16(), assignment: body.bytes().toString() };
        };
        const commit = async (client: RawClient, generationId: number, memberId: string) => {
          const body = await client.request(ApiKey.OffsetCommit, 7, (w) =>
            w
              .string(groupId)
              .int32(generationId)
              .string(memberId)
              .nullableString(instanceId)
              .array([topic], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(0).int32(-1).nullableString(null))),
          );
          body.int32();
          body.int32();
          body.string();
          body.int32();
          body.int32();
          return body.int16();
        };
        // A fresh real broker answers "coordinator not available" (or "not coordinator") until
        // __consumer_offsets exists and is loaded; FindCoordinator is what creates it.
        const warming = new Set<number>([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);
        let first = await join(before);
        await until(
          async () => {
            if (!warming.has(first.errorCode)) return true;
            await before.request(ApiKey.FindCoordinator, 2, (w) => w.string(groupId).int8(0));
            first = await join(before);
            return false;
          },
          'the group coordinator answering',
          60_000,
        );
        const firstSync = await sync(before, first.generationId, first.memberId, 'everything');
        const again = await join(after);
        const restartSync = await sync(after, again.generationId, again.memberId, null);
        const heartbeat = await before.request(ApiKey.Heartbeat, 3, (w) => w.string(groupId).int32(first.generationId).string(first.memberId).nullableString(instanceId));
        heartbeat.int32();
        const oldMemberHeartbeat = heartbeat.int16();
        const oldMemberCommit = await commit(before, first.generationId, first.memberId);
        const newMemberCommit = await commit(after, again.generationId, again.memberId);
        const described = await admin.describeGroups([groupId]);
        return {
          firstJoin: {
            errorCode: first.errorCode,
            generationId: first.generationId,
            isLeader: first.leaderId === first.memberId,
            memberIdStartsWithInstanceId: first.memberId.startsWith(`${instanceId}-`),
          },
          firstSync,
          restartJoin: {
            errorCode: again.errorCode,
            sameGeneration: again.generationId === first.generationId,
            leaderIsTheOldMemberId: again.leaderId === first.memberId,
            newMemberId: again.memberId !== first.memberId && again.memberId.startsWith(`${instanceId}-`),
          },
          restartSync,
          oldMemberHeartbeat,
          oldMemberCommit,
          newMemberCommit,
          stateAfterRestart: described.groups[0]?.state ?? 'missing',
        };
      } finally {
        before.close();
        after.close();
      }
    }),
};
