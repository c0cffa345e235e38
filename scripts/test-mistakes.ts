/**
 * `npm run test:mistakes [-- <exercise>…]`: the known-wrong-solutions contract alone (it is also
 * the fourth step of `npm test`), for every exercise or the ones named (id or bare name).
 * `--root <dir>` reads the exercises from another tree (scripts/fixtures/mistakes, in its test).
 */
import { join, resolve } from 'node:path';
import { findExercise, loadExercises, loadTracks } from '../src/catalog/catalog.ts';
import { main } from '../src/cli/main.ts';
import { bad, bold, ok } from '../src/learn/style.ts';
import { checkMistakes } from './mistakes.ts';

main(async () => {
  const args = process.argv.slice(2);
  // --root <dir>: a tree with its own exercises/ and solutions/ (the mechanism's own test uses a fixture).
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? args.splice(rootAt, 2)[1] : undefined;
  const all = root ? loadTracks(join(resolve(root), 'exercises'), join(resolve(root), 'solutions')).flatMap((t) => t.exercises) : loadExercises();
  const wanted = args;
  const exercises = wanted.length > 0 ? wanted.map((query) => findExercise(all, query)) : all;
  console.log(bold(`\nKnown-wrong solutions of ${exercises.length} exercise(s) must fail their tests\n`));
  const report = await checkMistakes(exercises);
  const seconds = report.seconds.toFixed(1);
  if (report.violations.length > 0) {
    console.log(bad(`\n${report.violations.length} problem(s) after ${seconds} s:`));
    for (const v of report.violations) console.log(bad(`  - ${v}`));
    return 1;
  }
  console.log(ok(`\n${report.mistakes} known-wrong solutions rejected, each by its own test, in ${seconds} s.`));
  return 0;
});
