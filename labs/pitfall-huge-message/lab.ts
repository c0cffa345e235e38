import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineLab } from '../../src/labs/lab.ts';

export interface HugeMessageFindings {
  /** The server's pub/sub hard output-buffer limit in bytes (0: none). */
  limitBytes: number;
  payloadBytes: number;
  inline: { receivers: number; received: boolean; disconnected: boolean };
  claimCheck: { receivers: number; messageBytes: number; received: boolean; payloadIntact: boolean };
}

const MiB = 1024 * 1024;

export default defineLab<HugeMessageFindings>(async ({ log, redisUrl }) => {
  const channel = `lab:huge:${randomUUID().slice(0, 8)}`;
  const publisher = new Redis(redisUrl());
  const cleanup: Array<() => void> = [() => publisher.disconnect()];
  try {
    const limitBytes = await pubsubHardLimit(publisher);
    // Just over the limit, read from the server rather than changed on it. Without a limit (or a
    // huge one) nothing gets cut off, and 4 MiB shows the claim check alone.
    const payloadBytes = limitBytes > 0 && limitBytes <= 64 * MiB ? limitBytes + MiB : 4 * MiB;
    const payload = 'a'.repeat(payloadBytes);
    log(`This server's pub/sub output-buffer hard limit: ${limitBytes > 0 ? `${(limitBytes / MiB).toFixed(0)} MiB` : 'none'}. Payload: ${(payloadBytes / MiB).toFixed(0)} MiB.`);
    log('');

    // 1. The payload inside the message.
    const inlineSubscriber = new Redis(redisUrl(), { retryStrategy: () => null });
    inlineSubscriber.on('error', () => {});
    cleanup.push(() => inlineSubscriber.disconnect());
    await inlineSubscriber.subscribe(channel);
    const inlineOutcome = outcome(inlineSubscriber);
    const inlineReceivers = await publisher.publish(channel, payload);
    const inline = { receivers: inlineReceivers, ...(await inlineOutcome) };
    log(`Published inside the message:  PUBLISH answered ${inline.receivers};  the subscriber ${inline.received ? 'received it' : 'received nothing'}${inline.disconnected ? ', and Redis closed its connection' : ''}.`);

    // 2. A claim check: store first, then publish a small reference.
    const subscriber = new Redis(redisUrl());
    subscriber.on('error', () => {});
    cleanup.push(() => subscriber.disconnect());
    const reader = new Redis(redisUrl());
    cleanup.push(() => reader.disconnect());
    await subscriber.subscribe(channel);
    const arrived = outcome(subscriber);
    const sha256 = createHash('sha256').update(payload).digest('hex');
    const ref = `lab:huge:payload:${sha256}`;
    await publisher.set(ref, payload, 'EX', 60);
    const message = JSON.stringify({ ref, bytes: payloadBytes, sha256 });
    const receivers = await publisher.publish(channel, message);
    const got = await arrived;
    let payloadIntact = false;
    if (got.message) {
      const stored = await reader.get((JSON.parse(got.message) as { ref: string }).ref);
      payloadIntact = stored !== null && createHash('sha256').update(stored).digest('hex') === sha256;
    }
    await publisher.del(ref);
    const claimCheck = { receivers, messageBytes: Buffer.byteLength(message), received: got.received, payloadIntact };
    log(`Published as a claim check:    PUBLISH answered ${receivers};  the subscriber received a ${claimCheck.messageBytes}-byte message, and the payload behind it was ${payloadIntact ? 'intact' : 'missing'}.`);
    log('');
    log('PUBLISH counts the subscribers the message was queued for, not those who got it. A message larger');
    log("than a subscriber's output-buffer limit gets that subscriber disconnected, and the message is lost.");
    return { limitBytes, payloadBytes, inline, claimCheck };
  } finally {
    for (const close of cleanup.reverse()) close();
  }
});

async function pubsubHardLimit(redis: Redis): Promise<number> {
  const [, value = ''] = (await redis.config('GET', 'client-output-buffer-limit')) as [string, string];
  return Number(/pubsub (\d+)/.exec(value)?.[1] ?? 0);
}

/** Resolves with the first message, or with the fact that the connection closed, or after 5 s. */
function outcome(subscriber: Redis): Promise<{ received: boolean; disconnected: boolean; message?: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ received: false, disconnected: false }), 5_000);
    subscriber.once('message', (_channel: string, message: string) => {
      clearTimeout(timer);
      resolve({ received: true, disconnected: false, message });
    });
    subscriber.once('close', () => {
      clearTimeout(timer);
      resolve({ received: false, disconnected: true });
    });
  });
}
