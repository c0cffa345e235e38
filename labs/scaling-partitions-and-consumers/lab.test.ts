import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('one of three consumers sits idle on two partitions, and growing 6 → 8 partitions moves most keys, as murmur2 predicts', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.members.map((m) => m.partitions.length), 'partitions per consumer, busiest first').toEqual([1, 1, 0]);
  expect(findings.members.flatMap((m) => m.partitions).sort(), 'each partition owned once').toEqual([0, 1]);
  expect(findings.idleMembers).toBe(1);
  expect(findings.predictionsHeld, 'every record went where murmur2(key) % partitions said').toBe(true);
  expect(findings.moved, 'keys on another partition after growing from 6 to 8 (the chapter computes 744 of 1,000)').toBe(744);
  expect(findings.movedBetweenOldPartitions, 'modulo hashing moves keys between the old partitions too').toBeGreaterThan(0);
  expect(findings.movedToNewPartitions + findings.movedBetweenOldPartitions).toBe(findings.moved);
  expect(output).toContain('consumer C: nothing (idle)');
  expect(output).toContain(`keys now on another partition:        ${findings.moved}`);
  expect(output).toContain(`of which moved between the old 6:    ${findings.movedBetweenOldPartitions}`);
}, 60_000);
