import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTopic, kafkaClient, messagesWritten, uniqueName, watchTopics, type Consumed, type TopicWatch } from '#testing/kafka';
import { Inbox, until } from '#testing/wait';
import { startRetryingConsumer, type RetryingConsumer } from './retrying-consumer.ts';

const MAX_ATTEMPTS = 3;
const VALUES = ['m0', 'm1', 'bad', 'm3', 'flaky', 'm5'];
const names = { topic: uniqueName('orders'), retryTopic: uniqueName('orders-retry'), deadLetterTopic: uniqueName('orders-dlt') };
const attempts = new Map<string, number>();
const handled = new Inbox<string>();
let consumer: RetryingConsumer;
/** The retry and dead-letter topics, watched from before the first message: one run, observed by every test. */
let parked: TopicWatch;

beforeAll(async () => {
  for (const topic of Object.values(names)) await createTopic(topic, 1);
  parked = await watchTopics([names.retryTopic, names.deadLetterTopic]);
  consumer = await startRetryingConsumer(kafkaClient(), {
    ...names,
    groupId: uniqueName('orders-service'),
    maxAttempts: MAX_ATTEMPTS,
    // Fail fast where kafkajs would retry a thrown error, so a stuck partition shows within the deadlines.
    consumerConfig: { maxWaitTimeInMs: 100, retry: { retries: 1, initialRetryTime: 50 } },
    handle: async (value) => {
      const attempt = (attempts.get(value) ?? 0) + 1;
      attempts.set(value, attempt);
      if (value === 'bad') throw new Error('bad always fails');
      if (value === 'flaky' && attempt === 1) throw new Error('flaky fails once');
      handled.push(value);
    },
  });
  const producer = kafkaClient().producer();
  await producer.connect();
  await producer.send({ topic: names.topic, messages: VALUES.map((value) => ({ key: `key-${value}`, value })) });
  await producer.disconnect();
});

afterAll(async () => {
  await consumer?.stop();
  await parked?.stop();
});

const header = (m: Consumed, name: string): string | undefined => m.headers[name];
const on = (topic: string, value: string) => (m: Consumed) => m.topic === topic && m.value === value;

/**
 * A right answer hands "bad" to handle() exactly MAX_ATTEMPTS times in all. More, while m5 behind it
 * was never handled, proves the partition is stuck retrying it in place: no wait can end well.
 */
function stuckOnBad(): string | undefined {
  const tries = attempts.get('bad') ?? 0;
  if (tries <= MAX_ATTEMPTS || handled.items.includes('m5')) return undefined;
  return `"bad" was handed to handle() ${tries} times while m5, behind it, was never handled: the consumer retries "bad" in place, so everything behind it waits — catch the failure and send the message to the retry topic (or, after ${MAX_ATTEMPTS} attempts, the dead-letter topic) instead of throwing`;
}

describe('a consumer with a retry topic and a dead-letter topic', () => {
  test('a failing message does not hold up the ones behind it', async () => {
    await handled.waitUntil((v) => v === 'm5', 6_000, 'm5 (queued behind the poison message "bad") being handled', { failWhen: stuckOnBad });
    expect(handled.items.filter((v) => v.startsWith('m')).sort(), 'every good message handled once').toEqual(['m0', 'm1', 'm3', 'm5']);
  });

  test('a message that fails once is handled on its retry', async () => {
    await handled.waitUntil((v) => v === 'flaky', 6_000, '"flaky" being handled on its second attempt', {
      failWhen: () =>
        stuckOnBad() ??
        (parked.inbox.items.some(on(names.deadLetterTopic, 'flaky')) &&
          '"flaky" went to the dead-letter topic after failing once: send a failure to the retry topic first, and dead-letter it only after its last attempt'),
    });
    expect(attempts.get('flaky'), 'attempts at "flaky"').toBe(2);
    expect(handled.items.filter((v) => v === 'flaky'), '"flaky" is handled once').toHaveLength(1);
  });

  test(`a message that always fails is dead-lettered after ${MAX_ATTEMPTS} attempts, with the error`, async () => {
    const seen = await parked.inbox.waitUntil(on(names.deadLetterTopic, 'bad'), 6_000, '"bad" arriving on the dead-letter topic', { failWhen: stuckOnBad });
    const dead = seen.find(on(names.deadLetterTopic, 'bad'));
    expect(dead?.value).toBe('bad');
    expect(dead && header(dead, 'attempts'), 'the attempts header on the dead letter').toBe(String(MAX_ATTEMPTS));
    expect(dead && header(dead, 'error'), 'the error header says why').toContain('bad always fails');
    expect(dead?.key, 'the key is kept').toBe('key-bad');
    expect(attempts.get('bad'), 'handle() calls for "bad"').toBe(MAX_ATTEMPTS);
  });

  test('retries go through the retry topic, counting attempts', async () => {
    // Once "bad" is dead-lettered, every retry of a right answer was written before it.
    await parked.inbox.waitUntil(on(names.deadLetterTopic, 'bad'), 6_000, '"bad" arriving on the dead-letter topic', { failWhen: stuckOnBad });
    expect(
      await messagesWritten(names.retryTopic),
      'messages written to the retry topic by the time "bad" was dead-lettered: none means the retries ran in a loop inside eachMessage, which holds up the partition and is lost on a restart — republish a failure to the retry topic with its attempts header instead',
    ).toBeGreaterThan(0);
    // bad: attempts 2 and 3; flaky: attempt 2.
    const retries = (): Consumed[] => parked.inbox.items.filter((m) => m.topic === names.retryTopic);
    await until(() => retries().length >= 3, 'three retries arriving on the retry topic', 6_000);
    const retried = retries().slice(0, 3);
    const seen = retried.map((m) => `${m.value}@${header(m, 'attempts')}`).sort();
    expect(seen).toEqual(['bad@2', 'bad@3', 'flaky@2']);
  });
});
