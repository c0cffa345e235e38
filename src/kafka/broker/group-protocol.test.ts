/**
 * The group coordinator's answers, code by code, over a bare protocol connection: what kafkajs hides
 * behind its retries (MEMBER_ID_REQUIRED, REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, ...).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../testing/wait.ts';
import { startEmbeddedKafka, type EmbeddedKafka } from './index.ts';
import { ApiKey } from './protocol/api-keys.ts';
import { ErrorCode } from './protocol/error-codes.ts';
import type { Reader } from './protocol/reader.ts';
import { RawClient } from './testing/raw-client.ts';

let broker: EmbeddedKafka;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startEmbeddedKafka({ groupMinSessionTimeoutMs: 100 });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await broker.stop();
});

async function connection(): Promise<RawClient> {
  const client = await RawClient.connect(broker.bootstrap);
  clients.push(client);
  return client;
}

interface JoinAnswer {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; metadata: string }>;
}

async function join(
  client: RawClient,
  groupId: string,
  memberId: string,
  options: { version?: number; metadata?: string; protocolType?: string; sessionTimeoutMs?: number; rebalanceTimeoutMs?: number; instanceId?: string } = {},
): Promise<JoinAnswer> {
  const version = options.version ?? 5;
  const body = await client.request(ApiKey.JoinGroup, version, (w) => {
    w.string(groupId).int32(options.sessionTimeoutMs ?? 10_000).int32(options.rebalanceTimeoutMs ?? 10_000).string(memberId);
    if (version >= 5) w.nullableString(options.instanceId ?? null);
    w.string(options.protocolType ?? 'consumer').array(['range'], (w, name) => w.string(name).bytes(Buffer.from(options.metadata ?? 'subscription')));
  });
  body.int32();
  return {
    errorCode: body.int16(),
    generationId: body.int32(),
    protocolName: body.string(),
    leaderId: body.string(),
    memberId: body.string(),
    members: body.array(6, (r: Reader) => {
      const id = r.string();
      if (version >= 5) r.nullableString();
      return { memberId: id, metadata: r.bytes().toString() };
    }),
  };
}

async function sync(
  client: RawClient,
  groupId: string,
  generationId: number,
  memberId: string,
  assignments: Array<[string, string]> = [],
  instanceId: string | null = null,
): Promise<{ errorCode: number; assignment: string }> {
  const body = await client.request(ApiKey.SyncGroup, 3, (w) =>
    w.string(groupId).int32(generationId).string(memberId).nullableString(instanceId).array(assignments, (w, [id, a]) => w.string(id).bytes(Buffer.from(a))),
  );
  body.int32();
  return { errorCode: body.int16(), assignment: body.bytes().toString() };
}

async function heartbeat(client: RawClient, groupId: string, generationId: number, memberId: string, instanceId: string | null = null): Promise<number> {
  const body = await client.request(ApiKey.Heartbeat, 3, (w) => w.string(groupId).int32(generationId).string(memberId).nullableString(instanceId));
  body.int32();
  return body.int16();
}

async function describeState(client: RawClient, groupId: string): Promise<string> {
  const body = await client.request(ApiKey.DescribeGroups, 2, (w) => w.array([groupId], (w, g) => w.string(g)));
  body.int32();
  body.int32();
  body.int16();
  body.string();
  return body.string();
}

async function commit(client: RawClient, groupId: string, generationId: number, memberId: string): Promise<number> {
  await client.request(ApiKey.CreateTopics, 3, (w) =>
    w.array(['committed'], (w, t) => w.string(t).int32(1).int16(1).int32(0).int32(0)).int32(1000).bool(false),
  );
  const body = await client.request(ApiKey.OffsetCommit, 5, (w) =>
    w.string(groupId).int32(generationId).string(memberId).array(['committed'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(1).nullableString(null))),
  );
  body.int32();
  body.int32();
  body.string();
  body.int32();
  body.int32();
  return body.int16();
}

describe('group coordinator protocol', () => {
  it('walks a group through join, sync, heartbeat, a second member, leave and rebalance', async () => {
    const one = await connection();
    const two = await connection();
    const admin = await connection();
    const group = 'walkthrough';

    // JoinGroup v4+: a new member is first told its id, like real Kafka.
    const first = await join(one, group, '');
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^raw-client-[0-9a-f-]{36}$/);
    const a = first.memberId;

    const joined = await join(one, group, a, { metadata: 'a-subscription' });
    expect(joined).toEqual({ errorCode: 0, generationId: 1, protocolName: 'range', leaderId: a, memberId: a, members: [{ memberId: a, metadata: 'a-subscription' }] });
    expect(await describeState(admin, group)).toBe('CompletingRebalance');

    expect((await sync(one, group, 0, a)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await sync(one, group, 1, 'nobody')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await sync(one, group, 1, a, [[a, 'all partitions']])).toEqual({ errorCode: 0, assignment: 'all partitions' });
    expect(await describeState(admin, group)).toBe('Stable');

    expect(await heartbeat(one, group, 1, a)).toBe(ErrorCode.NONE);
    expect(await heartbeat(one, group, 7, a)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await heartbeat(one, group, 1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit(one, group, 7, a)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await commit(one, group, 1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit(one, group, 1, a)).toBe(ErrorCode.NONE);
    // Generation -1 is a commit from outside group management: only allowed while the group has no members.
    expect(await commit(admin, group, -1, '')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await commit(admin, 'offsets-only', -1, '')).toBe(ErrorCode.NONE);
    expect(await describeState(admin, 'offsets-only')).toBe('Empty');

    // A second member (JoinGroup v3: no member id round trip) parks until the first rejoins.
    const secondJoin = join(two, group, '', { version: 3, metadata: 'b-subscription' });
    expect(await heartbeat(one, group, 1, a)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await describeState(admin, group)).toBe('PreparingRebalance');
    // Commits from the current generation are still accepted while the group prepares to rebalance.
    expect(await commit(one, group, 1, a)).toBe(ErrorCode.NONE);
    const [leader, follower] = await Promise.all([join(one, group, a, { metadata: 'a-subscription' }), secondJoin]);
    const b = follower.memberId;
    expect(leader.generationId).toBe(2);
    expect(leader.leaderId).toBe(a);
    expect(leader.members.sort((x, y) => x.memberId.localeCompare(y.memberId))).toEqual(
      [{ memberId: a, metadata: 'a-subscription' }, { memberId: b, metadata: 'b-subscription' }].sort((x, y) => x.memberId.localeCompare(y.memberId)),
    );
    expect(follower).toMatchObject({ errorCode: 0, generationId: 2, leaderId: a, members: [] });
    expect(await commit(one, group, 2, a)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    // The follower's SyncGroup waits for the leader's assignments.
    const followerSync = sync(two, group, 2, b);
    const leaderSync = await sync(one, group, 2, a, [[a, 'p0'], [b, 'p1']]);
    expect(leaderSync).toEqual({ errorCode: 0, assignment: 'p0' });
    expect(await followerSync).toEqual({ errorCode: 0, assignment: 'p1' });

    // LeaveGroup v3 removes b; a learns of the rebalance from its next heartbeat.
    const leave = await two.request(ApiKey.LeaveGroup, 3, (w) => w.string(group).array([b], (w, id) => w.string(id).nullableString(null)));
    leave.int32();
    expect(leave.int16()).toBe(ErrorCode.NONE);
    expect(leave.array(8, (r) => [r.string(), r.nullableString(), r.int16()])).toEqual([[b, null, 0]]);
    expect(await heartbeat(one, group, 2, a)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const alone = await join(one, group, a, { metadata: 'a-subscription' });
    expect(alone).toMatchObject({ errorCode: 0, generationId: 3, leaderId: a });
    expect(alone.members.map((m) => m.memberId)).toEqual([a]);
  });

  it('refuses what Kafka refuses: bad session timeouts, mismatched protocol types, unknown members', async () => {
    const client = await connection();
    expect((await join(client, 'strict', '', { sessionTimeoutMs: 50 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await join(client, '', '', { version: 3 })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await join(client, 'strict', 'made-up-id')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const member = await join(client, 'strict', '', { version: 3 });
    expect(member.errorCode).toBe(ErrorCode.NONE);
    expect((await sync(client, 'strict', 1, member.memberId, [[member.memberId, 'x']])).errorCode).toBe(ErrorCode.NONE);
    const other = await connection();
    expect((await join(other, 'strict', '', { version: 3, protocolType: 'connect' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const leave = await other.request(ApiKey.LeaveGroup, 1, (w) => w.string('no-such-group').string('someone'));
    leave.int32();
    expect(leave.int16()).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member whose session runs out and returns the group to Empty', async () => {
    const client = await connection();
    const member = await join(client, 'expiring', '', { version: 3, sessionTimeoutMs: 200 });
    await sync(client, 'expiring', member.generationId, member.memberId, [[member.memberId, 'x']]);
    expect(await describeState(client, 'expiring')).toBe('Stable');
    const lastHeard = Date.now();
    expect(await heartbeat(client, 'expiring', member.generationId, member.memberId)).toBe(ErrorCode.NONE);
    // No more heartbeats: the session timer removes the member (DescribeGroups has no event to wait on).
    await until(async () => (await describeState(client, 'expiring')) === 'Empty', 'the member expiring', 5_000);
    expect(Date.now() - lastHeard).toBeGreaterThanOrEqual(190);
    expect(await heartbeat(client, 'expiring', member.generationId, member.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await describeState(client, 'expiring')).toBe('Empty');
  });

  it('holds the first generation open for group.initial.rebalance.delay so simultaneous joiners land together', async () => {
    const delayed = await startEmbeddedKafka({ groupInitialRebalanceDelayMs: 300 });
    const one = await RawClient.connect(delayed.bootstrap);
    const two = await RawClient.connect(delayed.bootstrap);
    try {
      const started = Date.now();
      const first = join(one, 'patient-group', '', { version: 3 });
      const second = join(two, 'patient-group', '', { version: 3 });
      const [a, b] = await Promise.all([first, second]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect([a.generationId, b.generationId]).toEqual([1, 1]);
      expect([a, b].find((m) => m.memberId === m.leaderId)!.members).toHaveLength(2);
    } finally {
      one.close();
      two.close();
      await delayed.stop();
    }
  });

  describe('static membership (group.instance.id)', () => {
    /** OffsetCommit v7 of offset `offset` on committed/0, as a static member. */
    async function staticCommit(client: RawClient, groupId: string, generationId: number, memberId: string, instanceId: string, offset: number): Promise<number> {
      const body = await client.request(ApiKey.OffsetCommit, 7, (w) =>
        w
          .string(groupId)
          .int32(generationId)
          .string(memberId)
          .nullableString(instanceId)
          .array(['committed'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(offset).int32(0).nullableString(null))),
      );
      body.int32();
      body.int32();
      body.string();
      body.int32();
      body.int32();
      return body.int16();
    }

    it('gives a restarted static member its assignment back without a rebalance, and fences the old member id', async () => {
      const [a, b] = [await connection(), await connection()];
      await commit(a, 'commit-setup', -1, ''); // creates the topic "committed"
      const first = await join(a, 'static-group', '', { instanceId: 'worker-a' });
      expect(first).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
      expect(first.memberId).toMatch(/^worker-a-/); // no MEMBER_ID_REQUIRED round trip for static members
      expect(await sync(a, 'static-group', 1, first.memberId, [[first.memberId, 'partitions-of-a']], 'worker-a')).toEqual({ errorCode: 0, assignment: 'partitions-of-a' });
      expect(await staticCommit(a, 'static-group', 1, first.memberId, 'worker-a', 5)).toBe(ErrorCode.NONE);

      // The process restarts: same instance id, no member id, well within the session timeout.
      const again = await join(b, 'static-group', '', { instanceId: 'worker-a' });
      expect(again.errorCode).toBe(ErrorCode.NONE);
      expect(again.generationId).toBe(1);
      expect(again.memberId).not.toBe(first.memberId);
      expect(again.leaderId).toBe(first.memberId); // the old leader id: the new member must not assign
      expect(await sync(b, 'static-group', 1, again.memberId, [], 'worker-a')).toEqual({ errorCode: 0, assignment: 'partitions-of-a' });
      expect(await describeState(b, 'static-group')).toBe('Stable');

      expect(await heartbeat(a, 'static-group', 1, first.memberId, 'worker-a')).toBe(ErrorCode.FENCED_INSTANCE_ID);
      expect(await staticCommit(a, 'static-group', 1, first.memberId, 'worker-a', 6)).toBe(ErrorCode.FENCED_INSTANCE_ID);
      expect(await heartbeat(b, 'static-group', 1, again.memberId, 'worker-a')).toBe(ErrorCode.NONE);
      expect(await staticCommit(b, 'static-group', 1, again.memberId, 'worker-a', 7)).toBe(ErrorCode.NONE);
    });

    it('deletes committed offsets of an empty group, and refuses those of topics a live group consumes', async () => {
      const client = await connection();
      await commit(client, 'offsets-to-delete', -1, '');
      const deleteOffsets = async (groupId: string): Promise<{ errorCode: number; partitions: number[] }> => {
        const body = await client.request(ApiKey.OffsetDelete, 0, (w) =>
          w.string(groupId).array([['committed', [0]], ['no-such-topic', [0]]] as const, (w, [t, ps]) => w.string(t).int32Array([...ps])),
        );
        const errorCode = body.int16();
        body.int32();
        const partitions = body.array(6, (r) => (r.string(), r.array(6, (r) => (r.int32(), r.int16())))).flat();
        return { errorCode, partitions };
      };
      expect(await deleteOffsets('offsets-to-delete')).toEqual({ errorCode: 0, partitions: [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION] });
      expect(await deleteOffsets('no-such-group')).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] });

      // A consumer-protocol subscription to "committed": version 0, topics ["committed"], no user data.
      const subscription = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, 9]), Buffer.from('committed'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
      const joined = await join(client, 'offsets-in-use', '', { instanceId: 'reader', metadata: subscription.toString('latin1') });
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      expect((await deleteOffsets('offsets-in-use')).partitions[0]).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    });
  });
});
