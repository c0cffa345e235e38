import { describe, expect, test } from 'vitest';
import { redisUrl, unique } from '#testing/redis';
import { removeKeysAfterTest } from '#testing/patterns';
import { Inbox, until } from '#testing/wait';
import { createChatPresence, type ChatPresence, type PresenceOptions, type TypingEvent } from './presence.ts';

/** One chat server instance; all instances of a test share the prefix, whose keys are deleted afterwards. */
function server(cleanup: (fn: () => Promise<void>) => void, options: PresenceOptions): ChatPresence {
  const presence = createChatPresence(redisUrl(), options);
  // Some tests stop an instance themselves, as a crash would; closing twice must not fail the test.
  cleanup(() => presence.close().catch(() => {}));
  return presence;
}

function prefix(): string {
  const name = unique('chat');
  removeKeysAfterTest(name);
  return name;
}

describe('chat presence and typing indicators', () => {
  test('a user stays online until the last of their tabs leaves', async ({ onTestFinished }) => {
    const chat = server(onTestFinished, { prefix: prefix(), ttlMs: 5_000 });
    const firstTab = await chat.join('lobby', 'alice');
    const secondTab = await chat.join('lobby', 'alice');
    await chat.join('lobby', 'bob');
    expect(await chat.online('lobby')).toEqual(['alice', 'bob']);

    await firstTab.leave();
    expect(await chat.online('lobby'), 'alice closed one tab but still has the other open').toEqual(['alice', 'bob']);

    await secondTab.leave();
    expect(await chat.online('lobby'), 'alice closed her last tab').toEqual(['bob']);
  });

  test('online() lists users sorted by name, whatever order they joined in', async ({ onTestFinished }) => {
    const chat = server(onTestFinished, { prefix: prefix(), ttlMs: 5_000 });
    for (const user of ['zoe', 'alice', 'mia']) await chat.join('lobby', user);

    expect(await chat.online('lobby'), 'sorted by user id, not by when they joined or when their sessions expire').toEqual(['alice', 'mia', 'zoe']);
  });

  test('every instance sees the same users online, including an instance started later', async ({ onTestFinished }) => {
    const options = { prefix: prefix(), ttlMs: 5_000 };
    const first = server(onTestFinished, options);
    await first.join('lobby', 'alice');

    const startedLater = server(onTestFinished, options);
    expect(await startedLater.online('lobby'), 'an instance started after alice joined must still see her').toEqual(['alice']);

    await startedLater.join('lobby', 'bob');
    expect(await first.online('lobby'), 'bob joined through the other instance').toEqual(['alice', 'bob']);
    expect(await first.online('kitchen'), 'presence is per room').toEqual([]);
  });

  test("a crashed server's users drop out after ttlMs, while users of running servers stay", async ({ onTestFinished }) => {
    const ttlMs = 900;
    const options = { prefix: prefix(), ttlMs };
    const running = server(onTestFinished, options);
    const doomed = server(onTestFinished, options);
    await running.join('lobby', 'alice');
    await doomed.join('lobby', 'bob');
    expect(await running.online('lobby')).toEqual(['alice', 'bob']);

    await doomed.close(); // no leave(): a server that crashes has no chance to say goodbye

    await until(async () => !(await running.online('lobby')).includes('bob'), `bob dropping out about ${ttlMs} ms after his server stopped (do sessions expire?)`, 3_000);
    // alice joined before bob: with a TTL set once at join, she would have expired before him.
    expect(await running.online('lobby'), "alice's server is still running, so her session must be kept alive (a heartbeat)").toEqual(['alice']);
  });

  test('typing indicators reach every instance watching the room, and no other room', async ({ onTestFinished }) => {
    const options = { prefix: prefix(), ttlMs: 5_000 };
    const [typist, watcher] = [server(onTestFinished, options), server(onTestFinished, options)];
    const lobby = new Inbox<TypingEvent>();
    const kitchen = new Inbox<TypingEvent>();
    await watcher.onTyping('lobby', (e) => lobby.push(e));
    await typist.onTyping('kitchen', (e) => kitchen.push(e));

    await typist.setTyping('lobby', 'alice', true);
    await typist.setTyping('kitchen', 'carol', true);
    await typist.setTyping('lobby', 'alice', false);

    await lobby.waitUntil((e) => !e.typing, 2_000, "the other instance hearing that alice stopped typing in 'lobby'");
    await kitchen.waitFor(1, 2_000, "carol's typing indicator in 'kitchen' arriving on her own instance");
    expect(lobby.items, "the lobby listener hears alice start and stop, and nothing from 'kitchen'").toEqual([
      { roomId: 'lobby', userId: 'alice', typing: true },
      { roomId: 'lobby', userId: 'alice', typing: false },
    ]);
    expect(kitchen.items).toEqual([{ roomId: 'kitchen', userId: 'carol', typing: true }]);
  });
});
