/**
 * The Flashcards and mock-interview pages of the built site (docs/.vitepress/dist) in Chromium,
 * used as a learner would: cards reviewed with the keyboard survive a reload; an export, erased
 * progress and the export imported again give back the same state; a broken or foreign file is
 * refused with one clear line and changes nothing; a mock interview runs from start to score and
 * its history is there after a reload. Each test starts with an empty browser profile (a fresh
 * context) and fails on any console error.
 *
 * `npm test` builds the site first; on its own:
 *   npm run docs:build && npx vitest run --project browser docs/flashcards.browser.test.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadDeck } from '../src/flashcards/deck-files.ts';
import {
  BROWSER_STORAGE_KEY,
  emptyState,
  formatInterval,
  gradeCard,
  importState,
  recordInterview,
  scoreAnswer,
  serialiseState,
  withNewPerDay,
  type ReviewState,
} from '../src/flashcards/index.ts';
import { launchChromium } from '../src/site/chromium.ts';
import { DIST_DIR } from '../src/site/paths.ts';
import { horizontalOverflow } from '../src/site/site-audit.ts';
import { serveStatic, type StaticSite } from '../src/site/static-server.ts';

const built = existsSync(join(DIST_DIR, 'flashcards.html')) && existsSync(join(DIST_DIR, 'interview-practice.html'));
const deck = loadDeck();
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const DEADLINE_MS = 10_000;

let site: StaticSite | undefined;
let browser: Browser | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'flashcards-browser-'));

beforeAll(async () => {
  if (!built) throw new Error(`The built site has no Flashcards pages (${DIST_DIR}): run \`npm run docs:build\` first (npm test does).`);
  site = await serveStatic(DIST_DIR);
  browser = await launchChromium();
});

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await site?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
});

interface Learner {
  page: Page;
  /** Console errors and uncaught exceptions so far, one line each. */
  errors: string[];
  open(path: string): Promise<void>;
}

/** A fresh browser profile (empty localStorage) for one test, closed whatever happens. */
async function asLearner(options: { viewport?: typeof DESKTOP; colorScheme?: 'light' | 'dark' }, use: (learner: Learner) => Promise<void>): Promise<void> {
  if (!browser || !site) throw new Error('Chromium or the static server did not start (see the error above).');
  const origin = site.origin;
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'light', acceptDownloads: true });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`uncaught ${error.name}: ${error.message}`));
    const open = async (path: string): Promise<void> => {
      await page.goto(origin + path);
      await see(page, '[data-flashcards="ready"], [data-interview-phase="setup"]', `the page ${path} to start`);
    };
    await use({ page, errors, open });
    expect(errors, 'console errors and uncaught exceptions on the page').toEqual([]);
  } finally {
    await context.close();
  }
}

/** Waits for `selector`, failing with a sentence rather than a selector dump. */
async function see(page: Page, selector: string, what: string): Promise<void> {
  try {
    await page.waitForSelector(selector, { timeout: DEADLINE_MS });
  } catch {
    throw new Error(`Waited ${DEADLINE_MS / 1000} s for ${what}, and it did not happen (nothing matched ${selector}).`);
  }
}

async function counts(page: Page): Promise<{ due: number; newLeft: number; learning: number }> {
  const number = async (name: string): Promise<number> => Number(await page.locator(`[data-${name}]`).getAttribute(`data-${name}`));
  return { due: await number('due'), newLeft: await number('new-left'), learning: await number('learning') };
}

const cardId = (page: Page): Promise<string | null> => page.locator('.fc-card').getAttribute('data-card-id');

async function waitForNextCard(page: Page, previous: string): Promise<string> {
  await see(page, `.fc-card[data-card-id]:not([data-card-id="${previous}"])`, `the next card after grading "${previous}"`);
  return (await cardId(page)) ?? '';
}

async function stored(page: Page): Promise<string | null> {
  return page.evaluate((key) => window.localStorage.getItem(key), BROWSER_STORAGE_KEY);
}

