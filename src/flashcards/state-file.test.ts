/**
 * The terminal trainer's progress file: it survives a save and a reload, is written without leaving
 * temporary files, and a damaged one is set aside (kept as it was), reported in one line and rebuilt.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { gradeCard } from './scheduler.ts';
import { importCardsFile, loadCardsState, saveCardsState } from './state-file.ts';
import { emptyState, serialiseState, withNewPerDay } from './state.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cards-'));
  file = join(dir, 'cards.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('.workbook/cards.json', () => {
  test('starts empty, and what is saved is what is loaded', () => {
    expect(loadCardsState(file)).toEqual({ state: emptyState() });
    const state = gradeCard(withNewPerDay(emptyState(), 7), 'kafka-acks-min-isr', 'good', new Date('2026-03-10T09:00:00Z'));
    saveCardsState(state, file);
    expect(loadCardsState(file)).toEqual({ state });
    expect(readdirSync(dir), 'no temporary file is left behind').toEqual(['cards.json']);
  });

  test.each([
    ['not JSON', '{ "cards": '],
    ['empty', ''],
    ['JSON of another tool', '{"exercises": {"01": {"done": true}}}'],
    ['a damaged card', JSON.stringify({ ...emptyState(), cards: { x: { fsrs: { due: 'tomorrow' } } } })],
  ])('a file that is %s is set aside, reported in one line and rebuilt', (_kind, content) => {
    writeFileSync(file, content);

    const { state, warning } = loadCardsState(file);

    expect(state).toEqual(emptyState());
    expect(warning).toMatch(/^Your flashcard progress file was damaged; it is kept as .*cards\.corrupt-[\dT-]+Z\.json and a new one was started/);
    expect(warning).not.toContain('\n');
    const aside = readdirSync(dir).find((f) => f.startsWith('cards.corrupt-')) as string;
    expect(readFileSync(join(dir, aside), 'utf8'), 'the damaged file is kept as it was').toBe(content);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(emptyState());
    expect(loadCardsState(file).warning, 'the rebuilt file loads cleanly').toBeUndefined();
    expect(existsSync(file)).toBe(true);
  });
});

describe('importing an export into the terminal trainer', () => {
  const progress = gradeCard(emptyState(), 'redis-publish-returns', 'easy', new Date('2026-03-10T09:00:00Z'));

  test('a valid export replaces the progress; the previous progress is kept as a copy', () => {
    saveCardsState(progress, file);
    const exported = join(dir, 'from-the-site.json');
    const fromSite = gradeCard(emptyState(), 'kafka-compaction', 'good', new Date('2026-03-11T09:00:00Z'));
    writeFileSync(exported, serialiseState(fromSite));

    const { backup, state } = importCardsFile(exported, file);

    expect(state).toEqual(fromSite);
    expect(loadCardsState(file).state).toEqual(fromSite);
    expect(backup).toMatch(/cards\.before-import-.*\.json$/);
    expect(JSON.parse(readFileSync(backup as string, 'utf8'))).toEqual(progress);
  });

  test.each([
    ['a file that is not there', undefined, /^Cannot read .*: give the path of a file exported/],
    ['a foreign file', '{"exercises": {}}', /^This file is not a flashcards export of pubsub-workbook .* Nothing was imported; your progress is unchanged\.$/],
    ['a damaged export', JSON.stringify({ ...emptyState(), interviews: [{ at: 'yesterday' }] }), /^This flashcards export is damaged: interviews\.0\.at: /],
  ])('%s is refused in one line and the progress file is left exactly as it was', (_what, content, message) => {
    saveCardsState(progress, file);
    const before = readFileSync(file, 'utf8');
    const exported = join(dir, 'export.json');
    if (content !== undefined) writeFileSync(exported, content);

    expect(() => importCardsFile(exported, file)).toThrow(message);

    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('cards.'))).toEqual(['cards.json']);
  });
});
