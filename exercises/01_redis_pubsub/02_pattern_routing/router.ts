import { Redis } from 'ioredis';

export type PatternHandler = (channel: string, message: string) => void;

export interface Router {
  /** Registers a handler for a glob pattern; resolves once Redis has confirmed the subscription. */
  on(pattern: string, handler: PatternHandler): Promise<void>;
  close(): Promise<void>;
}

export function createRouter(url: string): Router {
  const subscriber = new Redis(url);

  return {
    async on(pattern, handler) {
      // TODO: this adds one more 'pmessage' listener per registration, and each listener calls its
      // handler for every pattern message, whichever pattern matched. Route by the pattern instead.
      subscriber.on('pmessage', (_matched: string, channel: string, message: string) => {
        handler(channel, message);
      });
      await subscriber.psubscribe(pattern);
    },
    async close() {
      await subscriber.quit();
    },
  };
}
