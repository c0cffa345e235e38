/**
 * Waiting on events, with a deadline that turns "nothing happened" into a failure in plain words.
 * Tests never sleep: they wait for the thing itself, or for a later marker that proves it is over.
 */

export class TimeoutError extends Error {}

/** Resolves with the promise's value, or fails saying `what` did not happen within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Re-checks `condition` until it holds, for state that has no event to wait on (e.g. PUBSUB NUMSUB
 * on the server). Fails after `ms` naming what was awaited.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 3_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new TimeoutError(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
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
  waitFor(count: number, ms: number, what: string): Promise<T[]> {
    return this.wait(() => this.items.length >= count, ms, what);
  }

  /** Waits until an item matching `predicate` has arrived; returns everything received so far. */
  waitUntil(predicate: (item: T) => boolean, ms: number, what: string): Promise<T[]> {
    return this.wait(() => this.items.some(predicate), ms, what);
  }

  private async wait(ready: () => boolean, ms: number, what: string): Promise<T[]> {
    if (!ready()) await within(new Promise<void>((resolve) => this.waiters.push({ ready, resolve })), ms, what);
    return this.items;
  }
}
