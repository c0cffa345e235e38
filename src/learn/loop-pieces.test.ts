/** The loop's small pieces: the session lock, `go` by any unambiguous part, a damaged progress file, the interactive list. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { findExercise, loadExercises } from '../catalog/catalog.ts';
import { WorkbookError } from '../harness/errors.ts';
import { ListView } from './list-view.ts';
import { loadProgress } from './progress.ts';
import { lockSession } from './session-lock.ts';
import { Workbook } from './workbook.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'loop-pieces-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('session lock', () => {
  test('a second session in the same folder is refused, naming the first one’s pid; a dead one’s lock is taken over', async () => {
    const file = join(tempDir(), 'session.lock');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(file, `${other.pid}\nnpm start\n`);
      expect(() => lockSession('npm run learn', file)).toThrow(new RegExp(`npm start, pid ${other.pid}`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    const lock = lockSession('npm run learn', file);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(String(process.pid));
    lock.release();
    expect(readdirSync(join(file, '..'))).toEqual([]);
  });
});

describe('go by name', () => {
  const exercises = loadExercises();
  test('any unambiguous part of a name or id finds the exercise; an ambiguous one lists the candidates', () => {
    expect(findExercise(exercises, 'separate_connections').id).toBe('01_redis_pubsub/01_separate_connections');
    expect(findExercise(exercises, 'exercises/01_redis_pubsub/02_pattern_routing/').id).toBe('01_redis_pubsub/02_pattern_routing');
    expect(() => findExercise(exercises, 'redis')).toThrow(/matches \d+ exercises/);
    expect(() => findExercise(exercises, 'no-such-thing')).toThrow(WorkbookError);
  });
});

describe('a damaged progress file', () => {
  test('keeps every entry it can still read and sets the file aside', () => {
    const dir = tempDir();
    const file = join(dir, 'progress.json');
    writeFileSync(file, '{"version":1,"current":"01_redis_pubsub/02_pattern_routing","exercises":{"01_redis_pubsub/01_separate_connections":{"done":true,"hintsShown":2},"01_redis_pubsub/02_pattern_routing":{"done":"yes"},"03_redis_streams/01_ack_after_success":{"done":true,"hints');
    const loaded = loadProgress(file);
    expect(loaded.progress.exercises['01_redis_pubsub/01_separate_connections']).toEqual({ done: true, hintsShown: 2 });
    expect(loaded.progress.current).toBe('01_redis_pubsub/02_pattern_routing');
    expect(loaded.warning).toMatch(/entry still readable was kept|entries still readable were kept/);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toHaveLength(1);
  });
});

describe('the interactive list', () => {
  test('moves, filters, asks before resetting, and goes', () => {
    const dir = tempDir();
    const workbook = new Workbook({ progressFile: join(dir, 'progress.json'), backupsDir: join(dir, 'backups') });
    const first = workbook.exercises[0]!;
    const view = new ListView(workbook, first, () => false);
    expect(view.key('down')).toEqual({ type: 'none' });
    expect(view.key('enter')).toEqual({ type: 'go', exercise: workbook.exercises[1] });
    expect(view.key('r')).toEqual({ type: 'none' });
    expect(view.message).toMatch(/Press r again/);
    expect(view.key('r')).toEqual({ type: 'reset', exercise: workbook.exercises[1] });
    view.key('f');
    expect(view.render(40).top.join(' ')).toContain('showing pending');
    expect(view.key('escape')).toEqual({ type: 'close' });
  });
});
