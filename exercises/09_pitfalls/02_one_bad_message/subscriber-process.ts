/**
 * Test support, not part of the exercise: a subscriber in a process of its own, so that the test
 * can see whether a bad message ends it.
 *   node --import tsx subscriber-process.ts <listener module> <redis url> <channel>
 * It prints `ready` once subscribed, then one line per event: `<handler> <id>` when a handler
 * finished, `handler-error <handler>: <message>`, and `bad-message <raw>`.
 */
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { listen as Listen } from './listener.ts';

const [modulePath, url, channel] = process.argv.slice(2) as [string, string, string];
const { listen } = (await import(pathToFileURL(modulePath).href)) as { listen: typeof Listen };
const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const idOf = (event: unknown): number => Number((event as { id?: unknown }).id);

const subscriber = new Redis(url);
listen(
  subscriber,
  {
    audit: async (event) => print(`audit ${idOf(event)}`),
    // A plain function: it returns nothing, and throws before anything could catch a promise.
    billing: (event) => {
      if (idOf(event) === 2) throw new Error(`card declined for ${idOf(event)}`);
      print(`billing ${idOf(event)}`);
    },
    email: async (event) => {
      // Slow work for some messages, to show whether the next message waits for it.
      if (idOf(event) % 5 === 0) await delay(200);
      if (idOf(event) === 3) throw new Error(`mail server down for ${idOf(event)}`);
      print(`email ${idOf(event)}`);
    },
  },
  {
    onHandlerError: ({ handler, error }) => print(`handler-error ${handler}: ${error instanceof Error ? error.message : String(error)}`),
    onBadMessage: ({ raw }) => print(`bad-message ${raw}`),
  },
);
await subscriber.subscribe(channel);
print('ready');
