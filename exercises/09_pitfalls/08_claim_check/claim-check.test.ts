import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describe, expect, test } from 'vitest';
import { monitorCommands, removeKeysAfterTest } from '#testing/patterns';
import { connect, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { ClaimCheckError, openMessage, publishPayload, type ClaimCheckOptions } from './claim-check.ts';

const MiB = 1024 * 1024;

function options(overrides: Partial<ClaimCheckOptions> = {}): ClaimCheckOptions {
  const keyPrefix = unique('payloads');
  removeKeysAfterTest(keyPrefix);
  return { inlineLimitBytes: 64 * 1024, keyPrefix, ttlSeconds: 3_600, ...overrides };
}

/** A subscriber on its own connection; every raw message it receives lands in the inbox. */
async function subscribe(channel: string): Promise<Inbox<string>> {
  const subscriber = connect();
  const inbox = new Inbox<string>();
  subscriber.on('message', (_channel: string, message: string) => inbox.push(message));
  await subscriber.subscribe(channel);
  return inbox;
}

/**
 * A payload just over the server's pub/sub hard output-buffer limit (32 MB by default), read with
 * CONFIG GET, which changes nothing. A server without such a limit, or with a huge one, gets 4 MiB.
 */
async function overTheLimit(redis: Redis): Promise<{ bytes: number; limit: number }> {
  const [, value = ''] = (await redis.config('GET', 'client-output-buffer-limit')) as [string, string];
  const limit = Number(/pubsub (\d+)/.exec(value)?.[1] ?? 0);
  return { bytes: limit > 0 && limit <= 64 * MiB ? limit + MiB : 4 * MiB, limit };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The keys under `prefix` (SCAN, not KEYS: the server may be a learner's own, shared with others). */
async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

describe('large payloads travel as claim checks', () => {
  test('a payload larger than the subscriber’s output buffer limit still reaches it', async () => {
    const redis = connect();
    const channel = unique('reports');
    const { bytes, limit } = await overTheLimit(redis);
    const payload = 'r'.repeat(bytes);
    const inbox = await subscribe(channel);

    await publishPayload(redis, channel, payload, options());

    const [message = ''] = await inbox.waitFor(
      1,
      5_000,
      `the subscriber receiving the message for a ${(bytes / MiB).toFixed(0)} MiB payload (Redis disconnects a subscriber whose output buffer passes ${limit} bytes)`,
    );
    const received = await openMessage(connect(), message);
    expect(received.length, 'bytes of the payload the subscriber got back').toBe(bytes);
    expect(received === payload, 'the payload comes back unchanged').toBe(true);
  });

  test('above inlineLimitBytes, the message is small and says where the payload is, its size and its checksum', async () => {
    const redis = connect();
    const channel = unique('reports');
    const settings = options();
    const payload = 'é'.repeat(100 * 1024); // 200 KB in UTF-8
    const inbox = await subscribe(channel);

    expect(await publishPayload(redis, channel, payload, settings), 'publishPayload resolves to the receivers PUBLISH counted').toBe(1);

    const [message = ''] = await inbox.waitFor(1, 3_000, 'the claim check arriving');
    expect(Buffer.byteLength(message), 'bytes on the channel').toBeLessThan(1_024);
    const envelope = JSON.parse(message) as { ref?: string; bytes?: number; sha256?: string };
    expect(envelope.ref, `the ref: a key under ${settings.keyPrefix}:`).toMatch(new RegExp(`^${settings.keyPrefix}:`));
    expect(envelope.bytes, 'bytes: the payload’s size in UTF-8').toBe(200 * 1024);
    expect(envelope.sha256, 'sha256: the payload’s checksum, in hex').toBe(sha256(payload));
    expect(await openMessage(redis, message), 'the payload behind the claim check').toBe(payload);
  });

  test('the payload is stored, with an expiry, before the claim check is published', async () => {
    const redis = connect();
    const channel = unique('reports');
    const settings = options({ ttlSeconds: 600 });
    const commands = await monitorCommands();

    await publishPayload(redis, channel, 'x'.repeat(100_000), settings);
    const marker = unique('done');
    await redis.echo(marker);

    await commands.waitUntil(([name, arg]) => name === 'echo' && arg === marker, 3_000, 'the commands reaching MONITOR');
    const names = commands.items
      .filter(([name, key]) => (name === 'set' || name === 'setex' || name === 'publish') && (key?.startsWith(settings.keyPrefix) || key === channel))
      .map(([name]) => name);
    expect(names[0], `commands in the order Redis ran them: ${names.join(', ')}: store first, or a subscriber can follow a ref to nothing`).not.toBe('publish');
    expect(names.at(-1)).toBe('publish');
    const [stored] = await keysUnder(redis, settings.keyPrefix);
    expect(stored, 'a stored payload').toBeDefined();
    const ttl = await redis.ttl(stored ?? '');
    expect(ttl, 'seconds until the stored payload expires (ttlSeconds is 600)').toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  test('a small payload travels inside the message, and nothing is stored', async () => {
    const redis = connect();
    const channel = unique('reports');
    const settings = options();
    const inbox = await subscribe(channel);

    await publishPayload(redis, channel, '{"orderId":"o-1"}', settings);

    const [message = ''] = await inbox.waitFor(1, 3_000, 'the message arriving');
    expect(await openMessage(redis, message)).toBe('{"orderId":"o-1"}');
    expect(await keysUnder(redis, settings.keyPrefix), 'keys stored for a small payload').toEqual([]);
  });

  test('every reader can redeem the claim check; reading does not delete the payload', async () => {
    const redis = connect();
    const channel = unique('reports');
    const settings = options();
    const inbox = await subscribe(channel);
    await publishPayload(redis, channel, 'p'.repeat(100_000), settings);
    const [message = ''] = await inbox.waitFor(1, 3_000, 'the claim check arriving');

    const [first, second] = await Promise.all([openMessage(connect(), message), openMessage(connect(), message)]);

    expect(first.length, 'the first reader').toBe(100_000);
    expect(second.length, 'the second reader').toBe(100_000);
    expect((await keysUnder(redis, settings.keyPrefix)).length, 'the payload stays for other readers and replays, until it expires').toBe(1);
  });

  test('a payload that expired, or does not match its checksum, is refused with a ClaimCheckError', async () => {
    const redis = connect();
    const channel = unique('reports');
    const settings = options();
    const inbox = await subscribe(channel);
    await publishPayload(redis, channel, 'p'.repeat(100_000), settings);
    const [message = ''] = await inbox.waitFor(1, 3_000, 'the claim check arriving');
    const [key = ''] = await keysUnder(redis, settings.keyPrefix);

    await redis.set(key, 'q'.repeat(100_000), 'KEEPTTL');
    await expect(openMessage(redis, message), 'a payload that is not the one published').rejects.toThrow(ClaimCheckError);
    await expect(openMessage(redis, message)).rejects.toThrow(/checksum|sha256/);

    await redis.del(key);
    await expect(openMessage(redis, message), 'a payload that has expired').rejects.toThrow(ClaimCheckError);
    await expect(openMessage(redis, message)).rejects.toThrow(/expired|missing|not found/);
  });
});
