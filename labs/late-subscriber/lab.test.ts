import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('the late subscriber misses exactly the messages published before it subscribed', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.published, 'PUBLISH answered 0 before the subscriber, 1 after').toEqual([
    ['m1', 0],
    ['m2', 0],
    ['m3', 0],
    ['m4', 1],
    ['m5', 1],
    ['m6', 1],
  ]);
  expect(findings.received).toEqual(['m4', 'm5', 'm6']);
  expect(findings.missed).toEqual(['m1', 'm2', 'm3']);
  expect(output, 'the lab prints what it found').toContain('It missed:               m1, m2, m3');
  expect(output).toContain(`PUBLISH ${findings.channel} m1  →  0 receivers`);
});
