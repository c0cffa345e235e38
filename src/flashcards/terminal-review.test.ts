/**
 * The terminal review loop with a scripted keyboard and a clock the test moves: what is due after a
 * restart minutes or days later, which keys are refused, and that every grade is on disk at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseDeck } from './deck.ts';
import { loadCardsState } from './state-file.ts';
import type { KeyInput } from './terminal-input.ts';
import { runReviewSession } from './terminal-review.ts';

const card = (id: string): Record<string, unknown> => ({
  id,
  question: `${id}?`,
  answer: `About ${id}.`,
  level: 'basic',
  kind: 'question',
  source: [{ guide: 'complete', section: 'Quick Reference' }],
  rubric: ['one', 'two', 'three'],
});
const deck = parseDeck([{ name: 'kafka.yaml', text: JSON.stringify(['c1', 'c2', 'c3', 'c4'].map(card)) }]);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cards-review-'));
  file = join(dir, 'cards.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Keys typed in order; after the last one, the input has ended (the trainer is told q). */
function keys(...typed: string[]): KeyInput {
  const queue = [...typed];
  return { key: async () => queue.shift() ?? 'q', close: () => {} };
}

async function review(typed: string[], now: Date, newPerDay?: number): Promise<string> {
  const lines: string[] = [];
  await runReviewSession({ deck, input: keys(...typed), file, clock: () => now, out: (t) => lines.push(t), ...(newPerDay !== undefined ? { newPerDay } : {}) });
  return lines.join('\n');
}

const start = new Date(2026, 2, 10, 9, 0);
const later = (minutes: number): Date => new Date(start.getTime() + minutes * 60_000);

describe('the review loop', () => {
  test('three graded cards are saved; eleven minutes later the good and the again cards are due, the easy one is not', async () => {
    const first = await review([' ', '3', ' ', '1', ' ', '4', 'q'], start);
    expect(first).toMatch(/0 due now · 4 new left today/);
    expect(first).toContain('Reviewed 3 cards this session.');
    expect(Object.keys(loadCardsState(file).state.cards)).toEqual(['c1', 'c2', 'c3']);

    const second = await review(['q'], later(11));
    expect(second).toMatch(/^2 due now · 1 new left today/m);
    expect(second, 'the most overdue card comes first').toMatch(/── card 1 · due · kafka · basic · question · c2/);

    const nextMonth = await review(['q'], later(60 * 24 * 30));
    expect(nextMonth, 'a month later the easy card is due too').toMatch(/^3 due now · 1 new left today/m);
  });

  test('grades are refused until the answer is shown, and unknown keys explain the keys', async () => {
    const output = await review(['3', 'x', ' ', ' ', 'z', '2', 'q'], start);
    expect(output).toContain('Show the answer first (space), then grade it.');
    expect(output).toContain('Keys: space shows the answer, q quits.');
    expect(output).toContain('Grade with 1 (again), 2 (hard), 3 (good) or 4 (easy); q quits.');
    expect(output).toMatch(/✓ hard: back in 6 min/);
    expect(loadCardsState(file).state.cards.c1?.summary.lastGrade).toBe('hard');
  });

  test('each grade is on disk before the next card is shown, so a killed trainer loses nothing', async () => {
    let seenOnDisk: string[] = [];
    const input: KeyInput = {
      key: (() => {
        const script = [' ', '3', ' '];
        return async () => {
          if (script.length === 1) seenOnDisk = Object.keys(loadCardsState(file).state.cards);
          return script.shift() ?? 'q';
        };
      })(),
      close: () => {},
    };
    await runReviewSession({ deck, input, file, clock: () => start, out: () => {} });
    expect(seenOnDisk).toEqual(['c1']);
  });

  test('the daily limit of new cards holds across sessions, and --new-per-day is remembered', async () => {
    await review([' ', '4', ' ', '4'], start, 2);
    const output = await review([], later(5));
    expect(output).toMatch(/0 due now · 0 new left today \(2 a day\)/);
    expect(output).toMatch(/Nothing more to study right now\.\nThe next card is due in \d+ days/);
    expect(output).toContain("2 new cards wait; today's limit of 2 is used up");
  });
});
