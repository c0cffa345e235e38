/**
 * Helpers for tests that talk to the real Redis server of this run. Every connection made here is
 * closed when the test ends, and every name is unique, so test files can run in parallel against
 * one server, including a learner's own server given by REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { inject, onTestFinished } from 'vitest';

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
