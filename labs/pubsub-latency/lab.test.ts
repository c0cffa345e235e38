import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('every timed message arrived, in order, and the printed percentiles are the measured ones', async () => {
  const { findings, output } = await runLabForTest(lab, { messages: 2_000 });

  for (const run of [findings.oneAtATime, findings.burst]) {
    expect(run.messages).toBe(2_000);
    expect(run.inOrder, 'every message arrives once, in publishing order').toBe(true);
    expect(run.p50Ms, 'latencies are real, positive durations').toBeGreaterThan(0);
    expect(run.p99Ms).toBeGreaterThanOrEqual(run.p50Ms);
    expect(run.maxMs).toBeGreaterThanOrEqual(run.p99Ms);
  }
  // Queueing: in a burst the median message waits behind others, so it cannot beat the idle median.
  expect(findings.burst.p50Ms).toBeGreaterThan(findings.oneAtATime.p50Ms);
  const p50 = findings.oneAtATime.p50Ms;
  expect(output, 'the lab prints the p50 it measured').toContain(`one at a time: p50 ${p50 < 1 ? p50.toFixed(3) : p50.toFixed(1)} ms`);
  expect(output).toContain('Every message arrived once and in order: yes.');
});
