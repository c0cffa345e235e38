/**
 * Waiting on events, with a deadline that turns "nothing happened" into a failure in plain words.
 * Tests never sleep: they wait for the thing itself, or for a later marker that proves it is over.
 */

export class TimeoutError extends Error {}

/** A wait given up early: what was observed already proves the awaited thing cannot happen. */
export class FailedFastError extends Error {}

export interface WaitOptions {
  /**
   * Proof that the wait is lost: returns what went wrong, naming the mistake and what to do, once
   * the state observed so far rules the awaited outcome out (e.g. a poison message handed over more
   * times than the code may ever try it, while the message behind it was never handled), and
   * nothing while it cannot tell yet. Checked at once and every few milliseconds, so a wrong answer
   * fails by this assertion instead of waiting out the deadline. It must never hold for a right one.
   */
  failWhen?: () => string | false | undefined;
}

/** How often `failWhen` is looked at: cheap synchronous checks of what the test collected. */
const FAIL_WHEN_EVERY_MS = 10;

/**
 * Resolves with the promise's value, or fails saying `what` did not happen within `ms` — or, as
 * soon as `options.failWhen` returns a reason, fails with that reason.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string, options: WaitOptions = {}): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not happen within ${ms} ms`)), ms);
    const { failWhen } = options;
    if (!failWhen) return;
    const check = (): void => {
      const reason = failWhen();
      if (reason) reject(new FailedFastError(`${reason} (seen while waiting for ${what})`));
    };
    poll = setInterval(check, FAIL_WHEN_EVERY_MS);
    // Not at once: a promise that is already settled wins over a reason that holds from the start.
    queueMicrotask(check);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
  }
}

/**
 * Re-checks `condition` until it holds, for state that has no event to wait on (e.g. PUBSUB NUMSUB
 * on the server). Fails after `ms` naming what was awaited. `everyMs`: the pause between checks, for
 * conditions that cost a process start each (a terminal's screen read through tmux).
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 3_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new TimeoutError(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Collects values pushed by a callback and lets a test wait until enough, or the right one, arrived. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Array<{ ready: () => boolean; resolve: () => void }> = [];

  push = (item: T): void => {
    this.items.push(item);
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (waiter.ready()) waiter.resolve();
      else this.waiters.push(waiter);
    }
  };

  /** Waits until at least `count` items have arrived; returns everything received so far. */
  waitFor(count: number, ms: number, what: string, options?: WaitOptions): Promise<T[]> {
    return this.wait(() => this.items.length >= count, ms, what, options);
  }

  /** Waits until an item matching `predicate` has arrived; returns everything received so far. */
  waitUntil(predicate: (item: T) => boolean, ms: number, what: string, options?: WaitOptions): Promise<T[]> {
    return this.wait(() => this.items.some(predicate), ms, what, options);
  }

  private async wait(ready: () => boolean, ms: number, what: string, options?: WaitOptions): Promise<T[]> {
    if (!ready()) await within(new Promise<void>((resolve) => this.waiters.push({ ready, resolve })), ms, what, options);
    return this.items;
  }
}
