import { expect, test } from 'vitest';
import { runLabForTest } from '#testing/lab';
import lab from './lab.ts';

test('the guide’s subscriber reconnects again and again and never becomes ready; one that subscribes at start survives a killed connection', async () => {
  const { findings, output } = await runLabForTest(lab);

  expect(findings.guide.readies, 'the guide’s version never emits ready').toBe(0);
  expect(findings.guide.connects, 'it connects again and again').toBeGreaterThan(1);
  expect(findings.guide.subscribers, 'and is never subscribed when asked').toBe(0);
  expect(findings.guide.errors.join('\n')).toContain('Connection in subscriber mode');
  expect(findings.onceAtStart, 'subscribing once at start: ready twice (start, reconnect), subscribed again, message received').toEqual({
    readies: 2,
    subscribersAfterReconnect: 1,
    receivedAfterReconnect: true,
  });
  expect(output).toContain(`'connect' events: ${findings.guide.connects}    'ready' events: 0`);
  expect(output).toContain('PUBSUB NUMSUB after the reconnect: 1    message published afterwards arrived: yes');
});
