// Mistake: a second on() for a pattern whose PSUBSCRIBE is still in flight returns at once instead of waiting for the same confirmation.
// Caught by: a second on() for a pattern still being subscribed waits for the same confirmation
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
      if (subscriptions.has(pattern)) return;
      const subscribed = subscriber.psubscribe(pattern);
      subscriptions.set(pattern, subscribed);
      await subscribed;
    },
    async close() {
      await subscriber.quit();
    },
  };
}
