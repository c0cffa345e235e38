import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLab, percentile } from '../../src/labs/lab.ts';

export interface PhaseFindings {
  /** Reads made by the instances that did not write (B and C). */
  reads: number;
  /** Of those, how many returned a value older than the one in Redis. */
  staleReads: number;
  /** What B read after the first update. */
  firstReadByB: string;
  /** Time from A's PUBLISH of an invalidation to each other instance applying it (only when published). */
  invalidationP50Ms?: number;
  invalidationMaxMs?: number;
}

export interface CacheInvalidationFindings {
  key: string;
  updates: number;
  withoutInvalidation: PhaseFindings;
  withInvalidation: PhaseFindings;
}

export interface CacheInvalidationOptions {
  updates: number;
}

interface Profile {
  plan: string;
}

/** What goes on the channel: an invalidation, or a marker that only says "everything before me has arrived". */
type Notice = { keys: string[]; publishedAt: number } | { marker: string };

/**
 * One application instance: a Map in front of Redis, and a subscriber on the invalidation channel.
 * `announceWrites` is the difference under study: the guide's set() leaves it out.
 */
class Instance {
  readonly local = new Map<string, Profile>();
  readonly latencies: number[] = [];
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private markerWaiters = new Map<string, () => void>();

  constructor(
    readonly name: string,
    url: string,
    private readonly channel: string,
    private readonly announceWrites: boolean,
  ) {
    this.redis = new Redis(url);
    this.subscriber = new Redis(url);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const notice = JSON.parse(message) as Notice;
      if ('marker' in notice) {
        this.markerWaiters.get(notice.marker)?.();
        return;
      }
      for (const key of notice.keys) this.local.delete(key);
      this.latencies.push(performance.now() - notice.publishedAt);
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  async get(key: string): Promise<Profile | null> {
    const held = this.local.get(key);
    if (held) return held;
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    const value = JSON.parse(raw) as Profile;
    this.local.set(key, value);
    return value;
  }

  async set(key: string, value: Profile): Promise<void> {
    await this.redis.set(key, JSON.stringify(value));
    this.local.set(key, value);
    if (this.announceWrites) {
      // performance.now() is comparable here only because every instance runs in this one process.
      await this.redis.publish(this.channel, JSON.stringify({ keys: [key], publishedAt: performance.now() } satisfies Notice));
    }
  }

  /** Publishes a marker; channel order means that once everyone has it, everything before it has arrived. */
  async publishMarker(others: Instance[]): Promise<void> {
    const marker = randomUUID();
    const arrived = others.map((o) => new Promise<void>((resolve) => o.markerWaiters.set(marker, resolve)));
    await this.redis.publish(this.channel, JSON.stringify({ marker } satisfies Notice));
    await Promise.all(arrived);
    for (const o of others) o.markerWaiters.delete(marker);
  }

  close(): void {
    this.redis.disconnect();
    this.subscriber.disconnect();
  }
}

export default defineLab<CacheInvalidationFindings, CacheInvalidationOptions>(async ({ log, redisUrl }, options) => {
  const updates = options.updates ?? 10;
  const run = randomUUID().slice(0, 8);
  const key = `lab:cache:${run}:user:42`;
  const admin = new Redis(redisUrl());
  try {
    log(`Three instances, A, B and C, keep their own copy of ${key} in a Map and read Redis on a miss.`);
    log(`A updates the user's plan ${updates} times; after each update, B and C read it.`);
    log('');

    log("Without invalidation (the guide's set(): write Redis and its own copy, tell nobody):");
    const withoutInvalidation = await phase(false);
    log('');
    log('With invalidation (set() publishes { keys: [key] } after writing; every instance drops its copy):');
    const withInvalidation = await phase(true);
    log(
      `  the invalidation reached B and C ${ms(withInvalidation.invalidationP50Ms ?? Number.NaN)} after A's PUBLISH (median), ${ms(withInvalidation.invalidationMaxMs ?? Number.NaN)} at most`,
    );
    log('');
    log('Between the write and the invalidation arriving, B and C can still read the old value: the cache is');
    log('eventually consistent, with a window as long as that delay. Without invalidation, the window never closes.');
    return { key, updates, withoutInvalidation, withInvalidation };
  } finally {
    await admin.del(key).catch(() => {});
    admin.disconnect();
  }

  async function phase(announceWrites: boolean): Promise<PhaseFindings> {
    const channel = `lab:cache:${run}:invalidation:${announceWrites ? 'on' : 'off'}`;
    const [a, b, c] = ['A', 'B', 'C'].map((name) => new Instance(name, redisUrl(), channel, announceWrites)) as [Instance, Instance, Instance];
    try {
      await Promise.all([a, b, c].map((i) => i.start()));
      await admin.set(key, JSON.stringify({ plan: 'free' } satisfies Profile));
      for (const instance of [a, b, c]) await instance.get(key);

      let reads = 0;
      let staleReads = 0;
      let firstReadByB = '';
      for (let n = 1; n <= updates; n++) {
        const plan = `pro-${n}`;
        await a.set(key, { plan });
        // Whatever A published about this write has reached B and C once this marker has.
        await a.publishMarker([b, c]);
        for (const reader of [b, c]) {
          const seen = (await reader.get(key))?.plan ?? '(missing)';
          reads++;
          if (seen !== plan) staleReads++;
          if (n === 1 && reader === b) firstReadByB = seen;
          if (n === 1) log(`  A wrote plan=${plan}; ${reader.name} reads plan=${seen}${seen === plan ? '' : '   ← stale'}`);
        }
      }
      log(`  after ${updates} updates: ${staleReads} of ${reads} reads on B and C were stale`);
      const latencies = [...b.latencies, ...c.latencies].sort((x, y) => x - y);
      return {
        reads,
        staleReads,
        firstReadByB,
        ...(announceWrites ? { invalidationP50Ms: percentile(latencies, 50), invalidationMaxMs: latencies.at(-1) ?? Number.NaN } : {}),
      };
    } finally {
      for (const instance of [a, b, c]) instance.close();
    }
  }
});

function ms(value: number): string {
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)} ms`;
}
