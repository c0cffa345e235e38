/**
 * Labs run from their pages: `npm run lab -- <name>` in a child process, on the session's brokers
 * (their addresses in its environment, as the loop's tests get them), each printed line sent to the
 * open pages as `lab-output` and the end as `lab-exit`. One lab at a time per broker: two labs on
 * one broker would mix their stories in the live view. A run is its own process group (the process
 * kit), so stopping it — from the page, or npm start ending in any way — takes everything it
 * started with it (the members kafka-rebalance spawns, the servers some labs start for themselves).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadLabs, type LabInfo } from '../catalog/catalog.ts';
import { ROOT } from '../catalog/paths.ts';
import { spawnServer, type ServerProcess } from '../harness/process-kit.ts';
import { ActionRefusal } from './action-refusal.ts';
import type { LiveEvent } from './protocol.ts';
import type { LiveBrokers, LiveLabRun } from './routes.ts';

export interface LabRunsOptions {
  brokers: Pick<LiveBrokers, 'ensure' | 'env'>;
  publish: (event: LiveEvent) => void;
  /** Told when a run starts and ends, so snapshots list the labs running. */
  labs: { started(run: LiveLabRun): void; ended(runId: string): void };
  /** The labs there are (default: the catalog's). */
  catalog?: () => LabInfo[];
  /** The command that runs one lab (default: this workbook's `src/cli/lab.ts` under tsx). */
  command?: (lab: LabInfo) => { command: string; args: string[] };
  /** How long a stopped lab may take to wind down (its own servers) before it is killed. */
  graceMs?: number;
}

export interface LabRuns {
  start(name: string): Promise<{ runId: string }>;
  /** Stops the run and everything it started; resolves once they are gone. False when no such run. */
  stop(runId: string): Promise<boolean>;
  running(): LiveLabRun[];
  /** The lines a run printed so far (the last 1000), for a page opened mid-run; undefined for an unknown run. */
  output(runId: string): string[] | undefined;
  close(): Promise<void>;
}

const BROKER_NAMES: Record<LabInfo['broker'], string> = { redis: 'Redis', kafka: 'Kafka', sns: 'SNS', none: 'no broker' };
const KEPT_LINES = 1_000;

interface Run {
  info: LiveLabRun;
  process: ServerProcess;
  lines: string[];
  stopped: boolean;
  ended: Promise<void>;
}

function defaultCommand(lab: LabInfo): { command: string; args: string[] } {
  // node itself, not the tsx CLI: one process less between us and the lab, and signals reach it directly.
  return { command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'src', 'cli', 'lab.ts'), lab.name] };
}

export function labRuns(options: LabRunsOptions): LabRuns {
  const runs = new Map<string, Run>();
  /** Runs that ended, kept for `output` a little while (the last few). */
  const finished = new Map<string, string[]>();
  let closed = false;

  const busyWith = (broker: LabInfo['broker']): Run | undefined => [...runs.values()].find((run) => run.info.broker === broker);

  return {
    async start(name) {
      if (closed) throw new ActionRefusal('The workbook is stopping.', 503);
      const lab = (options.catalog ?? loadLabs)().find((l) => l.name === name);
      if (!lab) throw new ActionRefusal(`There is no lab called "${name}"; the Labs page lists them.`, 404);
      const busy = busyWith(lab.broker);
      if (busy) {
        throw new ActionRefusal(
          `The lab "${busy.info.lab}" is running on ${BROKER_NAMES[lab.broker]}: stop it (or wait for it to finish) before running "${name}", so their effects do not mix.`,
          409,
        );
      }
      // Claimed before the broker is awaited, so two clicks cannot both pass the check above.
      const runId = `lab-${randomUUID().slice(0, 8)}`;
      const info: LiveLabRun = { runId, lab: name, broker: lab.broker, startedAt: Date.now() };
      let claim: Run | undefined;
      const placeholder = { info } as Run;
      runs.set(runId, placeholder);
      try {
        const unavailable = await options.brokers.ensure(lab.broker);
        if (unavailable) throw new ActionRefusal(unavailable, 503);
        if (closed) throw new ActionRefusal('The workbook is stopping.', 503);
        const { command, args } = (options.command ?? defaultCommand)(lab);
        const child = spawnServer(command, args, {
          cwd: ROOT,
          env: { ...process.env, ...options.brokers.env(), NO_COLOR: '1', FORCE_COLOR: '0' },
          group: true,
          blankLines: true,
          graceMs: options.graceMs ?? 5_000,
        });
        // npm start waits for nothing of the lab's when it exits: the shutdown registry stops it.
        child.unref();
        claim = { info, process: child, lines: [], stopped: false, ended: Promise.resolve() };
        const run = claim;
        runs.set(runId, run);
        child.onLine((line) => {
          run.lines.push(line);
          if (run.lines.length > KEPT_LINES) run.lines.shift();
          options.publish({ type: 'lab-output', data: { runId, lab: name, line } });
        });
        const started = performance.now();
        run.ended = child.exited.then(async (how) => {
          // Everything it started is gone too before the run counts as over.
          await child.stop();
          runs.delete(runId);
          finished.set(runId, run.lines);
          for (const old of [...finished.keys()].slice(0, -10)) finished.delete(old);
          options.labs.ended(runId);
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          const ok = how === 'code 0' && !run.stopped;
          const summary = run.stopped
            ? `stopped after ${seconds} s`
            : ok
              ? `finished in ${seconds} s`
              : `failed after ${seconds} s (${how === 'error' ? 'it could not start' : `exit ${how}`})${lastWords(run.lines)}`;
          options.publish({ type: 'lab-exit', data: { runId, lab: name, ok, summary } });
        });
        options.labs.started(info);
        return { runId };
      } catch (error) {
        if (!claim) runs.delete(runId);
        throw error;
      }
    },

    async stop(runId) {
      const run = runs.get(runId);
      if (!run?.process) return false;
      run.stopped = true;
      await run.process.stop();
      await run.ended;
      return true;
    },

    running: () => [...runs.values()].filter((run) => run.process).map((run) => run.info),

    output: (runId) => runs.get(runId)?.lines?.slice() ?? finished.get(runId)?.slice(),

    async close() {
      closed = true;
      const all = [...runs.values()].filter((run) => run.process);
      for (const run of all) run.stopped = true;
      await Promise.allSettled(all.map(async (run) => {
        await run.process.stop();
        await run.ended;
      }));
    },
  };
}

/** The lab's last line, which usually says what went wrong (its own error message). */
function lastWords(lines: string[]): string {
  const last = lines.filter((line) => line.trim() !== '').at(-1);
  return last ? `: ${last.trim()}` : '';
}
