/**
 * The learner's commands — list, hint, next, go, reset, verify, solution — as functions over the
 * catalog and the progress file. The CLI only wires them to the terminal, so tests drive them directly.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadTracks, findExercise, type Exercise, type Track } from '../catalog/catalog.ts';
import { STATE_DIR, displayPath } from '../catalog/paths.ts';
import { loadMistakes } from '../catalog/mistakes.ts';
import { gitBlobId, starterContent } from '../catalog/starters.ts';
import { WorkbookError } from '../harness/errors.ts';
import { timestamp } from '../harness/state-file.ts';
import { entry, loadProgress, saveProgress, update, type Progress, PROGRESS_FILE } from './progress.ts';
import type { SessionBrokers } from './brokers.ts';
import type { ExerciseRunner, Verdict } from './runner.ts';
import { accent, bad, bold, dim, ok } from './style.ts';

export interface WorkbookOptions {
  progressFile?: string;
  backupsDir?: string;
  tracks?: Track[];
}

export class Workbook {
  readonly tracks: Track[];
  readonly exercises: Exercise[];
  readonly progress: Progress;
  /** Set when the progress file had to be rebuilt. */
  readonly warning: string | undefined;
  private readonly progressFile: string;
  private readonly backupsDir: string;

  constructor(options: WorkbookOptions = {}) {
    this.tracks = options.tracks ?? loadTracks();
    this.exercises = this.tracks.flatMap((t) => t.exercises);
    if (this.exercises.length === 0) throw new WorkbookError('No exercises found under exercises/: is this a complete clone?');
    this.progressFile = options.progressFile ?? PROGRESS_FILE;
    this.backupsDir = options.backupsDir ?? join(STATE_DIR, 'backups');
    const loaded = loadProgress(this.progressFile);
    this.progress = loaded.progress;
    this.warning = loaded.warning;
  }

  find(query: string): Exercise {
    return findExercise(this.exercises, query);
  }

  isDone(exercise: Exercise): boolean {
    return entry(this.progress, exercise.id).done;
  }

  /** The exercise being worked on: the one chosen last, else the first not done, else the last. */
  current(): Exercise {
    const chosen = this.exercises.find((e) => e.id === this.progress.current);
    return chosen ?? this.exercises.find((e) => !this.isDone(e)) ?? (this.exercises.at(-1) as Exercise);
  }

  go(exercise: Exercise): void {
    this.progress.current = exercise.id;
    this.save();
  }

  /** Moves to the next exercise not done (after the current one, wrapping around); undefined when all are done. */
  next(): Exercise | undefined {
    const start = this.exercises.indexOf(this.current());
    const ordered = [...this.exercises.slice(start + 1), ...this.exercises.slice(0, start + 1)];
    const target = ordered.find((e) => !this.isDone(e));
    if (target) this.go(target);
    return target;
  }

  /** How many hints the learner has seen (re-reading them is free). */
  hintsRevealed(exercise: Exercise): number {
    return Math.min(entry(this.progress, exercise.id).hintsShown, exercise.hints.length);
  }

  /** Reveals one more hint; returns every hint shown so far. */
  revealHint(exercise: Exercise): { shown: string[]; total: number } {
    const already = entry(this.progress, exercise.id).hintsShown;
    const count = Math.min(already + 1, exercise.hints.length);
    update(this.progress, exercise.id, { hintsShown: count });
    this.save();
    return { shown: exercise.hints.slice(0, count), total: exercise.hints.length };
  }

  /**
   * Records a verdict for the exercise that was run; returns true when this run is the one that
   * completed it. Type errors (`typeClean` false) keep an exercise from being done, as compile
   * errors do in rustlings.
   */
  record(exercise: Exercise, verdict: Verdict, typeClean = true): boolean {
    const wasDone = this.isDone(exercise);
    if (verdict.kind === 'passed' && typeClean && !wasDone) {
      update(this.progress, exercise.id, { done: true, doneAt: new Date().toISOString() });
      this.save();
      return true;
    }
    return false;
  }

  /**
   * Puts the starting version back. The learner's version is saved first under .workbook/backups/,
   * even if it looks finished: nothing the learner wrote is lost.
   */
  reset(exercise: Exercise): { restored: string[]; backups: string[] } {
    const restored: string[] = [];
    const backups: string[] = [];
    const stamp = timestamp();
    for (const file of exercise.files) {
      const path = join(exercise.dir, file);
      const starter = starterContent(exercise, file);
      if (existsSync(path)) {
        const mine = readFileSync(path);
        if (gitBlobId(mine) === gitBlobId(starter)) continue;
        const backup = join(this.backupsDir, exercise.id, `${stamp}-${file}`);
        mkdirSync(dirname(backup), { recursive: true });
        copyFileSync(path, backup);
        backups.push(backup);
      }
      writeFileSync(path, starter);
      restored.push(path);
    }
    update(this.progress, exercise.id, { done: false });
    delete this.progress.exercises[exercise.id]?.doneAt;
    this.save();
    return { restored, backups };
  }

  save(): void {
    saveProgress(this.progress, this.progressFile);
  }

  position(exercise: Exercise): { track: Track; index: number; of: number } {
    const track = this.tracks.find((t) => t.id === exercise.trackId) as Track;
    return { track, index: track.exercises.indexOf(exercise) + 1, of: track.exercises.length };
  }

  doneCount(): number {
    return this.exercises.filter((e) => this.isDone(e)).length;
  }
}