function parsed(text: string | null): ReviewState {
  const result = importState(text ?? '');
  if (!result.ok) throw new Error(`The page saved a state the engine cannot read: ${result.error}`);
  return result.state;
}

/** Puts `state` in the page's localStorage, as if earlier sessions had saved it, and reloads. */
async function seed(learner: Learner, state: ReviewState): Promise<void> {
  await learner.page.evaluate(([key, text]) => window.localStorage.setItem(key, text), [BROWSER_STORAGE_KEY, serialiseState(state)] as const);
  await learner.open('/flashcards');
}

/** Two cards studied, one mock interview and a limit of 15 new cards a day, made by the engine itself. */
function studiedState(): ReviewState {
  const [first, second] = deck.cards;
  if (!first || !second) throw new Error('the deck needs two cards');
  const now = new Date();
  let state = withNewPerDay(emptyState(), 15);
  state = gradeCard(state, first.id, 'good', now);
  state = gradeCard(state, second.id, 'easy', now);
  return recordInterview(state, { at: now.toISOString(), level: 'basic', seconds: 95, answers: [scoreAnswer(first, [0, 1], 95)] });
}

describe('the Flashcards page', () => {
  test('three cards reviewed with the keyboard (Space, then 1–4) keep their grades and the counts after a reload', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open('/flashcards');
      expect(await counts(page)).toEqual({ due: 0, newLeft: 20, learning: 0 });

      const first = (await cardId(page)) ?? '';
      expect(first, 'a fresh profile starts with the first card of the deck').toBe(deck.cards[0]?.id);
      await page.keyboard.press('Space');
      await see(page, `.fc-card[data-card-id="${first}"][data-side="answer"]`, 'Space to show the answer');
      expect(await page.locator('.fc-grade').allInnerTexts(), 'each grade button shows when the card would come back').toEqual([
        expect.stringMatching(/^1\s+Again\s+\d+ min$/),
        expect.stringMatching(/^2\s+Hard\s+\d+ min$/),
        expect.stringMatching(/^3\s+Good\s+\d+ min$/),
        expect.stringMatching(/^4\s+Easy\s+\d+ days?$/),
      ]);
      expect(await page.locator(`[data-card-link="${first}"]`).getAttribute('href')).toMatch(/^\/chapters\/fundamentals(#[\w-]+)?$/);

      // Typing digits in a field is not grading: "1" would otherwise grade the open card Again.
      await page.locator('[data-setting="new-per-day"]').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('10');
      await page.keyboard.press('Tab');
      await see(page, '[data-new-left="10"]', 'the new-cards-a-day setting to apply');
      expect(await cardId(page)).toBe(first);
      expect(await page.locator('.fc-card').getAttribute('data-side'), 'the card stays open while the learner types').toBe('answer');

      await page.keyboard.press('3'); // Good
      const second = await waitForNextCard(page, first);
      await page.keyboard.press('4'); // before the flip: not a grade, so the same card must still be there after Space
      await page.keyboard.press('Space');
      await see(page, `.fc-card[data-card-id="${second}"][data-side="answer"]`, 'the second card to open (a grade before the flip must do nothing)');
      await page.keyboard.press('4'); // Easy
      const third = await waitForNextCard(page, second);
      await page.keyboard.press('Space');
      await see(page, `.fc-card[data-card-id="${third}"][data-side="answer"]`, 'the third card to open');
      await page.keyboard.press('2'); // Hard
      const fourth = await waitForNextCard(page, third);

      // Good and Hard keep a new card in its learning steps (minutes); Easy sends it to review (days).
      const expected = { due: 0, newLeft: 7, learning: 2 };
      expect(await counts(page)).toEqual(expected);
      const saved = parsed(await stored(page));
      expect(saved.settings.newPerDay).toBe(10);
      expect(Object.fromEntries(Object.entries(saved.cards).map(([id, p]) => [id, p.summary.lastGrade]))).toEqual({ [first]: 'good', [second]: 'easy', [third]: 'hard' });

      await page.reload();
      await see(page, '[data-flashcards="ready"]', 'the page to start again after the reload');
      expect(await counts(page), 'the counts after a reload').toEqual(expected);
      expect(await page.locator('[data-setting="new-per-day"]').inputValue()).toBe('10');
      expect(await cardId(page), 'the next card is the first one not yet studied').toBe(fourth);
      expect(parsed(await stored(page))).toEqual(saved);
    });
  });

  test('export, reset and import of the exported file give back the same progress', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open('/flashcards');
      await seed(learner, studiedState());
      const before = await counts(page);
      expect(before).toEqual({ due: 0, newLeft: 13, learning: 1 });
      const original = parsed(await stored(page));

      const [download] = await Promise.all([page.waitForEvent('download', { timeout: DEADLINE_MS }), page.locator('[data-action="export"]').click()]);
      expect(download.suggestedFilename()).toMatch(/^pubsub-workbook-flashcards-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = join(scratch, download.suggestedFilename());
      await download.saveAs(exported);
      expect(parsed(readFileSync(exported, 'utf8')), 'the exported file holds the saved state').toEqual(original);

      await page.locator('[data-action="reset"]').click();
      await see(page, '[data-action="confirm-reset"]', 'Reset to ask for confirmation');
      expect(await page.locator('.fc-confirm').innerText()).toContain("2 cards' progress and 1 mock interview");
      await page.locator('[data-action="confirm-reset"]').click();
      await see(page, '[data-new-left="15"]', 'the counts of a fresh start (the setting of 15 a day stays)');
      expect(parsed(await stored(page))).toEqual({ ...emptyState(), settings: { newPerDay: 15 } });

      // A reset can be taken back; then erase again for the import.
      await page.locator('[data-action="undo"]').click();
      await see(page, `[data-new-left="${before.newLeft}"]`, 'Undo to bring the progress back');
      expect(parsed(await stored(page))).toEqual(original);
      await page.locator('[data-action="reset"]').click();
      await page.locator('[data-action="confirm-reset"]').click();
      await see(page, '[data-new-left="15"]', 'the second reset');

      await page.locator('[data-import-file]').setInputFiles(exported);
      await see(page, '[data-transfer-message="ok"]', 'the import to be confirmed');
      expect(await page.locator('[data-transfer-message]').innerText()).toContain(`Imported 2 cards' progress and 1 mock interview from ${download.suggestedFilename()}`);
      expect(parsed(await stored(page)), 'the state after the import').toEqual(original);
      expect(await counts(page)).toEqual(before);

      await page.reload();
      await see(page, '[data-flashcards="ready"]', 'the page to start again after the reload');
      expect(await counts(page), 'the counts after a reload').toEqual(before);
    });
  });

  test('a broken file, a foreign JSON file and a damaged export are refused in one line, and nothing changes', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open('/flashcards');
      await seed(learner, studiedState());
      const before = await stored(page);
      const beforeCounts = await counts(page);
      const valid = serialiseState(studiedState());
      const damaged = valid.replace(/"due": "[^"]+"/, '"due": "next Tuesday"');
      const files = [
        { name: 'half-an-export.json', text: valid.slice(0, valid.length / 2), says: 'This file is not JSON' },
        { name: 'progress.json', text: JSON.stringify({ version: 1, current: 'x', exercises: {} }), says: 'This file is not a flashcards export of pubsub-workbook' },
        { name: 'edited-export.json', text: damaged, says: 'This flashcards export is damaged: cards.' },
      ];
      for (const file of files) {
        await page.locator('[data-import-file]').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) });
        await see(page, `[data-transfer-message="error"]:has-text("${file.name}")`, `the refusal of ${file.name}`);
        const message = await page.locator('[data-transfer-message]').innerText();
        expect(message).toContain(file.says);
        expect(message).toMatch(/Nothing was imported; your progress is unchanged\.$/);
        expect(message, 'one line').not.toContain('\n');
        expect(await page.locator('[data-transfer-message]').getAttribute('role')).toBe('alert');
        expect(await stored(page), `${file.name} left the saved progress as it was`).toBe(before);
        expect(await counts(page)).toEqual(beforeCounts);
      }
    });
  });

  test('a filter in the address that names no chapter says so in one line and shows every card', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open('/flashcards?chapter=kafak');
      expect(await page.locator('[data-filter-error]').innerText()).toBe(
        'The page address asks for cards that do not exist. No chapter called "kafak". Choose from: ' +
          'fundamentals, redis-pubsub, redis-patterns, redis-streams, kafka, sns, fan-out, event-driven, scaling, real-world, performance, pitfalls, interview. Showing every card.',
      );
      expect(await page.locator('[data-total]').getAttribute('data-total')).toBe(String(deck.cards.length));

      await page.locator('[data-filter="chapter"]').selectOption('kafka');
      await page.locator('[data-filter="level"]').selectOption('advanced');
      await see(page, `[data-total="${deck.cards.filter((c) => c.chapter === 'kafka' && c.level === 'advanced').length}"]`, 'the filter to apply');
      expect(new URL(page.url()).search).toBe('?chapter=kafka&level=advanced');
      expect(await page.locator('.fc-status').innerText(), 'the chapter by its title, not its slug').toContain('cards: Apache Kafka · level advanced');
      expect(deck.byId.get((await cardId(page)) ?? '')?.chapter).toBe('kafka');
    });
  });
});

