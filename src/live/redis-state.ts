/**
 * Reads what the live view shows of Redis: pub/sub channels (PUBSUB CHANNELS/NUMSUB/NUMPAT) with
 * their message rates, and every stream (SCAN TYPE stream) with XINFO STREAM/GROUPS/CONSUMERS and
 * the oldest pending entries (XPENDING). Message rates and the channel tail come from one
 * connection subscribed to every channel (PSUBSCRIBE *), opened with the first read and closed by
 * `close()` with everything else: with no page open, Redis sees no connection from here.
 * Connections are named (CLIENT SETNAME) so CLIENT LIST says whose they are.
 */
import { Redis } from 'ioredis';
import type { RedisStreamView, RedisView } from './protocol.ts';
import type { LiveRedisEndpoint } from './routes.ts';

export const LIVE_CONNECTION_NAME = 'workbook-live-view';
const RATE_WINDOW_MS = 5_000;
/** Bounds on one read, so a crowded server costs a page the same as an empty one. */
const MAX_CHANNELS = 200;
const MAX_STREAMS = 100;
const MAX_SCAN_CALLS = 20;
const MAX_PENDING_ENTRIES = 50;

export interface ChannelMessage {
  channel: string;
  message: string;
  at: number;
}

export class RedisStateReader {
  private command: Redis | undefined;
  private subscriber: Redis | undefined;
  /** Arrival times of messages per channel over the last few seconds. */
  private readonly arrivals = new Map<string, number[]>();
  private readonly listeners = new Set<(message: ChannelMessage) => void>();

  constructor(private readonly endpoint: LiveRedisEndpoint) {}

  /** Called for every message published on any channel while the reader is open (tails, rates, a sooner snapshot). */
  onMessage(listener: (message: ChannelMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async read(now = Date.now()): Promise<RedisView> {
    const redis = await this.open();
    const channelNames = ((await redis.pubsub('CHANNELS')) as string[]).sort().slice(0, MAX_CHANNELS);
    const counts = channelNames.length > 0 ? ((await redis.pubsub('NUMSUB', ...channelNames)) as Array<string | number>) : [];
    const channels = channelNames.map((name, i) => ({ name, subscribers: Number(counts[i * 2 + 1] ?? 0), messagesPerSecond: this.rate(name, now) }));
    // Messages to channels nobody listens on (tests use a new name each run) must not pile up.
    for (const name of this.arrivals.keys()) if (this.rate(name, now) === 0 && (this.arrivals.get(name)?.length ?? 0) === 0) this.arrivals.delete(name);
    // Our own PSUBSCRIBE * is one of them: not the learner's.
    const numpat = Math.max(0, Number(await redis.pubsub('NUMPAT')) - (this.subscriber ? 1 : 0));
    const streams = await this.readStreams(redis);
    return {
      url: this.endpoint.url,
      embedded: this.endpoint.embedded,
      commands: redisCommands(this.endpoint.url),
      channels,
      // Redis tells how many pattern subscriptions exist, not which (CLIENT LIST counts them per connection).
      patterns: { count: numpat, patterns: [] },
      streams,
    };
  }

  /** A connection for one-off use while open (the stream tail): the caller disconnects it. */
  duplicate(name: string): Redis {
    const client = new Redis(this.endpoint.url, { connectionName: `${LIVE_CONNECTION_NAME}-${name}`, maxRetriesPerRequest: 1, lazyConnect: false });
    client.on('error', () => {});
    return client;
  }

  async close(): Promise<void> {
    const { command, subscriber } = this;
    this.command = undefined;
    this.subscriber = undefined;
    this.arrivals.clear();
    command?.disconnect();
    subscriber?.disconnect();
  }

  private async open(): Promise<Redis> {
    if (this.command) return this.command;
    const command = this.duplicate('state');
    const subscriber = this.duplicate('rates');
    this.command = command;
    this.subscriber = subscriber;
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const at = Date.now();
      const times = this.arrivals.get(channel) ?? [];
      times.push(at);
      if (times.length > 10_000) times.splice(0, times.length - 10_000);
      this.arrivals.set(channel, times);
      for (const listener of this.listeners) listener({ channel, message, at });
    });
    await subscriber.psubscribe('*');
    return command;
  }

  private rate(channel: string, now: number): number {
    const times = (this.arrivals.get(channel) ?? []).filter((t) => now - t <= RATE_WINDOW_MS);
    this.arrivals.set(channel, times);
    return Math.round((times.length * 1000) / RATE_WINDOW_MS);
  }

  private async readStreams(redis: Redis): Promise<RedisStreamView[]> {
    const keys = new Set<string>();
    let cursor = '0';
    for (let calls = 0; calls < MAX_SCAN_CALLS && keys.size < MAX_STREAMS; calls++) {
      const [next, found] = (await redis.call('SCAN', cursor, 'TYPE', 'stream', 'COUNT', '1000')) as [string, string[]];
      for (const k of found) keys.add(k);
      cursor = next;
      if (cursor === '0') break;
    }
    const views = await Promise.all([...keys].sort().slice(0, MAX_STREAMS).map((k) => readStream(redis, k).catch(() => undefined)));
    return views.filter((v): v is RedisStreamView => v !== undefined);
  }
}

async function readStream(redis: Redis, key: string): Promise<RedisStreamView> {
  const [info, groups] = await Promise.all([redis.call('XINFO', 'STREAM', key), redis.call('XINFO', 'GROUPS', key)]);
  const stream = fields(info);
  const entryId = (entry: unknown): string | null => (Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : null);
  return {
    key,
    length: Number(stream['length'] ?? 0),
    firstId: entryId(stream['first-entry']),
    lastId: entryId(stream['last-entry']),
    groups: await Promise.all(
      (groups as unknown[]).map(async (raw) => {
        const group = fields(raw);
        const name = String(group['name']);
        const [consumers, pending] = await Promise.all([
          redis.call('XINFO', 'CONSUMERS', key, name) as Promise<unknown[]>,
          redis.call('XPENDING', key, name, '-', '+', String(MAX_PENDING_ENTRIES)) as Promise<Array<[string, string, number, number]>>,
        ]);
        const lag = group['lag'];
        return {
          name,
          lastDeliveredId: String(group['last-delivered-id'] ?? '0-0'),
          lag: lag === null || lag === undefined ? null : Number(lag),
          pending: Number(group['pending'] ?? 0),
          consumers: consumers.map((c) => {
            const consumer = fields(c);
            return { name: String(consumer['name']), pending: Number(consumer['pending'] ?? 0), idleMs: Number(consumer['idle'] ?? 0) };
          }),
          pendingEntries: pending.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs: Number(idleMs), deliveries: Number(deliveries) })),
        };
      }),
    ),
  };
}

/** XINFO's flat [name, value, name, value, …] as an object. */
function fields(reply: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (!Array.isArray(reply)) return result;
  for (let i = 0; i + 1 < reply.length; i += 2) result[String(reply[i])] = reply[i + 1];
  return result;
}

export function redisCommands(url: string): string[] {
  const parsed = new URL(url);
  const local = parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost';
  return [local && !parsed.password ? `redis-cli -p ${parsed.port || '6379'}` : `redis-cli -u ${url}`];
}
