import { describe, expect, test } from 'vitest';
import { connect, redisUrl } from '#testing/redis';
import { addEntries, createGroup, deliver, numbered, pendingEntries, tempNamespace } from '#testing/streams';
import { beyond } from '#testing/volume';
import { within } from '#testing/wait';
import { createWorker, type EntryHandler, type Worker } from './worker.ts';

const GROUP = 'billing';
const DRAIN_DEADLINE = 3_000;

async function newStream(): Promise<string> {
  const stream = `${tempNamespace('restart')}:orders`;
  await createGroup(connect(), stream, GROUP);
  return stream;
}

function startWorker(cleanup: (fn: () => Promise<void>) => void, stream: string, handle: EntryHandler, count = 10): Worker {
  const worker = createWorker({ url: redisUrl(), stream, group: GROUP, consumer: 'worker-1', handle, count });
  cleanup(() => worker.close());
  return worker;
}

function drain(worker: Worker): ReturnType<Worker['drain']> {
  return within(worker.drain(), DRAIN_DEADLINE, 'drain() finishing (a worker that rereads its history from "0" after every failure never gets past a failing entry)');
}

describe('a worker that picks up its own pending entries after a restart', () => {
  test('the entries it had received but not acknowledged come first, then the new ones', async ({ onTestFinished }) => {
    const stream = await newStream();
    const redis = connect();
    await addEntries(redis, stream, [{ n: 'p1' }, { n: 'p2' }, { n: 'p3' }]);
    // The previous life of worker-1 received three entries and crashed before acknowledging them.
    await deliver(redis, stream, GROUP, 'worker-1', 3);
    await addEntries(redis, stream, [{ n: 'n1' }, { n: 'n2' }]);
    const handled: string[] = [];

    const report = await drain(startWorker(onTestFinished, stream, async (e) => void handled.push(e.fields.n ?? '?')));

    expect(handled, 'its own pending entries first, oldest first, then the new ones').toEqual(['p1', 'p2', 'p3', 'n1', 'n2']);
    expect(report.handled).toHaveLength(5);
    expect(await pendingEntries(redis, stream, GROUP), 'everything handled is acknowledged').toEqual([]);
  });

  test('it reads a pending list longer than one read returns', async ({ onTestFinished }) => {
    const stream = await newStream();
    const redis = connect();
    await addEntries(redis, stream, numbered(25));
    await deliver(redis, stream, GROUP, 'worker-1', 25);
    const handled: string[] = [];

    await drain(startWorker(onTestFinished, stream, async (e) => void handled.push(e.fields.n ?? '?'), 10));

    expect(handled, 'all 25 pending entries, read 10 at a time: keep reading the history after the last id until a read is empty').toEqual(numbered(25).map((f) => f.n));
    expect(await pendingEntries(redis, stream, GROUP)).toEqual([]);
  });

  test('it reads new entries until a read finds none, however many reads that takes', async ({ onTestFinished }) => {
    const stream = await newStream();
    const fresh = numbered(beyond(10));
    await addEntries(connect(), stream, fresh);
    const handled: string[] = [];

    await drain(startWorker(onTestFinished, stream, async (e) => void handled.push(e.fields.n ?? '?'), 10));

    expect(handled, `all ${fresh.length} new entries, read 10 at a time until a read comes back empty`).toEqual(fresh.map((f) => f.n));
  });

  test('an entry that keeps failing does not hold up the others', async ({ onTestFinished }) => {
    const stream = await newStream();
    const redis = connect();
    const [p1, p2, p3] = await addEntries(redis, stream, [{ n: 'p1' }, { n: 'p2' }, { n: 'p3' }]);
    await deliver(redis, stream, GROUP, 'worker-1', 3);
    const [n1] = await addEntries(redis, stream, [{ n: 'n1' }]);
    let attemptsOnP2 = 0;
    // Fails the test the moment p2 comes back within the same drain, rather than at the deadline.
    let retried!: (error: Error) => void;
    const retriedInTheSameDrain = new Promise<never>((_, reject) => (retried = reject));

    const report = await Promise.race([
      drain(
        startWorker(onTestFinished, stream, async (e) => {
          if (e.fields.n !== 'p2') return;
          attemptsOnP2++;
          if (attemptsOnP2 === 2) {
            retried(new Error('p2 was handed to the handler a second time within one drain: continue after the last id read, do not read the history from "0" again'));
          }
          throw new Error('p2 is malformed');
        }),
      ),
      retriedInTheSameDrain,
    ]);

    expect(report.handled, 'the other pending entries and the new one are handled').toEqual([p1, p3, n1]);
    expect(report.failed, 'p2 failed once in this drain, and was not retried over and over').toEqual([p2]);
    expect(attemptsOnP2).toBe(1);
    expect((await pendingEntries(redis, stream, GROUP)).map((p) => p.id), 'p2 stays pending for a later retry').toEqual([p2]);
  });

  test("another consumer's pending entries are left to that consumer", async ({ onTestFinished }) => {
    const stream = await newStream();
    const redis = connect();
    await addEntries(redis, stream, [{ n: 'theirs-1' }, { n: 'theirs-2' }]);
    await deliver(redis, stream, GROUP, 'worker-2', 2);
    const handled: string[] = [];

    await drain(startWorker(onTestFinished, stream, async (e) => void handled.push(e.fields.n ?? '?')));

    expect(handled, 'worker-1 has no pending entries of its own and nothing new to read').toEqual([]);
    const pending = await pendingEntries(redis, stream, GROUP);
    expect(pending.map((p) => p.consumer), 'worker-2 still owns its entries (rescuing them is a different job, with XAUTOCLAIM)').toEqual(['worker-2', 'worker-2']);
  });

  test('a pending entry deleted from the stream is acknowledged and reported, never handed to the handler', async ({ onTestFinished }) => {
    const stream = await newStream();
    const redis = connect();
    const [p1, gone, p3] = await addEntries(redis, stream, [{ n: 'p1' }, { n: 'gone' }, { n: 'p3' }]);
    await deliver(redis, stream, GROUP, 'worker-1', 3);
    await redis.xdel(stream, gone ?? '');
    const seen: string[] = [];

    const report = await drain(startWorker(onTestFinished, stream, async (e) => void seen.push(e.id)));

    expect(seen, 'the handler must not be called for an entry that no longer exists').toEqual([p1, p3]);
    expect(report).toEqual({ handled: [p1, p3], failed: [], deleted: [gone] });
    expect(await pendingEntries(redis, stream, GROUP), 'the deleted entry must leave the pending list too').toEqual([]);
  });
});
