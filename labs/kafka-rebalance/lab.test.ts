import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('the group splits partitions among members, rebalances at once on leave, and only after the session timeout on a crash', async () => {
  const { findings, output } = await runLabForTest(lab);
  const [aAlone, withB, withC, bLeft, cKilled] = findings.steps;

  expect(aAlone?.assignment, 'A alone owns every partition').toEqual({ A: [0, 1, 2, 3] });
  expect(Object.values(withB?.assignment ?? {}).map((p) => p.length).sort(), 'two members: 2 partitions each').toEqual([2, 2]);
  expect(Object.values(withC?.assignment ?? {}).map((p) => p.length).sort(), 'three members share four partitions').toEqual([1, 1, 2]);
  expect(Object.keys(bLeft?.assignment ?? {}).sort()).toEqual(['A', 'C']);
  expect(cKilled?.assignment, 'after the crash A owns everything again').toEqual({ A: [0, 1, 2, 3] });
  expect(bLeft?.tookMs, 'a clean leave does not wait for the session timeout').toBeLessThan(findings.sessionTimeoutMs);
  expect(cKilled?.tookMs, 'a crash is noticed only when the session times out').toBeGreaterThanOrEqual(findings.sessionTimeoutMs - 1_000);
  expect(output).toContain(`(${cKilled?.tookMs} ms)`);
}, 90_000);
