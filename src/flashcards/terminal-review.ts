/**
 * `npm run cards`: review the cards due, then new ones, one at a time. Space shows the answer,
 * 1-4 grades it (again, hard, good, easy), q quits. Progress is saved after every grade, so
 * quitting any way loses nothing. Node only.
 */
import { displayPath } from '../catalog/paths.ts';
import { accent, dim, ok } from '../learn/style.ts';
import type { Deck } from './deck.ts';
import type { CardFilter } from './filters.ts';
import { deckStatus, nextCard, type QueueOptions } from './queue.ts';
import { KEYS, formatInterval, gradeForKey, previewGrades, previewOf, recordGrade } from './scheduler.ts';
import { CARDS_FILE, loadCardsState, saveCardsState } from './state-file.ts';
import { withNewPerDay } from './state.ts';
import type { KeyInput } from './terminal-input.ts';
import { renderAnswer, renderGradeKeys, renderNothingLeft, renderQuestion, renderStatus } from './terminal-render.ts';

export interface ReviewSessionOptions {
  deck: Deck;
  input: KeyInput;
  filter?: CardFilter;
  /** Saved as the learner's setting when given. */
  newPerDay?: number;
  file?: string;
  out?: (text: string) => void;
  clock?: () => Date;
}

export async function runReviewSession(options: ReviewSessionOptions): Promise<number> {
  const out = options.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const clock = options.clock ?? (() => new Date());
  const file = options.file ?? CARDS_FILE;
  const filter = options.filter ?? {};
  const loaded = loadCardsState(file);
  let state = loaded.state;
  if (options.newPerDay !== undefined && options.newPerDay !== state.settings.newPerDay) {
    state = withNewPerDay(state, options.newPerDay);
    saveCardsState(state, file);
  }
  const queue = (): QueueOptions => ({ now: clock(), filter });

  out(accent('pubsub-workbook') + dim(' · flashcards (space: show the answer · 1-4: grade · q: quit)'));
  if (loaded.warning) out(loaded.warning);
  out(renderStatus(deckStatus(options.deck, state, queue()), filter));

  let reviewed = 0;
  for (;;) {
    const next = nextCard(options.deck, state, queue());
    if (!next) {
      out(`\n${renderNothingLeft(deckStatus(options.deck, state, queue()), clock())}`);
      break;
    }
    const { card } = next;
    out(`\n${renderQuestion(card, `card ${reviewed + 1} · ${next.why}`)}`);
    out(dim('space: show the answer · q: quit'));
    let key = await options.input.key();
    while (key !== KEYS.flip && key !== KEYS.quit) {
      out(dim(gradeForKey(key) ? 'Show the answer first (space), then grade it.' : 'Keys: space shows the answer, q quits.'));
      key = await options.input.key();
    }
    if (key === KEYS.quit) break;

    out(`\n${renderAnswer(card)}`);
    // The outcomes shown are the ones recorded: the keys promise exactly what grading does.
    const previews = previewGrades(state, card.id, clock());
    out(renderGradeKeys(previews));
    key = await options.input.key();
    let grade = gradeForKey(key);
    while (!grade && key !== KEYS.quit) {
      out(dim('Grade with 1 (again), 2 (hard), 3 (good) or 4 (easy); q quits.'));
      key = await options.input.key();
      grade = gradeForKey(key);
    }
    if (!grade) break;

    const chosen = previewOf(previews, grade.name);
    const now = chosen.reviewedAt;
    state = recordGrade(state, card.id, chosen);
    saveCardsState(state, file);
    reviewed++;
    const due = new Date(state.cards[card.id]?.fsrs.due ?? now);
    out(`${ok(`✓ ${grade.name}`)}: back in ${formatInterval(due.getTime() - now.getTime())} · ${renderStatus(deckStatus(options.deck, state, queue()), filter)}`);
  }

  out(`\nReviewed ${reviewed} card${reviewed === 1 ? '' : 's'} this session. Progress is saved in ${displayPath(file)}.`);
  return 0;
}
