import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '#testing/kafka';
import { processAlive } from '#testing/processes';
import { redisUrl } from '#testing/redis';
import { Inbox, until, within } from '#testing/wait';
import { ROOT } from '../catalog/paths.ts';
import { labRuns, type LabRuns, type LabRunsOptions } from './lab-runs.ts';
import type { LiveEvent } from './protocol.ts';
import type { LiveLabRun } from './routes.ts';

/**
 * A stand-in for a long lab that, like kafka-rebalance, starts a process of its own: it prints that
 * child's pid and waits for ever. Stopping the run must take both.
 */
const SPAWNS_AND_WAITS = [
  '-e',
  `const { spawn } = require('node:child_process');
   const child = spawn('sleep', ['300'], { stdio: 'ignore' });
   console.log('grandchild ' + child.pid);
   console.log('');
   console.log('waiting');
   setInterval(() => {}, 1e6);`,
];

let open: LabRuns[] = [];
afterEach(async () => {
  await Promise.all(open.map((runs) => runs.close()));
  open = [];
});

function setUp(overrides: Partial<LabRunsOptions> = {}): { runs: LabRuns; events: Inbox<LiveEvent>; listed: Map<string, LiveLabRun> } {
  const events = new Inbox<LiveEvent>();
  const listed = new Map<string, LiveLabRun>();
  const runs = labRuns({
    brokers: { ensure: async () => undefined, env: () => ({ REDIS_URL: redisUrl(), KAFKA_BROKERS: kafkaBrokers().join(',') }) },
    publish: events.push,
    labs: { started: (run) => listed.set(run.runId, run), ended: (runId) => listed.delete(runId) },
    ...overrides,
  });
  open.push(runs);
  return { runs, events, listed };
}

const exitOf = (events: Inbox<LiveEvent>, runId: string) => events.items.find((e): e is Extract<LiveEvent, { type: 'lab-exit' }> => e.type === 'lab-exit' && e.data.runId === runId);
const linesOf = (events: Inbox<LiveEvent>, runId: string): string[] => events.items.flatMap((e) => (e.type === 'lab-output' && e.data.runId === runId ? [e.data.line] : []));

