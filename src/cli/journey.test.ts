/**
 * The learner's journey as it is walked: `npm run learn` and `npm start` in a real terminal (tmux),
 * keys typed, files saved, the screen read — in a throwaway copy of the workbook.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commandLine, descendants, Pty, tmuxAvailable } from '../testing/pty.ts';
import { createSandbox, type Sandbox } from '../testing/sandbox.ts';
import { until } from '../testing/wait.ts';

const FIRST = '01_redis_pubsub/01_separate_connections';
const SECOND = '01_redis_pubsub/02_pattern_routing';
const THIRD = '01_redis_pubsub/03_typed_unsubscribe';
let sandbox: Sandbox;

beforeAll(() => {
  if (!tmuxAvailable()) throw new Error('These tests drive the loop in a real terminal through tmux: install it (`apt-get install tmux`).');
  sandbox = createSandbox();
});
afterAll(() => sandbox?.remove());

/** The processes the workbook started under the pane's shell, ignoring the shell's own `sleep`. */
function workbookProcesses(pty: Pty): string[] {
  return descendants(pty.shellPid())
    .map((pid) => `${pid} ${commandLine(pid)}`)
    .filter((line) => !/ sleep 600$/.test(line) && !/^\d+ $/.test(line));
}

function fileOf(exercise: string): string {
  const dir = join(sandbox.root, 'exercises', exercise);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const file = /files:\s*\[?\s*-?\s*['"]?([\w.-]+\.ts)/.exec(readme)?.[1];
  if (!file) throw new Error(`no learner file named in ${exercise}/README.md`);
  return file;
}

describe('the loop in a real terminal', () => {
  test('fail, n, solve the next one: its verdict is its own; a runaway is stopped; q leaves nothing running', async () => {
    const pty = new Pty('npm run learn', sandbox.root, { WORKBOOK_DEADLINE_MS: '25000' });
    try {
      await pty.waitFor(/checks fail/, 120_000, 'the first verdict');
      expect(pty.screen()).toContain('exercise 1 of 5');

      pty.keys('n');
      await pty.waitFor(/exercise 2 of 5[\s\S]*checks fail/, 60_000, 'the verdict of the second exercise after n');
      const screen = pty.screen();
      const verdict = screen.slice(screen.lastIndexOf('exercise 2 of 5'));
      expect(verdict, "the previous exercise's failures are not shown again").not.toContain('a message published after subscribe() reaches the handler');

      const second = fileOf(SECOND);
      copyFileSync(join(sandbox.root, 'solutions', SECOND, second), join(sandbox.root, 'exercises', SECOND, second));
      await pty.waitFor(/All \d+ checks pass/, 60_000, 'the second exercise passing once solved');
      const progress = JSON.parse(readFileSync(join(sandbox.root, '.workbook', 'progress.json'), 'utf8')) as { exercises: Record<string, { done: boolean }> };
      expect(progress.exercises[SECOND]?.done, 'the solved exercise is recorded as done').toBe(true);
      expect(progress.exercises[FIRST]?.done ?? false, 'the skipped one is not').toBe(false);

      pty.keys('n');
      await pty.waitFor(/exercise 3 of 5[\s\S]*verdict: failed/, 120_000, 'the third exercise');
      const third = join(sandbox.root, 'exercises', THIRD, fileOf(THIRD));
      const original = readFileSync(third, 'utf8');
      // Code that never returns: it holds its thread as a `while (true) {}` would, without spinning
      // a core for the whole deadline (the other tests share the machine's two); the loop's
      // contract check stops spinning stand-ins on its own (scripts/loop-contract.ts).
      writeFileSync(third, `${original}\nAtomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // never returns\n`);
      await pty.waitFor(/never (finished|got going)/, 60_000, 'the runaway stopped at its deadline');
      writeFileSync(third, original);
      await pty.waitFor(/never (finished|got going)[\s\S]*checks fail/, 60_000, 'a verdict again after the fix is saved');

      pty.keys('q');
      await pty.waitFor(/\[exited 0\]/, 15_000, 'the loop exiting after q');
      expect(workbookProcesses(pty), 'nothing the loop started is still running').toEqual([]);
    } finally {
      pty.close();
    }
  }, 400_000);

  test('kill -TERM on the npm process of `npm start` stops the whole tree within 5 s', async () => {
    const pty = new Pty('npm start -- --port 0', sandbox.root);
    try {
      await pty.waitFor(/Site: http:\/\/127\.0\.0\.1:\d+/, 60_000, 'the site address');
      await pty.waitFor(/checks fail|checks pass/, 120_000, 'the first verdict under npm start');
      const npm = descendants(pty.shellPid()).find((pid) => /^npm start/.test(commandLine(pid)));
      expect(npm, 'the npm process').toBeDefined();
      const tree = descendants(pty.shellPid()).filter((pid) => !/^sleep/.test(commandLine(pid)));
      process.kill(npm as number, 'SIGTERM');
      await until(() => tree.every((pid) => !descendants(pty.shellPid()).includes(pid)), 'every process of the tree gone after SIGTERM to npm', 5_000, 100);
      expect(workbookProcesses(pty)).toEqual([]);
    } finally {
      pty.close();
    }
  }, 300_000);
});
