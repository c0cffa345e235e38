/**
 * `npm test`: the workbook's own tests, then the exercise contract, like rustlings' CI:
 *   1. unit tests, lab tests, and every exercise's tests against its reference solution — all pass;
 *   2. every exercise's tests against its *starting* version — each exercise must fail;
 *   3. every exercise's tests against each of its known-wrong solutions (solutions/…/mistakes/) —
 *      each must fail the test its `Caught by:` line names (scripts/mistakes.ts).
 * A violation fails the run and names the exercise (and the mistake). Each phase's time is printed.
 */
import { execFileSync } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { createVitest, startVitest, type TestModule } from 'vitest/node';
import { loadExercises, type Exercise } from '../src/catalog/catalog.ts';
import { EXERCISES_DIR, ROOT } from '../src/catalog/paths.ts';
import { STARTERS_LOCK, computeLock, readLock, starterStatus } from '../src/catalog/starters.ts';
import { main } from '../src/cli/main.ts';
import { WorkbookError } from '../src/harness/errors.ts';
import { bad, bold, dim, ok } from '../src/learn/style.ts';
import { checkMistakes } from './mistakes.ts';

main(async () => {
  const started = performance.now();
  const exercises = loadExercises();
  if (process.env.CI) checkLock(exercises);

  if (process.env.CI) {
    // Learners' own files may not type-check while they work; the workbook's must, always.
    console.log(bold('\n0/3  Type check (tsc, strict)\n'));
    step('the type check failed (errors above)', 'npx', ['tsc', '--noEmit', '-p', '.']);
    step('the site\'s type check failed (errors above)', 'npx', ['tsc', '--noEmit', '-p', 'docs/.vitepress']);
  }
  const phases: [string, number][] = [];
  const timed = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const from = performance.now();
    try {
      return await run();
    } finally {
      phases.push([name, (performance.now() - from) / 1000]);
    }
  };

  console.log(bold('\n0/3  Building the site (npm run docs:build) for the browser tests\n'));
  await timed('site build', () => step('the site did not build (npm run docs:build; its output is above)', 'npm', ['run', '-s', 'docs:build']));
  const projects = ['unit', 'labs', 'solutions', 'kafka-conformance', 'docs', 'browser'];

  console.log(bold('\n1/3  Unit tests, labs, the site, and every exercise against its reference solution\n'));
  const firstFailed = await timed('1 tests and solutions', async () => {
    const first = await startVitest('test', [], { watch: false, root: ROOT, project: projects, passWithNoTests: true });
    const failed = first.state.getCountOfFailedTests() > 0 || first.state.getUnhandledErrors().length > 0 || Boolean(process.exitCode);
    await first.close();
    return failed;
  });

  console.log(bold('\n2/3  Every exercise, untouched, must fail its tests\n'));
  const violations = await timed('2 starters fail', () => checkStartersFail(exercises));

  console.log(bold('\n3/3  Every known-wrong solution must fail the test meant to catch it\n'));
  const mistakes = await timed('3 mistakes fail', () => checkMistakes(exercises));
  violations.push(...mistakes.violations);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(dim(`\nPhase times: ${phases.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(' · ')}`));
  if (firstFailed || violations.length > 0) {
    console.log(bad(`\nnpm test failed after ${seconds} s:`));
    if (firstFailed) console.log(bad('  - some tests in step 1 failed (see above)'));
    for (const v of violations) console.log(bad(`  - ${v}`));
    return 1;
  }
  console.log(ok(`\nnpm test passed in ${seconds} s: ${exercises.length} solutions pass, ${exercises.length} untouched exercises fail, ${mistakes.mistakes} known-wrong solutions fail.`));
  return 0;
});

async function checkStartersFail(exercises: Exercise[]): Promise<string[]> {
  const vitest = await createVitest('test', { watch: false, root: ROOT, project: ['starters'], reporters: [{}] });
  try {
    const result = await vitest.start();
    const failing = new Set<string>();
    const ran = new Set<string>();
    for (const module of result.testModules) {
      const id = exerciseIdOf(module);
      ran.add(id);
      if (module.errors().length > 0 || [...module.children.allTests()].some((t) => t.result().state === 'failed')) failing.add(id);
    }
    const violations: string[] = [];
    const lock = readLock();
    let edited = 0;
    for (const exercise of exercises) {
      if (starterStatus(exercise, lock).some((s) => s.edited)) edited++;
      if (!ran.has(exercise.id)) violations.push(`${exercise.id}: its tests did not run against the starting version`);
      else if (!failing.has(exercise.id)) {
        violations.push(`${exercise.id} passes its tests before anyone solved it: the tests must check what the learner has to write`);
      } else console.log(`  ${ok('✓')} ${exercise.id} ${dim('fails untouched')}`);
    }
    if (edited > 0) console.log(dim(`  (${edited} exercise(s) you have edited were checked at their starting version, from git)`));
    return violations;
  } finally {
    await vitest.close();
  }
}

function step(failure: string, command: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  } catch {
    throw new WorkbookError(`npm test stopped: ${failure}.`);
  }
}

function exerciseIdOf(module: TestModule): string {
  return relative(EXERCISES_DIR, dirname(module.moduleId)).split(/[\\/]/).join('/');
}

function checkLock(exercises: Exercise[]): void {
  const wanted = computeLock(exercises);
  const have = readLock();
  const stale = [...new Set([...Object.keys(wanted), ...Object.keys(have)])].filter((k) => wanted[k] !== have[k]);
  if (stale.length > 0) {
    throw new WorkbookError(`${relative(ROOT, STARTERS_LOCK)} is out of date for ${stale.join(', ')}: run \`npm run exercises:lock\` and commit it.`);
  }
}
