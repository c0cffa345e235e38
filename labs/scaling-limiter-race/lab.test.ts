import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('the check-then-increment limiter runs more tasks than its limit and lets callers overtake; handing the slot over does neither', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.checkThenIncrement.peak, 'the guide’s limiter goes over the limit').toBeGreaterThan(findings.limit);
  expect(findings.checkThenIncrement.overtaken, 'and lets later callers start first').toBeGreaterThan(0);
  expect(findings.handOff.peak, 'handing the slot over never exceeds the limit').toBeLessThanOrEqual(findings.limit);
  expect(findings.handOff.overtaken, 'and keeps arrival order').toBe(0);
  expect(output).toContain(`check, then increment (the guide):   at most ${findings.checkThenIncrement.peak} tasks at once`);
  expect(output).toContain(`hand the slot to the next waiter:    at most ${findings.handOff.peak} tasks at once, 0 callers overtaken`);
});
