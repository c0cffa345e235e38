/**
 * How the terminal shows cards and counts. Node only (it styles text for a terminal).
 */
import { accent, bold, dim } from '../learn/style.ts';
import { describeFilter, type CardFilter } from './filters.ts';
import { cardSourceFile } from './links.ts';
import type { DeckStatus } from './queue.ts';
import { formatInterval, type GradePreview } from './scheduler.ts';
import type { Card } from './schema.ts';

/** The little Markdown the answers use, made readable in a terminal. */
export function plainMarkdown(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, (_, inner: string) => bold(inner)).trim();
}

/** `3 due now · 17 new left today (20 a day) · 142 cards: all cards` */
export function renderStatus(status: DeckStatus, filter: CardFilter): string {
  return `${bold(String(status.due))} due now · ${bold(String(status.newLeftToday))} new left today (${status.newPerDay} a day) · ${status.total} cards: ${describeFilter(filter)}`;
}

export function renderQuestion(card: Card, label: string): string {
  return [dim(`── ${label} · ${card.chapter} · ${card.level} · ${card.kind} · ${card.id}`), `${accent('Q')}  ${plainMarkdown(card.question)}`].join('\n');
}

/** The answer side: model answer, the guide's mistake if any, the key points, where to read more. */
export function renderAnswer(card: Card, options: { numbered?: boolean } = {}): string {
  const lines = [`${accent('A')}  ${plainMarkdown(card.answer)}`];
  if (card.asOf) lines.push(dim(`   (holds for: ${card.asOf})`));
  if (card.correction) {
    lines.push('', `${bold('Where the guide goes wrong:')} it says ${plainMarkdown(card.correction.guideSays)}`, `   ${plainMarkdown(card.correction.why)}`);
  }
  lines.push('', bold('Key points:'));
  card.rubric.forEach((point, i) => lines.push(`  ${options.numbered ? `${i + 1}.` : '•'} ${plainMarkdown(point)}`));
  lines.push(dim(`Read more: ${cardSourceFile(card)}`));
  return lines.join('\n');
}

export function renderGradeKeys(previews: readonly GradePreview[]): string {
  return `${previews.map((p) => `${bold(p.key)} ${p.name} (${p.interval})`).join(' · ')} · ${bold('q')} quit`;
}

export function renderNothingLeft(status: DeckStatus, now: Date): string {
  const lines = ['Nothing more to study right now.'];
  if (status.nextDue) lines.push(`The next card is due in ${formatInterval(status.nextDue.getTime() - now.getTime())} (${status.nextDue.toLocaleString()}).`);
  if (status.newLeftToday === 0 && status.unseen > 0) {
    lines.push(dim(`${status.unseen} new cards wait; today's limit of ${status.newPerDay} is used up (change it with --new-per-day).`));
  }
  return lines.join('\n');
}

export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
