/**
 * <FlashcardsTrainer />: the Flashcards page. The same deck, engine, scheduler (ts-fsrs) and keys
 * as `npm run cards`: the cards due first, then new ones up to the daily limit; Space flips the
 * card, 1–4 grade it (Again, Hard, Good, Easy), each button showing when the card would come back.
 * Progress is saved to localStorage after every grade.
 *
 * The static build renders only a placeholder: the progress lives in the learner's browser, so the
 * trainer starts once the page has mounted (and the server's HTML always matches the first render).
 */
import { computed, defineComponent, h, nextTick, onBeforeUnmount, onMounted, ref, shallowRef, type VNode } from 'vue';
import { CHAPTERS } from '../../../../src/catalog/chapters.ts';
import {
  KEYS,
  LEVELS,
  deckStatus,
  describeFilter,
  emptyState,
  filterCards,
  formatInterval,
  gradeForKey,
  nextCard,
  previewGrades,
  previewOf,
  recordGrade,
  withNewPerDay,
  type CardFilter,
  type DeckStatus,
  type GradeName,
  type GradePreview,
  type Level,
  type NextCard,
  type ReviewState,
} from '../../../../src/flashcards/index.ts';
import { cardAnswer, cardQuestion, cardTags } from './flashcards-card.ts';
import { deck } from './flashcards-deck.ts';
import { filterFromUrl, urlWithFilter } from './flashcards-filter.ts';
import { loadProgress, onProgressChangedElsewhere, updateProgress } from './flashcards-store.ts';
import { ProgressTransfer } from './flashcards-transfer.ts';
import './flashcards.css';

const GRADE_LABELS: Record<GradeName, string> = { again: 'Again', hard: 'Hard', good: 'Good', easy: 'Easy' };
const WHY_LABELS: Record<NextCard['why'], string> = { due: 'due for review', new: 'new card', 'learn-ahead': 'learning, shown early' };
// Cards in their learning steps come back within minutes: look again this often.
const REFRESH_MS = 15_000;
const MAX_NEW_PER_DAY = 9999;

/** Where a key press is text being typed, not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Elements that Space already activates: a focused button keeps doing what it says. */
function activatesOnSpace(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && ['BUTTON', 'A', 'SUMMARY'].includes(target.tagName);
}

