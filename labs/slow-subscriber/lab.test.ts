import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('Redis cut off the subscriber that stopped reading, and only that one', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.slowDisconnected, 'the slow subscriber was disconnected by Redis').toBe(true);
  expect(findings.fastReceived, 'the fast subscriber got every message').toBe(findings.published);
  expect(findings.slowReceived, 'the slow one lost what was queued for it').toBeLessThan(findings.published);
  expect(findings.peakOutputBufferBytes, 'its output buffer grew before the cut').toBeGreaterThan(0);
  expect(output).toContain(`slow subscriber received ${findings.slowReceived.toLocaleString('en')} of ${findings.published.toLocaleString('en')}`);
});
