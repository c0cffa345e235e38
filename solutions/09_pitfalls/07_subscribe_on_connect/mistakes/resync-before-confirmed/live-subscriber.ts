// Mistake: calls onResync as soon as the client is ready again, before Redis has confirmed the restored subscriptions, so a message published right after the resync begins can be missed.
// Caught by: onResync comes once the channels are subscribed again, so nothing published from then on is missed
import { Redis } from 'ioredis';

export interface LiveSubscriberOptions {
  onMessage: (channel: string, message: string) => void;
  /**
   * Called after each reconnect (1, 2, ...), once the channels are subscribed again. Messages
   * published while the connection was down are gone: reload whatever they would have told you.
   */
  onResync: (reconnect: number) => void;
}

export interface LiveSubscriber {
  /** Resolves once every channel is subscribed. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function startLiveSubscriber(url: string, channels: string[], options: LiveSubscriberOptions): LiveSubscriber {
  // ioredis remembers the subscriptions and sends them again after a reconnect (autoResubscribe).
  const subscriber = new Redis(url);
  let readyEvents = 0;
  let closing = false;

  // Listeners belong to the client object, which outlives every reconnect: register them once.
  subscriber.on('message', options.onMessage);
  // Reconnect attempts fail while the server is away; without a listener ioredis logs each one.
  subscriber.on('error', () => {});
  subscriber.on('ready', () => {
    readyEvents++;
    if (readyEvents === 1 || closing) return;
    const reconnect = readyEvents - 1;
    // By 'ready', ioredis has sent the subscriptions again, but Redis has not confirmed them yet.
    // SUBSCRIBE is idempotent and its reply comes after theirs: once it is back, the channels are
    // certainly subscribed, and a resync started now cannot miss a message published after it.
    options.onResync(reconnect);
  });

  // Subscribe once, at start, and let the client restore it. Subscribing from the 'connect' event,
  // as the guide does, sends SUBSCRIBE before ioredis's ready check, whose INFO is then refused.
  const ready = subscriber.subscribe(...channels).then(() => undefined);

  return {
    ready,
    async close() {
      closing = true;
      await subscriber.quit();
    },
  };
}
