import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('keyed events stay on one partition per user; unkeyed ones spread over all of them', async () => {
  const { findings, output } = await runLabForTest(lab);

  for (const [user, partitions] of Object.entries(findings.keyed)) {
    expect(new Set(partitions).size, `${user}'s keyed events: one partition`).toBe(1);
    expect(findings.keyedReadOrder[user], `${user}'s keyed events are read in order`).toEqual([0, 1, 2]);
  }
  const spread = Object.values(findings.unkeyed).filter((partitions) => new Set(partitions).size > 1);
  expect(spread.length, 'users whose unkeyed events landed on more than one partition').toBeGreaterThan(0);
  expect(output).toContain(`alice  partitions ${findings.keyed.alice?.join(',')}`);
});
