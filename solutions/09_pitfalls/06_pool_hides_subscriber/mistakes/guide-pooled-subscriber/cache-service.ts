// Mistake: subscribes on a connection taken from the pool, which keeps lending it out: every few calls a GET or SET fails with 'Connection in subscriber mode'.
// Caught by: after it watches a table, every command through the pool still works
import { Redis } from 'ioredis';

/** Connections for ordinary commands, handed out in turn. (Given: fine as long as nobody subscribes on one.) */
export class ConnectionPool {
  private readonly connections: Redis[];
  private next = 0;

  constructor(url: string, size: number) {
    this.connections = Array.from({ length: size }, () => new Redis(url));
  }

  acquire(): Redis {
    const connection = this.connections[this.next % this.connections.length] as Redis;
    this.next++;
    return connection;
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.quit()));
  }
}

export type InvalidationHandler = (key: string) => void;

export interface CacheService {
  get(table: string, key: string): Promise<string | null>;
  /** Stores the value and tells every service watching the table that the key changed. */
  set(table: string, key: string, value: string): Promise<void>;
  /** Calls `handler` with each key of `table` that changes; resolves once the subscription is confirmed. */
  watch(table: string, handler: InvalidationHandler): Promise<void>;
  close(): Promise<void>;
}

export interface CacheServiceOptions {
  /** Prefix of every key and channel the service uses. */
  namespace: string;
  poolSize: number;
}

export function createCacheService(url: string, options: CacheServiceOptions): CacheService {
  const pool = new ConnectionPool(url, options.poolSize);
  const channel = (table: string): string => `${options.namespace}:invalidate:${table}`;

  return {
    get: (table, key) => pool.acquire().get(`${options.namespace}:${table}:${key}`),
    async set(table, key, value) {
      const connection = pool.acquire();
      await connection.set(`${options.namespace}:${table}:${key}`, value);
      await connection.publish(channel(table), key);
    },
    async watch(table, handler) {
      const connection = pool.acquire();
      connection.on('message', (from: string, key: string) => {
        if (from === channel(table)) handler(key);
      });
      await connection.subscribe(channel(table));
    },
    async close() {
      await pool.close();
    },
  };
}
