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
  // TODO: every payload travels inside the message, however large. Redis copies it into the output
  // buffer of every subscriber, and one larger than the pub/sub output buffer limit (32 MB by
  // default) gets each subscriber disconnected, while PUBLISH still counts them as receivers.
  // Above inlineLimitBytes, store the payload first (with a TTL) and publish a claim check:
  // { ref, bytes, sha256 }.
  const envelope: Envelope = { inline: payload };
  return redis.publish(channel, JSON.stringify(envelope));
}

/** Turns a message received on the channel back into its payload. */
export async function openMessage(redis: Redis, message: string): Promise<string> {
  // TODO: redeem claim checks: fetch the payload by its ref, and refuse (ClaimCheckError) one that
  // has expired or whose sha256 does not match.
  const envelope = JSON.parse(message) as Envelope;
  return 'inline' in envelope ? envelope.inline : '';
}
