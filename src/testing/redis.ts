/**
 * Helpers for tests that talk to the real Redis server of this run. Every connection made here is
 * closed when the test ends, and every name is unique, so test files can run in parallel against
 * one server, including a learner's own server given by REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { inject, onTestFinished } from 'vitest';
import { LatencyProxy } from './latency-proxy.ts';

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A connection for the test itself (to publish, to inspect); closed when the test finishes. */
export function connect(options: RedisOptions = {}): Redis {
  const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1, ...options });
  client.on('error', () => {});
  onTestFinished(() => {
    client.disconnect();
  });
  return client;
}

/** A name no other test uses: `prefix:1a2b3c4d`. */
export function unique(prefix: string): string {
  return `${prefix}:${randomUUID().slice(0, 8)}`;
}

/** How many connections are subscribed to `channel` right now (PUBSUB NUMSUB). */
export async function subscriberCount(client: Redis, channel: string): Promise<number> {
  const reply = (await client.pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

/**
 * The run's Redis URL with a connection name in it. ioredis turns URL query parameters into
 * options, so every connection the code under test opens from this URL shows up in CLIENT LIST
 * as `name=<name>` — which lets a test count or kill exactly those connections.
 */
export function namedUrl(name: string): string {
  const url = new URL(redisUrl());
  url.searchParams.set('connectionName', name);
  return url.toString();
}

export interface ClientInfo {
  id: string;
  name: string;
  /** Subscriptions to channels, patterns. */
  sub: number;
  psub: number;
  flags: string;
}

/** The server's connections named `name` (see namedUrl). */
export async function clientsNamed(client: Redis, name: string): Promise<ClientInfo[]> {
  const list = (await client.client('LIST')) as string;
  return list
    .trim()
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((pair) => pair.split('=', 2) as [string, string])))
    .filter((fields) => fields.name === name)
    .map((fields) => ({
      id: fields.id ?? '',
      name: fields.name ?? '',
      sub: Number(fields.sub ?? 0),
      psub: Number(fields.psub ?? 0),
      flags: fields.flags ?? '',
    }));
}

/**
 * A Redis URL that reaches the run's server through a LatencyProxy: every command and reply of a
 * client on this URL takes `delayMs` each way (40 ms: a client in another zone), while the test's
 * own connections (`connect()`) stay near. Put the code under test far away and check from near by:
 * an ordering race it would win over loopback, it now loses. `name` labels its connections (see
 * namedUrl). The proxy closes when the test finishes; `proxy.outage(ms)` stages a broker outage.
 */
export async function farRedis(options: { delayMs?: number; name?: string } = {}): Promise<{ url: string; proxy: LatencyProxy }> {
  const near = new URL(options.name ? namedUrl(options.name) : redisUrl());
  const proxy = await LatencyProxy.start({ target: { host: near.hostname, port: Number(near.port) }, delayMs: options.delayMs ?? 40 });
  onTestFinished(() => proxy.close());
  return { url: proxy.url(near.toString()), proxy };
}
