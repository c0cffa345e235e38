import { describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { clientsNamed, connect, namedUrl, unique } from '#testing/redis';
import { addEntries, createGroup, pendingEntries, tempNamespace } from '#testing/streams';
import { Inbox, until, within } from '#testing/wait';
import { createLoop, type EntryHandler, type LoopOptions, type StreamLoop } from './loop.ts';

const GROUP = 'billing';
/** Long enough that waiting for a read to time out is obviously the wrong way to do anything. */
const LONG_BLOCK_MS = 3_000;

interface Running {
  loop: StreamLoop;
  stream: string;
  name: string;
  redis: Redis;
}

async function startLoop(cleanup: (fn: () => Promise<void>) => void, handle: EntryHandler, extra: Partial<LoopOptions> = {}): Promise<Running> {
  const stream = `${tempNamespace('loop')}:orders`;
  const name = unique('loop');
  const redis = connect();
  await createGroup(redis, stream, GROUP);
  const loop = createLoop({ url: namedUrl(name), stream, group: GROUP, consumer: 'worker-1', handle, blockMs: LONG_BLOCK_MS, ...extra });
  let stopped = false;
  const stop = loop.stop.bind(loop);
  loop.stop = async () => {
    stopped = true;
    await stop();
  };
  cleanup(async () => {
    if (!stopped) await within(loop.stop(), LONG_BLOCK_MS + 2_000, 'stop() at the end of the test');
  });
  loop.start();
  return { loop, stream, name, redis };
}

/** Waits until one of the loop's connections is blocked in XREADGROUP (CLIENT LIST flag 'b'). */
async function blockedInRead({ redis, name }: Running): Promise<void> {
  await until(
    async () => (await clientsNamed(redis, name)).some((c) => c.flags.includes('b')),
    'the loop waiting in XREADGROUP ... BLOCK (did it connect with the url it was given?)',
  );
}

describe('a reading loop whose blocking reads do not block everything else', () => {
  test('entries added while it runs are handled and acknowledged', async ({ onTestFinished }) => {
    const inbox = new Inbox<string>();
    const running = await startLoop(onTestFinished, async (e) => inbox.push(e.fields.order ?? '?'));
    await blockedInRead(running);

    await addEntries(running.redis, running.stream, [{ order: 'A-1' }, { order: 'A-2' }, { order: 'A-3' }]);

    await inbox.waitFor(3, 3_000, 'the loop handling the three new entries');
    expect(inbox.items).toEqual(['A-1', 'A-2', 'A-3']);
    await until(async () => (await pendingEntries(running.redis, running.stream, GROUP)).length === 0, 'all three entries being acknowledged');
  });

  test('pending() answers at once while the loop is waiting for entries', async ({ onTestFinished }) => {
    const running = await startLoop(onTestFinished, async () => {});
    await blockedInRead(running);

    const pending = await within(
      running.loop.pending(),
      1_000,
      'pending() answering while the loop is blocked in XREADGROUP (a command sent on the blocked connection waits for the read to end)',
    );

    expect(pending).toBe(0);
  });

  test('stop() returns promptly even in the middle of a blocking read, and closes every connection', async ({ onTestFinished }) => {
    const running = await startLoop(onTestFinished, async () => {});
    await blockedInRead(running);

    await within(running.loop.stop(), 1_000, `stop() resolving during a ${LONG_BLOCK_MS} ms blocking read (interrupt it rather than wait for it)`);

    // A closed socket leaves CLIENT LIST a moment later, when Redis notices: wait for that, briefly.
    await until(async () => (await clientsNamed(running.redis, running.name)).length === 0, 'every connection of the loop closing after stop()', 1_000);
  });

  test('stop() lets the entry being handled finish, and acknowledges it', async ({ onTestFinished }) => {
    const started = new Inbox<string>();
    let finishWork!: () => void;
    const workDone = new Promise<void>((resolve) => (finishWork = resolve));
    const running = await startLoop(onTestFinished, async (e) => {
      started.push(e.id);
      await workDone;
    });
    await blockedInRead(running);
    const [id] = await addEntries(running.redis, running.stream, [{ order: 'B-1' }]);
    await started.waitFor(1, 3_000, 'the handler starting on the new entry');

    const stopping = running.loop.stop();
    finishWork();
    await within(stopping, 2_000, 'stop() resolving once the handler has finished');

    expect(
      await pendingEntries(running.redis, running.stream, GROUP),
      `the entry ${id} was handled successfully: stop() must keep a connection open until its XACK is sent`,
    ).toEqual([]);
  });
});
