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

/** Collects values pushed by a callback and lets a test wait until `count` of them have arrived. */
export class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.count) return true;
      w.resolve();
      return false;
    });
  };

  /** Waits until at least `count` items have arrived. */
  async waitFor(count: number, ms: number, what: string): Promise<T[]> {
    if (this.items.length < count) {
      await within(new Promise<void>((resolve) => this.waiters.push({ count, resolve })), ms, what);
    }
    return this.items;
  }

  /** Waits until an item matching `predicate` has arrived; returns everything received so far. */
  async waitUntil(predicate: (item: T) => boolean, ms: number, what: string): Promise<T[]> {
    const start = this.items.length;
    const seen = (): boolean => this.items.some(predicate);
    if (!seen()) {
      await within(
        new Promise<void>((resolve) => {
          const check = (): void => {
            if (seen()) resolve();
            else this.waiters.push({ count: this.items.length + 1, resolve: check });
          };
          this.waiters.push({ count: start + 1, resolve: check });
        }),
        ms,
        what,
      );
    }
    return this.items;
  }
}
