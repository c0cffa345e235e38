import { describe, expect, test } from 'vitest';
import { ManualClock } from './clock.ts';

describe('a clock the test controls', () => {
  test('stands still until advanced, and then moves exactly as far', () => {
    const clock = new ManualClock(1_000);
    const { now } = clock;
    expect(now()).toBe(1_000);
    clock.advance(59_999);
    expect(now()).toBe(60_999);
  });

  test('refuses to go backwards', () => {
    expect(() => new ManualClock().advance(-1)).toThrow(/only moves forward/);
  });
});
