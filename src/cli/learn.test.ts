/**
 * The learner's loop end to end, as a learner meets it: a real `npm run learn` process in a copy of
 * the workbook, its own embedded Redis, files saved to disk, keys typed on stdin.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliProcess, createSandbox, type Sandbox } from '../testing/sandbox.ts';

const EXERCISE = '01_redis_pubsub/01_separate_connections';
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = createSandbox();
});
afterAll(() => sandbox.remove());

const learnerFile = (): string => join(sandbox.root, 'exercises', EXERCISE, 'bus.ts');
const solutionFile = (): string => join(sandbox.root, 'solutions', EXERCISE, 'bus.ts');
const progress = (): { exercises: Record<string, { done: boolean; hintsShown: number }> } =>
  JSON.parse(readFileSync(join(sandbox.root, '.workbook', 'progress.json'), 'utf8'));

describe('npm run learn', () => {
  test('watch mode: fail, hint, syntax error, solve, done — and the embedded Redis is gone after quitting', async () => {
    const learn = new CliProcess(sandbox, ['src/cli/learn.ts']);
    try {
      await learn.expect(/verdict: failed/, 60_000, 'the first verdict');
      expect(learn.output).toContain('One connection cannot publish and subscribe');
      expect(learn.output, 'the failure is explained in words').toContain('Connection in subscriber mode');

      learn.send('h');
      await learn.expect(/Hint 1 of 3:/, 5_000, 'the first hint');

      writeFileSync(learnerFile(), `${readFileSync(learnerFile(), 'utf8')}\nexport const broken = {;\n`);
      await learn.expect(/verdict: syntax-error/, 10_000, 'the syntax error verdict');
      expect(learn.output).toMatch(/bus\.ts line \d+, column \d+: /);

      copyFileSync(solutionFile(), learnerFile());
      await learn.expect(/verdict: passed/, 10_000, 'the passing verdict after saving the solution');
      expect(learn.output).toContain('Compare your code with the reference solution');

      learn.send('q');
      expect(await learn.exited, 'exit code after q').toBe(0);
    } finally {
      learn.child.kill('SIGKILL');
    }
    expect(progress().exercises[EXERCISE], 'progress after solving').toMatchObject({ done: true, hintsShown: 1 });
    const port = learn.output.match(/redis-cli -p (\d+)/)?.[1];
    expect(port, 'the loop prints where its Redis listens').toBeDefined();
    expect(redisServersOnPort(Number(port)), 'the embedded redis-server stopped with the loop').toEqual([]);
  }, 60_000);

  test('a broker that cannot be had is one line, not a crash, and n skips the exercises that need it', async () => {
    // Port 1 on loopback: nothing listens there.
    const learn = new CliProcess(sandbox, ['src/cli/learn.ts', 'watch'], { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      await learn.expect(/needs redis, which is not available: .*REDIS_URL/, 30_000, 'the line saying Redis is not available');
      expect(learn.output).not.toMatch(/bug in the workbook|Unexpected error/);
      learn.send('n');
      await learn.expect(/Skipped .*need a broker that is not available here/, 10_000, 'n saying what it skipped');
      await learn.expect(/verdict: (failed|broken|passed)/, 60_000, 'a verdict on the first exercise that does not need Redis');
      expect(learn.output).toMatch(/Kafka · exercise 1 of \d+/);
      learn.send('q');
      expect(await learn.exited, 'exit code after q').toBe(0);
    } finally {
      learn.child.kill('SIGKILL');
    }
  }, 120_000);

  test('q while the tests are still running quits cleanly', async () => {
    const learn = new CliProcess(sandbox, ['src/cli/learn.ts']);
    try {
      await learn.expect(/starting: running the tests/, 30_000, 'the first run starting');
      learn.send('q');
      expect(await learn.exited, 'exit code after q').toBe(0);
      expect(learn.output).not.toContain('Unexpected error');
    } finally {
      learn.child.kill('SIGKILL');
    }
  }, 60_000);

  test('progress survives a restart, and list shows it', async () => {
    const list = new CliProcess(sandbox, ['src/cli/learn.ts', 'list']);
    expect(await list.exited).toBe(0);
    expect(list.output).toMatch(/✓ done\s+01_separate_connections/);
    expect(list.output).toMatch(/· pending\s+02_pattern_routing/);
  }, 30_000);

  test('reset saves the learner version as a backup, then restores the starting file', async () => {
    const solved = readFileSync(learnerFile(), 'utf8');
    const reset = new CliProcess(sandbox, ['src/cli/learn.ts', 'reset', '01_separate_connections']);
    expect(await reset.exited).toBe(0);
    const backups = readdirSync(join(sandbox.root, '.workbook', 'backups', EXERCISE));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(sandbox.root, '.workbook', 'backups', EXERCISE, backups[0] as string), 'utf8'), 'the backup is the learner version').toBe(solved);
    expect(readFileSync(learnerFile(), 'utf8'), 'the starting version is back').toContain('TODO');
    expect(progress().exercises[EXERCISE]?.done, 'a reset exercise is pending again').toBe(false);
  }, 30_000);

  test('a corrupt progress file is reported, kept aside and rebuilt', async () => {
    writeFileSync(join(sandbox.root, '.workbook', 'progress.json'), '{ this is not json');
    const list = new CliProcess(sandbox, ['src/cli/learn.ts', 'list']);
    expect(await list.exited).toBe(0);
    expect(list.output).toContain('Your progress file was damaged');
    expect(readdirSync(join(sandbox.root, '.workbook')).some((f) => f.startsWith('progress.corrupt-'))).toBe(true);
    expect(existsSync(join(sandbox.root, '.workbook', 'progress.json'))).toBe(true);
  }, 30_000);

  test('bad input gets one line, no stack trace', async () => {
    const learn = new CliProcess(sandbox, ['src/cli/learn.ts', 'reset', 'no_such_exercise']);
    expect(await learn.exited).toBe(1);
    expect(learn.output.trim()).toBe('✗ No exercise called "no_such_exercise". Run `npm run learn -- list` to see their names.');
  }, 30_000);
});

/** PIDs of redis-server processes serving `port` (redis-server titles itself "redis-server host:port"). */
function redisServersOnPort(port: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return new RegExp(`(redis|valkey)-server 127\\.0\\.0\\.1:${port}\\b`).test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
      } catch {
        return false;
      }
    })
    .map(Number);
}
