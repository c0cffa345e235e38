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
  // TODO: this is the guide's "good" version of pitfall 2, and one bad message still kills the
  // process. JSON.parse throws outside any try; `.catch` never sees a handler that throws before
  // it returns a promise (or returns none); and the listener is async, so its rejection is
  // unhandled, which ends a Node process. The listener also starts message 2 while message 1 is
  // still running.
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
