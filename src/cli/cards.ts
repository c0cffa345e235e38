/**
 * `npm run cards -- [command] [options]`: the interview flashcards in the terminal, scheduled by
 * ts-fsrs with the same deck, engine and keys as the site's Flashcards page.
 *
 *   (none) | review    study what is due, then new cards (space: answer · 1-4: grade · q: quit)
 *   interview          a short mock interview: type answers, tick the key points they contained
 *   status             due and new counts per chapter
 *   export [file]      write the progress as a file the site's Flashcards page can import
 *   import <file>      replace the progress with an export (the current one is kept as a copy)
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHAPTERS } from '../catalog/chapters.ts';
import { STATE_DIR, displayPath } from '../catalog/paths.ts';
import { WorkbookError } from '../harness/errors.ts';
import { bold } from '../learn/style.ts';
import { loadDeck } from '../flashcards/deck-files.ts';
import { parseChapters, parseLevels, type CardFilter } from '../flashcards/filters.ts';
import { deckStatus } from '../flashcards/queue.ts';
import { CARDS_FILE, importCardsFile, loadCardsState } from '../flashcards/state-file.ts';
import { exportFileName, serialiseState } from '../flashcards/state.ts';
import { main } from './main.ts';

const USAGE = `Usage: npm run cards -- [command] [options]
  (none), review       study the cards due now, then new ones: space shows the answer,
                       1 again · 2 hard · 3 good · 4 easy grades it, q quits
  interview            a short mock interview: answer in your own words, then tick the key points
  status               cards due and new, per chapter
  export [file]        save your progress to a file (default .workbook/pubsub-workbook-flashcards-<date>.json)
                       to import on the site's Flashcards page or in another clone
  import <file>        replace your progress with an exported file (yours is kept as a copy)
Options:
  --chapter <id>       only this chapter's cards (repeat, or separate with commas, for several)
  --level <level>      basic, intermediate or advanced
  --new-per-day <n>    how many new cards a day (default 20; remembered)
  --count <n>          interview: how many questions (default 3)
Progress is kept in ${displayPath(CARDS_FILE)}.`;

const OPTIONS = {
  chapter: { type: 'string', multiple: true },
  level: { type: 'string', multiple: true },
  'new-per-day': { type: 'string' },
  count: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ options: OPTIONS, allowPositionals: true });
  } catch (error) {
    // parseArgs explains itself ("Unknown option '--x'"); only the first sentence is for the learner.
    const reason = (error instanceof Error ? error.message : String(error)).split('. ')[0];
    throw new WorkbookError(`${reason}. \`npm run cards -- help\` lists the options.`);
  }
}

function wholeNumber(value: string | undefined, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < minimum) {
    throw new WorkbookError(`${flag} takes a whole number${minimum > 0 ? ` of at least ${minimum}` : ''}, e.g. ${flag} ${Math.max(minimum, 10)} (got "${value}").`);
  }
  return number;
}

main(async () => {
  const { values, positionals } = parse();
  const [command = 'review', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const [path, ...extra] = command === 'export' || command === 'import' ? rest : [undefined, ...rest];
  if (extra.length > 0) throw new WorkbookError(`Unexpected "${extra.join(' ')}". \`npm run cards -- help\` lists the commands and options.`);
  const filter: CardFilter = { chapters: parseChapters(values.chapter ?? []), levels: parseLevels(values.level ?? []) };
  const newPerDay = wholeNumber(values['new-per-day'], '--new-per-day', 0);
  const count = wholeNumber(values.count, '--count', 1);

  switch (command) {
    case 'review': {
      const deck = loadDeck();
      const [{ keyInput }, { runReviewSession }] = await Promise.all([import('../flashcards/terminal-input.ts'), import('../flashcards/terminal-review.ts')]);
      const input = keyInput();
      try {
        return await runReviewSession({ deck, input, filter, ...(newPerDay !== undefined ? { newPerDay } : {}) });
      } finally {
        input.close();
      }
    }
    case 'interview': {
      if ((filter.levels?.length ?? 0) > 1) throw new WorkbookError('An interview takes one --level (basic, intermediate or advanced), or none for a mix.');
      const deck = loadDeck();
      const [{ lineInput }, { runInterviewSession }] = await Promise.all([import('../flashcards/terminal-input.ts'), import('../flashcards/terminal-interview.ts')]);
      const input = lineInput();
      try {
        return await runInterviewSession({
          deck,
          input,
          ...(filter.levels?.[0] ? { level: filter.levels[0] } : {}),
          ...(filter.chapters?.length ? { chapters: filter.chapters } : {}),
          ...(count !== undefined ? { count } : {}),
        });
      } finally {
        input.close();
      }
    }
    case 'status': {
      const deck = loadDeck();
      const { state, warning } = loadCardsState();
      if (warning) console.error(warning);
      const now = new Date();
      const rows = CHAPTERS.filter((c) => !filter.chapters?.length || filter.chapters.includes(c.id)).map((chapter) => {
        const status = deckStatus(deck, state, { now, filter: { ...filter, chapters: [chapter.id] }, ...(newPerDay !== undefined ? { newPerDay } : {}) });
        return `  ${chapter.id.padEnd(16)} ${String(status.due).padStart(4)} due  ${String(status.unseen).padStart(4)} never seen  ${String(status.total).padStart(4)} cards`;
      });
      const all = deckStatus(deck, state, { now, filter, ...(newPerDay !== undefined ? { newPerDay } : {}) });
      console.log(`${bold(String(all.due))} due now · ${bold(String(all.newLeftToday))} new left today (${all.newPerDay} a day) · ${all.total} cards\n${rows.join('\n')}`);
      return 0;
    }
    case 'export': {
      const { state, warning } = loadCardsState();
      if (warning) console.error(warning);
      const target = resolve(path ?? join(STATE_DIR, exportFileName(new Date())));
      if (existsSync(target)) throw new WorkbookError(`${target} already exists; name another file, e.g. \`npm run cards -- export my-cards.json\`.`);
      writeFileSync(target, serialiseState(state));
      console.log(`Saved ${Object.keys(state.cards).length} cards' progress and ${state.interviews.length} interviews to ${displayPath(target)}.`);
      return 0;
    }
    case 'import': {
      if (!path) throw new WorkbookError('Which file? e.g. `npm run cards -- import pubsub-workbook-flashcards-2026-03-10.json`.');
      const { state, backup } = importCardsFile(resolve(path));
      console.log(`Imported ${Object.keys(state.cards).length} cards' progress and ${state.interviews.length} interviews.${backup ? ` Your previous progress is kept as ${displayPath(backup)}.` : ''}`);
      return 0;
    }
    default:
      throw new WorkbookError(`Unknown command "${command}". \`npm run cards -- help\` lists the commands.`);
  }
});
