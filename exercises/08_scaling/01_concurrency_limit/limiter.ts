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

  // TODO: reject a `max` that is not a whole number of at least 1, and honour options.maxWaiting.
  constructor(
    private readonly max: number,
    options: LimitOptions = {},
  ) {}

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    // TODO: check, wait, then increment. Between the moment a finishing task frees its slot and the
    // moment the waiter it woke gets to run again, a newcomer sees a free slot and takes it; then
    // the waiter increments too. Hand the slot over instead.
    if (this.running >= this.max) {
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
