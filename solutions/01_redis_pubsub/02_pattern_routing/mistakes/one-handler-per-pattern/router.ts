// Mistake: keeps one handler per pattern in a Map, so registering a pattern a second time silently replaces the first handler.
// Caught by: registering a pattern twice runs both handlers but keeps one subscription
import { Redis } from 'ioredis';

export type PatternHandler = (channel: string, message: string) => void;

export interface Router {
  /** Registers a handler for a glob pattern; resolves once Redis has confirmed the subscription. */
  on(pattern: string, handler: PatternHandler): Promise<void>;
  close(): Promise<void>;
}

export function createRouter(url: string): Router {
  const subscriber = new Redis(url);
  const handlerByPattern = new Map<string, PatternHandler>();
  // A second on() for a pattern still being subscribed must wait for the same confirmation.
  const subscriptions = new Map<string, Promise<unknown>>();

  // One listener for the connection's lifetime. Redis names the pattern that matched, and sends one
  // pmessage per matching pattern, so routing by it runs every handler exactly once.
  subscriber.on('pmessage', (pattern: string, channel: string, message: string) => {
    handlerByPattern.get(pattern)?.(channel, message);
  });

  return {
    async on(pattern, handler) {
      handlerByPattern.set(pattern, handler);
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
