// Mistake: on() fires PSUBSCRIBE without awaiting it, so it resolves before Redis has the pattern and a message published right then reaches nobody.
// Caught by: on() resolves only once Redis has confirmed the pattern subscription
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
  subscriber.on('pmessage', (pattern: string, channel: string, message: string) => {
    for (const handler of handlersByPattern.get(pattern) ?? []) handler(channel, message);
  });

  return {
    async on(pattern, handler) {
      handlersByPattern.set(pattern, [...(handlersByPattern.get(pattern) ?? []), handler]);
      let subscribed = subscriptions.get(pattern);
      if (!subscribed) {
        subscribed = subscriber.psubscribe(pattern);
        subscriptions.set(pattern, subscribed);
      }
      void subscribed;
    },
    async close() {
      await subscriber.quit();
    },
  };
}
