import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('a message over the pub/sub limit is counted as delivered and lost with the subscriber’s connection; the claim check arrives', async () => {
  const { findings, output } = await runLabForTest(lab);

  // The payload is 1 MiB over the server's limit; only a server without one (or a huge one) lets it through.
  const limited = findings.limitBytes > 0 && findings.limitBytes < findings.payloadBytes;
  expect(findings.inline, limited ? 'inside the message: counted by PUBLISH, never received, subscriber cut off' : 'a server without a pub/sub limit delivers it').toEqual(
    limited ? { receivers: 1, received: false, disconnected: true } : { receivers: 1, received: true, disconnected: false },
  );
  expect(findings.claimCheck.receivers).toBe(1);
  expect(findings.claimCheck.received, 'the claim check reached the subscriber').toBe(true);
  expect(findings.claimCheck.payloadIntact, 'and the payload behind it matched its sha256').toBe(true);
  expect(findings.claimCheck.messageBytes, 'the message itself is small').toBeLessThan(1_024);
  expect(output).toContain(`Published inside the message:  PUBLISH answered ${findings.inline.receivers}`);
  expect(output).toContain(`the subscriber received a ${findings.claimCheck.messageBytes}-byte message, and the payload behind it was intact`);
});
