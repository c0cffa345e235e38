// Mistake: the guide's fix for pitfall 2: JSON.parse outside any try in an async listener, so one message that is not JSON is an unhandled rejection that ends the process.
// Caught by: a message that is not JSON is reported and dropped, and the subscriber handles the next one
import type { Redis } from 'ioredis';

/** A handler may be plain or async, and may fail either way. */
export type Handler = (event: unknown) => void | Promise<void>;

export interface ListenOptions {
  /** A handler threw or rejected. The other handlers of that message still ran. */
  onHandlerError: (failure: { handler: string; channel: string; error: unknown }) => void;
  /** A message that is not JSON. It is dropped; the messages after it are handled as usual. */
  onBadMessage: (failure: { channel: string; raw: string; error: unknown }) => void;
}

/**
 * Runs every handler for every message that arrives on `subscriber`: one message at a time, in
 * arrival order, with the handlers of a message running side by side.
 */
export function listen(subscriber: Redis, handlers: Record<string, Handler>, options: ListenOptions): void {
  subscriber.on('message', async (channel: string, raw: string) => {
    const event: unknown = JSON.parse(raw);
    await Promise.allSettled(
      Object.entries(handlers).map(([name, handler]) =>
        // The guide assumes that every handler returns a promise.
        (handler(event) as Promise<void>).catch((error: unknown) => {
          options.onHandlerError({ handler: name, channel, error });
        }),
      ),
    );
  });
}
