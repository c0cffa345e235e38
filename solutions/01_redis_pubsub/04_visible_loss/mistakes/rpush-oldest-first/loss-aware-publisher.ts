// Mistake: RPUSH appends at the tail and LTRIM 0..max-1 then keeps the oldest lost messages, dropping the newest ones someone needs to look at.
// Caught by: lost messages go to a capped dead-letter list, newest first
import { Redis } from 'ioredis';

export interface LostMessage {
  channel: string;
  message: string;
}

export interface DeliveryStats {
  published: number;
  /** Sum of receivers over all publishes. */
  delivered: number;
  /** Messages that no subscriber received. */
  lost: number;
}

export interface LossAwareOptions {
  onLost?: (lost: LostMessage) => void;
  /** Reject publishes that reach nobody. */
  requireSubscriber?: boolean;
  /** Keep lost messages in a capped Redis list (newest first). */
  deadLetter?: { key: string; max: number };
}

export class NoSubscriberError extends Error {
  constructor(readonly channel: string) {
    super(`no subscriber received the message on ${channel}`);
    this.name = 'NoSubscriberError';
  }
}

export interface LossAwarePublisher {
  publish(channel: string, message: string): Promise<number>;
  stats(): DeliveryStats;
  close(): Promise<void>;
}

export function createLossAwarePublisher(url: string, options: LossAwareOptions = {}): LossAwarePublisher {
  const publisher = new Redis(url);
  const stats: DeliveryStats = { published: 0, delivered: 0, lost: 0 };

  const keepDeadLetter = async (lost: LostMessage): Promise<void> => {
    if (!options.deadLetter) return;
    const { key, max } = options.deadLetter;
    const entry = JSON.stringify({ ...lost, at: new Date().toISOString() });
    // One transaction: the list is never seen above its cap, even with many publishers.
    await publisher.multi().rpush(key, entry).ltrim(key, 0, max - 1).exec();
  };

  return {
    async publish(channel, message) {
      const receivers = await publisher.publish(channel, message);
      stats.published++;
      stats.delivered += receivers;
      if (receivers === 0) {
        stats.lost++;
        const lost = { channel, message };
        options.onLost?.(lost);
        await keepDeadLetter(lost);
        if (options.requireSubscriber) throw new NoSubscriberError(channel);
      }
      return receivers;
    },
    stats: () => ({ ...stats }),
    async close() {
      await publisher.quit();
    },
  };
}
