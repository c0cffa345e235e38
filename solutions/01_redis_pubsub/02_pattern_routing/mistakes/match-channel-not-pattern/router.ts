// Mistake: routes by matching the channel against every registered pattern instead of using the pattern Redis names, so a channel matching two patterns (one pmessage each) runs each handler twice.
// Caught by: a channel matching two patterns reaches both handlers, once each
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
  const globToRegExp = (glob: string): RegExp =>
    new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  subscriber.on('pmessage', (_matched: string, channel: string, message: string) => {
    for (const [pattern, handlers] of handlersByPattern) {
      if (globToRegExp(pattern).test(channel)) for (const handler of handlers) handler(channel, message);
    }
  });

  return {
    async on(pattern, handler) {
      handlersByPattern.set(pattern, [...(handlersByPattern.get(pattern) ?? []), handler]);
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
