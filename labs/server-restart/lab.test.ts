import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('after a restart ioredis resubscribes by itself, and re-adding the listener on ready doubles delivery', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.pids[0], 'a fresh redis-server process came up after the restart').not.toBe(findings.pids[1]);
  expect(findings.receiversBefore, 'all four subscribed before the restart').toBe(4);
  expect(findings.receiversAfter, 'D came back unsubscribed').toBe(3);
  const by = Object.fromEntries(findings.subscribers.map((s) => [s.label, s]));
  expect(
    findings.subscribers.map((s) => [s.label, s.before, s.after]),
    'copies of each message handled, per subscriber: [label, before, after]',
  ).toEqual([
    ['A', 1, 1],
    ['B', 1, 1],
    ['C', 1, 2],
    ['D', 1, 0],
  ]);
  for (const s of findings.subscribers) expect(s.readyEvents, `${s.label} connected twice: at start and after the restart`).toBe(2);
  expect(by.C?.messageListeners, "C's second 'ready' added a second listener").toBe(2);
  expect(by.B?.subscriptionsAfter, 'subscribing twice on one connection is still one subscription').toBe(1);
  expect(by.D?.subscriptionsAfter, 'the server knows nothing of D after the restart').toBe(0);
  expect(findings.resubscribedWithinMs).toBeGreaterThan(0);

  expect(output).toContain('PUBLISH before → 4 receivers');
  expect(output).toContain('PUBLISH after  → 3 receivers');
  expect(output, "C's row in the printed table").toMatch(/^ +C +1 +2 +2 +2 +1$/m);
  expect(output).toContain(`subscribed again ${Math.round(findings.resubscribedWithinMs)} ms after the server was back`);
}, 30_000);
