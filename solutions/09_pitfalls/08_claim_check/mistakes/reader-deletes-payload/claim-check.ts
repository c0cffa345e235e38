// Mistake: redeems the check with GETDEL, so the first reader deletes the payload and every other subscriber finds nothing.
// Caught by: every reader can redeem the claim check; reading does not delete the payload
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface ClaimCheckOptions {
  /** Payloads up to this many bytes (UTF-8) travel inside the message. */
  inlineLimitBytes: number;
  /** Stored payloads live under `${keyPrefix}:<sha256 of the payload>`. */
  keyPrefix: string;
  /** Stored payloads expire after this many seconds, whoever has read them (the store's lifecycle rule). */
  ttlSeconds: number;
}

/** What travels on the channel: the payload itself, or a claim check for it. */
export type Envelope = { inline: string } | { ref: string; bytes: number; sha256: string };

/** A claim check that cannot be redeemed: the payload expired, or is not the one that was published. */
export class ClaimCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimCheckError';
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Publishes `payload` on `channel`; resolves to what PUBLISH answered (the receivers). */
export async function publishPayload(redis: Redis, channel: string, payload: string, options: ClaimCheckOptions): Promise<number> {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes <= options.inlineLimitBytes) return redis.publish(channel, JSON.stringify({ inline: payload } satisfies Envelope));

  const digest = sha256(payload);
  const ref = `${options.keyPrefix}:${digest}`;
  // Store first, publish second: a subscriber may redeem the check the moment it arrives. The TTL
  // is the lifecycle rule: readers never delete, since other readers (and replays) need it too.
  await redis.set(ref, payload, 'EX', options.ttlSeconds);
  return redis.publish(channel, JSON.stringify({ ref, bytes, sha256: digest } satisfies Envelope));
}

/** Turns a message received on the channel back into its payload. */
export async function openMessage(redis: Redis, message: string): Promise<string> {
  const envelope = JSON.parse(message) as Envelope;
  if ('inline' in envelope) return envelope.inline;
  const payload = await redis.getdel(envelope.ref);
  if (payload === null) throw new ClaimCheckError(`the payload ${envelope.ref} has expired or was never stored; ask the publisher to send it again`);
  if (sha256(payload) !== envelope.sha256) throw new ClaimCheckError(`the payload at ${envelope.ref} does not match its sha256 checksum; refusing it`);
  return payload;
}
