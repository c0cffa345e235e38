/**
 * The learner's loop, designed like rustlings v6's watch mode: one state, one event queue.
 *
 * Everything that happens — a file saved, a key pressed, a run finished — is an event, handled one
 * at a time in order. A run is bound to the exercise it ran: its verdict is recorded against that
 * exercise only, and ignored when the learner has moved on (moving on cancels
 * it). A run has a deadline (runner.ts); a type check runs beside it (typecheck.ts); a verdict holds
 * exactly the tests of its run.
 *
 * Keys: h hint · r rerun · i statement · l list · n next · s solution · v whole verdict · q quit.
 * In a terminal the keys act at once; with piped input, one letter per line does the same.
 */
import { join } from 'node:path';
import type { Exercise } from '../catalog/catalog.ts';
import { describeError } from '../harness/errors.ts';
import { onShutdown } from '../harness/shutdown.ts';
import { sessionBrokers, type SessionBrokers } from './brokers.ts';
import { ListView } from './list-view.ts';
import { renderTypeProblems, renderVerdict } from './report.ts';
import { ExerciseRunner, RunCancelled, type Verdict } from './runner.ts';
import { accent, bad, bold, dim, ok } from './style.ts';
import { Terminal } from './terminal.ts';
import { TypeChecker, type TypeProblem } from './typecheck.ts';
import { watchFiles, type FileWatcher } from './watcher.ts';
import {
  renderHeader,
  renderHints,
  renderList,
  renderSolution,
  renderSolutionOffer,
  renderStatement,
  type Workbook,
} from './workbook.ts';

export interface WatchSessionOptions {
  poll?: boolean;
  /** Extra lines shown under the keys, e.g. where the site is served. */
  banner?: string[];
  /** Told each time an exercise is recorded as done (the site shows a ✓). */
  onProgress?: () => void;
  /**
   * The session's brokers, when the caller shares them with something else (npm start's live view
   * shows the very brokers the tests use). The caller then stops them; the loop does not.
   */
  brokers?: SessionBrokers;
}

const KEYS = `${bold('h')} hint · ${bold('r')} rerun · ${bold('i')} statement · ${bold('l')} list · ${bold('n')} next · ${bold('s')} solution · ${bold('q')} quit`;

type LoopEvent =
  | { type: 'saved'; exerciseId: string; file: string }
  | { type: 'key'; key: string }
  | { type: 'run-finished'; runId: number; exercise: Exercise; outcome: RunOutcome };

type RunOutcome =
  | { kind: 'verdict'; verdict: Verdict; typeProblems: TypeProblem[] }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'cancelled' }
  | { kind: 'runner-failed'; message: string };

/** The one state of the loop. */
interface LoopState {
  exercise: Exercise;
  /** The run in flight, bound to its exercise. */
  run: { id: number; exercise: Exercise } | undefined;
  /** A run wanted once the one in flight has wound down (a save during a run, a new exercise). */
  queued: { reason: string } | undefined;
  last: { exercise: Exercise; outcome: RunOutcome } | undefined;
  /** The previous key, so that `h` twice reveals a new hint and `h` once re-reads the old ones. */
  previousKey: string | undefined;
  list: ListView | undefined;
  quitting: boolean;
}

