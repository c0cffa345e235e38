import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consumeFromStart, createTopic, kafkaClient, uniqueName, type Consumed } from '#testing/kafka';
import { Inbox } from '#testing/wait';
import { startRetryingConsumer, type RetryingConsumer } from './retrying-consumer.ts';

const MAX_ATTEMPTS = 3;
const VALUES = ['m0', 'm1', 'bad', 'm3', 'flaky', 'm5'];
const names = { topic: uniqueName('orders'), retryTopic: uniqueName('orders-retry'), deadLetterTopic: uniqueName('orders-dlt') };
const attempts = new Map<string, number>();
const handled = new Inbox<string>();
let consumer: RetryingConsumer;

beforeAll(async () => {
  for (const topic of Object.values(names)) await createTopic(topic, 1);
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
});

const header = (m: Consumed, name: string): string | undefined => m.headers[name];

describe('a consumer with a retry topic and a dead-letter topic', () => {
  test('a failing message does not hold up the ones behind it', async () => {
    await handled.waitUntil((v) => v === 'm5', 6_000, 'm5 (queued behind the poison message "bad") being handled');
    expect(handled.items.filter((v) => v.startsWith('m')).sort(), 'every good message handled once').toEqual(['m0', 'm1', 'm3', 'm5']);
  });

  test('a message that fails once is handled on its retry', async () => {
    await handled.waitUntil((v) => v === 'flaky', 6_000, '"flaky" being handled on its second attempt');
    expect(attempts.get('flaky'), 'attempts at "flaky"').toBe(2);
    expect(handled.items.filter((v) => v === 'flaky'), '"flaky" is handled once').toHaveLength(1);
  });

  test(`a message that always fails is dead-lettered after ${MAX_ATTEMPTS} attempts, with the error`, async () => {
    const [dead] = await consumeFromStart(names.deadLetterTopic, 1, 6_000);
    expect(dead?.value).toBe('bad');
    expect(dead && header(dead, 'attempts'), 'the attempts header on the dead letter').toBe(String(MAX_ATTEMPTS));
    expect(dead && header(dead, 'error'), 'the error header says why').toContain('bad always fails');
    expect(dead?.key, 'the key is kept').toBe('key-bad');
    expect(attempts.get('bad'), 'handle() calls for "bad"').toBe(MAX_ATTEMPTS);
  });

  test('retries go through the retry topic, counting attempts', async () => {
    // bad: attempts 2 and 3; flaky: attempt 2.
    const retried = await consumeFromStart(names.retryTopic, 3, 6_000);
    const seen = retried.map((m) => `${m.value}@${header(m, 'attempts')}`).sort();
    expect(seen).toEqual(['bad@2', 'bad@3', 'flaky@2']);
  });
});
