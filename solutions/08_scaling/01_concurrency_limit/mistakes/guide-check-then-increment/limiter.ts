// Mistake: the guide's BackpressureHandler: check, wait, then increment. A newcomer arriving between a task finishing and its woken waiter resuming takes the slot too: one task over the limit.
// Caught by: never runs more tasks at once than its limit, even when newcomers arrive as tasks finish
/** Refused because every slot is busy and the waiting line is full: the caller should back off. */
export class OverCapacityError extends Error {
  constructor(
    readonly running: number,
    readonly waiting: number,
  ) {
    super(`over capacity: ${running} running and ${waiting} waiting; slow down and retry later`);
    this.name = 'OverCapacityError';
  }
}

export interface LimitOptions {
  /** How many callers may wait for a slot; one more is refused with OverCapacityError. Default: no limit. */
  maxWaiting?: number;
}

/** Runs at most `max` tasks at once; the others wait their turn, first come first served. */
export class ConcurrencyLimit {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private readonly maxWaiting: number;

  constructor(
    private readonly max: number,
    options: LimitOptions = {},
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a concurrency limit must be a whole number of at least 1, not ${max}`);
    this.maxWaiting = options.maxWaiting ?? Number.POSITIVE_INFINITY;
    if (!(this.maxWaiting >= 0)) throw new RangeError(`maxWaiting must be 0 or more, not ${options.maxWaiting}`);
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.queue.length >= this.maxWaiting) throw new OverCapacityError(this.running, this.queue.length);
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}
