import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('a new group lags by the whole backlog (the guide says one more per partition), and lag falls to zero as it is consumed', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.realLagOfNewGroup).toBe(findings.backlog);
  expect(findings.guideLagOfNewGroup, "the guide's formula counts -1 as an offset").toBe(findings.backlog + findings.partitions);
  expect(findings.samples.length, 'a sample every 500 messages').toBe(findings.backlog / 500);
  const lags = findings.samples.map((s) => s.lag);
  expect(lags, 'lag never grows while the backlog is drained').toEqual([...lags].sort((a, b) => b - a));
  for (const s of findings.samples) {
    const unhandled = findings.backlog - s.handled;
    expect(s.lag, `lag after ${s.handled} handled: at least what is unhandled`).toBeGreaterThanOrEqual(unhandled);
    expect(s.lag, `lag after ${s.handled} handled: at most one commit interval per partition behind`).toBeLessThanOrEqual(unhandled + findings.commitEvery * findings.partitions);
  }
  expect(findings.finalLag).toBe(0);
  expect(output).toContain(`the guide's high − committed:        ${findings.guideLagOfNewGroup.toLocaleString('en')}`);
}, 60_000);
