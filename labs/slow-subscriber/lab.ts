import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { WorkbookError, describeError } from '../../src/harness/errors.ts';
import { defineLab } from '../../src/labs/lab.ts';

export interface SlowSubscriberFindings {
  published: number;
  messageBytes: number;
  fastReceived: number;
  slowReceived: number;
  /** Redis closed the slow subscriber's connection. */
  slowDisconnected: boolean;
  /** Largest output buffer Redis reported for the slow subscriber before cutting it off. */
  peakOutputBufferBytes: number;
  limit: string;
}

const LIMIT = 'pubsub 1mb 512kb 1';
const MESSAGE_BYTES = 8 * 1024;
/** Enough to fill the kernel's socket buffers (several MB on loopback) and then the 1 MB limit. */
const MAX_MESSAGES = 8_000;

export default defineLab<SlowSubscriberFindings>(async ({ log, redisUrl }) => {
  const channel = `lab:slow:${randomUUID().slice(0, 8)}`;
  const slowName = `lab-slow-${randomUUID().slice(0, 8)}`;
  const admin = new Redis(redisUrl());
  const publisher = new Redis(redisUrl());
  const fast = new Redis(redisUrl());
  const slow = new Redis(redisUrl(), { connectionName: slowName, retryStrategy: () => null });
  slow.on('error', () => {});
  let original: string | undefined;
  try {
    original = await readLimit(admin);
    await admin.config('SET', 'client-output-buffer-limit', LIMIT).catch((error: unknown) => {
      throw new WorkbookError(`This Redis refuses CONFIG SET (${describeError(error)}); run the lab on the embedded server (unset REDIS_URL).`);
    });
    log(`Output-buffer limit for pub/sub clients set to "${LIMIT}" (was "${/pubsub \S+ \S+ \S+/.exec(original)?.[0] ?? original}").`);

    let fastReceived = 0;
    let slowReceived = 0;
    let fastTarget = Number.POSITIVE_INFINITY;
    let fastDone!: () => void;
    const fastAll = new Promise<void>((resolve) => (fastDone = resolve));
    fast.on('message', () => {
      if (++fastReceived >= fastTarget) fastDone();
    });
    slow.on('message', () => slowReceived++);
    await fast.subscribe(channel);
    await slow.subscribe(channel);
    const slowClosed = new Promise<void>((resolve) => slow.once('end', () => resolve()));

    // The slow subscriber stops reading its socket, like a consumer stuck in a long computation.
    slow.stream.pause();
    log('Two subscribers on one channel; the slow one has stopped reading.');

    const payload = 'x'.repeat(MESSAGE_BYTES);
    let published = 0;
    let peak = 0;
    let cutOff = false;
    while (published < MAX_MESSAGES && !cutOff) {
      const batch = publisher.pipeline();
      for (let i = 0; i < 200; i++) batch.publish(channel, payload);
      await batch.exec();
      published += 200;
      const client = await findClient(admin, slowName);
      if (client) peak = Math.max(peak, client.omem);
      else cutOff = true;
    }
    log(`Published ${published.toLocaleString('en')} messages of ${MESSAGE_BYTES / 1024} KB; the slow subscriber's output buffer peaked at ${(peak / 1024).toFixed(0)} KB.`);

    slow.stream.resume();
    await slowClosed;
    fastTarget = published;
    if (fastReceived >= fastTarget) fastDone();
    await fastAll;

    log('');
    log(`  fast subscriber received ${fastReceived.toLocaleString('en')} of ${published.toLocaleString('en')}`);
    log(`  slow subscriber received ${slowReceived.toLocaleString('en')} of ${published.toLocaleString('en')}, then Redis closed its connection`);
    log('');
    log('Nothing told the publisher: PUBLISH still counted the slow subscriber while its buffer grew.');
    log('Redis Pub/Sub protects itself, not your messages: a consumer that falls behind is disconnected and loses what was queued.');
    return {
      published,
      messageBytes: MESSAGE_BYTES,
      fastReceived,
      slowReceived,
      slowDisconnected: cutOff,
      peakOutputBufferBytes: peak,
      limit: LIMIT,
    };
  } finally {
    if (original !== undefined) await admin.config('SET', 'client-output-buffer-limit', original).catch(() => {});
    for (const client of [admin, publisher, fast, slow]) client.disconnect();
  }
});

async function readLimit(admin: Redis): Promise<string> {
  const reply = (await admin.config('GET', 'client-output-buffer-limit')) as string[];
  const value = reply[1];
  if (!value) throw new WorkbookError('This Redis did not report its client-output-buffer-limit; the lab needs CONFIG GET/SET.');
  return value;
}

async function findClient(admin: Redis, name: string): Promise<{ omem: number } | undefined> {
  const list = (await admin.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  if (!line) return undefined;
  return { omem: Number(/ omem=(\d+)/.exec(line)?.[1] ?? 0) };
}