export const FlashcardsTrainer = defineComponent({
  name: 'FlashcardsTrainer',
  setup() {
    const ready = ref(false);
    const state = shallowRef<ReviewState>(emptyState());
    const now = shallowRef(new Date());
    const filter = shallowRef<CardFilter>({});
    const current = shallowRef<NextCard>();
    const flipped = ref(false);
    /** The four outcomes, computed once when the answer is shown: the buttons show them, a grade records one. */
    const previews = shallowRef<GradePreview[]>([]);
    const notice = ref<string>();
    const filterError = ref<string>();
    const perDayError = ref<string>();
    const feedback = ref<string>();
    const cardBox = ref<HTMLElement>();
    const status = computed<DeckStatus>(() => deckStatus(deck, state.value, { now: now.value, filter: filter.value }));

    function show(next: NextCard | undefined): void {
      current.value = next;
      flipped.value = false;
      previews.value = [];
    }

    function pick(): void {
      now.value = new Date();
      show(nextCard(deck, state.value, { now: now.value, filter: filter.value }));
    }

    function flip(): void {
      const card = current.value?.card;
      if (!card) return;
      flipped.value = !flipped.value;
      if (flipped.value && previews.value.length === 0) previews.value = previewGrades(state.value, card.id, new Date());
    }

    function focusCard(): void {
      void nextTick(() => cardBox.value?.focus({ preventScroll: true }));
    }

    function grade(name: GradeName): void {
      const card = current.value?.card;
      if (!card) return;
      if (!flipped.value) {
        feedback.value = 'Show the answer first (Space), then grade it.';
        return;
      }
      const chosen = previewOf(previews.value, name);
      const saved = updateProgress((s) => recordGrade(s, card.id, chosen));
      state.value = saved.state;
      notice.value = saved.notice;
      const due = new Date(saved.state.cards[card.id]?.fsrs.due ?? chosen.reviewedAt);
      feedback.value = `✓ ${GRADE_LABELS[name]}: that card comes back in ${formatInterval(due.getTime() - chosen.reviewedAt.getTime())}.`;
      pick();
      focusCard();
    }

    function setFilter(next: CardFilter): void {
      filter.value = next;
      filterError.value = undefined;
      window.history.replaceState(window.history.state, '', urlWithFilter(new URL(window.location.href), next));
      feedback.value = undefined;
      pick();
    }

    function setNewPerDay(text: string): void {
      const value = Number(text);
      if (!/^\s*\d+\s*$/.test(text) || value > MAX_NEW_PER_DAY) {
        perDayError.value = `New cards a day takes a whole number from 0 to ${MAX_NEW_PER_DAY} (got "${text}"); the setting is unchanged.`;
        return;
      }
      perDayError.value = undefined;
      const saved = updateProgress((s) => withNewPerDay(s, value));
      state.value = saved.state;
      notice.value = saved.notice;
      // The card on the table stays (flipped or not), unless it is a new card the lower limit no longer allows.
      const limitReached = current.value?.why === 'new' && deckStatus(deck, saved.state, { now: new Date(), filter: filter.value }).newLeftToday === 0;
      if (!current.value || limitReached) pick();
    }

    function onKey(event: KeyboardEvent): void {
      if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === KEYS.flip) {
        if (activatesOnSpace(event.target) || !current.value) return;
        event.preventDefault(); // Space would otherwise scroll the page
        flip();
        return;
      }
      const choice = gradeForKey(event.key);
      if (choice && current.value) {
        event.preventDefault();
        grade(choice.name);
      }
    }

    let stopWatchingStorage: (() => void) | undefined;
    let refresh: number | undefined;

    onMounted(() => {
      const loaded = loadProgress();
      state.value = loaded.state;
      notice.value = loaded.notice;
      const fromUrl = filterFromUrl(window.location.search);
      filter.value = fromUrl.filter;
      filterError.value = fromUrl.error;
      pick();
      ready.value = true;
      document.addEventListener('keydown', onKey);
      stopWatchingStorage = onProgressChangedElsewhere(() => {
        state.value = loadProgress().state;
        if (!current.value) pick();
      });
      refresh = window.setInterval(() => {
        now.value = new Date();
        if (!current.value) pick();
      }, REFRESH_MS);
    });

    onBeforeUnmount(() => {
      document.removeEventListener('keydown', onKey);
      stopWatchingStorage?.();
      window.clearInterval(refresh);
    });

    function controls(): VNode {
      const chapters = filter.value.chapters ?? [];
      const levels = filter.value.levels ?? [];
      const count = (f: CardFilter): number => filterCards(deck.cards, f).length;
      return h('div', { class: 'fc-controls' }, [
        h('label', { class: 'fc-field' }, [
          h('span', 'Chapter'),
          h(
            'select',
            {
              'data-filter': 'chapter',
              value: chapters.length === 1 ? chapters[0] : chapters.length === 0 ? '' : 'several',
              onChange: (e: Event) => {
                const value = (e.target as HTMLSelectElement).value;
                setFilter({ ...filter.value, chapters: value === '' ? [] : CHAPTERS.filter((c) => c.id === value).map((c) => c.id) });
              },
            },
            [
              h('option', { value: '' }, `All chapters (${count({})})`),
              chapters.length > 1 ? h('option', { value: 'several', disabled: true }, chapters.join(', ')) : null,
              ...CHAPTERS.map((c, i) => h('option', { value: c.id }, `${i + 1}. ${c.title} (${count({ chapters: [c.id] })})`)),
            ],
          ),
        ]),
        h('label', { class: 'fc-field' }, [
          h('span', 'Level'),
          h(
            'select',
            {
              'data-filter': 'level',
              value: levels.length === 1 ? levels[0] : levels.length === 0 ? '' : 'several',
              onChange: (e: Event) => {
                const value = (e.target as HTMLSelectElement).value;
                setFilter({ ...filter.value, levels: LEVELS.filter((l) => l === value) as Level[] });
              },
            },
            [
              h('option', { value: '' }, 'All levels'),
              levels.length > 1 ? h('option', { value: 'several', disabled: true }, levels.join(', ')) : null,
              ...LEVELS.map((l) => h('option', { value: l }, l)),
            ],
          ),
        ]),
        h('label', { class: 'fc-field fc-field-narrow' }, [
          h('span', 'New cards a day'),
          h('input', {
            type: 'number',
            min: 0,
            max: MAX_NEW_PER_DAY,
            step: 1,
            inputmode: 'numeric',
            'data-setting': 'new-per-day',
            value: state.value.settings.newPerDay,
            onChange: (e: Event) => setNewPerDay((e.target as HTMLInputElement).value),
          }),
        ]),
      ]);
    }

    function statusLine(): VNode {
      const s = status.value;
      const item = (name: string, value: number, label: string): VNode =>
        h('span', { class: 'fc-count', [`data-${name}`]: value }, [h('strong', String(value)), ` ${label}`]);
      return h('p', { class: 'fc-status', 'aria-live': 'polite' }, [
        item('due', s.due, 'due now'),
        item('new-left', s.newLeftToday, `new left today (${s.newPerDay} a day)`),
        item('learning', s.learning, 'in learning'),
        item('total', s.total, `cards: ${describeFilter(filter.value)}`),
      ]);
    }

    function cardView(next: NextCard): VNode {
      const { card } = next;
      const side = flipped.value ? 'answer' : 'question';
      return h('div', { ref: cardBox, class: 'fc-card', tabindex: -1, 'data-card-id': card.id, 'data-side': side, 'aria-label': 'Flashcard' }, [
        cardTags(card, [WHY_LABELS[next.why]]),
        cardQuestion(card),
        flipped.value
          ? [
              cardAnswer(card),
              h(
                'div',
                { class: 'fc-grades', role: 'group', 'aria-label': 'How well did you know it?' },
                previews.value.map((p) =>
                  h('button', { key: p.name, type: 'button', class: ['fc-grade', `is-${p.name}`], 'data-grade': p.name, onClick: () => grade(p.name) }, [
                    h('kbd', p.key),
                    h('span', { class: 'fc-grade-name' }, GRADE_LABELS[p.name]),
                    h('span', { class: 'fc-grade-interval' }, p.interval),
                  ]),
                ),
              ),
            ]
          : h('button', { key: 'flip', type: 'button', class: 'fc-button fc-flip', 'data-action': 'flip', onClick: () => (flip(), focusCard()) }, [h('kbd', 'Space'), ' Show answer']),
      ]);
    }

    function nothingLeft(): VNode {
      const s = status.value;
      const lines: string[] = [];
      if (s.total === 0) lines.push('No cards match this filter: choose another chapter or level.');
      else {
        lines.push('Nothing more to study right now.');
        if (s.nextDue) lines.push(`The next card is due in ${formatInterval(s.nextDue.getTime() - now.value.getTime())}.`);
        if (s.newLeftToday === 0 && s.unseen > 0) lines.push(`${s.unseen} new cards wait; today's limit of ${s.newPerDay} is used up (raise "New cards a day" to see more).`);
      }
      return h('div', { class: 'fc-card fc-empty', 'data-card-id': '' }, lines.map((line) => h('p', line)));
    }

    return (): VNode => {
      if (!ready.value) return h('div', { class: 'fc-trainer', 'data-flashcards': 'loading' }, h('p', { class: 'fc-loading' }, 'Loading your flashcards…'));
      return h('div', { class: 'fc-trainer', 'data-flashcards': 'ready' }, [
        notice.value ? h('p', { class: 'fc-message is-error', role: 'alert', 'data-notice': '' }, notice.value) : null,
        filterError.value ? h('p', { class: 'fc-message is-error', role: 'alert', 'data-filter-error': '' }, filterError.value) : null,
        controls(),
        perDayError.value ? h('p', { class: 'fc-message is-error', role: 'alert', 'data-setting-error': '' }, perDayError.value) : null,
        statusLine(),
        current.value ? cardView(current.value) : nothingLeft(),
        h('p', { class: 'fc-feedback', 'aria-live': 'polite', 'data-feedback': '' }, feedback.value ?? ''),
        h('p', { class: 'fc-keys' }, [
          'Keys: ',
          h('kbd', 'Space'),
          ' flips the card, ',
          h('kbd', '1'),
          '–',
          h('kbd', '4'),
          ' grade it (Again, Hard, Good, Easy). They do nothing while you type in a field.',
        ]),
        h(ProgressTransfer, {
          state: state.value,
          onReplaced: (replaced: ReviewState) => {
            state.value = replaced;
            pick();
          },
          onNotice: (text: string) => (notice.value = text),
        }),
      ]);
    };
  },
});

export default FlashcardsTrainer;
