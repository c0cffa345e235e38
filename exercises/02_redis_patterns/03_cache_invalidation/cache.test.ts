import { describe, expect, test } from 'vitest';
import { clientsNamed, connect, farRedis, namedUrl, redisUrl, unique } from '#testing/redis';
import { monitorCommands, removeKeysAfterTest } from '#testing/patterns';
import { Inbox, until } from '#testing/wait';
import { crowdedKeyspace, noiseKeys } from '#testing/volume';
import { createCache, type DistributedCache, type Invalidation } from './cache.ts';

interface Instance {
  cache: DistributedCache;
  invalidations: Inbox<Invalidation>;
}

/** One application instance with its local cache; all instances of a test share `channel`. */
async function instance(cleanup: (fn: () => Promise<void>) => void, channel: string, url = redisUrl()): Promise<Instance> {
  const invalidations = new Inbox<Invalidation>();
  const cache = createCache(url, { channel, onInvalidated: (i) => invalidations.push(i) });
  cleanup(() => cache.close());
  await cache.ready;
  return { cache, invalidations };
}

/** A namespace for the test's keys and channel, whose keys are deleted afterwards. */
function namespace(): string {
  const ns = unique('cache');
  removeKeysAfterTest(ns);
  return ns;
}

/** Writes straight into Redis, as JSON, the way the cache stores values: no instance is told. */
async function writeBehindTheirBacks(key: string, value: unknown, ...ttl: ['PX', number] | []): Promise<void> {
  await connect().set(key, JSON.stringify(value), ...(ttl as ['PX', number]));
}

