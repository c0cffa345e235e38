/**
 * How a card is shown, the same on the Flashcards and the mock-interview pages: its tags, the
 * question, and the answer side (model answer, the guide's mistake when it has one, the key points,
 * and a link to the chapter that teaches it).
 */
import { h, type VNode } from 'vue';
import { cardChapterTitle, cardLink, type Card } from '../../../../src/flashcards/index.ts';
import { inline, paragraphs } from './flashcards-text.ts';

export function cardTags(card: Card, extra: string[] = []): VNode {
  return h('p', { class: 'fc-tags' }, [cardChapterTitle(card), card.level, card.kind, ...extra].map((tag) => h('span', { class: 'fc-tag' }, tag)));
}

export function cardQuestion(card: Card): VNode {
  return h('p', { class: 'fc-question', 'data-question': card.id }, inline(card.question));
}

export interface AnswerOptions {
  /** The key points as a list; the mock interview shows them as its checklist instead. */
  keyPoints?: boolean;
}

export function cardAnswer(card: Card, options: AnswerOptions = {}): VNode {
  return h('div', { class: 'fc-answer', 'data-answer': card.id }, [
    h('p', { class: 'fc-label' }, 'Model answer'),
    ...paragraphs(card.answer, 'fc-answer-text'),
    card.asOf ? h('p', { class: 'fc-as-of' }, `Holds for: ${card.asOf}`) : null,
    card.correction ? correction(card.correction) : null,
    options.keyPoints === false
      ? null
      : h('div', { class: 'fc-key-points' }, [h('p', { class: 'fc-label' }, 'Key points'), h('ul', card.rubric.map((point) => h('li', inline(point))))]),
    h('p', { class: 'fc-read-more' }, ['Read more: ', h('a', { href: cardLink(card), 'data-card-link': card.id }, cardChapterTitle(card))]),
  ]);
}

function correction(c: NonNullable<Card['correction']>): VNode {
  return h('div', { class: 'fc-correction', role: 'note' }, [
    h('p', { class: 'fc-correction-title' }, 'Where the guide goes wrong'),
    h('p', [h('strong', 'The guide says: '), ...inline(c.guideSays)]),
    h('p', [h('strong', 'Why not: '), ...inline(c.why)]),
  ]);
}
