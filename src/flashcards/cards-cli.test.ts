/**
 * `npm run cards` end to end, as a learner meets it: a real process in a copy of the workbook, keys
 * typed on stdin one per line (as when input is piped), progress in its .workbook/cards.json.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CliProcess, createSandbox, type Sandbox } from '../testing/sandbox.ts';
import { emptyState, type ReviewState } from './state.ts';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox();
});
afterAll(() => sandbox.remove());

const stateFile = (): string => join(sandbox.root, '.workbook', 'cards.json');
const saved = (): ReviewState => JSON.parse(readFileSync(stateFile(), 'utf8')) as ReviewState;
const NEW_CARD = /── card \d+ · new · [a-z-]+ · [a-z]+ · [a-z]+ · ([a-z0-9-]+)\n/;

/** Runs the trainer to completion; the process is killed if the test fails first. */
async function session(args: string[], drive: (cards: CliProcess) => Promise<void>): Promise<CliProcess> {
  const cards = new CliProcess(sandbox, ['src/cli/cards.ts', ...args]);
  try {
    await drive(cards);
    expect(await cards.exited, `exit code; output:\n${cards.output}`).toBe(0);
    return cards;
  } finally {
    cards.child.kill('SIGKILL');
  }
}

describe('npm run cards', () => {
  test('grade three cards, quit, restart: what is due and the new cards left are as they were saved', async () => {
    const graded: Array<{ id: string; grade: string }> = [];
    const first = await session(['--new-per-day', '5'], async (cards) => {
      await cards.expect(/0 due now · 5 new left today \(5 a day\) · \d+ cards: all cards/, 20_000, 'the counts when the trainer starts');
      for (const [key, grade] of [['3', 'good'], ['1', 'again'], ['4', 'easy']] as const) {
        const card = await cards.expect(NEW_CARD, 5_000, 'a new card');
        await cards.expect(/space: show the answer · q: quit/, 5_000, 'the prompt to flip the card');
        cards.send(' ');
        await cards.expect(/Key points:[\s\S]*1 again \(1 min\) · 2 hard \(6 min\) · 3 good \(10 min\) · 4 easy \(\d+ days?\)/, 5_000, 'the answer with its key points and the four grades');
        cards.send(key);
        await cards.expect(new RegExp(`✓ ${grade}: back in`), 5_000, `the ${grade} grade confirmed`);
        graded.push({ id: card[1] ?? '', grade });
      }
      await cards.expect(NEW_CARD, 5_000, 'the fourth card');
      cards.send('q');
    });
    expect(first.output).toContain('Reviewed 3 cards this session. Progress is saved in .workbook/cards.json.');

    const state = saved();
    expect(Object.keys(state.cards).sort()).toEqual(graded.map((g) => g.id).sort());
    expect(state.settings.newPerDay, '--new-per-day is remembered').toBe(5);
    const dueIn = (id: string): number => (new Date(state.cards[id]?.fsrs.due ?? 0).getTime() - new Date(state.cards[id]?.summary.lastReview ?? 0).getTime()) / 60_000;
    const [good, again, easy] = graded.map((g) => g.id) as [string, string, string];
    expect(state.cards[good]?.summary.lastGrade).toBe('good');
    expect([dueIn(again), dueIn(good)]).toEqual([1, 10]); // ts-fsrs learning steps
    expect(dueIn(easy), 'an easy new card waits days').toBeGreaterThan(24 * 60);

    const second = await session([], async (cards) => {
      await cards.expect(/0 due now · 2 new left today \(5 a day\)/, 20_000, 'the counts after the restart');
      const card = await cards.expect(NEW_CARD, 5_000, 'the next new card');
      expect(graded.map((g) => g.id), 'a graded card is not new again').not.toContain(card[1]);
      cards.send('q');
    });
    expect(second.output).toContain('Reviewed 0 cards this session.');
  }, 60_000);

  test('a corrupt progress file is reported in one line, kept aside, and a fresh one is started', async () => {
    writeFileSync(stateFile(), '{ "cards": ');
    const run = await session([], async (cards) => {
      await cards.expect(/Your flashcard progress file was damaged; it is kept as \.workbook\/cards\.corrupt-\S+\.json and a new one was started/, 20_000, 'the warning');
      await cards.expect(/0 due now · 20 new left today/, 5_000, 'the counts of a fresh start');
      cards.send('q');
    });
    expect(run.output).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const aside = readdirSync(join(sandbox.root, '.workbook')).filter((f) => f.startsWith('cards.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(sandbox.root, '.workbook', aside[0] as string), 'utf8')).toBe('{ "cards": ');
    expect(saved()).toEqual(emptyState());
  }, 60_000);

  test('interview: an answer typed, the key points ticked, a score saved to the history', async () => {
    const run = await session(['interview', '--count', '1', '--level', 'basic'], async (cards) => {
      await cards.expect(/1 question at basic level\./, 20_000, 'the interview introduction');
      await cards.expect(/── question 1 of 1 · [a-z-]+ · basic · /, 5_000, 'the question');
      cards.send('Publishers send to a topic and every subscriber gets a copy.');
      cards.send('');
      await cards.expect(/Key points:\n\s+1\. [\s\S]*Which key points did your answer contain\?/, 5_000, 'the model answer and its numbered key points');
      cards.send('7');
      await cards.expect(/Type numbers from 1 to \d, separated by spaces/, 5_000, 'the hint after an invalid number');
      cards.send('1 2');
      await cards.expect(/Score: 2 of \d key points \(\d+%\)/, 5_000, 'the score');
    });
    expect(run.output).toContain('Saved.');
    const [interview] = saved().interviews;
    expect(interview).toMatchObject({ level: 'basic', answers: [{ ticked: [0, 1] }] });
  }, 60_000);

  test('bad input gets one line and exit code 1, no stack trace', async () => {
    const cards = new CliProcess(sandbox, ['src/cli/cards.ts', '--level', 'expert']);
    expect(await cards.exited).toBe(1);
    expect(cards.output.trim()).toBe('✗ No level called "expert". Choose from: basic, intermediate, advanced.');
  }, 30_000);
});
