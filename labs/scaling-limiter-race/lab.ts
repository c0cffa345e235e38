import { defineLab } from '../../src/labs/lab.ts';

export interface LimiterRun {
  /** Most tasks that ran at the same time. */
  peak: number;
  /** Callers that started before someone who had called run() earlier. */
  overtaken: number;
}

export interface LimiterRaceFindings {
  limit: number;
  callers: number;
  checkThenIncrement: LimiterRun;
  handOff: LimiterRun;
}

export interface LimiterRaceOptions {
  limit: number;
  callers: number;
}

interface Limiter {
  run(work: () => Promise<void>): Promise<void>;
}

/** The guide's BackpressureHandler, reduced to its logic: check, wait, then increment. */
class CheckThenIncrement implements Limiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run(work: () => Promise<void>): Promise<void> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      await work();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

/** The slot passes from the finishing task to the next waiter without ever being free. */
class HandOff implements Limiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly max: number) {}

  async run(work: () => Promise<void>): Promise<void> {
    if (this.running < this.max) this.running++;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * Callers arrive three per microtask turn while tasks of one to four turns finish: some arrive in
 * the very turn a slot is freed. Promises only, so every run interleaves the same way.
 */
async function burst(limiter: Limiter, callers: number): Promise<LimiterRun> {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const runs: Array<Promise<void>> = [];
  for (let n = 0; n < callers; n++) {
    runs.push(
      limiter.run(async () => {
        started.push(n);
        running++;
        peak = Math.max(peak, running);
        for (let tick = 0; tick <= n % 4; tick++) await Promise.resolve();
        running--;
      }),
    );
    if (n % 3 === 2) await Promise.resolve();
  }
  await Promise.all(runs);
  const overtaken = started.filter((n, i) => started.slice(i + 1).some((later) => later < n)).length;
  return { peak, overtaken };
}

export default defineLab<LimiterRaceFindings, LimiterRaceOptions>(async ({ log }, options) => {
  const limit = options.limit ?? 3;
  const callers = options.callers ?? 100;
  const checkThenIncrement = await burst(new CheckThenIncrement(limit), callers);
  const handOff = await burst(new HandOff(limit), callers);

  log(`A limit of ${limit} tasks at a time, and ${callers} callers arriving while earlier tasks finish.`);
  log('');
  log(`  check, then increment (the guide):   at most ${checkThenIncrement.peak} tasks at once, ${checkThenIncrement.overtaken} callers overtaken by later ones`);
  log(`  hand the slot to the next waiter:    at most ${handOff.peak} tasks at once, ${handOff.overtaken} callers overtaken by later ones`);
  log('');
  log('Between the moment a task frees its slot and the moment the waiter it woke resumes, a newcomer');
  log('sees a free slot and takes it; then the waiter takes one too. Handing the slot over leaves no gap.');
  return { limit, callers, checkThenIncrement, handOff };
});
