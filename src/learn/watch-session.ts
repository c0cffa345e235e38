/**
 * The learner's loop: show the current exercise, rerun its tests whenever its file is saved, and
 * answer single keys (h hint, r rerun, l list, n next, s solution, i statement, q quit).
 * In a terminal the keys act at once; with piped input, one letter per line does the same.
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Exercise } from '../catalog/catalog.ts';
import { describeError } from '../harness/errors.ts';
import { onShutdown } from '../harness/shutdown.ts';
import { startSessionBrokers, type SessionBrokers } from './brokers.ts';
import { renderVerdict } from './report.ts';
import { ExerciseRunner, type Verdict } from './runner.ts';
import { accent, bad, bold, dim, ok } from './style.ts';
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
  out?: (text: string) => void;
}

const KEYS = `${bold('h')} hint · ${bold('r')} rerun · ${bold('i')} statement · ${bold('l')} list · ${bold('n')} next · ${bold('s')} solution · ${bold('q')} quit`;

export async function runWatchSession(workbook: Workbook, options: WatchSessionOptions = {}): Promise<void> {
  const out = options.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const runner = new ExerciseRunner('exercises');
  let exercise = workbook.current();
  let watcher: FileWatcher | undefined;
  let lastVerdict: Verdict | undefined;
  let running: Promise<void> | undefined;
  let rerunWanted = false;
  let quitting = false;
  let brokerLines: string[] = [];
  let brokers: SessionBrokers | undefined;
  let finished!: () => void;
  const closed = new Promise<void>((resolve) => (finished = resolve));

  const stopWatching = onShutdown({ stop: () => runner.close(), stopSync: () => {} });

  const screen = (text: string): void => {
    if (tty) process.stdout.write('\x1b[2J\x1b[3J\x1b[H');
    out(text);
  };

  const runTests = async (reason: string): Promise<void> => {
    if (running) {
      rerunWanted = true;
      return running;
    }
    running = (async () => {
      do {
        rerunWanted = false;
        out(dim(`${reason}: running the tests...`));
        const unavailable = await brokers?.ensure(exercise.broker);
        if (unavailable) out(unavailable);
        brokerLines = [...(options.banner ?? []), ...(brokers?.description ?? [])];
        if (quitting) return;
        let verdict: Verdict;
        try {
          verdict = await runner.run(exercise);
        } catch (error) {
          if (quitting) return;
          out(bad(`✗ The test runner failed: ${describeError(error)}. Press r to try again; if it keeps failing, restart with npm start.`));
          continue;
        }
        if (quitting) return;
        lastVerdict = verdict;
        const justDone = workbook.record(exercise, verdict);
        const parts = [renderHeader(workbook, exercise), '', renderVerdict(exercise, verdict)];
        if (verdict.kind === 'passed') {
          parts.push('', renderSolutionOffer(exercise));
          const next = workbook.exercises.find((e) => !workbook.isDone(e));
          parts.push(next ? `Press ${bold('n')} for the next exercise.` : ok('Every exercise is done. Well done!'));
          if (justDone) parts.push(dim(`Progress saved: ${exercise.id} is done.`));
        } else {
          parts.push('', dim(`Save ${exercise.files.join(', ')} to rerun.`));
        }
        parts.push('', KEYS + dim(`   [watching: ${watcher?.mode ?? 'starting'}]`), ...brokerLines.map((l) => dim(l)));
        screen(parts.join('\n'));
        out(dim(`verdict: ${verdict.kind} in ${verdict.durationMs} ms`));
      } while (rerunWanted);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const enter = async (target: Exercise): Promise<void> => {
    exercise = target;
    lastVerdict = undefined;
    workbook.go(target);
    watcher?.close();
    const files = target.files.map((f) => join(target.dir, f));
    watcher = watchFiles(files, (file) => void runTests(`${file.split('/').pop()} saved`), {
      poll: options.poll,
      onFallback: (why) => out(dim(`File events are not available here (${why}); checking for changes by polling instead.`)),
    });
    screen([renderHeader(workbook, target), '', renderStatement(target)].join('\n'));
    await runTests('starting');
  };

  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    watcher?.close();
    input.close();
    if (tty) process.stdin.setRawMode(false);
    // Stop reading the terminal: an open stdin would keep the process alive after quitting.
    process.stdin.pause();
    stopWatching();
    // A run may be under way (q pressed during the first one): stop it and let it wind down first.
    await runner.cancel();
    await running?.catch(() => {});
    await runner.close();
    await brokers?.stop();
    finished();
  };

  const onKey = async (key: string): Promise<void> => {
    switch (key) {
      case 'h': {
        const { shown, total } = workbook.revealHint(exercise);
        out(`\n${renderHints(exercise, shown, total)}`);
        break;
      }
      case 'r':
        await runTests('rerun');
        break;
      case 'i':
        out(`\n${renderStatement(exercise)}`);
        break;
      case 'l':
        out(`\n${renderList(workbook)}`);
        break;
      case 'n': {
        const next = workbook.exercises.slice(workbook.exercises.indexOf(exercise) + 1).find((e) => !workbook.isDone(e)) ??
          workbook.exercises.find((e) => !workbook.isDone(e));
        if (!workbook.isDone(exercise)) out(dim(`\n${exercise.name} is not done yet; moving on anyway (come back with \`npm run learn -- go ${exercise.name}\`).`));
        if (next) await enter(next);
        else out(ok('\nEvery exercise is done.'));
        break;
      }
      case 's':
        if (lastVerdict?.kind === 'passed' || workbook.isDone(exercise)) out(`\n${renderSolution(exercise)}`);
        else out(dim('\nThe reference solution is shown once your version passes (or run `npm run learn -- solution --force`).'));
        break;
      case 'q':
      case '\u0003':
        await quit();
        break;
      default:
        if (key.trim()) out(dim(`Keys: ${KEYS}`));
    }
  };

  const input = createInterface({ input: process.stdin, terminal: false });
  if (tty) {
    process.stdin.setRawMode(true);
    process.stdin.on('data', (data: Buffer) => {
      for (const key of data.toString()) void onKey(key);
    });
  } else {
    input.on('line', (line) => void onKey(line.trim().slice(0, 1)));
  }
  input.on('close', () => {
    // Piped input ran out: keep watching (the learner may have started us with </dev/null).
  });

  out(accent('pubsub-workbook') + dim(' · learner loop (Ctrl-C or q to quit)'));
  if (workbook.warning) out(workbook.warning);
  brokers = await startSessionBrokers();
  brokerLines = [...(options.banner ?? []), ...brokers.description];
  await enter(exercise);
  await closed;
}
