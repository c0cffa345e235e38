import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { learnerModulePath } from '#testing/learner-module';
import { runFixture, type FixtureProcess } from '#testing/pitfalls';
import { connect, redisUrl, unique } from '#testing/redis';

/** Starts a subscriber process running listen() with three handlers: audit, billing and email. */
async function startSubscriber(): Promise<{ child: FixtureProcess; publish: (raw: string) => Promise<void> }> {
  const channel = unique('orders');
  const script = fileURLToPath(new URL('./subscriber-process.ts', import.meta.url));
  const child = runFixture(script, [learnerModulePath(import.meta.url, 'listener.ts'), redisUrl(), channel]);
  await child.waitForLine('ready', 20_000, 'the subscriber process starting and subscribing');
  const publisher = connect();
  return {
    child,
    publish: async (raw) => {
      await publisher.publish(channel, raw);
    },
  };
}

/** The lines about message `id`, in the order printed. */
const about = (lines: string[], id: number): string[] => lines.filter((line) => new RegExp(`\\b${id}$`).test(line));

describe('a subscriber where one bad message costs only itself', () => {
  test('a message that is not JSON is reported and dropped, and the subscriber handles the next one', async () => {
    const { child, publish } = await startSubscriber();

    await publish('{"id": 1}');
    await publish('not json');
    await publish('{"id": 4}');

    await child.waitForLine('email 4', 5_000, 'the subscriber handling the message after the malformed one');
    expect(child.lines.items, 'the malformed message is reported').toContain('bad-message not json');
    expect(about(child.lines.items, 1).sort(), 'every handler ran for message 1').toEqual(['audit 1', 'billing 1', 'email 1']);
    expect(about(child.lines.items, 4).sort(), 'every handler ran for message 4').toEqual(['audit 4', 'billing 4', 'email 4']);
    expect(child.exit(), 'the subscriber process must still be running').toBeNull();
  });

  test('a handler that throws, before or after returning a promise, costs only its own part of the message', async () => {
    const { child, publish } = await startSubscriber();

    await publish('{"id": 2}'); // billing throws at once, a plain function
    await publish('{"id": 3}'); // email rejects, an async function
    await publish('{"id": 4}');

    await child.waitForLine('email 4', 5_000, 'the subscriber handling message 4 after two failing handlers');
    expect(about(child.lines.items, 2).sort(), 'message 2: billing failed and was reported, the others ran').toEqual([
      'audit 2',
      'email 2',
      'handler-error billing: card declined for 2',
    ]);
    expect(about(child.lines.items, 3).sort(), 'message 3: email failed and was reported, the others ran').toEqual([
      'audit 3',
      'billing 3',
      'handler-error email: mail server down for 3',
    ]);
    expect(child.exit(), 'the subscriber process must still be running').toBeNull();
  });

  test('messages are handled one at a time, in the order they arrived', async () => {
    const { child, publish } = await startSubscriber();

    await publish('{"id": 5}'); // its email handler takes 200 ms
    await publish('{"id": 6}');

    await child.waitForLine('email 5', 5_000, 'the subscriber handling message 5');
    await child.waitForLine('email 6', 5_000, 'the subscriber handling message 6');
    const lines = child.lines.items;
    const lastOf5 = Math.max(...about(lines, 5).map((line) => lines.indexOf(line)));
    const firstOf6 = Math.min(...about(lines, 6).map((line) => lines.indexOf(line)));
    expect(lastOf5, `message 6 started before message 5 was done: ${JSON.stringify(lines.slice(1))}`).toBeLessThan(firstOf6);
    expect(child.exit(), 'the subscriber process must still be running').toBeNull();
  });
});
