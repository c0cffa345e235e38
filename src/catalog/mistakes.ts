/**
 * Known-wrong solutions: the mistakes an exercise exists to catch, kept beside its reference
 * solution so that `npm test` can prove its tests reject each one, and so that the learner's loop
 * can show them to a learner who has passed ("here is what you avoided").
 *
 *   solutions/NN_track/NN_name/mistakes/<slug>/<file>.ts
 *
 * A mistake holds one or more of the exercise's files (the others come from the reference
 * solution). Each of its files starts with a header:
 *
 *   // Mistake: <one line, in plain words, what is wrong and why it matters>
 *   // Caught by: <the exact `it(...)` title of a test that must fail>
 *
 * `Caught by:` may repeat (at least one of the named tests must fail). Pure: reads files only;
 * a malformed mistake throws a WorkbookError naming its file.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbookError } from '../harness/errors.ts';
import { displayPath } from './paths.ts';

export interface Mistake {
  /** The folder name, e.g. `publish-before-record`. */
  slug: string;
  /** What is wrong, from the `Mistake:` line (of the first file that has one). */
  summary: string;
  /** Titles of the tests that must fail, from every `Caught by:` line of its files. */
  caughtBy: string[];
  /** Learner file name (as in the exercise's `files`) → absolute path of this mistake's version. */
  files: Record<string, string>;
  dir: string;
}

/** What loadMistakes needs of an exercise (an `Exercise` from the catalog fits). */
export interface MistakeOwner {
  id: string;
  files: string[];
  solutionDir: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const HEADER_LINE = /^\s*\/\/\s*(Mistake|Caught by):\s*(.*?)\s*$/;

export function mistakesDir(exercise: MistakeOwner): string {
  return join(exercise.solutionDir, 'mistakes');
}

/** The exercise's known-wrong solutions, sorted by slug; an exercise without any gets []. */
export function loadMistakes(exercise: MistakeOwner): Mistake[] {
  const root = mistakesDir(exercise);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((slug) => loadMistake(exercise, slug, join(root, slug)));
}

function loadMistake(exercise: MistakeOwner, slug: string, dir: string): Mistake {
  if (!SLUG.test(slug)) throw new WorkbookError(`${displayPath(dir)}: name a mistake's folder in lower-case-with-dashes.`);
  const names = readdirSync(dir).filter((name) => name.endsWith('.ts')).sort();
  if (names.length === 0) throw new WorkbookError(`${displayPath(dir)}: a mistake needs at least one of ${exercise.files.join(', ')}.`);
  const files: Record<string, string> = {};
  let summary = '';
  const caughtBy: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!exercise.files.includes(name)) {
      throw new WorkbookError(`${displayPath(path)}: ${exercise.id} has no learner file called ${name} (its files: ${exercise.files.join(', ')}).`);
    }
    const header = readHeader(readFileSync(path, 'utf8'));
    if (!header.summary) {
      throw new WorkbookError(`${displayPath(path)}: start the file with \`// Mistake: <what is wrong, in one line>\`.`);
    }
    summary ||= header.summary;
    caughtBy.push(...header.caughtBy.filter((title) => !caughtBy.includes(title)));
    files[name] = path;
  }
  if (caughtBy.length === 0) {
    throw new WorkbookError(`${displayPath(join(dir, names[0] ?? ''))}: add \`// Caught by: <the title of the test that must fail>\` under the Mistake line.`);
  }
  return { slug, summary, caughtBy, files, dir };
}

/** The leading `// Mistake:` and `// Caught by:` comment lines (other leading comments are allowed). */
export function readHeader(source: string): { summary: string; caughtBy: string[] } {
  let summary = '';
  const caughtBy: string[] = [];
  for (const line of source.split('\n')) {
    if (!line.trim().startsWith('//')) break;
    const match = HEADER_LINE.exec(line);
    if (!match) continue;
    const [, key, value = ''] = match;
    if (key === 'Mistake') summary ||= value;
    else if (value) caughtBy.push(value);
  }
  return { summary, caughtBy };
}
