// Mistake: the guide's listener: the glob is compiled with new RegExp(pattern), so `user:*` also drops `users` and `user:?` drops `user:22`.
// Caught by: a pattern is matched as a Redis glob in every instance’s memory, not as a regular expression
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

interface Entry {
  value: unknown;
  /** Date.now() after which the key is gone from Redis; undefined when it has no TTL. */
  expiresAt?: number;
}

export function createCache(url: string, options: CacheOptions): DistributedCache {
  const redis = new Redis(url);
  const subscriber = new Redis(url);
  const local = new Map<string, Entry>();
  // Raised by every invalidation this instance applies: a read from Redis that was in flight meanwhile
  // may carry the value from before the change, so it is returned but not kept.
  let generation = 0;

  const apply = (invalidation: Invalidation): void => {
    generation++;
    for (const key of invalidation.keys ?? []) local.delete(key);
    if (invalidation.pattern !== undefined) {
      const regex = new RegExp(invalidation.pattern);
      for (const key of [...local.keys()]) {
        if (regex.test(key)) local.delete(key);
      }
    }
  };

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    let invalidation: Invalidation;
    try {
      invalidation = JSON.parse(message) as Invalidation;
    } catch {
      return; // Not an invalidation: nothing to apply.
    }
    apply(invalidation);
    options.onInvalidated?.(invalidation);
  });

  // 'ready' fires again after every reconnect. Invalidations published while the connection was down
  // reached nobody, so nothing held in memory can be trusted any more. (ioredis subscribes again by
  // itself, right after this event.)
  let connections = 0;
  subscriber.on('ready', () => {
    if (connections++ === 0) return;
    generation++;
    local.clear();
  });
  const ready = subscriber.subscribe(options.channel).then(() => undefined);

  const publish = async (invalidation: Invalidation): Promise<void> => {
    await redis.publish(options.channel, JSON.stringify(invalidation));
  };

  return {
    ready,

    async get<T>(key: string) {
      const entry = local.get(key);
      if (entry && (entry.expiresAt === undefined || Date.now() < entry.expiresAt)) return entry.value as T;
      local.delete(key);

      const readFrom = generation;
      // Timed from before the request: the local copy then expires no later than the key in Redis.
      const sentAt = Date.now();
      const [raw, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
      if (raw === null) return null;
      const value = JSON.parse(raw) as T;
      const gone = ttl === -2; // expired between the two commands
      if (!gone && readFrom === generation) local.set(key, { value, expiresAt: ttl >= 0 ? sentAt + ttl : undefined });
      return value;
    },

    async set(key, value, setOptions = {}) {
      const json = JSON.stringify(value);
      if (setOptions.ttlMs !== undefined) await redis.set(key, json, 'PX', setOptions.ttlMs);
      else await redis.set(key, json);
      // Published after the write, so whoever hears of it reads the new value. The value is not kept in
      // memory here: this instance hears its own invalidation too and would drop it a moment later.
      await publish({ keys: [key] });
    },

    async invalidate(keys) {
      if (keys.length > 0) await redis.unlink(...keys);
      await publish({ keys });
    },

    async invalidatePattern(pattern) {
      // SCAN walks the keyspace a page at a time, so other clients are served between pages; KEYS
      // would hold the whole server until it had looked at every key.
      let deleted = 0;
      for await (const keys of redis.scanStream({ match: pattern, count: 200 }) as AsyncIterable<string[]>) {
        // Counted by what UNLINK removed: SCAN may return a key twice if the keyspace grows meanwhile.
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      }
      await publish({ pattern });
      return deleted;
    },

    localKeys: () => [...local.keys()],

    async close() {
      await Promise.all([redis.quit(), subscriber.quit()]);
    },
  };
}

/** Matches keys the way Redis matches a glob: `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, and `\` to escape. */
function globMatcher(glob: string): (key: string) => boolean {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '\\' && i + 1 < glob.length) {
      source += escapeRegExp(glob[++i] as string);
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else if (char === '?') {
      source += '[\\s\\S]';
    } else if (char === '[') {
      const [set, end] = characterSet(glob, i + 1);
      source += set;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  const regex = new RegExp(`^${source}$`);
  return (key) => regex.test(key);
}

/** The bracket expression starting after `[` at `start`, as a regex set, and the index of its `]`. */
function characterSet(glob: string, start: number): [set: string, end: number] {
  let i = start;
  const negated = glob[i] === '^';
  if (negated) i++;
  let set = '';
  // Read the way Redis reads it (stringmatchlen): `\x` is x itself, `a-z` a range in either order.
  while (i < glob.length && glob[i] !== ']') {
    const char = glob[i] as string;
    if (char === '\\' && i + 1 < glob.length) {
      set += escapeInSet(glob[i + 1] as string);
      i += 2;
    } else if (glob[i + 1] === '-' && i + 2 < glob.length) {
      const [from, to] = [char, glob[i + 2] as string].sort();
      set += `${escapeInSet(from as string)}-${escapeInSet(to as string)}`;
      i += 3;
    } else {
      set += escapeInSet(char);
      i++;
    }
  }
  // An unclosed `[` runs to the end of the pattern, as in Redis.
  if (set === '') return [negated ? '[\\s\\S]' : '(?!)', i]; // `[^]` matches any one character, `[]` nothing
  return [`[${negated ? '^' : ''}${set}]`, i];
}

function escapeInSet(char: string): string {
  return /[\\\]^-]/.test(char) ? `\\${char}` : char;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
