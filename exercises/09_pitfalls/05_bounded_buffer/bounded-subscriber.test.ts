import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { clientsNamed, connect, namedUrl, redisUrl, unique } from '#testing/redis';
import { Inbox, until, within } from '#testing/wait';
import { startSubscriber, type BoundedSubscriber, type BufferLimits } from './bounded-subscriber.ts';

/** A handler that records what it starts and finishes nothing until the test opens the gate. */
function stuckHandler(): { handle: (message: string) => Promise<void>; started: Inbox<string>; open: () => void } {
  const started = new Inbox<string>();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    started,
    open: () => open(),
    handle: async (message) => {
      started.push(message);
      await gate;
    },
  };
}

async function start(channel: string, limits: BufferLimits, handle: (m: string) => Promise<void>, cleanup: (fn: () => Promise<void>) => void): Promise<BoundedSubscriber> {
  const subscriber = await startSubscriber(redisUrl(), channel, limits, handle);
  cleanup(() => within(subscriber.close(), 5_000, 'the subscriber closing'));
  return subscriber;
}

/** Publishes m1..mN (or the given messages) in one pipeline: a burst, as a busy publisher would send it. */
async function burst(channel: string, messages: string[]): Promise<void> {
  const pipeline = connect().pipeline();
  for (const message of messages) pipeline.publish(channel, message);
  await pipeline.exec();
}

const numbered = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describe('a subscriber with a bounded buffer', () => {
  // Console output during the tests, kept out of the report: a line per drop would flood it.
  let consoleLines: MockInstance[] = [];
  beforeEach(() => {
    consoleLines = (['warn', 'log', 'error', 'info'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  });
  afterEach(() => {
    for (const spy of consoleLines) spy.mockRestore();
  });

  test('while the handler is stuck, at most maxMessages wait, and every other message is counted as dropped, not logged', async ({ onTestFinished }) => {
    const channel = unique('prices');
    const stuck = stuckHandler();
    const subscriber = await start(channel, { maxMessages: 50, maxBytes: 1_000_000 }, stuck.handle, onTestFinished);

    await burst(channel, numbered(1, 200));

    await until(() => subscriber.stats().received === 200, 'the subscriber receiving all 200 messages', 5_000);
    const stats = subscriber.stats();
    expect(stats.buffered, 'messages waiting while the handler works on the first').toBe(50);
    expect(stats.dropped, 'the rest: 200 received − 1 in the handler − 50 waiting').toBe(149);
    const lines = consoleLines.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    expect(lines, `console lines written for ${stats.dropped} drops: count them, a log line per drop becomes the next bottleneck`).toBeLessThan(5);
  });

  test('once the handler is free, the kept messages are handled in arrival order, and later messages flow again', async ({ onTestFinished }) => {
    const channel = unique('prices');
    const stuck = stuckHandler();
    const subscriber = await start(channel, { maxMessages: 50, maxBytes: 1_000_000 }, stuck.handle, onTestFinished);
    await burst(channel, numbered(1, 200));
    await until(() => subscriber.stats().received === 200, 'the subscriber receiving the burst', 5_000);

    stuck.open();
    await stuck.started.waitFor(51, 3_000, 'the handler working through the 51 messages it kept (is anything taking them out of the buffer?)');
    expect(stuck.started.items, 'the first message, then the 50 that waited, in arrival order').toEqual(numbered(1, 51));

    await burst(channel, numbered(201, 210));
    await stuck.started.waitFor(61, 3_000, 'the ten messages published after the burst being handled');
    await until(() => subscriber.stats().handled === 61, 'the handler finishing the last message', 3_000);
    expect(subscriber.stats(), 'after the burst has drained').toMatchObject({ received: 210, handled: 61, dropped: 149, buffered: 0, bufferedBytes: 0 });
  });

  test('the buffer is bounded in bytes as well as in messages', async ({ onTestFinished }) => {
    const channel = unique('reports');
    const stuck = stuckHandler();
    const subscriber = await start(channel, { maxMessages: 1_000, maxBytes: 64 * 1024 }, stuck.handle, onTestFinished);

    await burst(channel, Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(16 * 1024, 'x')));

    await until(() => subscriber.stats().received === 20, 'the subscriber receiving twenty 16 KB messages', 5_000);
    const stats = subscriber.stats();
    expect(stats.bufferedBytes, 'bytes waiting: at most maxBytes (64 KB)').toBeLessThanOrEqual(64 * 1024);
    expect(stats.buffered, 'four 16 KB messages fit in 64 KB').toBe(4);
    expect(stats.dropped, '20 received − 1 in the handler − 4 waiting').toBe(15);
  });

  test('the byte limit counts UTF-8 bytes, not characters', async ({ onTestFinished }) => {
    const channel = unique('reports');
    const stuck = stuckHandler();
    const subscriber = await start(channel, { maxMessages: 1_000, maxBytes: 64 * 1024 }, stuck.handle, onTestFinished);

    // 8,192 euro signs: 8,192 characters, but 24,576 bytes in UTF-8 (what Redis sends and Node keeps).
    await burst(channel, Array.from({ length: 10 }, () => '€'.repeat(8 * 1024)));

    await until(() => subscriber.stats().received === 10, 'the subscriber receiving ten 24 KB messages', 5_000);
    const stats = subscriber.stats();
    expect(
      stats.buffered,
      'messages of 24 KB waiting within 64 KB: two (eight means the size was counted in characters — use Buffer.byteLength)',
    ).toBe(2);
    expect(stats.bufferedBytes, 'bytes waiting, in UTF-8').toBe(2 * 3 * 8 * 1024);
  });

  test('a message the handler fails on is counted, and the next ones are still handled', async ({ onTestFinished }) => {
    const channel = unique('prices');
    const handled = new Inbox<string>();
    const subscriber = await start(
      channel,
      { maxMessages: 50, maxBytes: 1_000_000 },
      async (message) => {
        if (message === 'm2') throw new Error('cannot price m2');
        handled.push(message);
      },
      onTestFinished,
    );

    await burst(channel, numbered(1, 4));

    await handled.waitFor(3, 3_000, 'the handler finishing m1, m3 and m4');
    await until(() => subscriber.stats().handled === 3, 'the subscriber counting m4 as handled', 3_000);
    expect(handled.items).toEqual(['m1', 'm3', 'm4']);
    expect(subscriber.stats(), 'stats after one failure').toMatchObject({ received: 4, handled: 3, failed: 1, dropped: 0 });
  });

  test('close() leaves no connection behind', async () => {
    const name = unique('bounded');
    const subscriber = await startSubscriber(namedUrl(name), unique('prices'), { maxMessages: 10, maxBytes: 10_000 }, async () => {});

    await within(subscriber.close(), 5_000, 'close() resolving');

    expect(await clientsNamed(connect(), name), 'connections of the subscriber still open').toEqual([]);
  });
});
