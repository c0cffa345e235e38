import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadLabs, loadTracks } from './catalog.ts';
import { CHAPTER_IDS } from './chapters.ts';
import { ROOT, SOLUTIONS_DIR } from './paths.ts';
import { computeLock, readLock } from './starters.ts';

describe('the workbook on disk', () => {
  const tracks = loadTracks();
  const exercises = tracks.flatMap((t) => t.exercises);

  test('has tracks whose exercises all load, with solutions, tests and hints', () => {
    expect(tracks.length).toBeGreaterThan(0);
    for (const exercise of exercises) {
      expect(exercise.hints.length, `${exercise.id} hints`).toBeGreaterThan(0);
      expect(exercise.tests.length, `${exercise.id} tests`).toBeGreaterThan(0);
      for (const file of exercise.files) expect(existsSync(join(exercise.solutionDir, file)), `${exercise.id} solution ${file}`).toBe(true);
    }
  });

  test('every track and exercise names a known chapter', () => {
    for (const item of [...tracks, ...exercises]) expect(CHAPTER_IDS).toContain(item.chapter);
  });

  test('solutions/ mirrors exercises/: no solution without an exercise', () => {
    const ids = new Set(exercises.map((e) => e.id));
    for (const track of readdirSync(SOLUTIONS_DIR)) {
      for (const name of readdirSync(join(SOLUTIONS_DIR, track))) expect(ids, `solutions/${track}/${name}`).toContain(`${track}/${name}`);
    }
  });

  test('every learner file has a starting version in the lock, and git has that version', () => {
    const lock = readLock();
    const wanted = computeLock(exercises);
    expect(Object.keys(lock).sort(), 'run `npm run exercises:lock` after adding an exercise').toEqual(Object.keys(wanted).sort());
    for (const [key, blob] of Object.entries(lock)) {
      expect(() => execFileSync('git', ['cat-file', '-e', blob], { cwd: ROOT, stdio: 'ignore' }), `${key}: starting version ${blob} is in git`).not.toThrow();
    }
  });

  test('every lab loads, with a README, lab.ts and lab.test.ts', () => {
    const labs = loadLabs();
    expect(labs.length).toBeGreaterThanOrEqual(2);
    for (const lab of labs) expect(CHAPTER_IDS).toContain(lab.chapter);
  });
});

describe('a malformed exercise is reported by path and field', () => {
  function tree(readme: string): string {
    const root = mkdtempSync(join(tmpdir(), 'catalog-'));
    mkdirSync(join(root, 'exercises', '01_t', '01_e'), { recursive: true });
    mkdirSync(join(root, 'solutions', '01_t', '01_e'), { recursive: true });
    writeFileSync(join(root, 'exercises', '01_t', 'README.md'), '---\ntitle: T\nchapter: redis-pubsub\n---\nIntro');
    writeFileSync(join(root, 'exercises', '01_t', '01_e', 'README.md'), readme);
    writeFileSync(join(root, 'exercises', '01_t', '01_e', 'a.ts'), '');
    writeFileSync(join(root, 'exercises', '01_t', '01_e', 'a.test.ts'), '');
    writeFileSync(join(root, 'solutions', '01_t', '01_e', 'a.ts'), '');
    return root;
  }
  const valid = { title: 'E', chapter: 'redis-pubsub', guide: 'G', broker: 'redis', difficulty: 'easy', files: '[a.ts]', hints: '[one]' };
  const readme = (fields: Record<string, string>): string =>
    `---\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\nBody`;

  test.each([
    [{ ...valid, chapter: 'nowhere' }, /01_e\/README\.md: chapter: Invalid option/],
    [{ ...valid, hints: '[]' }, /hints: Too small/],
    [{ ...valid, files: '[b.ts]' }, /README lists b\.ts, which is not in the folder/],
  ])('%#', (fields, message) => {
    const root = tree(readme(fields));
    try {
      expect(() => loadTracks(join(root, 'exercises'), join(root, 'solutions'))).toThrow(message);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('the valid version loads', () => {
    const root = tree(readme(valid));
    try {
      expect(loadTracks(join(root, 'exercises'), join(root, 'solutions'))[0]?.exercises[0]?.id).toBe('01_t/01_e');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
