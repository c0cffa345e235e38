// Mistake: the guide's subscribeToPattern: each on() adds a 'pmessage' listener that runs its handler for every pattern message, so the user:* handler also receives orders.
// Caught by: each handler gets only the messages of its own pattern
import { Redis } from 'ioredis';

export type PatternHandler = (channel: string, message: string) => void;

export interface Router {
  /** Registers a handler for a glob pattern; resolves once Redis has confirmed the subscription. */
  on(pattern: string, handler: PatternHandler): Promise<void>;
  close(): Promise<void>;
}

export function createRouter(url: string): Router {
  const subscriber = new Redis(url);
  const handlersByPattern = new Map<string, PatternHandler[]>();
  // A second on() for a pattern still being subscribed must wait for the same confirmation.
  const subscriptions = new Map<string, Promise<unknown>>();

  // One listener for the connection's lifetime. Redis names the pattern that matched, and sends one
  // pmessage per matching pattern, so routing by it runs every handler exactly once.

  return {
    async on(pattern, handler) {
      handlersByPattern.set(pattern, [...(handlersByPattern.get(pattern) ?? []), handler]);
      subscriber.on('pmessage', (_matched: string, channel: string, message: string) => handler(channel, message));
      let subscribed = subscriptions.get(pattern);
      if (!subscribed) {
        subscribed = subscriber.psubscribe(pattern);
        subscriptions.set(pattern, subscribed);
      }
      await subscribed;
    },
    async close() {
      await subscriber.quit();
    },
  };
}