describe('the grade buttons', () => {
  test('the interval a button shows is the interval scheduled, even when the learner takes hours to press it', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      // The page's clock, moved by the test: FSRS's fuzz depends on the review time.
      await page.clock.install({ time: new Date('2026-03-10T09:00:00Z') });
      await learner.open('/flashcards');
      const first = (await cardId(page)) ?? '';
      await page.keyboard.press('Space');
      await see(page, `.fc-card[data-card-id="${first}"][data-side="answer"]`, 'the answer side');
      const promised = (await page.locator('[data-grade="easy"] .fc-grade-interval').innerText()).trim();
      expect(promised).toMatch(/^\d+ days?$/);
      await page.clock.fastForward('05:00:00');
      await page.keyboard.press('4');
      await waitForNextCard(page, first);
      expect(await page.locator('[data-feedback]').innerText()).toBe(`✓ Easy: that card comes back in ${promised}.`);
      const saved = parsed(await stored(page)).cards[first]?.fsrs;
      const scheduledMs = new Date(saved?.due ?? 0).getTime() - new Date(saved?.last_review ?? 0).getTime();
      expect(formatInterval(scheduledMs), 'the stored due date, counted from the review').toBe(promised);
    });
  });
});

describe('a card where the guide is wrong', () => {
  // The first card of its chapter and level, so that a filter puts it on the table.
  const corrected = deck.cards.find((card) => card.correction && deck.cards.find((c) => c.chapter === card.chapter && c.level === card.level) === card);
  const plain = (text: string): string => text.replace(/\*\*|`/g, '').replace(/\s+/g, ' ').trim();

  test('shows what the guide says and why that is wrong on the answer side', async () => {
    const correction = corrected?.correction;
    if (!corrected || !correction) throw new Error('No card with a correction comes first in its chapter and level: this test needs one.');
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open(`/flashcards?chapter=${corrected.chapter}&level=${corrected.level}`);
      expect(await cardId(page)).toBe(corrected.id);
      expect(await page.locator('.fc-correction').count(), 'hidden until the card is flipped').toBe(0);
      await page.keyboard.press('Space');
      await see(page, '.fc-card[data-side="answer"] .fc-correction', 'the correction on the answer side');
      const shown = (await page.locator('.fc-correction').innerText()).replace(/\s+/g, ' ');
      expect(shown).toContain('Where the guide goes wrong');
      expect(shown).toContain(`The guide says: ${plain(correction.guideSays)}`);
      expect(shown).toContain(`Why not: ${plain(correction.why)}`);
    });
  });
});

describe('the mock interview', () => {
  test('one interview from start to score; its history is there after a reload', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open('/interview-practice');
      expect(await page.locator('[data-history]').getAttribute('data-history')).toBe('0');

      await page.locator('[data-interview="level"]').selectOption('basic');
      await page.locator('[data-interview="count"]').fill('2');
      await page.locator('[data-action="start"]').click();
      await see(page, '[data-interview-phase="asking"]', 'the first question');
      try {
        await page.waitForFunction(() => Number(document.querySelector('.mi-timer')?.getAttribute('data-seconds')) >= 1, undefined, { timeout: 5_000 });
      } catch {
        throw new Error('The question timer did not reach 0:01 within 5 s: it is not running.');
      }
      expect(await page.locator('.mi-timer').innerText()).toMatch(/^0:0[1-5]$/);

      const asked: string[] = [];
      const pointsPerQuestion: number[] = [];
      for (const [i, tick] of [[0, 1], [2]].entries()) {
        const id = (await page.locator('.mi-question').getAttribute('data-card-id')) ?? '';
        const card = deck.byId.get(id);
        expect(card?.level, `question ${i + 1} is at the chosen level`).toBe('basic');
        asked.push(id);
        await page.locator('[data-interview="answer"]').fill(`My answer to question ${i + 1}: publishers do not know their subscribers.`);
        await page.locator('[data-action="reveal"]').click();
        await see(page, `.mi-question[data-card-id="${id}"][data-phase="answered"]`, 'the model answer and its checklist');
        expect(await page.locator('.mi-yours-text').innerText()).toBe(`My answer to question ${i + 1}: publishers do not know their subscribers.`);
        expect(await page.locator('.mi-point').count()).toBe(card?.rubric.length);
        pointsPerQuestion.push(card?.rubric.length ?? 0);
        for (const point of tick) await page.locator(`[data-point="${point}"]`).check();
        await see(page, `[data-ticked="${tick.length}"]`, 'the ticked points to be counted');
        await page.locator('[data-action="next"]').click();
        if (i === 0) await see(page, `.mi-question[data-phase="asking"]:not([data-card-id="${id}"])`, 'the second question');
      }

      await see(page, '[data-interview-phase="done"]', 'the score of the session');
      const points = pointsPerQuestion.reduce((a, b) => a + b, 0);
      const score = page.locator('.mi-score');
      expect(await score.getAttribute('data-score-ticked')).toBe('3');
      expect(await score.getAttribute('data-score-points')).toBe(String(points));
      expect(await score.innerText()).toMatch(new RegExp(`^Score: 3 of ${points} key points \\(${Math.round((3 / points) * 100)}%\\) in \\d+:\\d\\d\\.$`));
      expect(await page.locator('.mi-done tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-answer-score')))).toEqual([
        `2/${pointsPerQuestion[0]}`,
        `1/${pointsPerQuestion[1]}`,
      ]);

      await page.reload();
      await see(page, '[data-interview-phase="setup"]', 'the interview page to start again after the reload');
      expect(await page.locator('[data-history]').getAttribute('data-history')).toBe('1');
      expect(await page.locator('svg.mi-chart').getAttribute('data-sessions')).toBe('1');
      expect(await page.locator('svg.mi-chart circle').count()).toBe(1);
      expect(await page.locator('.mi-history tbody tr td').last().innerText()).toBe(`3 of ${points} (${Math.round((3 / points) * 100)}%)`);
      const session = parsed(await stored(page)).interviews[0];
      expect(session?.level).toBe('basic');
      expect(session?.answers.map((a) => a.cardId)).toEqual(asked);
    });
  });
});

describe('a mock interview on one chapter', () => {
  test('survives reloads with its typed answer, records its chapter, and ends with each answer beside the model answer', async () => {
    await asLearner({}, async (learner) => {
      const { page } = learner;
      await learner.open('/interview-practice');
      await page.locator('[data-interview="chapter"]').selectOption('kafka');
      await page.locator('[data-interview="count"]').fill('2');
      await page.locator('[data-action="start"]').click();
      await see(page, '[data-interview-phase="asking"]', 'the first question');
      const first = (await page.locator('.mi-question').getAttribute('data-card-id')) ?? '';
      expect(deck.byId.get(first)?.chapter).toBe('kafka');
      const draft = 'A rebalance revokes every partition (eager protocol), then';
      await page.locator('[data-interview="answer"]').fill(draft);

      await page.reload();
      await see(page, `.mi-question[data-card-id="${first}"][data-phase="asking"]`, 'the same question after the reload');
      expect(await page.locator('[data-interview="answer"]').inputValue(), 'the typed answer survives the reload').toBe(draft);
      const mine = `${draft} reassigns them.`;
      await page.locator('[data-interview="answer"]').fill(mine);
      await page.locator('[data-action="reveal"]').click();
      await see(page, '[data-interview-phase="answered"]', 'the model answer');
      await page.locator('[data-point="0"]').check();

      await page.reload();
      await see(page, `.mi-question[data-card-id="${first}"][data-phase="answered"]`, 'the checklist again after a reload');
      expect(await page.locator('[data-point="0"]').isChecked(), 'the ticked point survives the reload').toBe(true);
      await page.locator('[data-action="next"]').click();
      await see(page, `.mi-question[data-phase="asking"]:not([data-card-id="${first}"])`, 'the second question');
      const second = (await page.locator('.mi-question').getAttribute('data-card-id')) ?? '';
      await page.locator('[data-action="reveal"]').click();
      await page.locator('[data-action="next"]').click();

      await see(page, '[data-interview-phase="done"]', 'the end of the interview');
      const compared = page.locator('.mi-compare');
      expect(await compared.evaluateAll((sections) => sections.map((s) => s.getAttribute('data-compare')))).toEqual([first, second]);
      expect(await compared.first().locator('[data-yours]').innerText()).toBe(mine);
      expect(await compared.first().locator(`[data-answer="${first}"]`).count(), 'the model answer beside it').toBe(1);
      expect(await compared.last().locator('[data-yours]').innerText()).toBe('(no answer typed)');

      const session = parsed(await stored(page)).interviews[0];
      expect(session?.chapters).toEqual(['kafka']);
      expect(session?.level).toBe('mixed');
      await page.reload();
      await see(page, '[data-interview-phase="setup"]', 'a finished interview is not resumed');
      expect(await page.locator('.mi-history [data-scope]').first().innerText()).toBe('Apache Kafka');
    });
  });
});

describe('on a phone in the dark theme', () => {
  test('an open card with its grade buttons and the interview checklist fit 390 px and use dark colours', async () => {
    await asLearner({ viewport: PHONE, colorScheme: 'dark' }, async (learner) => {
      const { page } = learner;
      const fits = async (what: string): Promise<void> => {
        const { scrollWidth, viewport, culprits } = await horizontalOverflow(page);
        expect(scrollWidth, `${what} is ${scrollWidth} px wide on a ${viewport} px screen; sticking out: ${culprits.join(', ')}`).toBeLessThanOrEqual(viewport);
      };
      await learner.open('/flashcards');
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark')), 'the site follows the dark preference').toBe(true);
      await page.locator('[data-action="flip"]').click();
      await see(page, '.fc-card[data-side="answer"]', 'the answer side');
      await fits('the Flashcards page with a card open');
      const [background, text] = await page.locator('.fc-card').evaluate((card) => [getComputedStyle(card).backgroundColor, getComputedStyle(card).color]);
      expect(luminance(background ?? ''), `card background ${background}`).toBeLessThan(0.2);
      expect(luminance(text ?? ''), `card text ${text}`).toBeGreaterThan(0.6);

      await learner.open('/interview-practice');
      await page.locator('[data-action="start"]').click();
      await see(page, '[data-interview-phase="asking"]', 'the first question');
      await fits('the interview page with a question');
      await page.locator('[data-action="reveal"]').click();
      await see(page, '[data-interview-phase="answered"]', 'the checklist');
      await fits('the interview page with the checklist');
    });
  });
});

/** Relative luminance (0 black … 1 white) of a CSS rgb()/rgba() colour. */
function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number).map((c) => c / 255);
  const linear = (c: number): number => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
