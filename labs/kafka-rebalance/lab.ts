import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { defineLab } from '../../src/labs/lab.ts';
import { MEMBER_TIMING, SESSION_TIMEOUT_MS } from './timing.ts';

export interface RebalanceStep {
  step: string;
  /** member → partitions, as each member's GROUP_JOIN reported them. */
  assignment: Record<string, number[]>;
  /** From the change to the surviving members holding the new assignment. */
  tookMs: number;
}

export interface RebalanceFindings {
  partitions: number;
  sessionTimeoutMs: number;
  steps: RebalanceStep[];
}

const PARTITIONS = 4;

export default defineLab<RebalanceFindings>(async ({ log, kafkaBrokers }) => {
  const kafka = new Kafka({ clientId: 'lab-rebalance', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const topic = `lab-rebalance-${randomUUID().slice(0, 8)}`;
  const groupId = `lab-rebalance-group-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();

  const assignments: Record<string, number[]> = {};
  const joinedAt: Record<string, number> = {};
  const waiters: Array<() => void> = [];
  const assigned = (name: string, partitions: number[]): void => {
    assignments[name] = [...partitions].sort((a, b) => a - b);
    joinedAt[name] = performance.now();
    for (const wake of waiters.splice(0)) wake();
  };
  /** Resolves once every member in `expected` has rejoined since `since` and together they own every partition. */
  const settled = (expected: string[], since: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        const rejoined = expected.every((m) => (joinedAt[m] ?? 0) >= since);
        const owned = expected.flatMap((m) => assignments[m] ?? []);
        if (rejoined && owned.length === PARTITIONS && new Set(owned).size === PARTITIONS) resolve();
        else waiters.push(check);
      };
      check();
    });

  const members = new Map<string, Consumer>();
  const join = async (name: string): Promise<void> => {
    const consumer = kafka.consumer({ groupId, ...MEMBER_TIMING });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => assigned(name, payload.memberAssignment[topic] ?? []));
    members.set(name, consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
  };

  const steps: RebalanceStep[] = [];
  const record = async (step: string, expected: string[], change: () => Promise<void>): Promise<void> => {
    const started = performance.now();
    await change();
    await settled(expected, started);
    const entry = { step, assignment: Object.fromEntries(expected.map((m) => [m, assignments[m] ?? []])), tookMs: Math.round(performance.now() - started) };
    steps.push(entry);
    const owners = Object.entries(entry.assignment).map(([m, p]) => `${m}: [${p.join(', ')}]`).join('   ');
    log(`${step.padEnd(34)} ${owners.padEnd(44)} (${entry.tookMs} ms)`);
  };

  let child: ChildProcessWithoutNullStreams | undefined;
  try {
    log(`Topic ${topic} has ${PARTITIONS} partitions; group ${groupId}; session timeout ${SESSION_TIMEOUT_MS / 1000} s.`);
    log('');
    await record('A joins', ['A'], () => join('A'));
    await record('B joins', ['A', 'B'], () => join('B'));
    await record('C joins (in another process)', ['A', 'B', 'C'], async () => {
      child = spawnMember(kafkaBrokers(), groupId, topic, (partitions) => assigned('C', partitions));
    });
    await record('B leaves cleanly (LeaveGroup)', ['A', 'C'], async () => {
      const b = members.get('B');
      members.delete('B');
      delete assignments.B;
      await b?.disconnect();
    });
    await record('C is killed (SIGKILL, no goodbye)', ['A'], async () => {
      child?.kill('SIGKILL');
      delete assignments.C;
    });
    const crash = steps.at(-1) as RebalanceStep;
    const leave = steps.at(-2) as RebalanceStep;
    log('');
    log(`A clean leave rebalanced in ${leave.tookMs} ms. After the crash, C's partitions sat unread for ${(crash.tookMs / 1000).toFixed(1)} s:`);
    log(`the coordinator only drops a silent member when its session (${SESSION_TIMEOUT_MS / 1000} s here) runs out without a heartbeat.`);
    return { partitions: PARTITIONS, sessionTimeoutMs: SESSION_TIMEOUT_MS, steps };
  } finally {
    child?.kill('SIGKILL');
    await Promise.all([...members.values()].map((m) => m.disconnect()));
  }
});

function spawnMember(brokers: string[], groupId: string, topic: string, onAssigned: (partitions: number[]) => void): ChildProcessWithoutNullStreams {
  const script = fileURLToPath(new URL('./member.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, brokers.join(','), groupId, topic]);
  let pending = '';
  child.stdout.on('data', (data: Buffer) => {
    pending += data.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('assigned ')) onAssigned((JSON.parse(line.slice(9)) as number[]).sort((a, b) => a - b));
    }
  });
  return child;
}
