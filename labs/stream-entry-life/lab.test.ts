import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

/** Long enough that even a busy machine reaches the first XAUTOCLAIM before the entry is that idle. */
const MIN_IDLE_MS = 500;

test('the entry goes from worker-a to worker-b only once idle long enough, and XACK empties the pending list but not the stream', async () => {
  const { findings, output } = await runLabForTest(lab, { minIdleMs: MIN_IDLE_MS });

  expect(findings.afterRead, 'after XREADGROUP the entry is pending for worker-a, delivered once').toMatchObject({ owner: 'worker-a', deliveries: 1 });
  expect(findings.claimedTooEarly, 'XAUTOCLAIM right after the crash takes nothing').toBe(0);
  expect(findings.beforeClaim.owner, 'the crashed worker still owns the entry until someone claims it').toBe('worker-a');
  expect(findings.beforeClaim.idleMs, 'Redis measured the entry idle for at least min-idle before it could be claimed').toBeGreaterThanOrEqual(MIN_IDLE_MS);
  expect(findings.afterClaim, 'after XAUTOCLAIM the entry is worker-b’s, delivered twice').toMatchObject({ owner: 'worker-b', deliveries: 2 });
  expect(findings.crashToClaimMs, 'the rescue took real time after the crash').toBeGreaterThan(0);
  expect(findings.acknowledged).toBe(1);
  expect(findings.pendingAfterAck).toBe(0);
  expect(findings.lengthAfterAck, 'XACK does not delete the entry').toBe(1);

  expect(output, 'the story prints each state it measured').toContain(
    `XPENDING: owner worker-a, idle ${findings.afterRead.idleMs} ms, delivered 1 time. The group now remembers who holds it.`,
  );
  expect(output).toContain(`→  0 claimed: the entry has not been idle for ${MIN_IDLE_MS} ms yet.`);
  expect(output).toContain(`→  claimed ${findings.entryId}`);
  expect(output).toContain(`XPENDING: owner worker-b, idle ${findings.afterClaim.idleMs} ms, delivered 2 times. Claiming counts as a delivery.`);
  expect(output).toContain(`Time from crash to rescue: ${Math.round(findings.crashToClaimMs)} ms`);
  expect(output).toContain('XPENDING: 0 pending. XLEN: 1');
});
