/**
 * A clock the test moves by hand, for code that takes `now: () => number` instead of reading
 * Date.now(): "an hour later" costs nothing, and a cooldown or a timeout is checked on both sides of
 * its edge (one millisecond before, at, after) rather than "roughly after a sleep".
 */
export class ManualClock {
  private current: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  /** Pass this to the code under test: `{ now: clock.now }`. */
  readonly now = (): number => this.current;

  /** Moves time forward by `ms` (never backward: real clocks used for durations do not). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new Error(`a clock only moves forward (asked to advance by ${ms} ms)`);
    this.current += ms;
    return this.current;
  }
}
