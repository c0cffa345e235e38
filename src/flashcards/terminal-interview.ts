/**
 * `npm run cards -- interview`: a short mock interview in the terminal. Each question is answered
 * in the learner's own words (an empty line ends the answer), then the model answer and its key
 * points are shown and the learner types the numbers of the points their answer contained. The
 * session's score joins the history kept in the review state. The browser has the full version
 * (timer, text box, checklist). Node only.
 */
import { accent, bold, dim, ok } from '../learn/style.ts';
import type { Deck } from './deck.ts';
import { interviewHistory, interviewScope, pickInterviewQuestions, recordInterview, scoreAnswer, sessionScore, type InterviewOptions } from './interview.ts';
import { CARDS_FILE, loadCardsState, saveCardsState } from './state-file.ts';
import type { InterviewAnswer } from './state.ts';
import type { LineInput } from './terminal-input.ts';
import { formatSeconds, renderAnswer, renderQuestion } from './terminal-render.ts';

export interface InterviewSessionOptions extends InterviewOptions {
  deck: Deck;
  input: LineInput;
  file?: string;
  out?: (text: string) => void;
  clock?: () => Date;
}

/** "1 3 4" or "1,3" → [0, 2, 3]; undefined when something is not a point number. */
export function parseTicks(line: string, points: number): number[] | undefined {
  const words = line.split(/[\s,]+/).filter(Boolean);
  const numbers = words.map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > points)) return undefined;
  return [...new Set(numbers.map((n) => n - 1))];
}

export async function runInterviewSession(options: InterviewSessionOptions): Promise<number> {
  const out = options.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const clock = options.clock ?? (() => new Date());
  const file = options.file ?? CARDS_FILE;
  const loaded = loadCardsState(file);
  const questions = pickInterviewQuestions(options.deck, options);
  const started = clock();

  out(accent('pubsub-workbook') + dim(' · mock interview'));
  if (loaded.warning) out(loaded.warning);
  out(
    `${questions.length} question${questions.length === 1 ? '' : 's'}${options.level ? ` at ${options.level} level` : ''}. Answer each in your own words, as you would aloud;` +
      ` an empty line ends your answer. A line with just q stops the interview.`,
  );

  const answers: InterviewAnswer[] = [];
  for (const [index, card] of questions.entries()) {
    out(`\n${renderQuestion(card, `question ${index + 1} of ${questions.length}`)}`);
    const asked = clock();
    const answer: string[] = [];
    let line = await options.input.line();
    while (line !== undefined && line.trim() !== '' && !(answer.length === 0 && line.trim() === 'q')) {
      answer.push(line);
      line = await options.input.line();
    }
    if (line === undefined || (answer.length === 0 && line.trim() === 'q')) break;
    const seconds = (clock().getTime() - asked.getTime()) / 1000;
    out(dim(`Answered in ${formatSeconds(seconds)}${answer.length === 0 ? ' (no answer typed)' : ''}.`));
    out(`\n${renderAnswer(card, { numbered: true })}`);

    out(`Which key points did your answer contain? Type their numbers (e.g. 1 3), or press Enter for none.`);
    let ticks: number[] | undefined;
    while (ticks === undefined) {
      const reply = await options.input.line();
      if (reply === undefined) break;
      ticks = parseTicks(reply, card.rubric.length);
      if (ticks === undefined) out(`Type numbers from 1 to ${card.rubric.length}, separated by spaces, or press Enter for none.`);
    }
    if (ticks === undefined) break;
    const scored = scoreAnswer(card, ticks, seconds);
    answers.push(scored);
    out(`${bold(`${scored.ticked.length} of ${scored.points}`)} key points.`);
  }

  if (answers.length === 0) {
    out('\nNo question was answered; nothing was recorded.');
    return 0;
  }
  const session = {
    at: started.toISOString(),
    level: options.level ?? ('mixed' as const),
    ...(options.chapters?.length ? { chapters: [...options.chapters] } : {}),
    seconds: (clock().getTime() - started.getTime()) / 1000,
    answers,
  };
  const state = recordInterview(loaded.state, session);
  saveCardsState(state, file);
  const score = sessionScore(session);
  out(`\n${ok(`Score: ${score.ticked} of ${score.points} key points (${Math.round(score.ratio * 100)}%)`)} in ${formatSeconds(session.seconds)}. Saved.`);
  const history = interviewHistory(state, 5);
  if (history.length > 1) {
    out(bold('Your last interviews:'));
    for (const past of history) {
      out(`  ${new Date(past.at).toLocaleString()}  ${past.level.padEnd(12)} ${interviewScope(past).padEnd(24)} ${String(Math.round(past.score.ratio * 100)).padStart(3)}%  (${past.answers.length} question${past.answers.length === 1 ? '' : 's'})`);
    }
  }
  return 0;
}
