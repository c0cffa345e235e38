/**
 * How long a learner waits between saving an exercise and reading its verdict in watch mode.
 * Runs the real `npm run learn` in a sandbox copy of the workbook, saves the exercise file
 * alternately as the starting version and as the solution, and times each save → verdict.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from '../src/labs/lab.ts';
import { CliProcess, createSandbox } from '../src/testing/sandbox.ts';

const SAVES = Number(process.env.BENCH_SAVES ?? 20);
const EXERCISE = '01_redis_pubsub/01_separate_connections';

export interface LearnLoopResult {
  saves: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

export async function benchLearnLoop(): Promise<LearnLoopResult> {
  const sandbox = createSandbox();
  const learn = new CliProcess(sandbox, ['src/cli/learn.ts']);
  try {
    await learn.expect(/verdict: \w+/, 60_000, 'the first verdict');
    const file = join(sandbox.root, 'exercises', EXERCISE, 'bus.ts');
    const versions = [readFileSync(join(sandbox.root, 'solutions', EXERCISE, 'bus.ts'), 'utf8'), readFileSync(file, 'utf8')];
    const times: number[] = [];
    for (let i = 0; i < SAVES; i++) {
      const started = performance.now();
      writeFileSync(file, versions[i % 2] as string);
      await learn.expect(/verdict: \w+ in \d+ ms/, 30_000, `the verdict after save ${i + 1}`);
      times.push(performance.now() - started);
    }
    learn.send('q');
    await learn.exited;
    const sorted = times.sort((a, b) => a - b);
    return {
      saves: SAVES,
      medianMs: Math.round(percentile(sorted, 50)),
      p90Ms: Math.round(percentile(sorted, 90)),
      minMs: Math.round(sorted[0] ?? 0),
      maxMs: Math.round(sorted.at(-1) ?? 0),
    };
  } finally {
    learn.child.kill('SIGKILL');
    sandbox.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchLearnLoop();
  console.log(`save → verdict in watch mode over ${result.saves} saves: median ${result.medianMs} ms, p90 ${result.p90Ms} ms (min ${result.minMs}, max ${result.maxMs})`);
}
