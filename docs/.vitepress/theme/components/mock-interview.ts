/**
 * <MockInterview />: the mock-interview page. Questions are picked by level (and chapter) from the
 * deck's interview kinds; each runs a visible timer while the learner types an answer, then shows
 * the model answer with its rubric as a checklist to tick. The session's score joins the history
 * kept with the flashcard progress (localStorage), drawn as a small chart over time.
 *
 * Like the Flashcards page, the static build renders a placeholder and the page starts once mounted.
 */
import { computed, defineComponent, h, nextTick, onBeforeUnmount, onMounted, ref, shallowRef, watch, type VNode } from 'vue';
import { CHAPTERS, type ChapterId } from '../../../../src/catalog/chapters.ts';
import {
  DEFAULT_INTERVIEW_QUESTIONS,
  INTERVIEW_KINDS,
  LEVELS,
  emptyState,
  filterCards,
  interviewHistory,
  interviewScope,
  pickInterviewQuestions,
  recordInterview,
  scoreAnswer,
  sessionScore,
  type Card,
  type InterviewAnswer,
  type InterviewSession,
  type Level,
  type ReviewState,
} from '../../../../src/flashcards/index.ts';
import { cardAnswer, cardQuestion, cardTags } from './flashcards-card.ts';
import { deck } from './flashcards-deck.ts';
import { loadProgress, onProgressChangedElsewhere, updateProgress } from './flashcards-store.ts';
import { inline } from './flashcards-text.ts';
import { scoreChart } from './mock-interview-chart.ts';
import { clearInterviewDraft, loadInterviewDraft, saveInterviewDraft, type InterviewDraft } from './mock-interview-draft.ts';
import './flashcards.css';

type Phase = InterviewDraft['phase'];

const MAX_QUESTIONS = 20;
const HISTORY_SHOWN = 10;
const CHART_SESSIONS = 20;

/** 65 → "1:05" */
export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;

/** Drawn, not an emoji: not every system has a font for ⏱. */
function stopwatch(): VNode {
  return h('svg', { class: 'mi-stopwatch', viewBox: '0 0 16 16', 'aria-hidden': 'true' }, [
    h('circle', { cx: 8, cy: 9, r: 6 }),
    h('path', { d: 'M8 9V5.5M6 1.5h4M12.5 4l1-1' }),
  ]);
}

