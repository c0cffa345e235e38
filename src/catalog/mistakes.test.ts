import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadExercises } from './catalog.ts';
import { loadMistakes, readHeader } from './mistakes.ts';

function owner(files: Record<string, Record<string, string>>): { id: string; files: string[]; solutionDir: string } {
  const solutionDir = mkdtempSync(join(tmpdir(), 'mistakes-'));
  for (const [slug, contents] of Object.entries(files)) {
    mkdirSync(join(solutionDir, 'mistakes', slug), { recursive: true });
    for (const [name, text] of Object.entries(contents)) writeFileSync(join(solutionDir, 'mistakes', slug, name), text);
  }
  return { id: '01_t/01_e', files: ['bus.ts', 'util.ts'], solutionDir };
}

describe('known-wrong solutions on disk', () => {
  test('a mistake gives its slug, summary, every Caught by title and its files', () => {
    const exercise = owner({
      'b-second': { 'bus.ts': '// Mistake: forgets to quit\n// Caught by: close() quits\nexport {};\n' },
      'a-first': {
        'bus.ts': '// Mistake: one connection\n// Caught by: publishes\n// Caught by: routes\nexport {};\n',
        'util.ts': '// Mistake: one connection, here too\n// Caught by: routes\nexport {};\n',
      },
    });
    const mistakes = loadMistakes(exercise);
    expect(mistakes.map((m) => m.slug)).toEqual(['a-first', 'b-second']);
    expect(mistakes[0]).toMatchObject({ summary: 'one connection', caughtBy: ['publishes', 'routes'] });
    expect(Object.keys(mistakes[0]?.files ?? {})).toEqual(['bus.ts', 'util.ts']);
  });

  test('an exercise without a mistakes folder has none', () => {
    expect(loadMistakes(owner({}))).toEqual([]);
  });

  test('a file without its header is named in the error', () => {
    expect(() => loadMistakes(owner({ 'no-header': { 'bus.ts': 'export {};\n' } }))).toThrow(/mistakes\/no-header\/bus\.ts: start the file with `\/\/ Mistake:/);
    expect(() => loadMistakes(owner({ 'no-test': { 'bus.ts': '// Mistake: x\nexport {};\n' } }))).toThrow(/no-test\/bus\.ts: add `\/\/ Caught by:/);
  });

  test('a file the exercise does not have, or a badly named folder, is named in the error', () => {
    expect(() => loadMistakes(owner({ stray: { 'other.ts': '// Mistake: x\n// Caught by: y\n' } }))).toThrow(/stray\/other\.ts: 01_t\/01_e has no learner file called other\.ts/);
    expect(() => loadMistakes(owner({ Bad_Name: { 'bus.ts': '// Mistake: x\n// Caught by: y\n' } }))).toThrow(/Bad_Name: name a mistake's folder/);
  });

  test('the header is read from the leading comments only', () => {
    expect(readHeader('// Mistake: a\n// why it matters\n// Caught by: t\nconst x = 1; // Caught by: not this\n')).toEqual({ summary: 'a', caughtBy: ['t'] });
  });

  test("every exercise's mistakes load", () => {
    for (const exercise of loadExercises()) expect(() => loadMistakes(exercise), exercise.id).not.toThrow();
  });
});
