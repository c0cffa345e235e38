// Mistake: the guide's pitfall-7 fix: SUBSCRIBE in the 'connect' event, which fires before ioredis's ready check; its INFO is refused in subscriber mode and the client reconnects forever, never ready.
// Caught by: becomes ready with every channel subscribed, and receives messages
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
  const subscriber = new Redis(url);

  subscriber.on('error', (error: Error) => {
    console.error('Subscriber error:', error.message);
  });
  subscriber.on('reconnecting', () => {
    console.log('Reconnecting...');
  });
  subscriber.on('connect', () => {
    console.log('Connected, resubscribing...');
    subscriber.subscribe(...channels).catch(() => {});
  });
  subscriber.on('message', options.onMessage);

  const ready = new Promise<void>((resolve) => subscriber.once('ready', () => resolve()));

  return {
    ready,
    async close() {
      await subscriber.quit();
    },
  };
}
