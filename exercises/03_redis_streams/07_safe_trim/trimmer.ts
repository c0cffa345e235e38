import type { Redis } from 'ioredis';

export interface TrimOptions {
  /**
   * `~` instead of `=`: Redis removes only whole nodes of the stream's internal radix tree (up to
   * 100 entries each by default), which is much cheaper, and may keep some entries it could drop.
   */
  approximate?: boolean;
}

export interface TrimReport {
  /** How many entries the trim removed (XTRIM's reply). */
  removed: number;
  /** The MINID passed to XTRIM: every entry with a smaller id could go. Null when nothing could be trimmed. */
  keptFrom: string | null;
}

/**
 * Trims the entries that every consumer group of the stream is finished with — read and
 * acknowledged — and never one that some group has not read yet or still has pending.
 */
export async function trimConsumed(redis: Redis, stream: string, options: TrimOptions = {}): Promise<TrimReport> {
  // TODO: this is the guide's trimStream(): keep the newest N entries. MAXLEN counts entries and
  // knows nothing about consumer groups, so a group that is behind loses entries it never read.
  // Work out, per group, the first entry it still needs (XINFO GROUPS, XPENDING), take the oldest
  // of those, and trim with MINID instead. Honour `approximate` ('~' or '=').
  const KEEP = 100;
  const removed = await redis.xtrim(stream, 'MAXLEN', '~', KEEP);
  return { removed, keptFrom: null };
}
