/**
 * `npm run learn -- [command]`: the learner's loop and its commands.
 *
 *   (none) | watch [--poll]   rerun the current exercise's tests on every save
 *   list                      every exercise, done or pending
 *   hint [exercise]           reveal the next hint
 *   next                      move to the next exercise not done
 *   go <exercise>             make an exercise the current one
 *   reset <exercise>          restore the starting file (your version is backed up first)
 *   verify                    check every exercise in order, stop at the first that fails
 *   solution [exercise]       show the reference solution (after you pass, or with --force)
 */
import { parseArgs } from 'node:util';
import { WorkbookError, describeError } from '../harness/errors.ts';
import { onShutdown } from '../harness/shutdown.ts';
import { lockSession } from '../learn/session-lock.ts';
import { displayPath } from '../catalog/paths.ts';
import { accent, bold, dim, ok } from '../learn/style.ts';
import {
  Workbook,
  renderHeader,
  renderHints,
  renderList,
  renderSolution,
  renderStatement,
  renderVerifyLine,
  verifyAll,
} from '../learn/workbook.ts';
import { main } from './main.ts';

const USAGE = `Usage: npm run learn -- [command]
  (none), watch [--poll]  rerun the current exercise's tests every time you save
  list                    every exercise, done or pending
  hint [exercise]         reveal the next hint
  next                    move to the next exercise not done
  go <exercise>           make an exercise the current one
  reset <exercise>        restore the starting file (your version is backed up first)
  verify                  check every exercise in order, stop at the first that fails
  solution [exercise]     show the reference solution (once it passes, or with --force)`;

const COMMANDS = new Set(['watch', 'list', 'hint', 'next', 'go', 'reset', 'verify', 'solution']);

main(async () => {
  const { values, positionals } = readArguments();
  const [command = 'watch', argument] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!COMMANDS.has(command)) {
    throw new WorkbookError(`Unknown command "${command}". ${bold('npm run learn -- help')} lists the commands.`);
  }
  // One session per folder: two would overwrite each other's progress.
  if (command === 'watch' || command === 'verify') lockSession(`npm run learn${command === 'verify' ? ' -- verify' : ''}`);
  const workbook = new Workbook();
  if (workbook.warning && command !== 'watch') console.error(workbook.warning);
  const pick = (): ReturnType<Workbook['current']> => (argument ? workbook.find(argument) : workbook.current());

  switch (command) {
    case 'watch': {
      // Loaded on demand: the test runner and TypeScript take seconds to load, and `list` needs neither.
      const { runWatchSession } = await import('../learn/watch-session.ts');
      await runWatchSession(workbook, { poll: values.poll || process.env.WORKBOOK_POLL === '1' });
      return 0;
    }
    case 'list':
      console.log(renderList(workbook));
      return 0;
    case 'hint': {
      const exercise = pick();
      const { shown, total } = workbook.revealHint(exercise);
      console.log(`${dim(exercise.id)}\n${renderHints(exercise, shown, total)}`);
      return 0;
    }
    case 'next': {
      const next = workbook.next();
      if (!next) {
        console.log(ok('Every exercise is done. Well done!'));
        return 0;
      }
      console.log(`${renderHeader(workbook, next)}\n\n${renderStatement(next)}\n\nRun ${accent('npm run learn')} to work on it with the tests rerunning as you save.`);
      return 0;
    }
    case 'go': {
      if (!argument) throw new WorkbookError('Which exercise? e.g. `npm run learn -- go 02_pattern_routing` (see `npm run learn -- list`).');
      const exercise = workbook.find(argument);
      workbook.go(exercise);
      console.log(`${renderHeader(workbook, exercise)}\n\n${renderStatement(exercise)}`);
      return 0;
    }
    case 'reset': {
      if (!argument) throw new WorkbookError('Which exercise? e.g. `npm run learn -- reset 01_separate_connections`.');
      const exercise = workbook.find(argument);
      const { restored, backups } = workbook.reset(exercise);
      if (restored.length === 0) {
        console.log(`${exercise.id} is already at its starting version; nothing to reset.`);
        return 0;
      }
      for (const backup of backups) console.log(`Your version is saved as ${accent(displayPath(backup))}`);
      console.log(ok(`Restored the starting ${restored.map((p) => displayPath(p)).join(', ')}.`));
      return 0;
    }
    case 'verify': {
      const [{ sessionBrokers }, { ExerciseRunner }, { renderVerdict }] = await Promise.all([
        import('../learn/brokers.ts'),
        import('../learn/runner.ts'),
        import('../learn/report.ts'),
      ]);
      const brokers = sessionBrokers((line) => console.error(dim(line)));
      const runner = new ExerciseRunner('exercises');
      // Ctrl-C, SIGTERM, a closed terminal: the runner and the brokers go too.
      const forget = onShutdown({ stop: async () => Promise.all([runner.close(), brokers.stop()]).then(() => {}), stopSync: () => void runner.close() });
      try {
        const { failed, verdict } = await verifyAll(workbook, runner, brokers, (exercise, v) => console.log(renderVerifyLine(exercise, v)));
        if (failed && verdict) {
          console.log(`\n${renderHeader(workbook, failed)}\n\n${renderVerdict(failed, verdict)}\n\n${failed.id} is now the current exercise: run ${accent('npm run learn')} to work on it.`);
          return 1;
        }
        console.log(ok(`\nAll ${workbook.exercises.length} exercises pass.`));
        return 0;
      } finally {
        forget();
        await runner.close();
        await brokers.stop();
      }
    }
    case 'solution': {
      const exercise = pick();
      if (!workbook.isDone(exercise) && !values.force) {
        throw new WorkbookError(`${exercise.id} is not done yet: solve it first, or add --force to look anyway (\`npm run learn -- solution ${exercise.name} --force\`).`);
      }
      console.log(renderSolution(exercise));
      return 0;
    }
    default:
      throw new WorkbookError(`Unknown command "${command}". ${bold('npm run learn -- help')} lists the commands.`);
  }
});


/** A mistyped flag is one line that says what to do, never a stack trace. */
function readArguments(): { values: { poll?: boolean; force?: boolean; help?: boolean }; positionals: string[] } {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { poll: { type: 'boolean' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    const flag = /'(-[^']+)'/.exec(describeError(error))?.[1];
    throw new WorkbookError(`${flag ? `Unknown option ${flag}` : describeError(error)}. ${bold('npm run learn -- help')} lists the commands and their options.`);
  }
}
