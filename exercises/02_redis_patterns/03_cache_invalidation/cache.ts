import { Redis } from 'ioredis';

/** What travels on the invalidation channel, as JSON. */
export interface Invalidation {
  /** These exact keys changed. */
  keys?: string[];
  /** Every key matching this Redis glob (`*`, `?`, `[abc]`) changed. */
  pattern?: string;
}

export interface CacheOptions {
  /** Every instance listens on this channel for invalidations. */
  channel: string;
  /** Told each time this instance has applied an invalidation message, whoever sent it. */
  onInvalidated?: (invalidation: Invalidation) => void;
}

export interface SetOptions {
  /** The key expires in Redis after this many milliseconds. */
  ttlMs?: number;
}

export interface DistributedCache {
  /** Resolves once the instance is subscribed to the invalidation channel. */
  ready: Promise<void>;
  /** From this instance's memory if it holds the key, else from Redis (and then kept in memory). */
  get<T>(key: string): Promise<T | null>;
  /** Stores the value in Redis as JSON text. */
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  /** Deletes the keys from Redis and from every instance's memory. */
  invalidate(keys: string[]): Promise<void>;
  /** Deletes every key matching the Redis glob, from Redis and every instance's memory; resolves to how many Redis had. */
  invalidatePattern(pattern: string): Promise<number>;
  /** The keys this instance holds in memory right now. */
  localKeys(): string[];
  close(): Promise<void>;
}

export function createCache(url: string, options: CacheOptions): DistributedCache {
  const redis = new Redis(url);
  const subscriber = new Redis(url);
  // TODO: an entry here never expires, even when its key has a TTL in Redis.
  const local = new Map<string, unknown>();

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    const invalidation = JSON.parse(message) as Invalidation;
    for (const key of invalidation.keys ?? []) local.delete(key);
    if (invalidation.pattern !== undefined) {
      // TODO: the pattern is a Redis glob, not a regular expression. As a regex, `user:*` means
      // "user" followed by any number of colons, anywhere in the key: it matches `users` and `superuser`.
      const regex = new RegExp(invalidation.pattern);
      for (const key of [...local.keys()]) {
        if (regex.test(key)) local.delete(key);
      }
    }
    options.onInvalidated?.(invalidation);
  });
  // TODO: while this connection is down, invalidations are published to nobody. ioredis reconnects
  // and subscribes again by itself, but whatever this instance holds in memory may be stale by then.
  const ready = subscriber.subscribe(options.channel).then(() => undefined);

  return {
    ready,

    async get<T>(key: string) {
      if (local.has(key)) return local.get(key) as T;
      const raw = await redis.get(key);
      if (raw === null) return null;
      const value = JSON.parse(raw) as T;
      local.set(key, value);
      return value;
    },

    async set(key, value, setOptions = {}) {
      const json = JSON.stringify(value);
      if (setOptions.ttlMs !== undefined) await redis.set(key, json, 'PX', setOptions.ttlMs);
      else await redis.set(key, json);
      // TODO: only this instance learns about the new value; the others keep serving the old one.
      local.set(key, value);
    },

    async invalidate(keys) {
      if (keys.length > 0) await redis.del(...keys);
      await redis.publish(options.channel, JSON.stringify({ keys }));
    },

    async invalidatePattern(pattern) {
      // TODO: KEYS walks the whole keyspace in one command, and Redis serves nobody else until it is done.
      const keys = await redis.keys(pattern);
      if (keys.length > 0) await redis.del(...keys);
      await redis.publish(options.channel, JSON.stringify({ pattern }));
      return keys.length;
    },

    localKeys: () => [...local.keys()],

    async close() {
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
}
