// Mistake: releases the slot with work().finally(...), which never runs when the task throws before returning a promise: that slot stays taken for good.
// Caught by: a task that fails, even by throwing before it returns a promise, gives its slot back
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
    if (this.running < this.max) {
      this.running++;
    } else if (this.queue.length >= this.maxWaiting) {
      throw new OverCapacityError(this.running, this.queue.length);
    } else {
      // The slot is handed to us by the task that finishes, already counted: no gap to fall into.
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    return work().finally(() => {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    });
  }
}
