// Mistake: publishes every payload inside the message, however large: a payload bigger than a subscriber's output buffer limit gets that subscriber disconnected.
// Caught by: a payload larger than the subscriber’s output buffer limit still reaches it
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
  const envelope: Envelope = { inline: payload };
  return redis.publish(channel, JSON.stringify(envelope));
}

/** Turns a message received on the channel back into its payload. */
export async function openMessage(redis: Redis, message: string): Promise<string> {
  const envelope = JSON.parse(message) as Envelope;
  return 'inline' in envelope ? envelope.inline : '';
}
