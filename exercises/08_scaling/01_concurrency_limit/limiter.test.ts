import { describe, expect, test } from 'vitest';
import { within } from '#testing/wait';
import { ConcurrencyLimit, OverCapacityError } from './limiter.ts';

/**
 * A burst of callers, some arriving in the same turn of the event loop as tasks finishing: exactly
 * the moment a check-then-increment limiter lets a newcomer slip in. Everything here is promises,
 * no timers, so the interleaving is the same on every run.
 */
async function burst(limit: ConcurrencyLimit, callers: number): Promise<{ peak: number; startOrder: number[] }> {
  let running = 0;
  let peak = 0;
  const startOrder: number[] = [];
  const task = (n: number) => async (): Promise<void> => {
    startOrder.push(n);
    running++;
    peak = Math.max(peak, running);
    // Tasks of different lengths, so that they finish while others are still arriving.
    for (let tick = 0; tick <= n % 3; tick++) await Promise.resolve();
    running--;
  };
  const runs: Array<Promise<void>> = [];
  for (let n = 0; n < callers; n++) {
    runs.push(limit.run(task(n)));
    if (n % 2 === 1) await Promise.resolve();
  }
  await Promise.all(runs);
  return { peak, startOrder };
}

/** A task that runs until the test lets it finish. */
function heldTask(): { work: () => Promise<string>; finish: (value: string) => void; started: () => boolean } {
  let finish!: (value: string) => void;
  let started = false;
  const done = new Promise<string>((resolve) => (finish = resolve));
  return {
    work: () => {
      started = true;
      return done;
    },
    finish: (value) => finish(value),
    started: () => started,
  };
}

describe('a concurrency limit', () => {
  test('never runs more tasks at once than its limit, even when newcomers arrive as tasks finish', async () => {
    for (const max of [1, 2, 3]) {
      const { peak } = await burst(new ConcurrencyLimit(max), 60);
      expect(peak, `tasks running at the same time with a limit of ${max}`).toBeLessThanOrEqual(max);
    }
  });

  test('starts waiting callers in the order they arrived', async () => {
    const { startOrder } = await burst(new ConcurrencyLimit(2), 40);
    expect(startOrder, 'a caller that arrived later started before one that was already waiting').toEqual(
      Array.from({ length: 40 }, (_, n) => n),
    );
  });

  test('runs up to the limit at once and starts the next task when one finishes', async () => {
    const limit = new ConcurrencyLimit(2);
    const [a, b, c] = [heldTask(), heldTask(), heldTask()];
    const results = [limit.run(a.work), limit.run(b.work), limit.run(c.work)];
    await Promise.resolve();

    expect([a.started(), b.started(), c.started()], 'the first two start at once, the third waits').toEqual([true, true, false]);
    expect([limit.active, limit.waiting], '[active, waiting] while two run and one waits').toEqual([2, 1]);

    a.finish('a');
    expect(await results[0], 'run() resolves to what the task returned').toBe('a');
    expect(c.started(), 'the waiting task starts when a slot frees up').toBe(true);
    expect([limit.active, limit.waiting], '[active, waiting] after the hand-over').toEqual([2, 0]);

    b.finish('b');
    c.finish('c');
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect([limit.active, limit.waiting], '[active, waiting] once everything is done').toEqual([0, 0]);
  });

  test('a task that fails, even by throwing before it returns a promise, gives its slot back', async () => {
    const limit = new ConcurrencyLimit(1);
    const rejected = limit.run(() => Promise.reject(new Error('rejected')));
    await expect(within(rejected, 1_000, 'run() settling for a task that rejects'), 'the caller sees the task’s rejection').rejects.toThrow('rejected');
    const thrown = limit.run(() => {
      throw new Error('thrown');
    });
    await expect(
      within(thrown, 1_000, 'run() settling for a task that throws (is the slot of the failed task before it still taken?)'),
      'the caller sees the task’s exception',
    ).rejects.toThrow('thrown');

    expect(limit.active, 'slots still counted as busy after two failed tasks').toBe(0);
    expect(await within(limit.run(async () => 'still works'), 1_000, 'a task after the failures getting a slot')).toBe('still works');
  });

  test('with maxWaiting, a caller beyond the waiting line is refused at once, and nothing else changes', async () => {
    const limit = new ConcurrencyLimit(1, { maxWaiting: 2 });
    const held = heldTask();
    const running = limit.run(held.work);
    const waiting = [limit.run(async () => 'w1'), limit.run(async () => 'w2')];

    const refused = await within(
      limit.run(async () => 'too many').then(
        () => undefined,
        (error: unknown) => error,
      ),
      1_000,
      'the fourth caller being refused at once (it should not join the waiting line)',
    );

    expect(refused, 'the fourth caller should be refused with an OverCapacityError').toBeInstanceOf(OverCapacityError);
    expect((refused as OverCapacityError).message, 'the error should tell the caller what to do').toMatch(/slow down|retry|back off/i);
    expect([limit.active, limit.waiting], '[active, waiting] after the refusal').toEqual([1, 2]);
    held.finish('done');
    expect(await Promise.all([running, ...waiting]), 'everyone who was let in still runs').toEqual(['done', 'w1', 'w2']);
  });

  test('a limit that is not a whole number of at least 1 is refused with a clear error', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ConcurrencyLimit(bad), `new ConcurrencyLimit(${bad})`).toThrow(RangeError);
    }
    expect(() => new ConcurrencyLimit(0)).toThrow(/at least 1/);
  });
});
