/**
 * The interactive list behind `l`: arrows (or j/k) move, Enter goes to the exercise, r resets it
 * (the learner's version is backed up first), f cycles the filter (all · pending · done), Esc or l
 * goes back. It only computes screens and actions; the loop does the rest.
 */
import type { Exercise } from '../catalog/catalog.ts';
import type { Screen } from './terminal.ts';
import { accent, bold, dim, ok } from './style.ts';
import type { Workbook } from './workbook.ts';

export type ListAction = { type: 'none' } | { type: 'close' } | { type: 'go'; exercise: Exercise } | { type: 'reset'; exercise: Exercise };

const FILTERS = ['all', 'pending', 'done'] as const;
type Filter = (typeof FILTERS)[number];

export class ListView {
  private cursor: number;
  private filter: Filter = 'all';
  /** A line shown under the list once (e.g. what a reset did). */
  message: string | undefined;
  private confirmingReset = false;

  constructor(
    private readonly workbook: Workbook,
    current: Exercise,
    private readonly unavailable: (exercise: Exercise) => boolean,
  ) {
    this.cursor = Math.max(0, workbook.exercises.indexOf(current));
  }

  private visible(): Exercise[] {
    return this.workbook.exercises.filter((e) => this.filter === 'all' || (this.filter === 'done') === this.workbook.isDone(e));
  }

  key(key: string): ListAction {
    const items = this.visible();
    const confirming = this.confirmingReset;
    this.confirmingReset = false;
    this.message = undefined;
    switch (key) {
      case 'up':
      case 'k':
        this.cursor = Math.max(0, this.cursor - 1);
        return { type: 'none' };
      case 'down':
      case 'j':
        this.cursor = Math.min(items.length - 1, this.cursor + 1);
        return { type: 'none' };
      case 'pageup':
        this.cursor = Math.max(0, this.cursor - 10);
        return { type: 'none' };
      case 'pagedown':
        this.cursor = Math.min(items.length - 1, this.cursor + 10);
        return { type: 'none' };
      case 'f':
        this.filter = FILTERS[(FILTERS.indexOf(this.filter) + 1) % FILTERS.length] as Filter;
        this.cursor = 0;
        return { type: 'none' };
      case 'enter':
      case 'c': {
        const exercise = items[this.cursor];
        return exercise ? { type: 'go', exercise } : { type: 'none' };
      }
      case 'r': {
        const exercise = items[this.cursor];
        if (!exercise) return { type: 'none' };
        if (!confirming) {
          this.confirmingReset = true;
          this.message = `Press r again to reset ${exercise.id} to its starting version (yours is backed up in .workbook/backups/ first).`;
          return { type: 'none' };
        }
        return { type: 'reset', exercise };
      }
      case 'escape':
      case 'l':
        return { type: 'close' };
      default:
        return { type: 'none' };
    }
  }

  render(rows: number): Screen {
    const items = this.visible();
    this.cursor = Math.min(this.cursor, Math.max(0, items.length - 1));
    const done = this.workbook.doneCount();
    const top = [
      `${bold('Exercises')} ${dim(`(${done} of ${this.workbook.exercises.length} done · showing ${this.filter})`)}`,
      dim('↑/↓ move · Enter go · r reset · f filter (all/pending/done) · Esc back · q quit'),
      '',
    ];
    const room = Math.max(5, rows - top.length - 4);
    const first = Math.min(Math.max(0, this.cursor - Math.floor(room / 2)), Math.max(0, items.length - room));
    const width = Math.max(...this.workbook.exercises.map((e) => e.id.length));
    const body = items.slice(first, first + room).map((exercise, i) => {
      const selected = first + i === this.cursor;
      const mark = this.workbook.isDone(exercise) ? ok('✓') : this.unavailable(exercise) ? dim('⊘') : dim('·');
      const note = this.unavailable(exercise) ? dim(` (needs ${exercise.broker}, not available)`) : '';
      const line = `${selected ? accent('›') : ' '} ${mark} ${exercise.id.padEnd(width)}  ${exercise.title}${note}`;
      return selected ? bold(line) : line;
    });
    if (items.length === 0) body.push(dim(`  No exercise is ${this.filter}. Press f to change the filter.`));
    return { top, body, bottom: ['', ...(this.message ? [this.message] : [])] };
  }
}
