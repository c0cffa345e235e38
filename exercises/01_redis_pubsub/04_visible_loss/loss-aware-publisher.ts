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

  return {
    async publish(channel, message) {
      stats.published++;
      // TODO: PUBLISH tells you how many subscribers received the message, and this ignores it.
      // Count deliveries and losses, call onLost, honour requireSubscriber and deadLetter.
      await publisher.publish(channel, message);
      return 1;
    },
    stats: () => ({ ...stats }),
    async close() {
      await publisher.quit();
    },
  };
}
