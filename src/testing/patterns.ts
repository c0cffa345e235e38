/**
 * Helpers for the Redis patterns track (exercises/02_redis_patterns): tidying up the keys a test's
 * code under test created, and watching which commands the server ran.
 */
import { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';
import { monitorServer } from './monitor.ts';
import { redisUrl } from './redis.ts';
import { Inbox } from './wait.ts';

/**
 * Deletes every key that starts with `prefix` once the test has finished. The prefix must come from
 * `unique()`, so that only keys this test created match it, even on a learner's own server.
 */
export function removeKeysAfterTest(prefix: string): void {
  onTestFinished(async () => {
    const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    try {
      for await (const keys of client.scanStream({ match: `${escapeGlob(prefix)}*`, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await client.unlink(...keys);
      }
    } finally {
      client.disconnect();
    }
  });
}

/** A command as MONITOR reported it: the name in lower case, then its arguments. */
export type MonitoredCommand = [name: string, ...args: string[]];

/**
 * Every command the server runs from now until the test finishes, as MONITOR reports them, in the
 * order the server ran them. To know that everything up to a point has been seen, run a marker
 * command afterwards (e.g. `ECHO <unique>`) and wait for it.
 */
export async function monitorCommands(): Promise<Inbox<MonitoredCommand>> {
  const commands = new Inbox<MonitoredCommand>();
  await monitorServer(({ args: [name = '', ...rest] }) => {
    commands.push([name.toLowerCase(), ...rest]);
  });
  return commands;
}

/** `text` as a Redis glob that matches exactly it. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