describe('a local cache kept fresh by invalidation messages', () => {
  test('after one instance sets a key, every other instance drops its old copy', async ({ onTestFinished }) => {
    const ns = namespace();
    const key = `${ns}:user:1`;
    const [a, b, c] = [await instance(onTestFinished, `${ns}:invalidation`), await instance(onTestFinished, `${ns}:invalidation`), await instance(onTestFinished, `${ns}:invalidation`)] as [Instance, Instance, Instance];
    await writeBehindTheirBacks(key, { name: 'Ada' });
    expect(await b.cache.get(key)).toEqual({ name: 'Ada' });
    expect(await c.cache.get(key)).toEqual({ name: 'Ada' });
    expect(b.cache.localKeys(), 'B keeps what it read in memory').toContain(key);

    await a.cache.set(key, { name: 'Ada Lovelace' });

    await b.invalidations.waitFor(1, 2_000, `instance B hearing that ${key} changed`);
    await c.invalidations.waitFor(1, 2_000, `instance C hearing that ${key} changed`);
    expect(await b.cache.get(key), 'B must not serve the value from before the change').toEqual({ name: 'Ada Lovelace' });
    expect(await c.cache.get(key), 'C must not serve the value from before the change').toEqual({ name: 'Ada Lovelace' });
  });

  test('an instance that hears an invalidation reads the new value, even when the writer is far from Redis', async ({ onTestFinished }) => {
    // A sits 40 ms from Redis, B next to it. B re-reads the key as soon as it hears the invalidation:
    // if A published before its write had landed, B reads the old value and keeps it.
    const ns = namespace();
    const key = `${ns}:user:1`;
    const a = await instance(onTestFinished, `${ns}:invalidation`, (await farRedis({ delayMs: 40 })).url);
    const b = await instance(onTestFinished, `${ns}:invalidation`);
    await writeBehindTheirBacks(key, { name: 'Ada' });
    // B re-reads the moment it hears the invalidation, as a busy instance would.
    const reread = new Inbox<unknown>();
    b.invalidations.waitFor(1, 5_000, 'B hearing the invalidation').then(
      async () => reread.push(await b.cache.get(key)),
      () => {},
    );

    await a.cache.set(key, { name: 'Ada Lovelace' });

    await reread.waitFor(1, 2_000, 'B re-reading the key after the invalidation');
    expect(reread.items[0], 'B re-read as soon as it heard: write the new value first, then publish the invalidation').toEqual({ name: 'Ada Lovelace' });
    expect(await b.cache.get(key), 'B must not keep the value from before the change').toEqual({ name: 'Ada Lovelace' });
  });

  test('a copy kept in memory expires when its key expires in Redis', async ({ onTestFinished }) => {
    const ns = namespace();
    const key = `${ns}:session:1`;
    const redis = connect();
    const { cache } = await instance(onTestFinished, `${ns}:invalidation`);
    await writeBehindTheirBacks(key, { user: 'u-1' }, 'PX', 300);
    expect(await cache.get(key)).toEqual({ user: 'u-1' });
    expect(cache.localKeys(), 'the instance keeps what it read in memory').toContain(key);

    await until(async () => (await redis.exists(key)) === 0, `Redis expiring ${key} after 300 ms`, 3_000);

    expect(await cache.get(key), 'the key is gone from Redis, so the copy in memory must be gone too').toBeNull();
  });

  test('invalidatePattern() finds keys with SCAN, never with KEYS', async ({ onTestFinished }) => {
    const ns = namespace();
    const { cache } = await instance(onTestFinished, `${ns}:invalidation`);
    await connect().mset(`${ns}:user:1`, '1', `${ns}:user:2`, '2');
    const commands = await monitorCommands();

    await cache.invalidatePattern(`${ns}:user:*`);

    // MONITOR reports commands in the order the server ran them: once this marker shows, the rest has.
    await connect().echo(`${ns}:done`);
    await commands.waitUntil(([name, arg]) => name === 'echo' && arg === `${ns}:done`, 2_000, 'MONITOR reporting the marker command');
    const ours = commands.items.filter((command) => command.some((arg) => arg.includes(`${ns}:user:*`)));
    expect(
      ours.filter(([name]) => name === 'keys').length,
      'KEYS looks at every key in one go and Redis serves nobody else meanwhile; use SCAN',
    ).toBe(0);
    expect(ours.filter(([name]) => name === 'scan').length, 'the keys should be found with SCAN ... MATCH <pattern>').toBeGreaterThan(0);
  });

  test('invalidatePattern() deletes every matching key, however many SCAN pages that takes', async ({ onTestFinished }) => {
    const ns = namespace();
    const { cache } = await instance(onTestFinished, `${ns}:invalidation`);
    const redis = connect();
    const matching = Array.from({ length: 300 }, (_, i) => `${ns}:user:${i}`);
    const others = [`${ns}:order:1`, `${ns}:users`];
    // 3,000 other keys around them: more than one page, whatever COUNT the code asks for.
    await crowdedKeyspace(redis, [...matching, ...others], noiseKeys(ns, 3_000));

    const deleted = await cache.invalidatePattern(`${ns}:user:*`);

    expect(deleted, 'resolves to how many keys matched').toBe(300);
    expect(await redis.exists(...matching), 'matching keys still in Redis (SCAN returns a page at a time: follow the cursor to 0)').toBe(0);
    expect(await redis.exists(...others), 'keys that do not match must stay').toBe(2);
  });

  test('invalidatePattern() finds a few matching keys among many others', async ({ onTestFinished }) => {
    const ns = namespace();
    const { cache } = await instance(onTestFinished, `${ns}:invalidation`);
    const redis = connect();
    const matching = [`${ns}:user:1`, `${ns}:user:2`, `${ns}:user:3`];
    // 5,000 keys that do not match: SCAN MATCH returns pages with no key at all before the cursor is 0.
    await crowdedKeyspace(redis, matching, noiseKeys(ns, 5_000));

    const deleted = await cache.invalidatePattern(`${ns}:user:*`);

    expect(await redis.exists(...matching), 'matching keys still in Redis: an empty SCAN page does not mean the end; only cursor 0 does').toBe(0);
    expect(deleted).toBe(3);
  });

  test('a pattern is matched as a Redis glob in every instance’s memory, not as a regular expression', async ({ onTestFinished }) => {
    const ns = namespace();
    const a = await instance(onTestFinished, `${ns}:invalidation`);
    const b = await instance(onTestFinished, `${ns}:invalidation`);
    const keys = ['user:1', 'user:22', 'user', 'users', 'v1.0:config', 'v1x0:config'].map((k) => `${ns}:${k}`);
    for (const key of keys) await writeBehindTheirBacks(key, key);
    for (const key of keys) await b.cache.get(key);
    expect(b.cache.localKeys().sort(), 'B holds every key in memory').toEqual([...keys].sort());
    const held = (): string[] =>
      b.cache
        .localKeys()
        .map((k) => k.slice(ns.length + 1))
        .sort();

    await a.cache.invalidatePattern(`${ns}:user:?`);
    await b.invalidations.waitFor(1, 2_000, 'instance B hearing about the first pattern');
    expect(held(), '`user:?` is "user:" and then exactly one character').toEqual(['user', 'user:22', 'users', 'v1.0:config', 'v1x0:config']);

    await a.cache.invalidatePattern(`${ns}:v1.0:*`);
    await b.invalidations.waitFor(2, 2_000, 'instance B hearing about the second pattern');
    expect(held(), 'in a glob, "." is just a dot').toEqual(['user', 'user:22', 'users', 'v1x0:config']);

    await a.cache.invalidatePattern(`${ns}:user*`);
    await b.invalidations.waitFor(3, 2_000, 'instance B hearing about the third pattern');
    expect(held(), '`user*` is "user" and then anything, nothing included').toEqual(['v1x0:config']);
  });

  test('an instance whose subscription dropped forgets what it held: it may have missed invalidations', async ({ onTestFinished }) => {
    const ns = namespace();
    const key = `${ns}:user:1`;
    const name = unique('cache-b');
    const a = await instance(onTestFinished, `${ns}:invalidation`);
    const b = await instance(onTestFinished, `${ns}:invalidation`, namedUrl(name));
    await writeBehindTheirBacks(key, { plan: 'free' });
    expect(await b.cache.get(key)).toEqual({ plan: 'free' });
    const admin = connect();
    const subscription = (await clientsNamed(admin, name)).find((c) => c.sub > 0);
    if (!subscription) throw new Error(`no subscribed connection named ${name}: did the cache connect with the url it was given?`);

    // B's subscription drops; ioredis waits a little before reconnecting, and A changes the key meanwhile.
    await admin.client('KILL', 'ID', subscription.id);
    await a.cache.set(key, { plan: 'pro' });
    await until(
      async () => (await clientsNamed(admin, name)).some((c) => c.id !== subscription.id && c.sub > 0),
      'instance B reconnecting and subscribing again',
      5_000,
    );

    expect(await b.cache.get(key), 'the invalidation was published while B was not listening; B must not trust its copy').toEqual({ plan: 'pro' });
  });
});