// ---- what the commands print ------------------------------------------------------------------

export function renderList(workbook: Workbook, unavailable: (exercise: Exercise) => boolean = () => false): string {
  const current = workbook.current();
  const width = Math.max(...workbook.exercises.map((e) => e.name.length));
  const lines: string[] = [];
  for (const track of workbook.tracks) {
    const done = track.exercises.filter((e) => workbook.isDone(e)).length;
    lines.push('', `${bold(track.title)} ${dim(`(${track.id}, ${done}/${track.exercises.length} done)`)}`);
    for (const exercise of track.exercises) {
      const mark = workbook.isDone(exercise) ? ok('✓ done   ') : unavailable(exercise) ? dim(`⊘ no ${exercise.broker}`.padEnd(9)) : dim('· pending');
      const pointer = exercise === current ? accent('  ← current') : '';
      const tags = exercise.kind === 'review' ? `${exercise.difficulty} · review the guide's code` : exercise.difficulty;
      lines.push(`  ${mark}  ${exercise.name.padEnd(width)}  ${exercise.title} ${dim(`[${tags}]`)}${pointer}`);
    }
  }
  lines.push('', `${workbook.doneCount()} of ${workbook.exercises.length} exercises done.`);
  return lines.join('\n').trimStart();
}

export function renderHeader(workbook: Workbook, exercise: Exercise): string {
  const { track, index, of } = workbook.position(exercise);
  return [
    dim(`${track.title} · exercise ${index} of ${of} · ${workbook.doneCount()}/${workbook.exercises.length} done overall`),
    `${bold(exercise.title)} ${dim(`[${exercise.difficulty} · needs ${exercise.broker}${exercise.kind === 'review' ? " · review the guide's code" : ''}]`)}`,
    dim(`exercises/${exercise.id}/ · from ${exercise.guide}`),
  ].join('\n');
}

export function renderStatement(exercise: Exercise): string {
  const files = exercise.files.map((f) => accent(`exercises/${exercise.id}/${f}`)).join(', ');
  return [exercise.statement, '', `Edit ${files}; the tests (${exercise.tests.join(', ')}) say what must hold.`].join('\n');
}

export function renderHints(exercise: Exercise, shown: string[], total: number): string {
  const lines = shown.map((hint, i) => `${accent(`Hint ${i + 1} of ${total}:`)} ${hint}`);
  if (shown.length === total) lines.push(dim('That was the last hint. The chapter and the solution (once you pass) explain the rest.'));
  return lines.join('\n');
}

export function renderSolutionOffer(exercise: Exercise): string {
  const paths = exercise.files.map((f) => displayPath(join(exercise.solutionDir, f))).join(', ');
  const mistakes = loadMistakes(exercise).length;
  const extra = mistakes > 0 ? ` and the ${mistakes} mistakes these tests catch` : '';
  return `${ok('Done!')} Compare your code with the reference solution: ${accent(paths)} (press ${bold('s')} to show it here${extra}).`;
}

export function renderSolution(exercise: Exercise): string {
  const solution = exercise.files
    .map((file) => {
      const path = join(exercise.solutionDir, file);
      const body = readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line, i) => `${dim(String(i + 1).padStart(3))}  ${line}`)
        .join('\n');
      return `${bold(displayPath(path))}\n${body}`;
    })
    .join('\n\n');
  return [solution, renderMistakes(exercise)].filter(Boolean).join('\n\n');
}

/** The known-wrong solutions this exercise's tests reject: shown with the solution, never before. */
export function renderMistakes(exercise: Exercise): string {
  const mistakes = loadMistakes(exercise);
  if (mistakes.length === 0) return '';
  const lines = [bold(`The mistakes these tests catch (${mistakes.length})`)];
  for (const mistake of mistakes) {
    const where = Object.values(mistake.files).map((f) => displayPath(f)).join(', ');
    lines.push(`  ${accent('•')} ${mistake.summary}`, dim(`      caught by "${mistake.caughtBy.join('", "')}" · ${where}`));
  }
  return lines.join('\n');
}

export function renderVerifyLine(exercise: Exercise, verdict: Verdict): string {
  const mark = verdict.kind === 'passed' ? ok('✓') : bad('✗');
  return `${mark} ${exercise.id} ${dim(`(${verdict.durationMs} ms)`)}`;
}

export async function verifyAll(
  workbook: Workbook,
  runner: ExerciseRunner,
  brokers: SessionBrokers,
  onResult: (exercise: Exercise, verdict: Verdict) => void,
): Promise<{ failed?: Exercise; verdict?: Verdict }> {
  for (const exercise of workbook.exercises) {
    const unavailable = await brokers.ensure(exercise.broker);
    if (unavailable) {
      console.log(`${dim('⊘')} ${exercise.id} ${dim(`(not checked: ${unavailable})`)}`);
      continue;
    }
    const verdict = await runner.run(exercise, { env: brokers.env() });
    workbook.record(exercise, verdict);
    onResult(exercise, verdict);
    if (verdict.kind !== 'passed') {
      update(workbook.progress, exercise.id, { done: false });
      workbook.go(exercise);
      return { failed: exercise, verdict };
    }
  }
  return {};
}
