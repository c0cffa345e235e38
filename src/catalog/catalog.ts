/**
 * Reads exercises and labs from disk. The files are the single source: the learner's loop, the
 * contract check (`npm test`) and the site all list what is here, never a hand-kept copy.
 *
 *   exercises/NN_track/README.md                 track: title, chapter; body = introduction
 *   exercises/NN_track/NN_name/README.md          statement: front matter + Markdown body
 *   exercises/NN_track/NN_name/<file>.ts          the learner's file(s), listed in `files`
 *   exercises/NN_track/NN_name/<file>.test.ts     the tests; they import the learner's file
 *   solutions/NN_track/NN_name/<file>.ts          the reference solution, same relative path
 *   labs/<name>/README.md, lab.ts, lab.test.ts    a lab
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { WorkbookError } from '../harness/errors.ts';
import { CHAPTER_IDS } from './chapters.ts';
import { parseFrontmatter } from './frontmatter.ts';
import { EXERCISES_DIR, LABS_DIR, SOLUTIONS_DIR, displayPath } from './paths.ts';

export const BROKERS = ['redis', 'kafka', 'sns', 'none'] as const;
export type Broker = (typeof BROKERS)[number];

const trackSchema = z.strictObject({
  title: z.string().min(1),
  chapter: z.enum(CHAPTER_IDS),
});

const exerciseSchema = z.strictObject({
  title: z.string().min(1),
  chapter: z.enum(CHAPTER_IDS),
  /** Where in ../shared/guides/ the material comes from, e.g. "Complete Guide › 1. Redis Pub/Sub". */
  guide: z.string().min(1),
  broker: z.enum(BROKERS),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  /** `review`: the learner is handed code in the spirit of the guides with one of their real mistakes to find and fix. */
  kind: z.enum(['build', 'review']).default('build'),
  files: z.array(z.string().regex(/^[\w.-]+\.ts$/, 'a file name in the exercise folder')).min(1),
  hints: z.array(z.string().min(1)).min(1),
  /**
   * Seconds the learner's loop lets one run of the tests take before it stops them as a runaway.
   * Default by broker (src/learn/runner.ts); set it for exercises whose tests are slow by nature.
   */
  deadline: z.number().int().min(5).max(600).optional(),
});

const labSchema = z.strictObject({
  title: z.string().min(1),
  chapter: z.enum(CHAPTER_IDS),
  broker: z.enum(BROKERS),
  summary: z.string().min(1),
});

export type Difficulty = z.infer<typeof exerciseSchema>['difficulty'];

export interface Exercise extends z.infer<typeof exerciseSchema> {
  /** `NN_track/NN_name`: stable, used in progress and on the command line. */
  id: string;
  /** `NN_name`, also accepted on the command line. */
  name: string;
  trackId: string;
  dir: string;
  solutionDir: string;
  tests: string[];
  statement: string;
}

export interface Track extends z.infer<typeof trackSchema> {
  id: string;
  dir: string;
  introduction: string;
  exercises: Exercise[];
}

export interface LabInfo extends z.infer<typeof labSchema> {
  name: string;
  dir: string;
  description: string;
}

const ORDERED_DIR = /^\d{2}_[a-z0-9_]+$/;

export function loadTracks(root = EXERCISES_DIR, solutionsRoot = SOLUTIONS_DIR): Track[] {
  return orderedDirs(root).map((trackId) => {
    const dir = join(root, trackId);
    const { data, body } = readMarkdown(join(dir, 'README.md'), trackSchema);
    const exercises = orderedDirs(dir).map((name) =>
      loadExercise(join(dir, name), trackId, name, join(solutionsRoot, trackId, name)),
    );
    return { ...data, id: trackId, dir, introduction: body, exercises };
  });
}

export function loadExercises(): Exercise[] {
  return loadTracks().flatMap((t) => t.exercises);
}

function loadExercise(dir: string, trackId: string, name: string, solutionDir: string): Exercise {
  const { data, body } = readMarkdown(join(dir, 'README.md'), exerciseSchema);
  const entries = readdirSync(dir);
  const tests = entries.filter((f) => f.endsWith('.test.ts')).sort();
  const id = `${trackId}/${name}`;
  if (tests.length === 0) throw new WorkbookError(`${displayPath(dir)}: an exercise needs at least one *.test.ts file.`);
  for (const file of data.files) {
    if (!entries.includes(file)) throw new WorkbookError(`${displayPath(dir)}: README lists ${file}, which is not in the folder.`);
    if (!existsSync(join(solutionDir, file))) {
      throw new WorkbookError(`${id}: no reference solution at ${displayPath(join(solutionDir, file))}.`);
    }
  }
  return { ...data, id, name, trackId, dir, solutionDir, tests, statement: body };
}

export function loadLabs(root = LABS_DIR): LabInfo[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = join(root, name);
      for (const required of ['lab.ts', 'lab.test.ts']) {
        if (!existsSync(join(dir, required))) throw new WorkbookError(`${displayPath(dir)}: a lab needs ${required}.`);
      }
      const { data, body } = readMarkdown(join(dir, 'README.md'), labSchema);
      return { ...data, name, dir, description: body };
    });
}

/** Finds an exercise by its id (`01_redis_pubsub/01_separate_connections`) or its bare name. */
/**
 * An exercise by its id (`01_redis_pubsub/02_pattern_routing`), its name (`02_pattern_routing`) or
 * any part of either that names exactly one (`pattern`, `pubsub/02`, `routing`).
 */
export function findExercise(exercises: Exercise[], query: string): Exercise {
  const wanted = query.trim().replace(/\\/g, '/').replace(/^(?:\.\/)?(?:exercises|solutions)\//, '').replace(/\/$/, '');
  const exact = exercises.find((e) => e.id === wanted || e.name === wanted);
  if (exact) return exact;
  const lower = wanted.toLowerCase();
  const matches = lower ? exercises.filter((e) => e.id.toLowerCase().includes(lower) || e.title.toLowerCase().includes(lower)) : [];
  if (matches.length === 1) return matches[0] as Exercise;
  if (matches.length > 1) {
    const shown = matches.slice(0, 6).map((e) => e.id).join(', ');
    throw new WorkbookError(`"${query}" matches ${matches.length} exercises (${shown}${matches.length > 6 ? ', …' : ''}): give more of the name.`);
  }
  throw new WorkbookError(`No exercise called "${query}". Run \`npm run learn -- list\` to see their names.`);
}

function orderedDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && ORDERED_DIR.test(d.name))
    .map((d) => d.name)
    .sort();
}

function readMarkdown<S extends z.ZodType>(file: string, schema: S): { data: z.infer<S>; body: string } {
  if (!existsSync(file)) throw new WorkbookError(`${displayPath(file)} is missing.`);
  const { data, body } = parseFrontmatter(readFileSync(file, 'utf8'), displayPath(file));
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'front matter';
    throw new WorkbookError(`${displayPath(file)}: ${where}: ${issue?.message ?? 'invalid'}.`);
  }
  return { data: parsed.data, body };
}
