import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox, within } from '../../testing/wait.ts';
import type { EmbeddedKafka } from './index.ts';
import { connectedProducer, fastConsumer, nextGroupJoin, startTestCluster } from './testing/kafkajs-client.ts';

const PARTITIONS = 4;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const memberProcess = fileURLToPath(new URL('./testing/member-process.ts', import.meta.url));

let broker: EmbeddedKafka;
let kafka: Kafka;
let admin: Admin;
let stop: () => Promise<void>;

// A short minimum session timeout lets the crash test detect the dead member in about a second.
beforeAll(async () => ({ broker, kafka, admin, stop } = await startTestCluster({ groupMinSessionTimeoutMs: 500 })));
afterAll(() => stop());

async function topicWithPartitions(topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
}

function partitionsOf(assignment: Record<string, number[]>, topic: string): number[] {
  return [...(assignment[topic] ?? [])].sort();
}

async function member(groupId: string, topic: string, config: Parameters<typeof fastConsumer>[1] = { groupId }): Promise<Consumer> {
  const consumer = fastConsumer(kafka, { ...config, groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  return consumer;
}

describe('consumer group rebalances', () => {
  it('splits the partitions when a second member joins, and gives them all back when it leaves', async () => {
    await topicWithPartitions('rebalanced');
    const first = await member('splitters', 'rebalanced');
    const firstJoin = nextGroupJoin(first);
    await first.run({ eachMessage: async () => {} });
    const alone = await within(firstJoin, 10_000, 'the first member joining');
    expect(partitionsOf(alone.memberAssignment, 'rebalanced')).toEqual([0, 1, 2, 3]);

    const second = await member('splitters', 'rebalanced');
    const firstRejoin = nextGroupJoin(first);
    const secondJoin = nextGroupJoin(second);
    await second.run({ eachMessage: async () => {} });
    const [a, b] = await within(Promise.all([firstRejoin, secondJoin]), 10_000, 'both members joining the new generation');
    const split = [...partitionsOf(a.memberAssignment, 'rebalanced'), ...partitionsOf(b.memberAssignment, 'rebalanced')].sort();
    expect(split).toEqual([0, 1, 2, 3]);
    expect(partitionsOf(a.memberAssignment, 'rebalanced')).toHaveLength(2);
    expect(a.leaderId).toBe(b.leaderId);
    const described = (await admin.describeGroups(['splitters'])).groups[0]!;
    expect(described.state).toBe('Stable');
    expect(described.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());

    const afterLeave = nextGroupJoin(first);
    await second.disconnect(); // LeaveGroup
    const regained = await within(afterLeave, 10_000, 'the first member rejoining after the second left');
    expect(partitionsOf(regained.memberAssignment, 'rebalanced')).toEqual([0, 1, 2, 3]);
    await first.disconnect();
    expect((await admin.describeGroups(['splitters'])).groups[0]!.state).toBe('Empty');
  });

  it('drops a crashed member once its session times out, and the survivor takes over its partitions', async () => {
    await topicWithPartitions('crashy');
    const survivor = await member('crash-group', 'crashy', { groupId: 'crash-group', sessionTimeout: 6_000 });
    const joined = nextGroupJoin(survivor);
    await survivor.run({ eachMessage: async () => {} });
    await within(joined, 10_000, 'the survivor joining');

    const sharedJoin = nextGroupJoin(survivor);
    const child = spawn(process.execPath, ['--import', 'tsx', memberProcess, broker.bootstrap, 'crash-group', 'crashy', '1000'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const childJoins = linesOf(child);
      await within(childJoins.waitFor(1, 15_000, 'the child process joining'), 16_000, 'the child process joining');
      const shared = await within(sharedJoin, 10_000, 'the survivor rejoining alongside the child');
      expect(partitionsOf(shared.memberAssignment, 'crashy')).toHaveLength(2);

      const takeover = nextGroupJoin(survivor);
      const killedAt = Date.now();
      child.kill('SIGKILL');
      const after = await within(takeover, 10_000, 'the survivor taking over after the crash');
      expect(partitionsOf(after.memberAssignment, 'crashy')).toEqual([0, 1, 2, 3]);
      // Nothing told the broker: only the 1 s session timeout can have removed the child.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(900);
      expect((await admin.describeGroups(['crash-group'])).groups[0]!.members).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      await survivor.disconnect();
    }
  });

  it('drops a member that does not rejoin within the rebalance timeout', async () => {
    await topicWithPartitions('stuck');
    const producer = await connectedProducer(kafka);
    await producer.send({ topic: 'stuck', messages: [{ key: 'k', value: 'hold on' }] });
    await producer.disconnect();

    // Stuck in eachMessage, this member neither heartbeats nor learns of the rebalance; its session
    // (30 s) outlives the test, so only the rebalance timeout (1 s) can drop it.
    const stuck = await member('timeouts', 'stuck', { groupId: 'timeouts', sessionTimeout: 30_000, rebalanceTimeout: 1_000 });
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const holding = new Inbox<string>();
    const stuckJoined = nextGroupJoin(stuck);
    await stuck.run({
      eachMessage: async ({ message }) => {
        holding.push(message.value?.toString() ?? '');
        await released;
      },
    });
    await within(stuckJoined, 10_000, 'the stuck member joining');
    await holding.waitFor(1, 10_000, 'the stuck member getting its message');

    const fresh = await member('timeouts', 'stuck', { groupId: 'timeouts', rebalanceTimeout: 1_000 });
    const freshJoined = nextGroupJoin(fresh);
    const startedAt = Date.now();
    await fresh.run({ eachMessage: async () => {} });
    try {
      const joined = await within(freshJoined, 10_000, 'the new member completing the join without the stuck one');
      expect(partitionsOf(joined.memberAssignment, 'stuck')).toEqual([0, 1, 2, 3]);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
      const described = (await admin.describeGroups(['timeouts'])).groups[0]!;
      expect(described.members.map((m) => m.memberId)).toEqual([joined.memberId]);
    } finally {
      release();
      await Promise.all([stuck.disconnect(), fresh.disconnect()]);
    }
  });
});

/** Collects each stdout line of a child process (the member's GROUP_JOIN payloads). */
function linesOf(child: ChildProcess): Inbox<string> {
  const inbox = new Inbox<string>();
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) inbox.push(line);
  });
  return inbox;
}
