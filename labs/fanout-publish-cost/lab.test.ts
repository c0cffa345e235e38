import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('every pattern on the server makes PUBLISH slower, matching or not, and so does every subscriber', async () => {
  const { findings, output } = await runLabForTest(lab, { publishes: 1_000 });

  const [none, thousand, tenThousand, hundredSubscribers] = findings.rows;
  expect(findings.rows.map((r) => [r.subscribers, r.patterns]), 'the rows measured').toEqual([
    [1, 0],
    [1, 1_000],
    [1, 10_000],
    [100, 0],
  ]);
  expect(findings.rows.map((r) => r.receivers), 'PUBLISH answered its subscribers: the patterns never match').toEqual([1, 1, 1, 100]);
  expect(tenThousand?.usecPerPublish, '10,000 patterns cost far more per PUBLISH than none').toBeGreaterThan(5 * (none?.usecPerPublish ?? Infinity));
  expect(tenThousand?.usecPerPublish, 'and more than 1,000 patterns').toBeGreaterThan(thousand?.usecPerPublish ?? Infinity);
  expect(hundredSubscribers?.usecPerPublish, '100 subscribers cost more per PUBLISH than one').toBeGreaterThan(none?.usecPerPublish ?? Infinity);
  expect(output, 'the table shows the measured cost').toContain(`${tenThousand?.usecPerPublish.toFixed(2)}`);
  expect(output).toContain('PUBLISH is O(N+M)');
});
