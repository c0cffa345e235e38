/**
 * Records the git blob id of every learner file's starting version in exercises/starters.lock.json.
 * Run after changing a starting file: `npm run exercises:lock`. With --check (CI), fails if the
 * lock does not match the files, naming them.
 */
import { writeFileSync } from 'node:fs';
import { loadExercises } from '../src/catalog/catalog.ts';
import { displayPath } from '../src/catalog/paths.ts';
import { STARTERS_LOCK, computeLock, readLock } from '../src/catalog/starters.ts';
import { main } from '../src/cli/main.ts';
import { WorkbookError } from '../src/harness/errors.ts';

main(async () => {
  const wanted = computeLock(loadExercises());
  if (process.argv.includes('--check')) {
    const have = readLock();
    const stale = [...new Set([...Object.keys(wanted), ...Object.keys(have)])].filter((k) => wanted[k] !== have[k]);
    if (stale.length > 0) {
      throw new WorkbookError(`${displayPath(STARTERS_LOCK)} is out of date for ${stale.join(', ')}: run \`npm run exercises:lock\` and commit it.`);
    }
    console.log(`${displayPath(STARTERS_LOCK)} matches all ${Object.keys(wanted).length} starting files.`);
    return;
  }
  writeFileSync(STARTERS_LOCK, `${JSON.stringify(wanted, null, 2)}\n`);
  console.log(`Wrote ${displayPath(STARTERS_LOCK)} (${Object.keys(wanted).length} starting files).`);
});
