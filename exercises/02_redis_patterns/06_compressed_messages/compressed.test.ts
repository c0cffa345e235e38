import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { connect, redisUrl, unique } from '#testing/redis';
import { Inbox } from '#testing/wait';
import { createCompressedPubSub, type CompressedPubSub, type CompressionOptions } from './compressed.ts';

function open(cleanup: (fn: () => Promise<void>) => void, options?: CompressionOptions): CompressedPubSub {
  const pubsub = createCompressedPubSub(redisUrl(), options);
  cleanup(() => pubsub.close());
  return pubsub;
}

/** A plain subscriber that records the exact bytes Redis delivers on the channel. */
async function wire(channel: string): Promise<Inbox<Buffer>> {
  const raw = new Inbox<Buffer>();
  const probe = connect();
  probe.on('messageBuffer', (_channel: Buffer, payload: Buffer) => raw.push(payload));
  await probe.subscribe(channel);
  return raw;
}

/** About 9 KB of JSON that repeats itself, as API payloads do. */
const customers = { rows: Array.from({ length: 150 }, (_, i) => ({ id: i, name: `customer ${i}`, plan: 'pro', country: 'NL' })) };
const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const isGzip = (bytes: Buffer): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

describe('compressing large messages', () => {
  test('a large message arrives as it was published', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('reports');
    const inbox = new Inbox<unknown>();
    await pubsub.subscribe(channel, (m) => inbox.push(m));

    await pubsub.publish(channel, customers);

    await inbox.waitFor(1, 2_000, 'the subscriber receiving the large message');
    expect(inbox.items, 'the handler gets the original value back').toEqual([customers]);
  });

  test('a large message travels as gzip bytes, much smaller than its JSON', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('reports');
    const raw = await wire(channel);

    const report = await pubsub.publish(channel, customers);

    const [sent] = await raw.waitFor(1, 2_000, 'the raw message reaching a plain subscriber');
    expect(report.compressed, `the JSON is ${jsonBytes(customers)} bytes, far over the 1024-byte threshold`).toBe(true);
    expect(isGzip(sent as Buffer), 'what Redis carries should be the gzip bytes themselves (they start 1f 8b), not base64 text').toBe(true);
    expect(report.bytes, 'the report gives the size of what was actually published').toBe(sent?.length);
    expect(sent?.length, 'compressed, this repetitive JSON shrinks to well under a quarter').toBeLessThan(jsonBytes(customers) / 4);
    expect(JSON.parse(gunzipSync(sent as Buffer).toString('utf8')), 'gunzip gives back the JSON of the message, nothing wrapped around it').toEqual(customers);
  });

  test('the threshold counts bytes, not characters', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished, { thresholdBytes: 1024 });
    const channel = unique('prices');

    const euros = await pubsub.publish(channel, '€'.repeat(700));
    const ascii = await pubsub.publish(channel, 'x'.repeat(1000));

    expect(euros.compressed, '700 × "€" is 702 characters of JSON but 2,102 bytes: over the threshold').toBe(true);
    expect(ascii.compressed, '1,000 × "x" is 1,002 bytes of JSON: under the threshold').toBe(false);
  });

  test('a message exactly at the threshold is not compressed, one byte more is', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished, { thresholdBytes: 1024 });
    const channel = unique('edge');
    const exactly = 'a'.repeat(1022); // 1,024 bytes as JSON, with its quotes

    const at = await pubsub.publish(channel, exactly);
    const over = await pubsub.publish(channel, `${exactly}a`);

    expect(at, 'JSON of exactly thresholdBytes is not *larger* than the threshold: sent plain').toEqual({ bytes: 1024, compressed: false });
    expect(over.compressed, '1,025 bytes is over the threshold').toBe(true);
  });

  test('thresholdBytes: 0 compresses every message that gzip makes smaller', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished, { thresholdBytes: 0 });
    const channel = unique('edge');
    const medium = { rows: customers.rows.slice(0, 10) }; // about 600 bytes, well under the default 1024

    const report = await pubsub.publish(channel, medium);

    expect(report.compressed, 'a threshold of 0 is a real setting, not "use the default": read it with ??, not ||').toBe(true);
  });

  test('a small message travels as its plain JSON, which any subscriber can read', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('events');
    const raw = await wire(channel);
    const message = { type: 'user.registered', userId: 'u-1' };

    const report = await pubsub.publish(channel, message);

    const [sent] = await raw.waitFor(1, 2_000, 'the raw message reaching a plain subscriber');
    expect(sent?.toString('utf8'), 'exactly JSON.stringify(message): no envelope, no flag').toBe(JSON.stringify(message));
    expect(report).toEqual({ bytes: jsonBytes(message), compressed: false });
  });

  test("a message shaped like the guide's compressed wrapper arrives unchanged", async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('events');
    const inbox = new Inbox<unknown>();
    await pubsub.subscribe(channel, (m) => inbox.push(m));
    const lookalike = { _compressed: true, data: 'aGVsbG8=' };

    await pubsub.publish(channel, lookalike);

    await inbox.waitFor(1, 2_000, 'the subscriber receiving the look-alike message');
    expect(inbox.items, 'a field in the message must never be mistaken for a compression flag').toEqual([lookalike]);
  });

  test('messages arrive in the order they were published, compressed or not', async ({ onTestFinished }) => {
    const pubsub = open(onTestFinished);
    const channel = unique('feed');
    const inbox = new Inbox<string>();
    await pubsub.subscribe(channel, (m) => inbox.push((m as { label: string }).label));

    for (const [label, size] of [['large 1', 300], ['small 1', 0], ['large 2', 300], ['small 2', 0]] as const) {
      await pubsub.publish(channel, { label, rows: customers.rows.slice(0, size) });
    }

    await inbox.waitFor(4, 2_000, 'all four messages arriving');
    expect(inbox.items, 'Redis delivers them in order; decoding must not let a small one overtake a large one').toEqual(['large 1', 'small 1', 'large 2', 'small 2']);
  });

  test('a message that cannot be decoded is reported, and later messages still arrive', async ({ onTestFinished }) => {
    const errors = new Inbox<string>();
    const pubsub = open(onTestFinished, { onError: (_error, channel) => errors.push(channel) });
    const channel = unique('events');
    const inbox = new Inbox<unknown>();
    await pubsub.subscribe(channel, (m) => inbox.push(m));
    const intruder = connect();

    await intruder.publish(channel, Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02])); // gzip magic, then garbage
    await intruder.publish(channel, 'not JSON {');
    await pubsub.publish(channel, { ok: true });

    await inbox.waitFor(1, 2_000, 'the valid message arriving after the two broken ones');
    await errors.waitFor(2, 2_000, 'onError being told about both broken messages');
    expect(errors.items, 'each report names the channel').toEqual([channel, channel]);
    expect(inbox.items).toEqual([{ ok: true }]);
  });
});
