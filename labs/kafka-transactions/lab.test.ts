import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('read_committed skips an open and then aborted transaction that read_uncommitted sees, and a zombie producer is fenced', async () => {
  const { findings, output } = await runLabForTest(lab);
  const values = (seen: ReadonlyArray<{ value: string }>): string[] => seen.map((s) => s.value);

  expect(values(findings.whileOpen.readUncommitted), 'read_uncommitted sees the open transaction').toEqual(['ghost-1', 'ghost-2', 'ghost-3']);
  expect(findings.whileOpen.readCommitted, 'read_committed has nothing while it is open').toEqual([]);

  expect(findings.afterAbort.readUncommitted.map((s) => s.offset), 'markers at offsets 3 and 6 are skipped by both').toEqual([0, 1, 2, 4, 5]);
  expect(findings.afterAbort.readCommitted).toEqual([
    { offset: 4, value: 'order-1' },
    { offset: 5, value: 'order-2' },
  ]);

  expect(findings.zombieErrors).toEqual({ send: 'INVALID_PRODUCER_EPOCH', commit: 'INVALID_PRODUCER_EPOCH' });
  expect(values(findings.final.readCommitted), 'read_committed never sees a zombie record').toEqual(['order-1', 'order-2', 'successor-1']);
  expect(values(findings.final.readUncommitted)).toEqual(['ghost-1', 'ghost-2', 'ghost-3', 'order-1', 'order-2', 'zombie-1', 'successor-1']);
  expect(output).toContain("the old instance's next send: INVALID_PRODUCER_EPOCH");
  expect(output).toMatch(/read_committed\s+\(nothing\)/);
}, 60_000);
