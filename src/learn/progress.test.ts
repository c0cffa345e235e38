import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadProgress, saveProgress, update } from './progress.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'progress-'));
  file = join(dir, 'progress.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('progress file', () => {
  test('starts empty and survives a save and a reload', () => {
    const { progress, warning } = loadProgress(file);
    expect(warning).toBeUndefined();
    update(progress, 'track/ex', { done: true, hintsShown: 2 });
    progress.current = 'track/ex';
    saveProgress(progress, file);

    expect(loadProgress(file).progress).toEqual({
      version: 1,
      current: 'track/ex',
      exercises: { 'track/ex': { done: true, hintsShown: 2 } },
    });
  });

  test.each([
    ['not JSON', '{ nope'],
    ['JSON of the wrong shape', '{"version": 7, "exercises": []}'],
    ['empty', ''],
  ])('a %s file is set aside, reported and rebuilt', (_kind, content) => {
    writeFileSync(file, content);

    const { progress, warning } = loadProgress(file);

    expect(progress).toEqual({ version: 1, exercises: {} });
    expect(warning).toMatch(/damaged; it is kept as .*progress\.corrupt-.*\.json.*npm run learn -- verify/);
    const aside = readdirSync(dir).find((f) => f.startsWith('progress.corrupt-')) as string;
    expect(readFileSync(join(dir, aside), 'utf8'), 'the damaged file is kept as it was').toBe(content);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, exercises: {} });
  });

  test('saving leaves no temporary file behind', () => {
    saveProgress({ version: 1, exercises: {} }, file);
    expect(readdirSync(dir)).toEqual(['progress.json']);
    expect(existsSync(file)).toBe(true);
  });
});
