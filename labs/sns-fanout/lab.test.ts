import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import { snsServer, useSns } from '#testing/sns';
import lab from './lab.ts';

useSns();

test('each queue receives exactly what its filter policy accepts, and the queue without raw delivery gets the envelope', async () => {
  const { findings, output } = await runLabForTest(lab, {}, { snsEndpoint: snsServer().endpoint });

  expect(findings.delivered, 'message → the queues that received it').toEqual({
    m1: ['orders', 'big-spenders', 'not-test', 'audit'],
    m2: ['orders', 'not-test', 'audit'],
    m3: ['not-test', 'audit'],
    m4: ['orders', 'big-spenders', 'audit'],
    m5: ['not-test', 'audit'],
    m6: ['orders', 'big-spenders', 'audit'],
  });
  expect(findings.envelopeKeys, "the envelope's fields").toEqual(expect.arrayContaining(['Message', 'MessageId', 'TopicArn', 'Type']));
  expect(findings.envelopeWrapsBody, 'the envelope carries the published body as a string in "Message"').toBe(true);

  expect(output, 'the lab prints each delivery it measured').toMatch(/m5 {2}eventType="payment\.captured" amount="300" env="prod" +→ not-test, audit/);
  expect(output).toMatch(/m6 {2}eventType="order\.created" amount=120 +→ orders, big-spenders, audit/);
  expect(output).toContain('big-spenders missed it');
  expect(output).toContain('not-test missed it');
  expect(output).toContain(`audit has raw delivery off, so it received SNS's JSON envelope, not the event: ${findings.envelopeKeys.join(', ')}.`);
});
