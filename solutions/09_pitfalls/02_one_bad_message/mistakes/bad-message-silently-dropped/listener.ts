// Mistake: guards JSON.parse but drops a bad message without a word, so nobody learns that a publisher is sending garbage.
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
  let previous: Promise<void> = Promise.resolve();

  subscriber.on('message', (channel: string, raw: string) => {
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      return;
    }
    // Chained, so message 2 starts only when message 1 is done; never rejects, so the chain holds.
    previous = previous.then(() => runAll(channel, event));
  });

  async function runAll(channel: string, event: unknown): Promise<void> {
    // `async () => handler(event)` turns a synchronous throw into a rejection, so every handler
    // starts, and allSettled waits for all of them whatever each one does.
    const names = Object.keys(handlers);
    const results = await Promise.allSettled(names.map(async (name) => handlers[name]?.(event)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') report(() => options.onHandlerError({ handler: names[i] ?? '?', channel, error: result.reason }));
    });
  }

  /** A broken error callback must not break the chain either. */
  function report(call: () => void): void {
    try {
      call();
    } catch {
      // Nothing sensible is left to do with a failure to report a failure.
    }
  }
}