export async function runWatchSession(workbook: Workbook, options: WatchSessionOptions = {}): Promise<void> {
  const terminal = new Terminal();
  const runner = new ExerciseRunner('exercises');
  const checker = new TypeChecker();
  const brokers: SessionBrokers = options.brokers ?? sessionBrokers();
  brokers.logTo((line) => terminal.print(dim(line)));
  let watcher: FileWatcher | undefined;
  let nextRunId = 1;
  const state: LoopState = {
    exercise: workbook.current(),
    run: undefined,
    queued: undefined,
    last: undefined,
    previousKey: undefined,
    list: undefined,
    quitting: false,
  };

  // ---- the queue -------------------------------------------------------------------------------
  const queue: LoopEvent[] = [];
  let draining = false;
  let finished!: () => void;
  const closed = new Promise<void>((resolve) => (finished = resolve));
  const post = (event: LoopEvent): void => {
    if (state.quitting) return;
    queue.push(event);
    if (draining) return;
    draining = true;
    void (async () => {
      while (queue.length > 0 && !state.quitting) {
        const next = queue.shift() as LoopEvent;
        try {
          await handle(next);
        } catch (error) {
          // Nothing a learner does may end the session: say what happened and keep going.
          terminal.print(bad(`✗ ${describeError(error)}`));
        }
      }
      draining = false;
    })();
  };

  // ---- runs ------------------------------------------------------------------------------------
  const startRun = (reason: string): void => {
    if (state.run) {
      // One run at a time: stop this one (its verdict would be stale) and run again after it.
      state.queued = { reason };
      runner.cancel();
      return;
    }
    const exercise = state.exercise;
    const runId = nextRunId++;
    state.run = { id: runId, exercise };
    state.queued = undefined;
    terminal.print(dim(`${reason}: running the tests...`));
    void (async (): Promise<RunOutcome> => {
      const unavailable = await brokers.ensure(exercise.broker);
      if (unavailable) return { kind: 'unavailable', reason: unavailable };
      if (state.run?.id !== runId) return { kind: 'cancelled' };
      const files = exercise.files.map((f) => join(exercise.dir, f));
      const [verdict, typeProblems] = await Promise.all([runner.run(exercise, { env: brokers.env() }), checker.check(files)]);
      return { kind: 'verdict', verdict, typeProblems: typeProblems ?? [] };
    })()
      .catch((error: unknown): RunOutcome => (error instanceof RunCancelled ? { kind: 'cancelled' } : { kind: 'runner-failed', message: describeError(error) }))
      .then((outcome) => post({ type: 'run-finished', runId, exercise, outcome }));
  };

  const finishRun = (event: Extract<LoopEvent, { type: 'run-finished' }>): void => {
    if (state.run?.id !== event.runId) return;
    state.run = undefined;
    const { exercise, outcome } = event;
    if (outcome.kind !== 'cancelled' && exercise === state.exercise) {
      state.last = { exercise, outcome };
      let justDone = false;
      if (outcome.kind === 'verdict') {
        // Recorded against the exercise this run ran — never the one current when it finished.
        justDone = workbook.record(exercise, outcome.verdict, outcome.typeProblems.length === 0);
        if (justDone) options.onProgress?.();
      }
      if (!state.list) showVerdict(justDone);
      if (outcome.kind === 'verdict') terminal.print(dim(`verdict: ${verdictWord(outcome)} in ${outcome.verdict.durationMs} ms`));
    }
    if (state.queued) startRun(state.queued.reason);
  };

  // ---- screens ---------------------------------------------------------------------------------
  const footer = (): string[] => [
    KEYS + dim(`   [watching: ${watcher?.mode ?? 'starting'}]`),
    ...[...(options.banner ?? []), ...brokers.description()].map((l) => dim(l)),
  ];

  const showVerdict = (justDone: boolean): void => {
    const last = state.last;
    if (!last) return;
    const { exercise, outcome } = last;
    const top = [renderHeader(workbook, exercise), ''];
    const body: string[] = [];
    const after: string[] = [];
    switch (outcome.kind) {
      case 'unavailable':
        body.push(bad(`✗ This exercise needs ${exercise.broker}, which is not available: ${outcome.reason}`));
        after.push(dim(`Press ${bold('n')} to go on with an exercise that does not need it; press ${bold('r')} to try again.`));
        break;
      case 'runner-failed':
        body.push(bad(`✗ The tests could not be run: ${outcome.message}.`), dim('Press r to try again.'));
        break;
      case 'verdict': {
        if (outcome.typeProblems.length > 0) body.push(renderTypeProblems(outcome.typeProblems), '');
        body.push(renderVerdict(exercise, outcome.verdict));
        if (verdictWord(outcome) === 'passed') {
          after.push(renderSolutionOffer(exercise));
          const next = workbook.exercises.find((e) => !workbook.isDone(e));
          after.push(next ? `Press ${bold('n')} for the next exercise.` : ok('Every exercise is done. Well done!'));
          if (justDone) after.push(dim(`Progress saved: ${exercise.id} is done.`));
        } else {
          after.push(dim(`Save ${exercise.files.join(', ')} to rerun.`));
        }
        break;
      }
      case 'cancelled':
        return;
    }
    terminal.screen({ top, body: body.join('\n').split('\n'), bottom: ['', ...after, '', ...footer()] });
  };

  const showStatement = (): void => {
    terminal.screen({
      top: [renderHeader(workbook, state.exercise), ''],
      body: renderStatement(state.exercise).split('\n'),
      bottom: ['', ...footer()],
    });
  };

  // ---- moving between exercises ------------------------------------------------------------------
  const enter = (target: Exercise, note?: string): void => {
    if (state.run) runner.cancel();
    state.exercise = target;
    state.last = undefined;
    state.list = undefined;
    workbook.go(target);
    watcher?.close();
    const files = target.files.map((f) => join(target.dir, f));
    watcher = watchFiles(files, (file) => post({ type: 'saved', exerciseId: target.id, file }), {
      poll: options.poll,
      onFallback: (why) => terminal.print(dim(`File events are not available here (${why}); checking for changes by polling instead.`)),
    });
    showStatement();
    if (note) terminal.print(dim(note));
    startRun('starting');
  };

  /** The next exercise not done after the current one, skipping those whose broker cannot be had. */
  const nextExercise = (): { next?: Exercise; skipped: Exercise[] } => {
    const start = workbook.exercises.indexOf(state.exercise);
    const ordered = [...workbook.exercises.slice(start + 1), ...workbook.exercises.slice(0, start)];
    const skipped: Exercise[] = [];
    for (const exercise of ordered) {
      if (workbook.isDone(exercise)) continue;
      if (brokers.state(exercise.broker)?.state === 'unavailable') {
        skipped.push(exercise);
        continue;
      }
      return { next: exercise, skipped };
    }
    return { skipped };
  };

  // ---- events ----------------------------------------------------------------------------------
  const handle = async (event: LoopEvent): Promise<void> => {
    switch (event.type) {
      case 'saved':
        if (event.exerciseId === state.exercise.id) startRun(`${event.file.split('/').pop()} saved`);
        return;
      case 'run-finished':
        finishRun(event);
        return;
      case 'key':
        await onKey(event.key);
        state.previousKey = event.key;
        return;
    }
  };

  const onKey = async (key: string): Promise<void> => {
    if (key === 'q' || key === '\u0003') {
      await quit();
      return;
    }
    if (state.list) {
      const action = state.list.key(key);
      if (action.type === 'close') {
        state.list = undefined;
        if (state.last) showVerdict(false);
        else showStatement();
      } else if (action.type === 'go') enter(action.exercise);
      else if (action.type === 'reset') {
        const { restored, backups } = workbook.reset(action.exercise);
        state.list.message = restored.length === 0 ? `${action.exercise.id} is already at its starting version.` : `Reset ${action.exercise.id}${backups.length ? `; your version is saved as ${backups.join(', ')}` : ''}.`;
        terminal.screen(state.list.render(terminal.rows));
      } else terminal.screen(state.list.render(terminal.rows));
      return;
    }
    switch (key) {
      case 'h': {
        const revealed = workbook.hintsRevealed(state.exercise);
        if (revealed > 0 && state.previousKey !== 'h' && revealed < state.exercise.hints.length) {
          terminal.print(`\n${renderHints(state.exercise, state.exercise.hints.slice(0, revealed), state.exercise.hints.length)}`);
          terminal.print(dim(`Press ${bold('h')} again for hint ${revealed + 1}.`));
          break;
        }
        const { shown, total } = workbook.revealHint(state.exercise);
        terminal.print(`\n${renderHints(state.exercise, shown, total)}`);
        break;
      }
      case 'r':
        startRun('rerun');
        break;
      case 'i':
        terminal.print(`\n${renderStatement(state.exercise)}`);
        break;
      case 'v':
        if (state.last?.outcome.kind === 'verdict') terminal.print(`\n${renderVerdict(state.last.exercise, state.last.outcome.verdict)}`);
        break;
      case 'l':
        if (!terminal.interactive) {
          terminal.print(`\n${renderList(workbook, (e) => brokers.state(e.broker)?.state === 'unavailable')}`);
          break;
        }
        state.list = new ListView(workbook, state.exercise, (e) => brokers.state(e.broker)?.state === 'unavailable');
        terminal.screen(state.list.render(terminal.rows));
        break;
      case 'n': {
        const { next, skipped } = nextExercise();
        const notes: string[] = [];
        if (!workbook.isDone(state.exercise)) notes.push(`${state.exercise.name} is not done yet; moving on anyway (come back with \`npm run learn -- go ${state.exercise.name}\`).`);
        if (skipped.length > 0) notes.push(`Skipped ${skipped.map((e) => e.name).join(', ')}: ${skipped.length === 1 ? 'it needs' : 'they need'} a broker that is not available here.`);
        if (next) enter(next, notes.join(' ') || undefined);
        else terminal.print(ok('\nEvery exercise you can do here is done.') + (notes.length ? ` ${dim(notes.join(' '))}` : ''));
        break;
      }
      case 's':
        if ((state.last?.outcome.kind === 'verdict' && verdictWord(state.last.outcome) === 'passed') || workbook.isDone(state.exercise)) {
          terminal.print(`\n${renderSolution(state.exercise)}`);
        } else terminal.print(dim('\nThe reference solution is shown once your version passes (or run `npm run learn -- solution --force`).'));
        break;
      default:
        if (key.trim()) terminal.print(dim(`Keys: ${KEYS}`));
    }
  };

  // ---- quitting --------------------------------------------------------------------------------
  const stopEverything = async (): Promise<void> => {
    watcher?.close();
    terminal.close();
    checker.close();
    await runner.close();
    if (!options.brokers) await brokers.stop();
  };
  const quit = async (): Promise<void> => {
    if (state.quitting) return;
    state.quitting = true;
    forgetShutdown();
    await stopEverything();
    finished();
  };
  // Signals, a closed terminal, a dead parent: the shutdown registry stops us like `q` does.
  const forgetShutdown = onShutdown({
    stop: async () => {
      state.quitting = true;
      await stopEverything();
      finished();
    },
    stopSync: () => {
      checker.close();
      void runner.close();
    },
  });

  terminal.onKey((key) => post({ type: 'key', key }));
  terminal.print(accent('pubsub-workbook') + dim(' · learner loop (Ctrl-C or q to quit)'));
  if (workbook.warning) terminal.print(workbook.warning);
  // Redis and Kafka start in the background; an exercise that needs one waits for it.
  void brokers.ensure('redis');
  void brokers.ensure('kafka');
  enter(state.exercise);
  await closed;
}

function verdictWord(outcome: Extract<RunOutcome, { kind: 'verdict' }>): string {
  if (outcome.typeProblems.length > 0 && outcome.verdict.kind === 'passed') return 'type-errors';
  return outcome.verdict.kind;
}