export const MockInterview = defineComponent({
  name: 'MockInterview',
  setup() {
    const ready = ref(false);
    const state = shallowRef<ReviewState>(emptyState());
    const notice = ref<string>();
    const phase = ref<Phase>('setup');
    const level = ref<Level | ''>('');
    const chapter = ref<ChapterId | ''>('');
    const countText = ref(String(DEFAULT_INTERVIEW_QUESTIONS));
    const problem = ref<string>();
    const info = ref<string>();
    const questions = shallowRef<Card[]>([]);
    const index = ref(0);
    const answerText = ref('');
    const typed = ref<string[]>([]);
    const ticked = ref<number[]>([]);
    const answers = shallowRef<InterviewAnswer[]>([]);
    const elapsed = ref(0);
    const answerBox = ref<HTMLTextAreaElement>();
    const finished = shallowRef<InterviewSession>();

    let sessionStarted = new Date();
    let questionStarted = 0;
    /** Seconds spent on the current question before a reload, so the timer goes on from there. */
    let carried = 0;
    let ticker: number | undefined;

    const current = computed(() => questions.value[index.value]);
    const history = computed(() => interviewHistory(state.value, Math.max(HISTORY_SHOWN, CHART_SESSIONS)));

    function startTimer(from = 0): void {
      stopTimer();
      carried = from;
      questionStarted = performance.now();
      elapsed.value = from;
      ticker = window.setInterval(() => (elapsed.value = carried + (performance.now() - questionStarted) / 1000), 250);
    }

    function stopTimer(): void {
      if (ticker !== undefined) window.clearInterval(ticker);
      ticker = undefined;
    }

    function ask(i: number): void {
      index.value = i;
      answerText.value = '';
      ticked.value = [];
      phase.value = 'asking';
      startTimer();
      void nextTick(() => answerBox.value?.focus());
    }

    function start(): void {
      problem.value = undefined;
      info.value = undefined;
      const count = Number(countText.value);
      if (!/^\s*\d+\s*$/.test(countText.value) || count < 1 || count > MAX_QUESTIONS) {
        problem.value = `Ask for a whole number of questions from 1 to ${MAX_QUESTIONS} (got "${countText.value}").`;
        return;
      }
      try {
        questions.value = pickInterviewQuestions(deck, {
          count,
          ...(level.value ? { level: level.value } : {}),
          ...(chapter.value ? { chapters: [chapter.value] } : {}),
        });
      } catch (error) {
        problem.value = error instanceof Error ? error.message : String(error);
        return;
      }
      if (questions.value.length < count) info.value = `Only ${questions.value.length} questions match; this interview has ${questions.value.length}.`;
      answers.value = [];
      typed.value = [];
      finished.value = undefined;
      sessionStarted = new Date();
      ask(0);
    }

    function reveal(): void {
      stopTimer();
      elapsed.value = carried + (performance.now() - questionStarted) / 1000;
      typed.value = [...typed.value, answerText.value];
      phase.value = 'answered';
    }

    function scoreCurrent(): void {
      const card = current.value;
      if (card && phase.value === 'answered') answers.value = [...answers.value, scoreAnswer(card, ticked.value, Math.round(elapsed.value))];
    }

    function next(): void {
      scoreCurrent();
      if (index.value + 1 < questions.value.length) ask(index.value + 1);
      else finish();
    }

    function finish(): void {
      stopTimer();
      if (phase.value === 'answered' && answers.value.length === index.value) scoreCurrent();
      if (answers.value.length === 0) {
        phase.value = 'setup';
        problem.value = 'No question was answered, so nothing was recorded.';
        return;
      }
      const session: InterviewSession = {
        at: sessionStarted.toISOString(),
        level: level.value || 'mixed',
        ...(chapter.value ? { chapters: [chapter.value] } : {}),
        seconds: Math.round((Date.now() - sessionStarted.getTime()) / 1000),
        answers: answers.value,
      };
      const saved = updateProgress((s) => recordInterview(s, session));
      state.value = saved.state;
      notice.value = saved.notice;
      finished.value = session;
      problem.value = undefined;
      info.value = undefined;
      phase.value = 'done';
    }

    let stopWatchingStorage: (() => void) | undefined;

    /** The interview in progress, as saved: a reload (or a closed tab) resumes where it was. */
    function draft(): InterviewDraft {
      return {
        phase: phase.value,
        level: level.value,
        chapter: chapter.value,
        questionIds: questions.value.map((q) => q.id),
        index: index.value,
        answerText: answerText.value,
        typed: typed.value,
        ticked: ticked.value,
        answers: answers.value,
        elapsed: elapsed.value,
        startedAt: sessionStarted.toISOString(),
      };
    }

    function resume(saved: InterviewDraft): void {
      const cards = saved.questionIds.map((id) => deck.byId.get(id));
      if (cards.some((c) => c === undefined)) return; // the deck changed since: start afresh
      questions.value = cards as Card[];
      level.value = saved.level;
      chapter.value = saved.chapter;
      index.value = saved.index;
      answerText.value = saved.answerText;
      typed.value = saved.typed;
      ticked.value = saved.ticked;
      answers.value = saved.answers;
      sessionStarted = new Date(saved.startedAt);
      phase.value = saved.phase;
      elapsed.value = saved.elapsed;
      if (saved.phase === 'asking') {
        startTimer(saved.elapsed);
        void nextTick(() => answerBox.value?.focus());
      }
    }

    onMounted(() => {
      const loaded = loadProgress();
      state.value = loaded.state;
      notice.value = loaded.notice;
      const saved = loadInterviewDraft();
      if (saved && (saved.phase === 'asking' || saved.phase === 'answered')) resume(saved);
      ready.value = true;
      stopWatchingStorage = onProgressChangedElsewhere(() => (state.value = loadProgress().state));
      // Saved on every change that matters; the timer's ticks are saved with them, not on their own.
      watch([phase, index, answerText, typed, ticked, answers, finished, level, chapter], () => {
        // A finished interview is in the history; only one under way needs keeping.
        if (phase.value === 'asking' || phase.value === 'answered') saveInterviewDraft(draft());
        else clearInterviewDraft();
      });
      window.addEventListener('pagehide', saveOnLeave);
    });

    function saveOnLeave(): void {
      if (phase.value === 'asking' || phase.value === 'answered') saveInterviewDraft(draft());
    }

    onBeforeUnmount(() => {
      saveOnLeave();
      window.removeEventListener('pagehide', saveOnLeave);
      stopTimer();
      stopWatchingStorage?.();
    });

    function setupView(): VNode {
      const askable = (f: { level?: Level; chapter?: ChapterId }): number =>
        filterCards(deck.cards, { kinds: INTERVIEW_KINDS, ...(f.level ? { levels: [f.level] } : {}), ...(f.chapter ? { chapters: [f.chapter] } : {}) }).length;
      return h('form', { class: 'mi-setup', onSubmit: (e: Event) => (e.preventDefault(), start()) }, [
        h('div', { class: 'fc-controls' }, [
          h('label', { class: 'fc-field' }, [
            h('span', 'Level'),
            h('select', { 'data-interview': 'level', value: level.value, onChange: (e: Event) => (level.value = (e.target as HTMLSelectElement).value as Level | '') }, [
              h('option', { value: '' }, `Mixed levels (${askable({})})`),
              ...LEVELS.map((l) => h('option', { value: l }, `${l} (${askable({ level: l })})`)),
            ]),
          ]),
          h('label', { class: 'fc-field' }, [
            h('span', 'Chapter'),
            h('select', { 'data-interview': 'chapter', value: chapter.value, onChange: (e: Event) => (chapter.value = (e.target as HTMLSelectElement).value as ChapterId | '') }, [
              h('option', { value: '' }, 'All chapters'),
              ...CHAPTERS.filter((c) => askable({ chapter: c.id }) > 0).map((c) => h('option', { value: c.id }, `${c.title} (${askable({ chapter: c.id })})`)),
            ]),
          ]),
          h('label', { class: 'fc-field fc-field-narrow' }, [
            h('span', 'Questions'),
            h('input', {
              type: 'number',
              min: 1,
              max: MAX_QUESTIONS,
              step: 1,
              inputmode: 'numeric',
              'data-interview': 'count',
              value: countText.value,
              onInput: (e: Event) => (countText.value = (e.target as HTMLInputElement).value),
            }),
          ]),
        ]),
        h('div', { class: 'fc-actions' }, [h('button', { type: 'submit', class: 'fc-button fc-primary', 'data-action': 'start' }, 'Start the interview')]),
      ]);
    }

    function progressLine(card: Card): VNode {
      return h('div', { class: 'mi-progress' }, [
        h('span', `Question ${index.value + 1} of ${questions.value.length}`),
        h(
          'span',
          { class: ['mi-timer', phase.value === 'asking' ? 'is-running' : ''], role: 'timer', 'aria-label': 'Time on this question', 'data-seconds': Math.floor(elapsed.value) },
          [stopwatch(), clock(elapsed.value)],
        ),
        cardTags(card),
      ]);
    }

    function askingView(card: Card): VNode {
      return h('div', { class: 'fc-card mi-question', 'data-card-id': card.id, 'data-phase': 'asking' }, [
        progressLine(card),
        cardQuestion(card),
        h('label', { class: 'mi-answer-label', for: 'mi-answer' }, 'Your answer, as you would say it:'),
        h('textarea', {
          id: 'mi-answer',
          ref: answerBox,
          class: 'mi-answer',
          rows: 7,
          'data-interview': 'answer',
          value: answerText.value,
          onInput: (e: Event) => (answerText.value = (e.target as HTMLTextAreaElement).value),
        }),
        h('div', { class: 'fc-actions' }, [
          h('button', { type: 'button', class: 'fc-button fc-primary', 'data-action': 'reveal', onClick: reveal }, 'Show model answer'),
          h('button', { type: 'button', class: 'fc-button', 'data-action': 'end', onClick: finish }, 'End the interview'),
        ]),
      ]);
    }

    function answeredView(card: Card): VNode {
      const mine = typed.value[index.value] ?? '';
      const last = index.value + 1 >= questions.value.length;
      return h('div', { class: 'fc-card mi-question', 'data-card-id': card.id, 'data-phase': 'answered' }, [
        progressLine(card),
        cardQuestion(card),
        h('div', { class: 'mi-yours' }, [
          h('p', { class: 'fc-label' }, 'Your answer'),
          mine.trim() ? h('p', { class: 'mi-yours-text' }, mine) : h('p', { class: 'mi-yours-text is-empty' }, '(no answer typed)'),
        ]),
        cardAnswer(card, { keyPoints: false }),
        h('fieldset', { class: 'mi-rubric' }, [
          h('legend', 'Tick the key points your answer contained'),
          ...card.rubric.map((point, i) =>
            h('label', { class: 'mi-point' }, [
              h('input', {
                type: 'checkbox',
                'data-point': i,
                checked: ticked.value.includes(i),
                onChange: (e: Event) => {
                  const on = (e.target as HTMLInputElement).checked;
                  ticked.value = on ? [...ticked.value, i] : ticked.value.filter((t) => t !== i);
                },
              }),
              h('span', inline(point)),
            ]),
          ),
          h('p', { class: 'mi-points', 'data-ticked': ticked.value.length }, `${ticked.value.length} of ${card.rubric.length} key points`),
        ]),
        h('div', { class: 'fc-actions' }, [
          h('button', { type: 'button', class: 'fc-button fc-primary', 'data-action': 'next', onClick: next }, last ? 'Finish and see the score' : 'Next question'),
          last ? null : h('button', { type: 'button', class: 'fc-button', 'data-action': 'end', onClick: finish }, 'End the interview here'),
        ]),
      ]);
    }

    function doneView(session: InterviewSession): VNode {
      const score = sessionScore(session);
      return h('div', { class: 'fc-card mi-done', 'data-phase': 'done' }, [
        h(
          'p',
          { class: 'mi-score', 'data-score-ticked': score.ticked, 'data-score-points': score.points },
          [h('strong', `Score: ${score.ticked} of ${score.points} key points (${percent(score.ratio)})`), ` in ${clock(session.seconds)}.`],
        ),
        h('table', { class: 'mi-table' }, [
          h('thead', h('tr', [h('th', 'Question'), h('th', 'Time'), h('th', 'Key points')])),
          h(
            'tbody',
            session.answers.map((a) => {
              const card = deck.byId.get(a.cardId);
              return h('tr', { 'data-answer-score': `${a.ticked.length}/${a.points}` }, [
                h('td', card ? inline(card.question) : a.cardId),
                h('td', clock(a.seconds)),
                h('td', `${a.ticked.length} of ${a.points}`),
              ]);
            }),
          ),
        ]),
        h('h3', { class: 'mi-compare-title' }, 'Your answers beside the model answers'),
        ...session.answers.map((a, i) => {
          const card = deck.byId.get(a.cardId);
          const mine = typed.value[i] ?? '';
          return h('section', { class: 'mi-compare', 'data-compare': a.cardId }, [
            h('p', { class: 'mi-compare-question' }, [h('strong', `${i + 1}. `), ...(card ? inline(card.question) : [a.cardId])]),
            h('div', { class: 'mi-compare-columns' }, [
              h('div', { class: 'mi-yours' }, [
                h('p', { class: 'fc-label' }, 'Your answer'),
                mine.trim() ? h('p', { class: 'mi-yours-text', 'data-yours': '' }, mine) : h('p', { class: 'mi-yours-text is-empty', 'data-yours': '' }, '(no answer typed)'),
              ]),
              card ? cardAnswer(card, { keyPoints: true }) : h('p', 'This card is no longer in the deck.'),
            ]),
          ]);
        }),
        h('div', { class: 'fc-actions' }, [
          h('button', { type: 'button', class: 'fc-button fc-primary', 'data-action': 'again', onClick: () => ((phase.value = 'setup'), (finished.value = undefined)) }, 'Another interview'),
        ]),
      ]);
    }

    function historyView(): VNode {
      const sessions = history.value;
      if (sessions.length === 0) return h('section', { class: 'mi-history', 'data-history': 0 }, [h('p', { class: 'fc-label' }, 'Your interviews'), h('p', 'None yet: your scores will appear here, session by session.')]);
      return h('section', { class: 'mi-history', 'data-history': sessions.length }, [
        h('p', { class: 'fc-label' }, 'Your interviews'),
        scoreChart(sessions.slice(0, CHART_SESSIONS).reverse()),
        h('table', { class: 'mi-table' }, [
          h('thead', h('tr', [h('th', 'When'), h('th', 'Level'), h('th', 'Chapter'), h('th', 'Asked'), h('th', 'Score')])),
          h(
            'tbody',
            sessions.slice(0, HISTORY_SHOWN).map((s) =>
              h('tr', { 'data-session': s.at }, [
                h('td', new Date(s.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })),
                h('td', s.level),
                h('td', { 'data-scope': '' }, interviewScope(s)),
                h('td', String(s.answers.length)),
                h('td', `${s.score.ticked} of ${s.score.points} (${percent(s.score.ratio)})`),
              ]),
            ),
          ),
        ]),
      ]);
    }

    return (): VNode => {
      if (!ready.value) return h('div', { class: 'mi-interview', 'data-interview-phase': 'loading' }, h('p', { class: 'fc-loading' }, 'Loading the interview…'));
      const card = current.value;
      const body =
        phase.value === 'asking' && card
          ? askingView(card)
          : phase.value === 'answered' && card
            ? answeredView(card)
            : phase.value === 'done' && finished.value
              ? doneView(finished.value)
              : setupView();
      return h('div', { class: 'mi-interview', 'data-interview-phase': phase.value }, [
        notice.value ? h('p', { class: 'fc-message is-error', role: 'alert', 'data-notice': '' }, notice.value) : null,
        problem.value ? h('p', { class: 'fc-message is-error', role: 'alert', 'data-problem': '' }, problem.value) : null,
        info.value ? h('p', { class: 'fc-message is-ok', role: 'status' }, info.value) : null,
        body,
        phase.value === 'setup' || phase.value === 'done' ? historyView() : null,
      ]);
    };
  },
});

export default MockInterview;
