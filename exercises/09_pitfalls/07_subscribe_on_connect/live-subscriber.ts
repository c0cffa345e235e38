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

  // TODO: this is the guide's "good" version of pitfall 7: resubscribe every time the client
  // connects. With ioredis it never gets going: 'connect' fires before the client's ready check,
  // SUBSCRIBE puts the connection in subscriber mode, the ready check's INFO is refused, and the
  // client drops the connection and tries again, forever. ioredis already resubscribes by itself
  // after a reconnect. What no client can do is bring back the messages sent while it was
  // disconnected: call onResync after each reconnect, once the channels are subscribed again.
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
