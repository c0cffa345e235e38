import { describe, expect, test } from 'vitest';
import { mainThreadTasks } from './page-cost.ts';

const meta = (pid: number, tid: number, name: string) => ({ name: 'thread_name', ph: 'M', pid, tid, ts: 0, args: { name } });
const task = (name: string, ts: number, dur: number, tdur: number, tid = 1) => ({ name, ph: 'X', pid: 7, tid, ts, dur, tdur });

describe('main-thread tasks from a Chromium trace', () => {
  test("counts each outermost task once, by its CPU time, on renderers' main threads only", () => {
    const events = [
      meta(7, 1, 'CrRendererMain'),
      meta(7, 2, 'Compositor'),
      // Nested both ways round, as Chromium versions write them.
      task('ThreadControllerImpl::RunTask', 0, 90_000, 60_000),
      task('RunTask', 10, 80_000, 59_000),
      task('RunTask', 100_000, 30_000, 20_000),
      task('ThreadControllerImpl::RunTask', 100_010, 20_000, 19_000),
      // Another thread's task is not the page's.
      task('RunTask', 0, 500_000, 500_000, 2),
    ];
    expect(mainThreadTasks(events)).toEqual([[60, 20]]);
  });
});
