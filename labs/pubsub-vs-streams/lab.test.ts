import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('the offline subscriber misses what was published meanwhile; the consumer group catches up on all of it', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.sent).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
  expect(findings.sentWhileOffline).toEqual(['o3', 'o4', 'o5']);
  for (const m of findings.sentWhileOffline) {
    expect(findings.publishReceivers[m], `PUBLISH ${m} while the subscriber was offline`).toBe(0);
  }
  expect(findings.publishReceivers.o1, 'PUBLISH o1 with the subscriber online').toBe(1);
  expect(findings.subscriberGot, 'the subscriber got only what was sent while it was connected').toEqual(['o1', 'o2', 'o6']);
  expect(findings.consumerGot, 'the stream consumer got everything, in order').toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
  expect(findings.lagWhileOffline, 'the group knew it was 3 entries behind').toBe(3);

  expect(output, 'the story prints the PUBLISH replies it got').toContain('o3: PUBLISH → 0 receivers');
  expect(output).toContain('o1: PUBLISH → 1 receiver ·');
  expect(output).toContain(`has lag 3: the stream keeps them`);
  expect(output).toContain(`returns o3, o4, o5 (caught up in ${findings.catchUpMs.toFixed(1)} ms)`);
  expect(output).toContain('Pub/Sub subscriber received: o1, o2, o6   (missed o3, o4, o5)');
  expect(output).toContain('Stream consumer received:    o1, o2, o3, o4, o5, o6   (missed nothing)');
});
