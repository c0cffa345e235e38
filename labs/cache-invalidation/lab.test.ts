import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('without invalidation every read on B and C is stale; with it, none is', async () => {
  const { findings, output } = await runLabForTest(lab, { updates: 5 });

  const { withoutInvalidation: before, withInvalidation: after } = findings;
  expect(before.reads, 'B and C read once after each of the 5 updates').toBe(10);
  expect(before.staleReads, 'nobody told B and C, so they kept serving "free"').toBe(10);
  expect(before.firstReadByB).toBe('free');
  expect(after.reads).toBe(10);
  expect(after.staleReads, 'every instance dropped its copy before reading').toBe(0);
  expect(after.firstReadByB).toBe('pro-1');
  expect(after.invalidationP50Ms, 'the invalidation delay was measured').toBeGreaterThan(0);
  expect(after.invalidationMaxMs).toBeGreaterThanOrEqual(after.invalidationP50Ms ?? 0);

  expect(output, 'the lab prints what it measured').toContain('after 5 updates: 10 of 10 reads on B and C were stale');
  expect(output).toContain('after 5 updates: 0 of 10 reads on B and C were stale');
  expect(output).toContain('A wrote plan=pro-1; B reads plan=free   ← stale');
  expect(output).toContain('A wrote plan=pro-1; B reads plan=pro-1');
});
