import { describe, expect, test } from 'vitest';
import { committedOffset, createTopic, kafkaClient, uniqueName } from '#testing/kafka';
import { Inbox, until } from '#testing/wait';
import { startBufferedConsumer } from './buffered-consumer.ts';

const TOTAL = 200;
const HIGH = 40;
const LOW = 10;
const CONCURRENCY = 3;
/**
 * Small fetches (a few record batches each), so the buffer grows in steps we can bound; and a short
 * fetch wait, because kafkajs idles for maxWaitTimeInMs (5 s by default) while everything is paused.
 */
const SMALL_FETCHES = { maxBytesPerPartition: 1024, maxBytes: 1024, maxWaitTimeInMs: 100 };
/** One fetch can overshoot the high watermark by at most what it carries. */
const ONE_FETCH = 40;
/**
 * Once one handler started, the others are fed from the same fetch, within milliseconds; seconds
 * without them mean the handlers run one at a time, so waiting longer cannot help.
 */
const OTHER_HANDLERS_MS = 1_000;
const BUFFER_MISSING = `1: messages are handled inside eachMessage, which kafkajs awaits one at a time — nothing can buffer; use eachBatch and a queue`;

/** Waits for the first handler (the group joined and fetched), then for `concurrency` of them at once; says what the count means. */
async function expectConcurrentHandlers(started: Inbox<string>, running: () => number): Promise<void> {
  await started.waitFor(1, 10_000, 'the first handler starting');
  await until(() => running() >= CONCURRENCY, 'handlers starting', OTHER_HANDLERS_MS).catch(() => {});
  expect(running(), `handlers started while the work is held back (${BUFFER_MISSING})`).toBe(CONCURRENCY);
}

async function topicWithMessages(): Promise<string> {
  const topic = uniqueName('backlog');
  await createTopic(topic, 1);
  const producer = kafkaClient().producer();
  await producer.connect();
  // Many small sends: records batches of 10, as a steady producer would leave them.
  for (let start = 0; start < TOTAL; start += 10) {
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${start + i}` })) });
  }
  await producer.disconnect();
  return topic;
}


describe('a buffered consumer with pause/resume backpressure', () => {
  test('pauses at the high watermark, resumes when drained, and handles everything once, in order', async () => {
    const topic = await topicWithMessages();
    const started = new Inbox<string>();
    let running = 0;
    let maxRunning = 0;
    let open = false;
    const waiting: Array<() => void> = [];
    const gate = (): Promise<void> => (open ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve)));

    const consumer = await startBufferedConsumer(kafkaClient(), {
      groupId: uniqueName('buffered'),
      topic,
      concurrency: CONCURRENCY,
      highWatermark: HIGH,
      lowWatermark: LOW,
      consumerConfig: SMALL_FETCHES,
      handle: async (value) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        started.push(value);
        await gate();
        running--;
      },
    });
    try {
      // With the work held back, `concurrency` handlers must start: a buffer only exists if messages
      // outlive the callback kafkajs hands them to.
      await expectConcurrentHandlers(started, () => maxRunning);
      // Work is held back: the queue must fill up to the high watermark and the consumer pause.
      await until(() => consumer.stats().pauses >= 1, 'the consumer pausing once its queue reached the high watermark', 8_000);
      const whilePaused = consumer.stats();
      expect(whilePaused.buffered, 'messages waiting when it paused').toBeGreaterThanOrEqual(HIGH);
      expect(whilePaused.buffered, 'one fetch at most may overshoot the high watermark').toBeLessThanOrEqual(HIGH + ONE_FETCH);
      expect(maxRunning, `handlers running at once (concurrency ${CONCURRENCY})`).toBe(CONCURRENCY);

      open = true;
      for (const release of waiting.splice(0)) release();
      await started.waitFor(TOTAL, 15_000, `all ${TOTAL} messages being handled after the work was released`);
      await until(() => consumer.stats().handled === TOTAL, 'every handler finishing', 5_000);

      const final = consumer.stats();
      expect(final.resumes, 'it resumed fetching after draining').toBeGreaterThanOrEqual(1);
      expect(final.maxBuffered, 'the queue never grew past the high watermark plus one fetch').toBeLessThanOrEqual(HIGH + ONE_FETCH);
      expect(maxRunning, 'never more handlers at once than the concurrency').toBe(CONCURRENCY);
      expect(started.items, 'each message handled once, started in partition order').toEqual(Array.from({ length: TOTAL }, (_, i) => `m${i}`));
    } finally {
      open = true;
      for (const release of waiting.splice(0)) release();
      await consumer.stop();
    }
  }, 40_000);

  test('commits only handled messages, and all of them once handled', async () => {
    const topic = await topicWithMessages();
    const groupId = uniqueName('buffered');
    let open = false;
    const waiting: Array<() => void> = [];
    const started = new Inbox<string>();
    const consumer = await startBufferedConsumer(kafkaClient(), {
      groupId,
      topic,
      concurrency: CONCURRENCY,
      highWatermark: HIGH,
      lowWatermark: LOW,
      consumerConfig: SMALL_FETCHES,
      handle: (value): Promise<void> => {
        started.push(value);
        return open ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
      },
    });
    try {
      // Without handlers running side by side, the queue never fills and the consumer never pauses.
      await expectConcurrentHandlers(started, () => waiting.length);
      await until(() => consumer.stats().pauses >= 1, 'the consumer pausing with its queue full', 8_000);
      expect(
        await committedOffset(groupId, topic),
        'committed offset while no handle() has finished (-1 = nothing committed; anything else commits queued, unhandled messages — is autoCommit still on?)',
      ).toBe(-1);

      open = true;
      for (const release of waiting.splice(0)) release();
      await until(() => consumer.stats().handled === TOTAL, `all ${TOTAL} messages being handled`, 15_000);
      let committed = -1;
      // Commits follow the handlers asynchronously: give them a moment, then say what was seen.
      await until(async () => (committed = await committedOffset(groupId, topic)) === TOTAL, 'the committed offset reaching the end', 3_000).catch(() => {});
      expect(committed, `committed offset once all ${TOTAL} messages are handled (-1: nothing was ever committed, so a restart redoes everything)`).toBe(TOTAL);
    } finally {
      open = true;
      for (const release of waiting.splice(0)) release();
      await consumer.stop();
    }
  }, 40_000);
});