describe('labs run from their pages', () => {
  it('runs a real lab on the given Redis, streaming each line, then its end', async () => {
    const { runs, events, listed } = setUp();
    const { runId } = await runs.start('late-subscriber');
    expect(listed.get(runId)).toMatchObject({ lab: 'late-subscriber', broker: 'redis' });
    expect(runs.running().map((r) => r.lab)).toEqual(['late-subscriber']);
    await events.waitUntil((e) => e.type === 'lab-exit' && e.data.runId === runId, 60_000, 'the lab finishing');
    expect(exitOf(events, runId)?.data).toMatchObject({ lab: 'late-subscriber', ok: true, summary: expect.stringMatching(/^finished in \d+\.\d s$/) as string });
    const lines = linesOf(events, runId);
    expect(lines).toContain('The subscriber received: m4, m5, m6');
    // Blank lines are kept: the lab's story is spaced as in the terminal.
    expect(lines).toContain('');
    expect(runs.output(runId)).toEqual(lines);
    expect(runs.running()).toEqual([]);
    expect(listed.size).toBe(0);
  });

  it('one lab at a time per broker: a second Redis lab is refused naming the running one; a Kafka lab may run beside it', async () => {
    const { runs, events } = setUp({ command: () => ({ command: process.execPath, args: SPAWNS_AND_WAITS }) });
    const first = await runs.start('late-subscriber');
    await expect(runs.start('slow-subscriber')).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/"late-subscriber" is running on Redis: stop it/) as string });
    const kafka = await runs.start('kafka-lag');
    expect(runs.running().map((r) => r.broker).sort()).toEqual(['kafka', 'redis']);
    await events.waitUntil(() => linesOf(events, kafka.runId).includes('waiting'), 20_000, 'the Kafka lab running');
    expect(await runs.stop(first.runId)).toBe(true);
    // The broker is free again.
    const next = await runs.start('slow-subscriber');
    expect(runs.running().map((r) => r.lab).sort()).toEqual(['kafka-lag', 'slow-subscriber']);
    expect(next.runId).not.toBe(first.runId);
  });

  it('stop really stops: the lab and the process it started are gone when stop resolves, and the page is told', async () => {
    const { runs, events, listed } = setUp({ command: () => ({ command: process.execPath, args: SPAWNS_AND_WAITS }) });
    const { runId } = await runs.start('late-subscriber');
    await events.waitUntil(() => linesOf(events, runId).includes('waiting'), 20_000, 'the stand-in lab starting its child');
    const grandchild = Number(/^grandchild (\d+)$/.exec(linesOf(events, runId)[0] ?? '')?.[1]);
    expect(processAlive(grandchild)).toBe(true);
    expect(await runs.stop(runId)).toBe(true);
    expect(processAlive(grandchild), 'the process the lab started').toBe(false);
    expect(exitOf(events, runId)?.data).toMatchObject({ ok: false, summary: expect.stringMatching(/^stopped after/) as string });
    expect(listed.size).toBe(0);
    expect(await runs.stop(runId)).toBe(false);
  });

  it('stops a real lab mid-run, with the Kafka members it spawned', async () => {
    const { runs, events } = setUp();
    const { runId } = await runs.start('kafka-rebalance');
    await events.waitUntil(() => linesOf(events, runId).length >= 3, 30_000, 'the kafka-rebalance lab printing');
    // The lab, and the first member it spawned (a process of its own in the lab's group).
    await until(() => childrenOfGroups().length >= 2, 'kafka-rebalance spawning a member', 30_000);
    const before = childrenOfGroups();
    await runs.stop(runId);
    expect(exitOf(events, runId)?.data.summary).toMatch(/^stopped after/);
    for (const pid of before) expect(processAlive(pid), `process ${pid} of the lab's group`).toBe(false);
  });

  it('close() stops every run (npm start ending)', async () => {
    const { runs, events } = setUp({ command: () => ({ command: process.execPath, args: SPAWNS_AND_WAITS }) });
    const { runId } = await runs.start('late-subscriber');
    await events.waitUntil(() => linesOf(events, runId).includes('waiting'), 20_000, 'the stand-in lab starting');
    const grandchild = Number(/^grandchild (\d+)$/.exec(linesOf(events, runId)[0] ?? '')?.[1]);
    await runs.close();
    expect(processAlive(grandchild)).toBe(false);
    await expect(runs.start('late-subscriber')).rejects.toMatchObject({ status: 503 });
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('a run ends when the process that started it ends by %s (npm start stopped or killed)', async (signal) => {
    const holder = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/live/fixtures/hold-lab-run.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
    const line = await within(new Promise<string>((resolve) => holder.stdout.on('data', (d: Buffer) => resolve(d.toString()))), 20_000, 'the lab run starting');
    const grandchild = Number(/grandchild (\d+)/.exec(line)?.[1]);
    expect(processAlive(grandchild)).toBe(true);
    holder.kill(signal);
    await within(exited, 10_000, 'the holder exiting');
    await until(() => !processAlive(grandchild), `the lab's own process stopping after ${signal}`, 10_000);
  });

  it('says why: an unknown lab, a broker that cannot be had, a lab that fails', async () => {
    const unavailable = setUp({ brokers: { ensure: async () => 'No redis-server on this machine. Install one.', env: () => ({}) } });
    await expect(unavailable.runs.start('no-such-lab')).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/no lab called "no-such-lab"/) as string });
    await expect(unavailable.runs.start('late-subscriber')).rejects.toMatchObject({ status: 503, message: 'No redis-server on this machine. Install one.' });
    // The refused start did not hold the broker.
    expect(unavailable.runs.running()).toEqual([]);

    const failing = setUp({ command: () => ({ command: process.execPath, args: ['-e', "console.log('working'); console.error('✗ Redis went away'); process.exit(1)"] }) });
    const { runId } = await failing.runs.start('late-subscriber');
    await failing.events.waitUntil((e) => e.type === 'lab-exit', 20_000, 'the failing lab ending');
    expect(exitOf(failing.events, runId)?.data).toMatchObject({ ok: false, summary: expect.stringMatching(/failed after .* \(exit code 1\): ✗ Redis went away$/) as string });
  });
});

/** Pids of every process in a process group led by a child of this test process (the lab runs). */
function childrenOfGroups(): number[] {
  const stats = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(e), ppid: Number(fields[1]), pgid: Number(fields[2]) }];
      } catch {
        return [];
      }
    });
  const leaders = new Set(stats.filter((s) => s.ppid === process.pid && s.pgid === s.pid).map((s) => s.pid));
  return stats.filter((s) => leaders.has(s.pgid)).map((s) => s.pid);
}
